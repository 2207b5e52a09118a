"""The command line as a user runs it: --once tables, plain output, clear errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

import podwatch.cli
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


def whole_file(monkeypatch, reader: str) -> None:
    """`replay --once` of one podwatch recording streams it; "whole" makes it read the
    file whole instead, as the dashboard and kubectl captures do."""
    if reader == "whole":
        monkeypatch.setattr(podwatch.cli, "open_stream", lambda *a, **k: None)


def cli(*argv: str, columns: str | None = None, **popen) -> subprocess.CompletedProcess:
    """podwatch as a process with stdout and stderr piped, in UTC, no COLUMNS unless given."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["TZ"] = "UTC"
    if columns is not None:
        env["COLUMNS"] = columns
    return subprocess.run(
        [sys.executable, "-m", "podwatch.cli", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        stdin=subprocess.DEVNULL,
        **popen,
    )


@pytest.fixture
def utc(monkeypatch):
    """Local time is UTC in this process (wall-clock `--at`), restored afterwards."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def clock(epoch: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(epoch))


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


@pytest.mark.parametrize("reader", ["streamed", "whole"])
def test_unknown_pod_is_one_line_on_stderr_and_nothing_on_stdout(capsys, rec, reader, monkeypatch):
    whole_file(monkeypatch, reader)
    code, out, err = run(capsys, "replay", str(rec), "--once", "--pod", "nope")
    assert code == 1 and out == ""
    assert err == "podwatch: no pod named 'nope' at this moment (2 pods in view)\n"
    # The name comes from the user, yet it reaches the terminal only escaped.
    code, out, err = run(capsys, "replay", str(rec), "--once", "--pod", "x\x1b[2J")
    assert code == 1 and out == "" and "\x1b" not in err and "x\\x1b[2J" in err


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


# --------------------------------------------------------------------- issue 10, item 9


@pytest.mark.parametrize("reader", ["streamed", "whole"])
def test_at_takes_seconds_mss_wall_clock_and_rfc3339(capsys, rec, utc, reader, monkeypatch):
    """Every form of the same moment prints the same state (both readers)."""
    whole_file(monkeypatch, reader)
    forms = [
        "20",
        "0:20",
        "20.0",
        clock(T0 + 20),
        "2026-09-21T14:13:40Z",
        "2026-09-21T16:13:40+02:00",
    ]
    outputs = []
    for form in forms:
        code, out, err = run(capsys, "replay", str(rec), "--once", "--at", form)
        assert (code, err) == (0, ""), form
        outputs.append(out)
    assert outputs == [outputs[0]] * len(forms)
    assert "at 20s of 30s, 2026-09-21 14:13:40 UTC" in outputs[0]
    assert "NotReady" in outputs[0]  # the readiness change at 20 s is in
    code, out, _ = run(capsys, "replay", str(rec), "--once", "--at", "0:19")
    assert code == 0 and "at 19s of 30s" in out and "NotReady" not in out
    code, out, err = run(capsys, "replay", str(rec), "--once", "--at", "end")
    assert (code, err) == (0, "") and out == run(capsys, "replay", str(rec), "--once")[1]
    code, out, err = run(capsys, "replay", str(rec), "--once", "--at", "START")
    assert (code, err) == (0, "") and out == run(capsys, "replay", str(rec), "--once", "--at", "0")[
        1
    ]


@pytest.mark.parametrize("reader", ["streamed", "whole"])
@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("-5", "-5 is negative"),
        ("-0:01", "-0:01 is negative"),
        ("31", "31 is outside the recording"),
        ("0:31", "0:31 is outside the recording"),
        ("2026-09-21T14:13:19Z", "2026-09-21T14:13:19Z is outside the recording"),
        ("14:14:00", "14:14:00 is outside the recording"),
        (
            "soon",
            "not a time: soon; use seconds (90), m:ss (1:30), units (1h04m05s, 2d), "
            "HH:MM:SS (07:44:51), MM-DD HH:MM:SS (11-30 07:44:51), RFC 3339 "
            "(2026-11-30T07:44:51Z), start or end",
        ),
    ],
)
def test_bad_at_is_one_line_on_stderr_naming_the_span(
    capsys, rec, utc, reader, monkeypatch, text, why
):
    whole_file(monkeypatch, reader)
    code, out, err = run(capsys, "replay", str(rec), "--once", "--at", text)
    assert code == 1 and out == ""  # no report for a moment that is not in the recording
    assert err == (
        f"podwatch: --at: {why}; the recording spans 0s to 30s (0:00 to 0:30), "
        "2026-09-21 14:13:20 UTC to 14:13:50 UTC, 2026-09-21T14:13:20Z to 2026-09-21T14:13:50Z\n"
    )


def run_on_a_terminal(
    argv: list[str], columns: int = 100, timeout: float = 30
) -> tuple[int, str, str]:
    """podwatch with stdout on a pseudo-terminal `columns` wide (stderr piped):
    (exit code, what the terminal received, stderr). Killed after `timeout`."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update(NO_COLOR="1", TERM="xterm-256color", TZ="UTC")
    proc = subprocess.Popen(
        [sys.executable, "-m", "podwatch.cli", *argv],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(slave)
    received = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the process closed the terminal
                    break
                if not chunk:
                    break
                received += chunk
            elif proc.poll() is not None:
                break
        else:
            proc.kill()
            proc.wait(10)
            pytest.fail(f"podwatch {' '.join(argv)} was still running after {timeout:.0f}s")
        code = proc.wait(10)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    return code, received.decode("utf-8", "replace"), proc.stderr.read().decode()


def test_dashboard_refuses_a_bad_at_before_it_starts(rec):
    """On a terminal, `--at` places the dashboard: a bad one is refused before any screen."""
    code, screen, err = run_on_a_terminal(["replay", str(rec), "--at", "-5"])
    assert code == 1 and screen == ""
    assert err.startswith("podwatch: --at: -5 is negative; the recording spans 0s to 30s")
    assert err.count("\n") == 1


def test_a_terminal_keeps_its_own_width():
    code, screen, err = run_on_a_terminal(["demo", "--once", "--at", "200"], columns=100)
    assert (code, err) == (0, "")
    lines = screen.replace("\r\n", "\n").split("\n")
    assert max(len(line) for line in lines) == 100


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "fast"])
def test_speed_must_be_above_zero(capsys, value):
    with pytest.raises(SystemExit) as exited:
        main(["demo", "--speed", value])
    out, err = capsys.readouterr()
    assert exited.value.code == 2 and out == ""
    assert err.splitlines()[-1] == (
        f"podwatch demo: error: argument --speed: must be a number > 0, not {value!r}"
    )


def test_speed_zero_as_a_process_and_the_other_durations(capsys):
    proc = cli("replay", "nope.jsonl", "--speed", "0")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines()[-1].endswith("argument --speed: must be a number > 0, not '0'")
    for argv in (["--once", "--timeout", "0"], ["record", "x.jsonl", "--duration", "-3"]):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2
        assert "must be a number > 0" in capsys.readouterr().err


def test_once_into_head_ends_quietly_with_exit_0():
    command = f"{sys.executable} -m podwatch.cli demo --once | head -1"
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200"},  # more than a pipe's buffer holds
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout.startswith("podwatch demo at 447s of 447s")
    assert proc.stdout.count("\n") == 1


@pytest.mark.parametrize(
    ("columns", "width"),
    [(None, 120), ("90", 90), ("200", 200), ("wide", 120), ("0", 120), ("-80", 120)],
)
def test_piped_output_is_columns_wide_else_120_without_trailing_spaces(columns, width):
    proc = cli("demo", "--once", "--at", "200", columns=columns)
    assert (proc.returncode, proc.stderr) == (0, "")
    lines = proc.stdout.splitlines()
    assert width - 3 <= max(len(line) for line in lines) <= width  # tables take the width
    assert [line for line in lines if line != line.rstrip()] == []
    assert "Pods (" in proc.stdout and "\x1b" not in proc.stdout


def test_trimmed_lines_go_out_as_they_complete():
    from io import StringIO

    from podwatch.cli import TrimmedLines

    out = StringIO()
    trimmed = TrimmedLines(out)
    trimmed.write("a table row   \nand half a ")
    assert out.getvalue() == "a table row\n"
    trimmed.write("line  \n\n  indented  \n")
    assert out.getvalue() == "a table row\nand half a line\n\n  indented\n"


def test_exit_codes_are_documented_as_used():
    """The module's table (copied into README) lists exactly the codes main returns."""
    documented = {int(code) for code in re.findall(r"^\| (\d+) ", podwatch.cli.__doc__, re.M)}
    used = {
        podwatch.cli.EXIT_OK,
        podwatch.cli.EXIT_BAD_INPUT,
        podwatch.cli.EXIT_USAGE,
        podwatch.cli.EXIT_UNHEALTHY,
    }
    assert documented == used | {podwatch.cli.EXIT_INTERRUPTED} == {0, 1, 2, 3, 130}
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = readme[readme.index("| Code | Meaning |") :].split("\n\n")[0]
    assert {int(code) for code in re.findall(r"^\| (\d+) \|", table, re.M)} == documented


def test_interrupted_once_exits_130_quietly(tmp_path):
    """Ctrl-C while `--once` waits for an API server that never answers."""
    import signal
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)  # accepts connections, never answers
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [
                    {
                        "name": "c",
                        "cluster": {"server": f"http://127.0.0.1:{server.getsockname()[1]}"},
                    }
                ],
                "contexts": [
                    {"name": "c", "context": {"cluster": "c", "user": "u", "namespace": "default"}}
                ],
                "current-context": "c",
                "users": [{"name": "u", "user": {"token": "t"}}],
            }
        )
    )
    with server:
        proc = subprocess.Popen(
            [sys.executable, "-m", "podwatch.cli", "--once", "--timeout", "60"],
            env={**os.environ, "KUBECONFIG": str(kubeconfig)},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        server.settimeout(30)
        connection, _ = server.accept()  # it is listing now, past start-up
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        connection.close()
    assert (proc.returncode, out, err) == (130, "", "")


async def test_g_key_reads_the_same_moments_as_at(utc):
    """The dashboard's `g` uses the `--at` parser: wall clock and RFC 3339 work, and a
    time outside the recording is refused with its span while the position stays."""
    from podwatch.cli import demo_path
    from podwatch.kube.source import ReplaySource
    from podwatch.recording import read_recording
    from podwatch.ui.app import PodwatchApp
    from podwatch.ui.screens.main import MainScreen
    from podwatch.ui.screens.modals import PromptScreen

    recording = read_recording(demo_path())
    source = ReplaySource(recording, clock=lambda: 0.0, paused=True)
    source.seek(35)
    app = PodwatchApp(source)
    rfc = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(recording.started + 195))

    async def go(pilot, text: str) -> None:
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        assert "seconds, m:ss, 1h04m05s, HH:MM:SS, RFC 3339, start or end" in str(app.screen.prompt)
        await pilot.press(*text, "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)

    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await go(pilot, clock(recording.started + 75))
        assert source.position == 75.0
        await go(pilot, rfc)
        assert source.position == 195.0
        await go(pilot, "2m05s")  # the units the prompt names
        assert source.position == 125.0
        await go(pilot, "end")
        assert source.position == recording.duration
        await go(pilot, "Start")
        assert source.position == 0.0
        await pilot.press("G")  # the end at one key
        await pilot.pause()
        assert source.position == recording.duration
        await go(pilot, "1:30")
        assert source.position == 90.0
        for refused in ("-5", "9:00", clock(recording.started + 600)):
            await go(pilot, refused)
            assert source.position == 90.0
        await pilot.pause()
        messages = [toast.render().plain for toast in app.screen.query("Toast")]
        assert len(messages) == 3
        assert all("the recording spans 0s to 447s (0:00 to 7:27)" in m for m in messages)
        assert messages[0].startswith("-5 is negative")
        assert messages[1].startswith("9:00 is outside the recording")


def test_once_says_the_length_rounded_down_so_that_it_is_a_valid_at(capsys) -> None:
    """The lab recording lasts 115.6 s: `--once` says `of 115s`, as the dashboard's
    `01:55 / 01:55` does, and `--at 115s` is then accepted (116 s is past the end)."""
    rec = str(
        Path(__file__).resolve().parents[1] / "data/recordings/lab-rollout/rollout-stuck.jsonl.gz"
    )
    code, out, _err = run(capsys, "replay", rec, "--once")
    assert code == 0
    said = re.search(r" at (\d+)s of (\d+)s, ", out)
    assert said is not None and said.group(1) == said.group(2) == "115", out[:200]
    code, out, err = run(capsys, "replay", rec, "--once", "--at", f"{said.group(2)}s")
    assert code == 0 and f"at {said.group(2)}s of {said.group(2)}s" in out, err
    code, _out, err = run(capsys, "replay", rec, "--once", "--at", "116s")
    assert code != 0 and "outside the recording" in err and "0s to 115s" in err
