"""Endpoint membership from Endpoints and EndpointSlices; store bookkeeping and bounds."""

from __future__ import annotations

from podwatch.model.store import Store
from podwatch.model.view import pod_detail, service_views
from podwatch.model.watch import WatchEvent, relist_marker
from tests.factories import (
    T0,
    endpoint_slice,
    endpoints,
    event,
    feed,
    pod,
    ready_conditions,
    running,
    service,
    slice_endpoint,
)

WEB = ("default", "web")


def members(store: Store, key=WEB) -> dict[str, str]:
    return {m.service[1]: m.state for m in pod_detail(store, key).memberships}


def test_legacy_endpoints_ready_and_not_ready():
    store = feed(Store(), pod(statuses=[running(ready=False)], conditions=ready_conditions(False)))
    feed(store, endpoints("svc", not_ready=[("10.0.0.5", "web")]))
    assert members(store) == {"svc": "NotReady"}
    feed(store, endpoints("svc", ready=[("10.0.0.5", "web")]), etype="MODIFIED")
    assert members(store) == {"svc": "ready"}
    sv = service_views(store)[0]
    assert [a.ip for a in sv.ready] == ["10.0.0.5"] and sv.source == "Endpoints"


def test_slices_preferred_and_terminating_and_unset_ready():
    store = feed(Store(), pod(statuses=[running()], conditions=ready_conditions()))
    feed(store, endpoints("svc", ready=[("10.0.0.5", "web")]))
    feed(store, endpoint_slice("svc", endpoints_=[slice_endpoint("10.0.0.5", "web", ready=False)]))
    assert members(store) == {"svc": "NotReady"}  # the slice wins over Endpoints
    feed(
        store,
        endpoint_slice(
            "svc",
            endpoints_=[
                slice_endpoint("10.0.0.5", "web", ready=False, serving=True, terminating=True)
            ],
        ),
        etype="MODIFIED",
    )
    assert members(store) == {"svc": "terminating"}
    feed(
        store,
        endpoint_slice("svc", endpoints_=[slice_endpoint("10.0.0.5", "web", ready=None)]),
        etype="MODIFIED",
    )
    assert members(store) == {"svc": "ready"}  # unset means ready (API contract)
    assert service_views(store)[0].addresses[0].state_text == "ready (unset)"


def test_v1beta1_slice_topology_node():
    es = endpoint_slice(
        "svc",
        api="discovery.k8s.io/v1beta1",
        endpoints_=[
            {
                "addresses": ["10.0.0.5"],
                "conditions": {"ready": True},
                "targetRef": {"kind": "Pod", "name": "web", "namespace": "default"},
                "topology": {"kubernetes.io/hostname": "worker-2"},
            }
        ],
    )
    store = feed(Store(), es)
    a = service_views(store)[0].addresses[0]
    assert (a.node, a.ready, a.source) == ("worker-2", True, "EndpointSlice v1beta1")


def test_address_without_target_ref_maps_by_ip():
    store = feed(Store(), pod(statuses=[running()], conditions=ready_conditions()))
    ep = endpoints("svc", ready=[("10.0.0.5", "web")])
    del ep["subsets"][0]["addresses"][0]["targetRef"]
    feed(store, ep)
    assert members(store) == {"svc": "ready"}


def test_selected_but_not_listed():
    store = feed(
        Store(), pod(labels={"app": "web"}, statuses=[running()], conditions=ready_conditions())
    )
    feed(store, service("svc", selector={"app": "web"}), service("other", selector={"app": "x"}))
    assert members(store) == {"svc": "selected, not listed"}


def test_endpoint_change_reported_and_in_timeline():
    store = feed(Store(), pod(statuses=[running()], conditions=ready_conditions()))
    changes = store.apply(
        WatchEvent(1, "Endpoints", "ADDED", endpoints("svc", not_ready=[("10.0.0.5", "web")])),
        T0 + 1,
    )
    assert WEB in changes.pods and ("default", "svc") in changes.services
    texts = [e.text for e in store.timeline.entries(WEB)]
    assert "endpoint in svc: NotReady" in texts


def test_relist_drops_what_disappeared_and_keeps_the_rest():
    store = feed(Store(), pod("a"), pod("b"), pod("c"))
    store.apply(relist_marker(5, "Pod", [("default", "a"), ("default", "c")]), T0 + 5)
    assert set(store.pods) == {("default", "a"), ("default", "c")}
    assert "Pod" in store.synced
    # Its history went with its tombstone: a pod re-created as b starts its own.
    [tomb] = [k for k in store.tombstones if k[:2] == ("default", "b")]
    assert any(e.text == "pod: deleted" for e in store.timeline.entries(tomb))
    assert store.timeline.entries(("default", "b")) == []


def test_deleted_twice_and_modified_before_added_are_harmless():
    store = Store()
    feed(store, pod("x"), etype="MODIFIED")
    assert ("default", "x") in store.pods
    feed(store, pod("x"), etype="DELETED")
    feed(store, pod("x"), etype="DELETED")
    assert ("default", "x") not in store.pods
    store.apply(WatchEvent(0, "Widget", "ADDED", {"kind": "Widget"}), T0)
    store.apply(WatchEvent(0, "Pod", "ADDED", None), T0)
    assert store.ignored == 2


def test_bookmark_and_error_events():
    store = Store()
    store.apply(
        WatchEvent(0, "Pod", "BOOKMARK", {"kind": "Pod", "metadata": {"resourceVersion": "777"}}),
        T0,
    )
    assert store.resource_versions["Pod"] == "777"
    ch = store.apply(
        WatchEvent(
            0,
            "Pod",
            "ERROR",
            {
                "kind": "Status",
                "code": 410,
                "reason": "Expired",
                "message": "too old resource version",
            },
        ),
        T0,
    )
    assert ch.errors == ["Pod: too old resource version"]


def test_events_expire_after_ttl_but_failure_counts_stay():
    store = Store(event_ttl=600)
    feed(store, pod(statuses=[running()], conditions=ready_conditions()))
    feed(store, event("web.1", "web", "Unhealthy", "Readiness probe failed: x", count=2, last=0))
    assert len(store.events) == 1
    feed(store, event("web.2", "web", "Pulled", "pulled", last=700, etype="Normal"), at=700)
    assert set(store.events) == {("default", "web.2")}
    assert store.probe_failures.for_pod(WEB)[("app", "readiness")].total == 2


def test_event_count_is_bounded():
    store = Store(max_events=100)
    for n in range(250):
        feed(store, event(f"e{n}", "web", "Pulled", "x", last=n, etype="Normal"), at=n)
    assert len(store.events) <= 100
    assert ("default", "e249") in store.events


def test_managed_fields_and_last_applied_dropped_at_ingest():
    p = pod()
    p["metadata"]["managedFields"] = [{"manager": "kubectl", "time": "2026-01-01T00:00:00Z"}]
    p["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": "{...}",
        "keep": "me",
    }
    store = feed(Store(), p)
    stored = store.pods[WEB]["metadata"]
    assert "managedFields" not in stored
    assert stored["annotations"] == {"keep": "me"}
    assert "managedFields" in p["metadata"]  # the caller's object is not mutated


def test_recreated_pod_resets_probe_counts():
    store = feed(Store(), pod(uid="one"))
    feed(store, event("web.1", "web", "Unhealthy", "Liveness probe failed: x", count=3))
    feed(store, pod(uid="two"), etype="MODIFIED")
    assert store.probe_failures.for_pod(WEB) == {}
    assert any("re-created" in e.text for e in store.timeline.entries(WEB))


def test_metadata_only_change_keeps_the_derived_summary_and_a_status_change_replaces_it():
    store = feed(Store(), pod(statuses=[running()], conditions=ready_conditions()))
    before = store.summaries[WEB]
    entries = len(store.timeline.entries(WEB))
    relabelled = pod(statuses=[running()], conditions=ready_conditions(), labels={"team": "x"})
    feed(store, relabelled, etype="MODIFIED")
    assert store.summaries[WEB] is before
    assert store.pods[WEB]["metadata"]["labels"] == {"team": "x"}
    assert len(store.timeline.entries(WEB)) == entries
    feed(
        store,
        pod(statuses=[running(ready=False)], conditions=ready_conditions(False)),
        etype="MODIFIED",
    )
    assert store.summaries[WEB] is not before
    assert store.summaries[WEB].ready_text == "0/1"
    assert len(store.timeline.entries(WEB)) > entries


def test_an_event_modified_many_times_keeps_the_expiry_heap_small():
    store = Store()
    for n in range(6000):
        feed(
            store,
            event("web.1", "web", "Pulled", "x", count=n + 1, last=n, etype="Normal"),
            etype="MODIFIED",
            at=n * 0.01,
        )
    assert len(store.events) == 1
    assert len(store._expiry) <= 4 * 1024 + 1  # compacted, not one entry per update


def test_stored_pods_keep_what_panes_show_and_drop_env_mounts_volumes():
    from tests.factories import container

    p = pod(
        containers=[
            container(
                env=[{"name": "PASSWORD", "value": "hunter2"}],
                volumeMounts=[{"name": "v", "mountPath": "/x"}],
                readinessProbe={"exec": {"command": ["true"]}},
                resources={"limits": {"cpu": "1"}},
            )
        ]
    )
    p["spec"]["volumes"] = [{"name": "v", "emptyDir": {}}]
    store = feed(Store(), p)
    stored = store.pods[WEB]["spec"]
    assert "volumes" not in stored
    c = stored["containers"][0]
    assert "env" not in c and "volumeMounts" not in c
    assert c["readinessProbe"] and c["resources"] and c["image"]
    assert (
        p["spec"]["containers"][0]["env"][0]["value"] == "hunter2"
    )  # the caller's object untouched


def test_an_address_state_is_read_from_its_conditions_not_from_its_text():
    from podwatch.model.endpoints import EndpointState, addresses_from_slice

    cases = [
        # (ready, serving, terminating) -> state, text
        ((True, None, None), EndpointState.READY, "ready"),
        ((None, None, None), EndpointState.READY, "ready (unset)"),
        ((False, None, None), EndpointState.NOT_READY, "NotReady"),
        ((False, True, True), EndpointState.TERMINATING, "terminating (serving)"),
        ((True, False, True), EndpointState.TERMINATING, "terminating"),
    ]
    for (ready, serving, terminating), state, text in cases:
        es = endpoint_slice(
            "svc",
            endpoints_=[
                slice_endpoint(
                    "10.0.0.5", "web", ready=ready, serving=serving, terminating=terminating
                )
            ],
        )
        (address,) = addresses_from_slice(es)
        assert (address.state, address.state_text) == (state, text)
        store = feed(Store(), pod(statuses=[running()], conditions=ready_conditions()), es)
        (membership,) = store.memberships(WEB)
        assert membership.state == state.value
        sv = service_views(store)[0]
        assert (address.ip in [a.ip for a in sv.ready]) is (state is EndpointState.READY)


def test_a_batch_applies_each_event_at_its_time_and_merges_what_it_touched():
    events = [
        WatchEvent(0.0, "Pod", "ADDED", pod()),
        WatchEvent(1.5, "Service", "ADDED", service("svc", selector={"app": "web"})),
        WatchEvent(2.0, "Endpoints", "ADDED", endpoints("svc", ready=[("10.0.0.5", "web")])),
        WatchEvent(3.0, "Node", "BOOKMARK", {"metadata": {"resourceVersion": "77"}}),
    ]
    one_by_one = Store()
    for ev in events:
        one_by_one.apply(ev, T0 + ev.t)
    store = Store()
    changes = store.apply_all(events, T0)
    assert store.now == T0 + 3.0
    assert changes.events == 4 and changes.kinds == {"Pod", "Service", "Endpoints"}
    assert changes.pods == {WEB} and changes.services == {("default", "svc")}
    assert store.pods == one_by_one.pods and members(store) == members(one_by_one)
    assert store.resource_versions == one_by_one.resource_versions
    more = store.apply_all([WatchEvent(4.0, "Pod", "DELETED", pod())], T0, changes)
    assert more is changes and changes.events == 5 and store.pods == {}
