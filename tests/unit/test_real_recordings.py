"""Real captures (../shared/recordings) read through podwatch's own code path.

Every file under the shared recordings tree is read with `read_recording`, fed
through `ReplaySource`/`Store` exactly as `podwatch replay` does, and what the
dashboard would show is checked against what the capture itself says. The
expected values were read off the data (resourceVersions, Event counts, the
`started`/`finished` files), not off podwatch's output.

The tree is found by `tests.recordings.recordings_dir()`: `$PODWATCH_SHARED_RECORDINGS`,
`<repo>/../shared/recordings`, or the copy in `tests/data/recordings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from podwatch.kube.source import ReplaySource
from podwatch.model.endpoints import addresses_from_endpoints
from podwatch.model.events import normalize_event
from podwatch.model.k8s import Key, key_of, parse_time
from podwatch.model.nodes import eviction_for, match_taints, node_view
from podwatch.model.pods import (
    Health,
    condition_views,
    container_views,
    qos_class,
    status_word,
    summarize,
)
from podwatch.model.probes import probe_views
from podwatch.model.store import Store
from podwatch.model.view import (
    memberships_with_selection,
    node_rows,
    pod_detail,
    pod_rows,
    service_views,
)
from podwatch.model.watch import WatchEvent
from podwatch.recording import Recording, read_recording
from tests.recordings import recordings_dir

SHARED = recordings_dir()
SEED = SHARED / "seed-demo"
FORMS = SHARED / "kubectl-forms"
REAL = SHARED / "real-objects"
NS = "seed-demo"

ALL_JSON = sorted(SHARED.rglob("*.json"))


# --------------------------------------------------------------------------- helpers


@cache
def _rec(*paths: Path) -> Recording:
    """A merged recording; cached because the tests only read it."""
    return read_recording(list(paths))


def _replayed(*paths: Path) -> Store:
    """The store after replaying these files to their end."""
    src = ReplaySource(_rec(*paths))
    src.run_to_end()
    return src.store


def _name(obj: Any) -> str:
    return key_of(obj)[1]


def _raw_cond(obj: dict, ctype: str) -> dict | None:
    """A pod condition read straight from the JSON (independent of podwatch)."""
    for c in (obj.get("status") or {}).get("conditions") or []:
        if c.get("type") == ctype:
            return c
    return None


def _conds(pod: Any) -> dict[str, tuple[str, str]]:
    views = condition_views(pod)
    return {c.type: (c.status, c.reason) for c in views}


def _taint_keys(node: dict) -> list[str]:
    return [t.get("key") for t in (node.get("spec") or {}).get("taints") or []]


@dataclass(frozen=True)
class Seed:
    """The merged seed-demo capture and the scenario clock (`started` file = 0 s)."""

    rec: Recording
    started: float
    finished: float

    @property
    def lead(self) -> float:
        """Seconds of recording before the scenario's `started` time."""
        return self.started - self.rec.started

    def since_started(self, ev: WatchEvent) -> float:
        return ev.t - self.lead

    def source_at(self, x: float) -> ReplaySource:
        src = ReplaySource(self.rec, paused=True)
        src.seek(self.lead + x)
        return src

    def at(self, x: float) -> Store:
        """The store `x` seconds after the scenario started."""
        return self.source_at(x).store

    def through(self, index: int) -> Store:
        """The store right after event `index` was applied (single-stepping the replay)."""
        src = ReplaySource(self.rec, paused=True)  # paused: no wall-clock drift
        src.seek(max(self.rec.events[index].t - 1e-6, 0.0))
        while src.next_index <= index:
            src.step()
        return src.store

    def find(self, kind: str, pred) -> tuple[int, WatchEvent]:
        for i, ev in enumerate(self.rec.events):
            if ev.kind == kind and pred(ev):
                return i, ev
        raise AssertionError(f"no {kind} event in the capture matches")


def _time_file(path: Path) -> float:
    t = parse_time(path.read_text().strip())
    assert t is not None, f"{path} does not hold an RFC 3339 time"
    return t


@pytest.fixture(scope="module")
def seed() -> Seed:
    rec = _rec(*sorted(SEED.glob("*.json")))
    return Seed(rec, _time_file(SEED / "started"), _time_file(SEED / "finished"))


def _pod(store: Store, name: str, ns: str = NS):
    detail = pod_detail(store, (ns, name))
    assert detail is not None, f"{ns}/{name} is not in the store"
    return detail


def _probe(detail, container: str, kind: str):
    found = [p for p in detail.probes if p.container == container and p.probe == kind]
    assert len(found) == 1, f"{kind} probe of {container}: {detail.probes}"
    return found[0]


def _membership(detail, service: str) -> str:
    states = [m.state for m in detail.memberships if m.service == (NS, service)]
    assert len(states) == 1, detail.memberships
    return states[0]


def _service(store: Store, name: str, ns: str = NS):
    views = [v for v in service_views(store) if v.key == (ns, name)]
    assert len(views) == 1
    return views[0]


def _unhealthy_count(store: Store, pod: Key) -> int:
    counts = [e.count for e in store.pod_events(pod) if e.reason == "Unhealthy"]
    assert len(counts) == 1, "the kubelet aggregates repeats into one Unhealthy Event"
    return counts[0]


# --------------------------------------------------------------------------- every file


_KIND_BY_PREFIX = (
    ("endpointslices", "EndpointSlice"),
    ("endpoints", "Endpoints"),
    ("events", "Event"),
    ("services", "Service"),
    ("nodes", "Node"),
    ("node-", "Node"),
    ("pods", "Pod"),
    ("pod-", "Pod"),
)


def _expected_kind(path: Path) -> str:
    name = path.name.removeprefix("final-")
    for prefix, kind in _KIND_BY_PREFIX:
        if name.startswith(prefix):
            return kind
    raise AssertionError(
        f"{path.relative_to(SHARED)}: new capture with no expected kind; "
        "add its name to _KIND_BY_PREFIX and write tests for what it shows"
    )


def test_the_three_capture_sets_are_present():
    for sub in ("seed-demo", "kubectl-forms", "real-objects"):
        assert sorted((SHARED / sub).glob("*.json")), f"{sub}/ holds no .json capture"


@pytest.mark.parametrize("path", ALL_JSON, ids=lambda p: str(p.relative_to(SHARED)))
def test_every_capture_loads_as_events_of_its_kind(path: Path):
    kind = _expected_kind(path)
    rec = read_recording([path])
    assert rec.warnings == []
    assert rec.skipped_lines == 0
    assert len(rec.events) > 0
    assert {e.kind for e in rec.events} == {kind}
    times = [e.t for e in rec.events]
    assert times == sorted(times) and times[0] >= 0
    src = ReplaySource(rec)
    src.run_to_end()
    assert src.store.ignored == 0
    assert src.store.counts()[kind] > 0


# --------------------------------------------------------------------------- seed-demo


def test_seed_demo_clock(seed: Seed):
    # t=0 is the earliest moment the objects attest: 12 s before `started`.
    assert seed.lead == 12.0
    assert seed.rec.started == parse_time("2026-11-22T07:41:10Z")
    assert seed.finished - seed.started == 259.0
    assert seed.rec.duration > seed.lead + 259.0  # the capture runs on past `finished`


def test_pods_selected_before_they_have_an_ip(seed: Seed):
    i, _ = seed.find("Pod", lambda e: _name(e.object) == "pod1")
    store = seed.through(i)
    assert [(m.service, m.state) for m in memberships_with_selection(store, (NS, "pod1"))] == [
        ((NS, "svc-readiness"), "selected, not listed")
    ]


def test_readiness_probe_failing_keeps_pod_notready_in_its_service(seed: Seed):
    store = seed.at(30)
    key = (NS, "pod-readiness-exec1")
    d = _pod(store, "pod-readiness-exec1")
    assert d.summary.phase == "Running"
    assert (d.summary.ready, d.summary.total) == (0, 1)
    conds = _conds(store.pods[key])
    assert conds["ContainersReady"] == ("False", "ContainersNotReady")
    assert conds["Ready"] == ("False", "ContainersNotReady")
    [c] = d.containers
    assert (c.state, c.ready, c.started) == ("running", False, True)

    probe = _probe(d, "readiness", "readiness")
    assert probe.handler == "exec cat /readiness/ready.txt"
    assert (probe.initial_delay, probe.period, probe.success_threshold) == (5, 10, 3)
    # Three Unhealthy sightings by 30 s (count 1, 2, 3 on one Event object).
    assert _unhealthy_count(store, key) == 3
    assert probe.failures_total == 3
    assert probe.last_failure.startswith("Readiness probe failed: cat: can't open")
    row = next(r for r in pod_rows(store) if r.summary.key == key)
    assert row.probe_failures == {"readiness": 3}

    assert _membership(d, "svc-readiness") == "NotReady"
    assert _membership(_pod(store, "pod1"), "svc-readiness") == "ready"
    svc = _service(store, "svc-readiness")
    assert svc.source == "EndpointSlice"
    assert str(svc.selector) == "app=readiness"
    assert [(a.pod, a.ip, a.node) for a in svc.not_ready] == [(key, "10.244.1.2", "worker-2")]
    assert [(a.pod, a.ip, a.node) for a in svc.ready] == [((NS, "pod1"), "10.244.2.2", "worker-3")]
    # The legacy Endpoints object says the same.
    legacy = addresses_from_endpoints(store.endpoints[(NS, "svc-readiness")])
    assert sorted((a.pod, a.ready) for a in legacy) == [
        ((NS, "pod-readiness-exec1"), False),
        ((NS, "pod1"), True),
    ]

    assert "Readiness probe failing" in d.why
    assert "NotReady in Service svc-readiness" in d.why


def test_readiness_pod_turns_ready_and_moves_to_ready_addresses(seed: Seed):
    _, ev = seed.find(
        "Pod",
        lambda e: (
            _name(e.object) == "pod-readiness-exec1"
            and (_raw_cond(e.object, "Ready") or {}).get("status") == "True"
        ),
    )
    turned_ready = seed.since_started(ev)
    assert 40 < turned_ready < 80  # file appears at ~40 s, successThreshold 3 x 10 s
    before = _pod(seed.at(turned_ready - 1), "pod-readiness-exec1")
    assert _membership(before, "svc-readiness") == "NotReady"

    store = seed.at(turned_ready + 5)
    key = (NS, "pod-readiness-exec1")
    d = _pod(store, "pod-readiness-exec1")
    assert _conds(store.pods[key])["Ready"][0] == "True"
    assert _membership(d, "svc-readiness") == "ready"
    svc = _service(store, "svc-readiness")
    assert sorted(a.pod[1] for a in svc.ready) == ["pod-readiness-exec1", "pod1"]
    assert svc.not_ready == []
    # The failures seen while it was failing stay counted, once each.
    assert _probe(d, "readiness", "readiness").failures_total == _unhealthy_count(store, key) == 4
    assert d.why.startswith("Ready")
    changes = [(e.old, e.new) for e in d.timeline if e.what == "endpoint in svc-readiness"]
    assert changes == [("", "NotReady"), ("NotReady", "ready")]


def test_liveness_failures_kill_restart_and_recover(seed: Seed):
    key = (NS, "pod-liveness-httpget1")
    sightings = [
        e
        for e in seed.rec.events
        if e.kind == "Event"
        and e.object.get("reason") == "Unhealthy"
        and e.object["involvedObject"]["name"] == "pod-liveness-httpget1"
    ]
    # One Event object seen three times (ADDED, MODIFIED, MODIFIED) with counts 1, 2, 3.
    assert [(e.type, e.object["count"]) for e in sightings] == [
        ("ADDED", 1),
        ("MODIFIED", 2),
        ("MODIFIED", 3),
    ]
    _, killing = seed.find(
        "Event",
        lambda e: (
            e.object.get("reason") == "Killing"
            and e.object["involvedObject"]["name"] == "pod-liveness-httpget1"
        ),
    )
    killed_at = seed.since_started(killing)
    assert 110 < killed_at < 125

    healthy = _pod(seed.at(killed_at - 5), "pod-liveness-httpget1")
    assert _membership(healthy, "svc-liveness") == "ready"
    assert _probe(healthy, "liveness", "liveness").failures_total == 2

    store = seed.at(killed_at + 5)
    d = _pod(store, "pod-liveness-httpget1")
    probe = _probe(d, "liveness", "liveness")
    assert probe.handler == "httpGet http://10.244.1.3:8080/health"
    assert (probe.initial_delay, probe.period, probe.failure_threshold) == (5, 10, 3)
    assert probe.failures_total == _unhealthy_count(store, key) == 3
    assert probe.last_failure == "Liveness probe failed: HTTP probe failed with statuscode: 500"
    assert d.summary.phase == "Running"
    assert d.summary.status == "CrashLoopBackOff"
    assert d.summary.restarts == 1
    [c] = d.containers
    assert (c.restarts, c.last_state, c.last_reason, c.last_exit_code) == (
        1,
        "terminated",
        "Error",
        137,
    )
    assert _membership(d, "svc-liveness") == "NotReady"
    assert [(a.pod, a.ip) for a in _service(store, "svc-liveness").not_ready] == [
        (key, "10.244.1.3")
    ]
    killing_events = [e for e in d.events if e.reason == "Killing"]
    assert [e.message for e in killing_events] == [
        "Container liveness failed liveness probe, will be restarted"
    ]

    later = seed.at(killed_at + 17)
    d = _pod(later, "pod-liveness-httpget1")
    assert (d.summary.status, d.summary.restarts) == ("Running", 1)
    assert _conds(later.pods[key])["Ready"][0] == "True"
    assert _membership(d, "svc-liveness") == "ready"
    assert _probe(d, "liveness", "liveness").failures_total == 3
    [c] = d.containers
    assert c.last_state_text == "terminated Error (exit 137)"
    restarts = [e.new for e in d.timeline if e.what == "restarts liveness"]
    assert restarts == ["1"]


def test_event_counts_survive_a_relist_of_the_same_events(seed: Seed):
    src = seed.source_at(200)
    store = src.store
    before = {
        pod: {k: t.total for k, t in store.probe_failures.for_pod(pod).items()}
        for pod in [(NS, "pod-liveness-httpget1"), (NS, "pod-readiness-exec1")]
    }
    assert before == {
        (NS, "pod-liveness-httpget1"): {("liveness", "liveness"): 3},
        (NS, "pod-readiness-exec1"): {("readiness", "readiness"): 4},
    }
    # A reconnect delivers every Event again (ADDED, same uid, same count).
    for ev in seed.rec.events[: src.next_index]:
        if ev.kind == "Event" and ev.type != "DELETED":
            store.apply(WatchEvent(ev.t, "Event", "ADDED", ev.object), store.now)
    after = {
        pod: {k: t.total for k, t in store.probe_failures.for_pod(pod).items()} for pod in before
    }
    assert after == before


def test_crash_loop_restarts_grow_while_phase_stays_running(seed: Seed):
    restarts = []
    for x in (150, 170, 200, 240, 320):
        d = _pod(seed.at(x), "false-pod")
        assert (d.summary.phase, d.summary.status) == ("Running", "CrashLoopBackOff")
        [c] = d.containers
        assert (c.state, c.reason) == ("waiting", "CrashLoopBackOff")
        assert (c.last_state, c.last_exit_code) == ("terminated", 1)
        assert d.summary.severity == Health.FAILING
        restarts.append(d.summary.restarts)
    assert restarts == [1, 2, 3, 4, 5]


def test_jobs_end_succeeded_and_failed_with_ready_false(seed: Seed):
    store = seed.at(170)
    ok = _pod(store, "hello-world2")
    assert (ok.summary.phase, ok.summary.status, ok.summary.severity) == (
        "Succeeded",
        "Completed",
        Health.FINISHED,
    )
    [c] = ok.containers
    assert (c.state, c.reason, c.exit_code) == ("terminated", "Completed", 0)
    assert ok.why.startswith("Completed")

    bad = _pod(store, "job-fails")
    assert (bad.summary.phase, bad.summary.status, bad.summary.severity) == (
        "Failed",
        "Error",
        Health.FAILING,
    )
    [c] = bad.containers
    assert (c.state, c.reason, c.exit_code) == ("terminated", "Error", 2)
    assert bad.why == "Failed: container worker terminated Error (exit 2)."

    for name in ("hello-world2", "job-fails"):
        conds = _conds(store.pods[(NS, name)])
        assert conds["ContainersReady"] == ("False", "PodCompleted")
        assert conds["Ready"] == ("False", "PodCompleted")


def test_qos_classes(seed: Seed):
    store = seed.at(170)
    for name, qos in (
        ("qos-guaranteed", "Guaranteed"),
        ("qos-burstable", "Burstable"),
        ("qos-besteffort", "BestEffort"),
    ):
        pod = store.pods[(NS, name)]
        assert pod["status"]["qosClass"] == qos
        assert summarize(pod).qos == qos
        assert qos_class(pod) == qos  # derived from requests/limits, agrees with the API


def test_qos_derivation_agrees_with_every_real_pod():
    checked = 0
    for path in ALL_JSON:
        for ev in _rec(path).events:
            if ev.kind == "Pod" and (ev.object.get("status") or {}).get("qosClass"):
                assert qos_class(ev.object) == ev.object["status"]["qosClass"], _name(ev.object)
                checked += 1
    assert checked > 100


def test_image_pull_errors(seed: Seed):
    i, _ = seed.find(
        "Pod",
        lambda e: (
            _name(e.object) == "pod-imagepull" and summarize(e.object).status == "ErrImagePull"
        ),
    )
    d = _pod(seed.through(i), "pod-imagepull")
    assert (d.summary.phase, d.summary.status) == ("Pending", "ErrImagePull")
    store = seed.at(170)
    d = _pod(store, "pod-imagepull")
    assert (d.summary.phase, d.summary.status) == ("Pending", "ImagePullBackOff")
    [c] = d.containers
    assert (c.state, c.reason) == ("waiting", "ImagePullBackOff")
    assert "registry.invalid/nope:latest" in c.message
    assert "ImagePullBackOff" in d.why
    reasons = {e.reason for e in d.events}
    assert {"Failed", "BackOff"} <= reasons


def test_untolerated_taint_keeps_pod_pending(seed: Seed):
    _, taint_ev = seed.find(
        "Node", lambda e: _name(e.object) == "worker-1" and "hw" in _taint_keys(e.object)
    )
    tainted_at = seed.since_started(taint_ev)
    assert 170 < tainted_at < 180
    [raw_taint] = taint_ev.object["spec"]["taints"]
    assert "timeAdded" not in raw_taint  # `kubectl taint` sets none

    store = seed.at(190)
    d = _pod(store, "pod-without-toleration")
    assert (d.summary.phase, d.summary.status, d.summary.node) == ("Pending", "Pending", "")
    cond = next(c for c in d.conditions if c.type == "PodScheduled")
    assert (cond.status, cond.reason) == ("False", "Unschedulable")
    assert "1 node(s) had taint {hw: gpu}" in cond.message
    assert d.scheduling is not None
    assert d.scheduling.untolerated == ["worker-1: hw=gpu:NoSchedule"]
    assert "{hw: gpu}" in d.scheduling.message
    fits = {f.node: f.reasons for f in d.scheduling.fits}
    assert fits == {
        "worker-1": ["untolerated taint hw=gpu:NoSchedule"],
        "worker-2": ["does not match nodeSelector"],
        "worker-3": ["does not match nodeSelector"],
    }
    assert ("nodeSelector", "gpu=no1") in d.placement
    assert "hw=gpu:NoSchedule" in d.why
    assert any(e.reason == "FailedScheduling" for e in d.events)

    ok = _pod(store, "pod-with-toleration")
    assert (ok.summary.status, ok.summary.node) == ("Running", "worker-1")
    [m] = ok.taints
    assert (m.taint.text, m.tolerated) == ("hw=gpu:NoSchedule", True)
    assert m.since == seed.rec.started + taint_ev.t  # first seen: the taint has no timeAdded
    assert ok.eviction is None

    row = next(r for r in node_rows(store) if r.view.name == "worker-1")
    assert row.taint_since == {"hw=gpu:NoSchedule": seed.rec.started + taint_ev.t}
    blocked = row.not_tolerating["hw=gpu:NoSchedule"]
    assert (NS, "pod-without-toleration") in blocked
    assert (NS, "pod-with-toleration") not in blocked

    # Once the taints are removed (252 s) it is scheduled onto worker-1.
    later = _pod(seed.at(262), "pod-without-toleration")
    assert (later.summary.status, later.summary.node) == ("Running", "worker-1")
    assert later.scheduling is None


def test_no_execute_taint_evicts_at_once_and_after_toleration_seconds(seed: Seed):
    taint_i, taint_ev = seed.find(
        "Node", lambda e: _name(e.object) == "worker-2" and "out-of-disk" in _taint_keys(e.object)
    )
    tainted_at = seed.since_started(taint_ev)
    assert 205 < tainted_at < 212
    assert taint_ev.object["spec"]["taints"] == [
        {"effect": "NoExecute", "key": "out-of-disk", "value": "True"}
    ]
    first_seen = seed.rec.started + taint_ev.t
    _, gone_ev = seed.find(
        "Pod", lambda e: e.type == "DELETED" and _name(e.object) == "pod1-with-no-execute"
    )
    evicted_after = gone_ev.t - taint_ev.t
    assert 28 <= evicted_after <= 32  # tolerationSeconds: 30

    # Mid-eviction: the taint manager has marked pod2-without-no-execute for deletion.
    mark_i, _ = seed.find(
        "Event",
        lambda e: (
            e.object.get("reason") == "TaintManagerEviction"
            and e.object["involvedObject"]["name"] == "pod2-without-no-execute"
        ),
    )
    assert mark_i > taint_i
    store = seed.through(mark_i)
    victim = _pod(store, "pod2-without-no-execute")
    assert victim.summary.status == "Terminating"
    assert victim.eviction is not None
    assert victim.eviction.immediate
    assert victim.eviction.deadline == first_seen
    assert "TaintManagerEviction" in victim.why

    store = seed.at(tainted_at + 5)
    for name in (
        "pod2-without-no-execute",
        "qos-guaranteed",
        "pod-liveness-httpget1",
        "pod-readiness-exec1",
    ):
        assert (NS, name) not in store.pods, f"{name} should have been evicted"
    assert store.pods_on_node("worker-2") == {(NS, "pod1-with-no-execute")}
    d = _pod(store, "pod1-with-no-execute")
    [m] = d.taints
    assert (m.taint.text, m.taint.time_added, m.tolerated) == (
        "out-of-disk=True:NoExecute",
        None,
        True,
    )
    assert (m.since, m.toleration_seconds) == (first_seen, 30)
    assert d.eviction is not None
    assert not d.eviction.immediate
    assert d.eviction.taints == ["out-of-disk=True:NoExecute"]
    assert d.eviction.deadline == first_seen + 30
    assert (
        eviction_for(
            match_taints(
                store.pods[(NS, "pod1-with-no-execute")],
                store.nodes["worker-2"],
                store.taint_first_seen,
            )
        )
        == d.eviction
    )
    # podwatch's countdown ends when the taint manager actually deleted the pod.
    assert abs(d.eviction.deadline - (seed.rec.started + gone_ev.t)) <= 2
    assert "Tolerating NoExecute taint out-of-disk=True:NoExecute" in d.why
    row = next(r for r in node_rows(store) if r.view.name == "worker-2")
    assert row.taint_since == {"out-of-disk=True:NoExecute": first_seen}
    assert row.not_tolerating == {"out-of-disk=True:NoExecute": []}
    # The evicted readiness pod left its Service.
    assert [a.pod for a in _service(store, "svc-readiness").addresses] == [(NS, "pod1")]

    # Seeking forward then back rebuilds the store: the same deadline.
    src = seed.source_at(tainted_at + 20)
    src.seek(seed.lead + tainted_at + 5)
    again = pod_detail(src.store, (NS, "pod1-with-no-execute"))
    assert again is not None and again.eviction == d.eviction

    assert (NS, "pod1-with-no-execute") not in seed.at(seed.since_started(gone_ev) + 1).pods


def _rows(store: Store) -> dict[str, tuple]:
    return {
        r.summary.name: (
            r.summary.phase,
            r.summary.status,
            r.summary.ready_text,
            r.summary.restarts,
            r.summary.node,
            r.summary.pod_ip,
        )
        for r in pod_rows(store, gone=False)  # the live pods, as a List has them
        if r.summary.namespace == NS
    }


def _endpoint_rows(store: Store) -> dict[Key, list[tuple]]:
    return {
        key: sorted((a.ip, a.pod, a.ready, a.node, a.ports) for a in addresses_from_endpoints(ep))
        for key, ep in store.endpoints.items()
    }


def test_final_lists_match_the_stream_at_finished(seed: Seed):
    stream_files = [p for p in sorted(SEED.glob("*.json")) if not p.name.startswith("final-")]
    stream = _rec(*stream_files)
    src = ReplaySource(stream)
    src.seek(seed.finished - stream.started)
    live = src.store

    final = _replayed(SEED / "final-pods.json", SEED / "final-endpoints.json")
    assert len(final.pods) == 10
    assert _rows(live) == _rows(final)
    assert _endpoint_rows(live) == _endpoint_rows(final)
    # The stream's Services view (from EndpointSlices) agrees with the final Endpoints.
    assert {
        v.key: sorted((a.ip, a.pod, a.state_text) for a in v.addresses) for v in service_views(live)
    } == {
        v.key: sorted((a.ip, a.pod, a.state_text) for a in v.addresses)
        for v in service_views(final)
    }
    assert {v.key: v.source for v in service_views(live)} == {
        (NS, "svc-liveness"): "EndpointSlice",
        (NS, "svc-readiness"): "EndpointSlice",
    }
    # Merging the final lists into the stream leaves that moment unchanged.
    assert _rows(seed.at(seed.finished - seed.started)) == _rows(final)


# --------------------------------------------------------------------------- kubectl forms


BARE_PODS = {
    "false-pod": ("Running", "CrashLoopBackOff", 6),
    "hello-world2": ("Succeeded", "Completed", 0),
    "job-fails": ("Failed", "Error", 0),
    "pod-imagepull": ("Pending", "ImagePullBackOff", 0),
    "pod-with-toleration": ("Running", "Running", 0),
    "pod-without-toleration": ("Running", "Running", 0),
    "pod1": ("Running", "Running", 0),
    "pod2": ("Running", "Running", 0),
    "qos-besteffort": ("Running", "Running", 0),
    "qos-burstable": ("Running", "Running", 0),
}


def test_pretty_printed_bare_pod_objects():
    path = FORMS / "pods-watch-bare.json"
    assert path.read_text().startswith("{\n")  # multi-line documents
    rec = _rec(path)
    assert [e.type for e in rec.events] == ["ADDED"] * 10  # the first of each pod
    assert sorted(_name(e.object) for e in rec.events) == sorted(BARE_PODS)
    store = _replayed(path)
    got = {
        r.summary.name: (r.summary.phase, r.summary.status, r.summary.restarts)
        for r in pod_rows(store)
    }
    assert got == BARE_PODS
    assert _pod(store, "pod-without-toleration").summary.node == "worker-1"
    # The same pods as the final list of the scenario, a few minutes on.
    assert set(_replayed(SEED / "final-pods.json").pods) == set(store.pods)


def test_events_k8s_io_v1_list():
    path = FORMS / "events-v1-list.json"
    rec = _rec(path)
    assert len(rec.events) == 98
    evs = [normalize_event(e.object) for e in rec.events]
    assert all(ev is not None and ev.api == "events.k8s.io/v1" for ev in evs)
    by = {(ev.involved_name, ev.reason, ev.message[:20]): ev for ev in evs if ev is not None}

    ready = by[("pod-readiness-exec1", "Unhealthy", "Readiness probe fail")]
    assert (ready.involved_kind, ready.involved_namespace) == ("Pod", NS)
    assert (ready.container, ready.probe_kind, ready.count) == ("readiness", "readiness", 4)
    assert ready.source == "kubelet"
    assert ready.first == parse_time("2026-11-22T07:41:30Z")
    assert ready.last == parse_time("2026-11-22T07:42:01Z")

    live = by[("pod-liveness-httpget1", "Unhealthy", "Liveness probe faile")]
    assert (live.container, live.probe_kind, live.count) == ("liveness", "liveness", 3)

    backoff = by[("false-pod", "BackOff", "Back-off restarting ")]
    assert (backoff.count, backoff.field_path) == (6, "spec.containers{false-pod-container}")

    # A scheduler event with `series`: its last sighting is series.lastObservedTime.
    [series] = [e.object for e in rec.events if e.object.get("series")]
    ev = normalize_event(series)
    assert ev is not None
    assert (ev.reason, ev.involved_name, ev.source) == (
        "FailedScheduling",
        "pod-without-toleration",
        "default-scheduler",
    )
    assert ev.message.startswith("0/3 nodes are available: 1 node(s) had taint {hw: gpu}")
    assert ev.last == parse_time(series["series"]["lastObservedTime"])
    assert ev.first == parse_time(series["eventTime"])

    store = _replayed(path)
    assert (
        store.probe_failures.for_pod((NS, "pod-readiness-exec1"))[("readiness", "readiness")].total
        == 4
    )
    assert (
        store.probe_failures.for_pod((NS, "pod-liveness-httpget1"))[("liveness", "liveness")].total
        == 3
    )


def test_kubectl_pods_and_events_together():
    store = _replayed(FORMS / "pods-watch-bare.json", FORMS / "events-v1-list.json")
    d = _pod(store, "false-pod")
    assert d.why == (
        "Container false-pod-container is CrashLoopBackOff, restarted 6×; "
        "last: terminated Error (exit 1)."
    )
    backoff = [e for e in d.events if e.reason == "BackOff"]
    assert [(e.count, e.api) for e in backoff] == [(6, "events.k8s.io/v1")]


# --------------------------------------------------------------------------- real objects: pods


def _only_pod(filename: str) -> dict:
    rec = _rec(REAL / filename)
    assert len(rec.events) == 1
    return rec.events[0].object


REAL_PODS = [
    # file, name, phase, kubectl STATUS, ready, total, restarts, qos
    (
        "pod-sidecar-ready-to-start.json",
        "pod-native-sidecar",
        "Running",
        "Running",
        2,
        2,
        0,
        "Burstable",
    ),
    (
        "pod-sidecar-and-init-completed-kind.json",
        "sleep",
        "Running",
        "Running",
        2,
        2,
        0,
        "Burstable",
    ),
    (
        "pod-readiness-gate-condition-missing.json",
        "pod-readiness-gate",
        "Running",
        "Running",
        1,
        1,
        0,
        "BestEffort",
    ),
    (
        "pod-ephemeral-container-running.json",
        "pod-ephemeral-base",
        "Running",
        "Running",
        1,
        1,
        0,
        "Burstable",
    ),
    (
        "pod-readiness-probe-failing.json",
        "probe-readiness-failing",
        "Running",
        "Running",
        0,
        1,
        0,
        "BestEffort",
    ),
    (
        "pod-liveness-probe-crashloop-exit-137.json",
        "pod-liveness-kill-137",
        "Running",
        "CrashLoopBackOff",
        0,
        1,
        3,
        "BestEffort",
    ),
    # kubectl (since 1.22, kubernetes/kubernetes#105467) lets the container's
    # ContainerStatusUnknown override status.reason; podwatch shows the pod's own
    # reason for a Failed pod, which is what the operator needs to see.
    (
        "pod-evicted-ephemeral-storage.json",
        "prometheus-operator-5c5784bc5f-4h65z",
        "Failed",
        "Evicted",
        0,
        1,
        1,
        "BestEffort",
    ),
    (
        "pods-list-oomkilled-job.json",
        "oom-kill-job3-gbb89",
        "Failed",
        "OOMKilled",
        0,
        1,
        0,
        "Burstable",
    ),
]


@pytest.mark.parametrize(
    ("filename", "name", "phase", "word", "ready", "total", "restarts", "qos"),
    REAL_PODS,
    ids=[row[0] for row in REAL_PODS],
)
def test_real_pod_summary(filename, name, phase, word, ready, total, restarts, qos):
    pod = _only_pod(filename)
    assert _name(pod) == name
    sw = status_word(pod)
    assert sw[:4] == (word, ready, total, restarts)
    sm = summarize(pod)
    assert (sm.phase, sm.status, sm.ready, sm.total, sm.restarts, sm.qos) == (
        phase,
        word,
        ready,
        total,
        restarts,
        qos,
    )
    # Conditions: the four in lifecycle order, then the rest (PodReadyToStartContainers).
    types = [c.type for c in condition_views(pod)]
    assert types[:4] == ["PodScheduled", "Initialized", "ContainersReady", "Ready"]
    raw_types = [c["type"] for c in pod["status"]["conditions"]]
    assert types[4:] == [t for t in raw_types if t not in types[:4]]
    assert all(not c.standard for c in condition_views(pod)[4:])


def test_native_sidecars_count_in_ready():
    pod = _only_pod("pod-sidecar-ready-to-start.json")
    assert [(c.kind, c.name, c.state, c.started, c.ready) for c in container_views(pod)] == [
        ("sidecar", "log-collector", "running", True, True),
        ("app", "main", "running", True, True),
    ]
    assert _conds(pod)["PodReadyToStartContainers"] == ("True", "")

    pod = _only_pod("pod-sidecar-and-init-completed-kind.json")
    assert pod["spec"]["restartPolicy"] == "Never"
    assert [
        (c.kind, c.name, c.state, c.reason, c.exit_code, c.started, c.ready)
        for c in container_views(pod)
    ] == [
        ("init", "init", "terminated", "Completed", 0, False, True),
        ("sidecar", "sidecar", "running", "", None, True, True),
        ("app", "sleep", "running", "", None, True, True),
    ]


def _store_with(*filenames: str) -> Store:
    return _replayed(*(REAL / f for f in filenames))


def test_readiness_gate_not_satisfied():
    store = _store_with("pod-readiness-gate-condition-missing.json")
    [key] = store.pods
    conds = _conds(store.pods[key])
    assert conds["ContainersReady"] == ("True", "")
    assert conds["Ready"] == ("False", "ReadinessGatesNotReady")
    assert "custom.io/feature-ready" not in conds  # the gate's own condition is missing
    d = pod_detail(store, key)
    assert d is not None
    assert d.why == (
        "Readiness gate not satisfied: corresponding condition of pod readiness gate "
        '"custom.io/feature-ready" does not exist.'
    )
    assert d.summary.severity == Health.UNHEALTHY


def test_ephemeral_container_is_listed_but_not_counted():
    pod = _only_pod("pod-ephemeral-container-running.json")
    views = container_views(pod)
    assert [(c.kind, c.name) for c in views] == [("app", "main"), ("ephemeral", "debug-shell")]
    debug = views[1]
    assert (debug.state, debug.ready, debug.started) == ("running", False, None)
    assert summarize(pod).ready_text == "1/1"


def test_evicted_pod():
    store = _store_with("pod-evicted-ephemeral-storage.json")
    [key] = store.pods
    d = pod_detail(store, key)
    assert d is not None
    assert (d.summary.phase, d.status_reason) == ("Failed", "Evicted")
    assert d.status_message.startswith("The node was low on resource: ephemeral-storage.")
    assert d.why.startswith("Failed (Evicted): The node was low on resource: ephemeral-storage.")
    [c] = d.containers
    assert (c.state, c.reason, c.exit_code) == ("terminated", "ContainerStatusUnknown", 137)
    assert (c.last_state, c.last_reason, c.last_exit_code) == (
        "terminated",
        "ContainerStatusUnknown",
        137,
    )
    assert c.last_finished_at is None  # finishedAt: null
    assert "DisruptionTarget" not in [x.type for x in d.conditions]
    assert d.summary.severity == Health.FAILING


def test_liveness_crashloop_exit_137():
    store = _store_with("pod-liveness-probe-crashloop-exit-137.json")
    [key] = store.pods
    d = pod_detail(store, key)
    assert d is not None
    [c] = d.containers
    assert (c.state, c.reason, c.started, c.restarts) == ("waiting", "CrashLoopBackOff", False, 3)
    assert "back-off" in c.message
    assert c.last_state_text == "terminated Error (exit 137)"
    p = _probe(d, "app", "liveness")
    assert p.handler == "exec false"
    assert (p.initial_delay, p.period, p.failure_threshold) == (1, 2, 2)
    # No Events in this capture: the why names the two likely killers, and says why it
    # cannot tell (SPEC 6, "unknown is not zero").
    assert d.why == (
        "Container app is CrashLoopBackOff, restarted 3×; last: terminated Error (exit 137); "
        "exit 137 is SIGKILL: likely killed by its liveness probe (exec false, 2 failures in "
        "a row) or out of memory; no Events seen to tell which."
    )


def test_readiness_probe_failing_real_pod():
    pod = _only_pod("pod-readiness-probe-failing.json")
    assert _conds(pod)["ContainersReady"] == ("False", "ContainersNotReady")
    assert _conds(pod)["Ready"] == ("False", "ContainersNotReady")
    [c] = container_views(pod)
    assert (c.state, c.started, c.ready) == ("running", True, False)
    [p] = probe_views(pod)
    assert (p.probe, p.handler) == ("readiness", "httpGet http://10.244.0.12:8080/ready")
    assert p.note.startswith("failing or pending")


def test_oomkilled_job_pod():
    pod = _only_pod("pods-list-oomkilled-job.json")
    assert _conds(pod)["Ready"] == ("False", "PodFailed")
    [c] = container_views(pod)
    assert (c.state, c.reason, c.exit_code) == ("terminated", "OOMKilled", 137)
    assert summarize(pod).severity == Health.FAILING


K135 = REAL / "pods-list-k8s-1.35-minikube.json"
K135_NODE = REAL / "nodes-list-k8s-1.35-minikube.json"


def test_k8s_1_35_pod_list():
    store = _replayed(K135)
    assert len(store.pods) == 25
    words = {k[1]: summarize(p).status for k, p in store.pods.items()}
    assert words["e2e-container-creating"] == "Completed"
    assert words["e2e-container-pending"] == "Pending"
    assert {words[n] for n in words if n.startswith("e2e-failjob-")} == {"Error"}
    assert {words[n] for n in words if n.startswith("e2e-cronjob-")} == {"Completed"}

    # Startup probes of the static control-plane pods have passed.
    started = []
    for key in store.pods:
        d = pod_detail(store, key)
        assert d is not None
        for p in d.probes:
            if p.probe == "startup":
                [c] = [c for c in d.containers if c.name == p.container]
                assert c.started is True
                assert p.note.startswith("passed")
                started.append(key[1])
    assert sorted(started) == [
        "etcd-datagen-1-35",
        "kube-apiserver-datagen-1-35",
        "kube-controller-manager-datagen-1-35",
        "kube-scheduler-datagen-1-35",
    ]

    # PodReadyToStartContainers comes after the four: True while running, False when finished.
    for pod in store.pods.values():
        views = condition_views(pod)
        raw = _raw_cond(pod, "PodReadyToStartContainers")
        if raw is None:
            assert [v.type for v in views] == [
                "PodScheduled",
                "Initialized",
                "ContainersReady",
                "Ready",
            ]
            continue
        assert [v.type for v in views][4:] == ["PodReadyToStartContainers"]
        expected = "False" if pod["status"]["phase"] in ("Succeeded", "Failed") else "True"
        assert views[4].status == raw["status"] == expected

    pending = store.pods[("scraper", "e2e-container-pending")]
    assert [(v.type, v.status) for v in condition_views(pending)] == [
        ("PodScheduled", "False"),
        ("Initialized", "missing"),
        ("ContainersReady", "missing"),
        ("Ready", "missing"),
    ]
    creating = pod_detail(store, ("scraper", "e2e-container-creating"))
    assert creating is not None
    [c] = creating.containers
    assert (c.restarts, c.state, c.last_state_text) == (
        2,
        "terminated",
        "terminated Completed (exit 0)",
    )
    failed = pod_detail(store, ("scraper", "e2e-failjob-28dqq"))
    assert failed is not None
    assert failed.why == "Failed: container main terminated Error (exit 42)."


def test_running_pod_whose_container_keeps_completing_is_unhealthy():
    store = _replayed(K135, K135_NODE)
    key = ("scraper", "e2e-container-creating")
    pod = store.pods[key]
    assert pod["status"]["phase"] == "Running"
    assert pod["spec"]["restartPolicy"] == "Always"
    assert summarize(pod).status == "Completed"
    assert summarize(pod).severity == Health.UNHEALTHY
    [row] = node_rows(store)
    assert row.unhealthy == 5  # four failed Job pods and this one


def test_k8s_1_35_pods_on_their_node():
    store = _replayed(K135, K135_NODE)
    d = pod_detail(store, ("kube-system", "coredns-7d764666f9-qdcxt"))
    assert d is not None
    assert d.node is not None
    assert (d.node.name, d.node.ready, d.node.internal_ip) == (
        "datagen-1-35",
        "True",
        "192.168.67.2",
    )
    assert d.taints == [] and d.eviction is None
    assert d.why == "Ready."
    [row] = node_rows(store)
    assert row.pods == 24  # all but the Pending pod
    pending = pod_detail(store, ("scraper", "e2e-container-pending"))
    assert pending is not None and pending.scheduling is not None
    assert pending.scheduling.reason == "Unschedulable"
    assert "didn't match Pod's node affinity/selector" in pending.scheduling.message
    assert ("nodeSelector", "not-existing=not-existing") in pending.placement
    assert [(f.node, f.fits, f.reasons) for f in pending.scheduling.fits] == [
        ("datagen-1-35", False, ["does not match nodeSelector"])
    ]


# --------------------------------------------------------------------------- real objects: events


UNHEALTHY_FILE = REAL / "events-core-v1-unhealthy-backoff-minikube.json"
FAILING_LIVENESS = ("message-container-creating-failed-mount", "failing-liveness-pod")


def test_large_unhealthy_counts_are_counted_once():
    rec = _rec(UNHEALTHY_FILE)
    evs = [normalize_event(e.object) for e in rec.events]
    unhealthy = sorted(
        (ev.count, ev.container, ev.probe_kind, ev.source)
        for ev in evs
        if ev is not None and ev.reason == "Unhealthy"
    )
    assert unhealthy == [
        (9, "my-container", "liveness", "kubelet"),
        (60, "my-container", "liveness", "kubelet"),
    ]

    store = Store()
    for _ in range(2):  # the same list delivered twice (a re-list)
        for e in rec.events:
            store.apply(WatchEvent(e.t, e.kind, "ADDED", e.object), rec.started + e.t)
    tallies = store.probe_failures.for_pod(FAILING_LIVENESS)
    assert {k: t.total for k, t in tallies.items()} == {("my-container", "liveness"): 69}

    by_reason = {}
    for ev in evs:
        assert ev is not None
        by_reason.setdefault(ev.reason, []).append(ev)
    [killing] = [e for e in by_reason["Killing"] if e.involved_name == FAILING_LIVENESS[1]]
    assert (killing.count, killing.message) == (
        3,
        "Container my-container failed liveness probe, will be restarted",
    )
    [init_backoff] = [
        e for e in by_reason["BackOff"] if e.field_path == "spec.initContainers{install}"
    ]
    assert (init_backoff.count, init_backoff.container) == (1464, "install")
    # Scheduler events through events.k8s.io: count null, eventTime, reportingComponent.
    sched = by_reason["FailedScheduling"]
    assert sched and all(e.count == 1 and e.source == "default-scheduler" for e in sched)
    assert {e.count for e in by_reason["FailedMount"]} == {178, 109}


def test_failed_scheduling_series_count():
    rec = _rec(REAL / "events-core-v1-failedscheduling-series-minikube.json")
    [obj] = [e.object for e in rec.events if e.object.get("series")]
    assert obj.get("count") is None and obj["firstTimestamp"] is None
    ev = normalize_event(obj)
    assert ev is not None
    assert (ev.reason, ev.count, ev.source) == ("FailedScheduling", 3, "default-scheduler")
    assert ev.first == parse_time(obj["eventTime"])
    assert ev.last == parse_time(obj["series"]["lastObservedTime"])

    rec = _rec(REAL / "events-core-v1-series-count-3432.json")
    evs = {normalize_event(e.object).reason: normalize_event(e.object) for e in rec.events}
    sched = evs["FailedScheduling"]
    assert (sched.count, sched.involved_kind, sched.involved_name) == (3432, "Pod", "ga-edge-0")
    pvc = evs["WaitForPodScheduled"]
    assert (pvc.count, pvc.involved_kind) == (68646, "PersistentVolumeClaim")
    # The PVC's event is not a pod's; it stays out of every pod's list.
    store = _replayed(REAL / "events-core-v1-series-count-3432.json")
    assert [e.reason for e in store.pod_events(("gagent", "ga-edge-0"))] == ["FailedScheduling"]


def test_k3s_bundle_events_and_endpointslices_together():
    events = REAL / "events-core-v1-list-k3s-1.31.json"
    slices = REAL / "endpointslices-list-k3s-1.31.json"
    pod = ("kube-system", "metrics-server-5985cbc9d7-9jgk6")
    rec = _rec(events)
    [unhealthy] = [
        normalize_event(e.object) for e in rec.events if e.object.get("reason") == "Unhealthy"
    ]
    # (The real-objects README says count 1; the object itself says 11.)
    assert unhealthy is not None
    assert unhealthy.count == 11
    assert (unhealthy.involved_namespace, unhealthy.involved_name) == pod
    assert unhealthy.probe_kind == "readiness"

    store = _replayed(events, slices)
    tally = store.probe_failures.for_pod(pod)[("metrics-server", "readiness")]
    assert tally.total == 11
    assert tally.last_message == "Readiness probe failed: HTTP probe failed with statuscode: 500"
    assert [(m.service, m.state, m.ip) for m in store.memberships(pod)] == [
        (("kube-system", "metrics-server"), "ready", "10.42.0.3")
    ]


# --------------------------------------------------------------------------- real objects: slices, nodes


def test_endpointslice_v1_conditions_and_node_names():
    store = _store_with("endpointslices-list-k3s-1.31.json")
    views = {v.key[1]: v for v in service_views(store)}
    assert sorted(views) == ["kube-dns", "metrics-server", "traefik"]
    expected = {
        "kube-dns": (
            "10.42.0.6",
            "coredns-56f6fc8fd7-p4x9z",
            ("metrics:9153/TCP", "dns:53/UDP", "dns-tcp:53/TCP"),
        ),
        "metrics-server": ("10.42.0.3", "metrics-server-5985cbc9d7-9jgk6", ("https:10250/TCP",)),
        "traefik": (
            "10.42.0.8",
            "traefik-57b79cf995-qn4jm",
            ("web:8000/TCP", "websecure:8443/TCP"),
        ),
    }
    for name, (ip, pod, ports) in expected.items():
        v = views[name]
        assert v.source == "EndpointSlice"
        assert v.service is None  # only the slices were captured
        [a] = v.addresses
        assert (a.ip, a.pod, a.node, a.ports) == (ip, ("kube-system", pod), "primary-node", ports)
        assert (a.ready, a.serving, a.terminating) == (True, True, False)
        assert a.source == "EndpointSlice v1"
        assert a.state_text == "ready"
        assert v.ready == [a] and v.not_ready == []


DISK_NODE = REAL / "node-disk-pressure-taint-timeadded-k3s.json"


def test_node_taint_time_added_and_disk_pressure():
    store = _replayed(DISK_NODE)
    [name] = store.nodes
    node = store.nodes[name]
    view = node_view(node)
    time_added = parse_time("2021-05-10T22:01:09Z")
    assert [(t.text, t.time_added) for t in view.taints] == [
        ("node.kubernetes.io/disk-pressure:NoSchedule", time_added)
    ]
    conds = {c.type: c for c in view.conditions}
    assert (conds["DiskPressure"].status, conds["DiskPressure"].reason) == (
        "True",
        "KubeletHasDiskPressure",
    )
    assert conds["DiskPressure"].last_transition == time_added
    assert conds["NetworkUnavailable"].reason == "FlannelIsUp"
    assert (view.ready, view.status_text, view.internal_ip) == ("True", "Ready", "172.20.0.2")

    # podwatch first saw the taint at replay time; timeAdded still wins.
    [first_seen] = store.taint_first_seen.values()
    assert first_seen != time_added
    [row] = node_rows(store)
    assert row.taint_since == {"node.kubernetes.io/disk-pressure:NoSchedule": time_added}

    # Real tolerations from the 1.35 list against this real taint.
    pods = {_name(e.object): e.object for e in _rec(K135).events}
    tolerated = {}
    for pod_name in (
        "kube-proxy-8k9zt",
        "kindnet-zkpn8",
        "e2e-daemonset-kb65b",
        "coredns-7d764666f9-qdcxt",
        "metrics-server-9d74bb658-c6nnt",
        "etcd-datagen-1-35",
    ):
        [m] = match_taints(pods[pod_name], node, store.taint_first_seen)
        assert m.since == time_added
        assert m.toleration_seconds is None
        tolerated[pod_name] = m.tolerated
    assert tolerated == {
        "kube-proxy-8k9zt": True,  # operator Exists with no key: everything
        "kindnet-zkpn8": True,  # Exists, effect NoSchedule, no key
        "e2e-daemonset-kb65b": True,  # the disk-pressure key itself
        "coredns-7d764666f9-qdcxt": False,
        "metrics-server-9d74bb658-c6nnt": False,
        "etcd-datagen-1-35": False,  # Exists, but only for NoExecute
    }
    assert eviction_for(match_taints(pods["coredns-7d764666f9-qdcxt"], node, {})) is None


def test_k8s_1_35_node():
    store = _replayed(K135_NODE)
    [row] = node_rows(store)
    assert (row.view.name, row.view.ready, row.view.unschedulable) == (
        "datagen-1-35",
        "True",
        False,
    )
    assert row.view.taints == []
    assert [c.type for c in row.view.conditions] == [
        "Ready",
        "MemoryPressure",
        "DiskPressure",
        "PIDPressure",
    ]
    assert all(c.status == "False" for c in row.view.conditions[1:])
