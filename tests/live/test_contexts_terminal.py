"""`podwatch --all-contexts --record FILE` as a user runs it: the real command line on a
pseudo-terminal, the dashboard over two API server doubles in one kubeconfig, and the
recording it writes holding both clusters apart (issue 16)."""

from __future__ import annotations

import json

from tests.apiserver import ApiServerDouble
from tests.live.conftest import pod_obj
from tests.live.test_live_cli import cli_env
from tests.ptyrun import PtyRun, podwatch
from tests.terminal import Terminal


def test_the_dashboard_of_two_clusters_records_both(double, west, tmp_path) -> None:
    double.create(pod_obj("web-0"))
    west.create(pod_obj("web-0", ready=False))
    kubeconfig = ApiServerDouble.write_kubeconfig_of(
        tmp_path / "kubeconfig", {"east": double, "west": west}
    )
    path = tmp_path / "both.jsonl"
    size = (100, 30)
    term = Terminal(size)
    # As a terminal runs it: no COLUMNS pinning the size (cli_env sets one for pipes).
    env = {k: v for k, v in cli_env(kubeconfig, tmp_path).items() if k not in ("COLUMNS", "LINES")}
    argv = podwatch("--all-contexts", "--record", str(path))
    with PtyRun(argv, size, env=env) as run:

        def both(screen: str) -> bool:  # the status line names both before any row
            return sum(" web-0 " in line for line in screen.splitlines()) == 2

        term.read_until_screen(run, both, limit=30)
        rows = [line for line in term.text().splitlines() if " web-0 " in line]
        assert len(rows) == 2, term.text()
        assert any(r.lstrip().startswith("✗") and " west " in r for r in rows), rows
        assert any(r.lstrip().startswith("✓") and " east " in r for r in rows), rows
        assert "CONTEXT" in term.text()
        run.send("q")
        assert run.proc.wait(timeout=15) == 0
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0]["contexts"] == ["east", "west"]
    pods = {
        (e["context"], e["object"]["metadata"]["name"])
        for e in lines[1:]
        if e["kind"] == "Pod" and e["type"] in ("ADDED", "MODIFIED")
    }
    assert pods == {("east", "web-0"), ("west", "web-0")}
    assert {r.method for r in double.requests} == {"GET"}
