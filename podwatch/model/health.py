"""At risk: a pod that is healthy now, with something on its way to change that (SPEC 6).

The pod object alone says healthy, finished, unhealthy or failing (`pods.severity_of`).
Whether a healthy pod is *at risk* needs what the object does not hold: the probe
failures its Events report, the taints of its node, its Ready flips that podwatch
saw, and the clock. This module turns those inputs into `Risk`s, one rule in one
place, so that the table's mark and the why line always say the same thing.

Pure functions of their arguments: `view.risks_now` gathers the inputs from the store,
and `Store.risk_expired` names the rows to derive again when the clock ends a risk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from podwatch.model.events import ProbeTally
from podwatch.model.k8s import d, format_age, format_duration, i, lst, meta, s
from podwatch.model.nodes import TaintId, eviction_for, match_taints
from podwatch.model.pods import ContainerView, Health, PodSummary, condition, container_views
from podwatch.model.probes import DEFAULTS, RECENT_WINDOW

RESTART_WINDOW = 600.0
"""A restart this recent (seconds) puts a healthy pod at risk."""
FLAP_WINDOW = 600.0
"""More than one Ready flip within this many seconds is flapping."""
RISKY_PROBES = ("liveness", "startup")
"""Probe kinds whose failures end in a restart (readiness failures make a pod not Ready,
which the object already shows)."""


@dataclass(frozen=True, slots=True)
class Risk:
    """One reason a healthy pod may not stay healthy."""

    kind: str
    """probe, eviction, node, restart or flapping."""
    text: str
    """In words, for the why line: `liveness probe failed 2× in 5 min (threshold 3)`."""
    ends: float | None = None
    """When the clock alone ends it (epoch seconds); None: only a change of the pod or its
    node does (a running eviction deadline stays a risk until the pod goes)."""


def health_of(severity: Health, risks: Sequence[Risk]) -> Health:
    """The pod's health: its object's, raised to AT_RISK when healthy with risks."""
    if severity == Health.HEALTHY and risks:
        return Health.AT_RISK
    return severity


def pod_risks(
    pod: Any,
    summary: PodSummary,
    *,
    tallies: dict[tuple[str, str], ProbeTally],
    flips: Sequence[float],
    node: dict | None,
    first_seen: dict[TaintId, float],
    now: float,
    on_node_since: float | None = None,
) -> list[Risk]:
    """Every risk of a pod the object says is healthy; none for any other pod (its mark
    already says more than a risk would). `on_node_since`: when podwatch first saw the
    pod on its node (`nodes.bound_at`)."""
    if summary.severity != Health.HEALTHY:
        return []
    risks = node_risks(pod, node, first_seen, now, on_node_since)
    risks += probe_risks(pod, tallies, now)
    restart = restart_risk(pod, summary, now)
    if restart is not None:
        risks.append(restart)
    flapping = flapping_risk(flips, now)
    if flapping is not None:
        risks.append(flapping)
    return risks


def probe_risks(pod: Any, tallies: dict[tuple[str, str], ProbeTally], now: float) -> list[Risk]:
    """Liveness or startup failures of a container's current instance in the recent
    window: the kubelet restarts it once they reach failureThreshold in a row, so a few
    are a warning. Failures of an earlier instance ended in its restart (a risk of its
    own), and a startup probe that passed after a few failures did its job (a slow
    start): neither counts here."""
    risks = []
    window = int(RECENT_WINDOW // 60)
    containers: dict[str, ContainerView] | None = None
    for (name, kind), tally in sorted(tallies.items()):
        if kind not in RISKY_PROBES or tally.last_time is None:
            continue
        ends = tally.last_time + RECENT_WINDOW
        if now >= ends:  # every risk holds while now < its end
            continue
        if containers is None:  # only for a pod with recent failures: rare
            containers = {c.name: c for c in container_views(pod)}
        since = now - RECENT_WINDOW
        c = containers.get(name)
        if c is not None:
            if kind == "startup" and c.started is True:
                continue
            if c.state == "running" and c.started_at is not None:
                since = max(since, c.started_at)
        recent = tally.failures_since(since)
        if not recent:
            continue
        threshold = failure_threshold(pod, name, kind)
        limit = f" (threshold {threshold})" if threshold is not None else ""
        of = f" of container {name}" if name else ""
        last = f"; last: {tally.last_message}" if tally.last_message else ""
        # Counted since the container (re)started when that is inside the window: the
        # failures before a restart led to it, and the restart is a risk of its own.
        span = f"in {window} min"
        if since > now - RECENT_WINDOW:
            span = f"since it started {format_age(now - since)} ago"
        text = f"{kind} probe{of} failed {recent}× {span}{limit}{last}"
        risks.append(Risk("probe", text, ends))
    return risks


def failure_threshold(pod: Any, container: str, kind: str) -> int | None:
    """The probe's failureThreshold with the API default; None if the spec has no such
    probe (a spec changed since the failures, or a malformed pod)."""
    spec = d(d(pod).get("spec"))
    for group in ("initContainers", "containers"):
        for c in lst(spec.get(group)):
            c = d(c)
            probe = c.get(f"{kind}Probe")
            if s(c.get("name")) == container and isinstance(probe, dict):
                return i(probe.get("failureThreshold")) or DEFAULTS["failureThreshold"]
    return None


def restart_risk(pod: Any, summary: PodSummary, now: float) -> Risk | None:
    """A container restarted in the last ten minutes: what killed it may come back."""
    when = summary.last_restart
    if when is None or not summary.restarts or now - when >= RESTART_WINDOW:
        return None
    said = [
        f"container {c.name} restarted {format_age(now - when)} ago (last: {c.last_state_text})"
        for c in container_views(pod)
        if c.last_state == "terminated" and c.last_finished_at == when
    ]
    text = "; ".join(said) or f"restarted {format_age(now - when)} ago"
    return Risk("restart", text, when + RESTART_WINDOW)


def flapping_risk(flips: Sequence[float], now: float) -> Risk | None:
    """Ready flipped more than once in the window: the pod goes in and out of its
    Services' endpoints."""
    recent = [t for t in flips if now - t < FLAP_WINDOW]
    if len(recent) < 2:
        return None
    minutes = int(FLAP_WINDOW // 60)
    return Risk(
        "flapping", f"Ready flipped {len(recent)}× in {minutes} min", recent[-2] + FLAP_WINDOW
    )


def node_risks(
    pod: Any,
    node: dict | None,
    first_seen: dict[TaintId, float],
    now: float,
    on_node_since: float | None = None,
) -> list[Risk]:
    """Its node stopped being Ready, or a NoExecute taint will evict it (at once, or when
    tolerationSeconds run out): the same facts the why line leads with."""
    if node is None:
        return []
    risks = []
    name = s(meta(node).get("name"))
    ready = condition(node, "Ready")
    status = s(ready.get("status")) if ready is not None else "missing"
    if status != "True":
        risks.append(Risk("node", f"node {name} Ready is {status or 'Unknown'}"))
    if any(s(d(t).get("effect")) == "NoExecute" for t in lst(d(node.get("spec")).get("taints"))):
        ev = eviction_for(match_taints(pod, node, first_seen, on_node_since))
        if ev is not None and ev.deadline is not None:
            taints = ", ".join(ev.taints)
            if ev.immediate:
                text = f"being evicted: untolerated NoExecute taint {taints}"
            elif ev.expired(now):
                ago = format_age(now - ev.deadline)
                text = f"toleration of NoExecute taint {taints} expired {ago} ago: eviction due"
            else:
                text = f"evicted {format_duration(ev.deadline - now)}: NoExecute taint {taints}"
            risks.append(Risk("eviction", text))
    return risks
