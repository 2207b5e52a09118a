"""Helpers the Pilot tests share: where the pod table is, what the status line says,
typing a `:` command, waiting (bounded) for something to show."""

from __future__ import annotations

import time

from podwatch.ui.screens.modals import PromptScreen
from podwatch.ui.widgets.pod_table import PodTable
from tests.ui.textshot import shown


def table(app) -> PodTable:
    return app.screen.query_one("#pods", PodTable)


def status(app) -> str:
    return shown(app.screen.query_one("#status"))


def toasts(app) -> list[str]:
    """The notifications on screen (a Toast draws its text from `render`)."""
    return [str(t.render()) for t in app.screen.query("Toast")]


async def command(pilot, text: str) -> None:
    """`:` then `text` then enter, waiting for the prompt as a user would."""
    await pilot.press("colon")
    await pilot.pause()
    assert isinstance(pilot.app.screen, PromptScreen)
    await pilot.press(*text, "enter")
    await pilot.pause()


async def wait_until(pilot, predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        if predicate():
            return True
    return predicate()


def terminal_writes(app) -> list[str]:
    """What the app writes to its terminal from now on (escape sequences included: the
    clipboard's OSC 52, the alerts' bell and notifications)."""
    written: list[str] = []
    write = app._driver.write

    def tee(data: str) -> None:
        written.append(data)
        write(data)

    app._driver.write = tee
    return written
