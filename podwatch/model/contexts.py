"""The state of several clusters, one Store per kubeconfig context.

A recording of several contexts (`record --context a,b`) marks each event with its
context; replayed, each context's events go to its own Store, as they did live
(kube/fleet.py): two clusters may both have `default/web-0`, and a Service selects the
pods of its own cluster only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from podwatch.model.store import Changes, Store
from podwatch.model.watch import WatchEvent


def recorded_contexts(header: dict) -> list[str] | None:
    """The contexts a recording's header names (`record --context a,b`), in order;
    None for a recording of one context (its events carry no context)."""
    names = header.get("contexts")
    if not isinstance(names, list):
        return None
    return [name for name in names if isinstance(name, str) and name] or None


class StoresByContext:
    """Stores by context name, in the order the contexts were first named."""

    def __init__(self, factory: Callable[[], Store], now: float, names: Iterable[str] = ()) -> None:
        self._factory = factory
        self._now = now
        self.stores: dict[str, Store] = {}
        for name in names:
            self.store(name)

    def store(self, context: str) -> Store:
        store = self.stores.get(context)
        if store is None:
            store = self.stores[context] = self._factory()
            store.now = self._now
        return store

    def apply_all(self, events: list[WatchEvent], started: float) -> dict[str, Changes]:
        """Each event to its context's store, in order within each context."""
        by_context: dict[str, list[WatchEvent]] = {}
        for event in events:
            by_context.setdefault(event.context, []).append(event)
        return {
            context: self.store(context).apply_all(batch, started)
            for context, batch in by_context.items()
        }

    def advance(self, now: float) -> None:
        """The clock of every store (a replay's moment)."""
        self._now = max(self._now, now)
        for store in self.stores.values():
            store.now = max(store.now, now)

    def __iter__(self) -> Iterator[tuple[str, Store]]:
        return iter(self.stores.items())
