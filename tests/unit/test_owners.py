"""Owner chains and rollout states (model/owners.py) on crafted workload objects, as
`kubectl rollout status` and `kubectl get deploy,rs,sts,ds,job` read them."""

from __future__ import annotations

from podwatch.model.owners import owner_chain, rollout
from podwatch.model.store import Store
from podwatch.model.view import pod_detail
from tests.factories import feed, pod

UID = iter(range(1, 10_000))


def owner_ref(kind: str, name: str, controller: bool = True) -> dict:
    api = "batch/v1" if kind in ("Job", "CronJob") else "apps/v1"
    return {
        "apiVersion": api,
        "kind": kind,
        "name": name,
        "uid": f"u-{name}",
        "controller": controller,
    }


def workload(kind: str, name: str, *, spec=None, status=None, owner=None, generation=1, **meta):
    api = "batch/v1" if kind in ("Job", "CronJob") else "apps/v1"
    m = {"name": name, "namespace": "shop", "uid": f"u-{name}", "generation": generation, **meta}
    if owner is not None:
        m["ownerReferences"] = [owner_ref(*owner)]
    return {
        "apiVersion": api,
        "kind": kind,
        "metadata": m,
        "spec": spec or {},
        "status": status or {},
    }


def deployment(name="web", replicas=3, generation=2, observed=2, conditions=(), **status):
    return workload(
        "Deployment",
        name,
        spec={"replicas": replicas, "selector": {"matchLabels": {"app": name}}},
        status={"observedGeneration": observed, "conditions": list(conditions), **status},
        generation=generation,
    )


def replica_set(name, revision, deploy="web", replicas=3, **status):
    return workload(
        "ReplicaSet",
        name,
        spec={"replicas": replicas},
        status=status,
        owner=("Deployment", deploy),
        annotations={"deployment.kubernetes.io/revision": str(revision)},
    )


def owned_pod(name, kind, owner):
    p = pod(name, namespace="shop", labels={"app": "web"})
    p["metadata"]["ownerReferences"] = [owner_ref(kind, owner)]
    return p


def test_a_settled_deployment_reads_as_kubectl_get_deploy():
    d = rollout(
        "Deployment",
        deployment(updatedReplicas=3, readyReplicas=3, availableReplicas=3),
    )
    assert (d.desired, d.updated, d.ready, d.available) == (3, 3, 3, 3)
    assert d.settled and not d.stuck and d.words == []
    assert d.text == "3 desired, 3 updated, 3 ready, 3 available"


def test_a_rollout_past_its_deadline_is_stuck():
    d = rollout(
        "Deployment",
        deployment(
            updatedReplicas=1,
            readyReplicas=2,
            availableReplicas=2,
            conditions=[
                {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"},
                {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
            ],
        ),
    )
    assert d.stuck and not d.settled
    assert d.text == "3 desired, 1 updated, 2 ready, 2 available; ProgressDeadlineExceeded"


def test_a_rollout_in_progress_and_one_not_yet_observed():
    going = rollout(
        "Deployment", deployment(updatedReplicas=2, readyReplicas=3, availableReplicas=3)
    )
    assert not going.settled and not going.stuck and going.words == ["rolling out"]
    lagging = rollout(
        "Deployment",
        deployment(
            generation=3, observed=2, updatedReplicas=3, readyReplicas=3, availableReplicas=3
        ),
    )
    assert lagging.words == ["spec not yet observed by its controller"] and not lagging.settled
    paused = deployment(updatedReplicas=3, readyReplicas=3, availableReplicas=3)
    paused["spec"]["paused"] = True
    assert rollout("Deployment", paused).words == ["paused"]


def test_statefulset_daemonset_job_and_cronjob_states():
    sts = workload(
        "StatefulSet",
        "db",
        spec={"replicas": 3},
        status={
            "readyReplicas": 2,
            "availableReplicas": 2,
            "updatedReplicas": 1,
            "currentRevision": "db-1",
            "updateRevision": "db-2",
        },
    )
    assert rollout("StatefulSet", sts).text == (
        "3 desired, 1 updated, 2 ready, 2 available; rolling out db-2 (from db-1)"
    )
    ds = workload(
        "DaemonSet",
        "agent",
        status={
            "desiredNumberScheduled": 4,
            "updatedNumberScheduled": 4,
            "numberReady": 3,
            "numberAvailable": 3,
            "numberMisscheduled": 1,
        },
    )
    state = rollout("DaemonSet", ds)
    assert (state.desired, state.ready) == (4, 3) and not state.settled
    assert "1 on nodes they should not run on" in state.words
    failed = workload(
        "Job",
        "migrate",
        spec={"completions": 1, "backoffLimit": 2},
        status={
            "failed": 3,
            "conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"}],
        },
    )
    job = rollout("Job", failed)
    assert job.stuck and job.text == (
        "1 desired; 0 active, 0 succeeded, 3 failed; Failed (BackoffLimitExceeded)"
    )
    cron = workload(
        "CronJob", "nightly", spec={"schedule": "0 3 * * *", "suspend": True}, status={}
    )
    assert rollout("CronJob", cron).text == "schedule 0 3 * * *; suspended"


def test_the_chain_of_a_pod_of_an_old_replicaset_during_a_rollout():
    store = Store()
    feed(
        store,
        deployment(updatedReplicas=1, readyReplicas=3, availableReplicas=3),
        replica_set("web-old", 3, readyReplicas=2),
        replica_set("web-new", 4, replicas=1, readyReplicas=1),
        owned_pod("web-old-a", "ReplicaSet", "web-old"),
        owned_pod("web-new-a", "ReplicaSet", "web-new"),
    )
    old = owner_chain(store, ("shop", "web-old-a"), store.pods[("shop", "web-old-a")])
    assert [(link.kind, link.name, link.role) for link in old] == [
        ("ReplicaSet", "web-old", "old, revision 3"),
        ("Deployment", "web", ""),
    ]
    assert old[1].rollout.words == ["rolling out"]
    new = owner_chain(store, ("shop", "web-new-a"), store.pods[("shop", "web-new-a")])
    assert new[0].role == "new, revision 4"
    # The pod's detail carries the chain.
    assert [link.name for link in pod_detail(store, ("shop", "web-new-a")).owners] == [
        "web-new",
        "web",
    ]


def test_a_job_of_a_cronjob_and_links_podwatch_cannot_see():
    store = Store()
    feed(
        store,
        workload("CronJob", "nightly", spec={"schedule": "0 3 * * *"}),
        workload("Job", "nightly-1", spec={"completions": 1}, owner=("CronJob", "nightly")),
        owned_pod("nightly-1-x", "Job", "nightly-1"),
        owned_pod("static", "Node", "node-1"),
        owned_pod("orphan", "ReplicaSet", "never-seen"),
    )
    chain = owner_chain(store, ("shop", "nightly-1-x"), store.pods[("shop", "nightly-1-x")])
    assert [link.kind for link in chain] == ["Job", "CronJob"]
    [static] = owner_chain(store, ("shop", "static"), store.pods[("shop", "static")])
    assert static.text == "Node node-1: not watched by podwatch"
    [missing] = owner_chain(store, ("shop", "orphan"), store.pods[("shop", "orphan")])
    assert missing.text == "ReplicaSet never-seen: not seen"
    store.unreadable = frozenset({"ReplicaSet"})
    [hidden] = owner_chain(store, ("shop", "orphan"), store.pods[("shop", "orphan")])
    assert hidden.text == "ReplicaSet never-seen: not readable (RBAC)"
    bare = pod("bare", namespace="shop")
    assert owner_chain(store, ("shop", "bare"), bare) == []


def test_workloads_are_deleted_and_a_cycle_of_owners_ends():
    store = Store()
    feed(store, workload("ReplicaSet", "a", owner=("ReplicaSet", "b")))
    feed(store, workload("ReplicaSet", "b", owner=("ReplicaSet", "a")))
    chain = owner_chain(
        store, ("shop", "p"), {"metadata": {"ownerReferences": [owner_ref("ReplicaSet", "a")]}}
    )
    assert len(chain) == 4  # MAX_CHAIN: followed no further
    feed(store, workload("ReplicaSet", "a"), etype="DELETED")
    assert ("shop", "a") not in store.workloads["ReplicaSet"]


def test_a_cronjobs_last_run_is_a_time_and_how_long_ago_as_kubectl_counts_it():
    """kubectl's LAST SCHEDULE is an age: the line gives the time and the age at the
    store's clock (a replay's moment); without a clock, or one before it, the time alone."""
    from podwatch.model.k8s import format_clock, parse_time
    from podwatch.model.owners import workload_rows

    last = "2026-12-01T18:00:00Z"
    cron = workload(
        "CronJob",
        "report",
        spec={"schedule": "*/1 * * * *"},
        status={"lastScheduleTime": last, "active": [{"name": "report-1"}]},
    )
    at = parse_time(last)
    clock = format_clock(at, date=True)
    assert rollout("CronJob", cron).words == [
        "schedule */1 * * * *",
        "1 running",
        f"last run {clock}",
    ]
    assert rollout("CronJob", cron, at + 52).words[-1] == f"last run {clock} (52s ago)"
    assert rollout("CronJob", cron, at + 3 * 3600 + 60).words[-1] == (
        f"last run {clock} (3h1m ago)"
    )
    assert rollout("CronJob", cron, at - 5).words[-1] == f"last run {clock}"
    store = Store()
    feed(store, cron)
    store.now = at + 125
    [row] = workload_rows(store)
    assert row.rollout.text.endswith(f"last run {clock} (2m5s ago)")
    feed(
        store,
        workload("Job", "report-1", spec={"completions": 1}, owner=("CronJob", "report")),
        owned_pod("report-1-x", "Job", "report-1"),
    )
    store.now = at + 125
    chain = owner_chain(store, ("shop", "report-1-x"), store.pods[("shop", "report-1-x")])
    assert chain[-1].text.endswith(f"last run {clock} (2m5s ago)")
