"""The state of several clusters: kept apart, in stores of their own or in one.

A recording of several contexts (`record --context a,b`) marks each event with its
context. `--once` reads each context into a Store of its own (`StoresByContext`) and
prints them in turn.

The dashboard shows them in one table, from one Store: each event is `scoped` first,
every name by which objects find each other prefixed with its context (`east/default`
for a namespace, `east/worker-1` for a node). Two clusters may both have
`default/web-0`: in the store they are `east/default/web-0` and `west/default/web-0`. A
Service selects the pods of its namespace, which is its cluster's; a pod's node and an
Event's pod are found in its own cluster; nothing in the model has to know there are
several. Names in the cluster cannot hold a `/` (namespaces and nodes are DNS names), so
`context/name` is never ambiguous; what is shown splits it again (`split_scoped`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from podwatch.model.store import Changes, Store
from podwatch.model.view import PodRow
from podwatch.model.watch import WatchEvent

SEP = "/"


def scoped_name(context: str, name: Any) -> Any:
    """`context/name`; a name that is not a non-empty string, or no context, leaves the
    name as it is."""
    return f"{context}{SEP}{name}" if context and isinstance(name, str) and name else name


def split_scoped(name: str, contexts: Sequence[str]) -> tuple[str, str]:
    """(context, name) of a scoped name: the longest of `contexts` it begins with (a
    context's name may hold a `/`, as EKS's ARNs do); ("", name) if none."""
    best = ""
    for context in contexts:
        if len(context) > len(best) and name.startswith(context + SEP):
            best = context
    return (best, name[len(best) + 1 :]) if best else ("", name)


def in_context(row: PodRow, contexts: Sequence[str]) -> PodRow:
    """A row of the one store (scoped names) as the table shows it: its context apart,
    its namespace and node without it. Its `summary.key` is then for showing only; the
    table keeps the store's key."""
    context, namespace = split_scoped(row.summary.namespace, contexts)
    if not context:
        return row
    node = row.summary.node
    if node.startswith(context + SEP):
        node = node[len(context) + 1 :]
    summary = replace(row.summary, key=(namespace, row.summary.name), node=node)
    return replace(row, summary=summary, context=context)


def _with(obj: dict, key: str, value: Any) -> dict:
    return {**obj, key: value}


def _scope_ref(ref: Any, context: str, node: bool = False) -> Any:
    """An object reference (`targetRef`, `involvedObject`): its namespace scoped, and
    its name when it names a Node (`node`, or its kind says so)."""
    if not isinstance(ref, dict):
        return ref
    out = dict(ref)
    if "namespace" in out:
        out["namespace"] = scoped_name(context, out["namespace"])
    if node or out.get("kind") == "Node":
        out["name"] = scoped_name(context, out.get("name"))
    return out


def _scope_address(addr: Any, context: str) -> Any:
    """An Endpoints address or an EndpointSlice endpoint: its node and its pod's
    namespace."""
    if not isinstance(addr, dict):
        return addr
    out = dict(addr)
    if "nodeName" in out:
        out["nodeName"] = scoped_name(context, out["nodeName"])
    if "targetRef" in out:
        out["targetRef"] = _scope_ref(out["targetRef"], context)
    topology = out.get("topology")
    if isinstance(topology, dict) and "kubernetes.io/hostname" in topology:
        host = scoped_name(context, topology["kubernetes.io/hostname"])
        out["topology"] = _with(topology, "kubernetes.io/hostname", host)
    return out


def _scope_list(items: Any, scope: Callable[[Any, str], Any], context: str) -> Any:
    return [scope(item, context) for item in items] if isinstance(items, list) else items


def scoped_events(events: list[WatchEvent]) -> list[WatchEvent]:
    """A recording's events of several contexts, each scoped with its own: one store
    holds them apart (the dashboard's replay)."""
    return [scoped(event, event.context) if event.context else event for event in events]


def scoped(event: WatchEvent, context: str) -> WatchEvent:
    """`event` with every name by which objects find each other scoped with `context`
    (see the module). Objects are copied where they change, never changed: a recorder
    may hold the same ones."""
    obj = event.object
    if not isinstance(obj, dict) or event.type in ("BOOKMARK", "ERROR"):
        return event
    kind = event.kind
    if event.type == "RELIST":
        keys = obj.get("keys")
        if isinstance(keys, list):
            node = kind == "Node"
            keys = [
                [k[0], scoped_name(context, k[1])]
                if node and isinstance(k, list) and len(k) == 2
                else [scoped_name(context, k[0]), k[1]]
                if isinstance(k, list) and len(k) == 2
                else k
                for k in keys
            ]
        obj = {**obj, "keys": keys, "scope": context + SEP}
        return WatchEvent(event.t, kind, event.type, obj, event.context)
    out = dict(obj)
    metadata = obj.get("metadata")
    if isinstance(metadata, dict):
        metadata = dict(metadata)
        if "namespace" in metadata:
            metadata["namespace"] = scoped_name(context, metadata["namespace"])
        if kind == "Node":
            metadata["name"] = scoped_name(context, metadata.get("name"))
        out["metadata"] = metadata
    spec = obj.get("spec")
    if kind == "Pod" and isinstance(spec, dict) and "nodeName" in spec:
        out["spec"] = _with(spec, "nodeName", scoped_name(context, spec["nodeName"]))
    elif kind == "Event":
        for field in ("involvedObject", "regarding"):
            if field in obj:
                out[field] = _scope_ref(obj[field], context)
    elif kind == "Endpoints" and isinstance(obj.get("subsets"), list):
        out["subsets"] = [
            {
                **subset,
                **{
                    group: _scope_list(subset[group], _scope_address, context)
                    for group in ("addresses", "notReadyAddresses")
                    if group in subset
                },
            }
            if isinstance(subset, dict)
            else subset
            for subset in obj["subsets"]
        ]
    elif kind == "EndpointSlice" and "endpoints" in obj:
        out["endpoints"] = _scope_list(obj["endpoints"], _scope_address, context)
    return WatchEvent(event.t, kind, event.type, out, event.context)


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
