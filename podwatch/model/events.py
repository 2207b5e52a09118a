"""Kubernetes Events, both API shapes, reduced to what podwatch shows and counts.

core/v1 Events carry `count`/`lastTimestamp`; events.k8s.io/v1 Events carry
`series.count`/`series.lastObservedTime` (and scheduler events seen through
core/v1 carry `eventTime` and `series` with a null `count`). Both become one
`KEvent`. Raw Event objects are not kept: a normalized one is a fraction of
the size, and the message is capped so a hostile 100 KB message cannot
bloat memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from sys import intern
from typing import Any

from podwatch.model.index import Index
from podwatch.model.k8s import Key, d, i, meta, parse_time, rv_number, s

MAX_MESSAGE = 4096
PROBE_KINDS = ("startup", "readiness", "liveness")
_PROBE_RE = re.compile(r"^(Startup|Readiness|Liveness) probe (failed|errored)", re.IGNORECASE)
_FIELD_PATH_RE = re.compile(r"^spec\.(containers|initContainers|ephemeralContainers)\{(.+)\}$")


@dataclass(slots=True)
class KEvent:
    key: Key
    """(namespace, name) of the Event object."""
    uid: str | bytes
    """metadata.uid, as its 16 bytes when it is a canonical UUID (`compact_uid`)."""
    api: str
    """"core/v1" or "events.k8s.io/v1"."""
    involved_kind: str
    involved_namespace: str
    involved_name: str
    involved_uid: str
    field_path: str
    reason: str
    type: str
    message: str
    count: int
    first: float | None
    last: float | None
    source: str
    seq: int = 0
    """Arrival order, to break ties between equal (second-resolution) timestamps."""
    rv: int | None = None
    """metadata.resourceVersion as an integer (None if it is not one): it orders the
    Events and pod changes of one second the way etcd wrote them."""

    @property
    def identity(self) -> str | bytes:
        """What makes two sightings the same Event (a MODIFIED copy has the same)."""
        return self.uid or f"{self.key[0]}/{self.key[1]}"

    @property
    def pod(self) -> Key | None:
        """(namespace, name) of the pod this Event is about; None if it is not about one.
        Read from the Event, not kept beside it: a key per Event is 5 MB at 50,000."""
        if self.involved_kind == "Pod" and self.involved_name:
            return (self.involved_namespace, self.involved_name)
        return None

    @property
    def container(self) -> str:
        match = _FIELD_PATH_RE.match(self.field_path)
        return match.group(2) if match else ""

    @property
    def probe_kind(self) -> str:
        """startup/readiness/liveness for a probe failure Event, else ""."""
        if self.reason != "Unhealthy":
            return ""
        match = _PROBE_RE.match(self.message)
        return match.group(1).lower() if match else ""


def compact_uid(uid: str) -> str | bytes:
    """A canonical (lowercase, dashed) UUID as its 16 bytes, anything else as it is.

    Only what tells two Events apart: 49 bytes held instead of 85, 1.8 MB at 50,000
    Events. One-to-one: only the canonical spelling is converted, and bytes never equal
    a str."""
    if (
        len(uid) == 36
        and uid[8] == uid[13] == uid[18] == uid[23] == "-"
        and uid.count("-") == 4
        and uid == uid.lower()
    ):
        try:
            return bytes.fromhex(uid.replace("-", ""))
        except ValueError:
            return uid
    return uid


def cap_text(text: str, limit: int = MAX_MESSAGE) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"… [{len(text) - limit} more characters]"


@dataclass(frozen=True, slots=True)
class _Fields:
    """Where each API shape keeps the same facts."""

    involved: str
    message: str
    count: str
    first: str
    last: str
    source: str
    reporter: str


_EVENT_FIELDS = {
    "core/v1": _Fields(
        "involvedObject",
        "message",
        "count",
        "firstTimestamp",
        "lastTimestamp",
        "source",
        "reportingComponent",
    ),
    "events.k8s.io/v1": _Fields(
        "regarding",
        "note",
        "deprecatedCount",
        "deprecatedFirstTimestamp",
        "deprecatedLastTimestamp",
        "deprecatedSource",
        "reportingController",
    ),
}


def normalize_event(obj: Any) -> KEvent | None:
    """A KEvent from a core/v1 or events.k8s.io/v1 Event; None if it names no object."""
    obj = d(obj)
    m = meta(obj)
    name = s(m.get("name"))
    if not name:
        return None
    api_version = s(obj.get("apiVersion"))
    series = d(obj.get("series"))
    api = "events.k8s.io/v1" if api_version.startswith("events.k8s.io/") else "core/v1"
    f = _EVENT_FIELDS[api]
    involved = d(obj.get(f.involved))
    message = s(obj.get(f.message))
    legacy_count = i(obj.get(f.count), 0) or 0
    first = parse_time(obj.get(f.first)) or parse_time(obj.get("eventTime"))
    last = (
        parse_time(series.get("lastObservedTime"))
        or parse_time(obj.get(f.last))
        or parse_time(obj.get("eventTime"))
    )
    source = s(d(obj.get(f.source)).get("component")) or s(obj.get(f.reporter))
    if first is None:
        first = parse_time(m.get("creationTimestamp"))
    if last is None or last == first:
        last = first  # one float, not two equal ones (most Events happened once)
    count = max(legacy_count, i(series.get("count"), 0) or 0, 1)
    namespace = intern(s(m.get("namespace")))
    # Interned: tens of thousands of Events repeat a few kinds, reasons, namespaces,
    # pods and containers; one copy of each string instead of one per Event.
    return KEvent(
        key=(namespace, name),
        uid=compact_uid(s(m.get("uid"))),
        api=api,
        involved_kind=intern(s(involved.get("kind"))),
        involved_namespace=intern(s(involved.get("namespace"))) or namespace,
        involved_name=intern(s(involved.get("name"))),
        involved_uid=intern(s(involved.get("uid"))),
        field_path=intern(s(involved.get("fieldPath"))),
        reason=intern(s(obj.get("reason"))),
        type=intern(s(obj.get("type"))),
        message=intern(message) if len(message) <= 256 else cap_text(message),
        count=count,
        first=first,
        last=last,
        source=intern(source),
        rv=rv_number(s(m.get("resourceVersion"))),
    )


CLOCK_SLACK = 60.0
"""Seconds an Event's time (the kubelet's clock, or the scheduler's) may read before the
creationTimestamp (the API server's) of the pod it is about."""


def about_pod(ev: KEvent, uid: str, created: float | None = None) -> bool:
    """Whether `ev` may be about this incarnation of the pod (uid `uid`, created at
    `created`), not an earlier pod of the same name whose Events have not expired: an
    Event naming another uid is not; one naming none is, unless (with `created`) it
    ended well before the pod was created (`CLOCK_SLACK`: node clocks drift)."""
    if ev.involved_uid and uid:
        return ev.involved_uid == uid
    if ev.involved_uid or created is None:
        return True
    last = ev.last if ev.last is not None else ev.first
    return last is None or last >= created - CLOCK_SLACK


RECENT_KEPT = 512
"""Increments a probe tally remembers (a bound on memory, far past what minutes hold)."""


@dataclass(slots=True)
class ProbeTally:
    """Failures of one probe kind of one container, as podwatch has seen them."""

    total: int = 0
    recent: list[float] = field(default_factory=list)
    """Time and count of each increment, flat (t0, n0, t1, n1, ...), for "failures in
    the last few minutes": the last `RECENT_KEPT`. One flat list, not a deque of pairs
    nor two lists: most tallies hold a few, an empty deque alone takes 600 bytes, a pair
    56 more than its two slots, and a second list 88 (30,000 tallies at 10,000 pods)."""
    last_message: str = ""
    last_time: float | None = None

    def failures_since(self, since: float) -> int:
        recent = self.recent
        return int(sum(n for t, n in zip(recent[::2], recent[1::2], strict=True) if t >= since))

    def record(self, when: float, added: int) -> None:
        recent = self.recent
        recent += (when, added)
        if len(recent) > 2 * RECENT_KEPT:
            del recent[:2]


class ProbeFailures:
    """Per pod, container and probe kind: failure counts from Unhealthy Events.

    The API server aggregates repeats into one Event whose count grows; the
    same Event may be seen again (MODIFIED, or re-listed after a reconnect).
    Each Event's highest count seen is remembered and only the growth is
    added, so nothing is counted twice.
    """

    def __init__(self) -> None:
        self._seen_count: dict[str | bytes, int] = {}
        self._by_pod: dict[Key, dict[tuple[str, str], ProbeTally]] = {}
        self._pod_events: Index[Key, str | bytes] = Index()

    def observe(self, ev: KEvent, received: float) -> tuple[Key, str, str, int] | None:
        """Count a probe-failure Event; returns (pod, container, kind, added) when it grew."""
        kind = ev.probe_kind
        if not kind or ev.involved_kind not in ("Pod", ""):
            return None
        identity = ev.identity
        before = self._seen_count.get(identity, 0)
        if ev.count <= before:
            return None
        added = ev.count - before
        self._seen_count[identity] = ev.count
        pod = (ev.involved_namespace, ev.involved_name)
        self._pod_events.add(pod, identity)
        tallies = self._by_pod.setdefault(pod, {})
        tally = tallies.setdefault((ev.container, kind), ProbeTally())
        tally.total += added
        when = ev.last if ev.last is not None else received
        tally.record(when, added)
        if tally.last_time is None or when >= tally.last_time:
            tally.last_time = when
            tally.last_message = ev.message
        return pod, ev.container, kind, added

    def for_pod(self, pod: Key) -> dict[tuple[str, str], ProbeTally]:
        return self._by_pod.get(pod, {})

    def forget_pod(self, pod: Key) -> None:
        self._by_pod.pop(pod, None)
        for identity in self._pod_events.pop(pod):
            self._seen_count.pop(identity, None)

    def __len__(self) -> int:
        return len(self._seen_count)
