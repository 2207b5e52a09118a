"""What of an object podwatch keeps: the one rule, for the store and for the decoder.

The store holds objects slimmed (`slim`): a pod without the fields no pane reads
(volumes, env, security contexts, image IDs...), every kind without managedFields and
the last-applied annotation. The watch can decode a pod straight into that shape
(`SlimPod`, through `codec.decode_slim_pod_event`): the decoder then skips what is
dropped without building a Python object for it, which is most of the cost of a pod
event. Both read the field sets below, so what is kept is said once.
"""

from __future__ import annotations

from typing import Any, TypedDict

from podwatch.model.k8s import LAST_APPLIED, strip_metadata
from podwatch.model.watch import WORKLOAD_KINDS

_POD_SPEC_KEEP = frozenset(
    {
        "containers",
        "initContainers",
        "ephemeralContainers",
        "nodeName",
        "nodeSelector",
        "affinity",
        "tolerations",
        "restartPolicy",
        "readinessGates",
        "schedulingGates",
        "priorityClassName",
        "terminationGracePeriodSeconds",
    }
)
"""Pod spec fields some pane reads (placement, probes, readiness gates); the rest (volumes,
security contexts, DNS, service accounts...) is never shown and costs memory per pod."""
_POD_CONTAINER_KEEP = frozenset(
    {
        "name",
        "image",
        "ports",
        "resources",
        "readinessProbe",
        "livenessProbe",
        "startupProbe",
        "restartPolicy",
    }
)
"""Container fields the panes show. env (which may hold secrets), mounts, args and commands
are left out."""


_POD_STATUS_KEEP = frozenset(
    {
        "phase",
        "conditions",
        "message",
        "reason",
        "podIP",
        "qosClass",
        "initContainerStatuses",
        "containerStatuses",
        "ephemeralContainerStatuses",
    }
)
"""Pod status fields some pane reads; the rest (podIPs, hostIP, startTime...) is never
shown."""
_CONTAINER_STATUS_KEEP = frozenset(
    {"name", "state", "lastState", "ready", "restartCount", "image", "started"}
)
"""Container status fields the panes show: not the imageID and containerID, a sixth of a
pod's bytes."""


def _holds_only(
    obj: dict, fields: frozenset[str], lists: tuple[str, ...], item_fields: frozenset[str]
) -> bool:
    """Whether `_keep` would drop nothing from `obj` (plain loops: this runs per pod)."""
    if not fields.issuperset(obj):
        return False
    for name in lists:
        items = obj.get(name)
        if type(items) is list:
            for item in items:
                if type(item) is dict and not item_fields.issuperset(item):
                    return False
    return True


def _keep(
    obj: dict, fields: frozenset[str], lists: tuple[str, ...], item_fields: frozenset[str]
) -> dict:
    """`obj` with only `fields`, and each dict of its `lists` with only `item_fields`: the
    one rule for slimming a pod's spec (containers) and status (container statuses).

    `obj` itself when it holds nothing to drop (a recording's pods are slim already, and
    so are the pods the watch decodes, `codec.decode_pod_event`): checking is several
    times cheaper than copying, and nothing ever changes `obj`."""
    if _holds_only(obj, fields, lists, item_fields):
        return obj
    out = {k: v for k, v in obj.items() if k in fields}
    for name in lists:
        items = out.get(name)
        if isinstance(items, list):
            out[name] = [
                {k: v for k, v in item.items() if k in item_fields}
                if isinstance(item, dict)
                else item
                for item in items
            ]
    return out


_CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
_STATUS_LISTS = ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses")


_TEMPLATES = frozenset({"template", "jobTemplate", "volumeClaimTemplates"})


_POD_META_KEEP = frozenset(
    {
        "name",
        "generateName",
        "namespace",
        "selfLink",
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "labels",
        "annotations",
        "ownerReferences",
        "finalizers",
        "clusterName",
    }
)
"""ObjectMeta's fields but managedFields (clusterName: clusters before 1.25). A field a
later Kubernetes adds is dropped until it is named here: no pane could read it."""
_POD_KEEP = frozenset({"apiVersion", "kind", "metadata", "spec", "status"})

_POD_PARTS = (
    ("metadata", _POD_META_KEEP, (), frozenset()),
    ("spec", _POD_SPEC_KEEP, _CONTAINER_LISTS, _POD_CONTAINER_KEEP),
    ("status", _POD_STATUS_KEEP, _STATUS_LISTS, _CONTAINER_STATUS_KEEP),
)


def _slim_pod(obj: dict) -> dict:
    """A pod with only what some pane reads: `obj` itself when that is all it holds."""
    parts = {}
    for name, fields, lists, item_fields in _POD_PARTS:
        part = obj.get(name)
        if isinstance(part, dict):
            kept = _keep(part, fields, lists, item_fields)
            if kept is not part:
                parts[name] = kept
    if parts or not _POD_KEEP.issuperset(obj):
        obj = {k: parts.get(k, v) for k, v in obj.items() if k in _POD_KEEP}
    return obj


class SlimPodDict(dict):
    """A pod the slim decoder made (`finish_slim_pod`): `slim` passes it as it is without
    looking through it again. A plain dict in every other way (equal, encoded, pickled
    as one); a copy of it (`{**pod}`, `dict(pod)`) is a plain dict and looked through."""

    __slots__ = ()


def slim(kind: str, obj: dict) -> dict:
    """Drop what podwatch never shows and what makes objects several KB larger."""
    if type(obj) is SlimPodDict:
        return obj
    if kind == "Pod":
        obj = _slim_pod(obj)
    elif kind in WORKLOAD_KINDS and isinstance(obj.get("spec"), dict):
        # The pod template is most of a workload's bytes; its pods are watched themselves.
        obj = {**obj, "spec": {k: v for k, v in obj["spec"].items() if k not in _TEMPLATES}}
    obj = strip_metadata(obj, last_applied="drop")
    status = obj.get("status")
    if kind == "Node" and isinstance(status, dict) and "images" in status:
        status = dict(status)
        del status["images"]
        obj = {**obj, "status": status}
    return obj


# --------------------------------------------------------------------------- the typed shape
# TypedDicts of exactly what `slim` keeps, for msgspec to decode into: a field not named
# is skipped by the decoder (unknown fields of a TypedDict are ignored), and what is
# kept comes out as the plain dicts and lists `slim` gives. Leaves are `Any`, so no value
# is refused for its type; a structure that does not fit (a list where an object should
# be) makes the decoder fail, and the caller decodes generically then (codec.py).


def _shape(name: str, fields: frozenset[str], typed: dict[str, Any]) -> Any:
    return TypedDict(name, {f: typed.get(f, Any) for f in sorted(fields)}, total=False)  # type: ignore[operator]


_Container = _shape("_Container", _POD_CONTAINER_KEEP, {})
_ContainerStatus = _shape("_ContainerStatus", _CONTAINER_STATUS_KEEP, {})
_Spec = _shape(
    "_Spec",
    _POD_SPEC_KEEP,
    {name: list[_Container] | None for name in _CONTAINER_LISTS},
)
_Status = _shape(
    "_Status",
    _POD_STATUS_KEEP,
    {name: list[_ContainerStatus] | None for name in _STATUS_LISTS},
)
_Meta = _shape("_Meta", _POD_META_KEEP, {})
SlimPod = _shape(
    "SlimPod",
    _POD_KEEP,
    {"metadata": _Meta | None, "spec": _Spec | None, "status": _Status | None},
)
"""A pod as `slim` keeps it, for a decoder to decode into."""


def finish_slim_pod(pod: dict) -> SlimPodDict:
    """A pod decoded as `SlimPod`, made exactly what `slim` gives: its last-applied
    annotation dropped (the one thing the shape cannot leave out). Changes what `pod`
    holds, which the decoder has just made."""
    m = pod.get("metadata")
    if isinstance(m, dict):
        annotations = m.get("annotations")
        if isinstance(annotations, dict) and LAST_APPLIED in annotations:
            del annotations[LAST_APPLIED]
    return SlimPodDict(pod)
