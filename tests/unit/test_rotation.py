"""Always recording (`podwatch record DIR --rotate 1h --keep 48h`), under a fake clock:
files rotate on the period, old ones go, each file replays alone, a killed recorder
leaves every closed file whole, and `replay DIR` is the timeline one unrotated
recording of the same events gives."""

from __future__ import annotations

import copy
import gzip
import os
from datetime import UTC, datetime
from pathlib import Path

from podwatch.kube.source import ReplaySource
from podwatch.model.view import pod_rows
from podwatch.model.watch import WatchEvent, relist_marker
from podwatch.recording import RecordingWriter, read_recording
from podwatch.recording.rotate import RotatingRecorder
from tests.factories import event, pod, ready_conditions, service

HOUR = 3600.0
T0 = datetime(2026, 12, 1, 9, 30, 0, tzinfo=UTC).timestamp()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Cluster:
    """Objects with an etcd-like resourceVersion, and the watch events they cause, with
    `t` counted from T0 the way a live source counts them."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.rv = 100
        self.objects: dict[tuple[str, str, str], dict] = {}

    def _stamp(self, obj: dict) -> dict:
        self.rv += 1
        obj = copy.deepcopy(obj)
        obj["metadata"]["resourceVersion"] = str(self.rv)
        return obj

    def _key(self, kind: str, obj: dict) -> tuple[str, str, str]:
        return (kind, obj["metadata"].get("namespace", ""), obj["metadata"]["name"])

    def change(self, kind: str, obj: dict, etype: str | None = None) -> WatchEvent:
        key = self._key(kind, obj)
        etype = etype or ("MODIFIED" if key in self.objects else "ADDED")
        obj = self._stamp(obj)
        if etype == "DELETED":
            self.objects.pop(key, None)
        else:
            self.objects[key] = obj
        return WatchEvent(self.clock() - T0, kind, etype, obj)

    def relist(self, kind: str) -> WatchEvent:
        keys = [(ns, name) for (k, ns, name) in self.objects if k == kind]
        return relist_marker(self.clock() - T0, kind, keys, str(self.rv))


def scripted(clock: Clock, hours: float = 5.0, step: float = 600.0):
    """A cluster's life: a list, then a pod flapping ready every step, pods coming and
    going every hour, Unhealthy Events counting up. Yields events as a source would,
    moving the clock."""
    cluster = Cluster(clock)
    yield cluster.change("Pod", pod("web-1", labels={"app": "web"}))
    yield cluster.change("Pod", pod("web-2", labels={"app": "web"}))
    yield cluster.relist("Pod")
    yield cluster.change("Service", service("web", selector={"app": "web"}))
    yield cluster.relist("Service")
    yield cluster.relist("Event")
    n = 0
    while clock.now - T0 < hours * HOUR:
        clock.now += step
        n += 1
        ready = n % 2 == 0
        yield cluster.change(
            "Pod", pod("web-1", labels={"app": "web"}, conditions=ready_conditions(ready))
        )
        if not ready:
            yield cluster.change(
                "Event",
                event("web-1.probe", "web-1", "Unhealthy", "Readiness probe failed: 503", count=n),
            )
        if n % 6 == 0:
            yield cluster.change("Pod", pod(f"job-{n}", phase="Succeeded"))
        if n % 6 == 3 and n > 6:
            yield cluster.change("Pod", pod(f"job-{n - 9}", phase="Succeeded"), "DELETED")


def record_both(tmp_path: Path, hours: float = 5.0, keep: float | None = None):
    """The same events into one unrotated file and into a rotating directory."""
    clock = Clock(T0)
    directory = tmp_path / "rec"
    single = RecordingWriter(tmp_path / "one.jsonl", started=T0)
    rotating = RotatingRecorder(directory, rotate=HOUR, keep=keep, clock=clock)
    for ev in scripted(clock, hours):
        single.write(ev)
        rotating.write(ev)
    single.close()
    rotating.close()
    return tmp_path / "one.jsonl", directory, rotating


def state_at(recording, at: float):
    source = ReplaySource(recording)
    source.seek(at)
    store = source.store
    return {
        "pods": {k: v["metadata"]["resourceVersion"] for k, v in store.pods.items()},
        "services": sorted(store.services),
        "events": {k: v["metadata"]["resourceVersion"] for k, v in store.events.items()},
        "synced": sorted(store.synced),
        "rows": [
            (r.summary.key, r.summary.status, r.summary.ready, r.health, r.probe_failures)
            for r in pod_rows(store)
        ],
        "timeline": {
            k: [(round(e.t, 2), e.text) for e in store.timeline.entries(k)] for k in store.pods
        },
    }


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_files_rotate_on_the_period_named_by_their_start(tmp_path):
    _one, directory, _rec = record_both(tmp_path, hours=3.0)
    assert names(directory) == [
        "podwatch-20261201T093000Z.jsonl.gz",
        "podwatch-20261201T100000Z.jsonl.gz",
        "podwatch-20261201T110000Z.jsonl.gz",
        "podwatch-20261201T120000Z.jsonl.gz",
    ]


def test_each_file_replays_alone_from_the_state_at_its_start(tmp_path):
    one, directory, _rec = record_both(tmp_path, hours=3.0)
    whole = read_recording(one)
    for path in sorted(directory.iterdir())[1:]:
        part = read_recording(path)
        assert part.warnings == []
        assert part.header["snapshot"] > 0
        # The file alone, at its start and at its end, shows what the whole recording
        # shows at those moments.
        offset = part.started - whole.started
        for at in (0.0, part.duration):
            alone = state_at(part, at)
            merged = state_at(whole, offset + at)
            assert alone["pods"] == merged["pods"], (path.name, at)
            assert alone["events"] == merged["events"]
            assert alone["rows"] == merged["rows"]
            assert alone["synced"] == merged["synced"] == ["Event", "Pod", "Service"]


def test_old_files_go_past_the_keep_limit(tmp_path):
    _one, directory, rec = record_both(tmp_path, hours=5.0, keep=2 * HOUR)
    # Last rotation at 14:00 with 2h kept: files whose period ended by 12:00 are gone;
    # the 12:00 file (ends 13:00) still covers 12:00-13:00.
    assert names(directory) == [
        "podwatch-20261201T120000Z.jsonl.gz",
        "podwatch-20261201T130000Z.jsonl.gz",
        "podwatch-20261201T140000Z.jsonl.gz",
    ]
    # What is left replays as one, and starts with the state of 12:00.
    recording = read_recording(directory)
    assert recording.warnings == []
    assert datetime.fromtimestamp(recording.started, UTC).hour == 12
    # Only its own files: something else in the directory is never deleted.
    (directory / "notes.txt").write_text("mine")
    rec.prune(T0 + 100 * HOUR)
    assert "notes.txt" in names(directory)
    assert "podwatch-20261201T140000Z.jsonl.gz" in names(directory)  # the newest stays


def test_killed_recorder_leaves_every_closed_file_whole(tmp_path):
    clock = Clock(T0)
    directory = tmp_path / "rec"
    rec = RotatingRecorder(directory, rotate=HOUR, clock=clock)
    for ev in scripted(clock, hours=2.5):
        rec.write(ev)
    # Killed: never closed; and its last write cut short part-way.
    current = rec.path
    size = current.stat().st_size
    with open(current, "r+b") as fh:
        fh.truncate(size - 7)
    files = sorted(directory.iterdir())
    assert len(files) == 4 and files[-1] == current
    for path in files[:-1]:
        with gzip.open(path) as fh:  # a whole gzip stream, trailer and all
            lines = fh.read().decode().splitlines()
        assert len(lines) > 1
        assert read_recording(path).warnings == []
    # The open file replays alone up to what was written whole.
    last = read_recording(current)
    assert last.header["snapshot"] > 0
    assert len(last.events) >= last.header["snapshot"]
    # And all of it plays as one timeline.
    assert read_recording(directory).events


def test_replay_dir_is_the_unrotated_recording(tmp_path):
    one, directory, _rec = record_both(tmp_path, hours=5.0)
    whole = read_recording(one)
    rotated = read_recording(directory)
    assert rotated.warnings == []
    assert abs(rotated.started - whole.started) < 1e-6
    assert abs(rotated.duration - whole.duration) < 0.01
    # No restatement at a file boundary: the same events, none repeated.
    assert [(e.kind, e.type) for e in rotated.events] == [(e.kind, e.type) for e in whole.events]
    for at in (0.0, 1799.0, 1801.0, HOUR + 1, 2.5 * HOUR, 4 * HOUR + 1, whole.duration):
        assert state_at(rotated, at) == state_at(whole, at), at


def test_a_gap_between_recorders_replays_as_a_relist(tmp_path):
    """A recorder restarted after a gap: its first file's list tells what changed
    meanwhile, and a pod deleted while nobody recorded is gone on replay."""
    clock = Clock(T0)
    directory = tmp_path / "rec"
    cluster = Cluster(clock)
    first = RotatingRecorder(directory, rotate=HOUR, clock=clock)
    first.write(cluster.change("Pod", pod("a")))
    first.write(cluster.change("Pod", pod("b")))
    first.write(cluster.relist("Pod"))
    first.close()
    clock.now += 0.5 * HOUR
    cluster.change("Pod", pod("b"), "DELETED")  # nobody recording
    second = RotatingRecorder(directory, rotate=HOUR, clock=clock)
    second.write(cluster.change("Pod", pod("a"), "ADDED"))
    second.write(cluster.relist("Pod"))
    second.close()
    recording = read_recording(directory)
    assert set(state_at(recording, recording.duration)["pods"]) == {("default", "a")}
    assert set(state_at(recording, 10.0)["pods"]) == {("default", "a"), ("default", "b")}


def test_record_file_is_unchanged_and_no_tmp_files(tmp_path):
    """Rotating files are written in place (append-only), never under a temporary
    name: a file being written replays as it is, e.g. copied out during an incident."""
    _one, directory, _rec = record_both(tmp_path, hours=1.0)
    assert all(n.startswith("podwatch-") and n.endswith(".jsonl.gz") for n in os.listdir(directory))


def test_cli_replay_dir_once_prints_what_the_single_file_prints(tmp_path, capsys):
    from podwatch.cli import main

    one, directory, _rec = record_both(tmp_path, hours=3.0)
    tables = {}
    for path in (one, directory):
        for at in ("5400", "9000"):
            assert main(["replay", str(path), "--once", "--at", at]) == 0
            out, err = capsys.readouterr()
            assert err == ""
            lines = out.splitlines()
            # The title names the files; from the event count on, all must agree.
            title = next(i for i, line in enumerate(lines) if "events, started" in line)
            tables[(path, at)] = [lines[title][lines[title].index("(") :], *lines[title + 1 :]]
    assert tables[(one, "5400")] == tables[(directory, "5400")]
    assert tables[(one, "9000")] == tables[(directory, "9000")]
    assert "web-1" in "\n".join(tables[(directory, "9000")])


def test_cli_record_rotation_usage_errors(tmp_path, capsys):
    import pytest

    from podwatch.cli import main

    afile = tmp_path / "x.jsonl"
    afile.write_text("")
    for argv, why in (
        (["record", str(tmp_path / "d"), "--keep", "48h"], "--keep needs --rotate"),
        (["record", str(tmp_path), "--duration", "1"], "is a directory: pass --rotate"),
        (["record", str(afile), "--rotate", "1h"], "is a file: --rotate records into a directory"),
        (["record", str(tmp_path / "d"), "--rotate", "0h"], "must be a number > 0"),
    ):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2
        assert why in capsys.readouterr().err


def test_replay_of_an_empty_directory_is_one_clear_error(tmp_path, capsys):
    from podwatch.cli import main

    (tmp_path / "empty").mkdir()
    assert main(["replay", str(tmp_path / "empty"), "--once"]) == 1
    assert "directory holds no recordings" in capsys.readouterr().err
