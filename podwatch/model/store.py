"""The state of everything watched, fed by events from any source.

`Store.apply` takes one `WatchEvent` and returns `Changes`: which pods,
Services and nodes need re-deriving. Live watching and replay call it the
same way, so a recording replays through exactly the code that ran live.

Objects are slimmed on the way in (no managedFields, no last-applied
annotation, no node image lists, Events reduced to `KEvent`), Events expire
after `event_ttl` seconds like the API server's own, and the timeline is
bounded: memory stays flat on a long run.

A deleted pod leaves a `Tombstone` (model/tombstones.py) in `tombstones`: its last
state, Events, Services and timeline, kept `keep_deleted` seconds (None: for good,
as a replay wants) and at most `max_tombstones`. A tombstone is in none of the
indexes of live objects: it holds only its own entry in `_tombs_by_name`.
"""

from __future__ import annotations

import heapq
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field, replace
from sys import intern
from typing import Any, ClassVar

from podwatch.model.endpoints import (
    EndpointState,
    Membership,
    service_addresses,
    service_selector,
    slice_service,
)
from podwatch.model.events import KEvent, ProbeFailures, about_pod, normalize_event
from podwatch.model.expiry import Expiry, due_second
from podwatch.model.health import FLAP_WINDOW, RESTART_WINDOW, RISKY_PROBES
from podwatch.model.index import Index
from podwatch.model.k8s import Key, d, key_of, lst, meta, s
from podwatch.model.logs import LOG_KIND, RecordedLogs, recorded_log
from podwatch.model.nodes import TaintId, node_taints
from podwatch.model.packed import PackedPods, pack, same_state, unpack
from podwatch.model.pods import PodSummary, condition_true, pod_facts, summarize
from podwatch.model.probes import RECENT_WINDOW
from podwatch.model.selectors import Selector
from podwatch.model.slim import slim
from podwatch.model.timeline import Timeline
from podwatch.model.tombstones import (
    DEFAULT_KEEP_DELETED,
    DEFAULT_MAX_TOMBSTONES,
    LATE_EVENT_WINDOW,
    MAX_TOMB_EVENTS,
    TombKey,
    Tombstone,
    tomb_key,
)
from podwatch.model.watch import WORKLOAD_KINDS, WatchEvent

DEFAULT_EVENT_TTL = 3600.0
DEFAULT_MAX_EVENTS = 50_000
PRUNE_EVERY = 60.0
"""Seconds (of the store's clock) between sweeps of the timeline for entries past its window."""
_NO_KEYS: frozenset[TombKey] = frozenset()
_NO_LABELS: dict[str, Any] = {}
MAX_FLIPS = 8
"""Ready flips remembered per pod: enough to say "flipped 5× in 10 min"."""


@dataclass
class Changes:
    """What one or more applied events touched."""

    pods: set[Key] = field(default_factory=set)
    services: set[Key] = field(default_factory=set)
    nodes: set[str] = field(default_factory=set)
    workloads: set[tuple[str, Key]] = field(default_factory=set)
    """(kind, key) of Deployments, ReplicaSets... that changed (model/owners.py)."""
    kinds: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    events: int = 0
    reset: bool = False
    """The store was rebuilt (a seek back): everything may have changed."""
    buried: dict[Key, TombKey] = field(default_factory=dict)
    """Pods that went, and their tombstones' keys (a selection follows its pod there).
    Both keys are in `pods` too."""

    def merge(self, other: Changes) -> None:
        self.reset = self.reset or other.reset
        self.pods |= other.pods
        self.buried.update(other.buried)
        self.services |= other.services
        self.nodes |= other.nodes
        self.workloads |= other.workloads
        self.kinds |= other.kinds
        self.errors.extend(other.errors)
        self.events += other.events

    def __bool__(self) -> bool:
        return bool(
            self.reset
            or self.pods
            or self.services
            or self.nodes
            or self.workloads
            or self.kinds
            or self.errors
        )


class Store:
    def __init__(
        self,
        *,
        event_ttl: float = DEFAULT_EVENT_TTL,
        max_events: int = DEFAULT_MAX_EVENTS,
        timeline: Timeline | None = None,
        keep_deleted: float | None = DEFAULT_KEEP_DELETED,
        max_tombstones: int = DEFAULT_MAX_TOMBSTONES,
    ) -> None:
        self.event_ttl = event_ttl
        self.max_events = max_events
        self.keep_deleted = keep_deleted
        """Seconds a tombstone stays (live); None: as long as the store (a replay)."""
        self.max_tombstones = max_tombstones
        self.pods = PackedPods()
        """The pods, packed (model/packed.py): a read gets a copy."""
        self._pod_labels: dict[Key, dict] = {}
        """Each pod's labels, unpacked: a Service's selector is matched against every pod
        of its namespace, which must not unpack them all."""
        self.summaries: dict[Key, PodSummary] = {}
        """Each pod's summary, derived once per change (the table reads it, not re-derives it)."""
        self.services: dict[Key, dict] = {}
        self.endpoints: dict[Key, dict] = {}
        self.slices: dict[Key, dict] = {}
        self.nodes: dict[str, dict] = {}
        self.events: dict[Key, KEvent] = {}
        self.workloads: dict[str, dict[Key, dict]] = {kind: {} for kind in WORKLOAD_KINDS}
        """Per owner kind (Deployment, ReplicaSet...), its objects, slimmed (`slim`)."""
        self.tombstones: OrderedDict[TombKey, Tombstone] = OrderedDict()
        """Pods that are gone, oldest first (`tombstones.py`)."""
        self._tombs_by_name: Index[Key, TombKey] = Index()
        """(namespace, name) -> the tombstones of that name (the newest is where an Event
        about a pod that is gone goes)."""
        self.probe_failures = ProbeFailures()
        self.logs = RecordedLogs()
        """Container logs a recording holds (`record --logs`), read at each restart."""
        self.timeline = timeline or Timeline()
        self.resource_versions: dict[str, str] = {}
        self.synced: set[str] = set()
        """Kinds whose full list has been delivered at least once."""
        self.last_error: dict[str, str] = {}
        self.now: float = 0.0
        self.applied = 0
        self._pruned = 0.0
        self.unreadable: frozenset[str] = frozenset()
        """Kinds the source may not read (RBAC): the views say what each pane lacks
        instead of showing an absence as a fact. Ask `unreadable_for` a namespace."""
        self.unreadable_in: dict[str, frozenset[str]] = {}
        """Several contexts in one store (kube/fleet.py): each context's own unreadable
        kinds; `unreadable` is then their union. Clusters' RBAC differ (prod is locked
        down, staging not): one context's refusal says nothing about another's pods."""
        self.ignored = 0
        self.taint_first_seen: dict[TaintId, float] = {}
        # indexes: each forgets a key with its last value (model/index.py), so that
        # deleting an object leaves nothing of it behind
        self._pod_events: Index[Key, Key] = Index()
        self._node_pods: Index[str, Key] = Index()
        self._pod_node: dict[Key, str] = {}
        self._pod_node_since: dict[Key, float] = {}
        """When podwatch first saw each bound pod on its node (`nodes.bound_at`)."""
        self._ip_pod: dict[str, Key] = {}
        self._slices_by_service: Index[Key, Key] = Index()
        self._slice_service: dict[Key, Key] = {}
        self._members: dict[tuple[Key, Key], Membership] = {}
        """(Service, pod) -> the pod as the Service's endpoints list it."""
        self._service_pods: Index[Key, Key] = Index()
        self._pod_services: Index[Key, Key] = Index()
        self._expiry: Expiry[Key] = Expiry()
        self._node_facts: dict[str, dict[str, str]] = {}
        # at risk (model/health.py): what the pod object does not hold, and when it ends
        self._ready_flips: dict[Key, deque[float]] = {}
        self._ready: set[Key] = set()
        """Live pods whose Ready condition is True (a flip is told from it)."""
        self._event_namespaces: set[str] = set()
        self._risk_heap: list[tuple[float, Key]] = []
        self._risk_due: dict[Key, float] = {}

    # ----------------------------------------------------------------- applying

    def apply(self, event: WatchEvent, wall: float, into: Changes | None = None) -> Changes:
        """Apply one event received at `wall` (epoch seconds on the source's clock).

        `into` accumulates the changes of a whole batch without a Changes per event.
        """
        if wall > self.now:
            self.now = wall
        changes = Changes() if into is None else into
        changes.events += 1
        self.applied += 1
        kind = event.kind
        etype = event.type
        obj = event.object
        # The timeline entries this object causes carry its resourceVersion ("" for a re-list).
        self.timeline.source_rv = s(meta(obj).get("resourceVersion"))
        if etype == "BOOKMARK":
            self._track_rv(kind, obj)
            return changes
        if etype == "ERROR":
            status = d(obj)
            message = s(status.get("message")) or s(status.get("reason")) or "watch error"
            self.last_error[kind] = message
            changes.errors.append(f"{kind}: {message}")
            return changes
        if etype == "RELIST":
            self._relist(kind, obj, changes)
            return changes
        if not isinstance(obj, dict):
            self.ignored += 1
            return changes
        handler = self._handlers.get(kind)
        if handler is None:
            self.ignored += 1
            return changes
        self._track_rv(kind, obj)
        changes.kinds.add(kind)
        handler(self, etype, obj, changes)
        if self.tombstones:
            changes.pods |= self.expire_tombstones()
        if kind == "Event" or self.applied % 1024 == 0:
            # Expiry only matters as Events arrive or time passes; not per pod update.
            self._expire_events()
        if self.now - self._pruned >= PRUNE_EVERY:
            self._pruned = self.now
            self.timeline.prune(self.now)
        return changes

    def apply_all(
        self, events: Iterable[WatchEvent], started: float, into: Changes | None = None
    ) -> Changes:
        """Apply a batch, each event received at `started + event.t` (its source's start,
        in epoch seconds), and return what the batch touched, merged (into `into` if
        given): the one loop of every source, live, replay, `--once` and the benches."""
        changes = Changes() if into is None else into
        apply = self.apply
        for event in events:
            apply(event, started + event.t, changes)
        return changes

    def _track_rv(self, kind: str, obj: Any) -> None:
        rv = s(meta(obj).get("resourceVersion"))
        if rv:
            self.resource_versions[kind] = rv

    def _relist(self, kind: str, obj: Any, changes: Changes) -> None:
        """After a (re-)list: whatever of `kind` the list did not contain is gone. Of one
        cluster's, when several share the store (model/contexts.py): a `scope` prefix
        (`east/`) limits the truth of the list to the names it begins."""
        keys = {
            (s(k[0]), s(k[1]))
            for k in lst(d(obj).get("keys"))
            if isinstance(k, list) and len(k) == 2
        }
        scope = s(d(obj).get("scope"))
        self.synced.add(kind)
        changes.kinds.add(kind)
        rv = s(d(obj).get("resourceVersion"))
        if rv:
            self.resource_versions[kind] = rv
        table: dict | None = {
            "Pod": self.pods,
            "Service": self.services,
            "Endpoints": self.endpoints,
            "EndpointSlice": self.slices,
            "Event": self.events,
            **self.workloads,
        }.get(kind)
        if kind == "Node":
            gone_nodes = [
                name for name in self.nodes if ("", name) not in keys and name.startswith(scope)
            ]
            for name in gone_nodes:
                self._node("DELETED", {"metadata": {"name": name}}, changes)
            return
        if kind == "Pod":
            # Pods are listed from now on: rows of pods known only from Events go (live,
            # a pod with Events and no object is out of scope, not a pod to show).
            changes.pods |= {k for k in self._pod_events if k not in self.pods}
        if table is None:
            return
        handler = self._handlers[kind]
        for key in [k for k in table if k not in keys and k[0].startswith(scope)]:
            handler(self, "DELETED", {"metadata": {"namespace": key[0], "name": key[1]}}, changes)

    # ----------------------------------------------------------------- pods

    def _pod(self, etype: str, obj: dict, changes: Changes) -> None:
        key = key_of(obj)
        changes.pods.add(key)
        if etype == "DELETED":
            old = self.pods.get(key)
            if old is None:
                return
            self._bury(key, old, changes)  # first: it reads what is forgotten below
            self.pods.pop(key, None)
            self._pod_labels.pop(key, None)
            self._ready.discard(key)
            self._unindex_pod(key, self.summaries.pop(key, None))
            self._pod_node_since.pop(key, None)
            self.probe_failures.forget_pod(key)
            self._ready_flips.pop(key, None)
            self._risk_due.pop(key, None)  # its heap entry is skipped when it comes up
            for svc in self._pod_services.pop(key):
                self._members.pop((svc, key), None)
                self._service_pods.discard(svc, key)
            return
        obj = slim("Pod", obj)
        packed = pack(obj)
        before = self.pods.packed(key)
        # What is known of the version before, without unpacking it: its summary (a live
        # pod has one; a store restored from an older pickle may not).
        old_summary = self.summaries.get(key)
        if before is not None and old_summary is None:
            old_summary = summarize(unpack(before))
        uid = s(meta(obj).get("uid"))
        recreated = old_summary is not None and bool(uid) and old_summary.uid not in ("", uid)
        if before is None and uid:
            self._unbury(key, uid, changes)
        if recreated:
            # Same name, new pod (a StatefulSet replica, a re-created Job pod): the old one
            # went without its DELETED being seen (a re-list, a kubectl capture).
            self._bury(key, unpack(before), changes)  # type: ignore[arg-type]
            self.probe_failures.forget_pod(key)
            self._ready_flips.pop(key, None)
            self.timeline.note(key, self.now, "pod", f"re-created (uid {uid[:8]})")
        self.pods.put(key, packed)
        labels = d(meta(obj).get("labels"))
        if labels:
            self._pod_labels[key] = labels
        else:
            self._pod_labels.pop(key, None)
        previous_node = self._pod_node.get(key)
        self._unindex_pod(key, old_summary)
        node = s(d(obj.get("spec")).get("nodeName"))
        if node and previous_node != node and node in self.nodes:
            # What the node looked like when the pod arrived is not a change in the pod's life.
            self.timeline.seed(key, "node", _node_facts(node, self.nodes[node]))
        if node and (previous_node != node or recreated):
            self._pod_node_since[key] = self.now
        elif not node:
            self._pod_node_since.pop(key, None)
        self._pod_node[key] = node
        self._node_pods.add(node, key)
        ip = s(d(obj.get("status")).get("podIP"))
        if ip:
            self._ip_pod[ip] = key
        if key in self.summaries and same_state(before, packed):
            return  # only metadata moved (a label, an annotation): nothing derived changes
        summary = summarize(obj)
        self.summaries[key] = summary
        self.timeline.observe(key, self.now, "pod", pod_facts(obj, summary))
        self._note_pod_risks(key, before is not None and not recreated, obj, summary)

    def _note_pod_risks(self, key: Key, known: bool, new: dict, summary: PodSummary) -> None:
        """Remember a Ready flip, and when a flip, a restart or a probe failure stops making
        the pod at risk (model/health.py), so that `risk_expired` has its row re-derived then.
        `known`: the pod was here before this update (a flip is a change from that)."""
        ready = condition_true(new, "Ready")
        was_ready = key in self._ready
        if ready:
            self._ready.add(key)
        else:
            self._ready.discard(key)
        if known and ready != was_ready:
            flips = self._ready_flips.get(key)
            if flips is None:
                flips = self._ready_flips[key] = deque(maxlen=MAX_FLIPS)
            flips.append(self.now)
            if len(flips) >= 2:
                self._risk_until(key, flips[-2] + FLAP_WINDOW)
        if summary.last_restart is not None and summary.restarts:
            self._risk_until(key, summary.last_restart + RESTART_WINDOW)
        if not known:
            # Failures counted from Events that came before the pod (a list's order).
            for (_container, kind), tally in self.probe_failures.for_pod(key).items():
                if kind in RISKY_PROBES and tally.last_time is not None:
                    self._risk_until(key, tally.last_time + RECENT_WINDOW)

    def _risk_until(self, key: Key, ends: float) -> None:
        """A risk of `key` ends at `ends` by the clock alone. One heap entry per pod, at the
        latest end known: the mark changes only when the last of its risks ends."""
        if ends <= self.now:
            return
        due = self._risk_due.get(key)
        if due is None:
            self._risk_due[key] = ends
            heapq.heappush(self._risk_heap, (ends, key))
        elif ends > due:
            self._risk_due[key] = ends  # its heap entry moves on when it comes up

    def risk_expired(self, now: float) -> set[Key]:
        """Pods whose risks the clock has ended by `now`: their rows need deriving again
        (a restart 11 minutes ago is no longer a risk). Costs nothing while none is due,
        so the dashboard can ask every second."""
        heap = self._risk_heap
        out: set[Key] = set()
        while heap and heap[0][0] <= now:
            at, key = heapq.heappop(heap)
            due = self._risk_due.get(key)
            if due is None:
                continue
            if due > at:
                heapq.heappush(heap, (due, key))
                continue
            del self._risk_due[key]
            if key in self.pods:
                out.add(key)
        return out

    def is_ready(self, key: Key) -> bool:
        """Whether the live pod's Ready condition is True."""
        return key in self._ready

    def ready_flips(self, key: Key) -> tuple[float, ...]:
        """When the pod's Ready condition flipped (True ↔ not True), as podwatch saw it."""
        return tuple(self._ready_flips.get(key, ()))

    def unreadable_for(self, namespace: str) -> frozenset[str]:
        """The kinds not readable where `namespace` is: its context's own, when several
        share the store (`east/default`), else the source's."""
        if self.unreadable_in and "/" in namespace:
            return self.unreadable_in.get(namespace.split("/", 1)[0], frozenset())
        return self.unreadable

    def probe_failures_known(self, namespace: str) -> bool:
        """Whether podwatch can have seen the probe failures of pods in `namespace`: not when
        Events are not readable, or not listed yet, or a capture holds none for it. An
        unknown count is shown as unknown, never as 0 (SPEC 6).

        A source that lists (live, or a podwatch recording) says so with a RELIST marker
        per kind; a kubectl capture or a recording without markers only has the Events it
        holds as evidence, per namespace."""
        if "Event" in self.unreadable_for(namespace):
            return False
        if "Event" in self.synced:
            return True
        if self.synced:
            return False  # other kinds have listed, Events not yet
        return namespace in self._event_namespaces

    def events_only_shown(self) -> bool:
        """Whether pods known only from their Events get rows of their own: only in a
        capture that lists nothing (kubectl output, often only `kubectl get events -o
        json` saved after an incident; it carries no re-list markers). A source that
        lists (live, a podwatch recording) has Pods listed, or refused, or coming: a pod
        with Events but no object there is out of scope (`-l`) or gone, and without
        the Pod grant the table stays empty as the README's least-privilege table says."""
        return not self.synced

    def events_only(self, key: Key) -> bool:
        """Whether `key` is a pod known only from Events (see `events_only_pods`)."""
        return (
            key not in self.pods
            and key in self._pod_events
            and self.events_only_shown()
            and not self._seen_deleted(key)
        )

    def _seen_deleted(self, key: Key) -> bool:
        """A pod name seen deleted: its tombstone, or its history, says so."""
        return bool(self._tombs_by_name.get(key)) or self.timeline.was_deleted(key)

    def events_only_pods(self) -> list[Key]:
        """Pods that Events held now are about, with no Pod object (in a capture that
        lists nothing: see `events_only_shown`), and not seen deleted: each becomes a real
        pod's row when its object arrives."""
        if not self.events_only_shown():
            return []
        return [k for k in self._pod_events if k not in self.pods and not self._seen_deleted(k)]

    def _unindex_pod(self, key: Key, old: PodSummary | None) -> None:
        """Forget where the pod was: its node, and (from `old`, the summary of the version
        before) its IP."""
        node = self._pod_node.pop(key, None)
        if node is not None:
            self._node_pods.discard(node, key)
        if old is not None:
            ip = old.pod_ip
            if ip and self._ip_pod.get(ip) == key:
                del self._ip_pod[ip]

    # ----------------------------------------------------------------- tombstones

    def _bury(self, key: Key, old: dict, changes: Changes) -> None:
        """`key`'s pod `old` is gone: keep its tombstone, as it was at this moment."""
        seq = self.applied
        m = meta(old)
        uid = s(m.get("uid"))
        tkey = tomb_key(key, uid, seq)
        if tkey in self.tombstones:
            self._drop_tombstone(tkey, changes)  # the same pod buried again: the later
        summary = self.summaries.get(key) or summarize(old)
        node_name = self._pod_node.get(key, "")
        node = self.nodes.get(node_name) if node_name else None
        tomb = Tombstone(
            key=tkey,
            pod=old,
            summary=replace(summary, key=tkey),  # type: ignore[arg-type]
            deleted_at=self.now,
            seq=seq,
            memberships=self.memberships(key),
            probe_tallies=dict(self.probe_failures.for_pod(key)),
            probes_known=self.probe_failures_known(key[0]),
            node=node,
            taint_first_seen={
                tid: t for tid, t in self.taint_first_seen.items() if tid[0] == node_name
            }
            if node is not None
            else {},
            on_node_since=self._pod_node_since.get(key),
        )
        created = summary.created
        for ev in self.pod_events(key)[-MAX_TOMB_EVENTS:]:
            if about_pod(ev, uid, created):
                tomb.events[ev.key] = ev
        tomb.judge()
        self.tombstones[tkey] = tomb
        self._tombs_by_name.add(key, tkey)
        self.timeline.bury(key, tkey, self.now, "deleted")
        changes.pods.add(tkey)
        changes.buried[key] = tkey
        while len(self.tombstones) > max(self.max_tombstones, 0):
            self._drop_tombstone(next(iter(self.tombstones)), changes)

    def _unbury(self, key: Key, uid: str, changes: Changes) -> None:
        """The pod `uid` is back (a DELETED that was not one: a capture's gap, a re-list
        that missed it): it was not gone, so its tombstone goes and its history returns."""
        tkey = self._newest_tomb(key)
        if tkey is None or self.tombstones[tkey].uid != uid:
            return
        self._drop_tombstone(tkey, changes, forget=False)
        self.timeline.rename(tkey, key)

    def _drop_tombstone(self, tkey: TombKey, changes: Changes, *, forget: bool = True) -> None:
        self.tombstones.pop(tkey, None)
        changes.pods.add(tkey)
        self._tombs_by_name.discard((tkey[0], tkey[1]), tkey)
        if forget:
            self.timeline.forget(tkey)

    def tomb_event_keys(self, name: Key) -> set[Key]:
        """The Events that the tombstones of a pod name hold: an earlier pod's, not the
        one of that name now."""
        tombs = self._tombs_by_name.get(name)
        if not tombs:
            return set()
        return {k for tkey in tombs for k in self.tombstones[tkey].events}

    def _newest_tomb(self, name: Key) -> TombKey | None:
        """The latest tombstone of a pod name (one, nearly always), or None."""
        tombs = self._tombs_by_name.get(name)
        if not tombs:
            return None
        return max(tombs, key=lambda k: (self.tombstones[k].deleted_at, self.tombstones[k].seq))

    def expire_tombstones(self) -> Set[TombKey]:
        """Drop the tombstones older than `keep_deleted` at the store's `now`; their keys
        (rows to remove). Costs one comparison while none is due: the store asks at every
        event, a live source at every poll."""
        keep = self.keep_deleted
        tombs = self.tombstones
        if keep is None or not tombs or self.now - next(iter(tombs.values())).deleted_at < keep:
            return _NO_KEYS
        out: set[TombKey] = set()
        scratch = Changes()
        while tombs:
            tkey, tomb = next(iter(tombs.items()))
            if self.now - tomb.deleted_at < keep:
                break
            self._drop_tombstone(tkey, scratch)
            out.add(tkey)
        return out

    def _late_event(self, pod: Key, ev: KEvent, changes: Changes) -> None:
        """An Event about a pod that is gone goes to its tombstone: one that names its
        uid, or one that names none, while no pod of that name lives again and the Event
        is from about when it went (the taint manager's Events carry no uid and may come
        after the DELETED)."""
        tkey = self._newest_tomb(pod)
        if tkey is None:
            return
        tomb = self.tombstones[tkey]
        if ev.involved_uid:
            if ev.involved_uid != tomb.uid:
                return
        elif pod in self.pods or (ev.first or ev.last or self.now) > (
            tomb.deleted_at + LATE_EVENT_WINDOW
        ):
            return
        tomb.add_event(ev)
        changes.pods.add(tkey)

    def pod_labels(self, key: Key) -> dict:
        """A live pod's labels (empty if it has none, or is not here); not to be changed."""
        return self._pod_labels.get(key, _NO_LABELS)

    def pods_selected(self, namespace: str, selector: Selector) -> list[Key]:
        """Live pods of `namespace` whose labels `selector` matches (a Service's pods)."""
        match = selector.matches
        return [k for k in self.pods if k[0] == namespace and match(self.pod_labels(k))]

    def services_selecting(self, pod: Key, labels: dict) -> list[tuple[Key, dict]]:
        """(key, object) of the Services in the pod's namespace whose selector picks a pod
        with `labels`, by key."""
        out = []
        for key, svc in sorted(self.services.items()):
            if key[0] != pod[0]:
                continue
            selector = service_selector(svc)
            if selector is not None and selector.matches(labels):
                out.append((key, svc))
        return out

    def pods_on_node(self, node: str) -> set[Key]:
        return set(self._node_pods.get(node))

    def on_node_since(self, key: Key) -> float | None:
        """When podwatch first saw the pod on its current node (None: not bound)."""
        return self._pod_node_since.get(key)

    # ----------------------------------------------------------------- events

    def _event(self, etype: str, obj: dict, changes: Changes) -> None:
        key = key_of(obj)
        if etype == "DELETED":
            self._drop_event(key, changes)
            return
        ev = normalize_event(obj)
        if ev is None:
            self.ignored += 1
            return
        key = ev.key  # equal to `key`; one tuple held, not two
        previous = self.events.get(key)
        ev.seq = previous.seq if previous is not None else self.applied
        self.events[key] = ev
        self._event_namespaces.add(key[0])
        old_pod = previous.pod if previous is not None else None
        pod = ev.pod
        self._pod_events.move(key, old_pod, pod)
        if old_pod is not None and old_pod != pod:
            self._forget_unseen(old_pod)
            changes.pods.add(old_pod)
        if pod is not None:
            changes.pods.add(pod)
            if pod in self._tombs_by_name:
                self._late_event(pod, ev, changes)
            counted = self.probe_failures.observe(ev, self.now)
            if counted is not None:
                _pod, container, kind, added = counted
                if kind in RISKY_PROBES and pod in self.pods:
                    self._risk_until(pod, (ev.last or self.now) + RECENT_WINDOW)
                total = self.probe_failures.for_pod(pod)[(container, kind)].total
                self.timeline.note_failures(
                    pod,
                    ev.last or self.now,
                    intern(f"{kind} probe {container}"),
                    added,
                    total,
                    ev.message,
                )
        elif ev.involved_kind == "Node":
            changes.nodes.add(ev.involved_name)
        expires = (ev.last or self.now) + self.event_ttl
        self._expiry.push(expires, key)

    def _drop_event(self, key: Key, changes: Changes) -> None:
        ev = self.events.pop(key, None)
        pod = ev.pod if ev is not None else None
        if pod is not None:
            self._pod_events.discard(pod, key)
            self._forget_unseen(pod)
            changes.pods.add(pod)
        if ev is not None and ev.involved_kind == "Node":
            changes.nodes.add(ev.involved_name)

    def _forget_unseen(self, pod: Key) -> None:
        """Probe failures are kept for a pod not (yet) listed while Events about it remain
        (its Events may come first); with the last of them gone, they go too, or a pod
        outside the scope (`-l`) would keep its counts for good."""
        if pod not in self.pods and pod not in self._pod_events:
            self.probe_failures.forget_pod(pod)

    def _expire_events(self) -> None:
        """Drop Events older than the TTL, and the oldest beyond `max_events`."""
        expiry = self._expiry
        cutoff = self.now
        scratch = Changes()
        while expiry and (expiry.first() < cutoff or len(self.events) > self.max_events):
            due, key = expiry.pop()
            ev = self.events.get(key)
            if ev is None:
                continue
            current = due_second((ev.last or 0.0) + self.event_ttl)
            if current > due and len(self.events) <= self.max_events:
                continue  # seen again since; a later filing covers it
            self._drop_event(key, scratch)
        if len(expiry) > 4 * max(len(self.events), 1024):
            # An Event MODIFIED again leaves its older filings behind; file each live
            # Event once, or the queue outgrows the threshold for good.
            self._expiry = Expiry()
            for key, ev in self.events.items():
                self._expiry.push((ev.last or self.now) + self.event_ttl, key)

    def pod_events(self, pod: Key) -> list[KEvent]:
        evs = [self.events[k] for k in self._pod_events.get(pod) if k in self.events]
        evs.sort(key=lambda e: (e.last or 0.0, e.seq))
        return evs

    # ----------------------------------------------------------------- services, endpoints

    def _service(self, etype: str, obj: dict, changes: Changes) -> None:
        key = key_of(obj)
        changes.services.add(key)
        old = self.services.get(key)
        if etype == "DELETED":
            self.services.pop(key, None)
        else:
            self.services[key] = slim("Service", obj)
        # Pods the selector picks change their "selected, not listed" line.
        for svc in (old, self.services.get(key)):
            selector = service_selector(svc)
            if selector is not None:
                changes.pods.update(self.pods_selected(key[0], selector))

    def _endpoints(self, etype: str, obj: dict, changes: Changes) -> None:
        key = key_of(obj)
        if etype == "DELETED":
            self.endpoints.pop(key, None)
        else:
            self.endpoints[key] = slim("Endpoints", obj)
        self._recompute_service(key, changes)

    def _slice(self, etype: str, obj: dict, changes: Changes) -> None:
        key = key_of(obj)
        old_svc = self._slice_service.pop(key, None)
        new_svc = None
        if etype == "DELETED":
            self.slices.pop(key, None)
        else:
            obj = slim("EndpointSlice", obj)
            self.slices[key] = obj
            new_svc = slice_service(obj)
            if new_svc is not None:
                self._slice_service[key] = new_svc
        self._slices_by_service.move(key, old_svc, new_svc)
        for svc in {old_svc, new_svc} - {None}:
            self._recompute_service(svc, changes)  # type: ignore[arg-type]

    def service_slices(self, svc: Key) -> list[dict]:
        return [self.slices[k] for k in sorted(self._slices_by_service.get(svc))]

    def _recompute_service(self, svc: Key, changes: Changes) -> None:
        changes.services.add(svc)
        addresses, _source = service_addresses(self.endpoints.get(svc), self.service_slices(svc))
        members: dict[Key, Membership] = {}
        for a in addresses:
            pod = a.pod or self._ip_pod.get(a.ip)
            if pod is None:
                continue
            m = members.get(pod)
            if m is not None and m.state == EndpointState.READY:
                continue
            members[pod] = Membership(svc, a.state.value, a.ip, a.ports, a.source)
        old = {pod: self._members.pop((svc, pod)) for pod in self._service_pods.pop(svc)}
        for pod, m in members.items():
            self._members[(svc, pod)] = m
            self._service_pods.add(svc, pod)
        for pod in old.keys() | members.keys():
            before = old.get(pod)
            after = members.get(pod)
            if before is not None and after is not None and before.state == after.state:
                continue
            changes.pods.add(pod)
            if after is None:
                self._pod_services.discard(pod, svc)
            else:
                self._pod_services.add(pod, svc)
            if pod in self.pods:
                self.timeline.observe(
                    pod,
                    self.now,
                    f"svc {svc[1]}",
                    {f"endpoint in {svc[1]}": after.state if after else "removed"},
                )

    def memberships(self, pod: Key) -> list[Membership]:
        out = []
        for svc in sorted(self._pod_services.get(pod)):
            m = self._members.get((svc, pod))
            if m is not None:
                out.append(m)
        return out

    def service_keys(self) -> set[Key]:
        """Every Service known by its object, its Endpoints or its slices."""
        return set(self.services) | set(self.endpoints) | set(self._slices_by_service)

    # ----------------------------------------------------------------- nodes

    def _node(self, etype: str, obj: dict, changes: Changes) -> None:
        name = s(meta(obj).get("name"))
        changes.nodes.add(name)
        old = self.nodes.get(name)
        if etype == "DELETED":
            self.nodes.pop(name, None)
            new_taints: set[TaintId] = set()
        else:
            obj = slim("Node", obj)
            self.nodes[name] = obj
            new_taints = {(name, t.key, t.value, t.effect) for t in node_taints(obj)}
        old_taints = {(name, t.key, t.value, t.effect) for t in node_taints(old)} if old else set()
        for tid in new_taints - old_taints:
            self.taint_first_seen.setdefault(tid, self.now)
        for tid in old_taints - new_taints:
            self.taint_first_seen.pop(tid, None)
        changes.pods.update(self._node_pods.get(name))
        if new_taints != old_taints or etype == "DELETED" or old is None:
            # Pending pods' scheduling explanation depends on every node's taints.
            changes.pods.update(self._node_pods.get(""))
        facts = _node_facts(name, self.nodes.get(name))
        if facts != self._node_facts.get(name):
            self._node_facts[name] = facts
            for key in self._node_pods.get(name):
                self.timeline.observe(key, self.now, "node", facts)
        if etype == "DELETED":
            self._node_facts.pop(name, None)

    # ----------------------------------------------------------------- recorded logs

    def _log(self, etype: str, obj: dict, changes: Changes) -> None:
        """A container's previous log, read when it restarted (`record --logs`)."""
        if etype == "DELETED":
            return
        found = recorded_log(obj, self.now)
        if found is None:
            self.ignored += 1
            return
        key, log = found
        self.logs.add(key, log)
        changes.pods.add(key)

    # ----------------------------------------------------------------- owners

    def _workload(self, kind: str, etype: str, obj: dict, changes: Changes) -> None:
        key = key_of(obj)
        changes.workloads.add((kind, key))
        table = self.workloads[kind]
        if etype == "DELETED":
            table.pop(key, None)
        else:
            table[key] = slim(kind, obj)

    _handlers: ClassVar[dict[str, Callable[[Store, str, dict, Changes], None]]] = {
        "Pod": _pod,
        "Event": _event,
        "Service": _service,
        "Endpoints": _endpoints,
        "EndpointSlice": _slice,
        "Node": _node,
        LOG_KIND: _log,
    }

    # ----------------------------------------------------------------- sizes

    def counts(self) -> dict[str, int]:
        return {
            "Pod": len(self.pods),
            "Event": len(self.events),
            "Service": len(self.services),
            "Endpoints": len(self.endpoints),
            "EndpointSlice": len(self.slices),
            "Node": len(self.nodes),
            **{kind: len(objs) for kind, objs in self.workloads.items()},
        }


def _node_facts(name: str, node: dict | None) -> dict[str, str]:
    """What about a pod's node belongs in the pod's timeline: readiness and taints."""
    if node is None:
        return {f"node {name}": "deleted"}
    ready = "missing"
    for c in lst(d(node.get("status")).get("conditions")):
        if s(d(c).get("type")) == "Ready":
            ready = s(d(c).get("status")) or "Unknown"
    facts = {f"node {name} Ready": ready}
    for t in node_taints(node):
        facts[f"node taint {t.text}"] = "present"
    if d(node.get("spec")).get("unschedulable") is True:
        facts[f"node {name}"] = "cordoned"
    return facts


def _workload_handler(kind: str) -> Callable[[Store, str, dict, Changes], None]:
    def handle(store: Store, etype: str, obj: dict, changes: Changes) -> None:
        store._workload(kind, etype, obj, changes)

    return handle


Store._handlers.update({kind: _workload_handler(kind) for kind in WORKLOAD_KINDS})
