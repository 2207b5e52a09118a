"""Where the replay's jump keys go: the changes of one pod, and the Warning Events.

A *change of a pod* is a recorded event that

- adds, modifies or deletes the Pod itself; an object that is the same as the pod's
  previous one in the recording in all podwatch keeps of a pod (model/slim.py: what
  some pane shows) but for `metadata.resourceVersion` is no change (a re-list sends
  every object again; a new podIPs or imageID alone is nothing the panes show);
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

Pure (no Textual): indexes into the recording's events, computed in one pass over it
(`Marks`).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from typing import Any

from podwatch.model.events import KEvent, cap_text, normalize_event
from podwatch.model.k8s import Key, d, key_of, lst, s
from podwatch.model.slim import slim
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


def _pod_essence(obj: Any) -> Any:
    """A pod as compared for a change: what the store keeps of it (`slim`: the same
    whether the line was decoded whole or slim), without its resourceVersion."""
    return _essence(slim("Pod", obj) if isinstance(obj, dict) else obj)


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

    def __init__(self, essence: Callable[[Any], Any] = _essence) -> None:
        self._seen: dict[Key, Any] = {}
        self._essence = essence

    @property
    def seen(self) -> list[Key]:
        return list(self._seen)

    def forget(self, key: Key) -> None:
        self._seen.pop(key, None)

    def __call__(self, event: WatchEvent) -> bool:
        key = key_of(event.object)
        if event.type == "DELETED":
            return self._seen.pop(key, None) is not None
        essence = self._essence(event.object)
        if self._seen.get(key) == essence:
            return False
        self._seen[key] = essence
        return True


class Marks:
    """The jump targets of a recording, found in one pass over its events (`add` each in
    order): every pod's changes and every Warning, so that any jump after the pass is a
    lookup. The index of a long recording (recording/index.py) keeps what this finds."""

    NODE = "\x00node"
    """The namespace a Warning about a Node is filed under: every namespace's trouble."""

    def __init__(self) -> None:
        self.pods: dict[Key, array[int]] = {}
        """Pod -> indexes of the events that change it, in order."""
        self.warning_at: array[int] = array("q")
        """Index of each Warning, in order."""
        self.warning_where: array[int] = array("l")
        """Where each Warning is, as a number into `places`."""
        self.places: list[str] = [self.NODE]
        """Namespaces Warnings are about (and NODE, number 0)."""
        self._place_numbers = {self.NODE: 0}
        self._pod_news, self._event_news = _News(_pod_essence), _News()

    @classmethod
    def of(
        cls,
        pods: dict[Key, array[int]],
        warning_at: array[int],
        warning_where: array[int],
        places: list[str],
    ) -> Marks:
        """Marks found before (kept in an index), to look up, not to `add` to."""
        marks = cls()
        marks.pods, marks.warning_at, marks.warning_where = pods, warning_at, warning_where
        marks.places = list(places)
        marks._place_numbers = {place: i for i, place in enumerate(marks.places)}
        return marks

    def _changed(self, pod: Key, index: int) -> None:
        found = self.pods.get(pod)
        if found is None:
            found = self.pods[pod] = array("q")
        found.append(index)

    def add(self, index: int, event: WatchEvent) -> None:
        kind, etype = event.kind, event.type
        if kind == "Pod":
            if etype == "RELIST":
                keys = {tuple(k) for k in lst(d(event.object).get("keys")) if isinstance(k, list)}
                for pod in [p for p in self._pod_news.seen if p not in keys]:
                    self._pod_news.forget(pod)  # gone while the watch was away
                    self._changed(pod, index)
            elif etype in _CHANGES and self._pod_news(event):
                self._changed(key_of(event.object), index)
        elif kind == "Event" and etype in _CHANGES:
            # An Event deleted (the API server's expiry) is forgotten, and is no change.
            if not self._event_news(event) or etype == "DELETED":
                return
            ev = about(event)
            if ev is None:
                return
            if ev.involved_kind == "Pod" and ev.involved_name:
                self._changed((ev.involved_namespace, ev.involved_name), index)
            if ev.type == "Warning":
                where = self.NODE if ev.involved_kind == "Node" else ev.involved_namespace
                number = self._place_numbers.get(where)
                if number is None:
                    number = self._place_numbers[where] = len(self.places)
                    self.places.append(where)
                self.warning_at.append(index)
                self.warning_where.append(number)

    def pod_changes(self, pod: Key) -> Sequence[int]:
        return self.pods.get(pod, ())

    def warnings_in(self, namespace: str | None) -> Sequence[int]:
        """Warnings about objects in `namespace` (None: any) or about Nodes."""
        if namespace is None:
            return self.warning_at
        wanted = {0, self._place_numbers.get(namespace, -1)}
        return [i for i, w in zip(self.warning_at, self.warning_where, strict=True) if w in wanted]

    def seal(self) -> None:
        """Done adding: let go of what only `add` needs (the last objects seen)."""
        self._pod_news, self._event_news = _News(_pod_essence), _News()


def marks_of(events: Sequence[WatchEvent]) -> Marks:
    marks = Marks()
    for index, event in enumerate(events):
        marks.add(index, event)
    marks.seal()
    return marks


def pod_changes(events: Sequence[WatchEvent], pod: Key) -> list[int]:
    """The indexes of the events that change `pod` (see the module), in order."""
    return list(marks_of(events).pod_changes(pod))


def warnings(events: Sequence[WatchEvent], namespace: str | None) -> list[int]:
    """The indexes of the Warning Events (see the module) about objects in `namespace`
    (None: any) or about Nodes, in order."""
    return list(marks_of(events).warnings_in(namespace))


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
