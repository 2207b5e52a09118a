"""Probes: what each container is asked, with the API defaults made explicit,
joined with how often it has failed (from `ProbeFailures`)."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import Any

from podwatch.model.events import PROBE_KINDS, ProbeTally
from podwatch.model.k8s import d, i, lst, s

DEFAULTS = {
    "initialDelaySeconds": 0,
    "periodSeconds": 10,
    "timeoutSeconds": 1,
    "successThreshold": 1,
    "failureThreshold": 3,
}
RECENT_WINDOW = 300.0
"""Seconds that count as "recent" for failure counts."""


@dataclass(slots=True)
class ProbeView:
    container: str
    probe: str
    """startup, readiness or liveness."""
    handler: str
    initial_delay: int
    period: int
    timeout: int
    success_threshold: int
    failure_threshold: int
    defaulted: tuple[str, ...]
    """Timing fields the pod did not set, shown with the API default."""
    failures_total: int = 0
    failures_recent: int = 0
    last_failure: str = ""
    last_failure_at: float | None = None
    note: str = ""
    """What this probe is doing to the pod right now, in words."""

    @property
    def timing_text(self) -> str:
        return (
            f"delay={self.initial_delay}s period={self.period}s timeout={self.timeout}s "
            f"success={self.success_threshold} failure={self.failure_threshold}"
        )


def describe_handler(probe: Any, pod_ip: str = "") -> str:
    """`httpGet http://10.0.0.1:8080/health`, `tcpSocket :5432`, `exec cat /x`, `grpc :9000`."""
    probe = d(probe)
    if isinstance(probe.get("httpGet"), dict):
        h = probe["httpGet"]
        scheme = (s(h.get("scheme")) or "HTTP").lower()
        host = s(h.get("host")) or pod_ip or "<pod IP>"
        port = _port(h.get("port"))
        path = s(h.get("path")) or "/"
        return f"httpGet {scheme}://{host}:{port}{path}"
    if isinstance(probe.get("tcpSocket"), dict):
        h = probe["tcpSocket"]
        host = s(h.get("host"))
        return f"tcpSocket {host}:{_port(h.get('port'))}"
    if isinstance(probe.get("exec"), dict):
        command = [x if isinstance(x, str) else str(x) for x in lst(probe["exec"].get("command"))]
        return "exec " + (shlex.join(command) if command else "(no command)")
    if isinstance(probe.get("grpc"), dict):
        h = probe["grpc"]
        service = s(h.get("service"))
        return f"grpc :{_port(h.get('port'))}" + (f" service={service}" if service else "")
    return "unknown handler"


def _port(value: Any) -> str:
    if isinstance(value, int | str) and not isinstance(value, bool):
        return str(value)
    return "?"


def probe_views(
    pod: Any,
    tallies: dict[tuple[str, str], ProbeTally] | None = None,
    now: float | None = None,
) -> list[ProbeView]:
    """Every probe of every container (sidecars included), with failures joined in.

    Probe failures reported for a container with no such probe in its spec
    (a spec changed since, or a malformed pod) are shown too, so no count is lost.
    """
    pod = d(pod)
    spec = d(pod.get("spec"))
    status = d(pod.get("status"))
    pod_ip = s(status.get("podIP"))
    statuses = {
        s(d(cs).get("name")): d(cs)
        for group in ("initContainerStatuses", "containerStatuses")
        for cs in lst(status.get(group))
    }
    tallies = tallies or {}
    views: list[ProbeView] = []
    listed: set[tuple[str, str]] = set()
    for container in [*lst(spec.get("initContainers")), *lst(spec.get("containers"))]:
        container = d(container)
        name = s(container.get("name"))
        cs = statuses.get(name, {})
        has_startup = isinstance(container.get("startupProbe"), dict)
        for kind in PROBE_KINDS:
            probe = container.get(f"{kind}Probe")
            if not isinstance(probe, dict):
                continue
            timing = {}
            defaulted = []
            for field_name, default in DEFAULTS.items():
                value = i(probe.get(field_name))
                if value is None:
                    defaulted.append(field_name)
                    value = default
                timing[field_name] = value
            view = ProbeView(
                container=name,
                probe=kind,
                handler=describe_handler(probe, pod_ip),
                initial_delay=timing["initialDelaySeconds"],
                period=timing["periodSeconds"],
                timeout=timing["timeoutSeconds"],
                success_threshold=timing["successThreshold"],
                failure_threshold=timing["failureThreshold"],
                defaulted=tuple(defaulted),
            )
            _join_tally(view, tallies.get((name, kind)), now)
            view.note = _note(kind, cs, has_startup, view)
            views.append(view)
            listed.add((name, kind))
    for (name, kind), tally in sorted(tallies.items()):
        if (name, kind) in listed:
            continue
        view = ProbeView(
            container=name or "?",
            probe=kind,
            handler="(not in the pod's spec)",
            initial_delay=0,
            period=0,
            timeout=0,
            success_threshold=0,
            failure_threshold=0,
            defaulted=(),
        )
        _join_tally(view, tally, now)
        views.append(view)
    return views


def _join_tally(view: ProbeView, tally: ProbeTally | None, now: float | None) -> None:
    if tally is None:
        return
    view.failures_total = tally.total
    view.failures_recent = tally.failures_since(now - RECENT_WINDOW) if now is not None else 0
    view.last_failure = tally.last_message
    view.last_failure_at = tally.last_time


def _note(kind: str, cs: dict, has_startup: bool, view: ProbeView) -> str:
    """Spell out the consequence (SPEC 1.4): what failing this probe does."""
    if not cs:
        return "container not started yet"
    running = isinstance(d(cs.get("state")).get("running"), dict)
    started = cs.get("started")
    if kind != "startup" and has_startup and started is not True:
        return "not run until the startup probe passes"
    if kind == "startup":
        if started is True:
            return "passed; liveness and readiness now run"
        return (
            f"not passed yet; kubelet restarts the container after "
            f"{view.failure_threshold} failures"
        )
    if kind == "readiness":
        if not running:
            return "container not running"
        if cs.get("ready") is True:
            return "passing: container ready, pod IP in Service ready addresses"
        return "failing or pending: container not ready, pod IP in NotReady addresses"
    if kind == "liveness":
        return (
            f"{view.failure_threshold} consecutive failures make kubelet kill and restart the "
            f"container (restarts: {i(cs.get('restartCount'), 0)})"
        )
    return ""
