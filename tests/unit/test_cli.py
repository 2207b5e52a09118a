"""The command line as a user runs it: --once tables, plain output, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from podwatch.cli import main
from podwatch.model.watch import WatchEvent
from podwatch.recording import RecordingWriter
from tests.factories import T0, cond, endpoints, event, pod, ready_conditions, running


@pytest.fixture
def rec(tmp_path):
    path = tmp_path / "rec.jsonl"
    hostile = "[bold red]boom[/] \x1b[2J\x1b]52;c;SGVsbG8=\x07 \u202egnp.exe"
    p = pod(
        "web",
        labels={"app": "web"},
        statuses=[running(ready=False)],
        conditions=ready_conditions(False),
    )
    p["status"]["conditions"][1]["message"] = hostile
    with RecordingWriter(path, started=T0) as w:
        w.write(
            WatchEvent(
                0, "Pod", "ADDED", pod("web", statuses=[running()], conditions=ready_conditions())
            )
        )
        w.write(WatchEvent(1, "Endpoints", "ADDED", endpoints("svc", ready=[("10.0.0.5", "web")])))
        w.write(WatchEvent(20, "Pod", "MODIFIED", p))
        w.write(
            WatchEvent(
                21, "Endpoints", "MODIFIED", endpoints("svc", not_ready=[("10.0.0.5", "web")])
            )
        )
        w.write(
            WatchEvent(
                22,
                "Event",
                "ADDED",
                event(
                    "web.1",
                    "web",
                    "Unhealthy",
                    "Readiness probe failed: " + hostile,
                    count=2,
                    last=22,
                ),
            )
        )
        w.write(
            WatchEvent(
                30,
                "Pod",
                "ADDED",
                pod(
                    "pending",
                    phase="Pending",
                    node="",
                    ip="",
                    conditions=[
                        cond("PodScheduled", "False", "Unschedulable", "0/1 nodes are available")
                    ],
                ),
            )
        )
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_once_at_a_moment(capsys, rec):
    code, out, _ = run(capsys, "replay", str(rec), "--once", "--at", "10")
    assert code == 0
    assert "at 10s of 30s" in out
    assert "Ready; ready in Service svc" in out
    assert "pending" not in out


def test_once_at_end_shows_not_ready_and_probe_failures(capsys, rec):
    code, out, _ = run(capsys, "replay", str(rec), "--once", "--pod", "web")
    assert code == 0
    assert "NotReady" in out and "svc" in out
    assert "Readiness probe failing on app (2 failures" in out
    assert "pod-pending" not in out


def test_unknown_pod_is_an_error(capsys, rec):
    code, out, _ = run(capsys, "replay", str(rec), "--once", "--pod", "nope")
    assert code == 1 and "no pod named 'nope'" in out


def test_untrusted_text_printed_literally_never_as_control(capsys, rec):
    _code, out, _ = run(capsys, "replay", str(rec), "--once", "--pod", "web")
    assert "[bold red]boom[/]" in out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b[2J" in out and "\\u202e" in out


def test_plain_output_has_no_escape_codes_even_on_a_tty_with_no_color(rec):
    # Not a TTY here: output must be plain regardless.
    proc = subprocess.run(
        [sys.executable, "-m", "podwatch.cli", "replay", str(rec), "--once"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout
    assert "Pods (2)" in proc.stdout


def test_bad_recording_one_line_error_and_exit_code(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps(
            {"format": "podwatch-recording", "version": 1, "started": "2026-01-01T00:00:00Z"}
        )
        + "\n{broken\n"
        + json.dumps({"t": 1, "kind": "Pod", "type": "ADDED"})
        + "\n"
    )
    code, out, err = run(capsys, "replay", str(bad), "--once")
    assert code == 1
    assert err.startswith(f"podwatch: {bad}:2: not valid JSON")
    assert err.count("\n") == 1
    assert "Traceback" not in err and out == ""
    code, _, err = run(capsys, "replay", str(bad), "--once", "--skip-bad-lines")
    assert code == 0 and "skipped 1 unreadable line" in err


def test_wrong_version_and_missing_file(tmp_path, capsys):
    bad = tmp_path / "v2.jsonl"
    bad.write_text(json.dumps({"format": "podwatch-recording", "version": 2}) + "\n")
    code, _, err = run(capsys, "replay", str(bad), "--once")
    assert code == 1 and f"{bad}:1: recording version 2 is not supported" in err
    code, _, err = run(capsys, "replay", str(tmp_path / "nope.jsonl"), "--once")
    assert code == 1 and "cannot read" in err


def test_live_without_configuration_is_one_line_and_exit_2(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "nope.yaml"))
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    code, out, err = run(capsys, "-n", "default", "--once")
    assert code == 2 and out == ""
    assert err == f"podwatch: kubeconfig {tmp_path / 'nope.yaml'} does not exist\n"


@pytest.mark.parametrize("width", [80, 120, 200])
def test_pod_table_fits_the_terminal_and_keeps_the_health_mark(width):
    from io import StringIO

    from rich.console import Console

    from podwatch.cli import demo_path
    from podwatch.kube.source import ReplaySource
    from podwatch.recording import read_recording
    from podwatch.render import SEVERITY_MARK, pods_table

    src = ReplaySource(read_recording(demo_path()), paused=True)
    src.seek(200)
    out = StringIO()
    Console(file=out, width=width, no_color=True).print(pods_table(src.store, width=width))
    lines = out.getvalue().splitlines()
    assert all(len(line) <= width for line in lines)
    rows = [line for line in lines if line[:1] in SEVERITY_MARK.values()]
    assert len(rows) == len(src.store.pods)
    assert any("CrashLoopBackOff" in r for r in rows)
    assert ("PHASE" in lines[1]) is (width >= 110)


@pytest.mark.parametrize("at", [None, "35", "150", "400"])
def test_streaming_once_prints_what_the_whole_file_reader_prints(capsys, monkeypatch, at):
    """`replay --once` streams one podwatch recording; the dashboard's reader holds it
    whole. On the bundled demo, at several moments, both print the same."""
    import podwatch.cli
    from podwatch.cli import demo_path

    argv = ["replay", str(demo_path()), "--once"] + (["--at", at] if at else [])
    code, streamed, _ = run(capsys, *argv)
    assert code == 0
    monkeypatch.setattr(podwatch.cli, "open_stream", lambda *a, **k: None)
    code, whole, _ = run(capsys, *argv)
    assert code == 0
    assert streamed == whole
    assert "Pods (" in streamed


def test_once_details_only_unhealthy_pods_when_there_are_many(tmp_path, capsys):
    from tests.factories import waiting

    path = tmp_path / "many.jsonl"
    with RecordingWriter(path, started=T0) as w:
        for i in range(40):
            w.write(
                WatchEvent(
                    0,
                    "Pod",
                    "ADDED",
                    pod(f"ok-{i}", statuses=[running()], conditions=ready_conditions()),
                )
            )
        w.write(
            WatchEvent(
                1,
                "Pod",
                "ADDED",
                pod("sick", statuses=[waiting(reason="CrashLoopBackOff", restarts=3)]),
            )
        )
    code, out, _ = run(capsys, "replay", str(path), "--once")
    assert code == 0
    assert "Pods (41)" in out
    assert "default/sick" in out and "default/ok-3 " not in out
    assert "Details of 40 of 41 pods left out" in out
    code, out, _ = run(capsys, "replay", str(path), "--once", "--pod", "ok-3")
    assert code == 0 and "default/ok-3" in out
