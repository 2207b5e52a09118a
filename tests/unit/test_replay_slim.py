"""`replay --once` reads pods slim (codec.decode_slim_recorded_line): the store it
builds holds the same pods, summaries, timelines and tombstones as one built from the
lines decoded whole, on the bundled demo and the recordings made on a real control
plane; and the report it prints is the same."""

from __future__ import annotations

import pytest

from podwatch.data import demo_path
from podwatch.recording.eventlog import replay_store
from podwatch.recording.reader import open_stream
from tests.recordings import BUNDLED

RECORDINGS = [
    pytest.param(lambda: demo_path(), id="demo"),
    pytest.param(lambda: BUNDLED / "lab-rollout" / "rollout-stuck.jsonl.gz", id="lab"),
    pytest.param(lambda: BUNDLED / "contexts" / "two-clusters.jsonl", id="contexts"),
]


def replayed(path, slim: bool):
    stream = open_stream(path, slim=slim)
    assert stream is not None
    store = replay_store()
    store.now = stream.started
    events = list(stream)
    store.apply_all(events, stream.started)
    return store, events


@pytest.mark.parametrize("path", RECORDINGS)
def test_a_store_of_slim_pods_is_the_same_store(path):
    slim_store, slim_events = replayed(path(), slim=True)
    whole_store, whole_events = replayed(path(), slim=False)
    # the decoder did leave things out: some pod object shrank
    assert any(a.object != b.object for a, b in zip(slim_events, whole_events, strict=True))
    assert dict(slim_store.pods.items()) == dict(whole_store.pods.items())
    assert len(slim_store.pods) >= 3
    assert slim_store.summaries == whole_store.summaries
    for key in whole_store.pods:
        assert slim_store.timeline.entries(key) == whole_store.timeline.entries(key)
    assert list(slim_store.tombstones) == list(whole_store.tombstones)
    assert slim_store.resource_versions == whole_store.resource_versions


def test_replay_once_prints_the_same_report_either_way(capsys, monkeypatch):
    from podwatch import cli
    from podwatch.recording import reader

    path = str(BUNDLED / "lab-rollout" / "rollout-stuck.jsonl.gz")
    assert cli.main(["replay", path, "--once"]) in (0, 3)
    slim_report = capsys.readouterr().out
    whole = reader.open_stream
    monkeypatch.setattr(
        cli, "open_stream", lambda p, **kw: whole(p, **{**kw, "slim": False}), raising=True
    )
    assert cli.main(["replay", path, "--once"]) in (0, 3)
    assert capsys.readouterr().out == slim_report
    assert "checkout-686b9c6c9d-tfd68  ImagePullBackOff" in slim_report


@pytest.mark.parametrize("path", RECORDINGS)
def test_a_replay_read_whole_with_slim_pods_is_the_same_replay(path):
    """The dashboard reads a short recording whole (cli.open_recording), its pods slim:
    every seek gives the store it gives from the pods read whole, and the same jumps."""
    from podwatch.kube.source import ReplaySource
    from podwatch.model.slim import SlimPodDict
    from podwatch.recording import read_recording
    from tests.unit.test_replay_checkpoints import assert_same

    slim_rec = read_recording(path(), slim=True)
    whole_rec = read_recording(path())
    assert any(type(e.object) is SlimPodDict for e in slim_rec.events)
    assert not any(type(e.object) is SlimPodDict for e in whole_rec.events)
    slim_src, whole_src = ReplaySource(slim_rec, paused=True), ReplaySource(whole_rec, paused=True)
    for at in (0.0, whole_src.duration / 3, whole_src.duration / 2, whole_src.duration):
        slim_src.seek(at)
        whole_src.seek(at)
        assert_same(slim_src.store, whole_src.store, at)
    assert slim_src.log.marks.pods.keys() == whole_src.log.marks.pods.keys()
    for pod, found in whole_src.log.marks.pods.items():
        assert list(slim_src.log.marks.pod_changes(pod)) == list(found), pod


def test_the_dashboard_reads_a_short_recording_with_slim_pods():
    from podwatch.cli import open_recording
    from podwatch.model.slim import SlimPodDict

    recording = open_recording([str(demo_path())], "never")
    pods = [e.object for e in recording.events if e.kind == "Pod" and e.type == "MODIFIED"]
    assert pods and all(type(p) is SlimPodDict for p in pods)
