"""What must hold of a Store after any sequence of events: its indexes agree with its
objects, and once every object is deleted nothing it indexed remains but its tombstones
(pods kept as evidence), which hold no index entry except their own.

Read from the store's private attributes on purpose: these are the bookkeeping the
public views rely on, and a new index is checked by `leftovers` without being named."""

from __future__ import annotations

from podwatch.model.index import Index
from podwatch.model.k8s import d, s
from podwatch.model.nodes import node_taints
from podwatch.model.store import Store

NOT_INDEXES = {
    "resource_versions": "the last resourceVersion per kind: where a watch resumes",
    "synced": "kinds listed at least once",
    "last_error": "the last watch error per kind, said on screen",
    "unreadable": "kinds RBAC refuses",
    "timeline": "evidence is kept: a deleted pod's history stays (bounded)",
    "probe_failures": "failure history of pods, forgotten with the pod (checked apart)",
    "_event_namespaces": "that Events of a namespace were seen: counts there are known",
    "_expiry": "a time-ordered queue; entries of deleted Events lapse at their TTL",
    "_risk_heap": "a time-ordered queue; entries of deleted pods are skipped",
    "_tombs_by_name": "the tombstones' own index (checked in index_problems)",
}
"""Containers of a Store that are not indexes of live objects, and why they may stay."""


def leftovers(store: Store) -> dict[str, object]:
    """Every non-empty container of `store` that is not an object table or in NOT_INDEXES."""
    tables = {"pods", "services", "endpoints", "slices", "nodes", "events", "tombstones"}
    tables.add("workloads")  # the owners' objects, one table per kind
    out = {}
    for name, value in vars(store).items():
        if name in tables or name in NOT_INDEXES:
            continue
        if isinstance(value, Index | dict | set | list) and len(value):
            out[name] = value
    if len(store.probe_failures):
        out["probe_failures"] = store.probe_failures
    return out


def index_problems(store: Store) -> list[str]:
    """Where an index points at an object the store does not hold, or two indexes of one
    relation disagree, or an index keeps an empty set."""
    out: list[str] = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            out.append(what)

    for name, value in vars(store).items():
        if isinstance(value, Index):
            for key in value:
                check(len(value.get(key)) > 0, f"{name}[{key}] is an empty set")
    check(set(store.summaries) == set(store.pods), "a pod without a summary, or the reverse")
    for key, node in store._pod_node.items():
        check(key in store.pods, f"_pod_node: {key} is no pod")
        check(key in store._node_pods.get(node), f"_node_pods[{node}] lacks {key}")
        check(s(d(store.pods.get(key, {}).get("spec")).get("nodeName")) == node, f"{key} moved")
    for node in store._node_pods:
        for key in store._node_pods.get(node):
            check(store._pod_node.get(key) == node, f"_node_pods[{node}] has {key}")
    for ip, key in store._ip_pod.items():
        pod = store.pods.get(key)
        check(pod is not None, f"_ip_pod[{ip}]: {key} is no pod")
        check(s(d(d(pod).get("status")).get("podIP")) == ip, f"_ip_pod[{ip}]: {key} moved")
    for key, ev in store.events.items():
        pod = ev.pod
        if pod is not None:
            check(key in store._pod_events.get(pod), f"_pod_events[{pod}] lacks {key}")
    for pod in store._pod_events:
        for key in store._pod_events.get(pod):
            ev = store.events.get(key)
            check(ev is not None and ev.pod == pod, f"_pod_events[{pod}] has {key}")
    for sl, svc in store._slice_service.items():
        check(sl in store.slices, f"_slice_service: {sl} is no slice")
        check(sl in store._slices_by_service.get(svc), f"_slices_by_service[{svc}] lacks {sl}")
    for svc in store._slices_by_service:
        for sl in store._slices_by_service.get(svc):
            check(store._slice_service.get(sl) == svc, f"_slices_by_service[{svc}] has {sl}")
    listed = set(store.endpoints) | set(store._slices_by_service)
    for svc, pod in store._members:
        check(svc in listed, f"_members: {svc} has neither Endpoints nor slices")
        check(pod in store._service_pods.get(svc), f"_service_pods[{svc}] lacks {pod}")
        check(svc in store._pod_services.get(pod), f"_pod_services[{pod}] lacks {svc}")
    for svc in store._service_pods:
        for pod in store._service_pods.get(svc):
            check((svc, pod) in store._members, f"_service_pods[{svc}] has {pod}")
    for pod in store._pod_services:
        for svc in store._pod_services.get(pod):
            check((svc, pod) in store._members, f"_pod_services[{pod}] has {svc}")
    for name in ("_ready_flips", "_risk_due", "_pod_node_since", "_pod_labels", "_ready"):
        check(set(getattr(store, name)) <= set(store.pods), f"{name} holds a pod that is gone")
    check(set(store._node_facts) <= set(store.nodes), "_node_facts holds a node that is gone")
    for node, key, value, effect in store.taint_first_seen:
        taints = {(t.key, t.value, t.effect) for t in node_taints(store.nodes.get(node))}
        check((key, value, effect) in taints, f"taint_first_seen: {node} {key} is gone")
    out += tombstone_problems(store)
    return out


def _mentions(value: object, keys: set) -> set:
    """The keys of `keys` that `value` (an index, a dict, a set, a list, nested) holds."""
    found: set = set()
    if isinstance(value, Index):
        for k in value:
            found |= _mentions(k, keys) | _mentions(set(value.get(k)), keys)
    elif isinstance(value, dict):
        for k, v in value.items():
            found |= _mentions(k, keys) | _mentions(v, keys)
    elif isinstance(value, set | frozenset | list | tuple) and not (
        isinstance(value, tuple) and value in keys
    ):
        for v in value:
            found |= _mentions(v, keys)
    elif isinstance(value, tuple) and value in keys:
        found.add(value)
    return found


def tombstone_problems(store: Store) -> list[str]:
    """A tombstone holds no entry in any index of live objects, only its own: its place
    in `tombstones` (oldest first, at most `max_tombstones`), its entry under its name in
    `_tombs_by_name`, its history in the timeline; and nothing stays of one that went."""
    out: list[str] = []
    tombs = store.tombstones
    keys = set(tombs)
    if len(tombs) > max(store.max_tombstones, 0):
        out.append(f"{len(tombs)} tombstones, more than {store.max_tombstones}")
    times = [t.deleted_at for t in tombs.values()]
    if times != sorted(times):
        out.append("tombstones are not oldest first")
    for key, tomb in tombs.items():
        if len(key) != 3 or tomb.key != key or tomb.summary.key != key:
            out.append(f"tombstone {key} is not keyed by its three-part key")
        if key[:2] in store.pods and store.pods[key[:2]] is tomb.pod:
            out.append(f"tombstone {key} is the live pod's object")
    by_name: dict = {}
    for key in tombs:
        by_name.setdefault(key[:2], set()).add(key)
    indexed = {name: set(store._tombs_by_name.get(name)) for name in store._tombs_by_name}
    if indexed != by_name:
        out.append(f"_tombs_by_name {indexed} is not the tombstones by name {by_name}")
    tables = {"pods", "services", "endpoints", "slices", "nodes", "events", "summaries"}
    for name, value in vars(store).items():
        if name in ("tombstones", "_tombs_by_name", "timeline", "probe_failures"):
            continue
        # An object table is looked at by its keys only (its values are the objects).
        leaked = _mentions(set(value), keys) if name in tables else _mentions(value, keys)
        if leaked:
            out.append(f"{name} holds tombstones {sorted(leaked)}")
    leaked = _mentions(store.probe_failures._by_pod, keys) | _mentions(
        store.probe_failures._pod_events, keys
    )
    if leaked:
        out.append(f"probe_failures holds tombstones {sorted(leaked)}")
    for key in store.timeline.histories():
        if len(key) == 3 and key not in tombs:
            out.append(f"timeline keeps the history of {key}, a tombstone no longer held")
    return out
