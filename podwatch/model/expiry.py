"""Keys that fall due at a time, grouped by whole second.

The store forgets each Event at its TTL, oldest first, and the oldest first again when
there are more than it keeps. A heap of (time, key) pairs did that with a tuple and a
float per Event: 4 MB at 50,000 Events. Events arrive in bursts that share their
seconds, so here a key costs one slot in its second's list, and only the seconds are
kept in order. Due is at most a second late, which an hour's TTL does not notice.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)


def due_second(at: float) -> int:
    """The second a key due at `at` is filed under: the next whole one (never early)."""
    return math.ceil(at)


class Expiry(Generic[K]):
    """Keys by the second they fall due. A key filed twice is held twice: whoever pops
    it checks whether it is still due (a newer filing covers it)."""

    __slots__ = ("_buckets", "_held", "_seconds")

    def __init__(self) -> None:
        self._buckets: dict[int, list[K]] = {}
        self._seconds: list[int] = []
        """The buckets' seconds, a heap."""
        self._held = 0

    def push(self, at: float, key: K) -> None:
        second = due_second(at)
        bucket = self._buckets.get(second)
        if bucket is None:
            self._buckets[second] = [key]
            heapq.heappush(self._seconds, second)
        else:
            bucket.append(key)
        self._held += 1

    def first(self) -> int | None:
        """The earliest second anything is due (None when empty)."""
        return self._seconds[0] if self._seconds else None

    def pop(self) -> tuple[int, K]:
        """A key of the earliest second, with that second; IndexError when empty."""
        second = self._seconds[0]
        bucket = self._buckets[second]
        key = bucket.pop()
        if not bucket:
            del self._buckets[second]
            heapq.heappop(self._seconds)
        self._held -= 1
        return second, key

    def __len__(self) -> int:
        """Filings held (a key filed twice counts twice)."""
        return self._held

    def __bool__(self) -> bool:
        return self._held > 0
