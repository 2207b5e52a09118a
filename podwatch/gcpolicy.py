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


class FreezePolicy:
    """Call `applied(n)` after each batch: it freezes after a large batch (the initial
    list) and then now and again, so that what survived stays out of full collections."""

    def __init__(
        self,
        *,
        after: int = FREEZE_AFTER,
        every: float = FREEZE_EVERY,
        clock: Callable[[], float] = time.monotonic,
        freeze: Callable[[], None] = gc.freeze,
    ) -> None:
        self.after = after
        self.every = every
        self.clock = clock
        self.freeze = freeze
        self.pending = 0
        self.last = clock()
        self.freezes = 0

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
