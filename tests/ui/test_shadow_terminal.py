"""Only changed cells are sent (podwatch/ui/shadow.py), and what is sent adds up to the
right screen: the app's output is read by a terminal emulator (pyte) under a real pty,
and after each step a ctrl+l redraw, which sends every cell again, must change nothing
on that terminal. A wrong shadow copy would leave a stale cell the redraw then fixes."""

from __future__ import annotations

from tests.live.conftest import pod_obj
from tests.ptyrun import PtyRun, podwatch
from tests.terminal import Terminal

REDRAW = "\x0c"  # ctrl+l


def settle(run: PtyRun, term: Terminal) -> bytes:
    data = run.read_until_quiet(quiet=0.5, limit=20)
    term.feed(data)
    return data


def assert_redraw_changes_nothing(run: PtyRun, term: Terminal, step: str) -> None:
    before = term.cells()
    shown = term.text()
    run.send(REDRAW)
    redrawn = settle(run, term)
    assert len(redrawn) > 500, "ctrl+l sent too little for a whole screen"
    assert term.cells() == before, f"after {step!r} the terminal differed from the app:\n{shown}"


def test_the_demo_stays_right_through_keys_views_and_a_resize() -> None:
    size = (80, 24)
    term = Terminal(size)
    with PtyRun(podwatch("demo", "--at", "217", "--paused"), size) as run:
        settle(run, term)
        assert "pod1-with-no-execute" in term.text()
        for step in ["j", "j", "k", "\t", "\t\t", "?", "\x1b", ":svc\r", ":nodes\r", ":pods\r"]:
            run.send(step)
            settle(run, term)
            assert_redraw_changes_nothing(run, term, step)
        bigger = (120, 40)
        run.resize(bigger)
        term.resize(bigger)
        settle(run, term)
        assert_redraw_changes_nothing(run, term, "resize to 120x40")
        run.send("j")
        settle(run, term)
        assert_redraw_changes_nothing(run, term, "j at 120x40")
        run.send("q")


def test_wide_characters_from_the_cluster_stay_in_their_cells(double, tmp_path) -> None:
    """A waiting message in CJK and a symbol: double-width cells, overwritten as the
    cursor moves between pods whose messages differ."""
    for i, message in enumerate(
        ["镜像拉取失败：找不到镜像 web:1.2", "plain ascii message", "✓ ok 漢字"]
    ):
        obj = pod_obj(f"web-{i}", ready=False)
        obj["metadata"]["creationTimestamp"] = "2026-01-01T00:00:00Z"
        obj["status"]["containerStatuses"][0]["state"] = {
            "waiting": {"reason": "ImagePullBackOff", "message": message}
        }
        double.create(obj)
    kubeconfig = double.write_kubeconfig(tmp_path / "kubeconfig", namespace="default")
    size = (80, 24)
    term = Terminal(size)
    with PtyRun(podwatch("--kubeconfig", str(kubeconfig), "-n", "default"), size) as run:
        term.feed(run.read_until(b"<1 ev/s", limit=30))  # the list's burst has passed
        settle(run, term)
        assert "镜像拉取失败" in term.text().replace(" ", "") or "镜像" in term.text()
        for step in ["j", "j", "k", "k", "j"]:
            run.send(step)
            settle(run, term)
            assert_redraw_changes_nothing(run, term, step)
        run.send("q")
