"""The one fast JSON library podwatch uses, behind two names.

msgspec decodes pod JSON several times faster than the standard library on
this workload (see bench/); everything that parses or writes JSON on the hot
path goes through here so the choice lives in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import msgspec

from podwatch.model.slim import SlimPod, finish_slim_pod

DecodeError = msgspec.DecodeError

_decoder = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder()


def decode(data: bytes | str) -> Any:
    return _decoder.decode(data)


def encode(value: Any) -> bytes:
    return _encoder.encode(value)


# --------------------------------------------------------------------------- pods, typed
# A pod's JSON is mostly `metadata.managedFields`, which nothing in podwatch reads and
# `strip_metadata` drops at once. Decoded into these Structs, the decoder skips it
# without building a Python object for any of it (`msgspec.Raw`): a page of 500 pods
# decodes in a third of the time. Every other field is kept; `spec` and `status` stay
# the plain JSON they were. Unknown fields are refused, so that anything that does not
# fit (a field a later Kubernetes adds, a hostile or broken object) is decoded
# generically, as before: nothing is lost.

_UNSET = msgspec.UNSET


class _Meta(msgspec.Struct, forbid_unknown_fields=True):
    name: Any = _UNSET
    generateName: Any = _UNSET
    namespace: Any = _UNSET
    selfLink: Any = _UNSET
    uid: Any = _UNSET
    resourceVersion: Any = _UNSET
    generation: Any = _UNSET
    creationTimestamp: Any = _UNSET
    deletionTimestamp: Any = _UNSET
    deletionGracePeriodSeconds: Any = _UNSET
    labels: Any = _UNSET
    annotations: Any = _UNSET
    ownerReferences: Any = _UNSET
    finalizers: Any = _UNSET
    managedFields: msgspec.Raw | msgspec.UnsetType = _UNSET


class _Pod(msgspec.Struct, forbid_unknown_fields=True):
    apiVersion: Any = _UNSET
    kind: Any = _UNSET
    metadata: _Meta | msgspec.UnsetType | None = _UNSET
    spec: Any = _UNSET
    status: Any = _UNSET


class _PodList(msgspec.Struct, forbid_unknown_fields=True):
    apiVersion: Any = _UNSET
    kind: Any = _UNSET
    metadata: Any = _UNSET
    items: list[_Pod] | msgspec.UnsetType | None = _UNSET


class _PodEvent(msgspec.Struct, forbid_unknown_fields=True):
    type: str
    object: _Pod


_pod_list = msgspec.json.Decoder(_PodList)
_pod_event = msgspec.json.Decoder(_PodEvent)
_asdict = msgspec.structs.asdict


def _plain(struct: msgspec.Struct) -> dict[str, Any]:
    return {k: v for k, v in _asdict(struct).items() if v is not _UNSET}


def _pod(pod: _Pod) -> dict[str, Any]:
    out = _plain(pod)
    if isinstance(pod.metadata, _Meta):
        meta = out["metadata"] = _plain(pod.metadata)
        meta.pop("managedFields", None)
    return out


def decode_pod_list(data: bytes) -> Any:
    """A PodList page as `decode` gives it, but for `metadata.managedFields` (see above)."""
    try:
        page = _pod_list.decode(data)
    except msgspec.ValidationError:
        return decode(data)
    out = _plain(page)
    if isinstance(page.items, list):
        out["items"] = [_pod(p) for p in page.items]
    return out


def _watch_line(decoder: msgspec.json.Decoder, finish: Callable[[Any], dict], line: bytes) -> Any:
    """A watch line about a Pod decoded typed by `decoder`, its pod made a dict by
    `finish`; an ERROR line (a Status, not a Pod) and anything that does not fit is
    decoded generically."""
    try:
        event = decoder.decode(line)
    except msgspec.ValidationError:
        return decode(line)
    if event.type == "ERROR":
        return decode(line)
    return {"type": event.type, "object": finish(event.object)}


def decode_pod_event(line: bytes) -> Any:
    """A watch line about a Pod as `decode` gives it, but for `metadata.managedFields`."""
    return _watch_line(_pod_event, _pod, line)


# --------------------------------------------------------------------------- pods, slim
# When nothing records the full object (a recording keeps all but managedFields), the
# watch decodes a pod straight into the shape the store keeps (model/slim.py): what no
# pane reads is skipped by the decoder, and the store's `slim` finds nothing to drop.


class _SlimPodList(msgspec.Struct):
    metadata: Any = _UNSET
    items: list[SlimPod] | msgspec.UnsetType | None = _UNSET


class _SlimPodEvent(msgspec.Struct):
    type: str
    object: SlimPod


_slim_pod_list = msgspec.json.Decoder(_SlimPodList)
_slim_pod_event = msgspec.json.Decoder(_SlimPodEvent)


def decode_slim_pod_list(data: bytes) -> Any:
    """A PodList page as `decode` gives it, each pod as `slim` keeps it; a page that does
    not fit the shape is decoded generically (the store slims those pods itself)."""
    try:
        page = _slim_pod_list.decode(data)
    except msgspec.ValidationError:
        return decode(data)
    out: dict[str, Any] = {}
    if page.metadata is not _UNSET:
        out["metadata"] = page.metadata
    if page.items is not _UNSET:
        items = page.items
        out["items"] = [finish_slim_pod(pod) for pod in items] if isinstance(items, list) else items
    return out


def decode_slim_pod_event(line: bytes) -> Any:
    """A watch line about a Pod, the pod as `slim` keeps it."""
    return _watch_line(_slim_pod_event, finish_slim_pod, line)


class _SlimPodLine(msgspec.Struct):
    """A recording's line about a pod's ADDED, MODIFIED or DELETED (recording/format.py),
    in the order the writer writes it: another kind or type is refused at once, before
    its object is read."""

    t: Any
    kind: Literal["Pod"]
    type: Literal["ADDED", "MODIFIED", "DELETED"]
    object: SlimPod | msgspec.UnsetType | None = _UNSET
    context: Any = _UNSET


_slim_pod_line = msgspec.json.Decoder(_SlimPodLine)


def decode_slim_recorded_line(line: bytes) -> Any:
    """A recording's line as `decode` gives it, but a pod's object as the store keeps it
    (replay straight into a store: `replay --once`). Every other line (another kind, a
    RELIST marker, a line that does not fit) is decoded generically."""
    try:
        event = _slim_pod_line.decode(line)
    except msgspec.ValidationError:
        return decode(line)
    out = {"t": event.t, "kind": event.kind, "type": event.type}
    if event.object is not _UNSET:
        out["object"] = event.object if event.object is None else finish_slim_pod(event.object)
    if event.context is not _UNSET:
        out["context"] = event.context
    return out
