"""`--alert` / `A`: the bell and a desktop notification (OSC 9 and OSC 777), captured as
the terminal receives them, once per transition and at most one every ALERT_EVERY
seconds (the rest said together); `!` lists the last alerts. Over the demo, which has
every kind: NotReady, restarts, evictions, eviction deadlines."""

from __future__ import annotations

import re

import podwatch.ui.app as app_module
from tests.ui.pilot import terminal_writes, toasts, wait_until

WIDE = (120, 40)
SAID = re.compile(
    r"\x07\x1b\]9;podwatch: ([^\x07\x1b]*)\x07\x1b\]777;notify;podwatch;([^\x07]*)\x07"
)
MORE = re.compile(r" \(and (\d+) more: ! lists them\)$")


def said(written: list[str]) -> list[str]:
    out = []
    for chunk in written:
        for m in SAID.finditer(chunk):
            assert m.group(1) == m.group(2)  # both notifications say the same
            out.append(m.group(1))
    return out


async def play_to_end(app, pilot, fake_clock) -> None:
    """Play the replay to its end, 20 s of it at a time (batches as a live watch makes)."""
    for _ in range(40):
        if app.source.position >= 446:
            break
        target = min(app.source.position + 20, 446)
        fake_clock.advance(20)
        assert await wait_until(pilot, lambda t=target: app.source.position >= t, timeout=10)
    await pilot.pause(0.2)


async def test_each_transition_is_said_once(demo_app, fake_clock, monkeypatch) -> None:
    monkeypatch.setattr(app_module, "ALERT_EVERY", 0.0)  # every batch said at once
    app = demo_app(100, paused=False)
    app.alerting = True
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        written = terminal_writes(app)
        await play_to_end(app, pilot, fake_clock)
        texts = said(written)
        alerts = [a.text for a in app.alerts.recent]
        kinds = {"turned NotReady", "restarted", "evicted", "will be evicted at"}
        assert all(any(k in a for a in alerts) for k in kinds), alerts
        # one notification per batch: its first alert, and how many more it stands for
        counted = 0
        for text in texts:
            more = MORE.search(text)
            first = MORE.sub("", text)
            assert first == alerts[counted], (first, counted)
            counted += 1 + (int(more.group(1)) if more else 0)
        assert counted == len(alerts)  # every transition, exactly once
        # one bell each, right before its notification (BEL also ends each OSC)
        assert "".join(written).count("\a\x1b]9;podwatch: ") == len(texts)


async def test_alerts_are_rate_limited_and_listed_on_bang(demo_app, fake_clock) -> None:
    app = demo_app(100, paused=False)
    app.alerting = True
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        written = terminal_writes(app)
        await play_to_end(app, pilot, fake_clock)
        texts = said(written)
        alerts = [a.text for a in app.alerts.recent]
        assert len(alerts) > 5
        assert 1 <= len(texts) <= 2  # seconds of real time: at most one, then the next
        await pilot.press("exclamation_mark")
        assert await wait_until(pilot, lambda: any(alerts[-1] in t for t in toasts(app)))
        listing = next(t for t in toasts(app) if alerts[-1] in t)
        assert listing.index(alerts[-1]) < listing.index(alerts[-2])  # newest first


async def test_A_toggles_and_off_says_nothing(demo_app, fake_clock) -> None:
    app = demo_app(100, paused=False)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        assert app.alerting is False  # without --alert
        written = terminal_writes(app)
        await play_to_end(app, pilot, fake_clock)
        assert said(written) == [] and "\a" not in "".join(written)
        assert app.alerts.recent  # watched all the same: ! can list them
        await pilot.press("A")
        assert await wait_until(pilot, lambda: any("Alerts on" in t for t in toasts(app)))
        assert app.alerting
        await pilot.press("A")
        assert await wait_until(pilot, lambda: any("Alerts off" in t for t in toasts(app)))


async def test_a_jump_is_not_news(demo_app, fake_clock) -> None:
    """Seeking a replay rebuilds the store: the pods seen after it are a baseline."""
    app = demo_app(100)
    app.alerting = True
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        written = terminal_writes(app)
        await pilot.press("g", *"7:00", "enter")  # past every transition
        await pilot.pause(0.3)
        assert said(written) == [] and list(app.alerts.recent) == []
