"""Replay through the same store, with an injected clock: speed, pause, step, seek."""

from __future__ import annotations

import copy

import pytest

from podwatch.jumps import describe, pod_changes, warnings
from podwatch.kube.source import ReplaySource
from podwatch.model.watch import WatchEvent
from podwatch.recording import Recording
from tests.factories import T0, event, pod, ready_conditions, running, waiting


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def recording() -> Recording:
    events = [
        WatchEvent(0.0, "Pod", "ADDED", pod("a", statuses=[waiting()])),
        WatchEvent(
            10.0, "Pod", "MODIFIED", pod("a", statuses=[running()], conditions=ready_conditions())
        ),
        WatchEvent(20.0, "Pod", "ADDED", pod("b")),
        WatchEvent(30.0, "Pod", "DELETED", pod("a")),
    ]
    return Recording(header={"format": "podwatch-recording"}, events=events, started=T0)


def status(src: ReplaySource, name: str) -> str | None:
    p = src.store.pods.get(("default", name))
    if p is None:
        return None
    from podwatch.model.pods import summarize

    return summarize(p).status


def test_plays_at_recorded_speed_with_store_clock_following():
    clock = FakeClock()
    src = ReplaySource(recording(), clock=clock)
    src.poll()
    assert status(src, "a") == "ContainerCreating"
    clock.now += 9.5
    changes = src.poll()
    assert not changes.pods
    assert src.store.now == pytest.approx(T0 + 9.5)  # countdowns tick between events
    clock.now += 1
    assert ("default", "a") in src.poll().pods
    assert status(src, "a") == "Running"


def test_speed_factor():
    clock = FakeClock()
    src = ReplaySource(recording(), clock=clock, speed=10)
    clock.now += 2.5
    src.poll()
    assert src.position == pytest.approx(25)
    assert set(src.store.pods) == {("default", "a"), ("default", "b")}
    src.set_speed(0.5)
    clock.now += 10
    src.poll()
    assert src.position == pytest.approx(30)
    assert set(src.store.pods) == {("default", "b")}
    assert src.finished


def test_pause_freezes_and_resume_continues():
    clock = FakeClock()
    src = ReplaySource(recording(), clock=clock, paused=True)
    clock.now += 100
    src.poll()
    assert src.position == 0 and src.next_index == 1
    src.resume()
    clock.now += 15
    src.poll()
    assert src.position == pytest.approx(15)
    src.pause()
    clock.now += 100
    src.poll()
    assert src.position == pytest.approx(15)


def test_step_applies_exactly_one_event():
    src = ReplaySource(recording(), clock=FakeClock(), paused=True)
    src.poll()
    assert src.next_index == 1
    src.step()
    assert src.next_index == 2 and src.position == 10 and status(src, "a") == "Running"
    src.step()
    src.step()
    assert src.store.pods.keys() == {("default", "b")}
    assert src.step() is None  # nothing left: nothing moves


def test_seek_forward_and_back_rebuilds():
    src = ReplaySource(recording(), clock=FakeClock(), paused=True)
    src.seek(35)
    assert set(src.store.pods) == {("default", "b")}
    changes = src.seek(5)
    assert changes.reset
    assert set(src.store.pods) == {("default", "a")}
    assert status(src, "a") == "ContainerCreating"
    assert src.store.now == pytest.approx(T0 + 5)
    src.seek(-10)
    assert src.position == 0
    src.seek(1e9)
    assert src.position == 30


# ------------------------------------------- issue 13 item 2: step back, jumps to changes


def jump_recording() -> Recording:
    """Pod `a` changes at 10, is re-listed unchanged at 15 (no change), gets a Warning at
    20 and its repeat at 25; `b` and a Normal Event about it come in between; `a` is
    deleted at 40 and, gone from a re-list, stays gone; a node's Warning at 45."""
    a0 = pod("a", statuses=[waiting()])
    a1 = pod("a", statuses=[running()], conditions=ready_conditions())
    a1_again = copy.deepcopy(a1)
    a1_again["metadata"]["resourceVersion"] = "999999"  # the same pod, re-listed
    a1_again["metadata"]["managedFields"] = [{"manager": "kubelet"}]
    unhealthy = event("a.1", "a", "Unhealthy", "Readiness probe failed: 500", count=1, last=20)
    unhealthy_2 = event("a.1", "a", "Unhealthy", "Readiness probe failed: 500", count=2, last=25)
    node_warning = event("n.1", "node-1", "NodeNotReady", "Node is not ready", last=45)
    node_warning["involvedObject"] = {"kind": "Node", "name": "node-1"}
    events = [
        WatchEvent(0.0, "Pod", "ADDED", a0),  # 0
        WatchEvent(5.0, "Pod", "ADDED", pod("b")),  # 1
        WatchEvent(10.0, "Pod", "MODIFIED", a1),  # 2
        WatchEvent(15.0, "Pod", "ADDED", a1_again),  # 3: no change
        WatchEvent(15.0, "Event", "ADDED", event("b.1", "b", "Pulled", "ok", etype="Normal")),
        WatchEvent(20.0, "Event", "ADDED", unhealthy),  # 5
        WatchEvent(25.0, "Event", "MODIFIED", unhealthy_2),  # 6
        WatchEvent(30.0, "Event", "DELETED", unhealthy_2),  # 7: expiry, no change
        WatchEvent(40.0, "Pod", "DELETED", a1),  # 8
        WatchEvent(42.0, "Pod", "RELIST", {"keys": [["default", "b"]]}),  # 9: a already gone
        WatchEvent(45.0, "Event", "ADDED", node_warning),  # 10
    ]
    return Recording(header={"format": "podwatch-recording"}, events=events, started=T0)


def test_a_pods_changes_are_its_own_events_and_events_about_it_that_bring_news():
    events = jump_recording().events
    assert pod_changes(events, ("default", "a")) == [0, 2, 5, 6, 8]
    assert pod_changes(events, ("default", "b")) == [1, 4]
    assert warnings(events, None) == [5, 6, 10]
    assert warnings(events, "default") == [5, 6, 10]
    assert warnings(events, "other") == [10]  # a node's trouble is every namespace's
    assert describe(events[6]) == "Warning Unhealthy ×2: Readiness probe failed: 500"
    assert describe(events[10]) == "Warning NodeNotReady (Node node-1): Node is not ready"


def test_a_relist_without_the_pod_is_its_deletion():
    events = [
        WatchEvent(0.0, "Pod", "ADDED", pod("a")),
        WatchEvent(9.0, "Pod", "RELIST", {"keys": [["default", "a"]]}),  # still there
        WatchEvent(10.0, "Pod", "RELIST", {"keys": []}),  # gone while away
        WatchEvent(11.0, "Pod", "RELIST", {"keys": []}),  # still gone: no news
    ]
    assert pod_changes(events, ("default", "a")) == [0, 2]
    assert describe(events[2]) == "Pod gone (not in a re-list)"


def test_next_and_previous_change_stop_on_the_event_and_say_what_it_did():
    src = ReplaySource(jump_recording(), clock=FakeClock(), paused=True)
    src.seek(12)  # events 0-2 applied
    a = ("default", "a")
    jump = src.jump_to_change(a, 1)
    assert jump is not None and (src.next_index, src.position) == (6, 20.0)
    assert (jump.pod, jump.what) == (a, "Warning Unhealthy: Readiness probe failed: 500")
    assert src.store.probe_failures.for_pod(a)[("app", "readiness")].total == 1
    jump = src.jump_to_change(a, 1)
    assert (src.next_index, src.position) == (7, 25.0)
    assert src.store.probe_failures.for_pod(a)[("app", "readiness")].total == 2
    jump = src.jump_to_change(a, 1)
    assert jump is not None and jump.what == "Pod deleted" and a not in src.store.pods
    assert src.jump_to_change(a, 1) is None  # no later change: nothing moves
    assert (src.next_index, src.position) == (9, 40.0)
    jump = src.jump_to_change(a, -1)
    assert jump is not None and jump.changes.reset and (src.next_index, src.position) == (7, 25.0)
    assert a in src.store.pods
    src.jump_to_change(a, -1)
    src.jump_to_change(a, -1)
    assert (src.next_index, src.position) == (3, 10.0) and status(src, "a") == "Running"
    src.jump_to_change(a, -1)
    assert (src.next_index, status(src, "a")) == (1, "ContainerCreating")
    assert src.jump_to_change(a, -1) is None and src.next_index == 1
    assert src.paused


def test_previous_change_from_between_changes_goes_to_the_one_that_made_the_state():
    src = ReplaySource(jump_recording(), clock=FakeClock(), paused=True)
    src.seek(17)  # after a's change at 10 and the re-list at 15
    src.jump_to_change(("default", "a"), -1)
    assert (src.next_index, src.position) == (3, 10.0)


def test_next_warning_in_a_namespace_and_a_jump_while_playing_pauses():
    clock = FakeClock()
    src = ReplaySource(jump_recording(), clock=clock)
    clock.now += 3
    src.poll()
    jump = src.jump_to_warning("default")
    assert src.paused and jump is not None and jump.pod == ("default", "a")
    assert (src.next_index, src.position) == (6, 20.0)
    src.jump_to_warning("other")
    assert (src.next_index, src.position) == (11, 45.0)
    assert src.jump_to_warning("other") is None
    jump = src.jump_to_warning(None, -1)
    assert jump is not None and src.position == 25.0


def test_step_back_takes_exactly_the_last_event_back_and_the_poll_keeps_it_so():
    """Events of the same second wait behind a step back until play or a seek."""
    src = ReplaySource(jump_recording(), clock=FakeClock(), paused=True)
    src.seek(16)  # events 0-4 applied: 3 and 4 both at 15 s
    assert src.next_index == 5
    changes = src.step_back()
    assert changes is not None and changes.reset
    assert (src.next_index, src.position) == (4, 15.0)
    assert not src.poll()  # event 4 (also at 15 s) stays unapplied while paused here
    assert src.next_index == 4
    src.step_back()
    src.step_back()
    assert (src.next_index, src.position) == (2, 5.0) and status(src, "a") == "ContainerCreating"
    src.step()
    assert (src.next_index, src.position) == (3, 10.0) and status(src, "a") == "Running"
    src.step_back()
    src.step_back()
    assert (src.next_index, src.position) == (1, 0.0)
    src.step_back()
    assert (src.next_index, src.position) == (0, 0.0) and not src.store.pods
    assert src.step_back() is None  # at the start: nothing moves
    src.resume()
    src.poll()
    assert src.next_index == 1  # play goes on from there
