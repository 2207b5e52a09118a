"""The lab recording (tests/data/recordings/lab-rollout/, made by `podwatch record` from
a real kube-apiserver, controller-manager and scheduler v1.26.1): what the real
Deployment, ReplicaSet, Job and CronJob controllers wrote reads as they meant it."""

from __future__ import annotations

from pathlib import Path

from podwatch.kube.source import ReplaySource
from podwatch.model.owners import owner_chain, workload_rows
from podwatch.model.service_checks import Severity, check_service
from podwatch.model.view import pod_detail, service_views
from podwatch.recording import read_recording

RECORDING = (
    Path(__file__).resolve().parents[1] / "data/recordings/lab-rollout/rollout-stuck.jsonl.gz"
)
NEW_POD = ("store", "checkout-686b9c6c9d-tfd68")


def replayed(at: float | None = None):
    recording = read_recording([str(RECORDING)])
    source = ReplaySource(recording, clock=lambda: 0.0, paused=True)
    source.seek(recording.duration if at is None else at)
    return source.store


def test_the_stuck_rollout_and_the_pods_of_each_revision():
    store = replayed()
    chain = owner_chain(store, NEW_POD, store.pods[NEW_POD])
    assert [(link.kind, link.role) for link in chain] == [
        ("ReplicaSet", "new, revision 2"),
        ("Deployment", ""),
    ]
    deploy = chain[1].rollout
    assert deploy.stuck and "ProgressDeadlineExceeded" in deploy.words
    assert (deploy.desired, deploy.updated, deploy.ready, deploy.available) == (3, 1, 3, 3)
    old = [k for k in store.pods if k[1].startswith("checkout-d56b64bf9-")]
    assert len(old) == 3
    for key in old:
        assert owner_chain(store, key, store.pods[key])[0].role == "old, revision 1"
    rows = {row.key[1]: row for row in workload_rows(store)}
    assert set(rows) == {"checkout", "report"}
    assert [kind for kind, _n, _s in rows["report"].children] == ["Job", "Job"]
    assert all(state.stuck for _k, _n, state in rows["report"].children)  # BackoffLimitExceeded


def test_before_the_deadline_the_rollout_is_going_on_not_stuck():
    store = replayed(at=45.0)  # the patch at about 28 s, the deadline 40 s after
    deploy = store.workloads["Deployment"][("store", "checkout")]
    chain = owner_chain(store, NEW_POD, store.pods[NEW_POD])
    assert deploy and not chain[1].rollout.stuck and not chain[1].rollout.settled


def test_the_services_findings_and_the_pods_own():
    store = replayed()
    findings = {
        sv.key[1]: [(f.severity, f.text) for f in check_service(store, sv).findings]
        for sv in service_views(store)
    }
    assert findings["payments"] == [
        (Severity.ERROR, "selector app=payment matches no pod"),
        (Severity.ERROR, "no endpoints"),
    ]
    assert [s for s, _t in findings["checkout-metrics"]] == [Severity.ERROR]
    assert "port name no selected pod declares" in findings["checkout-metrics"][0][1]
    # The new template dropped the port `http`: only its pod lacks it.
    assert findings["checkout"] == [
        (
            Severity.ERROR,
            "port 80 (web): targetPort 'http' is not declared by checkout-686b9c6c9d-tfd68: "
            "it gets no endpoint for it",
        )
    ]
    detail = pod_detail(store, NEW_POD)
    assert [svc[1] for svc, _f in detail.port_findings] == ["checkout", "checkout-metrics"]
