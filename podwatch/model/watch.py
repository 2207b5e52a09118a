"""The unit that flows from every source into the store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WORKLOAD_KINDS: tuple[str, ...] = (
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
)
"""The pods' owners (apps/v1 and batch/v1; model/owners.py), in the order `:deploy`
lists them."""
KINDS: tuple[str, ...] = (
    "Pod",
    "Event",
    "Service",
    "Endpoints",
    "EndpointSlice",
    "Node",
    *WORKLOAD_KINDS,
)
"""The kinds podwatch watches, in the order they are shown in status lines; the owners
are optional grants like the others."""

EVENT_TYPES = frozenset({"ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR", "RELIST"})
"""Watch event types, plus RELIST: "the list just delivered is the whole truth for
this kind"; its object carries the keys of that list so the store can drop what
disappeared while podwatch was away."""


@dataclass(slots=True)
class WatchEvent:
    """One received event. `t` is seconds since the source started; `context` names the
    kubeconfig context it came from when several are watched at once ("" when one is:
    single-context recordings and sources leave it out)."""

    t: float
    kind: str
    type: str
    object: Any = None
    context: str = ""


def relist_marker(t: float, kind: str, keys: list[tuple[str, str]], resource_version: str = ""):
    """The event a source emits after a (re-)list has delivered every object of `kind`."""
    return WatchEvent(
        t,
        kind,
        "RELIST",
        {"resourceVersion": resource_version, "keys": [list(k) for k in keys]},
    )
