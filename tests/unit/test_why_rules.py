"""Each rule of the why line on its own: a minimal pod it explains, and one it leaves to
another rule (None). The whole line is covered by test_pods, test_health, test_nodes and
the real recordings; here each rule answers for itself."""

from __future__ import annotations

from podwatch.model.store import Store
from podwatch.model.view import (
    WHY_RULES,
    PodDetail,
    pod_detail,
    why_container_failing,
    why_evicted_by_taint,
    why_failed,
    why_init_pending,
    why_node_down,
    why_not_ready,
    why_not_scheduled,
    why_probe_not_passed,
    why_readiness_gate,
    why_ready,
    why_ready_condition,
    why_starting,
    why_status_unknown,
    why_succeeded,
    why_terminating,
)
from tests.factories import (
    T0,
    cond,
    container,
    event,
    feed,
    last_terminated,
    node,
    pod,
    ready_conditions,
    running,
    terminated,
    ts,
    waiting,
)


def detail_of(p: dict, *others: dict, now: float = 60.0) -> PodDetail:
    store = Store()
    feed(store, *others, p)
    store.now = T0 + now
    d = pod_detail(store, (p["metadata"]["namespace"], p["metadata"]["name"]))
    assert d is not None
    return d


def healthy() -> PodDetail:
    return detail_of(pod(statuses=[running()], conditions=ready_conditions()), node())


def test_rules_are_tried_in_order_and_the_first_answer_wins():
    # Failed and being deleted: the deletion says more about what happens next.
    p = pod(phase="Failed", statuses=[terminated(reason="Error", exit_code=2)])
    p["metadata"]["deletionTimestamp"] = ts(30)
    d = detail_of(p)
    assert why_failed(d) is not None
    assert why_not_ready(d) == why_terminating(d)
    assert WHY_RULES.index(why_terminating) < WHY_RULES.index(why_failed)


def test_status_unknown():
    p = pod(phase="Unknown", statuses=[running()], conditions=ready_conditions())
    d = detail_of(p, node(ready="Unknown"))
    assert why_status_unknown(d) == (
        "Pod status unknown: its node stopped reporting; node node-1 is Unknown."
    )
    bare = {"kind": "Pod", "metadata": {"name": "bare", "namespace": "default"}}
    assert why_status_unknown(detail_of(bare)) == (
        "Pod status unknown: the object carries no readable status."
    )
    assert why_status_unknown(healthy()) is None


def test_terminating():
    p = pod(statuses=[running()], conditions=ready_conditions())
    p["metadata"]["deletionTimestamp"] = ts(30)
    ev = event("e1", "web", "TaintManagerEviction", "Marking for deletion Pod default/web")
    assert why_terminating(detail_of(p, ev)) == (
        "Terminating: deletion requested 30s ago "
        "(TaintManagerEviction: Marking for deletion Pod default/web)."
    )
    assert why_terminating(healthy()) is None


def test_succeeded():
    d = detail_of(pod(phase="Succeeded", statuses=[terminated()]))
    assert why_succeeded(d) is not None and why_succeeded(d).startswith("Completed:")
    assert why_succeeded(healthy()) is None


def test_failed():
    d = detail_of(pod(phase="Failed", statuses=[terminated(reason="Error", exit_code=2)]))
    assert why_failed(d) == "Failed: container app terminated Error (exit 2)."
    evicted = pod(phase="Failed", reason="Evicted", message="low on ephemeral-storage")
    assert why_failed(detail_of(evicted)) == "Failed (Evicted): low on ephemeral-storage"
    assert why_failed(healthy()) is None


def test_not_scheduled():
    p = pod(
        "pending",
        phase="Pending",
        node="",
        ip="",
        conditions=[cond("PodScheduled", "False", "Unschedulable", "0/1 nodes are available")],
    )
    gpu = node("worker-1", taints=[{"key": "hw", "value": "gpu", "effect": "NoSchedule"}])
    assert why_not_scheduled(detail_of(p, gpu)) == (
        "Not scheduled (Unschedulable): 0/1 nodes are available "
        "Untolerated: worker-1: hw=gpu:NoSchedule."
    )
    assert why_not_scheduled(healthy()) is None


def test_evicted_by_taint():
    taint = {"key": "out-of-disk", "value": "True", "effect": "NoExecute", "timeAdded": ts(0)}
    p = pod(statuses=[running()], conditions=ready_conditions(), tolerations=[])
    d = detail_of(p, node(taints=[taint]))
    assert why_evicted_by_taint(d) == (
        "Being evicted: untolerated NoExecute taint out-of-disk=True:NoExecute."
    )
    assert why_evicted_by_taint(healthy()) is None


def test_node_down():
    p = pod(statuses=[running()], conditions=ready_conditions())
    d = detail_of(p, node(ready="False"))
    assert why_node_down(d) == (
        "Node node-1 is NotReady for 60s: its containers' state cannot be confirmed."
    )
    assert why_node_down(healthy()) is None


def test_init_pending():
    p = pod(
        phase="Pending",
        init=[container("setup")],
        init_statuses=[waiting("setup", "CrashLoopBackOff", restarts=2)],
        statuses=[waiting("app", "PodInitializing")],
        conditions=[cond("Initialized", "False", "ContainersNotInitialized")],
    )
    assert why_init_pending(detail_of(p)) == (
        "Init container setup has not completed: waiting CrashLoopBackOff, restarted 2×."
    )
    assert why_init_pending(healthy()) is None


def test_container_failing():
    p = pod(
        statuses=[waiting(reason="CrashLoopBackOff", restarts=3, last=last_terminated())],
        conditions=ready_conditions(False),
    )
    why = why_container_failing(detail_of(p))
    assert why is not None
    assert why.startswith("Container app is CrashLoopBackOff, restarted 3×; last: terminated Error")
    assert why_container_failing(healthy()) is None


def test_ready():
    assert why_ready(healthy()) == "Ready."
    p = pod(statuses=[running(ready=False)], conditions=ready_conditions(False))
    assert why_ready(detail_of(p)) is None


def test_starting():
    p = pod(phase="Pending", statuses=[waiting()], conditions=ready_conditions(False), ip="")
    assert why_starting(detail_of(p)) == "Container app is starting (ContainerCreating)."
    assert why_starting(healthy()) is None


def test_probe_not_passed():
    probe = {"exec": {"command": ["cat", "/ready"]}, "periodSeconds": 10}
    p = pod(
        containers=[container(readinessProbe=probe)],
        statuses=[running(ready=False)],
        conditions=ready_conditions(False),
    )
    assert why_probe_not_passed(detail_of(p)) == (
        "Container app not ready yet: readiness probe has not passed "
        "(failure count unknown: no Events seen)."
    )
    assert why_probe_not_passed(healthy()) is None


def test_readiness_gate():
    conditions = [
        cond("Initialized"),
        cond("ContainersReady"),
        cond("PodScheduled"),
        cond(
            "Ready",
            "False",
            "ReadinessGatesNotReady",
            'corresponding condition of pod readiness gate "example.com/lb" does not exist.',
        ),
    ]
    p = pod(statuses=[running()], conditions=conditions)
    assert why_readiness_gate(detail_of(p)) == (
        "Readiness gate not satisfied: corresponding condition of pod readiness gate "
        '"example.com/lb" does not exist.'
    )
    assert why_readiness_gate(healthy()) is None


def test_ready_condition():
    unready = [
        cond("Initialized"),
        cond("ContainersReady"),
        cond("PodScheduled"),
        cond("Ready", "False", "PodNotReady"),
    ]
    p = pod(statuses=[running()], conditions=unready)
    assert why_ready_condition(detail_of(p)) == "Ready is False (PodNotReady)."
    no_ready = pod(statuses=[running()], conditions=[cond("PodScheduled")])
    # The four conditions are always listed; one the pod does not carry is "missing".
    assert why_ready_condition(detail_of(no_ready)) == "Ready is missing."
    assert why_ready_condition(healthy()) is None
