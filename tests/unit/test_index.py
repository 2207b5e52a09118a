"""The index of a long recording (recording/index.py): a replay through it is the replay
of the recording read whole, whatever the moves; it is built once and cached, rebuilt
when the files change or the cache is damaged; gzip files, rotated directories, a
recorder killed part-way and bad lines read as `read_recording` reads them."""

from __future__ import annotations

import copy
import gzip
import os
import random
import shutil
from pathlib import Path

import pytest

from podwatch.data import demo_path
from podwatch.kube.source import ReplaySource
from podwatch.model.slim import SlimPodDict, slim
from podwatch.model.watch import WatchEvent
from podwatch.recording import RecordingError, read_recording
from podwatch.recording.index import is_indexable, open_indexed
from tests.unit.test_replay_checkpoints import assert_same
from tests.unit.test_rotation import HOUR, T0, Clock, record_both, scripted, state_at


def _plain(tmp_path: Path) -> Path:
    """The demo recording (gzip) as a plain .jsonl file."""
    path = tmp_path / "rec.jsonl"
    with gzip.open(demo_path(), "rb") as src, open(path, "wb") as out:
        shutil.copyfileobj(src, out)
    return path


def _index(paths, tmp_path: Path, **kw):
    return open_indexed([str(p) for p in paths], cache=tmp_path / "cache", **kw)


def _moves(seed: int, a: ReplaySource, b: ReplaySource, count: int = 40) -> None:
    """The same random moves on both sources; after each, the same store."""
    rng = random.Random(seed)
    pods = sorted(a.log.marks.pods)
    for n in range(count):
        move = rng.choice(["seek", "seek", "step", "back", "jump", "warning"])
        if move == "seek":
            at = rng.uniform(0, a.duration)
            a.seek(at), b.seek(at)
        elif move == "step":
            a.step(), b.step()
        elif move == "back":
            a.step_back(), b.step_back()
        elif move == "jump" and pods:
            pod, way = rng.choice(pods), rng.choice([1, -1])
            ja, jb = a.jump_to_change(pod, way), b.jump_to_change(pod, way)
            assert (ja and (ja.pod, ja.what)) == (jb and (jb.pod, jb.what))
        else:
            way = rng.choice([1, -1])
            ja, jb = a.jump_to_warning("default", way), b.jump_to_warning("default", way)
            assert (ja and ja.what) == (jb and jb.what)
        where = f"move {n} {move}"
        assert (a.next_index, a.position) == (b.next_index, b.position), where
        assert_same(b.store, a.store, where)


def test_an_indexed_replay_is_the_replay_of_the_whole_recording(tmp_path):
    path = _plain(tmp_path)
    log = _index([path], tmp_path, every=40)
    whole = read_recording(path)
    assert len(log) == len(whole.events)
    assert list(log.times) == [e.t for e in whole.events]
    assert log.header == whole.header and log.started == whole.started
    assert log.checkpoints == list(range(40, len(whole.events) + 1, 40))
    for seed in range(3):
        _moves(seed, ReplaySource(whole, paused=True), ReplaySource(log, paused=True))


def test_its_jump_targets_are_those_of_the_whole_recording(tmp_path):
    path = demo_path()
    marks = _index([path], tmp_path).marks
    whole = ReplaySource(read_recording(path)).log.marks
    assert set(marks.pods) == set(whole.pods)
    for pod, found in whole.pods.items():
        assert list(marks.pod_changes(pod)) == list(found), pod
    for namespace in (None, "default", "kube-system", "elsewhere"):
        assert list(marks.warnings_in(namespace)) == list(whole.warnings_in(namespace))
    assert list(marks.warnings_in(None))  # the demo has Warnings to jump to


def test_a_seek_forward_past_a_checkpoint_starts_from_it(tmp_path):
    log = _index([demo_path()], tmp_path, every=40)
    source = ReplaySource(log, paused=True)
    source.APPLY_RATHER = 50  # the demo is short: 1,000 events would be all of it
    source.seek(source.times[30])
    assert source.received == 31  # near: applied, no checkpoint loaded
    source.seek(source.duration)
    assert source.received == 31 + len(log) - source.checkpoints[-1]  # from the last one
    whole = ReplaySource(read_recording(demo_path()), paused=True)
    whole.seek(whole.duration)
    assert_same(source.store, whole.store, "end")


def kept(event: WatchEvent):
    """An event's object as a store keeps it: the index reads pods slim (model/slim.py),
    a recording read whole has them whole; every other kind is read alike."""
    obj = event.object
    if event.kind == "Pod" and event.type in ("ADDED", "MODIFIED", "DELETED") and obj:
        return (event.kind, event.type, slim("Pod", obj))
    return (event.kind, event.type, obj)


def test_index_reads_pods_slim_and_everything_else_as_written(tmp_path):
    log = _index([demo_path()], tmp_path)
    log_pods = [e for e in log.read(0, len(log)) if e.kind == "Pod"]
    assert any(type(e.object) is SlimPodDict for e in log_pods)
    assert all(type(e.object) is SlimPodDict for e in log_pods if e.type in ("ADDED", "MODIFIED"))


def test_gzip_recording_is_read_at_offsets(tmp_path):
    gz = demo_path()  # the demo is gzip
    log = _index([gz], tmp_path, every=25)
    whole = read_recording(gz)
    assert [kept(e) for e in log.read(0, len(log))] == [kept(e) for e in whole.events]
    _moves(7, ReplaySource(whole, paused=True), ReplaySource(log, paused=True))


def test_a_rotated_directory_is_one_timeline(tmp_path):
    one, directory, _ = record_both(tmp_path, hours=5.0)
    files = sorted(directory.iterdir())
    log = _index(files, tmp_path, every=7)
    rotated = read_recording(directory)
    assert [(e.kind, e.type, e.t) for e in log.read(0, len(log))] == [
        (e.kind, e.type, e.t) for e in rotated.events
    ]
    assert log.header == rotated.header
    whole = read_recording(one)
    for at in (0.0, 1799.0, HOUR + 1, 2.5 * HOUR, 4 * HOUR + 1, whole.duration):
        assert state_at(log, at) == state_at(whole, at), at
    _moves(3, ReplaySource(rotated, paused=True), ReplaySource(log, paused=True))


def test_a_killed_recorder_is_read_up_to_what_is_whole(tmp_path):
    from podwatch.recording.rotate import RotatingRecorder

    clock = Clock(T0)
    rec = RotatingRecorder(tmp_path / "rec", rotate=HOUR, clock=clock)
    for ev in scripted(clock, hours=1.5):
        rec.write(ev)
    current = rec.path  # killed: never closed, its last line cut short
    with open(current, "r+b") as fh:
        fh.truncate(current.stat().st_size - 7)
    log = _index([current], tmp_path)
    whole = read_recording(current)
    assert [kept(e) for e in log.read(0, len(log))] == [kept(e) for e in whole.events]
    assert log.warnings == whole.warnings and log.warnings


def test_built_once_then_read_from_the_cache(tmp_path):
    calls: list[int] = []
    first = _index([demo_path()], tmp_path, progress=lambda n, part: calls.append(n))
    assert calls and calls[-1] == len(first)
    built = sorted((tmp_path / "cache").glob("*.idx"))
    assert len(built) == 1
    calls.clear()
    again = _index([demo_path()], tmp_path, progress=lambda n, part: calls.append(n))
    assert calls == []  # nothing read again
    assert list(again.times) == list(first.times)
    assert sorted((tmp_path / "cache").glob("*.idx")) == built


def test_a_changed_file_is_indexed_again(tmp_path):
    path = _plain(tmp_path)
    before = _index([path], tmp_path)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-30]))
    after = _index([path], tmp_path)
    assert len(after) == len(before) - 30
    assert len(list((tmp_path / "cache").glob("*.idx"))) == 2


def test_a_damaged_index_is_built_again(tmp_path):
    log = _index([demo_path()], tmp_path)
    (where,) = (tmp_path / "cache").glob("*.idx")
    log.close()
    where.write_bytes(where.read_bytes()[:-100])
    again = _index([demo_path()], tmp_path)
    assert len(again) == len(read_recording(demo_path()).events)
    ReplaySource(again).seek(again.duration)


def test_without_a_writable_cache_it_still_opens(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    log = open_indexed([str(demo_path())], cache=blocked / "cache")
    source = ReplaySource(log)
    source.seek(source.duration)
    assert source.store.pods


def test_bad_lines_are_refused_or_skipped_as_when_read_whole(tmp_path):
    path = _plain(tmp_path)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join([*lines[:10], b"{not json\n", *lines[10:]]))
    with pytest.raises(RecordingError) as refused:
        _index([path], tmp_path)
    assert f"{path}:11:" in str(refused.value)
    log = _index([path], tmp_path, skip_bad_lines=True)
    assert log.skipped_lines == 1 and len(log) == len(lines) - 1


def test_only_podwatch_recordings_are_indexed(tmp_path):
    from tests.recordings import recordings_dir

    assert is_indexable([str(demo_path())])
    kubectl = sorted(str(p) for p in (recordings_dir() / "seed-demo").glob("*.json"))
    assert not is_indexable(kubectl)
    assert not is_indexable([str(demo_path()), *kubectl])


def test_the_index_holds_no_event_and_reads_the_file(tmp_path):
    """Events are read from the recording when applied: a replay through the index of a
    recording that is gone cannot apply them (the index alone is not the recording)."""
    path = _plain(tmp_path)
    log = _index([path], tmp_path, every=10_000)
    stat = path.stat()
    path.write_bytes(b"\n" * stat.st_size)  # same size and time: the index still matches
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(RecordingError, match="changed since it was indexed"):
        ReplaySource(log).seek(log.duration)


# ----------------------------------------------------------------- the command line


def test_cli_replay_through_the_index_prints_what_reading_whole_prints(tmp_path, capsys):
    from podwatch.cli import main

    _one, directory, _rec = record_both(tmp_path, hours=3.0)
    printed = {}
    for index in ("never", "always"):
        for at in ("5400", "9000"):
            argv = ["replay", str(directory), "--once", "--at", at, "--index", index]
            assert main(argv) == 0
            out, err = capsys.readouterr()
            assert err == ""
            printed[(index, at)] = out
    assert printed[("never", "5400")] == printed[("always", "5400")]
    assert printed[("never", "9000")] == printed[("always", "9000")]
    assert printed[("never", "5400")] != printed[("never", "9000")]


def test_cli_index_always_refuses_a_kubectl_capture(capsys):
    from podwatch.cli import EXIT_BAD_INPUT, main
    from tests.recordings import recordings_dir

    capture = recordings_dir() / "seed-demo" / "pods.json"
    assert main(["replay", str(capture), "--once", "--index", "always"]) == EXIT_BAD_INPUT
    _out, err = capsys.readouterr()
    assert "--index always: only podwatch recordings are indexed" in err


def test_auto_indexes_long_recordings_only(tmp_path, monkeypatch):
    from podwatch import cli
    from podwatch.recording.index import IndexedLog

    path = str(_plain(tmp_path))
    assert not isinstance(cli.open_recording([path], "auto"), IndexedLog)  # 200 KB
    monkeypatch.setattr(cli, "INDEX_FROM", 100_000)
    assert isinstance(cli.open_recording([path], "auto"), IndexedLog)
    assert not isinstance(cli.open_recording([path], "never"), IndexedLog)


def test_progress_is_one_terminal_line():
    import io

    from podwatch.cli import _IndexProgress

    out = io.StringIO()
    progress = _IndexProgress(out)
    progress(0, 0.0)
    progress(5_000, 0.5)  # too soon after: not drawn
    progress(10_000, 1.0)  # the end is always drawn
    progress.done()
    assert out.getvalue() == (
        "\rpodwatch: indexing the recording (once; cached): 0%, 0 events\x1b[K"
        "\rpodwatch: indexing the recording (once; cached): 100%, 10,000 events\x1b[K\n"
    )


def test_the_cache_keeps_the_most_recently_opened_under_its_limit(tmp_path, monkeypatch):
    from podwatch.recording import index

    old, new = _plain(tmp_path), tmp_path / "other.jsonl"
    shutil.copy(old, new)
    _index([old], tmp_path)
    (first,) = (tmp_path / "cache").glob("*.idx")
    os.utime(first, (1, 1))  # opened long ago
    monkeypatch.setattr(index, "CACHE_LIMIT", first.stat().st_size + 1)
    _index([new], tmp_path)
    (kept,) = (tmp_path / "cache").glob("*.idx")
    assert kept != first  # the older went, the one just built stays


def test_what_a_killed_build_left_goes_after_a_day(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    stale, fresh = cache / ".building-stale", cache / ".building-fresh"
    stale.write_bytes(b"half an index")
    fresh.write_bytes(b"another podwatch building now")
    os.utime(stale, (1, 1))
    _index([demo_path()], tmp_path)
    assert not stale.exists() and fresh.exists()


def test_a_cache_others_can_write_to_is_neither_read_nor_written(tmp_path):
    """Checkpoints are pickles: an index is loaded only from a directory of this user's
    that no one else can write to, and only if this user wrote it."""
    _index([demo_path()], tmp_path)
    (built,) = (tmp_path / "cache").glob("*.idx")
    os.chmod(built, 0o666)  # the file writable by others: not trusted, built again
    log = _index([demo_path()], tmp_path)
    assert len(log) == len(read_recording(demo_path()).events)
    assert (built.stat().st_mode & 0o777) == 0o600  # replaced by the one just built
    os.chmod(tmp_path / "cache", 0o777)  # the directory writable by others
    before = built.stat().st_mtime_ns, built.stat().st_ino
    calls: list[int] = []
    log = _index([demo_path()], tmp_path, progress=lambda n, part: calls.append(n))
    assert calls  # built again, not read from there
    assert (built.stat().st_mtime_ns, built.stat().st_ino) == before  # nor written there
    ReplaySource(log).seek(log.duration)


def test_a_change_no_pane_shows_is_no_jump_target_whole_or_indexed(tmp_path):
    """A pod's update that moves only what podwatch does not keep (its podIPs, an
    imageID, a volume) is no change to stop at: the same whether the recording is read
    whole or through its index (which reads pods slim)."""
    from podwatch.recording import RecordingWriter
    from tests.factories import T0, pod, running

    first = pod("web-0", statuses=[running()])
    quiet = copy.deepcopy(first)
    quiet["status"]["podIPs"] = [{"ip": "10.9.9.9"}]
    quiet["status"]["containerStatuses"][0]["imageID"] = "docker-pullable://app@sha256:1"
    quiet["spec"]["volumes"] = [{"name": "scratch", "emptyDir": {}}]
    shown = copy.deepcopy(quiet)
    shown["status"]["containerStatuses"][0]["restartCount"] = 1
    path = tmp_path / "rec.jsonl"
    with RecordingWriter(path, started=T0, context="c") as w:
        for t, etype, obj in (
            (0.0, "ADDED", first),
            (5.0, "MODIFIED", quiet),
            (9.0, "MODIFIED", shown),
        ):
            w.write(WatchEvent(t, "Pod", etype, obj))
    indexed = _index([path], tmp_path).marks.pod_changes(("default", "web-0"))
    whole = ReplaySource(read_recording(path)).log.marks.pod_changes(("default", "web-0"))
    assert list(indexed) == list(whole) == [0, 2]
