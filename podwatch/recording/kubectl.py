"""Importing what kubectl users already have, as watch events.

Three shapes, detected per file: `--watch --output-watch-events -o json`
(`{"type", "object"}` documents), `-w -o json` (bare objects) and `-o json` (a
List), compact or pretty-printed. kubectl records no receive times, so each event
gets the time the object itself attests (`object_time`) and its resourceVersion,
by which the merge orders files.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any

from podwatch.model.k8s import d, lst, meta, parse_time, s, strip_metadata
from podwatch.model.watch import EVENT_TYPES, WatchEvent
from podwatch.recording.format import Doc, FileEvents, RecordingError, rv_int

_LIST_ITEM_KINDS = {
    "PodList": "Pod",
    "EventList": "Event",
    "ServiceList": "Service",
    "EndpointsList": "Endpoints",
    "EndpointSliceList": "EndpointSlice",
    "NodeList": "Node",
}


def object_time(obj: Any) -> float | None:
    """The latest moment the object itself attests, for kubectl captures without receive times.

    A graceful deletion's `deletionTimestamp` lies in the future (now + grace
    period), so the grace period is subtracted to get when deletion was asked.
    """
    m = meta(obj)
    best: float | None = None

    def see(value: Any) -> None:
        nonlocal best
        t = parse_time(value)
        if t is not None and (best is None or t > best):
            best = t

    see(m.get("creationTimestamp"))
    for mf in lst(m.get("managedFields")):
        see(d(mf).get("time"))
    deletion = parse_time(m.get("deletionTimestamp"))
    if deletion is not None:
        grace = m.get("deletionGracePeriodSeconds")
        if isinstance(grace, int) and not isinstance(grace, bool):
            deletion -= grace
        if best is None or deletion > best:
            best = deletion
    status = d(d(obj).get("status"))
    for cond in lst(status.get("conditions")):
        see(d(cond).get("lastTransitionTime"))
        see(d(cond).get("lastHeartbeatTime"))
    for group in ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"):
        for cs in lst(status.get(group)):
            cs = d(cs)
            for state_key in ("state", "lastState"):
                for st in d(cs.get(state_key)).values():
                    st = d(st)
                    see(st.get("startedAt"))
                    see(st.get("finishedAt"))
    obj = d(obj)
    if obj.get("kind") == "Event":
        see(obj.get("lastTimestamp"))
        see(obj.get("eventTime"))
        see(obj.get("deprecatedLastTimestamp"))
        see(d(obj.get("series")).get("lastObservedTime"))
    annotations = d(m.get("annotations"))
    see(annotations.get("endpoints.kubernetes.io/last-change-trigger-time"))
    return best


def read_kubectl(path: str, docs: Iterator[Doc], first: Doc, fe: FileEvents) -> None:
    seen: set[tuple[str, str, str]] = set()

    def add(kind: str, etype: str, obj: Any) -> None:
        when = object_time(obj)
        obj = strip_metadata(obj)  # read for the time; then most of the object's bytes
        fe.events.append((when, rv_int(obj), WatchEvent(0.0, kind, etype, obj)))

    def handle(doc: Doc) -> None:
        value = doc.value
        if not isinstance(value, dict):
            raise RecordingError(path, doc.line, "expected a JSON object (a Kubernetes object)")
        if "type" in value and "object" in value and "kind" not in value:
            etype = value.get("type")
            obj = value.get("object")
            if etype not in EVENT_TYPES or not isinstance(obj, dict):
                raise RecordingError(path, doc.line, "watch event without a valid type and object")
            kind = s(obj.get("kind")) or "Unknown"
            add(kind, etype, obj)
            seen.add((kind, *_nsname(obj)))
            return
        kind = s(value.get("kind"))
        if (
            kind == "List"
            or kind in _LIST_ITEM_KINDS
            or (kind.endswith("List") and "items" in value)
        ):
            default_kind = _LIST_ITEM_KINDS.get(kind, kind[:-4] if kind != "List" else "")
            items = [item for item in lst(value.get("items")) if isinstance(item, dict)]
            # A List is one snapshot: every item is as of the latest moment any attests.
            # It sorts at the List's own resourceVersion; kubectl leaves that empty,
            # and then the newest item's is the best lower bound there is.
            times = [t for t in map(object_time, items) if t is not None]
            snapshot = max(times) if times else None
            list_rv = rv_int(value)
            if list_rv is None:
                rvs = [rv for rv in map(rv_int, items) if rv is not None]
                list_rv = max(rvs) if rvs else None
            for item in items:
                item_kind = s(item.get("kind")) or default_kind or "Unknown"
                key = (item_kind, *_nsname(item))
                etype = "MODIFIED" if key in seen else "ADDED"
                item = strip_metadata(item)
                fe.events.append((snapshot, list_rv, WatchEvent(0.0, item_kind, etype, item)))
                seen.add(key)
            return
        if not kind:
            raise RecordingError(
                path, doc.line, "neither a podwatch header, a watch event nor a Kubernetes object"
            )
        key = (kind, *_nsname(value))
        add(kind, "MODIFIED" if key in seen else "ADDED", value)
        seen.add(key)

    for doc in chain([first], docs):
        try:
            handle(doc)
        except RecordingError:
            if not fe.skip_bad:
                raise
            fe.skipped += 1


def _nsname(obj: Any) -> tuple[str, str]:
    m = meta(obj)
    return (s(m.get("namespace")), s(m.get("name")))
