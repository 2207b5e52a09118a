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
