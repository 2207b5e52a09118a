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


class _Collected:
    """What a follower hands on, for a test to wait on (bounded waits)."""

    def __init__(self) -> None:
        import threading

        self.lines: list[str] = []
        self.ended: list[str] = []
        self.changed = threading.Condition()

    def on_lines(self, lines: list[str]) -> None:
        with self.changed:
            self.lines += lines
            self.changed.notify_all()

    def on_end(self, why: str) -> None:
        with self.changed:
            self.ended.append(why)
            self.changed.notify_all()

    def wait_for(self, test, timeout: float = 10.0) -> bool:
        """Until `test(self)` holds (checked on each hand-on and every 50 ms)."""
        import time

        deadline = time.monotonic() + timeout
        with self.changed:
            while not test(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(min(left, 0.05))
            return True


def _texts(lines: list[str]) -> list[str]:
    return [line.split(" ", 1)[1] for line in lines]  # without the kubelet's stamp


def test_follow_sends_the_tail_then_each_line_as_written_until_the_container_stops(double, cluster):
    from podwatch.kube.logs import LogFollower

    double.set_log("shop", "web-1", "app", "".join(f"old {n}\n" for n in range(300)))
    got = _Collected()
    follower = LogFollower(cluster, "shop", "web-1", "app", got.on_lines, got.on_end).start()
    try:
        assert got.wait_for(lambda g: len(g.lines) >= 200)
        assert _texts(got.lines) == [f"old {n}" for n in range(100, 300)]  # the tail first
        double.append_log("shop", "web-1", "app", "new 1\n\x1b[31mnew 2\x1b[0m\nhalf")
        assert got.wait_for(lambda g: len(g.lines) >= 202)
        assert _texts(got.lines[200:]) == ["new 1", "\\x1b[31mnew 2\\x1b[0m"]  # made safe
        double.append_log("shop", "web-1", "app", " done\n")
        assert got.wait_for(lambda g: len(g.lines) >= 203)
        assert _texts(got.lines[202:]) == ["half done"]  # a line is sent whole
        double.end_log("shop", "web-1", "app")
        assert got.wait_for(lambda g: g.ended)
        assert got.ended == ["the log ended: the container stopped"] and len(got.lines) == 203
    finally:
        follower.stop()
        follower.join(5)
    assert not follower.alive
    asked = [r for r in double.requests if r.kind == "pods/log"]
    assert len(asked) == 1 and asked[0].method == "GET"
    assert asked[0].query == {
        "container": "app",
        "follow": "true",
        "timestamps": "true",
        "tailLines": "200",
    }


def test_a_quiet_follow_reconnects_from_the_last_line_and_shows_none_twice(double, cluster):
    from podwatch.kube.logs import LogFollower

    double.set_log("shop", "web-1", "app", "".join(f"line {n}\n" for n in range(5)))
    got = _Collected()
    follower = LogFollower(
        cluster, "shop", "web-1", "app", got.on_lines, got.on_end, quiet=0.5
    ).start()
    try:
        assert got.wait_for(lambda g: len(g.lines) == 5)
        # quiet for longer than 0.5 s: the follower reconnects (sinceTime) at least once
        assert got.wait_for(lambda g: follower.connects >= 3, timeout=10)
        double.append_log("shop", "web-1", "app", "line 5\nline 6\n")
        assert got.wait_for(lambda g: len(g.lines) >= 7)
        assert got.wait_for(lambda g: follower.connects >= 5, timeout=10)
        assert _texts(got.lines) == [f"line {n}" for n in range(7)]  # none twice, none lost
    finally:
        follower.stop()
        follower.join(5)
    asked = [r.query for r in double.requests if r.kind == "pods/log"]
    assert "tailLines" in asked[0] and "sinceTime" not in asked[0]
    assert all(q.get("sinceTime", "").startswith("2026-12-01T10:00:0") for q in asked[1:])
    assert got.ended == []  # stopped by the caller: nothing said


def test_a_refused_follow_ends_and_says_why(double, cluster):
    from podwatch.kube.logs import LogFollower

    double.forbid_logs()
    got = _Collected()
    follower = LogFollower(cluster, "shop", "web-1", "app", got.on_lines, got.on_end).start()
    try:
        assert got.wait_for(lambda g: g.ended)
    finally:
        follower.stop()
        follower.join(5)
    assert got.ended[0].startswith("not permitted: reading logs needs get on pods/log")
    assert got.lines == [] and follower.connects == 1


def test_stop_unblocks_a_follow_that_waits_for_lines(double, cluster):
    import time

    from podwatch.kube.logs import LogFollower

    double.set_log("shop", "web-1", "app", "only\n")
    got = _Collected()
    follower = LogFollower(cluster, "shop", "web-1", "app", got.on_lines, got.on_end).start()
    assert got.wait_for(lambda g: g.lines)
    began = time.monotonic()
    follower.stop()
    follower.join(5)
    assert not follower.alive and time.monotonic() - began < 3
    assert got.ended == []
