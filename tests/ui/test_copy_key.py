"""`y` copies the selected pod's why line and details as plain text through the terminal
(OSC 52, which works over SSH), and says where it went; the escape sequence is captured
as the terminal would receive it."""

from __future__ import annotations

import base64
import re

from podwatch.report import pod_text
from podwatch.ui.screens.pod import PodScreen
from tests.hostile_pods import store_with_message
from tests.ui.pilot import table, terminal_writes, toasts, wait_until

WIDE = (120, 40)
OSC52 = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")


def copied(written: list[str]) -> list[str]:
    return [
        base64.b64decode(m.group(1)).decode("utf-8")
        for chunk in written
        for m in OSC52.finditer(chunk)
    ]


async def test_y_sends_the_selected_pod_as_plain_text_and_says_so(demo_app) -> None:
    app = demo_app(180)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        written = terminal_writes(app)
        key = table(app).selected_key
        assert key is not None
        await pilot.press("y")
        assert await wait_until(pilot, lambda: any("Copied" in t for t in toasts(app)))
        sent = copied(written)
        assert sent == [pod_text(app.source.store, key)]  # exactly once, exactly that
        text = sent[0]
        assert text.startswith(f"✗ {key[0]}/{key[1]}")
        assert "why: " in text and "Conditions" in text and "\x1b" not in text
        toast = next(t for t in toasts(app) if "Copied" in t)
        assert f"{key[0]}/{key[1]}" in toast and "OSC 52" in toast
        assert f"{text.count(chr(10))} lines" in toast


async def test_y_with_no_pod_selected_copies_nothing(demo_app) -> None:
    app = demo_app(180)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"no-such-pod", "enter")
        await pilot.pause()
        assert table(app).row_count == 0
        written = terminal_writes(app)
        await pilot.press("y")
        assert await wait_until(pilot, lambda: any("nothing copied" in t for t in toasts(app)))
        assert copied(written) == []


async def test_y_on_the_pod_screen_copies_that_pod(demo_app) -> None:
    app = demo_app(180)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("j", "enter")  # a small terminal: the pod opens full screen
        assert await wait_until(pilot, lambda: isinstance(app.screen, PodScreen))
        written = terminal_writes(app)
        await pilot.press("y")
        assert await wait_until(pilot, lambda: copied(written))
        assert copied(written) == [pod_text(app.source.store, app.screen.key)]


def test_copied_text_never_carries_raw_control_characters() -> None:
    hostile = "boom \x1b]52;c;ZXZpbA==\x07 \x1b[31mred\r\nnext"
    store = store_with_message(hostile)
    text = pod_text(store, ("shop", "web-1"))
    assert text is not None and "boom" in text
    assert not any(ord(c) < 32 and c != "\n" for c in text)  # escaped, never sent raw
    assert "\\x1b" in text
