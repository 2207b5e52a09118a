"""The status line at 80, 120 and 200 columns: it fits, it drops its least useful
parts first, and never the view, the filter, the sort, the replay's wall clock and
pause state, or a kind that is not watching.

Live sources run against the API server double (a real HTTP server, through the real
client); replay sources over the bundled demo."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from rich.cells import cell_len

from podwatch.cli import demo_path
from podwatch.cut import cut_halves
from podwatch.kube.config import connect
from podwatch.kube.source import LiveSource, ReplaySource
from podwatch.model.watch import KINDS, WatchEvent
from podwatch.recording import Recording, read_recording
from podwatch.ui.status import status_line
from tests.factories import pod
from tests.live.conftest import FAST, pump, seed_web_service

CONTEXT = "arn:aws:eks:eu-west-1:123456789012:cluster/production-main"
"""A real-world EKS context name: long, and told apart from others by its end."""
FILTER = "web -l app=web"
WIDTHS = (80, 120, 200)


@pytest.fixture
def live(double, tmp_path) -> Iterator[Callable[[], LiveSource]]:
    """Factory: a started LiveSource on the double (context CONTEXT, namespace default)."""
    sources: list[LiveSource] = []

    def make() -> LiveSource:
        kubeconfig = double.write_kubeconfig(tmp_path / "kubeconfig", context=CONTEXT)
        cluster, scope = connect(kubeconfig=str(kubeconfig))
        source = LiveSource(cluster, scope, settings=FAST).start()
        sources.append(source)
        return source

    yield make
    for source in sources:
        source.stop()
        source.cluster.close()


def settle(source: LiveSource, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    assert pump(source, predicate, timeout), {k: st.state for k, st in source.statuses().items()}


def watching(source: LiveSource, *, but: str = "", state: str = "") -> Callable[[], bool]:
    def check() -> bool:
        return all(
            st.state == (state if kind == but else "watching")
            for kind, st in source.statuses().items()
        )

    return check


def line(source, width: int, **kw) -> str:
    kw.setdefault("filter_text", FILTER)
    kw.setdefault("sort", "health")
    text = status_line(source, width=width, **kw).plain
    assert cell_len(text) <= width, (width, text)
    return text


def assert_keeps_filter_and_sort(text: str) -> None:
    assert f"filter: {FILTER}" in text
    assert text.endswith("sort: health")


# ------------------------------------------------------------------------- live


def test_live_at_300_columns_shows_everything(live, double) -> None:
    seed_web_service(double)
    source = live()
    settle(source, watching(source))
    text = line(source, 300)
    assert text.startswith(f"{CONTEXT} ▸ namespace default  ")
    assert " ".join(f"{kind} ✓" for kind in KINDS) in text
    # Narrower, twelve kinds watching fine are one count; the rest stays whole.
    folded = line(source, 200)
    assert f"{CONTEXT} ▸ namespace default  {len(KINDS)} kinds ✓" in folded
    assert_keeps_filter_and_sort(folded)
    assert "ev/s" in text
    assert_keeps_filter_and_sort(text)


def test_live_at_120_columns_folds_the_kinds_and_cuts_the_context_to_the_room_left(
    live, double
) -> None:
    seed_web_service(double)
    source = live()
    settle(source, watching(source))
    text = line(source, 118)  # 120 columns less the status bar's padding
    context, _, rest = text.partition(" ▸ ")
    assert context == cut_halves(CONTEXT, 40) and context.endswith("/production-main")
    assert rest.startswith(f"ns default  {len(KINDS)} kinds ✓  ")
    assert "Pod ✓" not in text
    assert "ev/s" in text  # dropped before the context was cut, then given back: it fits
    assert_keeps_filter_and_sort(text)


def test_live_at_80_columns_shortens_the_context_and_keeps_filter_and_sort(live, double) -> None:
    seed_web_service(double)
    source = live()
    settle(source, watching(source))
    text = line(source, 78)
    context, _, rest = text.partition(" ▸ ")
    assert context.startswith("arn:") and context.endswith("-main") and len(context) <= 24
    # Every kind watching fine goes unsaid before the context would (a kind that is not
    # is always named: test_live_a_forbidden_kind_stays_named_at_every_width).
    assert rest.startswith("ns default  filter: ")
    assert "ev/s" not in text
    assert_keeps_filter_and_sort(text)


@pytest.mark.parametrize("width", WIDTHS)
def test_live_a_forbidden_kind_stays_named_at_every_width(live, double, width) -> None:
    double.forbid("Event")
    source = live()
    settle(source, watching(source, but="Event", state="forbidden"))
    text = line(source, width - 2)
    assert "Event ✗" in text
    assert_keeps_filter_and_sort(text)
    if width == 200:
        assert f"{len(KINDS) - 1} kinds ✓ Event ✗forbidden" in text
    else:
        assert f"{len(KINDS) - 1} kinds ✓ Event ✗" in text


def test_live_at_80_columns_with_every_watch_down_still_keeps_filter_and_sort(live, double) -> None:
    """The most there is to say (six kinds reconnecting) in the least room: at 80 columns
    the kinds are counted (the stale banner names them); filter and sort stay."""
    source = live()
    settle(source, watching(source))
    double.stop()
    settle(
        source,
        lambda: all(st.state == "reconnecting" for st in source.statuses().values()),
        timeout=15.0,
    )
    assert "Pod ⟳reconnecting" in status_line(source).plain  # no width: every detail
    # The details go first (the stale banner gives them); the kinds and the state stay.
    assert f"{' '.join(KINDS)} ⟳reconnecting" in line(source, 198)
    text = line(source, 78)
    assert f"{len(KINDS)} kinds ⟳" in text and "✓" not in text
    assert_keeps_filter_and_sort(text)


# ----------------------------------------------------------------------- replay


@pytest.fixture(scope="module")
def replay() -> ReplaySource:
    source = ReplaySource(read_recording(demo_path()), clock=lambda: 0.0, paused=True)
    source.seek(35)
    return source


@pytest.fixture
def utc(monkeypatch):
    """Local time is UTC (the clock the header shows), restored afterwards."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


LATER = 9 * 86400
"""Seconds after the demo's start that "now" is: the demo is not today's recording."""


def replay_line(source: ReplaySource, width: int, *, now: float | None = None, **kw) -> str:
    now = source.started + LATER if now is None else now
    return line(source, width, now=now, **kw)


def test_replay_at_200_columns_shows_the_wall_clock_with_date_and_zone(replay, utc) -> None:
    """The demo (2026-11-22 09:00 UTC) seen on another day: the date is part of the time."""
    text = replay_line(replay, 198)
    assert text.startswith("replay demo  2026-11-22 09:00:35 UTC  00:35 / 07:27  ×1  ")
    assert "×1  ⏸ paused  event 34/315" in text
    assert_keeps_filter_and_sort(text)


def test_replay_at_120_columns_shows_everything_that_fits(replay, utc) -> None:
    text = replay_line(replay, 118)
    assert "replay demo  2026-11-22 09:00:35 UTC  00:35 / 07:27" in text
    assert "⏸ paused" in text and "event 34/" in text
    assert_keeps_filter_and_sort(text)
    long_filter = "pod-readiness-exec1 -l app=readiness"
    text = replay_line(replay, 118, filter_text=long_filter)
    assert text.startswith("replay demo  11-22 09:00:35  00:35 / 07:27  ×1  ⏸ paused  ")
    assert "event" not in text and f"filter: {long_filter}" in text


def test_replay_at_80_columns_keeps_the_wall_clock_pause_filter_and_sort(replay, utc) -> None:
    long_filter = "pod-readiness-exec1 -l app=readiness"
    text = replay_line(replay, 78, filter_text=long_filter)
    # The least useful parts go first: the event counter, the year and zone, the name,
    # the pause word, the offset; the moment and the whole filter stay.
    assert text == f"11-22 09:00:35  ⏸  filter: {long_filter}  sort: health"
    text = replay_line(replay, 78)
    assert text == "replay  11-22 09:00:35  00:35 / 07:27  ⏸  filter: web -l app=web  sort: health"


def test_replay_view_name_is_kept_at_80_columns(replay, utc) -> None:
    text = replay_line(replay, 78, filter_text="", sort="", view="Services")
    assert "11-22 09:00:35  00:35 / 07:27" in text and "⏸ paused" in text
    assert text.endswith("view: Services")


def test_a_recording_of_today_shows_the_time_alone(replay, utc) -> None:
    today = replay.started + 3600  # later the same day
    assert replay_line(replay, 198, now=today).startswith("replay demo  09:00:35 UTC  00:35 / ")
    text = replay_line(replay, 78, now=today, filter_text="pod-readiness-exec1 -l app=readiness")
    assert text.startswith("09:00:35  ")


def test_a_recording_across_midnight_shows_the_date_even_today(utc) -> None:
    started = datetime(2026, 11, 22, 23, 59, 0, tzinfo=UTC).timestamp()
    events = [WatchEvent(0, "Pod", "ADDED", pod("a")), WatchEvent(120, "Pod", "MODIFIED", pod("a"))]
    source = ReplaySource(Recording({}, events, started), clock=lambda: 0.0, paused=True)
    source.seek(90)
    assert replay_line(source, 198, now=started + 60).startswith(
        "replay recording  2026-11-23 00:00:30 UTC  01:30 / 02:00  "
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_a_capture_merged_from_days_apart_reads_in_days_and_wall_clock(width, utc) -> None:
    """Files days apart merged into one capture used to read `6280:15 / 6280:15`."""
    started = datetime(2026, 11, 18, 1, 0, 0, tzinfo=UTC).timestamp()
    events = [
        WatchEvent(0, "Pod", "ADDED", pod("a")),
        WatchEvent(376815, "Pod", "DELETED", pod("a")),
    ]
    source = ReplaySource(Recording({}, events, started), clock=lambda: 0.0, paused=True)
    source.seek(3845)
    text = replay_line(source, width - 2, now=started + 376815)
    assert "6280:15" not in text and "64:05" not in text
    if width == 80:
        assert text.startswith("11-18 02:04:05  1h04m05s/4d08h40m15s  ⏸  ")
    else:
        assert "2026-11-18 02:04:05 UTC  1h04m05s / 4d08h40m15s" in text
    assert_keeps_filter_and_sort(text)


# ------------------------------------------------------------------------ helpers


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("arn:aws:eks:eu-west-1:123456789012:cluster/prod", 14, "arn:aw…er/prod"),
        ("abcdef", 1, "…"),
    ],
)
def test_cut_middle_keeps_both_ends(text: str, limit: int, expected: str) -> None:
    assert cut_halves(text, limit) == expected
    assert cell_len(cut_halves(text, limit)) <= limit
