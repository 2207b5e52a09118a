"""Strings from the cluster are shown literally in the table and every pane."""

from __future__ import annotations

from podwatch.kube.source import ReplaySource
from podwatch.model.watch import WatchEvent
from podwatch.recording import Recording
from podwatch.ui.app import PodwatchApp
from podwatch.ui.widgets.pod_table import PodTable
from tests.factories import T0, cond, endpoints, event, node, pod, running
from tests.ui.textshot import drawn_text, screen_text, widget_lines

MARKUP = "[red]x[/]"
CLICK = "[@click=app.quit]boom[/]"
ESCAPES = "\x1b[2J\x1b]52;c;SGVsbG8=\x07\x1b]8;;http://evil\x1b\\link"


def hostile_recording() -> Recording:
    name = "web-" + MARKUP  # not a valid pod name, but a recording or a fuzzer can carry one
    p = pod(
        name,
        labels={"app": CLICK},
        statuses=[running(ready=False)],
        conditions=[cond("Ready", "False", "ContainersNotReady", f"{MARKUP} {CLICK} {ESCAPES}")],
    )
    p["status"]["containerStatuses"][0]["name"] = CLICK
    p["spec"]["containers"][0]["name"] = CLICK
    p["spec"]["containers"][0]["readinessProbe"] = {"exec": {"command": ["sh", "-c", MARKUP]}}
    p["spec"]["nodeName"] = "node-" + MARKUP
    events = [
        WatchEvent(
            0,
            "Node",
            "ADDED",
            node("node-" + MARKUP, taints=[{"key": CLICK, "value": MARKUP, "effect": "NoExecute"}]),
        ),
        WatchEvent(1, "Pod", "ADDED", p),
        WatchEvent(
            2, "Endpoints", "ADDED", endpoints("svc" + MARKUP, not_ready=[("10.0.0.5", name)])
        ),
        WatchEvent(
            3,
            "Event",
            "ADDED",
            event(
                "e1",
                name,
                "Unhealthy",
                f"Readiness probe failed: {MARKUP} {ESCAPES}",
                container=CLICK,
                count=2,
                last=3,
            ),
        ),
    ]
    return Recording(header={"context": "hostile" + MARKUP}, events=events, started=T0)


async def test_markup_and_escapes_render_literally_everywhere():
    source = ReplaySource(hostile_recording(), clock=lambda: 0.0, paused=True)
    source.seek(5)
    app = PodwatchApp(source)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(PodTable)
        assert table.row_count == 1
        drawn_rows = "\n".join(widget_lines(table))
        assert "web-[red]x[/]" in drawn_rows and "node-[red]x[/]" in drawn_rows
        summary = "\n".join(widget_lines(app.screen.query_one("#summary")))
        assert "web-[red]x[/]" in summary and "[@click=app.quit]boom[/]" in summary
        text = screen_text(app)
        # Literal markup, in the summary, the conditions, containers, probes, endpoints, taints, timeline.
        assert text.count(MARKUP) >= 6, text
        assert CLICK in text
        assert "\x1b" not in text and "\x07" not in text
        assert "\\x1b[2J" in text and "\\x1b]52;c;SGVsbG8=\\x07" in text
        # The click markup did not become an action: the app is still running.
        await pilot.click("#summary")
        await pilot.pause()
        assert app.is_running
        drawn = drawn_text(app)
        assert "web-[red]x[/]" in drawn
        assert "[@click=app.quit]boom[/]" in drawn
        assert "\x1b" not in drawn
