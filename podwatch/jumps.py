"""Where the replay's jump keys go: the changes of one pod, and the Warning Events.

A *change of a pod* is a recorded event that

- adds, modifies or deletes the Pod itself; an object that is the same as the pod's
  previous one in the recording but for `metadata.resourceVersion` and
  `managedFields` is no change (a re-list sends every object again);
- adds or modifies an Event about the pod (core/v1 `involvedObject`, events.k8s.io
  `regarding`) with something new: its first sighting, or a repeat (a higher count, a
  later time), by the same rule of sameness;
- or is a re-list of Pods that no longer holds the pod (deleted while the watch was
  away).

An Event deleted (the API server's expiry, an hour on) is not a change of the pod, nor
are its Services' endpoints or its node, which its panes also show: those are the
Service's and the node's changes.

A *Warning* is an Event of type Warning, added or modified with something new (the
same rule), about an object in the namespace asked for (None: any), or about a Node
(its trouble is every namespace's).

Pure (no Textual): indexes into the recording's events, computed in one pass over it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from podwatch.model.events import KEvent, cap_text, normalize_event
from podwatch.model.k8s import Key, d, key_of, lst, s
from podwatch.model.watch import WatchEvent

_NOT_A_CHANGE = frozenset({"resourceVersion", "managedFields"})
_CHANGES = frozenset({"ADDED", "MODIFIED", "DELETED"})
WHAT_LIMIT = 160
"""Characters of an Event's message in a jump's description."""


def _essence(obj: Any) -> Any:
    """`obj` as compared for a change: without its resourceVersion and managedFields."""
    if not isinstance(obj, dict):
        return obj
    m = obj.get("metadata")
    if isinstance(m, dict) and not _NOT_A_CHANGE.isdisjoint(m):
        return {**obj, "metadata": {k: v for k, v in m.items() if k not in _NOT_A_CHANGE}}
    return obj


def about(event: WatchEvent) -> KEvent | None:
    """The Event an event of kind Event carries, normalized (None: another kind)."""
    return normalize_event(event.object) if event.kind == "Event" else None


def pod_of(event: WatchEvent) -> Key | None:
    """The pod an event is about: the Pod itself, or the object of an Event."""
    if event.kind == "Pod":
        return key_of(event.object) if event.type != "RELIST" else None
    ev = about(event)
    if ev is not None and ev.involved_kind == "Pod" and ev.involved_name:
        return (ev.involved_namespace, ev.involved_name)
    return None


class _News:
    """Whether an ADDED or MODIFIED object brings something new: it differs from the
    last one seen under its key (see `_essence`); a DELETED one is forgotten."""

    def __init__(self) -> None:
        self._seen: dict[Key, Any] = {}

    def __call__(self, event: WatchEvent) -> bool:
        key = key_of(event.object)
        if event.type == "DELETED":
            return self._seen.pop(key, None) is not None
        essence = _essence(event.object)
        if self._seen.get(key) == essence:
            return False
        self._seen[key] = essence
        return True


def pod_changes(events: Sequence[WatchEvent], pod: Key) -> list[int]:
    """The indexes of the events that change `pod` (see the module), in order."""
    found: list[int] = []
    pod_news, event_news = _News(), _News()
    for index, event in enumerate(events):
        kind, etype = event.kind, event.type
        if kind == "Pod":
            if etype == "RELIST":
                keys = {tuple(k) for k in lst(d(event.object).get("keys")) if isinstance(k, list)}
                if pod not in keys and pod_news(WatchEvent(event.t, kind, "DELETED", _named(pod))):
                    found.append(index)  # gone while the watch was away
            elif etype in _CHANGES and key_of(event.object) == pod and pod_news(event):
                found.append(index)
        elif (
            kind == "Event"
            and etype in _CHANGES
            and pod_of(event) == pod
            and event_news(event)
            and etype != "DELETED"  # an Event deleted is expiry (still forgotten by news)
        ):
            found.append(index)
    return found


def warnings(events: Sequence[WatchEvent], namespace: str | None) -> list[int]:
    """The indexes of the Warning Events (see the module) about objects in `namespace`
    (None: any) or about Nodes, in order."""
    found: list[int] = []
    news = _News()
    for index, event in enumerate(events):
        if event.kind != "Event" or event.type not in _CHANGES:
            continue
        if not news(event) or event.type == "DELETED":
            continue
        ev = about(event)
        if ev is None or ev.type != "Warning":
            continue
        if namespace is None or ev.involved_kind == "Node" or ev.involved_namespace == namespace:
            found.append(index)
    return found


def _named(key: Key) -> dict:
    return {"metadata": {"namespace": key[0], "name": key[1]}}


def describe(event: WatchEvent) -> str:
    """What an event did, in a few words: `Pod changed`, `Warning Unhealthy ×3: Readiness
    probe failed: ...`. Cluster text: the caller shows it as untrusted (`safe.clean`)."""
    if event.kind == "Pod":
        if event.type == "RELIST":
            return "Pod gone (not in a re-list)"
        verb = {"ADDED": "added", "MODIFIED": "changed", "DELETED": "deleted"}
        return f"Pod {verb.get(event.type, event.type)}"
    ev = about(event)
    if ev is None:
        return f"{event.kind} {event.type}"
    count = f" ×{ev.count}" if ev.count > 1 else ""
    what = f"{ev.type or 'Event'} {ev.reason}{count}"
    if ev.involved_kind != "Pod" and ev.involved_name:
        what += f" ({ev.involved_kind} {ev.involved_name})"
    message = s(ev.message)
    return f"{what}: {cap_text(message, WHAT_LIMIT)}" if message else what
