"""Why a Service sends traffic nowhere, or not to a pod: its findings (issue: "does the
Service even point at it").

What an operator checks by hand with `kubectl describe svc`, `get pods -l` and `get
endpoints`, one after the other: that the selector picks pods at all, that each port's
targetPort exists on them, and that the Service has endpoints, ready ones. Read from
the store only; what podwatch may not read (RBAC) is said as unknown, never as absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from podwatch.model.endpoints import ServiceEndpoints, service_selector
from podwatch.model.k8s import Key, d, i, lst, s

if TYPE_CHECKING:
    from podwatch.model.store import Store

NAMES_SHOWN = 3
"""Pods named in a finding before "and N more"."""
FINISHED = ("Succeeded", "Failed")
"""Phases whose pods the endpoints controller never lists."""


class Severity(IntEnum):
    NOTE = 0
    """Worth knowing, not a fault (no selector: endpoints kept by hand)."""
    WARNING = 1
    """Likely a mistake, traffic may still flow (a numeric targetPort no pod declares)."""
    ERROR = 2
    """Traffic to the Service, or to some of its pods, goes nowhere."""


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    text: str
    """Plain text; names from the cluster are in it as they are (render cleans them)."""


@dataclass(frozen=True, slots=True)
class ServicePort:
    """One entry of spec.ports, with its targetPort as the endpoints controller reads it:
    unset means the port's own number."""

    name: str
    port: int
    target: int | str
    protocol: str

    @property
    def label(self) -> str:
        return f"port {self.port}" + (f" ({self.name})" if self.name else "")


@dataclass(slots=True)
class ServiceCheck:
    """A Service's selector, the pods it picks, and what is wrong."""

    key: Key
    selector_text: str | None
    """The selector as `kubectl get -l` takes it; None: the Service has no selector."""
    selected: list[Key] = field(default_factory=list)
    """Live pods in its namespace the selector picks (in podwatch's scope)."""
    findings: list[Finding] = field(default_factory=list)

    @property
    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), default=None)


def service_ports(service: Any) -> list[ServicePort]:
    out = []
    for p in lst(d(d(service).get("spec")).get("ports")):
        p = d(p)
        port = i(p.get("port"), 0) or 0
        raw = p.get("targetPort")
        target: int | str
        if isinstance(raw, str) and raw and not raw.isdigit():
            target = raw
        elif isinstance(raw, int | str) and not isinstance(raw, bool) and str(raw).isdigit():
            target = int(raw)
        else:
            target = port
        out.append(ServicePort(s(p.get("name")), port, target, s(p.get("protocol")) or "TCP"))
    return out


def container_ports(pod: Any) -> list[tuple[str, int, str]]:
    """(name, containerPort, protocol) of every port the pod's containers declare."""
    out = []
    for c in lst(d(d(pod).get("spec")).get("containers")):
        for p in lst(d(c).get("ports")):
            p = d(p)
            number = i(p.get("containerPort"), 0) or 0
            out.append((s(p.get("name")), number, s(p.get("protocol")) or "TCP"))
    return out


def resolves(port: ServicePort, declared: list[tuple[str, int, str]]) -> bool:
    """Whether the pod has `port`'s target: a name must be declared (with the protocol),
    as the endpoints controller looks it up (FindPort); a number always resolves."""
    if isinstance(port.target, int):
        return True
    return any(name == port.target and proto == port.protocol for name, _n, proto in declared)


def _names(keys: list[Key]) -> str:
    shown = ", ".join(k[1] for k in keys[:NAMES_SHOWN])
    more = len(keys) - NAMES_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def selected_pods(store: Store, key: Key, service: Any) -> list[Key]:
    selector = service_selector(service)
    if selector is None:
        return []
    return sorted(store.pods_selected(key[0], selector))


def check_service(store: Store, sv: ServiceEndpoints) -> ServiceCheck:
    """The findings of one Service (see the module's docstring)."""
    service = sv.service
    selector = service_selector(service)
    check = ServiceCheck(sv.key, str(selector) if selector is not None else None)
    add = check.findings.append
    spec = d(d(service).get("spec"))
    if service is None:
        if "Service" not in store.unreadable_for(sv.key[0]):
            add(Finding(Severity.NOTE, "endpoints without a Service object"))
        return check
    if s(spec.get("type")) == "ExternalName":
        target = s(spec.get("externalName")) or "?"
        add(Finding(Severity.NOTE, f"ExternalName → {target}: a DNS alias, no endpoints"))
        return check
    pods_known = "Pod" not in store.unreadable_for(sv.key[0])
    if selector is None:
        add(Finding(Severity.NOTE, "no selector: its endpoints are kept by hand"))
    elif pods_known:
        check.selected = selected_pods(store, sv.key, service)
        _check_selected(store, check, selector_text=str(selector))
    _check_endpoints(store, sv, check, pods_known)
    return check


def _check_selected(store: Store, check: ServiceCheck, *, selector_text: str) -> None:
    add = check.findings.append
    if not check.selected:
        add(Finding(Severity.ERROR, f"selector {selector_text} matches no pod"))
        return
    phases = {k: summary.phase for k in check.selected if (summary := store.summaries.get(k))}
    running = [k for k in check.selected if phases.get(k) not in FINISHED]
    if not running:
        add(
            Finding(
                Severity.ERROR,
                f"selector {selector_text} matches only finished pods "
                f"({_names(check.selected)}): none can be an endpoint",
            )
        )
        return
    service = store.services.get(check.key)
    declared = {k: container_ports(store.pods.get(k)) for k in running}
    for port in service_ports(service):
        if isinstance(port.target, str):
            lacking = [k for k in running if not resolves(port, declared[k])]
            if len(lacking) == len(running):
                add(
                    Finding(
                        Severity.ERROR,
                        f"{port.label}: targetPort {port.target!r} ({port.protocol}) is a port "
                        "name no selected pod declares: no endpoint for it",
                    )
                )
            elif lacking:
                add(
                    Finding(
                        Severity.ERROR,
                        f"{port.label}: targetPort {port.target!r} is not declared by "
                        f"{_names(lacking)}: {'it gets' if len(lacking) == 1 else 'they get'} "
                        "no endpoint for it",
                    )
                )
            continue
        numbers = {n for k in running for _name, n, proto in declared[k] if proto == port.protocol}
        if numbers and port.target not in numbers:
            listed = ", ".join(str(n) for n in sorted(numbers))
            add(
                Finding(
                    Severity.WARNING,
                    f"{port.label}: targetPort {port.target} is not a containerPort of the "
                    f"selected pods (they declare {listed}): traffic goes there only if "
                    "the container listens on it",
                )
            )


def _check_endpoints(
    store: Store, sv: ServiceEndpoints, check: ServiceCheck, pods_known: bool
) -> None:
    add = check.findings.append
    if sv.source == "none" and {"Endpoints", "EndpointSlice"} <= store.unreadable_for(sv.key[0]):
        add(Finding(Severity.NOTE, "endpoints unknown: Endpoints and EndpointSlices not readable"))
        return
    if not sv.addresses:
        said = ""
        if check.selected and pods_known:
            no_ip = [k for k in check.selected if not _pod_ip(store, k)]
            n = len(check.selected)
            said = f": {n} pod{'s' if n != 1 else ''} selected, none listed"
            if no_ip and len(no_ip) == len(check.selected):
                said += " (none has an IP yet)"
        add(Finding(Severity.ERROR, "no endpoints" + said))
        return
    if not sv.ready:
        add(
            Finding(
                Severity.ERROR,
                f"no ready endpoint ({len(sv.addresses)} NotReady or terminating): "
                "traffic goes nowhere",
            )
        )


def _pod_ip(store: Store, key: Key) -> str:
    summary = store.summaries.get(key)
    return summary.pod_ip if summary is not None else ""


def pod_port_findings(store: Store, pod: Key, obj: Any = None) -> list[tuple[Key, Finding]]:
    """For one pod (`obj`, read from the store if not given): Services that select it
    by a port name it does not declare (it gets no endpoint for that port)."""
    if obj is None:
        obj = store.pods.get(pod)
    if obj is None:
        return []
    labels = store.pod_labels(pod)
    declared = container_ports(obj)
    out = []
    for key, service in store.services_selecting(pod, labels):
        for port in service_ports(service):
            if not resolves(port, declared):
                text = (
                    f"{port.label}: targetPort {port.target!r} ({port.protocol}) is not "
                    "declared by this pod: no endpoint for it"
                )
                out.append((key, Finding(Severity.ERROR, text)))
    return out
