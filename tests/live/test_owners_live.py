"""Owners and rollouts through the real client path: Deployments, ReplicaSets,
StatefulSets, Jobs and CronJobs on the API server double (apps/v1, batch/v1), listed
and watched like the other kinds (issue 15, item 2)."""

from __future__ import annotations

from tests.live.conftest import pod_obj
from tests.live.test_live_cli import assert_no_traceback, cli_env, run
from tests.unit.test_owners import deployment, replica_set, workload

PROGRESS_STUCK = {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}


def seed(double) -> None:
    double.create(
        deployment(
            "web",
            updatedReplicas=1,
            readyReplicas=2,
            availableReplicas=2,
            conditions=[PROGRESS_STUCK],
        )
    )
    double.create(replica_set("web-old", 3, readyReplicas=2, availableReplicas=2))
    double.create(replica_set("web-new", 4, replicas=1))
    for name, owner in (("web-old-a", "web-old"), ("web-new-a", "web-new")):
        p = pod_obj(name, "shop", labels={"app": "web"})
        p["metadata"]["ownerReferences"] = [
            {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": owner, "controller": True}
        ]
        double.create(p)
    double.create(workload("CronJob", "nightly", spec={"schedule": "0 3 * * *"}))
    failed = workload(
        "Job",
        "nightly-1",
        spec={"completions": 1},
        status={
            "failed": 3,
            "conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"}],
        },
        owner=("CronJob", "nightly"),
    )
    double.create(failed)


def test_once_shows_the_owner_chain_and_the_rollout(double, tmp_path):
    seed(double)
    kubeconfig = double.write_kubeconfig(tmp_path / "kubeconfig", namespace="shop")
    env = cli_env(kubeconfig, tmp_path)
    result = run(["-n", "shop", "--once", "--pod", "web-old-a"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    assert result.stderr == ""
    out = result.stdout
    assert "owner Deployment web → ReplicaSet web-old (old, revision 3)" in out
    assert (
        "✗ Deployment web: 3 desired, 1 updated, 2 ready, 2 available; ProgressDeadlineExceeded"
    ) in out
    assert "⚠ from the old ReplicaSet web-old: being replaced" in out
    lines = out.splitlines()
    start = lines.index("Workloads")
    table = [line.rstrip() for line in lines[start : start + 12]]
    deploy = next(line for line in table if line.startswith("deploy shop/web"))
    assert deploy.split()[2:6] == ["3", "1", "2", "2"] and "ProgressDeadlineExceeded" in deploy
    assert any("ReplicaSet web-new (new, revision 4)" in line for line in table)
    assert any(
        "Job nightly-1:" in line and "Failed (BackoffLimitExceeded)" in line for line in table
    )
    # Only reads, through the same paths as kubectl's.
    paths = {r.path.split("?")[0] for r in double.requests}
    assert "/apis/apps/v1/namespaces/shop/replicasets" in paths
    assert "/apis/batch/v1/namespaces/shop/cronjobs" in paths
    assert {r.method for r in double.requests} == {"GET"}


def test_a_refused_owner_kind_is_said_and_the_rest_carries_on(double, tmp_path):
    seed(double)
    double.forbid("ReplicaSet")
    double.forbid("Deployment")
    kubeconfig = double.write_kubeconfig(tmp_path / "kubeconfig", namespace="shop")
    result = run(
        ["-n", "shop", "--once", "--pod", "web-new-a"], cli_env(kubeconfig, tmp_path), tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    assert "owner ReplicaSet web-new (not readable)" in result.stdout
    warned = [line for line in result.stderr_lines if "ReplicaSet" in line or "Deployment" in line]
    assert len(warned) == 2 and all("forbidden" in line.lower() for line in warned), result.stderr
    assert "Job nightly-1:" in result.stdout  # batch/v1 still read
