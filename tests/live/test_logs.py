"""Container logs through the real client path: the pods/log subresource of the API
server double (current, previous, forbidden, huge lines, control characters), bounded
and made safe (issue 15, item 1)."""

from __future__ import annotations

import pytest

from podwatch.kube.config import connect
from podwatch.kube.logs import read_log
from podwatch.model.logs import MAX_LINE
from tests.live.conftest import pod_obj


@pytest.fixture
def cluster(double, tmp_path):
    double.create(pod_obj("web-1", "shop"))
    kubeconfig = double.write_kubeconfig(tmp_path / "kc", namespace="shop")
    cluster, _scope = connect(kubeconfig=str(kubeconfig))
    yield cluster
    cluster.close()


def test_the_current_and_the_previous_instance_each_by_tail(double, cluster):
    double.set_log("shop", "web-1", "app", "".join(f"line {n}\n" for n in range(500)))
    double.set_log("shop", "web-1", "app", "starting\npanic: boom\n", previous=True)
    current = read_log(cluster, "shop", "web-1", "app", timestamps=False)
    assert current.error == "" and not current.truncated
    assert current.lines == [f"line {n}" for n in range(300, 500)]  # the last 200
    previous = read_log(cluster, "shop", "web-1", "app", previous=True, timestamps=False)
    assert (
        previous.lines == ["starting", "panic: boom"]
        and previous.title == "app (previous instance)"
    )
    stamped = read_log(cluster, "shop", "web-1", "app", tail_lines=1)
    assert stamped.lines[0].endswith("Z line 499") and stamped.lines[0].startswith("2026-")
    request = [r for r in double.requests if r.kind == "pods/log"][-1]
    assert request.method == "GET" and request.path == "/api/v1/namespaces/shop/pods/web-1/log"
    assert request.query == {
        "container": "app",
        "tailLines": "1",
        "limitBytes": str(64 * 1024),
        "timestamps": "true",
    }


def test_no_previous_instance_and_a_refusal_are_said_not_raised(double, cluster):
    double.set_log("shop", "web-1", "app", "ok\n")
    none = read_log(cluster, "shop", "web-1", "app", previous=True)
    assert none.lines == [] and 'previous terminated container "app"' in none.error
    assert none.error.startswith("HTTP 400")
    double.forbid_logs()
    refused = read_log(cluster, "shop", "web-1", "app")
    assert refused.lines == [] and refused.error.startswith("not permitted: reading logs needs")
    assert "pods/log" in refused.error


def test_huge_lines_and_too_many_bytes_are_bounded(double, cluster):
    double.set_log("shop", "web-1", "app", "x" * 200_000 + "\nlast\n")
    log = read_log(cluster, "shop", "web-1", "app", timestamps=False, limit_bytes=100_000)
    assert log.truncated  # cut by limitBytes: the server said as much as it was asked
    assert len(log.lines) == 1 and len(log.lines[0]) < MAX_LINE + 60
    assert log.lines[0].endswith("more characters]")


def test_control_characters_never_reach_the_terminal(double, cluster):
    hostile = (
        b"\x1b[2J\x1b]0;owned\x07cleared?\n"
        b"progress 10%\rprogress 100%\n"
        b"\xff\xfe not utf-8 \x00 nul\n"
        b"[bold red]markup[/] stays text\n"
    )
    double.set_log("shop", "web-1", "app", hostile)
    lines = read_log(cluster, "shop", "web-1", "app", timestamps=False).lines
    assert len(lines) == 4
    assert all("\x1b" not in line and "\x07" not in line and "\x00" not in line for line in lines)
    assert "cleared?" in lines[0]
    assert lines[1] == "progress 100%"  # the carriage return's last state
    assert "\ufffd" in lines[2]
    assert lines[3] == "[bold red]markup[/] stays text"  # shown as text (plain() in panes)
