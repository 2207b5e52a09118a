"""The timeline: its window, and what it shows for an incident (newest first, wall-clock
times, one second's rows in resourceVersion order, repeated Events with their span)."""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
from datetime import UTC, datetime

import pytest
from rich.console import Console

from podwatch.kube.source import ReplaySource
from podwatch.model.events import normalize_event
from podwatch.model.k8s import format_clock, rv_number
from podwatch.model.store import Store
from podwatch.model.timeline import (
    Timeline,
    TimelineEntry,
    TimelineRow,
    event_row,
    in_time_order,
    row_text,
    spans_days,
    timeline_rows,
)
from podwatch.model.view import PodDetail, pod_detail
from podwatch.model.watch import relist_marker
from podwatch.recording import read_recording
from podwatch.render import timeline_table
from tests.factories import T0, event, feed, pod, ready_conditions, running, ts
from tests.recordings import recordings_dir

KEY = ("default", "quiet")


def test_a_quiet_pods_history_ages_out_of_view_and_is_pruned():
    timeline = Timeline(window=3600.0)
    timeline.note(KEY, 0.0, "pod", "started")
    timeline.note(KEY, 1800.0, "pod", "ready")
    # Nothing more is appended; an hour and a half on, the first entry is past the window.
    assert [e.t for e in timeline.entries(KEY, now=5400.0)] == [1800.0]
    assert len(timeline) == 2  # not yet swept
    assert timeline.prune(5400.0) == 1
    assert timeline.prune(9000.0) == 1
    assert timeline.pods == 0 and timeline.entries(KEY, now=9000.0) == []


# --------------------------------------------------------------------------- for incidents
# Item 8 of issue 10: newest first, wall-clock beside the age, one second's entries in
# resourceVersion order, and a repeated Event with every occurrence it counted.


def at_utc(*fields: int) -> float:
    """Epoch seconds of a UTC wall-clock time (year, month, day, hour, minute, second)."""
    return datetime(*fields, tzinfo=UTC).timestamp()


@pytest.fixture
def local_tz(monkeypatch):
    """Set the process's local time zone for one test (TZ, as an operator's shell does)."""

    def set_tz(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_tz
    monkeypatch.undo()
    time.tzset()


def rendered(table) -> list[str]:
    """The table as an operator reads it: one string per terminal line, wide enough that
    no row wraps."""
    console = Console(width=400, record=True, color_system=None)
    console.print(table)
    return [line.rstrip() for line in console.export_text().splitlines()]


def table_rows(table) -> list[tuple[str, str]]:
    """(WHEN, WHAT) of each row, as plain strings."""
    return [(row[0].plain, row[1].plain) for row, _notes in table.rows]


def test_clock_is_local_time_so_tz_is_honoured(local_tz):
    t = at_utc(2026, 11, 30, 7, 41, 30)
    local_tz("UTC")
    assert format_clock(t) == "07:41:30"
    assert format_clock(t, date=True) == "11-30 07:41:30"
    local_tz("IST-5:30")  # POSIX form: UTC+5:30, no tz database needed
    assert format_clock(t) == "13:11:30"
    assert format_clock(float("nan")) == "-"


def test_resource_versions_compare_as_numbers_only_when_they_are_integers():
    assert rv_number("1699") == 1699
    assert rv_number("1699") < rv_number("10000")  # numerically, not as text
    for opaque in ("", "abc", "12a", "1.5", "-3", "²", "9" * 40):
        assert rv_number(opaque) is None, opaque


def row(t: float | None, what: str, rv: int | None = None, **kw) -> TimelineRow:
    return TimelineRow(t, what, rv=rv, **kw)


def test_one_seconds_rows_go_by_resource_version_not_by_fraction_or_source():
    # The scheduler's eventTime has microseconds, the kubelet's lastTimestamp whole seconds:
    # Scheduled (23.0129) was written before Pulling (23.0), as their rvs say.
    rows = [
        row(23.0, "event Pulling", 1703),
        row(23.0129, "event Scheduled", 1699),
        row(23.4, "status: Pending → ContainerCreating", 1704),
        row(23.4, "node: - → worker-3", 1697),
        row(22.9, "first seen", 1696),
        row(25.0, "event Started", 1711),
    ]
    assert [r.what for r in in_time_order(rows)] == [
        "first seen",
        "node: - → worker-3",
        "event Scheduled",
        "event Pulling",
        "status: Pending → ContainerCreating",
        "event Started",
    ]


def test_equal_rvs_keep_arrival_order_and_rows_without_an_rv_keep_their_place():
    # One pod update makes several entries with the same rv: they stay as recorded.
    same = [row(5.0, f"fact {n}", 40) for n in range(4)]
    assert in_time_order(same) == same
    # An opaque rv (None) keeps its arrival slot; the integer ones are ordered around it.
    mixed = [row(5.0, "b", 9), row(5.1, "opaque", None), row(5.2, "a", 3), row(5.3, "c", 12)]
    assert [r.what for r in in_time_order(mixed)] == ["a", "opaque", "b", "c"]
    # Seconds still come first: an rv never drags a row across a second.
    assert [r.what for r in in_time_order([row(7.0, "late", 1), row(6.9, "early", 99)])] == [
        "early",
        "late",
    ]
    # A row that tells no time is the oldest, not a crash.
    assert [r.what for r in in_time_order([row(3.0, "timed", 1), row(None, "untimed")])] == [
        "untimed",
        "timed",
    ]


def test_entries_carry_the_resource_version_of_the_object_that_made_them():
    store = Store()
    first = pod("web", statuses=[running(ready=False)], conditions=ready_conditions(False))
    feed(store, first)
    ready = pod("web", statuses=[running(ready=True)], conditions=ready_conditions(True))
    feed(store, ready, etype="MODIFIED", at=5)
    entries = store.timeline.entries(("default", "web"))
    assert entries[0].what == "first seen"
    assert entries[0].rv == int(first["metadata"]["resourceVersion"])
    later = [e for e in entries if e.t == T0 + 5]
    assert later and {e.rv for e in later} == {int(ready["metadata"]["resourceVersion"])}
    # A probe-failure note carries the Event's rv, so it sits beside the Event.
    ev = event("web.1", "web", "Unhealthy", "Readiness probe failed: 503", last=6)
    feed(store, ev, at=6)
    [note] = [e for e in store.timeline.entries(("default", "web")) if "probe" in e.what]
    assert note.rv == int(ev["metadata"]["resourceVersion"])
    # A pod found gone by a re-list has no object, hence no rv: not a stale one.
    store.apply(relist_marker(9, "Pod", []), T0 + 9)
    [tomb] = store.tombstones  # the history is the tombstone's now
    deleted = store.timeline.entries(tomb)[-1]
    assert (deleted.text, deleted.rv) == ("pod: deleted", None)


def test_the_pane_opens_on_the_latest_change_with_its_clock_and_age(local_tz):
    local_tz("UTC")
    store = Store()
    feed(store, pod("web", statuses=[running(ready=False)], conditions=ready_conditions(False)))
    feed(
        store,
        pod("web", statuses=[running(ready=True)], conditions=ready_conditions(True)),
        etype="MODIFIED",
        at=130,
    )
    store.now = T0 + 260
    detail = pod_detail(store, ("default", "web"))
    assert detail is not None
    rows = table_rows(timeline_table(detail))
    clock, first_clock = format_clock(T0 + 130), format_clock(T0)
    # Newest first: the rows of the Ready change on top, the first sighting at the bottom.
    latest = [what for when, what in rows if when == f"{clock}  2m10s ago"]
    assert "condition Ready: False (ContainersNotReady) → True" in latest
    assert [what for _when, what in rows[: len(latest)]] == latest
    assert rows[-1] == (f"{first_clock}  4m20s ago", "first seen: status Running, node node-1")
    # --once prints the same table: its first row is from the latest change.
    lines = rendered(timeline_table(detail))
    body = [line for line in lines if clock in line or first_clock in line]
    assert body[0].startswith(f" {clock}") or body[0].startswith(clock)
    assert first_clock in body[-1]


def a_detail() -> PodDetail:
    detail = pod_detail(feed(Store(), pod("web")), ("default", "web"))
    assert detail is not None
    return detail


def test_only_a_limited_number_of_the_newest_rows_are_shown():
    entries = [TimelineEntry(float(n), f"change {n}", "", "x", rv=n) for n in range(60)]
    detail = dataclasses.replace(a_detail(), timeline=entries, events=[], now=100.0)
    rows = table_rows(timeline_table(detail, limit=5))
    assert [what for _when, what in rows] == [f"change {n}: x" for n in (59, 58, 57, 56, 55)]


PROBE_MESSAGE = "Readiness probe failed: cat: can't open '/readiness/ready.txt'"


def core_v1_unhealthy() -> dict:
    """The kubelet's shape: count with firstTimestamp and lastTimestamp."""
    return event(
        "web.17f",
        "web",
        "Unhealthy",
        PROBE_MESSAGE,
        count=4,
        last=15,  # firstTimestamp is at 0
    )


def events_v1_unhealthy() -> dict:
    """events.k8s.io/v1: eventTime is the first occurrence, series the count and the last."""
    return {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {
            "name": "web.18a",
            "namespace": "default",
            "uid": "uid-ev-v1",
            "resourceVersion": "5001",
            "creationTimestamp": ts(0),
        },
        "regarding": {"kind": "Pod", "name": "web", "namespace": "default"},
        "reason": "Unhealthy",
        "note": PROBE_MESSAGE,
        "type": "Warning",
        "eventTime": ts(0).replace("Z", ".250000Z"),
        "series": {"count": 4, "lastObservedTime": ts(15)},
        "reportingController": "kubelet",
    }


def scheduler_through_core_v1() -> dict:
    """A scheduler Event read through core/v1: count null, eventTime and series."""
    ev = event(
        "web.19b", "web", "FailedScheduling", "0/3 nodes are available", count=None, container=None
    )
    del ev["firstTimestamp"], ev["lastTimestamp"]
    ev["eventTime"] = ts(0).replace("Z", ".123456Z")
    ev["series"] = {"count": 4, "lastObservedTime": ts(15).replace("Z", ".5Z")}
    return ev


@pytest.mark.parametrize(
    "shape", [core_v1_unhealthy, events_v1_unhealthy, scheduler_through_core_v1]
)
def test_a_repeated_event_shows_its_count_and_first_to_last_time(shape, local_tz):
    local_tz("UTC")
    obj = shape()
    ev = normalize_event(obj)
    assert ev is not None
    text = row_text(event_row(ev))
    reason = obj["reason"]
    message = obj.get("message") or obj.get("note")
    first, last = format_clock(T0), format_clock(T0 + 15)
    assert text == f"event Warning {reason} ×4, {first}–{last}: {message}"
    # And so in the pane, at its last occurrence.
    store = feed(Store(), pod("web"), obj)
    store.now = T0 + 20
    detail = pod_detail(store, ("default", "web"))
    assert detail is not None
    [(when, what)] = [r for r in table_rows(timeline_table(detail)) if reason in r[1]]
    assert what == text
    assert when == f"{last}  5s ago"


def test_a_single_event_or_one_repeated_within_a_second_shows_no_range():
    once = normalize_event(event("a", "web", "Pulled", "pulled", count=1, last=15))
    assert once is not None and row_text(event_row(once)) == "event Warning Pulled: pulled"
    burst = normalize_event(event("b", "web", "BackOff", "back-off", count=3, last=0))
    assert burst is not None and row_text(event_row(burst)) == "event Warning BackOff ×3: back-off"


def test_the_date_is_shown_only_when_the_rows_cross_midnight(local_tz):
    local_tz("UTC")
    before = at_utc(2026, 11, 30, 23, 59, 50)
    after = at_utc(2026, 12, 1, 0, 0, 10)
    entries = [
        TimelineEntry(before, "status", "Running", "Error", rv=1),
        TimelineEntry(after, "status", "Error", "CrashLoopBackOff", rv=2),
    ]
    detail = dataclasses.replace(a_detail(), timeline=entries, events=[], now=after + 5)
    assert table_rows(timeline_table(detail)) == [
        ("12-01 00:00:10  5s ago", "status: Error → CrashLoopBackOff"),
        ("11-30 23:59:50  25s ago", "status: Running → Error"),
    ]
    # The same rows seen from a zone where both are on one date carry no date.
    local_tz("EST+5")
    assert not spans_days(timeline_rows(entries, []))
    assert [when for when, _ in table_rows(timeline_table(detail))] == [
        "19:00:10  5s ago",
        "18:59:50  25s ago",
    ]
    # A repeated Event whose first occurrence was the day before counts too.
    local_tz("UTC")
    spanning = TimelineRow(after, "event", count=2, first=before)
    assert spans_days([spanning])
    # A single Event's first time is not shown, so it does not ask for the date.
    assert not spans_days([TimelineRow(after, "event", count=1, first=before)])
    assert row_text(spanning, dated=True) == "event ×2, 11-30 23:59:50–12-01 00:00:10"


def test_event_text_stays_literal_in_the_pane():
    hostile = event("x", "web", "Unhealthy", "[bold red]boom[/] \x1b[2J", count=2, last=30)
    store = feed(Store(), pod("web"), hostile)
    detail = pod_detail(store, ("default", "web"))
    assert detail is not None
    [what] = [what for _when, what in table_rows(timeline_table(detail)) if "boom" in what]
    assert "[bold red]boom[/]" in what
    assert "\x1b" not in what


# --------------------------------------------------------------------------- the seed capture


def test_seed_capture_scheduled_comes_before_pulling_in_time_order():
    """On the real capture, the Events of one second and the pod's own changes interleave
    as etcd wrote them; the order is read off the capture's resourceVersions."""
    seed = recordings_dir() / "seed-demo"
    streams = [seed / f"{kind}.json" for kind in ("pods", "events", "endpointslices", "nodes")]
    src = ReplaySource(read_recording(streams))
    src.run_to_end()
    store = src.store
    for name in ("pod1", "pod2"):
        detail = pod_detail(store, ("seed-demo", name))
        assert detail is not None, name
        newest_first = timeline_rows(detail.timeline, detail.events)
        oldest_first = [r.what for r in reversed(newest_first)]
        scheduled = oldest_first.index("event Normal Scheduled")
        pulling = oldest_first.index("event Normal Pulling")
        assert scheduled < pulling, (name, oldest_first[:10])
        # The rows of the seed's second, by rv: first sight, then the Events, then
        # ContainerCreating (a pod update written after the kubelet's Pulling).
        assert oldest_first.index("first seen: status Pending, node -") < scheduled
        assert pulling < oldest_first.index("status: Pending → ContainerCreating")
        rvs = [r.rv for r in reversed(newest_first) if r.rv is not None]
        seconds = [math.floor(r.t) for r in reversed(newest_first) if r.rv is not None]
        for (s1, rv1), (s2, rv2) in itertools.pairwise(zip(seconds, rvs, strict=True)):
            assert s1 < s2 or rv1 <= rv2
        # In the pane the latest change is on top.
        rendered_rows = table_rows(timeline_table(detail))
        assert rendered_rows[0][1] == row_text(newest_first[0])
        assert rendered_rows[0][0].endswith(" ago")


def test_an_event_that_tells_no_time_is_shown_at_the_bottom_without_one():
    timeless = event("t", "web", "Odd", "no timestamps at all")
    for field in ("firstTimestamp", "lastTimestamp"):
        del timeless[field]
    del timeless["metadata"]["creationTimestamp"]
    store = feed(Store(), pod("web"), timeless, at=3)
    detail = pod_detail(store, ("default", "web"))
    assert detail is not None
    rows = table_rows(timeline_table(detail))
    assert rows[-1] == ("-", "event Warning Odd: no timestamps at all")
    assert rows[0][1].startswith("first seen")


def test_a_pickled_timeline_is_unpacked_only_where_used():
    """A restored replay checkpoint holds each history packed until it is used, and
    reads, appends, prunes, buries and renames exactly as the timeline it was."""
    import pickle

    from podwatch.model.timeline import Timeline, _Packed

    tl = Timeline(window=100.0, per_pod=5)
    for i in range(8):
        tl.note(("ns", "a"), float(i), "probe", f"fail {i}")
        tl.note(("ns", "b"), 50.0 + i, "probe", f"fail {i}")
    tl.note(("ns", "c"), 1.0, "pod", "first")
    copy = pickle.loads(pickle.dumps(tl))
    assert all(isinstance(v, _Packed) for v in copy._entries.values())
    assert len(copy) == len(tl) == 11
    assert copy.entries(("ns", "a")) == tl.entries(("ns", "a"))  # the last 5 kept
    assert isinstance(copy._entries[("ns", "b")], _Packed)  # not used: still packed
    for t in (tl, copy):
        t.note(("ns", "b"), 60.0, "pod", "Ready")
        assert t.prune(now=152.0) == 6  # a's 5 and c's 1 are older than 52
        t.bury(("ns", "b"), ("ns", "b", "uid-1"), 61.0)
        t.rename(("ns", "b", "uid-1"), ("ns", "b"))
    assert copy.histories() == tl.histories() == [("ns", "b")]
    assert copy.entries(("ns", "b")) == tl.entries(("ns", "b"))
