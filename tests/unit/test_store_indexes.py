"""Deleting an object leaves nothing of it in the store's indexes: no ghost Service in the
Services view, no pod on a node, no Event about a pod, no membership."""

from __future__ import annotations

import copy

import pytest

from podwatch.model.index import Index
from podwatch.model.pods import summarize
from podwatch.model.store import Store
from podwatch.model.view import node_rows, pod_detail, service_views
from podwatch.model.watch import WatchEvent, relist_marker
from tests.factories import (
    T0,
    endpoint_slice,
    endpoints,
    event,
    feed,
    last_terminated,
    node,
    pod,
    ready_conditions,
    running,
    service,
    slice_endpoint,
)
from tests.invariants import index_problems, leftovers

SVC = ("default", "svc")


def everything() -> list[dict]:
    """One object of every kind the store holds, related to each other."""
    return [
        node("node-1", taints=[{"key": "k", "effect": "NoExecute"}]),
        pod(
            statuses=[running(restarts=1, last=last_terminated())],
            conditions=ready_conditions(),
            labels={"app": "web"},
        ),
        pod("pending", node="", ip="", labels={"app": "web"}),
        service("svc", selector={"app": "web"}),
        endpoints("svc", ready=[("10.0.0.5", "web")]),
        endpoint_slice("svc", endpoints_=[slice_endpoint("10.0.0.5", "web", ready=False)]),
        event("web.1", "web", "Unhealthy", "Readiness probe failed: x", count=3),
        event(
            "pending.1", "pending", "FailedScheduling", "0/1 nodes are available", container=None
        ),
    ]


def populated() -> tuple[Store, list[dict]]:
    """A store holding `everything()`, the web pod's readiness flipped once."""
    objs = everything()
    store = feed(Store(), *objs)
    flipped = pod(statuses=[running(ready=False)], conditions=ready_conditions(False))
    feed(store, flipped, etype="MODIFIED")
    return store, objs


def deleted(obj: dict) -> WatchEvent:
    return WatchEvent(1.0, obj["kind"], "DELETED", obj)


def test_index_forgets_a_key_with_its_last_value():
    index: Index[str, int] = Index()
    index.add("a", 1)
    index.add("a", 2)
    index.move(2, "a", "b")
    assert set(index.get("a")) == {1} and set(index.get("b")) == {2}
    index.discard("a", 1)
    index.move(2, "b", None)
    assert "a" not in index and "b" not in index and len(index) == 0
    assert index.get("a") == frozenset()
    index.discard("nothing", 1)  # unknown keys are no error
    assert index.pop("nothing") == set()


def test_a_deleted_service_and_its_slices_leave_the_services_view():
    svc = service("svc", selector={"app": "web"})
    es = endpoint_slice("svc", endpoints_=[slice_endpoint("10.0.0.5", "web")])
    store = feed(Store(), svc, es)
    assert [sv.key for sv in service_views(store)] == [SVC]
    feed(store, es, svc, etype="DELETED")
    assert store.service_keys() == set()
    assert service_views(store) == []
    assert leftovers(store) == {}


def test_a_slice_moved_to_another_service_leaves_the_first():
    es = endpoint_slice("svc", endpoints_=[slice_endpoint("10.0.0.5", "web")])
    store = feed(Store(), es)
    moved = endpoint_slice("other", name=es["metadata"]["name"])
    feed(store, moved, etype="MODIFIED")
    assert store.service_keys() == {("default", "other")}
    assert index_problems(store) == []


@pytest.mark.parametrize("first", ["Pod", "Event", "Service", "Endpoints", "EndpointSlice", "Node"])
def test_deleting_every_object_in_any_order_leaves_empty_indexes(first):
    """Each kind deleted first (the others after), so that every kind's deletion runs
    while the objects it relates to are still there."""
    store, objs = populated()
    assert index_problems(store) == []
    assert {"_risk_due", "_ready_flips", "_members", "_slices_by_service"} <= set(leftovers(store))
    ordered = [o for o in objs if o["kind"] == first] + [o for o in objs if o["kind"] != first]
    for n, obj in enumerate(ordered):
        store.apply(deleted(obj), T0 + 1 + n)
        assert index_problems(store) == [], obj["kind"]
    assert not (store.pods or store.services or store.endpoints or store.slices)
    assert not (store.nodes or store.events)
    assert leftovers(store) == {}
    assert store.service_keys() == set()
    assert service_views(store) == [] and node_rows(store) == []


def test_deleting_a_pod_drops_it_from_its_node_its_services_and_its_risks():
    store, _objs = populated()
    web = ("default", "web")
    assert store.pods_on_node("node-1") == {web}
    assert [m.service for m in store.memberships(web)] == [SVC]
    feed(store, pod(), etype="DELETED", at=1)
    assert store.pods_on_node("node-1") == set()
    assert store.memberships(web) == []
    assert web not in store._risk_due
    assert index_problems(store) == []


def test_objects_gone_while_away_are_deleted_by_the_relist_and_forgotten():
    store, _objs = populated()
    for n, kind in enumerate(("Event", "Pod", "Service", "Endpoints", "EndpointSlice", "Node")):
        store.apply(relist_marker(1, kind, []), T0 + 1 + n)
    assert leftovers(store) == {}
    assert store.service_keys() == set()


def test_an_event_about_another_pod_moves_in_the_index():
    store = feed(Store(), pod(), pod("other", ip="10.0.0.6"))
    ev = event("e.1", "web", "Pulled", "pulled", container=None)
    feed(store, ev)
    feed(store, event("e.1", "other", "Pulled", "pulled", container=None), etype="MODIFIED")
    assert store.pod_events(("default", "web")) == []
    assert [e.key for e in store.pod_events(("default", "other"))] == [("default", "e.1")]
    assert index_problems(store) == []
    detail = pod_detail(store, ("default", "web"))
    assert detail is not None and detail.events == []


def test_failures_of_a_pod_never_listed_go_with_its_last_event():
    """Events are not filtered by `-l`: a pod outside the scope must not keep counts (or a
    risk timer) for good. One that is listed after its Events gets both."""
    store = Store()
    liveness = event("out.1", "out", "Unhealthy", "Liveness probe failed: 500", count=2)
    feed(store, liveness)
    assert store.probe_failures.for_pod(("default", "out"))  # counted: the pod may come
    feed(store, liveness, etype="DELETED", at=1)
    assert leftovers(store) == {}

    early = event("web.1", "web", "Unhealthy", "Liveness probe failed: 500", count=3)
    feed(store, early, at=2)
    assert index_problems(store) == []  # no risk timer for a pod not held
    feed(store, pod(statuses=[running()], conditions=ready_conditions()), at=3)
    web = ("default", "web")
    assert store.probe_failures.for_pod(web)[("app", "liveness")].total == 3
    assert store.risk_expired(T0 + 299) == set()
    assert store.risk_expired(T0 + 301) == {web}  # the failure's risk ends on time


def test_a_changed_grace_period_is_a_changed_deletion():
    doomed = pod(statuses=[running()], conditions=ready_conditions())
    doomed["metadata"]["deletionTimestamp"] = "2026-09-21T12:00:30Z"
    doomed["metadata"]["deletionGracePeriodSeconds"] = 30
    store = feed(Store(), doomed)
    sooner = copy.deepcopy(doomed)
    sooner["metadata"]["deletionGracePeriodSeconds"] = 0
    feed(store, sooner, etype="MODIFIED", at=1)
    assert store.summaries[("default", "web")] == summarize(sooner)
    assert store.summaries[("default", "web")].deleting != summarize(doomed).deleting
