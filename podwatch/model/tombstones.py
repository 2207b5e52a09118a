"""Tombstones: a deleted or evicted pod kept, marked, with its last state (SPEC 6,
"Evidence is kept").

In an incident the pods that went are the story: the ones the taint manager
evicted, the ones the kubelet pushed out under memory pressure. When a pod is
deleted the store keeps a `Tombstone`: the last object seen, its Events, the
Services that listed it, its probe failure counts and its node as they were at
that moment. Its timeline moves with it (`Timeline.bury`), so that a pod
re-created under the same name (a StatefulSet replica, a re-run Job) starts a
history of its own: the tombstone and the new pod are two rows.

A tombstone's key is `(namespace, name, uid)` (`#N` for a pod without a uid): never
equal to a live pod's `(namespace, name)`, so no index of live objects can mistake
one for the other. Tombstones are bounded in number (the oldest go first) and, live,
in time (`Store.keep_deleted`); a replay keeps them for the whole recording.

Pure model: no Textual, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from podwatch.model.endpoints import Membership
from podwatch.model.events import KEvent, ProbeTally
from podwatch.model.k8s import Key, d, format_age, s
from podwatch.model.nodes import TaintId
from podwatch.model.pods import PodSummary, condition

TombKey = tuple[str, str, str]
"""(namespace, name, uid): a pod that is gone. Three parts, so that it never equals the
`Key` of a live pod, whatever its name."""

DEFAULT_KEEP_DELETED = 15 * 60.0
"""Live, seconds a tombstone stays (`--keep-deleted`)."""
DEFAULT_MAX_TOMBSTONES = 500
"""Tombstones held at most; beyond, the oldest is dropped."""
MAX_TOMB_EVENTS = 200
"""Events a tombstone keeps (the latest): a pod that logged thousands keeps a bound."""
LATE_EVENT_WINDOW = 10.0
"""An Event that names no pod uid and comes after the pod went is its tombstone's if it
first happened no later than this many seconds after (the taint manager's "Marking for
deletion" may be written after the DELETED it caused); a later one may be about a pod
re-created under the name whose ADDED has not come yet."""

EVICTING_DISRUPTIONS = frozenset(
    {"DeletionByTaintManager", "EvictionByEvictionAPI", "TerminationByKubelet"}
)
"""`DisruptionTarget` condition reasons (1.26+) that mean the pod was evicted rather
than deleted by someone (PreemptionByScheduler and DeletionByPodGC are neither)."""


def tomb_key(key: Key, uid: str, seq: int) -> TombKey:
    return (key[0], key[1], uid or f"#{seq}")


def is_tomb_key(key: tuple[str, ...]) -> bool:
    return len(key) == 3


@dataclass(frozen=True, slots=True)
class Gone:
    """How a row says its pod went: `Evicted 12s ago`, `deleted 3m ago`."""

    at: float
    """When podwatch saw it go (epoch seconds, the store's clock)."""
    evicted_by: str = ""
    """The evidence that it was evicted (`TaintManagerEviction: Marking for deletion
    ...`); "" for a pod deleted (by a user, a controller, a re-list that missed it)."""

    @property
    def evicted(self) -> bool:
        return bool(self.evicted_by)

    @property
    def word(self) -> str:
        return "Evicted" if self.evicted else "deleted"

    def text(self, now: float) -> str:
        return f"{self.word} {format_age(now - self.at)} ago"


@dataclass(slots=True)
class Tombstone:
    """A pod that is gone, as podwatch last knew it."""

    key: TombKey
    pod: dict
    """The last object seen (slimmed, as the store held it)."""
    summary: PodSummary
    """Derived from `pod`, keyed by `key`."""
    deleted_at: float
    seq: int
    """`Store.applied` when it went: Events seen up to then came before its deletion."""
    events: dict[Key, KEvent] = field(default_factory=dict)
    """Its Events by Event key (the latest version of each), kept when the store's expire."""
    memberships: list[Membership] = field(default_factory=list)
    """The Services that listed it when it went, and how."""
    probe_tallies: dict[tuple[str, str], ProbeTally] = field(default_factory=dict)
    probes_known: bool = True
    node: dict | None = None
    """Its node as it was when the pod went."""
    taint_first_seen: dict[TaintId, float] = field(default_factory=dict)
    on_node_since: float | None = None
    gone: Gone = field(default_factory=lambda: Gone(0.0))

    @property
    def uid(self) -> str:
        return self.summary.uid

    def add_event(self, ev: KEvent) -> None:
        """An Event about this pod (seen before it went, or arriving after): kept, and
        what it says about an eviction weighed again."""
        self.events.pop(ev.key, None)
        self.events[ev.key] = ev
        while len(self.events) > MAX_TOMB_EVENTS:
            del self.events[next(iter(self.events))]
        self.judge()

    def judge(self) -> None:
        self.gone = Gone(
            self.deleted_at, eviction_evidence(self.pod, self.events.values(), self.seq)
        )

    def sorted_events(self) -> list[KEvent]:
        return sorted(self.events.values(), key=lambda e: (e.last or 0.0, e.seq))


def eviction_evidence(pod: dict, events, seq: int) -> str:
    """Why podwatch calls a gone pod evicted, in words; "" if nothing says it was.

    - the kubelet's eviction: `status.reason` Evicted (the message says the resource);
    - a `DisruptionTarget` condition for an eviction (taint manager, Eviction API,
      kubelet; Kubernetes 1.26+);
    - the taint manager's `TaintManagerEviction` Event "Marking for deletion": the
      latest of its Events seen up to the deletion decides ("Cancelling deletion"
      means the taint went before the toleration ran out); if none had arrived by
      then, one arriving after says it;
    - the kubelet's `Evicted` Event.
    """
    status = d(d(pod).get("status"))
    if s(status.get("reason")) == "Evicted":
        message = s(status.get("message"))
        return f"status Evicted: {message}" if message else "status Evicted"
    disruption = condition(pod, "DisruptionTarget")
    if disruption is not None and s(disruption.get("status")) == "True":
        reason = s(disruption.get("reason"))
        if reason in EVICTING_DISRUPTIONS:
            message = s(disruption.get("message"))
            return f"DisruptionTarget {reason}: {message}" if message else f"{reason}"
    events = list(events)
    taint = [e for e in events if e.reason == "TaintManagerEviction"]
    before = [e for e in taint if e.seq <= seq]
    if before:
        decisive: KEvent | None = max(before, key=lambda e: e.seq)
    else:
        decisive = next((e for e in taint if _marking(e)), None)
    if decisive is not None and _marking(decisive):
        return f"TaintManagerEviction: {decisive.message}"
    kubelet = [e for e in events if e.reason == "Evicted"]
    if kubelet:
        last = max(kubelet, key=lambda e: e.seq)
        return f"Evicted: {last.message}" if last.message else "Evicted"
    return ""


def _marking(ev: KEvent) -> bool:
    return ev.message.startswith("Marking for deletion")
