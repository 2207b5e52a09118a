"""Only changed cells are sent (podwatch/ui/shadow.py), and what is sent adds up to the
right screen: the app's output is read by a terminal emulator (pyte) under a real pty,
and after each step a ctrl+l redraw, which sends every cell again, must change nothing
on that terminal. A wrong shadow copy would leave a stale cell the redraw then fixes."""

from __future__ import annotations

import re

from tests.live.conftest import pod_obj
from tests.ptyrun import PtyRun, podwatch
from tests.terminal import Terminal

REDRAW = "\x0c"  # ctrl+l
QUIET = 0.5
"""Seconds without output that end a step: the app answers a key in one burst (tens of
ms here); a frame split by a longer gap would show as a difference the redraw fixes."""


def rate_masked(row: list[tuple]) -> str:
    """A row's text with the status line's event rate masked: live, it may move from
    `~1` to `<1 ev/s` between a step and its redraw, which is the app's doing."""
    return re.sub(r"[<~]\d+ ev/s", "rate", "".join(cell[0] for cell in row))


def settle(run: PtyRun, term: Terminal) -> bytes:
    """The app's answer to a key, whole: wait (bounded) for its first byte, however
    loaded the machine, then until it has been quiet a while."""
    data = run.read_first(limit=10)
    data += run.read_until_quiet(quiet=QUIET, limit=20)
    term.feed(data)
    return data


def assert_redraw_changes_nothing(run: PtyRun, term: Terminal, step: str) -> None:
    before = term.cells()
    shown = term.text()
    run.send(REDRAW)
    redrawn = settle(run, term)
    assert len(redrawn) > 500, "ctrl+l sent too little for a whole screen"
    after = term.cells()
    differ = [
        y
        for y, (a, b) in enumerate(zip(before, after, strict=True))
        if a != b and rate_masked(a) != rate_masked(b)
    ]
    assert not differ, (
        f"after {step!r} rows {differ} differed from the app; before the redraw:\n{shown}\n"
        f"after:\n{term.text()}"
    )


def test_the_demo_stays_right_through_keys_views_and_a_resize() -> None:
    size = (80, 24)
    term = Terminal(size)
    with PtyRun(podwatch("demo", "--at", "217", "--paused"), size) as run:
        term.feed(run.read_until(b"pod1-with-no-execute", limit=30))
        term.feed(run.read_until_quiet(quiet=QUIET, limit=20))
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
        term.read_until_shown(run, "<1 ev/s")  # the list's burst has passed
        term.feed(run.read_until_quiet(quiet=QUIET, limit=20))
        assert "镜像拉取失败" in term.text()
        for step in ["j", "j", "k", "k", "j"]:
            run.send(step)
            settle(run, term)
            assert_redraw_changes_nothing(run, term, step)
        run.send("q")
