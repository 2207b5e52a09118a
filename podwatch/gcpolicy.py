"""Keep the cyclic garbage collector off the store's objects.

A store of 10,000 pods is millions of long-lived dicts and lists. CPython's
full (generation 2) collection walks all of them: 300 ms pauses measured under
churn (bench/run.py), stalling the watch threads and the screen alike. Those
objects hold no reference cycles, so reference counting frees them when a pod
is replaced or deleted; the cyclic collector has nothing to find there.
`gc.freeze()` moves everything alive to a permanent generation that
collections skip. Frozen objects are still freed by reference counting; only
cycles among them would outlive their use, and the store creates none.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

FREEZE_AFTER = 5000
"""Objects applied since the last freeze that make the next one worthwhile."""
FREEZE_EVERY = 60.0
"""Seconds between freezes while anything at all arrives."""
HOLD_AT_MOST = 300.0
"""Seconds the collector stays off for lists that go on (a hung or vast list): then it
runs again, whatever the list does."""


class FreezePolicy:
    """Call `applied(n)` after each batch: it freezes after a large batch (the initial
    list) and then now and again, so that what survived stays out of full collections."""

    def __init__(
        self,
        *,
        after: int = FREEZE_AFTER,
        every: float = FREEZE_EVERY,
        hold_at_most: float = HOLD_AT_MOST,
        clock: Callable[[], float] = time.monotonic,
        freeze: Callable[[], None] = gc.freeze,
        collector: Collector | None = None,
    ) -> None:
        self.after = after
        self.every = every
        self.hold_at_most = hold_at_most
        self.clock = clock
        self.freeze = freeze
        self.collector = collector or Collector()
        self.pending = 0
        self.last = clock()
        self.freezes = 0
        self.held_since: float | None = None
        """When `hold` turned the collector off (None: it did not, or gave it back)."""
        self._spent = False
        """The hold outlasted `hold_at_most`: none again until the lists are done."""

    def applied(self, count: int) -> bool:
        """Returns whether it froze."""
        self.pending += count
        if not self.pending:
            return False
        now = self.clock()
        if self.pending >= self.after or now - self.last >= self.every:
            self.freeze()
            self.freezes += 1
            self.pending = 0
            self.last = now
            return True
        return False

    def hold(self, listing: bool) -> None:
        """Call it with whether lists are coming in (the first, or a re-list after 410).

        While they do, the collector is off, as `collector_off` has it for `--once`: a
        list is hundreds of thousands of objects that stay (the store's) or wait in the
        queue for the next drain, and every full collection walks them all again. At
        100,000 pods the collections took a third of the time from start to painted
        table (bench/run.py, section 10). When the lists are done, what they left is
        frozen and the collector runs again; a list that goes on past `hold_at_most`
        gets it back earlier. The collector is left alone if someone else turned it off."""
        if self.held_since is not None:
            if not listing or self.clock() - self.held_since >= self.hold_at_most:
                self.held_since = None
                self._spent = listing
                self.freeze()
                self.freezes += 1
                self.pending = 0
                self.last = self.clock()
                self.collector.enable()
            return
        if not listing:
            self._spent = False
        elif not self._spent and self.collector.enabled():
            self.collector.disable()
            self.held_since = self.clock()

    def release(self) -> None:
        """The collector back on if `hold` had it off (the dashboard is closing)."""
        if self.held_since is not None:
            self.held_since = None
            self.collector.enable()


class Collector:
    """The cyclic collector's switch (tests give one of their own)."""

    def enabled(self) -> bool:
        return gc.isenabled()

    def disable(self) -> None:
        gc.disable()

    def enable(self) -> None:
        gc.enable()


@contextmanager
def collector_off() -> Iterator[None]:
    """The cyclic collector held off meanwhile: for work that makes a great many objects
    that stay (a store filled by a list or a recording, a checkpoint loaded), which its
    collections would otherwise walk again and again (10,000 pods listed for `--once`
    in 1.7 s with them, 0.5 s without; `replay --once` 60 % faster). Reference counting
    still frees what goes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
