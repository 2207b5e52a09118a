"""Sources: what the dashboard and `--once` read from, live or recorded.

Every source owns a `Store` and exposes the same small interface: `poll()`
applies whatever has arrived (or, in replay, whatever is due by the clock)
and returns the `Changes`; `store.now` is the moment being shown. The app
calls `poll()` on a timer and redraws what changed, whatever the source.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from podwatch.model.store import Changes, Store
from podwatch.recording import Recording

Clock = Callable[[], float]
"""Monotonic seconds; injectable so that tests control time."""


class Source(Protocol):
    store: Store

    def poll(self) -> Changes: ...

    @property
    def description(self) -> str: ...


class ReplaySource:
    """Plays a recording through a store at recorded speed times `speed`.

    Position is recording time in seconds. Pausing freezes it; `step` applies
    exactly one more event; `seek` goes anywhere (backwards rebuilds the store
    from the start, which is fast since no I/O is involved).
    """

    def __init__(
        self,
        recording: Recording,
        *,
        clock: Clock = time.monotonic,
        speed: float = 1.0,
        paused: bool = False,
        store_factory: Callable[[], Store] = Store,
    ) -> None:
        self.recording = recording
        self.events = recording.events
        self.started = recording.started
        self.clock = clock
        self.speed = speed
        self.paused = paused
        self._store_factory = store_factory
        self.store = store_factory()
        self._next = 0
        self._anchor_pos = 0.0
        self._anchor_clock = clock()
        self._position = 0.0
        self.store.now = self.started

    # ----------------------------------------------------------------- interface

    @property
    def description(self) -> str:
        return "replay"

    @property
    def duration(self) -> float:
        return self.recording.duration

    @property
    def position(self) -> float:
        return self._position

    @property
    def next_index(self) -> int:
        """How many events have been applied."""
        return self._next

    @property
    def finished(self) -> bool:
        return self._next >= len(self.events) and self._position >= self.duration

    def poll(self) -> Changes:
        if not self.paused:
            target = self._anchor_pos + (self.clock() - self._anchor_clock) * self.speed
            self._position = min(max(target, self._position), self.duration)
        return self._apply_until(self._position)

    # ----------------------------------------------------------------- controls

    def _reanchor(self) -> None:
        self._anchor_pos = self._position
        self._anchor_clock = self.clock()

    def pause(self) -> None:
        if not self.paused:
            self.poll()
            self.paused = True

    def resume(self) -> None:
        if self.paused:
            self.paused = False
            self._reanchor()

    def toggle_pause(self) -> bool:
        if self.paused:
            self.resume()
        else:
            self.pause()
        return self.paused

    def set_speed(self, speed: float) -> None:
        self.poll()
        self.speed = max(0.01, min(speed, 10_000.0))
        self._reanchor()

    def step(self) -> Changes:
        """Apply exactly the next event and pause there."""
        self.pause()
        if self._next >= len(self.events):
            return Changes()
        self._position = max(self._position, self.events[self._next].t)
        changes = self._apply_one()
        self.store.now = self.started + self._position
        self._reanchor()
        return changes

    def seek(self, position: float) -> Changes:
        """Go to `position` seconds; going back rebuilds the store from the start."""
        position = min(max(position, 0.0), self.duration)
        changes = Changes()
        if position < self._position or (
            self._next > 0 and position < self.events[self._next - 1].t
        ):
            self.store = self._store_factory()
            self.store.now = self.started
            self._next = 0
            changes.reset = True
        self._position = position
        changes.merge(self._apply_until(position))
        self._reanchor()
        return changes

    def run_to_end(self) -> Changes:
        return self.seek(self.duration)

    # ----------------------------------------------------------------- applying

    def _apply_one(self) -> Changes:
        ev = self.events[self._next]
        self._next += 1
        return self.store.apply(ev, self.started + ev.t)

    def _apply_until(self, position: float) -> Changes:
        changes = Changes()
        events = self.events
        apply = self.store.apply
        started = self.started
        n = len(events)
        while self._next < n and events[self._next].t <= position:
            ev = events[self._next]
            self._next += 1
            changes.merge(apply(ev, started + ev.t))
        self.store.now = started + position
        return changes
