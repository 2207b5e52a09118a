"""Replay checkpoints: going back starts from the nearest kept copy of the store, and
lands on exactly the store that applying from the start gives.

Each test plays a recording through a `ReplaySource` with small checkpoint spacing,
moving at random (play by the clock, seeks both ways, steps, `step_back`, jumps to a
pod's changes both ways) and, after every move, compares its store with a fresh store
given the same first events straight from the start.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable
from functools import cache

import pytest

from podwatch.data import demo_path
from podwatch.kube.source import ReplaySource
from podwatch.model.store import Store
from podwatch.model.view import pod_rows
from podwatch.recording import Recording, read_recording
from podwatch.recording.eventlog import replay_store
from tests.recordings import recordings_dir


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@cache
def _demo() -> Recording:
    return read_recording([str(demo_path())])


@cache
def _seed() -> Recording:
    return read_recording([str(recordings_dir() / "seed-demo")])


RECORDINGS: dict[str, Callable[[], Recording]] = {"demo": _demo, "seed-demo": _seed}


def plain(value: object) -> object:
    """Everything a store holds, as plain comparable values (objects by their fields)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | deque):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return value
    if hasattr(value, "__dict__"):
        return (type(value).__name__, plain(vars(value)))
    slots = getattr(type(value), "__slots__", None)
    if slots is not None:
        return (type(value).__name__, {s: plain(getattr(value, s, None)) for s in slots})
    return value


def assert_same(store: Store, ref: Store, where: str) -> None:
    assert store.pods == ref.pods, where
    assert store.summaries == ref.summaries, where
    assert pod_rows(store) == pod_rows(ref), where
    assert list(store.tombstones.items()) == list(ref.tombstones.items()), where
    for key in set(store.pods) | set(ref.pods) | set(store.tombstones):
        assert store.timeline.entries(key) == ref.timeline.entries(key), (where, key)
    # Every history, read (a restored store holds them packed until used).
    histories = set(store.timeline.histories())
    assert histories == set(ref.timeline.histories()), where
    for key in histories:
        assert store.timeline.entries(key) == ref.timeline.entries(key), (where, key)
    assert store.now == ref.now, where
    assert plain(vars(store)) == plain(vars(ref)), where  # indexes, counters, the rest


def from_start(src: ReplaySource) -> Store:
    ref = replay_store()
    ref.now = src.started
    ref.apply_all(src.log.events[: src.next_index], src.started)
    ref.now = src.store.now
    return ref


def check(src: ReplaySource, where: str) -> None:
    # the source's clock: at its position, which is past every event applied
    assert src.store.now == src.started + src.position, where
    if src.next_index:
        assert src.times[src.next_index - 1] <= src.position, where
    assert_same(src.store, from_start(src), where)


@pytest.mark.parametrize("name", sorted(RECORDINGS))
@pytest.mark.parametrize("seed", range(3))
def test_every_move_lands_on_the_store_applied_from_the_start(name: str, seed: int):
    rec = RECORDINGS[name]()
    rng = random.Random(seed)
    clock = FakeClock()
    src = ReplaySource(rec, clock=clock, paused=True, checkpoint_every=7, checkpoints_kept=6)
    pods = sorted(
        {
            (e.object["metadata"].get("namespace", ""), e.object["metadata"]["name"])
            for e in rec.events
            if e.kind == "Pod" and isinstance(e.object, dict)
        }
    )
    assert pods
    backs = 0
    for move in range(80):
        before = src.next_index
        what = rng.choice(["play", "seek", "seek", "step", "back", "back", "jump", "jump"])
        if what == "play":
            src.resume()
            clock.now += rng.uniform(0, src.duration / 4)
            src.poll()
            src.pause()
        elif what == "seek":
            src.seek(rng.uniform(-1, src.duration + 1))
        elif what == "step":
            for _ in range(rng.randint(1, 12)):
                src.step()
        elif what == "back":
            for _ in range(rng.randint(1, 12)):
                src.step_back()
        else:
            src.jump_to_change(rng.choice(pods), rng.choice([-1, -1, 1]))
        backs += src.next_index < before
        check(src, f"{name} seed {seed} move {move} {what}: {before} -> {src.next_index}")
    assert backs > 10
    assert src.checkpoints  # some were kept, and thinned to the bound
    assert len(src.checkpoints) <= 6


def test_checkpoints_are_thinned_evenly_to_the_bound():
    rec = _demo()
    src = ReplaySource(rec, paused=True, checkpoint_every=5, checkpoints_kept=8)
    src.run_to_end()
    kept = src.checkpoints
    assert 4 <= len(kept) <= 8
    gap = kept[0]
    assert kept == list(range(gap, len(rec.events) + 1, gap))


def test_going_back_applies_only_the_events_after_the_nearest_checkpoint():
    rec = _demo()
    n = len(rec.events)
    src = ReplaySource(rec, paused=True, checkpoint_every=20)
    src.run_to_end()
    assert src.received == n
    src.step_back()
    # from the checkpoint at a multiple of 20 (at most 19 events before n - 1), not from 0
    assert src.received - n == (n - 1) % 20
    assert src.received - n < n - 1
    target = rec.events[n // 2].t
    before = src.received
    src.seek(target)
    assert src.received - before < 20
    check(src, "seek back")


def test_no_checkpoints_goes_back_from_the_start():
    rec = _demo()
    n = len(rec.events)
    src = ReplaySource(rec, paused=True, checkpoint_every=0)
    src.run_to_end()
    src.step_back()
    assert src.checkpoints == []
    assert src.received == n + n - 1
    check(src, "step back")


def test_a_checkpoint_is_independent_of_the_store_played_on():
    rec = _demo()
    src = ReplaySource(rec, paused=True, checkpoint_every=10)
    src.seek(rec.duration)
    for _ in range(3):  # restore the same checkpoint again after playing on from it
        src.seek(rec.events[15].t)
        check(src, "back to 15")
        src.seek(rec.duration)
        check(src, "end")


class HookedStore(Store):
    """A store holding something pickle refuses (a lambda): checkpoints are deep copies."""

    def __init__(self) -> None:
        super().__init__(keep_deleted=None)
        self.hook = lambda: None


def test_a_store_pickle_refuses_is_deep_copied():
    rec = _demo()
    src = ReplaySource(rec, paused=True, checkpoint_every=10, store_factory=HookedStore)
    src.run_to_end()
    assert src.checkpoints
    assert all(snap.size == 0 for snap in src.log.snapshots)
    for count in (len(rec.events) - 1, 25, 11, 200):
        src._stop_after(count)
        assert isinstance(src.store, HookedStore)
        ref = from_start(src)
        assert pod_rows(src.store) == pod_rows(ref)
        assert src.store.pods == ref.pods
        assert list(src.store.tombstones.items()) == list(ref.tombstones.items())
