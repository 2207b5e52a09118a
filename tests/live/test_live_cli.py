"""`podwatch` as a subprocess against the API server double (issue 3).

Every test runs the real command line (`python -m podwatch.cli ...`) with a
kubeconfig that points at the double, no stdin, NO_COLOR and a fixed width,
and checks what a user sees: exit codes, stdout tables, stderr lines, and the
recording files written. Every wait is bounded; a hung process is killed.

Throughout, the double must only ever see GET requests (podwatch only reads).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from podwatch.model.watch import KINDS
from podwatch.recording import read_recording
from tests.apiserver import ApiServerDouble
from tests.live.conftest import pod_obj

SECRET_ENV = "hunter2"
RUN_TIMEOUT = 30.0
"""No single podwatch run may take longer than this (it is killed and the test fails)."""


# --------------------------------------------------------------------------- helpers


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    elapsed: float

    @property
    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def cli_env(kubeconfig: str | Path | None, home: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT")
    }
    env.update(NO_COLOR="1", COLUMNS="200", HOME=str(home), PYTHONDONTWRITEBYTECODE="1")
    if kubeconfig is not None:
        env["KUBECONFIG"] = str(kubeconfig)
    env.update(extra)
    return env


@contextlib.contextmanager
def _sigint_not_ignored() -> Iterator[None]:
    """A child inherits an *ignored* SIGINT (e.g. a test run started with `&` by a
    non-interactive shell), and then Python installs no KeyboardInterrupt handler in
    it. Make sure the child starts with the default disposition."""
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        if previous is signal.SIG_IGN:
            signal.signal(signal.SIGINT, previous)


def start(args: list[str], env: dict[str, str], cwd: Path, out: Path, err: Path):
    """Start podwatch with stdout/stderr going to files (no pipe can fill up)."""
    with _sigint_not_ignored(), open(out, "wb") as fo, open(err, "wb") as fe:
        return subprocess.Popen(
            [sys.executable, "-m", "podwatch.cli", *args],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=fo,
            stderr=fe,
        )


def finish(proc: subprocess.Popen, timeout: float) -> int:
    """Wait (bounded) for the process; kill it and fail the test if it hangs."""
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
        pytest.fail(f"podwatch did not exit within {timeout:.0f}s (killed)")


def run(args: list[str], env: dict[str, str], cwd: Path, timeout: float = RUN_TIMEOUT) -> Run:
    began = time.monotonic()
    with _sigint_not_ignored():
        proc = subprocess.Popen(
            [sys.executable, "-m", "podwatch.cli", *args],
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate(timeout=10)
        pytest.fail(f"podwatch {' '.join(args)} did not exit within {timeout:.0f}s (killed)")
    return Run(
        proc.returncode,
        out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
        time.monotonic() - began,
    )


def wait_until(predicate, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def file_lines(path: Path) -> list[dict]:
    """The recording's complete lines, parsed (a partial last line is left out)."""
    if not path.exists():
        return []
    data = path.read_bytes()
    out = []
    for raw in data.split(b"\n")[:-1]:
        if raw.strip():
            out.append(json.loads(raw))
    return out


def relisted_kinds(path: Path) -> set[str]:
    return {line.get("kind") for line in file_lines(path)[1:] if line.get("type") == "RELIST"}


def added(lines: list[dict]) -> set[tuple[str, str, str]]:
    return {
        (
            line["kind"],
            line["object"]["metadata"].get("namespace", ""),
            line["object"]["metadata"]["name"],
        )
        for line in lines[1:]
        if line.get("type") in ("ADDED", "MODIFIED")
    }


def assert_only_gets(double: ApiServerDouble) -> None:
    requests = double.requests
    assert requests, "podwatch never reached the double"
    bad = [(r.method, r.path) for r in requests if r.method != "GET"]
    assert not bad, f"podwatch sent non-GET requests: {bad}"


def assert_no_traceback(result: Run | str) -> None:
    text = result if isinstance(result, str) else result.stderr + result.stdout
    assert "Traceback" not in text, text


def assert_recording(
    path: Path,
    expected: set[tuple[str, str, str]],
    *,
    context: str,
    later: frozenset[tuple[str, str, str]] | set[tuple[str, str, str]] = frozenset(),
) -> dict:
    """A clean, complete podwatch recording: header, the `expected` objects (all in the
    initial lists) and the `later` ones (created while watching), a RELIST after each list."""
    assert path.exists(), f"{path} was not written"
    raw = path.read_bytes()
    assert raw.endswith(b"\n"), "the last line was not written whole"
    lines = file_lines(path)
    header = lines[0]
    assert header["format"] == "podwatch-recording"
    assert header["version"] == 1
    assert header["context"] == context
    assert isinstance(header["scope"], dict) and header["scope"]
    assert isinstance(header["started"], str) and header["started"]

    events = lines[1:]
    assert events, "no event recorded"
    missing = (expected | later) - added(lines)
    assert not missing, f"objects on the double that are not in the recording: {missing}"

    # one RELIST marker per kind, after every ADDED of that kind's list
    for kind in KINDS:
        positions = [i for i, e in enumerate(events) if e["kind"] == kind and e["type"] == "RELIST"]
        assert positions, f"no RELIST marker for {kind}"
        first = positions[0]
        marker = events[first]["object"]
        listed = {tuple(k) for k in marker["keys"]}
        before = {
            (e["object"]["metadata"].get("namespace", ""), e["object"]["metadata"]["name"])
            for e in events[:first]
            if e["kind"] == kind and e["type"] == "ADDED"
        }
        assert listed == before, f"{kind}: RELIST keys {listed} != listed objects {before}"
        want = {(ns, name) for k, ns, name in expected if k == kind}
        assert want <= listed, f"{kind}: {want - listed} not in the list's RELIST marker"

    recording = read_recording(path)
    assert recording.warnings == []
    assert recording.skipped_lines == 0
    assert recording.header["format"] == "podwatch-recording"
    assert {e.kind for e in recording.events if e.type == "RELIST"} == set(KINDS)
    return header


# --------------------------------------------------------------------------- cluster content


def secret_pod(name: str, namespace: str = "default", **kw) -> dict:
    pod = pod_obj(name, namespace, **kw)
    pod["spec"]["containers"][0]["env"] = [
        {"name": "PASSWORD", "value": SECRET_ENV},
        {"name": "MODE", "value": "prod"},
    ]
    return pod


def populate(double: ApiServerDouble) -> set[tuple[str, str, str]]:
    """One object of every kind in `default` (a NotReady pod listed in its Service's
    notReadyAddresses), plus a pod in `team-b`. Returns what `-n default` must see."""
    double.create(secret_pod("web-1", labels={"app": "web"}, ip="10.0.0.1"))
    double.create(pod_obj("web-2", labels={"app": "web"}, ready=False, ip="10.0.0.2"))
    double.create(pod_obj("web-b", "team-b", labels={"app": "web"}, ip="10.0.1.1"))
    double.create(
        {
            "kind": "Service",
            "metadata": {"name": "websvc", "namespace": "default"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "protocol": "TCP"}]},
        }
    )

    def ref(name: str) -> dict:
        return {"kind": "Pod", "name": name, "namespace": "default"}

    double.create(
        {
            "kind": "Endpoints",
            "metadata": {"name": "websvc", "namespace": "default"},
            "subsets": [
                {
                    "addresses": [
                        {"ip": "10.0.0.1", "nodeName": "node-1", "targetRef": ref("web-1")}
                    ],
                    "notReadyAddresses": [
                        {"ip": "10.0.0.2", "nodeName": "node-1", "targetRef": ref("web-2")}
                    ],
                    "ports": [{"port": 80, "protocol": "TCP"}],
                }
            ],
        }
    )
    double.create(
        {
            "kind": "EndpointSlice",
            "metadata": {
                "name": "websvc-x1",
                "namespace": "default",
                "labels": {"kubernetes.io/service-name": "websvc"},
            },
            "addressType": "IPv4",
            "endpoints": [
                {
                    "addresses": ["10.0.0.1"],
                    "conditions": {"ready": True, "serving": True, "terminating": False},
                    "nodeName": "node-1",
                    "targetRef": ref("web-1"),
                },
                {
                    "addresses": ["10.0.0.2"],
                    "conditions": {"ready": False, "serving": False, "terminating": False},
                    "nodeName": "node-1",
                    "targetRef": ref("web-2"),
                },
            ],
            "ports": [{"port": 80, "protocol": "TCP"}],
        }
    )
    double.create(
        {
            "kind": "Event",
            "metadata": {"name": "web-2.17a", "namespace": "default"},
            "involvedObject": {
                "kind": "Pod",
                "name": "web-2",
                "namespace": "default",
                "fieldPath": "spec.containers{app}",
            },
            "reason": "Unhealthy",
            "type": "Warning",
            "message": "Readiness probe failed: HTTP probe failed with statuscode: 503",
            "count": 3,
            "firstTimestamp": "2026-01-01T00:00:00Z",
            "lastTimestamp": "2026-01-01T00:00:20Z",
        }
    )
    double.create(
        {
            "kind": "Node",
            "metadata": {"name": "node-1"},
            "spec": {},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]},
        }
    )
    return {
        ("Pod", "default", "web-1"),
        ("Pod", "default", "web-2"),
        ("Service", "default", "websvc"),
        ("Endpoints", "default", "websvc"),
        ("EndpointSlice", "default", "websvc-x1"),
        ("Event", "default", "web-2.17a"),
        ("Node", "", "node-1"),
    }


@pytest.fixture(autouse=True)
def _only_get_requests(double: ApiServerDouble) -> Iterator[None]:
    """Whatever a test does, podwatch only reads: nothing but GET reaches the double."""
    yield
    bad = [(r.method, r.path) for r in double.requests if r.method != "GET"]
    assert not bad, f"podwatch sent non-GET requests: {bad}"


# --------------------------------------------------------------------------- podwatch record


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_record_until_signal_closes_a_clean_recording(double, kubeconfig, tmp_path, signum):
    expected = populate(double)
    path = tmp_path / "rec.jsonl"
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    env = cli_env(kubeconfig, tmp_path)
    proc = start(["record", str(path), "-n", "default"], env, tmp_path, out, err)
    try:
        # every kind listed and recorded ...
        assert wait_until(lambda: relisted_kinds(path) == set(KINDS), 20), (
            f"not every kind was listed into {path}: {relisted_kinds(path)}"
        )
        # ... and the watch records what changes afterwards
        double.create(pod_obj("web-3", labels={"app": "web"}, ip="10.0.0.3"))
        assert wait_until(lambda: ("Pod", "default", "web-3") in added(file_lines(path)), 10)
        assert proc.poll() is None, "record exited by itself without --duration"
        proc.send_signal(signum)
        code = finish(proc, 10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    stderr = err.read_text()
    assert code == 0, stderr
    assert_no_traceback(stderr)

    header = assert_recording(path, expected, context="double", later={("Pod", "default", "web-3")})
    assert header["scope"]["namespace"] == "default"
    assert header["scope"]["allNamespaces"] is False
    names = {name for _kind, _ns, name in added(file_lines(path))}
    assert "web-b" not in names, "a pod outside -n default was recorded"

    # progress: one line per report naming events, kinds and watch states
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "no progress report on stderr"
    for line in lines:
        assert line.startswith(f"podwatch record {path}: "), line
    assert any(
        "events" in line and all(f"{kind} " in line and f"{kind}:" in line for kind in KINDS)
        for line in lines
    ), f"no progress line with counts and states of every kind: {stderr}"
    assert any("closed" in line for line in lines[-1:]), stderr

    # secrets: env values redacted, token nowhere
    raw = path.read_bytes()
    assert SECRET_ENV.encode() not in raw
    assert b"PASSWORD" in raw, "the env entry itself should stay, only its value is redacted"
    assert double.token.encode() not in raw
    assert double.token not in stderr
    assert double.token not in out.read_text()

    # the file replays
    replay = run(["replay", str(path), "--once"], cli_env(None, tmp_path), tmp_path)
    assert replay.returncode == 0, replay.stderr
    assert replay.stderr == "", "replaying a clean recording warned"
    assert "web-1" in replay.stdout and "web-3" in replay.stdout
    assert_only_gets(double)


def test_record_duration_stops_by_itself_with_scope_and_no_redact(double, kubeconfig, tmp_path):
    populate(double)
    double.create(pod_obj("db-1", labels={"app": "db"}, ip="10.0.0.9"))
    path = tmp_path / "all.jsonl"
    args = ["record", str(path), "-A", "-l", "app=web", "--duration", "2", "--no-redact"]
    result = run(args, cli_env(kubeconfig, tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    assert 2.0 <= result.elapsed < 20, f"--duration 2 took {result.elapsed:.1f}s"
    assert result.stderr_lines and all(
        line.startswith(f"podwatch record {path}: ") for line in result.stderr_lines
    ), result.stderr
    assert "closed" in result.stderr_lines[-1]

    expected = {("Pod", "default", "web-1"), ("Pod", "team-b", "web-b"), ("Node", "", "node-1")}
    header = assert_recording(path, expected, context="double")
    assert header["scope"]["allNamespaces"] is True
    assert header["scope"]["namespace"] is None
    assert header["scope"]["labelSelector"] == "app=web"
    pods = {name for kind, _ns, name in added(file_lines(path)) if kind == "Pod"}
    assert pods == {"web-1", "web-2", "web-b"}, "-l app=web must leave db-1 out"

    raw = path.read_bytes()
    assert SECRET_ENV.encode() in raw, "--no-redact must keep env values"
    assert double.token.encode() not in raw
    assert double.token not in result.stderr
    assert_only_gets(double)


# --------------------------------------------------------------------------- podwatch --once (live)


def _why_line(stdout: str, ns_name: str) -> str:
    lines = stdout.splitlines()
    for i, line in enumerate(lines):
        if ns_name in line and "ready" in line:
            # The summary: who, then where (node, IP, QoS), then the why line.
            for nxt in (x.strip() for x in lines[i + 1 : i + 4]):
                if nxt.startswith("why:"):
                    return nxt
    raise AssertionError(f"no detail section with a why line for {ns_name}:\n{stdout}")


def test_once_namespace_prints_tables_and_why(double, kubeconfig, tmp_path):
    populate(double)
    result = run(["-n", "default", "--once"], cli_env(kubeconfig, tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    assert result.stderr == "", "nothing to warn about"
    out = result.stdout
    header = next(line for line in out.splitlines() if "NAME" in line and "STATUS" in line)
    assert "NAMESPACE" not in header
    assert "web-1" in out and "web-2" in out
    assert "web-b" not in out, "a pod of another namespace was shown under -n default"

    why = _why_line(out, "default/web-2")
    assert "NotReady" in why and "websvc" in why, why
    assert "websvc" in _why_line(out, "default/web-1")
    assert "Services" in out and "Nodes" in out and "node-1" in out
    assert double.token not in out + result.stderr
    assert_only_gets(double)


def test_once_all_namespaces_shows_namespace_column(double, kubeconfig, tmp_path):
    populate(double)
    result = run(["-A", "--once"], cli_env(kubeconfig, tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    lines = result.stdout.splitlines()
    header = next(line for line in lines if "NAME" in line and "STATUS" in line)
    assert "NAMESPACE" in header
    row = next(line for line in lines if "web-b" in line and "Running" in line)
    assert "team-b" in row
    assert any("default" in line and "web-1" in line and "Running" in line for line in lines)
    assert_only_gets(double)


def test_once_pod_limits_details(double, kubeconfig, tmp_path):
    populate(double)
    result = run(
        ["-n", "default", "--once", "--pod", "web-2"], cli_env(kubeconfig, tmp_path), tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    out = result.stdout
    assert "default/web-2" in out
    assert "default/web-1" not in out, "--pod web-2 also printed web-1's details"
    assert sum(1 for line in out.splitlines() if line.strip().startswith("why:")) == 1
    assert "web-1" in out, "the pods table still lists every pod"
    assert_only_gets(double)


def _forbidden_node_run(double, kubeconfig, tmp_path) -> Run:
    populate(double)
    double.forbid("Node")
    result = run(["-n", "default", "--once"], cli_env(kubeconfig, tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    assert "web-1" in result.stdout and "web-2" in result.stdout
    assert all(line.startswith("podwatch: ") for line in result.stderr_lines), result.stderr
    assert any(r.kind == "Node" and r.status == 403 for r in double.requests), (
        "the double never refused Node"
    )
    assert_only_gets(double)
    return result


def test_once_with_forbidden_kind_still_prints_pods_and_warns(double, kubeconfig, tmp_path):
    result = _forbidden_node_run(double, kubeconfig, tmp_path)
    node_lines = [line for line in result.stderr_lines if "Node" in line]
    assert len(node_lines) == 1, result.stderr
    assert "forbidden" in node_lines[0].lower(), result.stderr


def test_once_forbidden_warning_names_rbac_not_a_timeout(double, kubeconfig, tmp_path):
    result = _forbidden_node_run(double, kubeconfig, tmp_path)
    line = next(line for line in result.stderr_lines if "Node" in line)
    own_words = line.split("HTTP 403")[0]  # podwatch's part, before the server's message
    assert "forbidden" in own_words.lower(), line
    assert "not listed within" not in line, line


def test_once_unreachable_server_fails_with_one_line(double, tmp_path):
    gone = ApiServerDouble().start()
    stale = gone.write_kubeconfig(tmp_path / "stale-kubeconfig")
    gone.stop()
    result = run(["--once", "--timeout", "3"], cli_env(stale, tmp_path), tmp_path, timeout=20)
    assert result.returncode != 0
    assert_no_traceback(result)
    assert len(result.stderr_lines) == 1, result.stderr
    assert result.stderr_lines[0].startswith("podwatch: ")
    assert result.elapsed < 15, f"--timeout 3 took {result.elapsed:.1f}s"
    assert gone.token not in result.stderr


def test_once_unreachable_error_names_the_cause_once(double, tmp_path):
    gone = ApiServerDouble().start()
    stale = gone.write_kubeconfig(tmp_path / "stale-kubeconfig")
    gone.stop()
    result = run(["--once", "--timeout", "3"], cli_env(stale, tmp_path), tmp_path, timeout=20)
    line = result.stderr_lines[0]
    assert "could not list anything from double" in line
    assert line.count("Connection refused") <= 1 and len(line) < 400


def test_record_that_never_lists_anything_exits_non_zero(double, tmp_path):
    gone = ApiServerDouble().start()
    stale = gone.write_kubeconfig(tmp_path / "stale-kubeconfig")
    gone.stop()
    path = tmp_path / "empty.jsonl"
    result = run(
        ["record", str(path), "--duration", "2"], cli_env(stale, tmp_path), tmp_path, timeout=30
    )
    assert result.returncode == 1
    assert_no_traceback(result)
    assert result.stderr_lines[-1].startswith("podwatch: nothing was listed from double")
    assert file_lines(path)[0]["format"] == "podwatch-recording"  # still a valid (empty) recording


@pytest.mark.parametrize("redact", [True, False], ids=["redacted", "no-redact"])
def test_once_record_writes_what_was_listed(double, kubeconfig, tmp_path, redact):
    expected = populate(double)
    path = tmp_path / "once.jsonl"
    args = ["-n", "default", "--once", "--record", str(path)]
    if not redact:
        args.append("--no-redact")
    result = run(args, cli_env(kubeconfig, tmp_path), tmp_path)
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    assert "web-2" in result.stdout
    header = assert_recording(path, expected, context="double")
    assert header["scope"]["namespace"] == "default"
    raw = path.read_bytes()
    assert (SECRET_ENV.encode() in raw) is (not redact)
    assert double.token.encode() not in raw
    assert double.token not in result.stderr + result.stdout
    assert_only_gets(double)


# --------------------------------------------------------------------------- configuration errors


@pytest.mark.parametrize("command", [["--once"], ["record", "REC"]], ids=["once", "record"])
@pytest.mark.parametrize("where", ["KUBECONFIG=/nonexistent", "no-KUBECONFIG-empty-HOME"])
def test_missing_kubeconfig_is_one_line_exit_2(double, tmp_path, command, where):
    home = tmp_path / "home"
    home.mkdir()
    env = cli_env("/nonexistent" if where.startswith("KUBECONFIG") else None, home)
    args = [str(tmp_path / "rec.jsonl") if a == "REC" else a for a in command]
    result = run(args, env, tmp_path)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert_no_traceback(result)
    assert len(result.stderr_lines) == 1, result.stderr
    assert result.stderr_lines[0].startswith("podwatch: ")
    assert result.stdout == ""
    assert not double.requests


TOKEN = "tok-3f9a-SECRET-do-not-print"

BROKEN_KUBECONFIGS = {
    "invalid-yaml": (
        "apiVersion: v1\nusers:\n- name: u\n  user:\n    token: " + TOKEN + "\n  : [oops\n"
    ),
    "unterminated-token": (
        "apiVersion: v1\ncurrent-context: c\n"
        "contexts: [{name: c, context: {cluster: c, user: c}}]\n"
        'users:\n- name: c\n  user:\n    token: "' + TOKEN + "\n"
    ),
    "tab-indented-token": "apiVersion: v1\nusers:\n- name: u\n  user:\n\ttoken: " + TOKEN + "\n",
    "user-is-a-string": (
        "apiVersion: v1\ncurrent-context: c\n"
        "clusters: [{name: c, cluster: {server: 'http://127.0.0.1:9'}}]\n"
        "contexts: [{name: c, context: {cluster: c, user: c}}]\n"
        "users: [{name: c, user: " + TOKEN + "}]\n"
    ),
}


@pytest.mark.parametrize("case", [*BROKEN_KUBECONFIGS, "unknown-context"])
def test_broken_kubeconfig_is_one_line_exit_2_without_token(double, tmp_path, case):
    path = tmp_path / "kubeconfig"
    args = ["--once", "--timeout", "3"]
    if case == "unknown-context":
        double.write_kubeconfig(path, token=TOKEN)
        args += ["--context", "no-such-context"]
    else:
        path.write_text(BROKEN_KUBECONFIGS[case])
    result = run(args, cli_env(path, tmp_path), tmp_path)
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert_no_traceback(result)
    assert len(result.stderr_lines) == 1, result.stderr
    assert result.stderr_lines[0].startswith("podwatch: ")
    assert TOKEN not in result.stderr + result.stdout
    assert "SECRET" not in result.stderr
    assert not double.requests


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_record_killed_with_sigkill_leaves_a_file_that_replays_to_the_last_whole_event(
    double, kubeconfig, tmp_path, suffix
):
    """kill -9 gives podwatch no chance to close anything: every event already written
    must still read back, and a half-written last one is dropped with a warning."""
    populate(double)
    path = tmp_path / f"rec{suffix}"
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    env = cli_env(kubeconfig, tmp_path)
    proc = start(["record", str(path), "-n", "default"], env, tmp_path, out, err)

    def recorded_pods() -> list[str]:
        try:
            rec = read_recording(path)
        except Exception:
            return []
        return [
            e.object["metadata"]["name"]
            for e in rec.events
            if e.kind == "Pod" and e.type == "ADDED"
        ]

    first = [f"before-{n}" for n in range(20)]
    later = [f"during-{n}" for n in range(200)]
    try:
        assert wait_until(lambda: "web-1" in recorded_pods(), 20)
        for name in first:
            double.create(pod_obj(name, labels={"app": "web"}))
        assert wait_until(lambda: first[-1] in recorded_pods(), 20)
        # Kill it while events keep coming: the recorder is mid-stream.
        for n, name in enumerate(later):
            double.create(pod_obj(name, labels={"app": "web"}))
            if n == 100:
                proc.kill()  # SIGKILL
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    replay = run(["replay", str(path), "--once"], cli_env(None, tmp_path), tmp_path)
    assert replay.returncode == 0, replay.stderr
    assert "Traceback" not in replay.stderr
    names = recorded_pods()
    assert set(first) <= set(names), "events written before the kill are lost"
    got = [n for n in names if n.startswith("during-")]
    assert got == later[: len(got)], "what survives is not an unbroken run of whole events"
    assert f"Pods ({len(set(names))})" in replay.stdout


def test_a_rejected_token_is_reported_without_the_token_even_with_debug_logging(double, tmp_path):
    """401 with a wrong token: one clear line, exit 1; the token is printed nowhere, even
    when Python's root logger is set to DEBUG (as a wrapper script might do)."""
    populate(double)
    secret = "sekrit-token-0123456789abcdef"
    kc = double.write_kubeconfig(tmp_path / "kc", token=secret)
    debug = tmp_path / "sitecustomize.py"
    debug.write_text("import logging\nlogging.basicConfig(level=logging.DEBUG)\n")
    env = cli_env(kc, tmp_path, PYTHONPATH=str(tmp_path))
    result = run(["--once", "--timeout", "5"], env, tmp_path, timeout=30)
    assert result.returncode == 1, result.stderr
    assert_no_traceback(result)
    assert secret not in result.stderr and secret not in result.stdout
    assert "401" in result.stderr or "Unauthorized" in result.stderr, result.stderr
    assert "DEBUG:urllib3" in result.stderr, "debug logging was not on: the test proves nothing"


def test_once_exit_code_fails_on_an_unhealthy_pod_in_scope(double, kubeconfig, tmp_path):
    """`--exit-code` (implying --once) for a CI gate: 3 while a pod in scope is unhealthy,
    0 once the scope holds only healthy ones."""
    populate(double)  # default: web-1 ready, web-2 not
    env = cli_env(kubeconfig, tmp_path)
    failing = run(["-n", "default", "--exit-code"], env, tmp_path)
    assert failing.returncode == 3, failing.stderr
    assert failing.stderr_lines == ["podwatch: 1 unhealthy: default/web-2"]
    assert "web-1" in failing.stdout and "web-2" in failing.stdout  # the report as ever
    passing = run(["-n", "default", "--exit-code", "--pod", "web-1"], env, tmp_path)
    assert passing.returncode == 0 and passing.stderr == "", passing.stderr
    assert_no_traceback(failing)
    assert_only_gets(double)
