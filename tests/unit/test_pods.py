"""Pod-level derivations: kubectl's status word, READY, restarts, conditions, containers, QoS."""

from __future__ import annotations

import pytest

from podwatch.model.pods import (
    MISSING,
    Health,
    condition_views,
    container_views,
    qos_class,
    status_word,
    summarize,
)
from podwatch.model.store import Store
from podwatch.model.view import pod_detail
from tests.factories import (
    cond,
    container,
    feed,
    last_terminated,
    pod,
    ready_conditions,
    running,
    terminated,
    ts,
    waiting,
)


def word(p: dict) -> str:
    return status_word(p)[0]


def test_running_ready_pod_is_running_and_healthy():
    p = pod(statuses=[running()], conditions=ready_conditions())
    sm = summarize(p)
    assert (sm.status, sm.ready_text, sm.restarts, sm.severity) == (
        "Running",
        "1/1",
        0,
        Health.HEALTHY,
    )


def test_crash_loop_shows_waiting_reason_with_phase_still_running():
    p = pod(
        statuses=[waiting(reason="CrashLoopBackOff", restarts=4, last=last_terminated("Error", 1))],
        conditions=ready_conditions(False),
    )
    sm = summarize(p)
    assert sm.phase == "Running"
    assert sm.status == "CrashLoopBackOff"
    assert sm.restarts == 4
    assert sm.severity == Health.FAILING
    assert sm.last_restart is not None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (terminated(reason="OOMKilled", exit_code=137), "OOMKilled"),
        (terminated(reason="", exit_code=2), "ExitCode:2"),
        (terminated(reason="", exit_code=0, signal=9), "Signal:9"),
        (waiting(reason="ImagePullBackOff"), "ImagePullBackOff"),
        (waiting(reason="CreateContainerConfigError"), "CreateContainerConfigError"),
    ],
)
def test_container_state_drives_status_word(status, expected):
    assert word(pod(statuses=[status])) == expected


def test_completed_but_another_container_running_is_notready_or_running():
    p = pod(
        containers=[container("a"), container("b")],
        statuses=[terminated("a"), running("b")],
        conditions=ready_conditions(False),
    )
    assert word(p) == "NotReady"
    p["status"]["conditions"] = ready_conditions(True)
    assert word(p) == "Running"


def test_init_containers_progress_and_failure():
    init = [container("init-a"), container("init-b")]
    p = pod(
        phase="Pending",
        init=init,
        init_statuses=[terminated("init-a"), running("init-b", ready=False)],
        statuses=[waiting(reason="PodInitializing")],
        conditions=[cond("Initialized", "False", "ContainersNotInitialized")],
    )
    assert word(p) == "Init:1/2"
    p["status"]["initContainerStatuses"][1] = waiting("init-b", "CrashLoopBackOff", restarts=3)
    assert word(p) == "Init:CrashLoopBackOff"
    p["status"]["initContainerStatuses"][1] = terminated("init-b", reason="", exit_code=3)
    assert word(p) == "Init:ExitCode:3"


def test_native_sidecar_counts_in_ready_and_does_not_block_init():
    init = [container("mesh", restartPolicy="Always")]
    p = pod(
        init=init,
        init_statuses=[running("mesh", ready=True, started=True)],
        statuses=[running("app")],
        conditions=ready_conditions(),
    )
    sm = summarize(p)
    assert sm.status == "Running"
    assert sm.ready_text == "2/2"
    kinds = [(c.name, c.kind) for c in container_views(p)]
    assert kinds == [("mesh", "sidecar"), ("app", "app")]


def test_terminating_and_node_lost():
    p = pod(statuses=[running()], conditions=ready_conditions())
    p["metadata"]["deletionTimestamp"] = ts(60)
    p["metadata"]["deletionGracePeriodSeconds"] = 30
    sm = summarize(p)
    assert sm.status == "Terminating"
    assert sm.deleting is not None and sm.deleting == pytest.approx(sm.created + 30)
    p["status"]["reason"] = "NodeLost"
    assert word(p) == "Unknown"


def test_evicted_pod_shows_reason():
    p = pod(
        phase="Failed",
        statuses=[terminated(reason="ContainerStatusUnknown", exit_code=137)],
        reason="Evicted",
        message="The node was low on resource: ephemeral-storage.",
    )
    # The pod's own reason wins over the container's ContainerStatusUnknown.
    assert summarize(p).status == "Evicted"
    assert summarize(p).severity == Health.FAILING
    store = feed(Store(), p)
    detail = pod_detail(store, ("default", "web"))
    assert "Evicted" in detail.why and "ephemeral-storage" in detail.why


def test_conditions_in_lifecycle_order_with_missing_marked_missing_and_extras_after():
    p = pod(
        phase="Pending",
        conditions=[
            cond("PodReadyToStartContainers", "False"),
            cond("PodScheduled", "False", "Unschedulable", "0/3 nodes are available"),
        ],
        node="",
    )
    views = condition_views(p)
    assert [v.type for v in views] == [
        "PodScheduled",
        "Initialized",
        "ContainersReady",
        "Ready",
        "PodReadyToStartContainers",
    ]
    assert [v.status for v in views[:4]] == ["False", MISSING, MISSING, MISSING]
    assert views[0].reason == "Unschedulable"
    assert views[4].standard is False


def test_no_init_containers_missing_initialized_is_not_blamed_on_init():
    p = pod(
        phase="Pending",
        statuses=[waiting(reason="ContainerCreating")],
        conditions=[cond("PodScheduled")],
    )
    assert "Initialized" in [v.type for v in condition_views(p)]
    assert condition_views(p)[1].status == MISSING  # shown missing, not False
    detail = pod_detail(feed(Store(), p), ("default", "web"))
    assert "init" not in detail.why.lower()
    assert "starting" in detail.why


@pytest.mark.parametrize("phase", ["Succeeded", "Failed"])
def test_finished_pods_ready_false_is_explained_not_alarming(phase):
    exit_code = 0 if phase == "Succeeded" else 2
    reason = "Completed" if phase == "Succeeded" else "Error"
    p = pod(
        phase=phase,
        statuses=[terminated(reason=reason, exit_code=exit_code)],
        conditions=[
            cond("Initialized"),
            cond("Ready", "False", "PodCompleted"),
            cond("ContainersReady", "False", "PodCompleted"),
            cond("PodScheduled"),
        ],
    )
    sm = summarize(p)
    assert sm.status == reason
    detail = pod_detail(feed(Store(), p), ("default", "web"))
    ready = next(c for c in detail.conditions if c.type == "Ready")
    assert ready.status == "False"
    if phase == "Succeeded":
        assert sm.severity == Health.FINISHED
        assert "Completed" in detail.why
    else:
        assert sm.severity == Health.FAILING
        assert "exit 2" in detail.why


def test_container_views_report_last_state_and_no_status():
    p = pod(
        containers=[container("a"), container("b")],
        statuses=[running("a", restarts=1, last=last_terminated("Error", 137))],
    )
    a, b = container_views(p)
    assert a.last_state_text == "terminated Error (exit 137)"
    assert a.restarts == 1
    assert b.state == "no status"


def test_ephemeral_containers_listed_last():
    p = pod(statuses=[running()])
    p["spec"]["ephemeralContainers"] = [
        {"name": "debugger", "image": "busybox", "targetContainerName": "app"}
    ]
    p["status"]["ephemeralContainerStatuses"] = [running("debugger", ready=False)]
    views = container_views(p)
    assert [(v.name, v.kind, v.state) for v in views][-1] == ("debugger", "ephemeral", "running")


def test_qos_class_from_resources_when_status_lacks_it():
    g = container(resources={"limits": {"cpu": "1", "memory": "1Gi"}})
    b = container(resources={"requests": {"cpu": "100m"}})
    assert qos_class(pod(containers=[g])) == "Guaranteed"
    assert qos_class(pod(containers=[b])) == "Burstable"
    assert qos_class(pod(containers=[container()])) == "BestEffort"
    # status.qosClass wins when present
    assert summarize(pod(containers=[container()], qosClass="Burstable")).qos == "Burstable"


def test_malformed_pod_does_not_crash():
    bad = {
        "kind": "Pod",
        "metadata": {"name": "x", "namespace": "n", "labels": None},
        "spec": {"containers": None, "initContainers": "nope"},
        "status": {"phase": 7, "conditions": [None, {"type": 3}], "containerStatuses": {}},
    }
    sm = summarize(bad)
    assert sm.phase == "Unknown" and sm.status == "Unknown"
    assert [c.status for c in condition_views(bad)] == [MISSING] * 4
    detail = pod_detail(feed(Store(), bad), ("n", "x"))
    assert detail is not None and detail.why


def test_container_that_keeps_completing_under_always_is_degraded_not_finished():
    p = pod(
        statuses=[terminated(reason="Completed", exit_code=0, restarts=2)],
        conditions=ready_conditions(False),
    )
    sm = summarize(p)
    assert (sm.phase, sm.status, sm.severity) == ("Running", "Completed", Health.UNHEALTHY)


def test_the_object_alone_never_says_at_risk_and_terminating_is_unhealthy():
    # AT_RISK needs Events, nodes and the clock (model/health.py); the object's own
    # severity stays one of the four levels it can tell by itself.
    p = pod(statuses=[running()], conditions=ready_conditions())
    assert summarize(p).severity == Health.HEALTHY
    p["metadata"]["deletionTimestamp"] = ts(10)
    assert (summarize(p).status, summarize(p).severity) == ("Terminating", Health.UNHEALTHY)
    not_ready = pod(statuses=[running(ready=False)], conditions=ready_conditions(False))
    assert summarize(not_ready).severity == Health.UNHEALTHY


def test_has_probes_looks_at_init_sidecar_and_app_containers():
    probe = {"tcpSocket": {"port": 5432}}
    assert not summarize(pod()).has_probes
    assert summarize(pod(containers=[container("app", readinessProbe=probe)])).has_probes
    sidecar = container("proxy", restartPolicy="Always", startupProbe=probe)
    assert summarize(pod(init=[sidecar])).has_probes
    assert not summarize(pod(containers=[container("app", livenessProbe="garbage")])).has_probes
