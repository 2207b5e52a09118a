"""An index from a key to a set of values that never keeps an empty set.

The store looks objects up by what relates them (the pods on a node, the slices
of a Service, the Events about a pod). Each such lookup is an `Index`: removing
the last value of a key removes the key, as client-go's thread-safe store does
(`updateSingleIndex` / `deleteKeyFromIndex`), so that nothing is left behind once
the objects are gone: no ghost Service listed for a set of slices that is empty.

Each set is held as the keys of a dict: at the sizes an index holds (a pod's five
Events, a node's dozens of pods) a dict takes a third of a set's memory, and with one
entry per pod and per Event that adds up to megabytes at 10,000 pods.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, KeysView, Set
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V", bound=Hashable)

_EMPTY: KeysView = {}.keys()


class Index(Generic[K, V]):
    """key -> set of values; a key is present only while its set is not empty."""

    __slots__ = ("_sets",)

    def __init__(self) -> None:
        self._sets: dict[K, dict[V, None]] = {}

    def add(self, key: K, value: V) -> None:
        values = self._sets.get(key)
        if values is None:
            self._sets[key] = {value: None}
        else:
            values[value] = None

    def discard(self, key: K, value: V) -> None:
        """Remove `value` from `key`'s set, and the key with its last value."""
        values = self._sets.get(key)
        if values is None:
            return
        values.pop(value, None)
        if not values:
            del self._sets[key]

    def move(self, value: V, old: K | None, new: K | None) -> None:
        """`value` now belongs under `new` instead of `old` (either may be None: none)."""
        if old == new:
            if new is not None:
                self.add(new, value)
            return
        if old is not None:
            self.discard(old, value)
        if new is not None:
            self.add(new, value)

    def get(self, key: K) -> Set[V]:
        """`key`'s values (read-only: copy before changing the index while iterating)."""
        values = self._sets.get(key)
        return _EMPTY if values is None else values.keys()

    def pop(self, key: K) -> Set[V]:
        """`key`'s values, removed from the index."""
        values = self._sets.pop(key, None)
        return _EMPTY if values is None else values.keys()

    def __contains__(self, key: object) -> bool:
        return key in self._sets

    def __iter__(self) -> Iterator[K]:
        return iter(self._sets)

    def __len__(self) -> int:
        return len(self._sets)

    def __repr__(self) -> str:
        return f"Index({self._sets!r})"
