"""The recording format: writing, reading, redaction, damage, kubectl shapes, merging."""

from __future__ import annotations

import gzip
import json

import pytest

from podwatch.model.watch import WatchEvent
from podwatch.recording import REDACTED, RecordingError, RecordingWriter, read_recording
from tests.factories import T0, container, event, pod, ts


def write(path, events, **kw):
    with RecordingWriter(
        path, started=T0, context="ctx", scope={"namespace": "default"}, **kw
    ) as w:
        for ev in events:
            w.write(ev)


def secret_pod():
    p = pod(
        containers=[
            container(
                env=[
                    {"name": "PASSWORD", "value": "hunter2"},
                    {"name": "FROM", "valueFrom": {"secretKeyRef": {"name": "s"}}},
                ]
            )
        ]
    )
    p["metadata"]["managedFields"] = [{"manager": "kubectl", "time": ts(1)}]
    p["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": '{"env":"hunter2"}'
    }
    return p


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_round_trip_with_redaction(tmp_path, suffix):
    path = tmp_path / f"rec{suffix}"
    original = secret_pod()
    write(
        path,
        [WatchEvent(0.5, "Pod", "ADDED", original), WatchEvent(2.25, "Pod", "DELETED", original)],
    )
    raw = gzip.decompress(path.read_bytes()) if suffix.endswith(".gz") else path.read_bytes()
    assert b"hunter2" not in raw and b"managedFields" not in raw
    rec = read_recording(path)
    assert rec.header["format"] == "podwatch-recording" and rec.header["context"] == "ctx"
    assert rec.started == T0
    assert [(e.t, e.kind, e.type) for e in rec.events] == [
        (0.5, "Pod", "ADDED"),
        (2.25, "Pod", "DELETED"),
    ]
    env = rec.events[0].object["spec"]["containers"][0]["env"]
    assert env[0]["value"] == REDACTED and "valueFrom" in env[1]
    annotations = rec.events[0].object["metadata"]["annotations"]
    assert annotations["kubectl.kubernetes.io/last-applied-configuration"] == REDACTED
    assert (
        original["spec"]["containers"][0]["env"][0]["value"] == "hunter2"
    )  # caller's object untouched


def test_no_redact_keeps_values_but_still_drops_managed_fields(tmp_path):
    path = tmp_path / "rec.jsonl"
    write(path, [WatchEvent(0, "Pod", "ADDED", secret_pod())], redact=False)
    raw = path.read_bytes()
    assert b"hunter2" in raw and b"managedFields" not in raw


def test_each_line_is_flushed_whole(tmp_path):
    path = tmp_path / "rec.jsonl"
    w = RecordingWriter(path, started=T0)
    w.write(WatchEvent(1, "Pod", "ADDED", pod()))
    # Without closing, what is on disk already reads back.
    assert len(read_recording(path).events) == 1
    w.write(WatchEvent(2, "Pod", "MODIFIED", pod()))
    assert len(read_recording(path).events) == 2
    w.close()


def test_truncated_last_line_is_tolerated(tmp_path):
    path = tmp_path / "rec.jsonl"
    write(path, [WatchEvent(1, "Pod", "ADDED", pod("a")), WatchEvent(2, "Pod", "ADDED", pod("b"))])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])
    rec = read_recording(path)
    assert [e.object["metadata"]["name"] for e in rec.events] == ["a"]
    assert any("incomplete" in w for w in rec.warnings)


def test_truncated_gzip_is_tolerated(tmp_path):
    path = tmp_path / "rec.jsonl.gz"
    write(path, [WatchEvent(n, "Pod", "ADDED", pod(f"p{n}")) for n in range(20)])
    data = path.read_bytes()
    path.write_bytes(data[:-30])  # cut the gzip trailer and some of the last block
    rec = read_recording(path)
    assert 10 <= len(rec.events) <= 20
    assert rec.warnings


def lines_file(tmp_path, *lines: str):
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(line + "\n" for line in lines))
    return path


HEADER = json.dumps(
    {"format": "podwatch-recording", "version": 1, "started": "2026-01-01T00:00:00Z"}
)
GOOD = json.dumps({"t": 1, "kind": "Pod", "type": "ADDED", "object": {"metadata": {"name": "a"}}})


@pytest.mark.parametrize(
    ("lines", "line", "fragment"),
    [
        ([HEADER, GOOD, "{not json", GOOD], 3, "not valid JSON"),
        ([HEADER.replace('"version": 1', '"version": 9'), GOOD], 1, "version 9 is not supported"),
        ([HEADER.replace("podwatch-recording", "other"), GOOD], 1, "is not 'podwatch-recording'"),
        ([GOOD, GOOD], 1, "without its header"),
        ([HEADER, json.dumps({"t": -1, "kind": "Pod", "type": "ADDED"})], 2, "no valid 't'"),
        ([HEADER, json.dumps({"t": 1, "kind": "Pod", "type": "UPSERT"})], 2, "event type 'UPSERT'"),
        (
            [HEADER, json.dumps({"t": 1, "kind": "Pod", "type": "ADDED", "object": [1]})],
            2,
            "not a JSON object",
        ),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, lines, line, fragment):
    path = lines_file(tmp_path, *lines)
    with pytest.raises(RecordingError) as info:
        read_recording(path)
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert fragment in str(info.value)


def test_skip_bad_lines_counts_them(tmp_path):
    path = lines_file(tmp_path, HEADER, GOOD, "{not json", "garbage", GOOD)
    rec = read_recording(path, skip_bad_lines=True)
    assert len(rec.events) == 2 and rec.skipped_lines == 2


def test_binary_empty_and_corrupt_gzip(tmp_path):
    binary = tmp_path / "bin.jsonl"
    binary.write_bytes(b"\x00\x01\x02garbage")
    with pytest.raises(RecordingError, match="binary data"):
        read_recording(binary)
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    with pytest.raises(RecordingError, match="empty"):
        read_recording(empty)
    corrupt = tmp_path / "c.jsonl.gz"
    corrupt.write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 64)
    with pytest.raises(RecordingError, match="gzip"):
        read_recording(corrupt)
    with pytest.raises(RecordingError, match="cannot read"):
        read_recording(tmp_path / "missing.jsonl")


# ----------------------------------------------------------------------------- kubectl shapes


def with_rv(obj, rv, t=None):
    obj["metadata"]["resourceVersion"] = str(rv)
    if t is not None:
        obj["metadata"]["managedFields"] = [{"manager": "kubelet", "time": ts(t)}]
    return obj


def test_kubectl_watch_events_compact(tmp_path):
    path = tmp_path / "pods.json"
    docs = [
        {"type": "ADDED", "object": with_rv(pod("a"), 10, 0)},
        {"type": "MODIFIED", "object": with_rv(pod("a"), 12, 30)},
        {"type": "DELETED", "object": with_rv(pod("a"), 15, 45)},
    ]
    path.write_text("\n".join(json.dumps(d) for d in docs) + "\n")
    rec = read_recording(path)
    assert [(e.type, e.t) for e in rec.events] == [("ADDED", 0), ("MODIFIED", 30), ("DELETED", 45)]
    # managedFields gave the times; then they are dropped (most of a pod's bytes).
    assert not any("managedFields" in e.object["metadata"] for e in rec.events)
    assert rec.header["imported"] is True
    assert rec.started == T0


def test_kubectl_bare_objects_pretty_printed(tmp_path):
    path = tmp_path / "pods.json"
    docs = [with_rv(pod("a"), 10, 0), with_rv(pod("b"), 11, 1), with_rv(pod("a"), 12, 5)]
    path.write_text("\n".join(json.dumps(d, indent=4) for d in docs) + "\n")
    rec = read_recording(path)
    assert [(e.type, e.object["metadata"]["name"]) for e in rec.events] == [
        ("ADDED", "a"),
        ("ADDED", "b"),
        ("MODIFIED", "a"),
    ]


def test_kubectl_list_items_share_the_snapshot_time(tmp_path):
    path = tmp_path / "list.json"
    items = [with_rv(pod("a"), 10, 0), with_rv(pod("b"), 20, 50)]
    path.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "List",
                "metadata": {"resourceVersion": ""},
                "items": items,
            },
            indent=2,
        )
    )
    rec = read_recording(path)
    assert [e.kind for e in rec.events] == ["Pod", "Pod"]
    assert {e.t for e in rec.events} == {0.0}


def test_typed_list_without_item_kinds(tmp_path):
    path = tmp_path / "events.json"
    ev = event("e1", "web", "Unhealthy", "Liveness probe failed: x", count=60)
    del ev["kind"]
    path.write_text(
        json.dumps(
            {
                "kind": "EventList",
                "apiVersion": "v1",
                "metadata": {"resourceVersion": "687"},
                "items": [ev],
            }
        )
    )
    assert [e.kind for e in read_recording(path).events] == ["Event"]


def test_several_files_merged_by_resource_version(tmp_path):
    pods = tmp_path / "pods.json"
    events = tmp_path / "events.json"
    pods.write_text(
        "\n".join(
            json.dumps({"type": "ADDED", "object": with_rv(pod(n), rv, rv)})
            for n, rv in (("a", 1), ("b", 4), ("c", 6))
        )
    )
    events.write_text(
        "\n".join(
            json.dumps(
                {
                    "type": "ADDED",
                    "object": with_rv(event(f"e{rv}", "a", "Pulled", "x", last=rv), rv),
                }
            )
            for rv in (2, 3, 5)
        )
    )
    rec = read_recording([pods, events])
    names = [e.object["metadata"]["name"] for e in rec.events]
    assert names == ["a", "e2", "e3", "b", "e5", "c"]
    times = [e.t for e in rec.events]
    assert times == sorted(times)  # never runs backwards


def test_time_never_runs_backwards_and_deletion_grace_is_subtracted(tmp_path):
    path = tmp_path / "pods.json"
    early = with_rv(pod("a"), 2, 5)  # an object that attests an earlier time than the one before
    deleting = with_rv(pod("b"), 3, 10)
    deleting["metadata"]["deletionTimestamp"] = ts(40)
    deleting["metadata"]["deletionGracePeriodSeconds"] = 30
    path.write_text(
        "\n".join(
            json.dumps({"type": t, "object": o})
            for t, o in (
                ("ADDED", with_rv(pod("z"), 1, 8)),
                ("ADDED", early),
                ("MODIFIED", deleting),
            )
        )
    )
    rec = read_recording(path)
    assert [e.t for e in rec.events] == [3.0, 3.0, 5.0]


def test_garbled_kubectl_file_names_line(tmp_path):
    path = tmp_path / "pods.json"
    path.write_text(
        json.dumps({"type": "ADDED", "object": pod("a")})
        + '\n{"type": "ADDED", oops}\n'
        + json.dumps({"type": "ADDED", "object": pod("b")})
        + "\n"
    )
    with pytest.raises(RecordingError, match=r"pods.json:2: not valid JSON"):
        read_recording(path)
