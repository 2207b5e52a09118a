"""Alerts (model/alerts.py): each transition worth an alert is told exactly once, a pod's
first sighting is a baseline, and updates that change nothing say nothing."""

from __future__ import annotations

from podwatch.model.alerts import Alerts
from podwatch.model.store import Store
from podwatch.model.watch import WatchEvent

T0 = 1_000_000.0


def pod(
    name: str = "web-1",
    *,
    ready: bool = True,
    restarts: int = 0,
    node: str = "n1",
    uid: str = "u1",
    labels: dict | None = None,
    tolerate: int | None = None,
    evicted: bool = False,
) -> dict:
    spec: dict = {"nodeName": node, "containers": [{"name": "app", "image": "app:1"}]}
    if tolerate is not None:
        spec["tolerations"] = [
            {
                "key": "node.kubernetes.io/unreachable",
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": tolerate,
            }
        ]
    status: dict = {
        "phase": "Failed" if evicted else "Running",
        "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        "containerStatuses": [
            {
                "name": "app",
                "ready": ready,
                "restartCount": restarts,
                "state": {"running": {"startedAt": "2026-11-30T10:00:00Z"}},
            }
        ],
    }
    if evicted:
        status.update(reason="Evicted", message="The node was low on resource: memory.")
    return {
        "metadata": {
            "name": name,
            "namespace": "shop",
            "uid": uid,
            "labels": labels or {},
            "creationTimestamp": "2026-11-30T09:00:00Z",
        },
        "spec": spec,
        "status": status,
    }


class Run:
    def __init__(self) -> None:
        self.store = Store()
        self.alerts = Alerts()
        self.t = T0

    def __call__(self, kind: str, etype: str, obj: dict) -> list[str]:
        self.t += 1
        changes = self.store.apply(WatchEvent(self.t - T0, kind, etype, obj), self.t)
        return [a.text for a in self.alerts.observe(self.store, changes)]


def test_ready_flips_and_restarts_are_told_once_each() -> None:
    run = Run()
    assert run("Pod", "ADDED", pod(ready=False, restarts=3)) == []  # first sight: baseline
    assert run("Pod", "MODIFIED", pod(ready=True, restarts=3)) == []  # better is not news
    assert run("Pod", "MODIFIED", pod(ready=False, restarts=3)) == ["shop/web-1 turned NotReady"]
    assert run("Pod", "MODIFIED", pod(ready=False, restarts=3, labels={"x": "1"})) == []
    assert run("Pod", "MODIFIED", pod(ready=False, restarts=4)) == [
        "shop/web-1 restarted (4 restarts)"
    ]
    assert run("Pod", "MODIFIED", pod(ready=False, restarts=4)) == []
    assert run("Pod", "MODIFIED", pod(ready=True, restarts=6)) == [
        "shop/web-1 restarted (6 restarts)"
    ]
    assert run("Pod", "MODIFIED", pod(ready=False, restarts=6)) == ["shop/web-1 turned NotReady"]
    assert [a.text for a in run.alerts.recent] == [
        "shop/web-1 turned NotReady",
        "shop/web-1 restarted (4 restarts)",
        "shop/web-1 restarted (6 restarts)",
        "shop/web-1 turned NotReady",
    ]


def test_a_new_pod_under_an_old_name_is_a_baseline() -> None:
    run = Run()
    run("Pod", "ADDED", pod(restarts=5))
    assert run("Pod", "MODIFIED", pod(uid="u2", ready=False, restarts=0)) == []
    assert run("Pod", "MODIFIED", pod(uid="u2", ready=False, restarts=1)) == [
        "shop/web-1 restarted (1 restart)"
    ]


def test_an_eviction_deadline_is_told_when_it_appears() -> None:
    run = Run()
    node = {"metadata": {"name": "n1"}, "spec": {}, "status": {}}
    run("Node", "ADDED", node)
    assert run("Pod", "ADDED", pod(tolerate=300)) == []
    tainted = {
        "metadata": {"name": "n1"},
        "spec": {
            "taints": [
                {
                    "key": "node.kubernetes.io/unreachable",
                    "effect": "NoExecute",
                    "timeAdded": "2026-11-30T10:00:00Z",
                }
            ]
        },
        "status": {},
    }
    said = run("Node", "MODIFIED", tainted)
    assert len(said) == 1 and said[0].startswith("shop/web-1 will be evicted at ")
    assert run("Node", "MODIFIED", tainted) == []  # the same deadline: said already
    assert run("Pod", "MODIFIED", pod(tolerate=300, labels={"y": "2"})) == []


def test_an_eviction_is_told_once_and_a_deletion_not_at_all() -> None:
    run = Run()
    run("Pod", "ADDED", pod())
    run("Pod", "MODIFIED", pod(evicted=True, ready=False))
    said = run("Pod", "DELETED", pod(evicted=True, ready=False))
    assert said == ["shop/web-1 evicted: status Evicted: The node was low on resource: memory."]
    tomb = next(iter(run.store.tombstones))
    changes = run.store.apply(WatchEvent(9.0, "Pod", "DELETED", pod(evicted=True)), T0 + 9)
    changes.pods.add(tomb)  # the tombstone touched again (a late Event): not told twice
    assert run.alerts.observe(run.store, changes) == []
    other = Run()
    other("Pod", "ADDED", pod(name="api-1"))
    assert other("Pod", "DELETED", pod(name="api-1")) == []  # deleted, not evicted


def test_a_baseline_says_nothing_and_later_changes_are_told_against_it() -> None:
    run = Run()
    run("Pod", "ADDED", pod(ready=True))
    # the store moves on without the alerts seeing it (a jump in a replay) ...
    run.store.apply(WatchEvent(1.0, "Pod", "MODIFIED", pod(ready=False, restarts=2)), T0 + 0.5)
    run.alerts.baseline(run.store)  # ... and is taken as it now is
    assert run("Pod", "MODIFIED", pod(ready=False, restarts=2, labels={"a": "b"})) == []
    assert run("Pod", "MODIFIED", pod(ready=True, restarts=2)) == []
    assert run("Pod", "MODIFIED", pod(ready=False, restarts=3)) == [
        "shop/web-1 turned NotReady",
        "shop/web-1 restarted (3 restarts)",
    ]
