"""What the dashboard sends to the terminal (issue 11: lean over SSH), counted under a
real pseudo-terminal (tests/ptyrun.py): an idle screen sends (next to) nothing, a
change to a pod off screen sends nothing, one on screen sends its changed cells.

The budgets are the issue's targets; bench/bytes.py measures the same at scale, beside
`watch kubectl get pods`.
"""

from __future__ import annotations

import re

import pytest

from tests.live.conftest import pod_obj
from tests.ptyrun import PtyRun, podwatch
from tests.terminal import Terminal

SIZE = (120, 40)
IDLE_BUDGET = 200  # bytes per second
OFF_SCREEN_BUDGET = 200
ON_SCREEN_BUDGET = 1024
FIRST_FRAME_BUDGET = 30 * 1024


def frame_text(data: bytes) -> str:
    return re.sub(rb"\x1b\[[0-9;?<>$]*[A-Za-z~]", b"", data).decode(errors="replace")


@pytest.mark.parametrize("extra", [(), ("--low-bandwidth",)], ids=["default", "low-bandwidth"])
def test_an_idle_screen_sends_nothing_and_the_first_frame_fits_its_budget(extra):
    """The paused demo: the clock ticks (ages, countdowns, panes every 5 s) but nothing
    on screen changes, so nothing is sent."""
    with PtyRun(podwatch("demo", "--at", "150", "--paused", *extra), SIZE) as run:
        first = run.read_until_quiet(quiet=1.5, limit=30)
        assert "false-pod" in frame_text(first)
        assert len(first) <= FIRST_FRAME_BUDGET, len(first)
        idle = run.read_for(6.0)  # spans a 5-second age and pane tick
        assert len(idle) <= IDLE_BUDGET * 6, frame_text(idle)[:500]
        run.send("q")


def old_pod(name: str, **kw) -> dict:
    """A pod created days ago: its age on screen does not tick while the test looks."""
    obj = pod_obj(name, **kw)
    obj["metadata"]["creationTimestamp"] = "2026-01-01T00:00:00Z"
    return obj


def test_a_change_off_screen_sends_nothing_and_one_on_screen_sends_its_row(double, tmp_path):
    for i in range(300):
        double.create(old_pod(f"web-{i:03d}"))
    kubeconfig = double.write_kubeconfig(tmp_path / "kubeconfig", namespace="default")
    argv = podwatch("--kubeconfig", str(kubeconfig), "-n", "default")
    term = Terminal(SIZE)
    with PtyRun(argv, SIZE) as run:
        first = run.read_until_quiet(quiet=2.0, limit=60)
        term.feed(first)
        assert "web-000" in term.text()
        # The list's burst leaves the event rate's window (5 s) and the line says so once.
        term.read_until_shown(run, "<1 ev/s", limit=20)
        term.feed(run.read_until_quiet(quiet=1.0, limit=20))
        # Far below the screen (names sort; every pod has the same health).
        double.update(old_pod("web-290", node="node-2"))
        off = run.read_for(2.0)
        term.feed(off)
        assert len(off) <= OFF_SCREEN_BUDGET, frame_text(off)[:500]
        # The third row: on screen, not the selected pod (no pane shows it).
        assert "node-1" in term.row_with("web-002")
        double.update(old_pod("web-002", node="node-2"))
        on = b""
        for _ in range(100):  # until the user sees the change (bounded: a loaded machine)
            chunk = run.read_for(0.2)
            on += chunk
            term.feed(chunk)
            if "node-2" in term.row_with("web-002"):
                break
        rest = run.read_until_quiet(quiet=1.0, limit=10)  # and whatever else it sent
        term.feed(rest)
        on += rest
        assert "node-2" in term.row_with("web-002")  # the user sees the change
        assert len(on) <= ON_SCREEN_BUDGET, frame_text(on)[:500]
        assert "web-00" not in frame_text(on)  # only changed cells: not even the row's name
        run.send("q")
