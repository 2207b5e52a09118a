"""Damaged recordings through `podwatch replay --once`, as a user meets them.

Every case runs twice: through the streaming reader (one podwatch recording, the
default for `--once`) and through the whole-file reader (what the dashboard and
several files use), so that both report the same `FILE:LINE:` and exit code.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import pytest

import podwatch.cli
from podwatch.cli import main
from podwatch.model.watch import WatchEvent
from podwatch.recording import MAX_LINE_BYTES, RecordingWriter
from tests.factories import T0, pod, ready_conditions, running

HEADER = json.dumps(
    {"format": "podwatch-recording", "version": 1, "started": "2026-01-01T00:00:00Z"}
)


def good(name: str, t: float = 1.0) -> str:
    obj = pod(name, statuses=[running()], conditions=ready_conditions())
    return json.dumps({"t": t, "kind": "Pod", "type": "ADDED", "object": obj})


@pytest.fixture(params=["stream", "whole"])
def reader(request, monkeypatch):
    if request.param == "whole":
        monkeypatch.setattr(podwatch.cli, "open_stream", lambda *a, **k: None)
    return request.param


def replay(capsys, path: Path, *extra: str) -> tuple[int, str, str]:
    code = main(["replay", str(path), "--once", *extra])
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(gzip.compress(text) if path.suffix == ".gz" else text)
    return path


def test_a_truncated_last_line_is_ignored_with_a_warning(tmp_path, capsys, reader):
    path = write(tmp_path / "r.jsonl", "\n".join([HEADER, good("a"), good("b")[:40]]))
    code, out, err = replay(capsys, path)
    assert code == 0, err
    assert "Pods (1)" in out and " a " in out
    assert f"{path}:3: last line is incomplete" in err


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_binary_garbage_names_file_and_line_and_skip_bad_lines_carries_on(
    tmp_path, capsys, reader, suffix
):
    garbage = "\x00\x9f\x01binary\x02garbage\udcff".encode("utf-8", "surrogateescape").decode(
        "latin-1"
    )
    path = write(tmp_path / f"r{suffix}", "\n".join([HEADER, good("a"), garbage, good("b"), ""]))
    code, out, err = replay(capsys, path)
    assert code == 1 and out == ""
    assert err.startswith(f"podwatch: {path}:3: not valid JSON")
    assert err.count("\n") == 1 and "Traceback" not in err
    code, out, err = replay(capsys, path, "--skip-bad-lines")
    assert code == 0 and "Pods (2)" in out
    assert "skipped 1 unreadable line(s)" in err


def test_a_wrong_or_missing_header(tmp_path, capsys, reader):
    v9 = write(tmp_path / "v9.jsonl", HEADER.replace('"version": 1', '"version": 9') + "\n")
    code, _, err = replay(capsys, v9)
    assert code == 1 and f"{v9}:1: recording version 9 is not supported" in err
    headless = write(tmp_path / "nohead.jsonl", good("a") + "\n")
    code, _, err = replay(capsys, headless)
    assert code == 1 and f"{headless}:1: podwatch recording without its header line" in err


def test_a_corrupt_gzip_is_an_error_and_a_damaged_tail_a_warning(tmp_path, capsys, reader):
    corrupt = tmp_path / "c.jsonl.gz"
    corrupt.write_bytes(b"\x1f\x8b\x08\x00" + b"\xff" * 64)
    code, out, err = replay(capsys, corrupt)
    assert code == 1 and out == "" and "corrupt gzip data" in err

    body = "\n".join([HEADER, good("a"), good("b"), ""]).encode()
    damaged = tmp_path / "d.jsonl.gz"
    # The header, pod a and part of pod b compressed; then bytes that are not deflate data.
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    cut = len(HEADER) + len(good("a")) + 2 + 30
    head = comp.compress(body[:cut]) + comp.flush(zlib.Z_SYNC_FLUSH)
    damaged.write_bytes(head + b"\xff" * 32)
    code, out, err = replay(capsys, damaged)
    assert code == 0, err
    assert "Pods (1)" in out and "damaged after" in err


def test_a_recorder_killed_mid_gzip_replays_up_to_the_last_whole_event(tmp_path, capsys, reader):
    path = tmp_path / "killed.jsonl.gz"
    writer = RecordingWriter(path, started=T0)
    for i in range(5):
        writer.write(WatchEvent(float(i), "Pod", "ADDED", pod(f"p{i}", statuses=[running()])))
    # No close(): the gzip trailer is never written, as after kill -9; each line was
    # sync-flushed to the OS as it was written.
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 3])  # and the last few bytes never reached the disk
    code, out, err = replay(capsys, path)
    assert code == 0, err
    assert "Pods (4)" in out or "Pods (5)" in out
    assert "gzip stream ends early" in err or "last line is incomplete" in err


def test_a_50_mb_line_is_read_or_refused_with_its_line_number(tmp_path, capsys, reader):
    big = pod("big", statuses=[running()], conditions=ready_conditions())
    big["status"]["conditions"][1]["message"] = "m" * (50 * 1024 * 1024)
    line = json.dumps({"t": 2, "kind": "Pod", "type": "ADDED", "object": big})
    path = write(tmp_path / "big.jsonl", "\n".join([HEADER, good("a"), line, ""]))
    code, out, err = replay(capsys, path, "--pod", "big")
    assert code == 0, err[:500]
    assert "big" in out and len(out) < 200_000  # a 50 MB message is cut for the screen

    garbage = "{" + "x" * (50 * 1024 * 1024)
    path = write(tmp_path / "garbage.jsonl", "\n".join([HEADER, good("a"), garbage, good("b"), ""]))
    code, _, err = replay(capsys, path)
    assert code == 1 and err.startswith(f"podwatch: {path}:3: not valid JSON")
    assert len(err) < 1000

    oversize = "x" * (MAX_LINE_BYTES + 10)
    path = write(tmp_path / "huge.jsonl", "\n".join([HEADER, oversize, good("b"), ""]))
    code, _, err = replay(capsys, path)
    assert code == 1 and f"{path}:2: line is" in err and "longer than" in err
    code, out, err = replay(capsys, path, "--skip-bad-lines")
    assert code == 0 and "Pods (1)" in out and "skipped 1" in err


@pytest.mark.parametrize("rv", ["²", "١٢٣", "12a", "", "9" * 40])
def test_a_kubectl_capture_with_an_odd_resource_version_replays(tmp_path, capsys, rv):
    """resourceVersion is opaque: digits that int() refuses (superscripts, other
    scripts) or no number at all must not end in a traceback."""
    obj = pod("odd", statuses=[running()], conditions=ready_conditions())
    obj["metadata"]["resourceVersion"] = rv
    path = tmp_path / "pods.json"
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [obj]}))
    assert main(["replay", str(path), "--once"]) == 0
    assert "odd" in capsys.readouterr().out
