"""Tombstones (issue 13, item 1): a deleted or evicted pod stays, marked, with its last
state and timeline; bounded in number and, live, in time; a re-created name is a new
row; the store's indexes hold nothing of it but its own entry."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from podwatch.kube.source import ReplaySource
from podwatch.model.k8s import parse_time
from podwatch.model.pods import Health
from podwatch.model.store import Store
from podwatch.model.tombstones import DEFAULT_KEEP_DELETED, DEFAULT_MAX_TOMBSTONES, Gone
from podwatch.model.view import (
    needs_a_look,
    node_rows,
    pod_detail,
    pod_row,
    pod_rows,
    service_views,
)
from podwatch.model.watch import WatchEvent
from podwatch.recording import read_recording
from tests.factories import (
    T0,
    cond,
    endpoints,
    event,
    feed,
    pod,
    ready_conditions,
    running,
    service,
)
from tests.invariants import index_problems, leftovers
from tests.recordings import recordings_dir

SEED = recordings_dir() / "seed-demo"
NS = "seed-demo"
WEB = ("default", "web")


def healthy(name: str = "web", **kw) -> dict:
    return pod(name, statuses=[running()], conditions=ready_conditions(), **kw)


def tombs_of(store: Store, name: str, namespace: str = "default") -> list:
    return [k for k in store.tombstones if k[:2] == (namespace, name)]


def the_tomb(store: Store, name: str, namespace: str = "default"):
    [key] = tombs_of(store, name, namespace)
    return key


def detail_problems(detail) -> list[str]:
    from podwatch.render import problem_items

    return [t.plain for t in problem_items(detail)]


def texts(store: Store, key) -> list[str]:
    return [e.text for e in store.timeline.entries(key)]


# --------------------------------------------------------------------------- the seed capture


def seed_store(at_rfc3339: str | None = None) -> Store:
    """The seed-demo capture (every file, as `podwatch replay seed-demo/*.json`), at a
    wall-clock moment or at its end."""
    rec = read_recording(sorted(str(p) for p in SEED.glob("*.json")))
    src = ReplaySource(rec, paused=True)
    at = parse_time(at_rfc3339) - rec.started if at_rfc3339 else rec.duration
    src.seek(at)
    return src.store


AFTER_EVICTIONS = "2026-11-22T07:45:30Z"
"""After the NoExecute taint (07:44:51) evicted the pods on worker-2, and after the
tolerating pod's 30 s ran out (07:45:21)."""


def test_the_pods_the_taint_evicted_stay_with_their_timeline_after_eviction():
    store = seed_store(AFTER_EVICTIONS)
    evicted = {
        "pod2-without-no-execute",
        "pod-readiness-exec1",
        "pod-liveness-httpget1",
        "qos-guaranteed",
        "pod1-with-no-execute",
    }
    gone = {k[1]: store.tombstones[k] for k in store.tombstones}
    assert set(gone) == evicted  # every pod of worker-2, none of the others
    assert not any((NS, name) in store.pods for name in evicted)
    for name, tomb in gone.items():
        row = pod_row(store, tomb.key)
        assert row is not None and row.gone is not None, name
        # The taint manager said so; for pod-readiness-exec1 its Event came after the
        # DELETED (resourceVersion 1989 > 1987), and still counts.
        assert row.gone.evicted and row.gone.word == "Evicted", name
        assert row.gone.evicted_by.startswith("TaintManagerEviction: Marking for deletion")
        assert row.summary.node == "worker-2"

    key = gone["pod2-without-no-execute"].key
    detail = pod_detail(store, key)
    assert detail is not None and detail.gone is not None
    assert detail.why.startswith("Evicted ")
    # The last why line as it read when the pod went: the taint that evicted it.
    assert "Last known: Being evicted: untolerated NoExecute taint out-of-disk=True:NoExecute" in (
        detail.why
    )
    entries = [e.text for e in detail.timeline]
    assert entries[0].startswith("first seen")  # its whole life, not only its end
    assert "pod: deleted" in entries
    assert "status: Running → Terminating" in entries
    assert [e.reason for e in detail.events if e.reason == "TaintManagerEviction"]
    assert [t.taint.text for t in detail.taints if not t.tolerated] == [
        "out-of-disk=True:NoExecute"
    ]
    assert detail.containers[0].state == "running"  # its last known state
    assert index_problems(store) == []


def test_the_tolerating_pod_evicted_when_its_30s_ran_out_is_evicted_not_deleted():
    """Its "Cancelling deletion" Event came after it was gone: the eviction stands."""
    store = seed_store(AFTER_EVICTIONS)
    key = the_tomb(store, "pod1-with-no-execute", NS)
    tomb = store.tombstones[key]
    assert [
        e.message.split(" Pod")[0] for e in tomb.sorted_events() if e.reason.startswith("Taint")
    ] == [
        "Marking for deletion",
        "Cancelling deletion of",
    ]
    assert tomb.gone.evicted
    detail = pod_detail(store, key)
    assert detail is not None
    assert "Toleration of NoExecute taint out-of-disk=True:NoExecute expired" in detail.why


def test_an_evicted_pod_is_in_no_service_endpoints_and_counts_apart():
    store = seed_store(AFTER_EVICTIONS)
    key = the_tomb(store, "pod-readiness-exec1", NS)
    # Its Service no longer lists it (the endpoints controller dropped it as it went
    # Terminating, before the DELETED); its timeline says so.
    readiness = next(v for v in service_views(store) if v.key == (NS, "svc-readiness"))
    assert [a.pod for a in readiness.addresses] == [(NS, "pod1")]
    assert store.memberships((NS, "pod-readiness-exec1")) == []
    detail = pod_detail(store, key)
    assert detail is not None and detail.memberships == []
    assert "endpoint in svc-readiness: ready → removed" in [e.text for e in detail.timeline]
    assert "in no Service's endpoints now" in detail.gaps["endpoints"]
    # Nodes count live pods: worker-2 has none left, and none unhealthy.
    worker2 = next(r for r in node_rows(store) if r.view.name == "worker-2")
    assert (worker2.pods, worker2.unhealthy) == (0, 0)


def test_before_the_eviction_there_is_no_tombstone():
    store = seed_store("2026-11-22T07:44:40Z")
    assert store.tombstones == {}
    assert (NS, "pod2-without-no-execute") in store.pods


# --------------------------------------------------------------------------- deleted or evicted


def test_a_pod_deleted_without_evidence_of_eviction_is_deleted():
    store = feed(Store(), healthy())
    feed(store, event("web.1", "web", "Killing", "Stopping container app", etype="Normal"), at=1)
    feed(store, healthy(), etype="DELETED", at=2)
    key = the_tomb(store, "web")
    assert key == ("default", "web", "uid-default-web")
    row = pod_row(store, key)
    assert row is not None and row.gone == Gone(T0 + 2)
    store.now = T0 + 182
    assert row.gone.text(store.now) == "deleted 3m ago"
    detail = pod_detail(store, key)
    assert detail is not None and detail.why.startswith("Deleted 3m ago. Last known: Ready")
    assert not needs_a_look(row)  # a healthy pod deleted: history, not a problem


def test_the_kubelets_eviction_is_read_from_the_status_reason():
    path = recordings_dir() / "real-objects" / "pod-evicted-ephemeral-storage.json"
    obj = json.loads(Path(path).read_text())
    obj = obj["items"][0] if obj.get("kind") == "List" else obj
    store = feed(Store(), obj)
    feed(store, obj, etype="DELETED", at=5)
    [key] = store.tombstones
    row = pod_row(store, key)
    assert row is not None and row.gone is not None
    assert row.gone.evicted_by.startswith("status Evicted: The node was low on resource")
    assert row.gone.text(T0 + 17) == "Evicted 12s ago"
    assert needs_a_look(row)


def test_a_disruption_target_or_a_kubelet_event_says_evicted():
    drained = pod(
        statuses=[running()],
        conditions=[
            *ready_conditions(),
            {
                **cond("DisruptionTarget", "True"),
                "reason": "EvictionByEvictionAPI",
                "message": "Eviction API: evicting",
            },
        ],
    )
    store = feed(Store(), drained)
    feed(store, drained, etype="DELETED", at=1)
    assert store.tombstones[the_tomb(store, "web")].gone.evicted_by == (
        "DisruptionTarget EvictionByEvictionAPI: Eviction API: evicting"
    )
    store = feed(Store(), healthy())
    feed(store, event("web.2", "web", "Evicted", "The node was low on resource: memory."))
    feed(store, healthy(), etype="DELETED", at=1)
    assert store.tombstones[the_tomb(store, "web")].gone.evicted_by == (
        "Evicted: The node was low on resource: memory."
    )


def test_a_cancelled_taint_eviction_then_a_deletion_is_a_deletion():
    store = feed(Store(), healthy())
    marking = event("w.1", "web", "TaintManagerEviction", "Marking for deletion Pod default/web")
    cancel = event("w.2", "web", "TaintManagerEviction", "Cancelling deletion of Pod default/web")
    feed(store, marking, cancel, at=1)
    feed(store, healthy(), etype="DELETED", at=60)
    assert not store.tombstones[the_tomb(store, "web")].gone.evicted


# --------------------------------------------------------------------------- re-created


def test_a_pod_re_created_under_the_same_name_is_a_new_row():
    store = feed(Store(), healthy(uid="one"))
    feed(store, event("web.1", "web", "Unhealthy", "Liveness probe failed: 500", count=2), at=1)
    store.events[("default", "web.1")].involved_uid = "one"
    old = copy.deepcopy(store.pods[WEB])
    feed(store, healthy(uid="one"), etype="DELETED", at=2)
    feed(store, healthy(uid="two"), at=3)
    feed(store, event("web.2", "web", "Started", "Started", etype="Normal", uid="e2"), at=3)
    store.events[("default", "web.2")].involved_uid = "two"

    rows = pod_rows(store)
    assert [(r.summary.key, r.summary.uid, r.gone is not None) for r in rows] == [
        (WEB, "two", False),
        (("default", "web", "one"), "one", True),
    ]
    tomb = store.tombstones[("default", "web", "one")]
    assert tomb.pod == old
    # Each has its own history and its own Events.
    assert texts(store, WEB)[0].startswith("first seen")
    assert "pod: deleted" not in texts(store, WEB)
    assert "pod: deleted" in texts(store, tomb.key)
    live = pod_detail(store, WEB)
    gone = pod_detail(store, tomb.key)
    assert live is not None and gone is not None
    assert [e.reason for e in live.events] == ["Started"]
    assert [e.reason for e in gone.events] == ["Unhealthy"]
    # The old pod's probe failures are its tombstone's, not the new pod's.
    assert [(p.probe, p.failures_total) for p in gone.probes] == [("liveness", 2)]
    assert pod_row(store, tomb.key).probe_failures == {"liveness": 2}
    assert pod_row(store, WEB).probe_failures == {} and live.probes == []
    assert index_problems(store) == []


def test_a_new_uid_without_a_deleted_buries_the_old_pod_too():
    """A re-list or a kubectl capture can miss the DELETED: the new uid says it."""
    store = feed(Store(), healthy(uid="one"))
    feed(store, healthy(uid="two"), etype="MODIFIED", at=5)
    assert [k for k in store.tombstones] == [("default", "web", "one")]
    assert store.pods[WEB]["metadata"]["uid"] == "two"
    assert any("re-created" in t for t in texts(store, WEB))
    assert index_problems(store) == []


def test_a_pod_that_comes_back_with_its_uid_was_not_gone():
    store = feed(Store(), healthy())
    feed(store, healthy(), etype="DELETED", at=1)
    assert store.tombstones
    feed(store, healthy(), at=2)
    assert not store.tombstones and WEB in store.pods
    assert "pod: deleted" in texts(store, WEB)  # its history came back with it
    assert index_problems(store) == []


# --------------------------------------------------------------------------- bounds


def test_tombstones_are_bounded_the_oldest_dropped_first():
    store = Store()
    n = DEFAULT_MAX_TOMBSTONES + 20
    for i in range(n):
        feed(store, healthy(f"p{i:04d}", ip=""), at=i)
        feed(store, healthy(f"p{i:04d}", ip=""), etype="DELETED", at=i)
    assert len(store.tombstones) == DEFAULT_MAX_TOMBSTONES
    names = [k[1] for k in store.tombstones]
    assert names[0] == "p0020" and names[-1] == f"p{n - 1:04d}"
    # The dropped ones left nothing: no history, no index entry.
    assert store.timeline.entries(("default", "p0000", "uid-default-p0000")) == []
    assert index_problems(store) == []
    assert len(pod_rows(store)) == DEFAULT_MAX_TOMBSTONES


def test_a_smaller_bound_and_pods_in_services_keep_the_indexes_clean():
    """Each pod is deleted while its Service still lists it (the endpoints controller
    lags): the tombstone says how it was listed; the Service's own list is the cluster's."""
    store = Store(max_tombstones=3)
    svc = service("svc", selector={"app": "web"})
    feed(store, svc)
    for i in range(8):
        name, ip = f"w{i}", f"10.0.0.{i + 10}"
        feed(store, healthy(name, ip=ip, labels={"app": "web"}), at=i)
        feed(store, endpoints("svc", ready=[(ip, name)]), etype="MODIFIED", at=i)
        feed(store, event(f"{name}.1", name, "Unhealthy", "Readiness probe failed: x"), at=i)
        feed(store, healthy(name, ip=ip), etype="DELETED", at=i)
        assert index_problems(store) == []
    assert [k[1] for k in store.tombstones] == ["w5", "w6", "w7"]
    detail = pod_detail(store, the_tomb(store, "w7"))
    assert detail is not None
    assert [(m.service[1], m.state) for m in detail.memberships] == [("svc", "was ready")]
    assert detail.why.startswith("Deleted 0s ago. Last known: Ready; ready in Service svc.")
    # Not as a live member: no "NotReady in svc" problem, no "selected, not listed".
    assert not [p for p in detail_problems(detail) if "svc" in p]
    # Everything else deleted: only the tombstones are left, holding no index entry.
    for i in range(8):
        feed(store, event(f"w{i}.1", f"w{i}", "Unhealthy", "x"), etype="DELETED", at=9)
    feed(store, endpoints("svc"), svc, etype="DELETED", at=9)
    assert leftovers(store) == {} and len(store.tombstones) == 3
    assert index_problems(store) == []


# --------------------------------------------------------------------------- the live window


def test_live_a_tombstone_stays_for_the_window_then_goes_by_the_store_clock():
    store = feed(Store(), healthy(), healthy("other", ip="10.0.0.6"))
    assert store.keep_deleted == DEFAULT_KEEP_DELETED == 900
    feed(store, healthy(), etype="DELETED", at=10)
    key = the_tomb(store, "web")
    store.now = T0 + 10 + 899
    assert store.expire_tombstones() == set() and key in store.tombstones
    assert pod_row(store, key).gone.text(store.now) == "deleted 14m ago"
    store.now = T0 + 10 + 900
    assert store.expire_tombstones() == {key}
    assert not store.tombstones and index_problems(store) == []
    assert store.timeline.entries(key) == []
    # An event arriving later expires them too (no tick needed).
    feed(store, healthy("other", ip="10.0.0.6"), etype="DELETED", at=1000)
    changes = store.apply(WatchEvent(0, "Pod", "ADDED", healthy("x", ip="")), T0 + 1900)
    assert ("default", "other", "uid-default-other") in changes.pods
    assert not store.tombstones


def test_a_replay_keeps_them_for_the_whole_recording_and_zero_keeps_none():
    replay = Store(keep_deleted=None)
    feed(replay, healthy())
    feed(replay, healthy(), etype="DELETED", at=1)
    replay.now = T0 + 10 * 24 * 3600
    assert replay.expire_tombstones() == set() and len(replay.tombstones) == 1
    off = feed(Store(keep_deleted=0), healthy())
    feed(off, healthy(), etype="DELETED", at=1)
    assert not off.tombstones and index_problems(off) == []


def test_the_health_a_tombstone_keeps_is_its_last_and_never_counts_as_live():
    store = feed(
        Store(), pod("bad", statuses=[running(ready=False)], conditions=ready_conditions(False))
    )
    feed(store, pod("bad"), etype="DELETED", at=1)
    [row] = pod_rows(store)
    assert row.gone is not None and row.health == Health.UNHEALTHY
    assert needs_a_look(row)  # it was unhealthy when it went
    assert pod_rows(store, gone=False) == []


def test_events_that_name_no_uid_go_with_the_pod_they_came_with():
    """The taint manager and the scheduler name no uid: an Event seen while the old pod
    lived (or just after it went) is its tombstone's; one after the name came back is
    the new pod's."""

    def uidless(name: str, reason: str, at: float) -> dict:
        ev = event(name, "web", reason, reason, etype="Normal", container=None, last=at)
        del ev["involvedObject"]["uid"]
        return ev

    store = feed(Store(), healthy(uid="one"))
    feed(store, uidless("web.a", "Killing", 1), at=1)
    feed(store, healthy(uid="one"), etype="DELETED", at=2)
    feed(store, uidless("web.b", "TaintManagerEviction", 3), at=3)  # late, still its
    feed(store, healthy(uid="two"), at=20)
    feed(store, uidless("web.c", "Scheduled", 20), at=20)
    tomb = pod_detail(store, ("default", "web", "one"))
    live = pod_detail(store, WEB)
    assert tomb is not None and live is not None
    assert [e.reason for e in tomb.events] == ["Killing", "TaintManagerEviction"]
    assert [e.reason for e in live.events] == ["Scheduled"]
