"""Replay through the same store, with an injected clock: speed, pause, step, seek."""

from __future__ import annotations

import pytest

from podwatch.kube.source import ReplaySource
from podwatch.model.watch import WatchEvent
from podwatch.recording import Recording
from tests.factories import T0, pod, ready_conditions, running, waiting


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
    assert not src.step()  # nothing left


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
