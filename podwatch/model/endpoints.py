"""Who receives traffic: Service endpoints from Endpoints and EndpointSlices.

A cluster may serve either or both. Where a Service has EndpointSlices they
are preferred (that is what kube-proxy reads); its legacy Endpoints object is
used otherwise. Each address is mapped back to its pod through `targetRef`,
or through the pod IP when an address has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from podwatch.model.k8s import Key, b, d, i, lst, meta, s
from podwatch.model.selectors import Selector, from_map

SERVICE_NAME_LABEL = "kubernetes.io/service-name"


class EndpointState(StrEnum):
    """Whether an address receives traffic, as kube-proxy reads its conditions."""

    READY = "ready"
    NOT_READY = "NotReady"
    TERMINATING = "terminating"


@dataclass(slots=True)
class EndpointAddress:
    ip: str
    ready: bool | None
    """None: the EndpointSlice left it unset (consumers treat that as ready)."""
    serving: bool | None
    terminating: bool | None
    node: str
    pod: Key | None
    ports: tuple[str, ...]
    source: str
    """"Endpoints" or "EndpointSlice <apiVersion>"."""

    @property
    def state(self) -> EndpointState:
        """Terminating wins; an unset `ready` counts as ready (the API's contract)."""
        if self.terminating:
            return EndpointState.TERMINATING
        return EndpointState.NOT_READY if self.ready is False else EndpointState.READY

    @property
    def state_text(self) -> str:
        state = self.state
        if state is EndpointState.TERMINATING and self.serving:
            return f"{state} (serving)"
        if state is EndpointState.READY and self.ready is None:
            return f"{state} (unset)"
        return str(state)


def _port_texts(ports: Any) -> tuple[str, ...]:
    out = []
    for p in lst(ports):
        p = d(p)
        port = i(p.get("port"))
        name = s(p.get("name"))
        proto = s(p.get("protocol")) or "TCP"
        text = f"{port}/{proto}" if port is not None else f"?/{proto}"
        out.append(f"{name}:{text}" if name else text)
    return tuple(out)


def _target_pod(ref: Any, default_ns: str) -> Key | None:
    ref = d(ref)
    if ref and s(ref.get("kind")) in ("Pod", "") and s(ref.get("name")):
        return (s(ref.get("namespace")) or default_ns, s(ref.get("name")))
    return None


def addresses_from_endpoints(ep: Any) -> list[EndpointAddress]:
    ns = s(meta(ep).get("namespace"))
    out = []
    for subset in lst(d(ep).get("subsets")):
        subset = d(subset)
        ports = _port_texts(subset.get("ports"))
        for field_name, ready in (("addresses", True), ("notReadyAddresses", False)):
            for addr in lst(subset.get(field_name)):
                addr = d(addr)
                out.append(
                    EndpointAddress(
                        ip=s(addr.get("ip")),
                        ready=ready,
                        serving=None,
                        terminating=None,
                        node=s(addr.get("nodeName")),
                        pod=_target_pod(addr.get("targetRef"), ns),
                        ports=ports,
                        source="Endpoints",
                    )
                )
    return out


def addresses_from_slice(es: Any) -> list[EndpointAddress]:
    es = d(es)
    ns = s(meta(es).get("namespace"))
    ports = _port_texts(es.get("ports"))
    source = f"EndpointSlice {s(es.get('apiVersion')).removeprefix('discovery.k8s.io/')}".strip()
    out = []
    for ep in lst(es.get("endpoints")):
        ep = d(ep)
        cond = d(ep.get("conditions"))
        node = s(ep.get("nodeName")) or s(d(ep.get("topology")).get("kubernetes.io/hostname"))
        pod = _target_pod(ep.get("targetRef"), ns)
        for ip in lst(ep.get("addresses")) or [""]:
            out.append(
                EndpointAddress(
                    ip=s(ip),
                    ready=b(cond.get("ready")),
                    serving=b(cond.get("serving")),
                    terminating=b(cond.get("terminating")),
                    node=node,
                    pod=pod,
                    ports=ports,
                    source=source,
                )
            )
    return out


def service_selector(service: Any) -> Selector | None:
    """The pods a Service sends traffic to, by label, in its namespace. None: it has no
    selector (its endpoints are kept by hand), and then it selects no pod by label."""
    selector = d(d(d(service).get("spec")).get("selector"))
    return from_map(selector) if selector else None


def slice_service(es: Any) -> Key | None:
    m = meta(es)
    name = s(d(m.get("labels")).get(SERVICE_NAME_LABEL))
    return (s(m.get("namespace")), name) if name else None


@dataclass(slots=True)
class ServiceEndpoints:
    key: Key
    service: dict | None
    addresses: list[EndpointAddress]
    source: str
    """Where the addresses came from: EndpointSlice, Endpoints, or "none"."""

    @property
    def ready(self) -> list[EndpointAddress]:
        return [a for a in self.addresses if a.state is EndpointState.READY]

    @property
    def not_ready(self) -> list[EndpointAddress]:
        return [a for a in self.addresses if a.state is not EndpointState.READY]

    @property
    def selector(self) -> Selector | None:
        return service_selector(self.service)

    @property
    def ports_text(self) -> str:
        ports = []
        for p in lst(d(d(self.service).get("spec")).get("ports")):
            p = d(p)
            target = p.get("targetPort")
            text = f"{i(p.get('port'), 0)}"
            if target is not None and not isinstance(target, bool):
                text += f"→{target}"
            text += f"/{s(p.get('protocol')) or 'TCP'}"
            ports.append(text)
        return ", ".join(ports)


def service_addresses(
    endpoints: Any | None, slices: list[Any]
) -> tuple[list[EndpointAddress], str]:
    """Addresses of one Service: from its slices when it has any, else its Endpoints."""
    if slices:
        addresses = []
        seen: set[tuple[str, str]] = set()
        for es in slices:
            for a in addresses_from_slice(es):
                # A pod can appear in two slices briefly while the controller moves it.
                ident = (a.ip, ",".join(a.ports))
                if ident in seen:
                    continue
                seen.add(ident)
                addresses.append(a)
        return addresses, "EndpointSlice"
    if endpoints is not None:
        return addresses_from_endpoints(endpoints), "Endpoints"
    return [], "none"


@dataclass(slots=True)
class Membership:
    """The selected pod as one Service sees it."""

    service: Key
    state: str
    """ready, NotReady, terminating, or "selected, not listed"."""
    ip: str
    ports: tuple[str, ...]
    source: str
