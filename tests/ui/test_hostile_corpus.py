"""Every string of a hostile corpus, in every place a cluster writes text, through every
output: the dashboard (table, each pane, status line, Services and Nodes views), `--once`
and error messages. Nothing may reach the terminal as markup or a control sequence."""

from __future__ import annotations

import re

import pytest

from podwatch.cli import main
from podwatch.kube.source import ReplaySource
from podwatch.model.watch import WatchEvent
from podwatch.recording import Recording, RecordingWriter
from podwatch.ui.app import PodwatchApp
from podwatch.ui.widgets.pod_table import PodTable
from tests.factories import T0, cond, endpoints, event, node, pod, service, waiting
from tests.ui.textshot import drawn_text, widget_lines

CORPUS = {
    "markup": "[bold red]x[/]",
    "close": "[/] [/bold]",
    "link": "[link=https://evil.example]click[/link]",
    "click": "[@click=app.quit]boom[/]",
    "csi": "\x1b[2J\x1b[H\x1b[31m",
    "title": "\x1b]0;pwned\x07",
    "osc52": "\x1b]52;c;SGVsbG8=\x07",
    "osc8": "\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "c0": "".join(chr(c) for c in range(32) if c not in (9, 10)) + "\x7f",
    "c1": "".join(chr(c) for c in range(0x80, 0xA0)),
    "bidi": "\u202egnp.exe\u202c \u2066x\u2069 \u200fy",
    "zero_width": "a\u200bb\u200dc\ufeffd\u2060e",
    "big": "A" * 100_000,
}

UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)
"""What must never be drawn raw (the set `podwatch.safe` escapes)."""

MARKUPS = {"markup", "close", "link", "click"}


def hostile_objects(value: str) -> list[WatchEvent]:
    short = value[:200]  # a name the table can show whole, to look for literally
    name = f"web-{short}"
    p = pod(
        name,
        labels={"app": value},
        statuses=[waiting("app-" + short, reason="CrashLoopBackOff", message=value, restarts=2)],
        conditions=[cond("Ready", "False", "Why" + short, value)],
        node="node-" + short,
    )
    p["metadata"]["annotations"] = {"note": value}
    p["spec"]["containers"][0]["name"] = "app-" + short
    p["spec"]["containers"][0]["image"] = "img/" + value
    p["spec"]["containers"][0]["readinessProbe"] = {"exec": {"command": ["sh", "-c", value]}}
    svc = service("svc-" + short, selector={"app": value})
    return [
        WatchEvent(
            0,
            "Node",
            "ADDED",
            node("node-" + short, taints=[{"key": short, "value": value, "effect": "NoSchedule"}]),
        ),
        WatchEvent(1, "Pod", "ADDED", p),
        WatchEvent(2, "Service", "ADDED", svc),
        WatchEvent(
            2, "Endpoints", "ADDED", endpoints("svc-" + short, not_ready=[("10.0.0.5", name)])
        ),
        WatchEvent(
            3,
            "Event",
            "ADDED",
            event(
                "e1",
                name,
                "Unhealthy" + short,
                "Readiness probe failed: " + value,
                container="app-" + short,
                count=2,
                last=3,
            ),
        ),
    ]


def assert_safe(text: str, case: str) -> None:
    bad = UNSAFE.search(text)
    assert bad is None, f"{case}: raw {bad.group(0)!r} drawn"
    if case in MARKUPS:
        assert CORPUS[case] in text, f"{case}: markup not shown literally"
    if case == "big":
        assert "A" * 100_000 not in text  # cut, not drawn whole


@pytest.mark.parametrize("case", sorted(CORPUS))
async def test_dashboard_draws_every_hostile_string_literally(case):
    value = CORPUS[case]
    recording = Recording(
        header={"context": "ctx-" + value[:200]}, events=hostile_objects(value), started=T0
    )
    source = ReplaySource(recording, clock=lambda: 0.0, paused=True)
    source.seek(5)
    app = PodwatchApp(source)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(PodTable)
        assert table.row_count == 1
        drawn = [drawn_text(app), "\n".join(widget_lines(table))]
        for pane in ("containers", "probes", "endpoints", "node", "timeline"):
            # scroll each pane into view, so what is drawn is the pane's own text
            app.screen.query_one(f"#pane-{pane}").scroll_visible(animate=False)
            await pilot.pause()
            drawn.append(drawn_text(app))
        for command in ("svc", "nodes"):
            await pilot.press("colon", *command, "enter")
            await pilot.pause()
            drawn.append(drawn_text(app))
            await pilot.press("escape")
            await pilot.pause()
        assert app.is_running
    everything = "\n".join(drawn)
    assert_safe(everything, case)
    if case not in ("big",):
        assert "web-" in everything


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_once_prints_every_hostile_string_literally(case, tmp_path, capsys):
    path = tmp_path / "hostile.jsonl"
    with RecordingWriter(path, started=T0, context="ctx-" + CORPUS[case][:200]) as writer:
        for ev in hostile_objects(CORPUS[case]):
            writer.write(ev)
    assert main(["replay", str(path), "--once"]) == 0
    out, err = capsys.readouterr()
    assert_safe(out + err, case)


@pytest.mark.parametrize("case", ["csi", "title", "osc52", "bidi", "c1"])
def test_error_messages_quote_names_escaped(case, tmp_path, capsys):
    path = tmp_path / f"bad-{CORPUS[case][:40]}.jsonl"
    path.write_text('{"format": "podwatch-recording", "version": 1, "started": "x"}\n{bad\n')
    assert main(["replay", str(path), "--once"]) == 1
    _out, err = capsys.readouterr()
    assert err.startswith("podwatch: ") and err.count("\n") == 1
    assert UNSAFE.search(err) is None, repr(err)
