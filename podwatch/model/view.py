"""What the panes and `--once` tables show, derived from the store.

Everything here is a pure function of the store at its current `now`: the
pod table rows, a selected pod's full detail with the one-line answer to
"why is this pod not ready", the Services view and the Nodes view. A pod that is
gone has a row and a detail too, from its tombstone (`tombstone_row`,
`tombstone_detail`): marked, with its last known state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from podwatch.model.endpoints import (
    Membership,
    ServiceEndpoints,
    service_addresses,
)
from podwatch.model.events import KEvent, about_pod
from podwatch.model.events_only import events_only_summary, events_only_why
from podwatch.model.health import Risk, health_of, pod_risks
from podwatch.model.k8s import Key, d, format_age, format_duration, lst, meta, parse_time, s
from podwatch.model.nodes import (
    Eviction,
    NodeFit,
    NodeView,
    TaintMatch,
    acts_on_bound_pod,
    eviction_for,
    keeping_off,
    keeps_off_new_pods,
    match_taints,
    node_selector,
    node_view,
    placement_lines,
    pod_tolerates,
    scheduling_fit,
    taints_named_in,
)
from podwatch.model.owners import OwnerLink, owner_chain
from podwatch.model.pods import (
    ConditionView,
    ContainerView,
    Health,
    PodSummary,
    condition_views,
    container_views,
    summarize,
)
from podwatch.model.probes import RECENT_WINDOW, ProbeView, probe_views
from podwatch.model.service_checks import Finding, pod_port_findings
from podwatch.model.store import Store
from podwatch.model.timeline import TimelineEntry
from podwatch.model.tombstones import Gone, Tombstone


@dataclass(slots=True)
class PodRow:
    summary: PodSummary
    probe_failures: dict[str, int]
    """Total failures per probe kind (readiness, liveness, startup)."""
    health: Health = Health.HEALTHY
    """The summary's severity, raised to AT_RISK by what the object does not hold."""
    probes_known: bool = True
    """Whether podwatch can have seen this pod's probe failures (Events readable, listed
    or captured): if not, a pod with probes shows `?`, not 0."""
    gone: Gone | None = None
    """Set for a pod that is gone (a tombstone): `health` is then its last known one."""
    context: str = ""
    """The context the pod is in, when several are shown in one table (its namespace and
    node then shown without it: model/contexts.py `in_context`)."""

    @property
    def probe_text(self) -> str:
        if not self.probes_known and self.summary.has_probes:
            return "?"
        r = self.probe_failures.get("readiness", 0)
        li = self.probe_failures.get("liveness", 0)
        st = self.probe_failures.get("startup", 0)
        if not (r or li or st):
            return "-"
        return f"{r}/{li}/{st}"


@dataclass(slots=True)
class Scheduling:
    """Why a pod is not on a node (yet)."""

    reason: str
    message: str
    source: str
    """"PodScheduled condition" or "FailedScheduling event"."""
    untolerated: list[str]
    """Taints that keep the pod off nodes, named (node: key=value:effect), then those the
    scheduler named that no watched node has (`by_scheduler`)."""
    fits: list[NodeFit]
    by_scheduler: list[str] = field(default_factory=list)
    """Taints the scheduler's message names that podwatch has no node for (nodes not
    watched, or ruled out by nodeSelector here): `key=value`, without effect."""


@dataclass
class PodDetail:
    summary: PodSummary
    why: str
    conditions: list[ConditionView]
    containers: list[ContainerView]
    probes: list[ProbeView]
    memberships: list[Membership]
    node: NodeView | None
    taints: list[TaintMatch]
    eviction: Eviction | None
    scheduling: Scheduling | None
    placement: list[tuple[str, str]]
    events: list[KEvent]
    timeline: list[TimelineEntry]
    labels: dict[str, str] = field(default_factory=dict)
    now: float = 0.0
    status_reason: str = ""
    """`status.reason` (Evicted, NodeLost, ...)."""
    status_message: str = ""
    gaps: dict[str, str] = field(default_factory=dict)
    """Pane key → what that pane cannot know, because a kind is not readable."""
    health: Health = Health.HEALTHY
    """The mark: the summary's severity, or AT_RISK when `risks` (see `PodRow.health`)."""
    risks: list[Risk] = field(default_factory=list)
    """Why a healthy pod is at risk; the why line says each."""
    probes_known: bool = True
    """Whether the probe failure counts can be known (see `PodRow.probes_known`)."""
    gone: Gone | None = None
    """Set for a pod that is gone: every pane shows its last known state."""
    port_findings: list[tuple[Key, Finding]] = field(default_factory=list)
    """Services that select the pod by a targetPort name it does not declare."""
    owners: list[OwnerLink] = field(default_factory=list)
    """Its controllers, nearest first (ReplicaSet, then Deployment), with their rollouts."""
    logs_recorded: int = 0
    """Container logs the recording holds for it (`record --logs`; `l` shows them)."""


def pane_gaps(unreadable: frozenset[str], probes_known: bool = True) -> dict[str, str]:
    """What each pane loses without each grant (README, "Least privilege"), or without
    Events seen at all (not listed yet, or a capture that holds none)."""
    gaps: dict[str, list[str]] = {}
    if "Event" in unreadable:
        gaps.setdefault("probes", []).append(
            "Events are not readable: probe failure counts and last failures are unknown."
        )
        gaps.setdefault("timeline", []).append(
            "Events are not readable: only changes podwatch saw itself are listed."
        )
    elif not probes_known:
        gaps.setdefault("probes", []).append(
            "No Events seen for this namespace (not listed yet, or not in the capture): "
            "probe failure counts are unknown."
        )
    if {"Endpoints", "EndpointSlice"} <= unreadable:
        gaps.setdefault("endpoints", []).append(
            "Neither EndpointSlices nor Endpoints are readable: "
            "whether a Service lists this pod ready or NotReady is unknown."
        )
    if "Service" in unreadable:
        gaps.setdefault("endpoints", []).append(
            "Services are not readable: Services that select this pod without listing it "
            "are not shown."
        )
    if "Node" in unreadable:
        gaps.setdefault("node", []).append(
            "Nodes are not readable: node conditions, taints and eviction countdowns are unknown."
        )
    return {pane: " ".join(texts) for pane, texts in gaps.items()}


def risks_now(store: Store, key: Key, pod: dict, summary: PodSummary) -> list[Risk]:
    """The pod's risks from what the store holds at its `now`: the one call that both the
    row's mark and the why line use, so neither says what the other hides."""
    if summary.severity != Health.HEALTHY:
        return []  # the common case at 500 events/s costs one comparison
    return pod_risks(
        pod,
        summary,
        tallies=store.probe_failures.for_pod(key),
        flips=store.ready_flips(key),
        node=store.nodes.get(summary.node) if summary.node else None,
        first_seen=store.taint_first_seen,
        now=store.now,
        on_node_since=store.on_node_since(key),
    )


def _totals(tallies: dict) -> dict[str, int]:
    """Probe failures per probe kind, summed over containers (the PROBE column)."""
    totals: dict[str, int] = {}
    for (_container, kind), tally in tallies.items():
        totals[kind] = totals.get(kind, 0) + tally.total
    return totals


def _probe_totals(store: Store, key: Key) -> dict[str, int]:
    return _totals(store.probe_failures.for_pod(key))


def pod_row(store: Store, key: Key) -> PodRow | None:
    """The row of a live pod, of a tombstone (`key` of three parts), or of a pod known
    only from Events (`Store.events_only`: the row its Events make); None if none."""
    if key not in store.pods:
        tomb = store.tombstones.get(key)  # type: ignore[call-overload]
        if tomb is not None:
            return tombstone_row(tomb)
        if not store.events_only(key):
            return None
        summary = events_only_summary(key, store.pod_events(key))
        known = store.probe_failures_known(key[0])
        return PodRow(summary, _probe_totals(store, key), summary.severity, known)
    summary = store.summaries.get(key)
    pod: dict | None = None
    if summary is None:
        pod = store.pods[key]
        summary = summarize(pod)
    health = summary.severity
    if health == Health.HEALTHY:
        # Only a pod its object calls healthy can be at risk, and only that needs the
        # object again (held packed: unpacked here, not for every row).
        risks = risks_now(store, key, store.pods[key] if pod is None else pod, summary)
        health = health_of(health, risks)
    return PodRow(summary, _probe_totals(store, key), health, store.probe_failures_known(key[0]))


def tombstone_row(tomb: Tombstone) -> PodRow:
    """A gone pod's row: its last summary and probe counts, marked with how it went."""
    totals = _totals(tomb.probe_tallies)
    return PodRow(tomb.summary, totals, tomb.summary.severity, tomb.probes_known, tomb.gone)


def pod_rows(store: Store, *, unhealthy_first: bool = True, gone: bool = True) -> list[PodRow]:
    """Every live pod's row and every pod known only from Events, then (with `gone`)
    every tombstone's, the latest gone first: a pod that went is history, kept below
    what is running now."""
    keys = [*store.pods, *store.events_only_pods()]
    rows = [r for r in (pod_row(store, k) for k in keys) if r is not None]
    if unhealthy_first:
        rows.sort(key=lambda r: (-r.health, r.summary.key))
    else:
        rows.sort(key=lambda r: r.summary.key)
    if gone:
        tombs = sorted(store.tombstones.values(), key=lambda t: (-t.deleted_at, t.key))
        rows += [tombstone_row(t) for t in tombs]
    return rows


def needs_a_look(row: PodRow) -> bool:
    """What `u` keeps and `--once` details first among many: unhealthy or at risk, and a
    gone pod that was evicted or was so when it went."""
    return row.health >= Health.AT_RISK or (row.gone is not None and row.gone.evicted)


def row_labels(store: Store, key: Key) -> Mapping[str, str]:
    """The labels of a row's pod, live or gone (a `-l` filter matches them); not to be
    changed."""
    if key in store.pods:
        return store.pod_labels(key)
    tomb = store.tombstones.get(key)  # type: ignore[call-overload]
    if tomb is not None:
        return d(meta(tomb.pod).get("labels"))
    return {}


def memberships_with_selection(store: Store, key: Key) -> list[Membership]:
    """The pod's Services: listed ones, plus those whose selector picks it but that
    do not list it (no IP yet, terminating, or the controller has not caught up)."""
    pod = store.pods.get(key)
    listed = store.memberships(key)
    seen = {m.service for m in listed}
    if pod is None:
        return listed
    for svc_key, _svc in store.services_selecting(key, d(meta(pod).get("labels"))):
        if svc_key not in seen:
            listed.append(Membership(svc_key, "selected, not listed", "", (), "selector"))
    return listed


def scheduling_of(store: Store, pod: dict, events: list[KEvent]) -> Scheduling | None:
    spec = d(pod.get("spec"))
    if s(spec.get("nodeName")):
        return None
    cond = None
    for c in lst(d(pod.get("status")).get("conditions")):
        if s(d(c).get("type")) == "PodScheduled":
            cond = d(c)
    failed = [e for e in events if e.reason == "FailedScheduling"]
    latest = failed[-1] if failed else None
    if cond is not None and s(cond.get("status")) == "False":
        reason = s(cond.get("reason")) or "Unschedulable"
        message = s(cond.get("message"))
        source = "PodScheduled condition"
        # The Event has the scheduler's latest words, unless it is older than this
        # episode (the condition's transition): then it is about an earlier pod.
        since = parse_time(cond.get("lastTransitionTime"))
        if latest is not None and (
            not message or since is None or (latest.last or latest.first or 0) >= since
        ):
            message = latest.message or message
            source = "FailedScheduling event" if latest.message else source
    elif latest is not None:
        reason, message, source = "FailedScheduling", latest.message, "FailedScheduling event"
    else:
        reason, message, source = "Pending", "waiting for the scheduler", "no scheduling event yet"
    fits = scheduling_fit(pod, list(store.nodes.values()))
    named = set(taints_named_in(message))
    untolerated = []
    selector = node_selector(pod)
    for node_name, node in sorted(store.nodes.items()):
        nv = node_view(node)
        if not selector.matches(nv.labels):
            continue  # ruled out by nodeSelector already; its taints are beside the point
        for t in keeping_off(pod, nv.taints):
            untolerated.append(f"{node_name}: {t.text}")
            named.discard(f"{t.key}={t.value}" if t.value else t.key)
    # Taints the scheduler named that podwatch has no node for (nodes not watched).
    by_scheduler = sorted(named)
    untolerated += [f"(named by scheduler) {n}" for n in by_scheduler]
    return Scheduling(reason, message, source, untolerated, fits, by_scheduler)


def pod_detail(store: Store, key: Key) -> PodDetail | None:
    """A live pod's detail, a tombstone's (`tombstone_detail`), or that of a pod known
    only from Events (`events_only_detail`); None if none of these."""
    pod = store.pods.get(key)
    if pod is None:
        tomb = store.tombstones.get(key)  # type: ignore[call-overload]
        if tomb is not None:
            return tombstone_detail(store, tomb)
        return events_only_detail(store, key)
    now = store.now
    summary = summarize(pod)
    # Not the Events of an earlier pod of this name: another uid, or its tombstone's.
    theirs = store.tomb_event_keys(key)
    events = [e for e in store.pod_events(key) if about_pod(e, summary.uid) and e.key not in theirs]
    node_obj = store.nodes.get(summary.node) if summary.node else None
    taints = (
        match_taints(pod, node_obj, store.taint_first_seen, store.on_node_since(key))
        if node_obj
        else []
    )
    risks = risks_now(store, key, pod, summary)
    probes_known = store.probe_failures_known(key[0])
    detail = PodDetail(
        summary=summary,
        why="",
        conditions=condition_views(pod),
        containers=container_views(pod),
        probes=probe_views(pod, store.probe_failures.for_pod(key), now),
        memberships=memberships_with_selection(store, key),
        node=node_view(node_obj) if node_obj else None,
        taints=taints,
        eviction=eviction_for(taints),
        scheduling=scheduling_of(store, pod, events),
        placement=placement_lines(pod),
        events=events,
        timeline=store.timeline.entries(key, now),
        labels={k: v for k, v in d(meta(pod).get("labels")).items() if isinstance(v, str)},
        now=now,
        status_reason=s(d(pod.get("status")).get("reason")),
        status_message=s(d(pod.get("status")).get("message")),
        gaps=pane_gaps(store.unreadable_for(key[0]), probes_known),
        health=health_of(summary.severity, risks),
        risks=risks,
        probes_known=probes_known,
        port_findings=pod_port_findings(store, key, pod),
        owners=owner_chain(store, key, pod),
        logs_recorded=store.logs.count(key),
    )
    detail.why = why_not_ready(detail)
    return detail


def tombstone_detail(store: Store, tomb: Tombstone) -> PodDetail:
    """A gone pod's panes as they were when it went: its last object, its Events (those
    that came after too), the Services that listed it (as they did: it is in none now),
    its node then, its timeline. The why line says how it went, then what its last why
    line said."""
    pod = tomb.pod
    summary = tomb.summary
    events = tomb.sorted_events()
    node_obj = tomb.node
    taints = (
        match_taints(pod, node_obj, tomb.taint_first_seen, tomb.on_node_since)
        if node_obj is not None
        else []
    )
    scheduling = scheduling_of(store, pod, events)
    if scheduling is not None:
        # Only what the pod and its Events said: today's nodes are not the ones it knew.
        scheduling = replace(scheduling, untolerated=[], fits=[], by_scheduler=[])
    gaps = pane_gaps(store.unreadable_for(tomb.key[0]), tomb.probes_known)
    gaps["endpoints"] = "Gone: in no Service's endpoints now; shown as they listed it when it went."
    if node_obj is not None:
        gaps["node"] = "As the node was when the pod went."
    detail = PodDetail(
        summary=summary,
        why="",
        conditions=condition_views(pod),
        containers=container_views(pod),
        probes=probe_views(pod, tomb.probe_tallies, tomb.deleted_at),
        memberships=list(tomb.memberships),
        node=node_view(node_obj) if node_obj is not None else None,
        taints=taints,
        eviction=eviction_for(taints),
        scheduling=scheduling,
        placement=placement_lines(pod),
        events=events,
        timeline=store.timeline.entries(tomb.key, store.now),
        labels={k: v for k, v in d(meta(pod).get("labels")).items() if isinstance(v, str)},
        now=tomb.deleted_at,
        status_reason=s(d(pod.get("status")).get("reason")),
        status_message=s(d(pod.get("status")).get("message")),
        gaps=gaps,
        health=summary.severity,
        probes_known=tomb.probes_known,
        owners=owner_chain(store, tomb.key[:2], pod),
        logs_recorded=store.logs.count(tomb.key[:2]),
    )
    # The last why line, as it read when the pod went; its deletion request is said by
    # the line's lead, so the rule after it speaks (the taint that evicted it).
    last = why_not_ready(detail, rules=tuple(r for r in WHY_RULES if r is not why_terminating))
    detail.memberships = [replace(m, state=f"was {m.state}") for m in tomb.memberships]
    detail.now = store.now
    detail.gone = tomb.gone
    detail.why = why_gone(tomb.gone, store.now, last)
    return detail


def why_gone(gone: Gone, now: float, last: str) -> str:
    """`Evicted 12s ago (TaintManagerEviction: Marking for deletion Pod ns/x). Last
    known: Being evicted: untolerated NoExecute taint ...`"""
    lead = gone.text(now)
    lead = lead[:1].upper() + lead[1:]
    if gone.evicted:
        lead += f" ({gone.evicted_by})"
    return f"{lead}. Last known: {last}"


EVENTS_ONLY_GAP = "Known only from Events: there is no Pod object to read this from."


def events_only_detail(store: Store, key: Key) -> PodDetail | None:
    """What a pod's Events tell when its object was never seen (None: not such a pod).
    The panes the object would fill say so instead of showing an absence as a fact."""
    if not store.events_only(key):
        return None
    now = store.now
    events = store.pod_events(key)
    summary = events_only_summary(key, events)
    node_obj = store.nodes.get(summary.node) if summary.node else None
    gaps = pane_gaps(store.unreadable_for(key[0]), store.probe_failures_known(key[0]))
    for pane in ("conditions", "containers", "endpoints"):
        gaps[pane] = EVENTS_ONLY_GAP
    gaps.setdefault(
        "probes",
        "Known only from Events: the probes of its spec are unknown; failures are counted "
        "from Unhealthy Events.",
    )
    if not summary.node:
        gaps["node"] = "Known only from Events: no Scheduled Event names its node."
    elif node_obj is None:
        gaps["node"] = (
            f"Known only from Events: a Scheduled Event put it on node {summary.node}, "
            "which is not watched or captured."
        )
    probes = probe_views({}, store.probe_failures.for_pod(key), now)
    for p in probes:
        p.handler = "(no Pod object: failures from Unhealthy Events)"
    return PodDetail(
        summary=summary,
        why=events_only_why(events, _probe_totals(store, key), now),
        conditions=[],
        containers=[],
        probes=probes,
        memberships=store.memberships(key),
        node=node_view(node_obj) if node_obj else None,
        taints=[],
        eviction=None,
        scheduling=None,
        placement=[],
        events=events,
        timeline=store.timeline.entries(key, now),
        now=now,
        gaps=gaps,
        health=summary.severity,
        probes_known=store.probe_failures_known(key[0]),
    )


# --------------------------------------------------------------------------- the answer


def why_not_ready(detail: PodDetail, rules: tuple[WhyRule, ...] | None = None) -> str:
    """One line: why this pod is not ready, or that it is (and where it serves): the
    first of `WHY_RULES` (or `rules`) that has something to say."""
    for rule in WHY_RULES if rules is None else rules:
        why = rule(detail)
        if why is not None:
            return why
    return "Not ready."


def _workload(detail: PodDetail) -> list[ContainerView]:
    """The containers whose state decides readiness (not ephemeral ones)."""
    return [c for c in detail.containers if c.kind in ("app", "init", "sidecar")]


def _condition(detail: PodDetail, ctype: str) -> ConditionView | None:
    for c in detail.conditions:
        if c.type == ctype:
            return c
    return None


def why_status_unknown(detail: PodDetail) -> str | None:
    """Unknown / NodeLost: the node stopped reporting (or there is no status to read)."""
    sm = detail.summary
    if sm.status not in ("Unknown", "NodeLost"):
        return None
    if (
        sm.status == "Unknown"
        and not sm.node
        and all(c.status == "missing" for c in detail.conditions)
    ):
        # No node and no conditions: not a lost node but a status podwatch cannot read.
        return "Pod status unknown: the object carries no readable status."
    node = detail.node
    tail = f"; node {node.name} is {node.status_text}" if node else ""
    return f"Pod status unknown: its node stopped reporting{tail}."


def why_terminating(detail: PodDetail) -> str | None:
    """Deletion requested, with the eviction that asked for it if an Event says so."""
    deleting = detail.summary.deleting
    if deleting is None:
        return None
    text = f"Terminating: deletion requested {format_age(detail.now - deleting)} ago"
    evicted = [e for e in detail.events if e.reason in ("TaintManagerEviction", "Evicted")]
    if evicted:
        text += f" ({evicted[-1].reason}: {evicted[-1].message})"
    return text + "."


def why_succeeded(detail: PodDetail) -> str | None:
    if detail.summary.phase != "Succeeded":
        return None
    return "Completed: every container exited 0; Ready is False by design for a finished pod."


def why_failed(detail: PodDetail) -> str | None:
    """Failed: status.reason (Evicted, ...) if set, else the container that failed."""
    if detail.summary.phase != "Failed":
        return None
    reason = detail.status_reason
    message = detail.status_message
    if reason:
        return f"Failed ({reason}): {message}" if message else f"Failed ({reason})."
    bad = [c for c in _workload(detail) if c.state == "terminated" and c.exit_code not in (0, None)]
    if bad:
        return f"Failed: container {bad[0].name} {bad[0].state_text}."
    return "Failed: the pod ended and will not be restarted (restartPolicy)."


def why_not_scheduled(detail: PodDetail) -> str | None:
    sched = detail.scheduling
    if sched is None:
        return None
    text = f"Not scheduled ({sched.reason}): {sched.message}"
    if sched.untolerated:
        text += f" Untolerated: {'; '.join(sched.untolerated)}."
    return text


def _node_down(detail: PodDetail) -> str:
    """`Node X is NotReady for 5m (message)`, or "" while the pod's node is Ready."""
    node = detail.node
    if node is None or node.ready == "True":
        return ""
    ready_cond = next((c for c in node.conditions if c.type == "Ready"), None)
    since = ""
    if ready_cond is not None and ready_cond.last_transition is not None:
        since = f" for {format_age(detail.now - ready_cond.last_transition)}"
    said = f" ({ready_cond.message})" if ready_cond is not None and ready_cond.message else ""
    return f"Node {node.name} is {node.status_text}{since}{said}"


def why_evicted_by_taint(detail: PodDetail) -> str | None:
    """A NoExecute taint evicts the pod: at once, or when its toleration runs out."""
    ev = detail.eviction
    if ev is None or ev.deadline is None:
        return None
    node_down = _node_down(detail)
    lead = f"{node_down}; " if node_down else ""
    also = _risks_text(detail, "; also at risk: ", skip=("eviction", "node"))
    taints = ", ".join(ev.taints)
    if ev.immediate:
        return f"{lead}Being evicted: untolerated NoExecute taint {taints}{also}."
    if ev.expired(detail.now):
        ago = format_age(detail.now - ev.deadline)
        return (
            f"{lead}Toleration of NoExecute taint {taints} expired {ago} ago: eviction due{also}."
        )
    return (
        f"{lead}Tolerating NoExecute taint {taints}: evicted "
        f"{format_duration(ev.deadline - detail.now)}{also}."
    )


def why_node_down(detail: PodDetail) -> str | None:
    node_down = _node_down(detail)
    if not node_down:
        return None
    ready_c = _condition(detail, "Ready")
    marked = " and the pod is marked not Ready" if ready_c and ready_c.status != "True" else ""
    also = _risks_text(detail, "; also at risk: ", skip=("eviction", "node"))
    return f"{node_down}{marked}: its containers' state cannot be confirmed{also}."


def why_init_pending(detail: PodDetail) -> str | None:
    """Initialized False: the first init container not completed, or sidecar not started."""
    init_c = _condition(detail, "Initialized")
    if init_c is None or init_c.status != "False":
        return None
    for c in _workload(detail):
        if c.kind == "init" and not (c.state == "terminated" and c.exit_code == 0):
            return f"Init container {c.name} has not completed: {c.state_text}{_restarts(c)}."
        if c.kind == "sidecar" and not c.started:
            return f"Sidecar {c.name} has not started: {c.state_text}{_restarts(c)}."
    return None


def why_container_failing(detail: PodDetail) -> str | None:
    """The first container waiting for a reason worse than starting (CrashLoopBackOff,
    ImagePullBackOff, ...) or an app container that terminated."""
    for c in _workload(detail):
        if (
            c.state == "waiting"
            and c.reason
            and c.reason not in ("ContainerCreating", "PodInitializing")
        ):
            last = f"; last: {c.last_state_text}" if c.last_state_text else ""
            msg = f" — {c.message}" if c.message and c.reason != "CrashLoopBackOff" else ""
            killed = _killer(detail, c)
            return f"Container {c.name} is {c.reason}{_restarts(c)}{last}{msg}{killed}."
        if c.state == "terminated" and c.kind == "app":
            killed = _killer(detail, c)
            return f"Container {c.name} {c.state_text}{_restarts(c)}{killed}."
    return None


def why_ready(detail: PodDetail) -> str | None:
    """Ready True: say so, with its risks and the Services it is (not) ready in."""
    ready_c = _condition(detail, "Ready")
    if ready_c is None or ready_c.status != "True":
        return None
    serving = [m.service[1] for m in detail.memberships if m.state == "ready"]
    not_serving = [m for m in detail.memberships if m.state != "ready"]
    text = "Ready" + _risks_text(detail, "; at risk: ")
    if serving:
        text += f"; ready in Service {', '.join(serving)}"
    if not_serving:
        text += "; " + ", ".join(f"{m.state} in {m.service[1]}" for m in not_serving)
    return text + "."


def why_starting(detail: PodDetail) -> str | None:
    """An app container still being created (or with no status yet)."""
    for c in _workload(detail):
        if c.state in ("waiting", "no status") and c.kind == "app":
            return f"Container {c.name} is starting ({c.reason or c.state})."
    return None


def why_probe_not_passed(detail: PodDetail) -> str | None:
    """Running but not ready: which probe, and what it says."""
    for c in _workload(detail):
        if c.state != "running" or c.ready:
            continue
        startup = _probe(detail, c.name, "startup")
        if startup is not None and c.started is not True:
            count = f"{startup.failures_total} failures" if detail.probes_known else _UNKNOWN
            return (
                f"Container {c.name}: startup probe has not passed yet "
                f"({count}){_last(startup)}; readiness and liveness wait."
            )
        readiness = _probe(detail, c.name, "readiness")
        if readiness is not None:
            where = [m.service[1] for m in detail.memberships if m.state == "NotReady"]
            svc = f"; NotReady in Service {', '.join(where)}" if where else ""
            if readiness.failures_total:
                window = int(RECENT_WINDOW // 60)
                return (
                    f"Readiness probe failing on {c.name} ({readiness.failures_total} failures, "
                    f"{readiness.failures_recent} in {window} min){_last(readiness)}{svc}."
                )
            unknown = f" ({_UNKNOWN})" if not detail.probes_known else ""
            return (
                f"Container {c.name} not ready yet: readiness probe has not passed{unknown}{svc}."
            )
        return f"Container {c.name} is running but not ready."
    return None


def why_readiness_gate(detail: PodDetail) -> str | None:
    ready_c = _condition(detail, "Ready")
    if ready_c is None or ready_c.reason != "ReadinessGatesNotReady":
        return None
    return f"Readiness gate not satisfied: {ready_c.message}"


def why_ready_condition(detail: PodDetail) -> str | None:
    """Whatever the Ready condition itself says, when nothing above explained it."""
    ready_c = _condition(detail, "Ready")
    if ready_c is None:
        return "No Ready condition reported yet."
    if ready_c.status == "True":
        return None
    return (
        f"Ready is {ready_c.status}"
        + (f" ({ready_c.reason})" if ready_c.reason else "")
        + (f": {ready_c.message}" if ready_c.message else ".")
    )


WhyRule = Callable[[PodDetail], str | None]
WHY_RULES: tuple[WhyRule, ...] = (
    why_status_unknown,
    why_terminating,
    why_succeeded,
    why_failed,
    why_not_scheduled,
    why_evicted_by_taint,
    why_node_down,
    why_init_pending,
    why_container_failing,
    why_ready,
    why_starting,
    why_probe_not_passed,
    why_readiness_gate,
    why_ready_condition,
)
"""The why line's rules, most decisive first: each returns the line or None (not its
business), and the first line wins."""


_UNKNOWN = "failure count unknown: no Events seen"


def _risks_text(detail: PodDetail, lead: str, skip: tuple[str, ...] = ()) -> str:
    """The pod's risks in words after `lead`, or "" if it has none (beyond `skip`, which
    the why line has said already)."""
    said = [r.text for r in detail.risks if r.kind not in skip]
    return lead + "; ".join(said) if said else ""


SIGKILL_EXIT = 137
"""128 + 9: the container was killed with SIGKILL (kubelet after a failed liveness probe
and the grace period, or the kernel's OOM killer)."""


def _killer(detail: PodDetail, c: ContainerView) -> str:
    """What most likely killed the container's last instance, when podwatch can tell or
    narrow it down: OOMKilled settles it; else recent liveness or startup failures; else
    an exit 137 with a liveness probe defined names both suspects."""
    last_137 = c.last_state == "terminated" and c.last_exit_code == SIGKILL_EXIT
    now_137 = c.state == "terminated" and c.exit_code == SIGKILL_EXIT
    if not (now_137 or last_137):
        return _killed(detail, c)
    liveness = _probe(detail, c.name, "liveness")
    if liveness is None:
        return _killed(detail, c)
    if (c.reason if now_137 else c.last_reason) == "OOMKilled":
        return "; OOMKilled (exit 137): out of memory, not its liveness probe"
    return _killed(detail, c) or _sigkill_suspects(detail, liveness)


def _sigkill_suspects(detail: PodDetail, liveness: ProbeView) -> str:
    """Exit 137 is SIGKILL: the kubelet after failed liveness probes (and the grace
    period), or the kernel's OOM killer. Say both, and what podwatch has seen to weigh
    them (nothing, when no Events could be seen)."""
    if not detail.probes_known:
        evidence = "; no Events seen to tell which"
    elif liveness.failures_total:
        evidence = f"; {liveness.failures_total} liveness failures seen, none recent"
    else:
        evidence = "; no liveness failure seen"
    return (
        f"; exit 137 is SIGKILL: likely killed by its liveness probe ({liveness.handler}, "
        f"{liveness.failure_threshold} failures in a row) or out of memory{evidence}"
    )


def _killed(detail: PodDetail, c: ContainerView) -> str:
    """Why the kubelet restarted it, when a liveness or startup probe is to blame."""
    for kind in ("liveness", "startup"):
        probe = _probe(detail, c.name, kind)
        if probe is not None and probe.failures_recent:
            return (
                f"; killed after its {kind} probe failed {probe.failures_recent}× "
                f"recently{_last(probe)}"
            )
    return ""


def _restarts(c: ContainerView) -> str:
    return f", restarted {c.restarts}×" if c.restarts else ""


def _last(p: ProbeView) -> str:
    return f"; last: {p.last_failure}" if p.last_failure else ""


def _probe(detail: PodDetail, container: str, kind: str) -> ProbeView | None:
    for p in detail.probes:
        if p.container == container and p.probe == kind:
            return p
    return None


# --------------------------------------------------------------------------- services, nodes


def service_views(store: Store) -> list[ServiceEndpoints]:
    out = []
    for key in sorted(store.service_keys()):
        addresses, source = service_addresses(store.endpoints.get(key), store.service_slices(key))
        out.append(ServiceEndpoints(key, store.services.get(key), addresses, source))
    return out


@dataclass(slots=True)
class NodeRow:
    view: NodeView
    pods: int
    unhealthy: int
    not_tolerating: dict[str, list[Key]]
    """Per taint text, the pods it acts on: for NoExecute the pods on the node that do
    not tolerate it (evicted), for NoSchedule the pending pods that do not (kept out)."""
    taint_since: dict[str, float | None]
    leaving: dict[str, list[tuple[Key, float]]] = field(default_factory=dict)
    """Per NoExecute taint: pods that tolerate it for a while, and when they go."""


def node_rows(store: Store) -> list[NodeRow]:
    rows = []
    for name, node in sorted(store.nodes.items()):
        view = node_view(node)
        on_node = store.pods_on_node(name)
        unhealthy = sum(
            1
            for k in on_node
            if (store.summaries.get(k) or summarize(store.pods[k])).severity >= Health.UNHEALTHY
        )
        not_tol: dict[str, list[Key]] = {}
        since: dict[str, float | None] = {}
        leaving: dict[str, list[tuple[Key, float]]] = {}
        for t in view.taints:
            since[t.text] = t.time_added or store.taint_first_seen.get(
                (name, t.key, t.value, t.effect)
            )
            if not keeps_off_new_pods(t):
                continue
            # NoExecute evicts the pods already here; NoSchedule only keeps pending ones out.
            candidates = on_node if acts_on_bound_pod(t) else store.pods_on_node("")
            not_tol[t.text] = sorted(k for k in candidates if not pod_tolerates(store.pods[k], t))
        if any(acts_on_bound_pod(t) for t in view.taints):
            # Pods tolerating the NoExecute taints for a while: each listed once, under the
            # taint whose toleration runs out first (the one that evicts it).
            for k in sorted(on_node):
                ev = eviction_for(
                    match_taints(
                        store.pods[k], node, store.taint_first_seen, store.on_node_since(k)
                    )
                )
                if ev is not None and ev.deadline is not None and not ev.immediate:
                    for text in ev.taints:
                        leaving.setdefault(text, []).append((k, ev.deadline))
        rows.append(NodeRow(view, len(on_node), unhealthy, not_tol, since, leaving))
    return rows


# --------------------------------------------------------------------------- events


def event_rows(store: Store, words: str = "", namespace: str | None = None) -> list[KEvent]:
    """Every Event in scope, about any object (pods, ReplicaSets, quotas, HPAs, nodes),
    newest first; `words` (the `/` filter) must each occur in its namespace, type, reason,
    object or message, case-insensitively, as the pod table's words do."""
    wanted = words.lower().split()
    out = []
    for ev in store.events.values():
        if namespace and ev.key[0] != namespace and ev.involved_namespace != namespace:
            continue
        if wanted:
            hay = (
                f"{ev.key[0]} {ev.type} {ev.reason} {ev.involved_kind}/{ev.involved_name} "
                f"{ev.field_path} {ev.message}"
            ).lower()
            if not all(w in hay for w in wanted):
                continue
        out.append(ev)
    out.sort(
        key=lambda e: (e.last if e.last is not None else (e.first or 0.0), e.seq), reverse=True
    )
    return out


def event_pod(ev: KEvent) -> Key | None:
    """The pod an Event is about, if it is about one."""
    if ev.involved_kind == "Pod" and ev.involved_name:
        return (ev.involved_namespace, ev.involved_name)
    return None
