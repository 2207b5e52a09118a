"""The bundled demo, replayed at chosen moments, shows every reference scenario (SPEC 5).

Times come from the scenario steps in scripts/demo/story.py, with a margin away
from each transition.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from podwatch.cli import demo_path
from podwatch.kube.source import ReplaySource
from podwatch.model.pods import Health
from podwatch.model.store import Store
from podwatch.model.view import PodDetail, pod_detail, pod_row, service_views
from podwatch.recording import Recording, read_recording

ROOT = Path(__file__).resolve().parents[2]


@cache
def demo() -> Recording:
    return read_recording(demo_path())


def at(seconds: float) -> Store:
    src = ReplaySource(demo(), paused=True)
    src.seek(seconds)
    return src.store


def detail(store: Store, name: str) -> PodDetail:
    d = pod_detail(store, ("demo", name))
    assert d is not None, f"{name} not in the store at {store.now}"
    return d


def cond(d: PodDetail, ctype: str) -> tuple[str, str]:
    c = next(c for c in d.conditions if c.type == ctype)
    return c.status, c.reason


def service(store: Store, name: str):
    return next(s for s in service_views(store) if s.key == ("demo", name))


def addr_pods(addresses) -> set[str]:
    return {a.pod[1] for a in addresses if a.pod}


def test_generator_reproduces_the_bundled_file(tmp_path):
    out = tmp_path / "demo.jsonl.gz"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_demo.py"), "-o", str(out)],
        check=True,
        timeout=120,
        capture_output=True,
    )
    assert out.read_bytes() == demo_path().read_bytes()


def test_the_demo_simulator_imports_apart_from_the_story():
    """scripts/demo/simulator.py, the control plane that turns the story into watch
    events, imports on its own: a test can give it a story of its own."""
    from scripts.demo import objects, simulator
    from scripts.demo.story import END, scenario

    assert callable(simulator.simulate) and callable(objects.pod_object)
    assert all(0 <= t <= END for t, _step in scenario())


def test_1_readiness_fails_then_passes():
    s = at(35)
    d = detail(s, "pod-readiness-exec1")
    assert (d.summary.phase, d.summary.ready_text) == ("Running", "0/1")
    assert cond(d, "ContainersReady") == ("False", "ContainersNotReady")
    assert cond(d, "Ready") == ("False", "ContainersNotReady")
    assert pod_row(s, ("demo", "pod-readiness-exec1")).probe_failures == {"readiness": 3}
    assert [(m.service[1], m.state) for m in d.memberships] == [("svc-readiness", "NotReady")]
    svc = service(s, "svc-readiness")
    assert addr_pods(svc.not_ready) == {"pod-readiness-exec1"}
    assert addr_pods(svc.ready) == {"pod1"}
    assert d.why.startswith("Readiness probe failing on readiness (3 failures")
    assert "NotReady in Service svc-readiness" in d.why
    probe = next(p for p in d.probes if p.probe == "readiness")
    assert probe.handler == "exec cat /readiness/ready.txt"
    assert (probe.initial_delay, probe.period, probe.success_threshold) == (5, 10, 3)

    s = at(75)
    d = detail(s, "pod-readiness-exec1")
    assert d.summary.ready_text == "1/1" and cond(d, "Ready") == ("True", "")
    assert addr_pods(service(s, "svc-readiness").ready) == {"pod1", "pod-readiness-exec1"}
    assert service(s, "svc-readiness").not_ready == []
    assert pod_row(s, ("demo", "pod-readiness-exec1")).probe_failures == {"readiness": 4}
    texts = [e.text for e in d.timeline]
    assert "endpoint in svc-readiness: NotReady → ready" in texts


def test_2_liveness_kills_and_restarts():
    d = detail(at(115), "pod-liveness-httpget1")
    assert d.summary.ready_text == "1/1"
    assert pod_row(at(115), ("demo", "pod-liveness-httpget1")).probe_failures == {"liveness": 2}

    s = at(123)
    d = detail(s, "pod-liveness-httpget1")
    [c] = d.containers
    assert (c.state, c.reason, c.exit_code) == ("terminated", "Error", 137)
    assert pod_row(s, ("demo", "pod-liveness-httpget1")).probe_failures == {"liveness": 3}
    assert any(e.reason == "Killing" and "failed liveness probe" in e.message for e in d.events)
    assert [(m.service[1], m.state) for m in d.memberships] == [("svc-liveness", "NotReady")]
    assert "killed after its liveness probe failed 3×" in d.why

    d = detail(at(130), "pod-liveness-httpget1")
    [c] = d.containers
    assert (d.summary.status, c.restarts, c.last_state_text) == (
        "Running",
        1,
        "terminated Error (exit 137)",
    )
    assert [(m.service[1], m.state) for m in d.memberships] == [("svc-liveness", "ready")]


def test_3_startup_probe_gates_liveness():
    s = at(150)
    d = detail(s, "pod-startup-slow")
    [c] = d.containers
    assert (c.state, c.started, d.summary.ready_text) == ("running", False, "0/1")
    assert pod_row(s, ("demo", "pod-startup-slow")).probe_failures == {"startup": 4}
    notes = {p.probe: p.note for p in d.probes}
    assert notes["liveness"] == notes["readiness"] == "not run until the startup probe passes"
    assert "startup probe has not passed yet" in d.why

    s = at(180)
    d = detail(s, "pod-startup-slow")
    assert d.containers[0].started is True and d.summary.ready_text == "1/1"
    assert pod_row(s, ("demo", "pod-startup-slow")).probe_failures == {"startup": 8}


def test_4_crash_loop_keeps_phase_running():
    d = detail(at(150), "false-pod")
    assert (d.summary.phase, d.summary.status, d.summary.restarts) == (
        "Running",
        "CrashLoopBackOff",
        2,
    )
    assert d.summary.severity == Health.FAILING
    assert detail(at(300), "false-pod").summary.restarts == 6
    assert "CrashLoopBackOff, restarted 2×; last: terminated Error (exit 1)" in d.why


def test_5_jobs_end_succeeded_and_failed_with_ready_false():
    s = at(150)
    ok, bad = detail(s, "hello-world2"), detail(s, "job-fails")
    assert (ok.summary.phase, ok.summary.status) == ("Succeeded", "Completed")
    assert (bad.summary.phase, bad.summary.status) == ("Failed", "Error")
    assert bad.containers[0].exit_code == 2
    for d in (ok, bad):
        assert cond(d, "Ready") == ("False", "PodCompleted")
        assert cond(d, "ContainersReady") == ("False", "PodCompleted")


def test_6_taints_pending_pod_and_no_execute_evictions():
    s = at(195)
    d = detail(s, "pod-without-toleration")
    assert d.summary.phase == "Pending"
    assert cond(d, "PodScheduled") == ("False", "Unschedulable")
    assert d.scheduling.untolerated == ["worker-1: hw=gpu:NoSchedule"]
    assert any(e.reason == "FailedScheduling" for e in d.events)
    assert "Untolerated: worker-1: hw=gpu:NoSchedule" in d.why
    ok = detail(s, "pod-with-toleration")
    assert (ok.summary.status, ok.summary.node) == ("Running", "worker-1")
    assert [m.tolerated for m in ok.taints] == [True]

    s = at(217)
    assert ("demo", "pod2-without-no-execute") not in s.pods  # evicted at once
    d = detail(s, "pod1-with-no-execute")
    demo_start = demo().started
    assert d.eviction.deadline - demo_start == pytest.approx(245, abs=0.5)  # 30 s after the taint
    assert "evicted in 28s" in d.why

    assert ("demo", "pod1-with-no-execute") not in at(250).pods
    d = detail(at(270), "pod-without-toleration")
    assert (d.summary.status, d.summary.node) == ("Running", "worker-1")


def test_7_qos_classes():
    s = at(150)
    assert {
        n: detail(s, n).summary.qos for n in ("qos-guaranteed", "qos-burstable", "qos-besteffort")
    } == {
        "qos-guaranteed": "Guaranteed",
        "qos-burstable": "Burstable",
        "qos-besteffort": "BestEffort",
    }


def test_8_node_stops_reporting():
    s = at(380)
    d = detail(s, "pod1")
    assert d.node.status_text == "Unknown"
    assert {m.taint.text for m in d.taints} >= {
        "node.kubernetes.io/unreachable:NoExecute",
        "node.kubernetes.io/unreachable:NoSchedule",
    }
    assert cond(d, "Ready")[0] == "False"
    assert [(m.service[1], m.state) for m in d.memberships] == [("svc-readiness", "NotReady")]
    assert d.eviction.deadline - demo().started == pytest.approx(435, abs=1)
    assert d.why.startswith("Node worker-3 is Unknown")

    s = at(440)
    d = detail(s, "pod1")
    assert (d.summary.status, d.status_reason) == ("Unknown", "NodeLost")
    assert d.summary.deleting is not None
    assert "its node stopped reporting" in d.why


def test_demo_once_cli_prints_the_end_state():
    proc = subprocess.run(
        [sys.executable, "-m", "podwatch.cli", "demo", "--once"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Pods (" in proc.stdout and "Services" in proc.stdout and "Nodes" in proc.stdout
    assert "NodeLost" in proc.stdout or "Unknown" in proc.stdout
