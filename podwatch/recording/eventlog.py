"""What a replay reads: a recording's events by number, their times, its jump targets
and copies of the store along the way (checkpoints).

Two kinds of log serve the same `EventLog` interface:

- `MemoryLog`, over a `Recording` read whole (kubectl captures, small files, tests):
  its checkpoints are kept in memory as play passes them;
- `IndexedLog` (recording/index.py), over podwatch recordings of any length: an index
  of where each event lies in the files, and checkpoints written when the index was
  built; events are read from the files when they are applied, never held.

`ReplaySource` moves through either without asking which.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Protocol

from podwatch.gcpolicy import collector_off
from podwatch.jumps import Marks, marks_of
from podwatch.model.store import Store
from podwatch.model.watch import WatchEvent
from podwatch.recording.format import Recording, many_namespaces


def replay_store() -> Store:
    """A store for a recording: pods that went are kept for the whole recording (still
    at most `max_tombstones`), not for a live window."""
    return Store(keep_deleted=None)


class EventLog(Protocol):
    """A recording's events, in order, by number (0 is the first)."""

    header: dict
    started: float
    """Epoch seconds of t=0."""

    @property
    def times(self) -> Sequence[float]:
        """Each event's time, seconds since `started`, never decreasing (for bisect)."""
        ...

    def __len__(self) -> int: ...

    @property
    def duration(self) -> float: ...

    @property
    def many_namespaces(self) -> bool:
        """Whether its pods span namespaces (the table then shows NAMESPACE)."""
        ...

    @property
    def marks(self) -> Marks:
        """The jump targets (podwatch/jumps.py)."""
        ...

    def read(self, start: int, stop: int) -> Iterable[WatchEvent]:
        """Events `start` to `stop` (not included), in order."""
        ...

    def event(self, index: int) -> WatchEvent: ...

    @property
    def checkpoint_every(self) -> int:
        """Where play should offer checkpoints: at each multiple of this many events
        (0: the log has what it keeps already, or keeps none)."""
        ...

    def offer(self, count: int, store: Store) -> None:
        """`store` with exactly the first `count` events applied, to keep if wanted."""
        ...

    def nearest(self, count: int) -> tuple[int, Store] | None:
        """The kept store with the most events applied, at most `count` (None: none):
        that number and an independent copy of it to go on from."""
        ...

    @property
    def checkpoints(self) -> list[int]:
        """The event counts a store is kept at, in order."""
        ...


class MemoryLog:
    """A recording held whole. Checkpoints: every `every` events applied (0: none), a
    copy of the store is kept, at most `kept` of them (past that, every other one goes
    and the spacing doubles, so that they stay even)."""

    def __init__(self, recording: Recording, *, every: int = 5_000, kept: int = 64) -> None:
        self.recording = recording
        self.events = recording.events
        self.header = recording.header
        self.started = recording.started
        self._interval = max(0, every)
        self._kept = max(1, kept)
        self._checkpoints: dict[int, Snapshot] = {}

    @cached_property
    def times(self) -> list[float]:
        return [event.t for event in self.events]

    def __len__(self) -> int:
        return len(self.events)

    @property
    def duration(self) -> float:
        return self.recording.duration

    @cached_property
    def many_namespaces(self) -> bool:
        return many_namespaces(self.recording)

    @cached_property
    def marks(self) -> Marks:
        return marks_of(self.events)

    def read(self, start: int, stop: int) -> Iterable[WatchEvent]:
        return map(self.events.__getitem__, range(start, stop))

    def event(self, index: int) -> WatchEvent:
        return self.events[index]

    @property
    def checkpoint_every(self) -> int:
        return self._interval

    def offer(self, count: int, store: Store) -> None:
        interval = self._interval
        if not interval or count % interval or count in self._checkpoints:
            return
        self._checkpoints[count] = Snapshot(store)
        if len(self._checkpoints) > self._kept:
            self._interval *= 2
            for k in [k for k in self._checkpoints if k % self._interval]:
                del self._checkpoints[k]

    def nearest(self, count: int) -> tuple[int, Store] | None:
        at = max((k for k in self._checkpoints if k <= count), default=0)
        return (at, self._checkpoints[at].restore()) if at else None

    @property
    def checkpoints(self) -> list[int]:
        return sorted(self._checkpoints)

    @property
    def snapshots(self) -> list[Snapshot]:
        return [self._checkpoints[k] for k in self.checkpoints]


class Snapshot:
    """A deep, independent copy of a store, to restore as many times as asked: pickled
    (compact, and faster than `copy.deepcopy` both ways), or deep-copied if the store
    holds something pickle refuses. The cyclic collector is held off meanwhile: the
    tens of thousands of small objects a store holds would set it off again and again
    (on 20,000 events, loading took 214 ms with it, 34 ms without)."""

    __slots__ = ("_copy", "_data")

    def __init__(self, store: Store) -> None:
        self._data: bytes | None = None
        self._copy: Store | None = None
        try:
            self._data = dump_store(store)
        except (pickle.PicklingError, TypeError, AttributeError):
            with collector_off():
                self._copy = copy.deepcopy(store)

    def restore(self) -> Store:
        if self._data is not None:
            return load_store(self._data)
        with collector_off():
            return copy.deepcopy(self._copy)

    @property
    def size(self) -> int:
        """Bytes held (0 when deep-copied)."""
        return len(self._data or b"")


def dump_store(store: Store) -> bytes:
    with collector_off():
        return pickle.dumps(store, pickle.HIGHEST_PROTOCOL)


def load_store(data: bytes) -> Store:
    """Only ever given bytes podwatch pickled itself (in memory, or in the user's own
    index cache): pickle runs code, so never bytes that came with a recording."""
    with collector_off():
        store = pickle.loads(data)
    if not isinstance(store, Store):
        raise TypeError(f"checkpoint holds a {type(store).__name__}, not a Store")
    return store
