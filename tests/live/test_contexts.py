"""Several clusters at once (issue 16): `--context a,b` and `--all-contexts` against two
API server doubles on different ports, in one kubeconfig, through the real command line.

Both clusters have `default/web-0`, in different states: they must stay apart. One
cluster stopped, or refusing pods with 403, is marked and the other carries on.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from tests.apiserver import ApiServerDouble
from tests.live.conftest import pod_obj
from tests.live.test_live_cli import cli_env, finish, run, start, wait_until


@pytest.fixture
def two(double, west, tmp_path) -> Path:
    """east (`double`): web-0 ready. west: web-0 not ready, and api-1. One kubeconfig."""
    double.create(pod_obj("web-0"))
    west.create(pod_obj("web-0", ready=False))
    west.create(pod_obj("api-1"))
    return ApiServerDouble.write_kubeconfig_of(
        tmp_path / "kubeconfig", {"east": double, "west": west}
    )


def section(stdout: str, title: str) -> str:
    """The report under `title` (a context's), up to the next context's or the end."""
    begin = stdout.index(title)
    ends = [stdout.find(t, begin + 1) for t in ("\neast: ", "\nwest: ", "\nContexts")]
    return stdout[begin : min(e for e in ends if e > 0)]


def contexts_lines(stdout: str) -> list[str]:
    return [line.strip() for line in stdout.split("\nContexts\n", 1)[1].splitlines() if line]


def row(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if f" {name} " in line)


def test_both_contexts_are_shown_apart_with_the_same_pod_key(two, tmp_path) -> None:
    env = cli_env(two, tmp_path)
    done = run(["--context", "east,west", "--once", "--timeout", "15"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    east = section(done.stdout, "east: namespace default")
    west = section(done.stdout, "west: namespace default")
    assert row(east, "web-0").startswith("✓") and "api-1" not in east
    assert row(west, "web-0").startswith("✗") and row(west, "api-1").startswith("✓")
    assert contexts_lines(done.stdout) == [
        "east: 1 pod: 0 unhealthy, 0 at risk",
        "west: 2 pods: 1 unhealthy, 0 at risk",
    ]
    # --exit-code fails on the one unhealthy pod, in west
    gated = run(["--context", "east,west", "--exit-code", "--timeout", "15"], env, tmp_path)
    assert gated.returncode == 3
    assert "1 unhealthy: default/web-0" in gated.stderr


def test_all_contexts_reads_every_context_and_pod_finds_it_in_each(two, tmp_path) -> None:
    env = cli_env(two, tmp_path)
    done = run(["--all-contexts", "--once", "--pod", "api-1"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "west: namespace default" in done.stdout
    assert "east: namespace default" not in done.stdout  # api-1 is only in west
    assert contexts_lines(done.stdout)[0].startswith("east: 1 pod")
    both = run(["--all-contexts", "--once", "--pod", "web-0"], env, tmp_path)
    assert "east: namespace default" in both.stdout and "west: namespace default" in both.stdout
    missing = run(["--all-contexts", "--once", "--pod", "nope"], env, tmp_path)
    assert missing.returncode == 1
    assert "pod 'nope' not found in any context: east, west" in missing.stderr


def test_a_stopped_cluster_is_marked_and_the_other_is_shown(two, west, tmp_path) -> None:
    west.stop()
    env = cli_env(two, tmp_path)
    done = run(["--context", "east,west", "--once", "--timeout", "20"], env, tmp_path)
    assert done.returncode == 1
    assert row(section(done.stdout, "east: namespace default"), "web-0").startswith("✓")
    lines = contexts_lines(done.stdout)
    assert lines[0] == "east: 1 pod: 0 unhealthy, 0 at risk"
    assert lines[1].startswith("west: not read: ") and "refused" in lines[1]
    assert "podwatch: west: could not list anything" in done.stderr


def test_a_cluster_refusing_pods_is_marked_and_the_other_is_shown(two, west, tmp_path) -> None:
    west.forbid("Pod")
    env = cli_env(two, tmp_path)
    done = run(["--context", "east,west", "--once", "--timeout", "15"], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert contexts_lines(done.stdout) == [
        "east: 1 pod: 0 unhealthy, 0 at risk",
        "west: pods not read; not listed: Pod forbidden",
    ]
    assert "warning: west: Pod forbidden" in done.stderr


def test_a_context_not_in_the_kubeconfig_is_a_usage_error(two, tmp_path) -> None:
    done = run(["--context", "east,north", "--once"], cli_env(two, tmp_path), tmp_path)
    assert done.returncode == 2
    assert "context 'north' not found" in done.stderr and "have: east, west" in done.stderr


def test_record_keeps_each_events_context_and_replay_shows_them_apart(two, west, tmp_path) -> None:
    env = cli_env(two, tmp_path)
    path = tmp_path / "two.jsonl"
    proc = start(
        ["record", str(path), "--all-contexts"],
        env,
        tmp_path,
        tmp_path / "out",
        tmp_path / "err",
    )

    def lines() -> list[dict]:
        text = path.read_text() if path.exists() else ""
        return [json.loads(line) for line in text.splitlines() if line.endswith("}")]

    def west_pods_recorded() -> bool:
        return sum(1 for e in lines()[1:] if e["kind"] == "Pod" and e["context"] == "west") >= 2

    assert wait_until(west_pods_recorded, 20)
    west.update(pod_obj("web-0", ready=True))  # west's web-0 turns ready: east's was

    def west_web_ready() -> bool:
        return any(
            e["kind"] == "Pod"
            and e.get("context") == "west"
            and e["type"] == "MODIFIED"
            and e["object"]["metadata"]["name"] == "web-0"
            for e in lines()[1:]
        )

    assert wait_until(west_web_ready, 20)
    proc.send_signal(signal.SIGINT)
    assert finish(proc, 20) == 0
    recorded = lines()
    assert recorded[0]["contexts"] == ["east", "west"]
    assert recorded[0]["scopes"]["west"]["namespace"] == "default"
    assert {e["context"] for e in recorded[1:]} == {"east", "west"}
    replayed = run(["replay", str(path), "--once"], env, tmp_path)
    assert replayed.returncode == 0, replayed.stderr
    assert row(section(replayed.stdout, "west: namespace default"), "web-0").startswith("✓")
    assert "api-1" not in section(replayed.stdout, "east: namespace default")
    assert contexts_lines(replayed.stdout) == [
        "east: 1 pod: 0 unhealthy, 0 at risk",
        "west: 2 pods: 0 unhealthy, 0 at risk",
    ]
    # Before west's web-0 turned ready, it was not: one time line for both contexts.
    turned = min(
        e["t"]
        for e in recorded[1:]
        if e["kind"] == "Pod" and e["type"] == "MODIFIED" and e.get("context") == "west"
    )
    before = run(["replay", str(path), "--once", "--at", f"{turned - 0.001:.3f}"], env, tmp_path)
    assert contexts_lines(before.stdout) == [
        "east: 1 pod: 0 unhealthy, 0 at risk",
        "west: 2 pods: 1 unhealthy, 0 at risk",
    ]
    # Through the index (and in the dashboard) contexts would mix: refused, for now.
    indexed = run(["replay", str(path), "--once", "--index", "always"], env, tmp_path)
    assert indexed.returncode == 2 and "holds several contexts" in indexed.stderr


def test_json_is_one_report_per_context_each_naming_it(two, tmp_path) -> None:
    done = run(["--all-contexts", "-o", "json"], cli_env(two, tmp_path), tmp_path)
    assert done.returncode == 0, done.stderr
    decoder, text, at, reports = json.JSONDecoder(), done.stdout, 0, []
    while text[at:].strip():
        report, end = decoder.raw_decode(text, at + len(text[at:]) - len(text[at:].lstrip()))
        reports.append(report)
        at = end
    assert [r["context"] for r in reports] == ["east", "west"]
    web = {r["context"]: next(p for p in r["pods"] if p["name"] == "web-0") for r in reports}
    assert web["east"]["health"] == "healthy" and web["west"]["health"] != "healthy"
    assert "Contexts" not in done.stdout  # nothing but the documents


def test_a_context_refused_everything_says_so_in_one_line(two, west, tmp_path) -> None:
    """RBAC refuses every kind (a kubeconfig user without a binding): twelve errors
    that differ only by the resource are one line, as the lab's no-access user shows."""
    from podwatch.model.watch import KINDS

    for kind in KINDS:
        west.forbid(kind)
    done = run(["--all-contexts", "--once", "--timeout", "15"], cli_env(two, tmp_path), tmp_path)
    assert done.returncode == 1
    line = contexts_lines(done.stdout)[1]
    assert line.startswith(f"west: not read: every kind forbidden ({len(KINDS)} kinds), e.g. ")
    assert line.count("is forbidden") == 1
