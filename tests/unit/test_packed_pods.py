"""Pods held packed (model/packed.py): what is read back is what was stored, and a store
that skips deriving a pod whose packed state did not change holds exactly what a store
deriving every update holds, over any sequence of updates."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import podwatch.model.store as store_module
from podwatch.cli import demo_path
from podwatch.model.k8s import d, meta
from podwatch.model.packed import (
    ColdPod,
    PackedPod,
    PackedPods,
    pack,
    same_state,
    squeeze,
    unpack,
)
from podwatch.model.pods import condition_true, summarize
from podwatch.model.store import Store
from podwatch.model.watch import WatchEvent
from podwatch.recording import read_recording
from tests.invariants import index_problems


def test_every_demo_pod_reads_back_as_stored() -> None:
    rec = read_recording(demo_path())
    pods = [e.object for e in rec.events if e.kind == "Pod" and isinstance(e.object, dict)]
    assert len(pods) > 50
    for pod in pods:
        packed = pack(pod)
        assert isinstance(packed, PackedPod)
        assert unpack(packed) == pod
        assert list(unpack(packed)) == list(pod)  # and in the same order


def test_a_read_is_a_copy_the_store_does_not_share() -> None:
    table = PackedPods()
    table[("ns", "a")] = {"metadata": {"name": "a", "labels": {"x": "1"}}, "status": {}}
    got = table[("ns", "a")]
    got["metadata"]["labels"]["x"] = "changed"
    assert table[("ns", "a")]["metadata"]["labels"] == {"x": "1"}
    assert table.get(("ns", "b")) is None and ("ns", "a") in table and len(table) == 1


def test_what_msgpack_cannot_hold_is_kept_as_it_is() -> None:
    pod = {"metadata": {"name": "a"}, "status": {"containerStatuses": [{"restartCount": 2**70}]}}
    held = pack(pod)
    assert held is pod and unpack(held) is pod
    assert not same_state(held, pack(copy.deepcopy(pod)))  # then always derived again


def test_only_the_state_decides_sameness() -> None:
    pod = {"metadata": {"name": "a", "uid": "u1", "resourceVersion": "1"}, "status": {"x": 1}}
    relabelled = copy.deepcopy(pod)
    relabelled["metadata"]["labels"] = {"new": "label"}
    relabelled["metadata"]["resourceVersion"] = "2"
    assert same_state(pack(pod), pack(relabelled))
    for change in (
        lambda p: p["status"].update(x=2),
        lambda p: p.update(spec={"nodeName": "n"}),
        lambda p: p["metadata"].update(uid="u2"),
        lambda p: p["metadata"].update(deletionTimestamp="2026-01-01T00:00:00Z"),
        lambda p: p["metadata"].update(deletionGracePeriodSeconds=30),
    ):
        other = copy.deepcopy(pod)
        change(other)
        assert not same_state(pack(pod), pack(other))


def _held(table: PackedPods, name: str) -> type:
    return type(table.packed(("ns", name)))


def test_a_new_pod_is_squeezed_at_once_and_a_changed_one_once_it_is_quiet() -> None:
    rec = read_recording(demo_path())
    pods = [e.object for e in rec.events if e.kind == "Pod" and isinstance(e.object, dict)]
    table = PackedPods()
    table[("ns", "a")] = pods[0]
    assert _held(table, "a") is ColdPod
    assert table[("ns", "a")] == pods[0]  # reads back the same
    table[("ns", "a")] = pods[1]  # changed: held packed, not squeezed on the watch path
    table[("ns", "b")] = pods[2]
    table[("ns", "b")] = pods[3]
    assert _held(table, "a") is PackedPod and table[("ns", "a")] == pods[1]
    # The first pass passes over both: each changed since the pass before.
    assert table.compact(10) == 0
    table[("ns", "b")] = pods[4]  # b changes again before the next pass: stays packed
    assert table.compact(10) == 1
    assert _held(table, "a") is ColdPod and _held(table, "b") is PackedPod
    assert table[("ns", "a")] == pods[1] and table[("ns", "b")] == pods[4]
    assert table.compact(10) == 1  # b, quiet since that pass began
    assert table.squeezed() == 2


def test_a_pass_squeezes_no_more_than_its_limit_and_skips_deleted_pods() -> None:
    table = PackedPods()
    for n in range(5):
        table[("ns", f"p{n}")] = {"metadata": {"name": f"p{n}"}, "status": {"n": 0}}
    for n in range(5):
        table[("ns", f"p{n}")] = {"metadata": {"name": f"p{n}"}, "status": {"n": 1}}
    assert table.squeezed() == 0
    assert table.compact(2) == 0  # the first pass: all changed since
    assert table.compact(2) == 2
    table[("ns", "p2")] = {"metadata": {"name": "p2"}, "status": {"n": 2}}  # during the pass
    del table[("ns", "p0")]
    table.pop(("ns", "p1"))
    assert table.compact(2) == 0  # the rest of the pass: p2 changed, p0 and p1 are gone
    assert table.compact(2) == 0  # the next pass begins after p2's change
    assert table.compact(2) == 1
    assert table.squeezed() == len(table) == 3
    assert sorted(table[k]["status"]["n"] for k in table) == [1, 1, 2]


def test_sameness_is_told_against_a_squeezed_pod_too() -> None:
    pod = {"metadata": {"name": "a", "uid": "u1", "resourceVersion": "1"}, "status": {"x": 1}}
    packed = pack(pod)
    cold = ColdPod(packed.head, squeeze(packed.state))
    relabelled = copy.deepcopy(pod)
    relabelled["metadata"]["labels"] = {"new": "label"}
    assert same_state(cold, pack(relabelled))
    changed = copy.deepcopy(pod)
    changed["status"]["x"] = 2
    assert not same_state(cold, pack(changed))
    assert not same_state(pack(changed), cold)  # only a fresh version is compared to


# --------------------------------------------------------------------------- property

NAMES = ["web-0", "web-1", "db-0"]
NODES = ["", "node-a", "node-b"]


def a_pod(
    name: str,
    uid: str,
    step: int,
    *,
    ready: bool,
    restarts: int,
    node: str,
    ip: str,
    labels: dict,
    deleting: bool,
) -> dict:
    m: dict = {
        "name": name,
        "namespace": "shop",
        "uid": uid,
        "resourceVersion": str(step),
        "creationTimestamp": "2026-11-30T10:00:00Z",
        "labels": labels,
    }
    if deleting:
        m["deletionTimestamp"] = "2026-11-30T10:05:00Z"
        m["deletionGracePeriodSeconds"] = 30
    status = "True" if ready else "False"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": m,
        "spec": {
            "nodeName": node,
            "containers": [{"name": "app", "image": "app:1", "readinessProbe": {"httpGet": {}}}],
        },
        "status": {
            "phase": "Running" if node else "Pending",
            "podIP": ip,
            "hostIP": "192.168.0.1",
            "conditions": [
                {"type": "Ready", "status": status, "lastTransitionTime": "2026-11-30T10:00:00Z"},
                {"type": "PodScheduled", "status": "True" if node else "False"},
            ],
            "containerStatuses": [
                {
                    "name": "app",
                    "ready": ready,
                    "restartCount": restarts,
                    "imageID": "sha256:abc",
                    "containerID": f"containerd://{uid}",
                    "state": {"running": {"startedAt": "2026-11-30T10:01:00Z"}},
                }
            ],
        },
    }


@st.composite
def updates(draw) -> list[tuple[str, dict | str]]:
    """A sequence of Pod events over a few names: label-only changes (what packing lets
    the store skip), state changes, re-creations under the same name, deletions."""
    steps = draw(st.integers(5, 40))
    out: list[tuple[str, dict | str]] = []
    state: dict[str, dict] = {}
    for step in range(1, steps + 1):
        name = draw(st.sampled_from(NAMES))
        s = state.get(name)
        action = draw(
            st.sampled_from(
                [
                    "label",
                    "ready",
                    "restart",
                    "move",
                    "delete",
                    "recreate",
                    "deleting",
                    "same",
                    "quiet",
                ]
            )
        )
        if action == "quiet":  # the app's clock squeezes what has been quiet
            out.append(("COMPACT", draw(st.integers(1, 3))))
            continue
        if s is None or action == "recreate":
            s = state[name] = {
                "uid": f"{name}-{step}",
                "ready": draw(st.booleans()),
                "restarts": 0,
                "node": draw(st.sampled_from(NODES)),
                "ip": draw(st.sampled_from(["", "10.0.0.1", "10.0.0.2", "10.0.0.3"])),
                "labels": {"app": name.split("-")[0]},
                "deleting": False,
            }
        elif action == "delete":
            out.append(("DELETED", name))
            del state[name]
            continue
        elif action == "label":
            s["labels"] = {**s["labels"], "rev": str(step)}
        elif action == "ready":
            s["ready"] = not s["ready"]
        elif action == "restart":
            s["restarts"] += 1
        elif action == "move":
            s["node"] = draw(st.sampled_from(NODES))
            s["ip"] = draw(st.sampled_from(["", "10.0.0.1", "10.0.0.2", "10.0.0.3"]))
        elif action == "deleting":
            s["deleting"] = True
        out.append(
            ("MODIFIED", a_pod(name, s["uid"], step, **{k: v for k, v in s.items() if k != "uid"}))
        )
    return out


def play(events: list[tuple[str, dict | str]]) -> list[Store]:
    """The store after each event (one store, snapshotted by what the test compares)."""
    store = Store()
    seen = []
    for step, (etype, obj) in enumerate(events, 1):
        if etype == "COMPACT":
            store.pods.compact(obj)
        else:
            if etype == "DELETED":
                obj = {"metadata": {"name": obj, "namespace": "shop", "resourceVersion": str(step)}}
            store.apply(WatchEvent(float(step), "Pod", etype, obj), 1_000_000.0 + step)
        seen.append(
            {
                "summaries": dict(store.summaries),
                "pods": {k: store.pods[k] for k in store.pods},
                "ready": set(store._ready),
                "labels": dict(store._pod_labels),
                "ips": dict(store._ip_pod),
                "flips": {k: store.ready_flips(k) for k in store.pods},
                "risk": dict(store._risk_due),
                "timeline": {k: store.timeline.entries(k) for k in store.timeline.histories()},
                "tombstones": sorted(store.tombstones),
                "problems": index_problems(store),
            }
        )
    return seen


@settings(max_examples=150, deadline=None)
@given(updates())
def test_skipping_unchanged_states_equals_deriving_every_update(events) -> None:
    skipping = play(events)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store_module, "same_state", lambda a, b: False)  # derive every update
        eager = play(events)
    for step, (lazy, full) in enumerate(zip(skipping, eager, strict=True)):
        assert lazy == full, step
        assert lazy["problems"] == [], step
        for key, pod in lazy["pods"].items():
            assert lazy["summaries"][key] == summarize(pod)
            assert (key in lazy["ready"]) == condition_true(pod, "Ready")
            assert lazy["labels"].get(key, {}) == d(meta(pod).get("labels"))
            assert "hostIP" not in pod["status"]  # slimmed: no pane reads it
