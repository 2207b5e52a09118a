"""Pilot tests of issue 13 item 2, "find the moment": the replay header's wall clock,
`--at` and `g` with wall-clock times, and the jump keys (`>` / `<` the selected pod's
next / previous change, `w` / `W` the next / previous Warning, `,` one event back),
over the bundled demo, paused, on a clock that only moves when a test moves it.
Every test runs twice: over the recording read whole, and through its index
(recording/index.py, with a checkpoint every 40 events), as a long one is replayed.

The demo starts 2026-11-22T09:00:00Z; times on screen are local (format_clock), so
the tests write what they expect with format_clock too."""

from __future__ import annotations

import time

import pytest

from podwatch.cli import build_sub_parser, demo_path, replay_dashboard
from podwatch.kube.source import ReplaySource
from podwatch.model.k8s import format_clock
from podwatch.recording.index import open_indexed
from podwatch.ui.app import PodwatchApp
from podwatch.ui.screens.main import MainScreen
from podwatch.ui.screens.modals import PromptScreen
from podwatch.ui.screens.pod import PodScreen
from podwatch.ui.status import needs_date
from tests.ui.pilot import command, status, table, toasts
from tests.ui.textshot import shown

WIDE = (120, 40)
SMALL = (80, 24)
EXEC = ("demo", "pod-readiness-exec1")
LIVENESS = ("demo", "pod-liveness-httpget1")
NO_EXECUTE = ("demo", "pod1-with-no-execute")


@pytest.fixture(params=["whole", "indexed"])
def demo_log(request, demo_recording, tmp_path):
    if request.param == "whole":
        yield demo_recording
        return
    log = open_indexed([str(demo_path())], cache=tmp_path, every=40)
    yield log
    log.close()


@pytest.fixture
def demo_app(demo_log, fake_clock):
    """As tests/ui/conftest.py's, over `demo_log`."""

    def make(at: float = 35.0) -> PodwatchApp:
        source = ReplaySource(demo_log, clock=fake_clock, paused=True)
        source.seek(at)
        return PodwatchApp(source)

    return make


def cells(app, key) -> dict[str, str]:
    t = table(app)
    return {column: str(text) for column, text in t.cells_of(f"{key[0]}/{key[1]}").items()}


def summary(app) -> str:
    return shown(app.screen.query_one("#summary"))


def clock_shown(app, offset: float, *, short: bool = False) -> str:
    """The header's clock for `offset` seconds into the demo, as it writes it."""
    source = app.source
    dated = needs_date(source.started, source.duration, time.time())
    moment = source.started + offset
    if short:
        return format_clock(moment, date=dated)
    return format_clock(moment, year=dated, zone=True)


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


def position(source) -> float:
    """The position to the hundredth (the recording's times are floats)."""
    return round(source.position, 2)


def last_toast(app) -> str:
    shown = toasts(app)
    assert shown, "no notice"
    return shown[-1]


# ----------------------------------------------------------------- the header's clock


@pytest.mark.parametrize("size", [(200, 50), WIDE, SMALL], ids=["200", "120", "80"])
async def test_the_header_shows_the_wall_clock_of_the_moment(demo_app, size) -> None:
    app = demo_app(35)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text = status(app)
        if size == SMALL:
            # The year and zone go first (and the event counter).
            assert text.startswith(f"replay demo  {clock_shown(app, 35, short=True)}  00:35 / ")
        else:
            assert text.startswith(f"replay demo  {clock_shown(app, 35)}  00:35 / 07:27  ×1  ")
        assert "⏸" in text and text.rstrip().endswith("sort: health")
        await press(pilot, "]")
        assert clock_shown(app, 45, short=True) in status(app)


async def test_at_a_wall_clock_time_opens_the_dashboard_there(demo_log) -> None:
    """`podwatch demo --at HH:MM:SS --paused`, as the command line builds it."""
    recording = demo_log
    at = format_clock(recording.started + 90)  # local time, as the user reads it
    args = build_sub_parser("demo").parse_args(["--at", at, "--paused"])
    app = replay_dashboard(recording, args)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert position(app.source) == 90.0 and app.source.paused
        assert f"{clock_shown(app, 90)}  01:30 / 07:27" in status(app)
        # At 90 s the liveness pod has just started; its probe fails from 99 s.
        assert cells(app, LIVENESS)["status"] == "Running"
        assert cells(app, LIVENESS)["probes"] == "-"


async def test_g_takes_back_what_the_header_shows(demo_app) -> None:
    """Each form the header writes (year and zone, date alone) goes to that moment."""
    app = demo_app(35)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        for offset, short in ((75, False), (195, True), (35, False)):
            text = clock_shown(app, offset, short=short)
            await press(pilot, "g")
            assert isinstance(app.screen, PromptScreen)
            shown_now = position(app.source)
            assert app.screen.placeholder == f"now {clock_shown(app, shown_now, short=True)}"
            await press(pilot, *text, "enter")
            assert isinstance(app.screen, MainScreen)
            assert position(app.source) == offset, text
            assert clock_shown(app, offset) in status(app)
        assert toasts(app) == []  # none refused


# ----------------------------------------------------------------- a pod's changes


async def test_next_and_previous_change_of_the_selected_pod(demo_app) -> None:
    """At 35 s the readiness probe has failed 3 times; the 4th failure (41 s) and the
    pod becoming Ready (71 s) are its next changes, then none."""
    app = demo_app(35)
    source = app.source
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert table(app).selected_key == EXEC
        assert cells(app, EXEC)["probes"] == "3/0/0"

        await press(pilot, "greater_than_sign")
        assert (position(source), source.next_index) == (41.21, 35) and source.paused
        assert cells(app, EXEC)["probes"] == "4/0/0" and cells(app, EXEC)["ready"] == "0/1"
        assert f"{clock_shown(app, 41.21)}  00:41 / 07:27" in status(app)
        assert last_toast(app).startswith(
            f"{format_clock(source.started + 41.21)}  demo/pod-readiness-exec1: "
            "Warning Unhealthy ×4: Readiness probe failed:"
        )

        await press(pilot, "greater_than_sign")
        assert (position(source), source.next_index) == (71.21, 36)
        assert cells(app, EXEC)["ready"] == "1/1" and "why: Ready" in summary(app)
        assert last_toast(app).endswith("demo/pod-readiness-exec1: Pod changed")

        await press(pilot, "greater_than_sign")  # no later change: a notice, no move
        assert (position(source), source.next_index) == (71.21, 36)
        assert last_toast(app) == "no later change of demo/pod-readiness-exec1 in the recording"
        assert clock_shown(app, 71.21) in status(app)

        await press(pilot, "less_than_sign")
        assert (position(source), source.next_index) == (41.21, 35)
        assert cells(app, EXEC)["ready"] == "0/1" and cells(app, EXEC)["probes"] == "4/0/0"
        assert table(app).selected_key == EXEC

        await press(pilot, "less_than_sign")
        assert (position(source), source.next_index) == (31.21, 34)
        assert cells(app, EXEC)["probes"] == "3/0/0"
        assert "why: Readiness probe failing" in summary(app)


async def test_a_deleted_pod_is_followed_through_its_last_changes(demo_app) -> None:
    """The NoExecute eviction at 245 s: marked, Terminating, deleted (its row goes and
    the cursor moves on), then Events about it; `>` keeps following that pod, and `<`
    brings it back, selected."""
    app = demo_app(217)
    source = app.source
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert table(app).select(NO_EXECUTE)
        await pilot.pause()

        await press(pilot, "greater_than_sign")
        assert (position(source), source.next_index) == (245.05, 251)
        assert "TaintManagerEviction: Marking for deletion" in last_toast(app)
        await press(pilot, "greater_than_sign")
        assert (position(source), source.next_index) == (245.05, 252)
        assert cells(app, NO_EXECUTE)["status"] == "Terminating"

        await press(pilot, "greater_than_sign")
        assert (position(source), source.next_index) == (245.06, 253)
        assert last_toast(app).endswith("demo/pod1-with-no-execute: Pod deleted")
        assert NO_EXECUTE not in source.store.pods
        assert table(app).selected_key != NO_EXECUTE  # its row is gone

        await press(pilot, "greater_than_sign")  # still that pod: its Killing Event
        assert source.next_index == 254
        assert "pod1-with-no-execute: Normal Killing" in last_toast(app)
        await press(pilot, "greater_than_sign")
        await press(pilot, "greater_than_sign")
        assert source.next_index == 255
        assert last_toast(app) == "no later change of demo/pod1-with-no-execute in the recording"

        await press(pilot, "less_than_sign", "less_than_sign", "less_than_sign")
        assert (position(source), source.next_index) == (245.05, 252)
        assert table(app).selected_key == NO_EXECUTE
        assert cells(app, NO_EXECUTE)["status"] == "Terminating"


async def test_changes_of_the_pod_opened_full_screen_at_80x24(demo_app) -> None:
    app = demo_app(90)
    source = app.source
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await pilot.pause()
        assert table(app).select(LIVENESS)
        await press(pilot, "enter")
        assert isinstance(app.screen, PodScreen) and app.screen.key == LIVENESS
        await press(pilot, "greater_than_sign")
        assert position(source) == 99.41
        assert "Liveness probe failed" in last_toast(app)
        await press(pilot, "greater_than_sign", "greater_than_sign", "greater_than_sign")
        assert position(source) == 119.41  # the 3rd failure, then the Killing Event
        assert "Killing" in last_toast(app)
        await press(pilot, "greater_than_sign")
        assert position(source) == 121.41  # killed: the container terminated
        assert source.store.summaries[LIVENESS].status == "Error"
        assert clock_shown(app, 121.41, short=True) in status(app)
        await press(pilot, *["greater_than_sign"] * 5)  # pulling, pulled, created, started
        assert position(source) == 124.91  # running again, restarted once
        pod = source.store.summaries[LIVENESS]
        assert (pod.status, pod.restarts, pod.ready) == ("Running", 1, 1)
        assert "restarts 1" in summary(app)


# ----------------------------------------------------------------- Warnings


async def test_w_goes_to_the_next_warning_and_selects_its_pod(demo_app) -> None:
    app = demo_app(90)
    source = app.source
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert table(app).select(("demo", "pod1"))
        await pilot.pause()

        await press(pilot, "w")
        assert (position(source), source.next_index) == (99.41, 67)
        assert table(app).selected_key == LIVENESS
        assert cells(app, LIVENESS)["probes"] == "0/1/0"
        assert "demo/pod-liveness-httpget1: Warning Unhealthy: Liveness probe failed" in (
            last_toast(app)
        )
        await press(pilot, "w")
        assert position(source) == 109.41 and cells(app, LIVENESS)["probes"] == "0/2/0"

        await press(pilot, "W", "W")  # back past the liveness failures: the readiness one
        assert (position(source), source.next_index) == (41.21, 35)
        assert table(app).selected_key == EXEC
        assert cells(app, EXEC)["probes"] == "4/0/0"
        assert f"{clock_shown(app, 41.21)}  00:41 / 07:27" in status(app)

        # `>` goes on through the pod the Warning was about.
        await press(pilot, "greater_than_sign")
        assert position(source) == 71.21 and cells(app, EXEC)["ready"] == "1/1"


async def test_w_keeps_to_the_namespace_shown_and_says_when_there_is_none(demo_app) -> None:
    app = demo_app(420)
    source = app.source
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await press(pilot, "w")
        assert position(source) == 420.0
        assert last_toast(app) == "no later Warning Event in the recording"
        await command(pilot, "ns other")
        await press(pilot, "W")
        assert position(source) == 420.0
        assert last_toast(app) == "no earlier Warning Event in namespace other in the recording"
        await command(pilot, "ns demo")
        await press(pilot, "W")
        assert position(source) == 375.05  # the node's pods: NodeNotReady
        assert "Warning NodeNotReady" in last_toast(app)


# ----------------------------------------------------------------- one event back


async def test_comma_steps_one_event_back_and_full_stop_forward_again(demo_app) -> None:
    app = demo_app(35)
    source = app.source
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert source.next_index == 34 and cells(app, EXEC)["probes"] == "3/0/0"
        await press(pilot, "comma")
        assert (source.next_index, position(source)) == (33, 29.0)
        assert source.position == source.times[32]
        assert cells(app, EXEC)["probes"] == "2/0/0"  # the 3rd failure taken back
        assert "event 33/315" in status(app)
        assert f"{clock_shown(app, 29)}  00:29 / 07:27" in status(app)
        app.drain()  # the timer's poll, paused on that event, applies nothing more
        assert source.next_index == 33
        await press(pilot, "full_stop")
        assert (source.next_index, position(source)) == (34, 31.21)
        assert cells(app, EXEC)["probes"] == "3/0/0"


async def test_comma_at_the_start_says_so(demo_app) -> None:
    app = demo_app(0)
    source = app.source
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert source.next_index == 3  # the three nodes, listed at 0 s
        await press(pilot, "comma", "comma", "comma")
        assert source.next_index == 0 and not source.store.nodes
        await press(pilot, "comma")
        assert source.next_index == 0
        assert last_toast(app) == "at the start of the recording: no event to step back over"


async def test_full_stop_at_the_end_says_so(demo_app) -> None:
    app = demo_app(10_000)  # past the end: every event applied
    source = app.source
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert source.next_index == source.event_count
        await press(pilot, "full_stop")
        assert source.next_index == source.event_count
        assert last_toast(app) == "at the end of the recording: no event to step over"
