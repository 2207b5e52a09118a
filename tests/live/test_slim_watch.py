"""The watch decodes pods straight into what the store keeps when nothing records them
(codec.decode_slim_*), and whole (all but managedFields) when a recording does: through
the real client against the API server double, a list and a watch each way. The store
holds the same pods either way."""

from __future__ import annotations

import copy
import time

from podwatch.kube.config import connect
from podwatch.kube.source import LiveSource
from podwatch.model.slim import SlimPodDict
from podwatch.recording import RecordingWriter, read_recording
from tests.live.conftest import FAST, pod_obj


def heavy_pod(name: str) -> dict:
    """A pod with what the store drops: env, volumes, an imageID, managedFields."""
    pod = pod_obj(name)
    pod["metadata"]["managedFields"] = [{"manager": "kubelet", "operation": "Update"}]
    container = pod["spec"]["containers"][0]
    container["env"] = [{"name": "PASSWORD", "value": "hunter2"}]
    pod["spec"]["volumes"] = [{"name": "data", "emptyDir": {}}]
    for cs in pod["status"].get("containerStatuses") or []:
        cs["imageID"] = "docker-pullable://app@sha256:0"
    return pod


def taken(source: LiveSource, name: str, etype: str, timeout: float = 10.0) -> dict:
    """The first `etype` of pod `name` the source hands on (`take`), within `timeout`;
    every other event taken is applied, as `poll` would."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = source.take()
        source.store.apply_all(batch, source.started)
        for e in batch:
            if e.kind == "Pod" and e.type == etype and e.object["metadata"]["name"] == name:
                return e.object
        time.sleep(0.02)
    raise AssertionError(f"{etype} {name} never came")


def sources(double, tmp_path):
    kubeconfig = str(double.write_kubeconfig(tmp_path / "kc", namespace="default"))
    cluster, scope = connect(kubeconfig=kubeconfig)
    plain = LiveSource(cluster, scope, settings=FAST).start()
    cluster2, scope2 = connect(kubeconfig=kubeconfig)
    recorder = RecordingWriter(tmp_path / "rec.jsonl", context=cluster2.context)
    recording = LiveSource(cluster2, scope2, settings=FAST, recorder=recorder).start()
    return plain, recording


def test_pods_come_slim_unless_recorded(double, tmp_path):
    double.create(heavy_pod("web-1"))
    plain, recording = sources(double, tmp_path)
    try:
        listed_slim = taken(plain, "web-1", "ADDED")
        listed_whole = taken(recording, "web-1", "ADDED")
        later = heavy_pod("web-1")
        later["status"]["containerStatuses"][0]["restartCount"] = 4
        double.update(copy.deepcopy(later))
        watched_slim = taken(plain, "web-1", "MODIFIED")
        watched_whole = taken(recording, "web-1", "MODIFIED")
    finally:
        plain.stop()
        recording.stop()
        plain.cluster.close()
        recording.cluster.close()
    for slim in (listed_slim, watched_slim):
        assert type(slim) is SlimPodDict
        assert "volumes" not in slim["spec"] and "env" not in slim["spec"]["containers"][0]
        assert "imageID" not in slim["status"]["containerStatuses"][0]
        assert "managedFields" not in slim["metadata"]
    for whole in (listed_whole, watched_whole):
        assert type(whole) is dict
        assert whole["spec"]["volumes"] == [{"name": "data", "emptyDir": {}}]
        assert whole["spec"]["containers"][0]["env"][0]["name"] == "PASSWORD"
        assert "managedFields" not in whole["metadata"]
    assert watched_slim["status"]["containerStatuses"][0]["restartCount"] == 4
    # what each store holds of the pod is the same
    key = ("default", "web-1")
    assert plain.store.pods[key] == recording.store.pods[key]
    assert plain.store.summaries[key] == recording.store.summaries[key]
    # and the recording kept the whole pod (its env value redacted, SPEC 2.2)
    recorded = [
        e.object
        for e in read_recording(tmp_path / "rec.jsonl").events
        if e.kind == "Pod" and e.type in ("ADDED", "MODIFIED")
    ]
    assert recorded and all("volumes" in p["spec"] for p in recorded)


def test_the_watch_counts_its_events_and_keeps_the_resource_version(double, tmp_path):
    """A watcher counts what it watched and the last resourceVersion without a new status
    per line (`KindWatcher.status` puts them in when read): right after a list, and after
    each watched change; bookmarks and listed objects are not counted as watched."""
    double.create(pod_obj("web-1"))
    kubeconfig = str(double.write_kubeconfig(tmp_path / "kc", namespace="default"))
    cluster, scope = connect(kubeconfig=kubeconfig)
    source = LiveSource(cluster, scope, settings=FAST).start()
    try:
        watcher = source.watchers["Pod"]
        taken(source, "web-1", "ADDED")
        listed = watcher.status
        assert listed.events == 0 and listed.resource_version == watcher.resource_version
        for restarts in (1, 2, 3):
            pod = pod_obj("web-1")
            pod["status"]["containerStatuses"][0]["restartCount"] = restarts
            double.update(pod)
            taken(source, "web-1", "MODIFIED")
        watched = watcher.status
        assert watched.events == 3
        assert watched.resource_version == watcher.resource_version == str(double.resource_version)
        assert watched.state == "watching" and watched.attempt == 0
    finally:
        source.stop()
        source.cluster.close()
