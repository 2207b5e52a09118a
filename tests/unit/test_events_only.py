"""Pods known only from Events (issue 13 item 4): `kubectl get events -o json` is often
all that was saved after an incident. Its pods are rows marked `(from Events only)`,
with their warnings, timeline and probe failures, and READY/RESTARTS unknown (never 0);
the row becomes the real pod's when the Pod object arrives. Both Event shapes."""

from __future__ import annotations

from pathlib import Path

from podwatch.cli import main
from podwatch.kube.source import ReplaySource
from podwatch.model.store import Changes, Store
from podwatch.model.view import pod_detail, pod_row, pod_rows
from podwatch.model.watch import WatchEvent
from podwatch.recording import read_recording
from podwatch.render import pod_cells
from tests.factories import T0, container, feed, pod
from tests.invariants import index_problems, leftovers

DATA = Path(__file__).resolve().parents[1] / "data" / "recordings"
CORE = DATA / "real-objects" / "events-core-v1-unhealthy-backoff-minikube.json"
V1 = DATA / "kubectl-forms" / "events-v1-list.json"
NS = "message-container-creating-failed-mount"


def replayed(*paths: Path) -> Store:
    src = ReplaySource(read_recording([str(p) for p in paths]))
    src.run_to_end()
    return src.store


def rows_by_name(store: Store) -> dict:
    return {r.summary.name: r for r in pod_rows(store)}


def test_core_v1_events_only_capture_has_a_row_per_pod_with_its_warnings():
    store = replayed(CORE)
    assert not store.pods
    rows = rows_by_name(store)
    assert len(rows) == 14  # every Pod the Events name; not the ReplicaSets or Deployments
    assert "crashpod-f9b59484" not in rows and "crashpod" not in rows
    live = rows["failing-liveness-pod"]
    assert live.summary.events_only
    assert live.probe_failures == {"liveness": 69}  # 60 + 9 from two Unhealthy Events
    cells = pod_cells(live, store.now)
    assert cells["status"].plain == "(from Events only)"
    # Unknown is not zero: no Pod object, no READY and no restart count.
    assert cells["restarts"].plain == "?" and cells["ready"].plain == "?"
    assert cells["probes"].plain == "0/69/0"
    assert cells["node"].plain == "minikube"  # from its Scheduled Event
    detail = pod_detail(store, (NS, "init-demo2"))
    assert detail is not None
    assert detail.why.startswith(
        "Known only from Events (no Pod object seen); last Warning BackOff ×1464 on install "
    )
    assert "restarts: unknown" in detail.why
    assert [e.reason for e in detail.events] == ["BackOff"]
    # Normal Events only: not marked unhealthy, and not healthy either.
    assert rows["testpod"].health < rows["init-demo2"].health


def test_events_k8s_io_v1_capture_has_rows_too():
    store = replayed(V1)
    rows = rows_by_name(store)
    assert rows["false-pod"].summary.node == "worker-3"
    assert rows["pod-readiness-exec1"].probe_failures == {"readiness": 4}
    detail = pod_detail(store, ("seed-demo", "false-pod"))
    assert detail is not None
    assert "last Warning BackOff ×6 on false-pod-container" in detail.why
    assert "restarts: unknown" in detail.why


def test_the_row_becomes_the_pod_when_its_object_arrives_and_invariants_hold():
    store = replayed(CORE)
    key = (NS, "failing-liveness-pod")
    assert key in store.events_only_pods()
    feed(store, pod("failing-liveness-pod", NS, containers=[container("my-container")]))
    assert not store.events_only(key)
    row = pod_row(store, key)
    assert row is not None and not row.summary.events_only
    assert row.probe_failures == {"liveness": 69}  # the counts stay with the pod
    assert sum(r.summary.name == "failing-liveness-pod" for r in pod_rows(store)) == 1
    assert index_problems(store) == []
    # Seen deleted: its Events do not bring it back as a row known only from Events.
    feed(store, pod("failing-liveness-pod", NS), etype="DELETED")
    assert key not in store.events_only_pods() and pod_row(store, key) is None
    for ns, name in list(store.events):
        feed(store, {"kind": "Event", "metadata": {"namespace": ns, "name": name}}, etype="DELETED")
    assert store.events_only_pods() == [] and leftovers(store) == {}


def test_live_a_pod_list_ends_the_rows_known_only_from_events():
    """Once Pods are listed, a pod with Events and no object is out of scope (`-l`)."""
    store = replayed(CORE)
    assert store.events_only_pods()
    changes = store.apply(
        WatchEvent(0, "Pod", "RELIST", {"keys": [], "resourceVersion": "9"}), T0, Changes()
    )
    assert store.events_only_pods() == []
    assert (NS, "init-demo2") in changes.pods  # the table drops the row
    assert pod_rows(store) == []


def test_replay_once_of_events_only_files_shows_pods_and_warnings(capsys):
    for path, pod_name, warning in (
        (CORE, "init-demo2", "last Warning BackOff ×1464"),
        (V1, "pod-imagepull", "last Warning Failed ×6 on app"),
    ):
        assert main(["replay", str(path), "--once"]) == 0
        out, _err = capsys.readouterr()
        assert "Pods (0, " in out and "more known only from Events)" in out
        assert pod_name in out and "(from Events only)" in out
        assert warning in " ".join(out.split())
