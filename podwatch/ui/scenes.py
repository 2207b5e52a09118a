"""Chosen moments of the bundled demo, as the dashboard shows them.

One list serves the README screenshots (scripts/screenshots.py) and the SVG
snapshot tests, so what the README shows is what the tests pin down.
"""

from __future__ import annotations

from dataclasses import dataclass

from podwatch.kube.source import ReplaySource
from podwatch.recording import read_recording
from podwatch.ui.app import PodwatchApp


@dataclass(frozen=True)
class Scene:
    name: str
    caption: str
    at: float
    """Seconds into the demo."""
    size: tuple[int, int] = (120, 40)
    pod: str | None = None
    """The pod to select (namespace demo)."""
    keys: tuple[str, ...] = ()
    """Keys to press once the pod is selected."""


SCENES: tuple[Scene, ...] = (
    Scene("overview", "Every scenario at once, unhealthy first", 150),
    Scene(
        "readiness",
        "Readiness probe failing: Running but not Ready, NotReady in svc-readiness",
        35,
        pod="pod-readiness-exec1",
    ),
    Scene(
        "unschedulable",
        "Pending: the scheduler's message with the untolerated taint named",
        195,
        pod="pod-without-toleration",
    ),
    Scene(
        "noexecute",
        "Tolerating a NoExecute taint for 30 s: the eviction countdown",
        217,
        pod="pod1-with-no-execute",
    ),
    Scene(
        "services",
        "Services view: ready and NotReady addresses",
        35,
        keys=("colon", *"svc", "enter"),
    ),
    Scene(
        "nodes", "Nodes view: a node that stopped reporting", 380, keys=("colon", *"nodes", "enter")
    ),
    Scene(
        "small-80x24",
        "At 80x24 the panes become tabs",
        35,
        size=(80, 24),
        pod="pod-readiness-exec1",
    ),
)


def build_app(scene: Scene) -> PodwatchApp:
    """The demo, paused at the scene's moment, on a clock that never moves."""
    from podwatch.cli import demo_path

    source = ReplaySource(read_recording(demo_path()), clock=lambda: 0.0, paused=True)
    source.seek(scene.at)
    return PodwatchApp(source)


async def prepare(pilot, scene: Scene) -> None:
    """Select the scene's pod and press its keys."""
    from podwatch.ui.screens.main import MainScreen

    await pilot.pause()
    screen = pilot.app.screen
    if scene.pod and isinstance(screen, MainScreen):
        screen.table.select(("demo", scene.pod))
        screen.show_selected(pilot.app.source.store)
    if scene.keys:
        await pilot.press(*scene.keys)
    await pilot.pause()
