"""The API server double speaks the kube-apiserver list/watch protocol.

Exercised with plain http.client (not podwatch code), plus one round trip through
the official `kubernetes` client to prove it accepts what the double serves.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from urllib.parse import quote

import pytest

from tests.apiserver import ApiServerDouble
from tests.recordings import recordings_dir

RECORDINGS = recordings_dir()


# --------------------------------------------------------------------------- helpers


def pod(name: str, ns: str = "default", labels=None, node="n1", phase="Running") -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": labels or {}},
        "spec": {"nodeName": node, "containers": [{"name": "app", "image": "x"}]},
        "status": {"phase": phase},
    }


def node(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}, "spec": {}}


def request(d: ApiServerDouble, path: str, *, method="GET", token=None, body=None, auth=True):
    conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=5)
    headers = {"Authorization": f"Bearer {token or d.token}"} if auth else {}
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, json.loads(data)
    finally:
        conn.close()


def get(d: ApiServerDouble, path: str, **kw) -> dict:
    status, _, body = request(d, path, **kw)
    assert status == 200, body
    return body


class Watch:
    """One watch stream read line by line with http.client."""

    def __init__(self, d: ApiServerDouble, path: str, timeout: float = 5.0) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=timeout)
        self.conn.request("GET", path, headers={"Authorization": f"Bearer {d.token}"})
        self.resp = self.conn.getresponse()
        self.headers = {k.lower(): v for k, v in self.resp.getheaders()}

    def next(self) -> dict:
        line = self.resp.readline()
        assert line, "stream ended"
        assert line.endswith(b"\n")
        return json.loads(line)

    def take(self, n: int) -> list[dict]:
        return [self.next() for _ in range(n)]

    def rest(self) -> bytes:
        """Everything until the stream ends normally (raises IncompleteRead if cut)."""
        return self.resp.read()

    def close(self) -> None:
        self.conn.close()


def names(body: dict) -> list[str]:
    return [i["metadata"]["name"] for i in body["items"]]


@pytest.fixture
def api():
    d = ApiServerDouble(bookmark_interval=0.2)
    d.start()
    try:
        yield d
    finally:
        d.stop()
    assert d.errors == []
    assert d._threads == set()
    assert d.open_watches() == 0


# --------------------------------------------------------------------------- lists


def test_list_shapes_and_global_resource_version(api: ApiServerDouble) -> None:
    created = [
        api.create(pod("b")),
        api.create(pod("a")),
        api.create(pod("c", ns="other")),
        api.create(node("n1")),
        api.create(
            {
                "kind": "EndpointSlice",
                "metadata": {"name": "svc-x1", "namespace": "default"},
                "addressType": "IPv4",
                "endpoints": [],
            }
        ),
        api.create({"kind": "Service", "metadata": {"name": "svc"}, "spec": {}}),
        api.create({"kind": "Endpoints", "metadata": {"name": "svc"}, "subsets": []}),
        api.create({"kind": "Event", "metadata": {"name": "e1"}, "reason": "Started"}),
    ]
    # one counter for all kinds, like etcd
    assert [int(o["metadata"]["resourceVersion"]) for o in created] == list(range(1, 9))
    assert api.resource_version == 8
    for o in created:
        assert o["metadata"]["uid"] and o["metadata"]["creationTimestamp"].endswith("Z")

    body = get(api, "/api/v1/namespaces/default/pods")
    assert body["kind"] == "PodList" and body["apiVersion"] == "v1"
    assert body["metadata"] == {"resourceVersion": "8"}
    assert names(body) == ["a", "b"]
    item = body["items"][0]
    assert "kind" not in item and "apiVersion" not in item
    assert item["metadata"]["resourceVersion"] == "2"
    assert item["spec"]["nodeName"] == "n1"

    everywhere = get(api, "/api/v1/pods")
    assert [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in everywhere["items"]] == [
        ("default", "a"),
        ("default", "b"),
        ("other", "c"),
    ]
    nodes = get(api, "/api/v1/nodes")
    assert nodes["kind"] == "NodeList" and "namespace" not in nodes["items"][0]["metadata"]
    slices = get(api, "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices")
    assert slices["kind"] == "EndpointSliceList"
    assert slices["apiVersion"] == "discovery.k8s.io/v1"
    assert get(api, "/apis/discovery.k8s.io/v1/endpointslices")["items"][0]["addressType"] == "IPv4"
    for path, kind in [
        ("/api/v1/namespaces/default/services", "ServiceList"),
        ("/api/v1/endpoints", "EndpointsList"),
        ("/api/v1/namespaces/default/events", "EventList"),
    ]:
        body = get(api, path)
        assert body["kind"] == kind and len(body["items"]) == 1

    one = get(api, "/api/v1/namespaces/default/pods/a")
    assert one["kind"] == "Pod" and one["metadata"]["name"] == "a"
    status, _, missing = request(api, "/api/v1/namespaces/default/pods/zzz")
    assert status == 404 and missing["reason"] == "NotFound"

    assert get(api, "/version")["gitVersion"] == "v1.31.0-double"
    assert api.get("Pod", "default", "a")["metadata"]["resourceVersion"] == "2"
    assert [o["metadata"]["name"] for o in api.objects("pods")] == ["a", "b", "c"]


def test_pagination_serves_one_snapshot_across_mutations(api: ApiServerDouble) -> None:
    for i in range(5):
        api.create(pod(f"p{i}", labels={"v": "1"}))
    first = get(api, "/api/v1/namespaces/default/pods?limit=2")
    rv = first["metadata"]["resourceVersion"]
    assert names(first) == ["p0", "p1"]
    assert first["metadata"]["remainingItemCount"] == 3
    token = first["metadata"]["continue"]

    api.delete("Pod", "default", "p2")
    api.create(pod("p2a"))
    api.update(pod("p3", labels={"v": "2"}))
    api.create(pod("p5"))

    second = get(api, f"/api/v1/namespaces/default/pods?limit=2&continue={quote(token)}")
    assert names(second) == ["p2", "p3"]
    assert second["items"][1]["metadata"]["labels"] == {"v": "1"}
    assert second["metadata"]["resourceVersion"] == rv
    assert second["metadata"]["remainingItemCount"] == 1
    third = get(
        api, f"/api/v1/namespaces/default/pods?limit=2&continue={second['metadata']['continue']}"
    )
    assert names(third) == ["p4"]
    assert third["metadata"] == {"resourceVersion": rv}

    fresh = get(api, "/api/v1/namespaces/default/pods?limit=500")
    assert names(fresh) == ["p0", "p1", "p2a", "p3", "p4", "p5"]
    assert fresh["metadata"] == {"resourceVersion": str(api.resource_version)}
    # resourceVersion=0 is served from the watch cache: limit is ignored
    cached = get(api, "/api/v1/namespaces/default/pods?resourceVersion=0&limit=2")
    assert len(cached["items"]) == 6 and "continue" not in cached["metadata"]
    # an exact list at the first snapshot's resourceVersion
    exact = get(
        api, f"/api/v1/namespaces/default/pods?resourceVersion={rv}&resourceVersionMatch=Exact"
    )
    assert names(exact) == ["p0", "p1", "p2", "p3", "p4"]

    api.compact()
    status, _, body = request(api, f"/api/v1/namespaces/default/pods?limit=2&continue={token}")
    assert status == 410 and body["reason"] == "Expired" and body["code"] == 410
    status, _, body = request(api, "/api/v1/namespaces/default/pods?limit=2&continue=garbage")
    assert status == 400 and body["reason"] == "BadRequest"


# --------------------------------------------------------------------------- watch


def test_watch_streams_create_update_delete_as_json_lines(api: ApiServerDouble) -> None:
    rv = api.resource_version
    w = Watch(
        api, f"/api/v1/namespaces/default/pods?watch=true&resourceVersion={rv}&timeoutSeconds=1"
    )
    assert w.resp.status == 200
    assert w.headers["transfer-encoding"] == "chunked"
    assert w.headers["content-type"] == "application/json"
    assert "content-length" not in w.headers
    api.create(pod("a"))
    api.create(pod("elsewhere", ns="other"))  # another namespace: not on this watch
    api.update(pod("a", phase="Failed"))
    api.delete("Pod", "default", "a")
    events = w.take(3)
    assert [e["type"] for e in events] == ["ADDED", "MODIFIED", "DELETED"]
    for e in events:
        assert set(e) == {"type", "object"}
        assert e["object"]["kind"] == "Pod" and e["object"]["apiVersion"] == "v1"
    assert [e["object"]["metadata"]["resourceVersion"] for e in events] == ["1", "3", "4"]
    assert events[1]["object"]["status"]["phase"] == "Failed"
    assert events[2]["object"]["status"]["phase"] == "Failed"  # last state, new rv
    started = time.monotonic()
    assert w.rest() == b""  # timeoutSeconds: the chunked stream ends normally
    assert time.monotonic() - started < 2
    w.close()


def test_watch_resumes_from_resource_version_and_rv0_lists_first(api: ApiServerDouble) -> None:
    api.create(pod("a"))
    mark = api.resource_version
    api.create(pod("b"))
    api.update(pod("a", phase="Succeeded"))
    api.create(node("n1"))  # other kinds share the counter but not the stream
    resumed = Watch(api, f"/api/v1/pods?watch=1&resourceVersion={mark}&timeoutSeconds=1")
    fresh = Watch(api, "/api/v1/pods?watch=true&resourceVersion=0&timeoutSeconds=1")
    unset = Watch(api, "/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1")
    got = resumed.take(2)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in got] == [
        ("ADDED", "b"),
        ("MODIFIED", "a"),
    ]
    for w in (fresh, unset):
        got = w.take(2)
        assert [(e["type"], e["object"]["metadata"]["name"]) for e in got] == [
            ("ADDED", "a"),
            ("ADDED", "b"),
        ]
        assert got[0]["object"]["status"]["phase"] == "Succeeded"
    api.create(pod("c"))
    for w in (resumed, fresh, unset):
        assert w.next()["object"]["metadata"]["name"] == "c"
        assert w.rest() == b""
        w.close()


def test_watch_older_than_compaction_gets_410(api: ApiServerDouble) -> None:
    api.create(pod("a"))
    old = api.resource_version
    api.update(pod("a", phase="Failed"))
    point = api.compact()
    w = Watch(api, f"/api/v1/namespaces/default/pods?watch=true&resourceVersion={old}")
    assert w.resp.status == 200
    assert w.next() == {
        "type": "ERROR",
        "object": {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": f"too old resource version: {old} ({point})",
            "reason": "Expired",
            "code": 410,
        },
    }
    assert w.rest() == b""
    w.close()
    # from the compaction point itself: fine
    ok = Watch(
        api, f"/api/v1/namespaces/default/pods?watch=true&resourceVersion={point}&timeoutSeconds=1"
    )
    api.create(pod("b"))
    assert ok.next()["type"] == "ADDED"
    ok.close()
    # the other flavour: an HTTP 410 Status response
    api.http_410 = True
    status, _, body = request(
        api, f"/api/v1/namespaces/default/pods?watch=true&resourceVersion={old}"
    )
    assert status == 410 and body["reason"] == "Expired" and body["kind"] == "Status"


def test_expire_watches_ends_open_streams_with_410(api: ApiServerDouble) -> None:
    w = Watch(api, "/api/v1/nodes?watch=true&resourceVersion=0")
    assert api.wait_for(lambda: api.open_watches("Node") == 1, timeout=2)
    api.create(node("n1"))
    assert w.next()["type"] == "ADDED"
    assert api.expire_watches() == 1
    err = w.next()
    assert err["type"] == "ERROR" and err["object"]["code"] == 410
    assert err["object"]["reason"] == "Expired"
    assert w.rest() == b""
    w.close()
    assert api.wait_for(lambda: api.open_watches() == 0, timeout=2)


def test_bookmarks_carry_the_current_resource_version(api: ApiServerDouble) -> None:
    api.create(pod("a"))
    rv = api.resource_version
    w = Watch(
        api,
        f"/api/v1/namespaces/default/pods?watch=true&resourceVersion={rv}&allowWatchBookmarks=true&timeoutSeconds=3",
    )
    first = w.next()
    assert first == {
        "type": "BOOKMARK",
        "object": {"kind": "Pod", "apiVersion": "v1", "metadata": {"resourceVersion": str(rv)}},
    }
    api.create(node("n1"))  # moves the global resourceVersion only
    second = w.next()
    assert second["type"] == "BOOKMARK"
    assert second["object"]["metadata"]["resourceVersion"] == str(rv + 1)
    w.close()
    # without allowWatchBookmarks: silence, then a normal end
    quiet = Watch(
        api, f"/api/v1/namespaces/default/pods?watch=true&resourceVersion={rv}&timeoutSeconds=1"
    )
    assert quiet.rest() == b""
    quiet.close()


# --------------------------------------------------------------------------- selectors


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("labelSelector=app%3Dweb", ["web1", "web2"]),
        ("labelSelector=app%3D%3Dweb", ["web1", "web2"]),
        ("labelSelector=app%21%3Dweb", ["db", "bare"]),
        ("labelSelector=app", ["web1", "web2", "db"]),
        ("labelSelector=%21app", ["bare"]),
        ("labelSelector=app%3Dweb,tier%3Dfront", ["web1"]),
        ("labelSelector=" + quote("app in (web, db)"), ["web1", "web2", "db"]),
        ("labelSelector=" + quote("app notin (web)"), ["db", "bare"]),
        ("fieldSelector=status.phase%3DRunning", ["web1", "db"]),
        ("fieldSelector=status.phase%21%3DRunning", ["web2", "bare"]),
        ("fieldSelector=spec.nodeName%3Dn2", ["web2", "db"]),
        ("fieldSelector=metadata.name%3D%3Dbare", ["bare"]),
        ("fieldSelector=spec.nodeName%3Dn2,status.phase%3DRunning", ["db"]),
        ("fieldSelector=spec.nodeName%3Dn2&labelSelector=app%3Dweb", ["web2"]),
    ],
)
def test_list_selectors(api: ApiServerDouble, query: str, expected: list[str]) -> None:
    api.create(pod("web1", labels={"app": "web", "tier": "front"}))
    api.create(pod("web2", labels={"app": "web"}, node="n2", phase="Pending"))
    api.create(pod("db", labels={"app": "db"}, node="n2"))
    api.create(pod("bare", phase="Failed"))
    api.create(pod("web1", ns="other", labels={"app": "web", "tier": "front"}))
    body = get(api, f"/api/v1/namespaces/default/pods?{query}")
    assert sorted(names(body)) == sorted(expected)


def test_selector_edge_cases(api: ApiServerDouble) -> None:
    for i in range(4):
        api.create(pod(f"p{i}", ns="ns1" if i % 2 else "ns2", labels={"n": str(i)}))
    body = get(api, "/api/v1/pods?fieldSelector=metadata.namespace%3Dns1")
    assert names(body) == ["p1", "p3"]
    paged = get(api, "/api/v1/pods?labelSelector=n&limit=3")
    assert len(paged["items"]) == 3 and "remainingItemCount" not in paged["metadata"]
    status, _, bad = request(api, "/api/v1/pods?fieldSelector=spec.foo%3Dx")
    assert status == 400 and bad["reason"] == "BadRequest" and "spec.foo" in bad["message"]
    status, _, bad = request(api, "/api/v1/pods?labelSelector=" + quote("a in b"))
    assert status == 400


def test_watch_selectors_turn_transitions_into_added_and_deleted(api: ApiServerDouble) -> None:
    rv = api.resource_version
    w = Watch(
        api,
        f"/api/v1/namespaces/default/pods?watch=true&resourceVersion={rv}&labelSelector=app%3Dweb&timeoutSeconds=2",
    )
    phase = Watch(
        api,
        f"/api/v1/pods?watch=true&resourceVersion={rv}&fieldSelector=status.phase%3DRunning&timeoutSeconds=2",
    )
    api.create(pod("a", labels={"app": "web"}))
    api.create(pod("b", labels={"app": "db"}))
    api.update(pod("a", labels={"app": "gone"}))  # stops matching
    api.update(pod("b", labels={"app": "web"}))  # starts matching
    api.update(pod("a", labels={"app": "gone", "x": "y"}))  # still not matching
    api.delete("Pod", "default", "b")
    got = w.take(4)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in got] == [
        ("ADDED", "a"),
        ("DELETED", "a"),
        ("ADDED", "b"),
        ("DELETED", "b"),
    ]
    # DELETED on stop-matching: the last matching content, at the change's resourceVersion
    assert got[1]["object"]["metadata"]["labels"] == {"app": "web"}
    assert got[1]["object"]["metadata"]["resourceVersion"] == "3"

    changed = api.mutate("Pod", "default", "a", lambda o: o["status"].update(phase="Failed"))
    assert changed["metadata"]["labels"] == {"app": "gone", "x": "y"}
    seen = phase.take(7)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in seen] == [
        ("ADDED", "a"),
        ("ADDED", "b"),
        ("MODIFIED", "a"),
        ("MODIFIED", "b"),
        ("MODIFIED", "a"),
        ("DELETED", "b"),
        ("DELETED", "a"),
    ]
    assert seen[6]["object"]["status"]["phase"] == "Running"
    w.close()
    phase.close()


# --------------------------------------------------------------------------- errors


def test_forbidden_unavailable_and_throttled(api: ApiServerDouble) -> None:
    api.forbid("Pod")
    status, headers, body = request(api, "/api/v1/namespaces/default/pods")
    assert status == 403 and headers["content-type"] == "application/json"
    assert body == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'pods is forbidden: User "system:serviceaccount:default:podwatch" cannot list resource "pods" in API group "" in the namespace "default"',
        "reason": "Forbidden",
        "details": {"kind": "pods"},
        "code": 403,
    }
    status, _, body = request(api, "/api/v1/pods?watch=true")
    assert status == 403 and "cannot watch resource" in body["message"]
    assert "at the cluster scope" in body["message"]
    assert get(api, "/api/v1/nodes")["kind"] == "NodeList"
    api.forbid("Pod", on=False)
    assert get(api, "/api/v1/pods")["kind"] == "PodList"

    api.unavailable("EndpointSlice")
    status, _, body = request(api, "/apis/discovery.k8s.io/v1/endpointslices?watch=true")
    assert status == 404 and body["reason"] == "NotFound" and body["kind"] == "Status"
    api.unavailable("EndpointSlice", on=False)
    assert get(api, "/apis/discovery.k8s.io/v1/endpointslices")["items"] == []

    api.throttle(2, retry_after=3, kind="Pod")
    for _ in range(2):
        status, headers, body = request(api, "/api/v1/pods")
        assert status == 429 and headers["retry-after"] == "3"
        assert body["reason"] == "TooManyRequests" and body["details"]["retryAfterSeconds"] == 3
        assert get(api, "/api/v1/nodes")["kind"] == "NodeList"  # other kinds pass
    assert get(api, "/api/v1/pods")["kind"] == "PodList"
    api.throttle(1)
    assert request(api, "/version")[0] == 429
    assert request(api, "/version")[0] == 200


def test_unauthorized_method_not_allowed_and_unknown_paths(api: ApiServerDouble) -> None:
    status, _, body = request(api, "/api/v1/pods", auth=False)
    assert status == 401 and body["reason"] == "Unauthorized" and body["code"] == 401
    assert request(api, "/version", token="wrong")[0] == 401
    api.set_token("rotated")
    status, _, body = request(api, "/api/v1/pods", token="test-token")
    assert status == 401 and body["kind"] == "Status"
    assert get(api, "/api/v1/pods", token="rotated")["kind"] == "PodList"

    for method in ("POST", "PUT", "DELETE", "PATCH"):
        status, _, body = request(api, "/api/v1/namespaces/default/pods", method=method, body=b"{}")
        assert status == 405 and body["reason"] == "MethodNotAllowed"
    for path in ("/api/v1/foos", "/apis/apps/v1/foos", "/api/v1/namespaces/x/nodes", "/"):
        status, _, body = request(api, path)
        assert status == 404 and body["reason"] == "NotFound" and body["kind"] == "Status"


# --------------------------------------------------------------------------- connection faults


def test_drop_connections_cuts_watches_without_terminator(api: ApiServerDouble) -> None:
    w = Watch(api, "/api/v1/pods?watch=true&timeoutSeconds=10")
    api.create(pod("a"))
    assert w.next()["type"] == "ADDED"
    assert api.drop_connections() == 1
    with pytest.raises((http.client.IncompleteRead, ConnectionError)):
        w.rest()
    w.close()
    assert api.wait_for(lambda: api.open_watches() == 0, timeout=2)
    assert get(api, "/api/v1/pods")["items"][0]["metadata"]["name"] == "a"


def test_stall_holds_everything_back_then_resumes(api: ApiServerDouble) -> None:
    w = Watch(
        api,
        "/api/v1/namespaces/default/pods?watch=true&allowWatchBookmarks=true&resourceVersion=0&timeoutSeconds=5",
    )
    assert w.next()["type"] == "BOOKMARK"
    api.stall(0.8)
    started = time.monotonic()
    api.create(pod("late"))
    event = w.next()
    assert time.monotonic() - started >= 0.7
    assert event["type"] == "ADDED" and event["object"]["metadata"]["name"] == "late"
    assert api.open_watches() == 1  # never closed
    w.close()


def test_client_disconnect_is_quiet(api: ApiServerDouble, capfd) -> None:
    w = Watch(api, "/api/v1/pods?watch=true&allowWatchBookmarks=true&timeoutSeconds=10")
    assert w.next()["type"] == "BOOKMARK"
    w.resp.close()
    w.close()
    assert api.wait_for(lambda: api.open_watches() == 0, timeout=3)
    assert capfd.readouterr().err == ""


def test_stop_and_start_again_on_the_same_port(api: ApiServerDouble) -> None:
    api.create(pod("a"))
    port = api.port
    w = Watch(api, "/api/v1/pods?watch=true&resourceVersion=0")
    assert w.next()["type"] == "ADDED"
    idle = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    idle.request("GET", "/version", headers={"Authorization": "Bearer test-token"})
    assert idle.getresponse().read()

    api.stop()
    assert not api.running
    with pytest.raises((http.client.IncompleteRead, ConnectionError)):
        w.rest()
    w.close()
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", port), timeout=2),
    ):
        pass
    assert api._threads == set()

    api.start()
    assert api.port == port and api.url == f"http://127.0.0.1:{port}"
    body = get(api, "/api/v1/pods")
    assert names(body) == ["a"] and body["metadata"]["resourceVersion"] == "1"
    # the kept-alive connection was dropped by stop(); a new one works
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        idle.request("GET", "/version", headers={"Authorization": "Bearer test-token"})
        idle.getresponse()
    idle.close()


def test_request_log_and_helpers(api: ApiServerDouble) -> None:
    get(api, "/api/v1/namespaces/default/pods?limit=10&labelSelector=app%3Dweb")
    w = Watch(api, "/api/v1/namespaces/default/pods?watch=true&resourceVersion=0&timeoutSeconds=1")
    assert api.wait_for(lambda: api.open_watches("Pod") == 1, timeout=2)
    assert w.rest() == b""
    w.close()
    request(api, "/api/v1/nodes", method="POST", body=b"{}")
    log = api.requests
    assert [(r.method, r.path, r.kind, r.watch, r.status) for r in log] == [
        ("GET", "/api/v1/namespaces/default/pods", "Pod", False, 200),
        ("GET", "/api/v1/namespaces/default/pods", "Pod", True, 200),
        ("POST", "/api/v1/nodes", "Node", False, 405),
    ]
    assert log[0].query == {"limit": "10", "labelSelector": "app=web"}
    assert log[1].query["resourceVersion"] == "0"
    assert log[0].time <= log[1].time <= log[2].time
    assert api.watch_count("Pod") == 1 and api.watch_count("Node") == 0
    assert api.open_watches() == 0
    started = time.monotonic()
    assert api.wait_for(lambda: False, timeout=0.1) is False
    assert time.monotonic() - started < 1
    api.clear_requests()
    assert api.requests == []


def test_concurrent_requests_are_served(api: ApiServerDouble) -> None:
    for i in range(20):
        api.create(pod(f"p{i:02}"))
    results: list[int] = []

    def worker() -> None:
        for _ in range(5):
            results.append(len(get(api, "/api/v1/pods")["items"]))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == [20] * 40


# --------------------------------------------------------------------------- seeds and real client


def test_load_watch_file_seeds_from_a_capture(api: ApiServerDouble) -> None:
    capture = RECORDINGS / "seed-demo" / "pods.json"
    expected: dict[str, dict] = {}
    for line in capture.read_text().splitlines():
        if line.strip():
            event = json.loads(line)
            key = event["object"]["metadata"]["name"]
            if event["type"] == "DELETED":
                expected.pop(key, None)
            elif event["type"] in ("ADDED", "MODIFIED"):
                expected[key] = event["object"]
    assert api.load_watch_file(capture) > 0
    truth = {o["metadata"]["name"]: o for o in api.objects("Pod")}
    assert truth.keys() == expected.keys()
    for name, obj in truth.items():
        assert obj["status"] == expected[name]["status"]
        assert obj["metadata"]["uid"] == expected[name]["metadata"]["uid"]
    body = get(api, "/api/v1/namespaces/seed-demo/pods")
    assert sorted(names(body)) == sorted(expected)


def test_official_kubernetes_client_talks_to_the_double(api: ApiServerDouble, tmp_path) -> None:
    from kubernetes import client, config

    api.create(pod("a", labels={"app": "web"}))
    api.create(node("n1"))
    kubeconfig = api.write_kubeconfig(tmp_path / "kubeconfig")
    loaded = config.new_client_from_config(str(kubeconfig), persist_config=False)
    v1 = client.CoreV1Api(loaded)

    resp = v1.list_namespaced_pod("default", _preload_content=False, _request_timeout=5)
    body = json.loads(resp.data)
    assert resp.status == 200 and body["kind"] == "PodList" and names(body) == ["a"]
    assert v1.list_node(_request_timeout=5).items[0].metadata.name == "n1"

    rv = body["metadata"]["resourceVersion"]
    stream = v1.list_namespaced_pod(
        "default",
        watch=True,
        resource_version=rv,
        allow_watch_bookmarks=True,
        timeout_seconds=1,
        _preload_content=False,
        _request_timeout=(5, 5),
    )
    api.update(pod("a", phase="Failed"))
    lines = [json.loads(chunk) for chunk in stream.stream() if chunk.strip()]
    assert lines[0]["type"] == "MODIFIED"
    assert lines[0]["object"]["status"]["phase"] == "Failed"
    assert {e["type"] for e in lines[1:]} <= {"BOOKMARK"} and lines[1:]
    watched = [r for r in api.requests if r.watch]
    assert watched[0].query["watch"].lower() == "true"
    assert watched[0].query["allowWatchBookmarks"].lower() == "true"

    with pytest.raises(client.ApiException) as err:
        v1.list_namespaced_pod(
            "default", _request_timeout=5, _preload_content=True, limit=1, _continue="bad"
        )
    assert err.value.status == 400
    api.set_token("other")
    with pytest.raises(client.ApiException) as err:
        v1.list_node(_request_timeout=5)
    assert err.value.status == 401


def test_discovery_documents_name_every_served_resource(double):
    assert get(double, "/api")["versions"] == ["v1"]
    groups = get(double, "/apis")["groups"]
    assert [g["preferredVersion"]["groupVersion"] for g in groups] == [
        "apps/v1",
        "batch/v1",
        "discovery.k8s.io/v1",
    ]
    core = {r["name"]: r for r in get(double, "/api/v1")["resources"]}
    assert set(core) == {"pods", "events", "services", "endpoints", "nodes"}
    assert core["pods"]["namespaced"] and not core["nodes"]["namespaced"]
    assert core["pods"]["verbs"] == ["get", "list", "watch"]
    slices = get(double, "/apis/discovery.k8s.io/v1")["resources"]
    assert [r["kind"] for r in slices] == ["EndpointSlice"]
    apps = get(double, "/apis/apps/v1")["resources"]
    assert [r["name"] for r in apps] == ["deployments", "replicasets", "statefulsets", "daemonsets"]
    batch = get(double, "/apis/batch/v1")["resources"]
    assert [r["kind"] for r in batch] == ["Job", "CronJob"]


def test_anonymous_mode_serves_requests_without_credentials_but_refuses_a_wrong_token():
    server = ApiServerDouble(anonymous=True).start()
    try:
        server.create(pod("p0"))
        status, _, body = request(server, "/api/v1/namespaces/default/pods", auth=False)
        assert status == 200 and [i["metadata"]["name"] for i in body["items"]] == ["p0"]
        status, _, _ = request(server, "/api/v1/namespaces/default/pods", token="wrong")
        assert status == 401
    finally:
        server.stop()
    strict = ApiServerDouble().start()
    try:
        status, _, _ = request(strict, "/api/v1/namespaces/default/pods", auth=False)
        assert status == 401
    finally:
        strict.stop()
