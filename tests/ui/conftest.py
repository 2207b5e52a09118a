"""Fixtures for the dashboard's Pilot tests: the bundled demo, replayed at a chosen
time, paused, over a clock that only moves when a test moves it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from podwatch.cli import demo_path
from podwatch.kube.source import ReplaySource
from podwatch.recording import Recording, read_recording
from podwatch.ui.app import PodwatchApp


class FakeClock:
    """A monotonic clock for ReplaySource that stands still until `advance`."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="session")
def demo_recording() -> Recording:
    return read_recording(demo_path())


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


DemoApp = Callable[..., PodwatchApp]


@pytest.fixture
def demo_app(demo_recording: Recording, fake_clock: FakeClock) -> DemoApp:
    """`demo_app(35)`: the app over the demo replay, sought to 35 s and paused.

    The source is `app.source`; its clock is the `fake_clock` fixture, so playing
    moves nothing until a test calls `fake_clock.advance(...)`.
    """

    def make(
        at: float = 35.0,
        *,
        paused: bool = True,
        speed: float = 1.0,
        all_namespaces: bool = False,
    ) -> PodwatchApp:
        source = ReplaySource(demo_recording, clock=fake_clock, speed=speed, paused=paused)
        source.seek(at)
        return PodwatchApp(source, all_namespaces=all_namespaces)

    return make
