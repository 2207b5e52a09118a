"""Pilot tests for the three health marks: `u` keeps at-risk pods, the health sort puts them
between unhealthy and healthy, the 1 s tick clears a risk that time has ended, and a
capture without Events shows probe counts as unknown.

The dashboard runs over a small recording built here (a pod that restarted 5 s in,
then nothing but a node heartbeat at 700 s) on a clock that only moves when the test
moves it, so what changes is time alone."""

from __future__ import annotations

from podwatch.kube.source import ReplaySource
from podwatch.model.watch import WatchEvent
from podwatch.recording import Recording, read_recording
from podwatch.ui.app import PodwatchApp
from podwatch.ui.screens.modals import HelpScreen, PromptScreen
from tests.factories import (
    T0,
    last_terminated,
    node,
    pod,
    ready_conditions,
    running,
    terminated,
)
from tests.recordings import recordings_dir
from tests.ui.test_keys import SMALL, WIDE, marks, names, table, text_of

RESTARTED_AT = 5.0
"""Seconds into the recording when `web`'s container last terminated."""
END = 700.0


def _recording() -> Recording:
    restarted = running(restarts=1, last=last_terminated("Error", 1, finished=RESTARTED_AT))
    objects = [
        node("node-1"),
        pod("fine", statuses=[running()], conditions=ready_conditions()),
        pod("web", statuses=[restarted], conditions=ready_conditions()),
        pod("broken", statuses=[running(ready=False)], conditions=ready_conditions(False)),
        pod("done", phase="Succeeded", statuses=[terminated()]),
    ]
    events = [WatchEvent(6.0, o["kind"], "ADDED", o) for o in objects]
    events.append(WatchEvent(END, "Node", "MODIFIED", node("node-1")))
    return Recording(header={}, events=events, started=T0)


def _app(recording: Recording, at: float) -> PodwatchApp:
    source = ReplaySource(recording, clock=lambda: 0.0, paused=True)
    source.seek(at)
    return PodwatchApp(source)


async def _goto(pilot, seconds: float) -> None:
    await pilot.press("g")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PromptScreen)
    await pilot.press(*str(int(seconds)), "enter")
    await pilot.pause()


async def test_health_sort_puts_at_risk_between_unhealthy_and_healthy() -> None:
    app = _app(_recording(), 60)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert names(app) == ["broken", "web", "done", "fine"]
        assert marks(app) == ["✗", "⚠", "·", "✓"]


async def test_u_shows_at_risk_pods_and_the_tick_drops_one_whose_risk_has_passed() -> None:
    app = _app(_recording(), 60)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert names(app) == ["broken", "web"]
        assert marks(app) == ["✗", "⚠"]
        # Ten minutes after the restart nothing about `web` has changed but the clock: the
        # seek applies only the node heartbeat, and the next tick re-derives the row.
        await _goto(pilot, RESTARTED_AT + 600 + 30)
        await pilot.pause(1.5)  # the 1 s tick
        assert names(app) == ["broken"]
        await pilot.press("u")
        await pilot.pause()
        assert dict(zip(names(app), marks(app), strict=True))["web"] == "✓"


async def test_help_explains_the_marks() -> None:
    app = _app(_recording(), 60)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = "\n".join(text_of(w) for w in app.screen.query("Static"))
        lines = shown.splitlines()
        for mark, words in (
            ("✓", "healthy"),
            ("⚠", "at risk"),
            ("✗", "unhealthy"),
            ("·", "finished"),
        ):
            assert any(line.startswith(mark) and words in line for line in lines), mark
        assert "at risk" in shown


async def test_a_capture_without_events_shows_unknown_probe_counts() -> None:
    capture = recordings_dir() / "real-objects" / "pod-liveness-probe-crashloop-exit-137.json"
    app = _app(read_recording(capture), 0)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        t = table(app)
        assert str(t.cells_at(0)["probes"]) == "?"
        shown = text_of(app.screen.query_one("#pane-probes"))
        [liveness] = [line for line in shown.splitlines() if " liveness " in line]
        assert liveness.split()[-2:] == ["?", "?"]  # FAILS and RECENT: unknown, not 0
        assert "last failure: ? (no Events seen)" in shown
        assert " 0 " not in liveness
        assert "No Events seen for this namespace" in shown
