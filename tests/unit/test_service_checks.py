"""Service diagnostics on crafted objects (model/service_checks.py): a selector that
picks no pod, a targetPort the pods do not declare, no endpoints, no ready endpoint;
and what podwatch may not read is said as unknown, not as absent."""

from __future__ import annotations

from podwatch.model.endpoints import ServiceEndpoints, service_addresses
from podwatch.model.service_checks import (
    Severity,
    check_service,
    pod_port_findings,
    service_ports,
)
from podwatch.model.store import Store
from tests.factories import container, endpoints, feed, pod, ready_conditions, running, service

WEB = {"app": "web"}
HTTP = [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]


def svc(name="websvc", selector=WEB, ports=None, **spec) -> dict:
    obj = service(name, selector=selector)
    obj["spec"]["selector"] = selector
    if ports is not None:
        obj["spec"]["ports"] = ports
    obj["spec"].update(spec)
    return obj


def web_pod(name="web-1", ports=HTTP, ip="10.0.0.5", ready=True, **kw) -> dict:
    return pod(
        name,
        labels=dict(WEB),
        ip=ip,
        containers=[container("app", ports=ports)],
        statuses=[running(ready=ready)],
        conditions=ready_conditions(ready),
        **kw,
    )


def check(store: Store, name="websvc"):
    key = ("default", name)
    addresses, source = service_addresses(store.endpoints.get(key), store.service_slices(key))
    return check_service(store, ServiceEndpoints(key, store.services.get(key), addresses, source))


def texts(result, severity=None) -> list[str]:
    return [f.text for f in result.findings if severity is None or f.severity == severity]


def test_a_healthy_service_has_no_findings_and_shows_its_selector():
    store = feed(Store(), web_pod(), svc(ports=[{"port": 80, "targetPort": "http"}]))
    feed(store, endpoints("websvc", ready=[("10.0.0.5", "web-1")]))
    result = check(store)
    assert result.findings == [] and result.worst is None
    assert result.selector_text == "app=web"
    assert result.selected == [("default", "web-1")]


def test_a_selector_that_matches_no_pod_and_its_empty_endpoints():
    store = feed(Store(), web_pod(), svc(selector={"app": "wbe"}), endpoints("websvc"))
    result = check(store)
    assert texts(result, Severity.ERROR) == ["selector app=wbe matches no pod", "no endpoints"]
    assert result.selected == []


def test_a_named_target_port_no_selected_pod_declares():
    store = feed(Store(), web_pod(), web_pod("web-2", ip="10.0.0.6"))
    feed(store, svc(ports=[{"name": "web", "port": 80, "targetPort": "htpp"}]))
    feed(store, endpoints("websvc"))
    errors = texts(check(store), Severity.ERROR)
    assert errors[0] == (
        "port 80 (web): targetPort 'htpp' (TCP) is a port name no selected pod declares: "
        "no endpoint for it"
    )
    assert errors[1] == "no endpoints: 2 pods selected, none listed"


def test_a_named_target_port_some_pods_lack_names_them():
    store = feed(Store(), web_pod(), web_pod("web-2", ports=[], ip="10.0.0.6"))
    feed(store, svc(ports=[{"port": 80, "targetPort": "http"}]))
    feed(store, endpoints("websvc", ready=[("10.0.0.5", "web-1")]))
    assert texts(check(store)) == [
        "port 80: targetPort 'http' is not declared by web-2: it gets no endpoint for it"
    ]
    # The pod's own view says it too; web-1 has nothing to say.
    [(service_key, finding)] = pod_port_findings(store, ("default", "web-2"))
    assert service_key == ("default", "websvc") and "not declared by this pod" in finding.text
    assert pod_port_findings(store, ("default", "web-1")) == []


def test_a_named_port_of_another_protocol_does_not_resolve():
    store = feed(Store(), web_pod(ports=[{"name": "dns", "containerPort": 53, "protocol": "UDP"}]))
    feed(store, svc(ports=[{"port": 53, "targetPort": "dns", "protocol": "TCP"}]))
    feed(store, endpoints("websvc"))
    assert (
        "targetPort 'dns' (TCP) is a port name no selected pod declares" in texts(check(store))[0]
    )


def test_a_numeric_target_port_is_flagged_only_against_declared_ports():
    store = feed(Store(), web_pod(), svc(ports=[{"port": 80, "targetPort": 8081}]))
    feed(store, endpoints("websvc", ready=[("10.0.0.5", "web-1")]))
    result = check(store)
    assert texts(result, Severity.WARNING) == [
        "port 80: targetPort 8081 is not a containerPort of the selected pods (they declare "
        "8080): traffic goes there only if the container listens on it"
    ]
    assert texts(result, Severity.ERROR) == []
    # Pods that declare no ports at all: declaring is optional, nothing to compare with.
    quiet = feed(Store(), web_pod(ports=None), svc(ports=[{"port": 80, "targetPort": 8081}]))
    feed(quiet, endpoints("websvc", ready=[("10.0.0.5", "web-1")]))
    assert check(quiet).findings == []
    # No targetPort: the port's own number, declared here.
    same = feed(Store(), web_pod(), svc(ports=[{"port": 8080}]))
    feed(same, endpoints("websvc", ready=[("10.0.0.5", "web-1")]))
    assert check(same).findings == []


def test_target_ports_read_as_the_api_server_defaults_them():
    ports = service_ports(
        {
            "spec": {
                "ports": [
                    {"port": 80},
                    {"port": 81, "targetPort": "9000"},
                    {"port": 82, "targetPort": "metrics", "protocol": "UDP", "name": "m"},
                    {"port": 83, "targetPort": True},
                ]
            }
        }
    )
    assert [(p.port, p.target, p.protocol) for p in ports] == [
        (80, 80, "TCP"),
        (81, 9000, "TCP"),
        (82, "metrics", "UDP"),
        (83, 83, "TCP"),
    ]


def test_no_ready_endpoint_and_no_ip_yet():
    store = feed(Store(), web_pod(ready=False), svc())
    feed(store, endpoints("websvc", not_ready=[("10.0.0.5", "web-1")]))
    assert texts(check(store)) == [
        "no ready endpoint (1 NotReady or terminating): traffic goes nowhere"
    ]
    pending = feed(Store(), web_pod(ip=""), svc(), endpoints("websvc"))
    assert texts(check(pending)) == [
        "no endpoints: 1 pod selected, none listed (none has an IP yet)"
    ]


def test_only_finished_pods_selected():
    store = feed(Store(), web_pod(phase="Succeeded", ready=False), svc(), endpoints("websvc"))
    assert texts(check(store))[0] == (
        "selector app=web matches only finished pods (web-1): none can be an endpoint"
    )


def test_no_selector_and_external_name_are_notes_not_faults():
    store = feed(Store(), svc(selector={}), endpoints("websvc", ready=[("10.9.9.9", "x")]))
    result = check(store)
    assert result.selector_text is None and result.worst == Severity.NOTE
    assert texts(result) == ["no selector: its endpoints are kept by hand"]
    alias = feed(Store(), svc(selector={}, type="ExternalName", externalName="db.example.com"))
    assert texts(check(alias)) == ["ExternalName → db.example.com: a DNS alias, no endpoints"]


def test_what_podwatch_may_not_read_is_unknown_not_absent():
    store = feed(Store(), svc())
    store.unreadable = frozenset({"Pod", "Endpoints", "EndpointSlice"})
    assert texts(check(store)) == ["endpoints unknown: Endpoints and EndpointSlices not readable"]
    assert check(store).selected == []


def test_a_pod_outside_the_namespace_is_not_selected():
    store = feed(Store(), pod("web-1", namespace="other", labels=dict(WEB)), svc())
    feed(store, endpoints("websvc"))
    assert texts(check(store))[0] == "selector app=web matches no pod"
