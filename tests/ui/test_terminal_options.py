"""Terminal options: no animations over SSH, the terminal's own palette on request."""

from __future__ import annotations

from podwatch.ui.app import PodwatchApp
from podwatch.ui.scenes import SCENES, build_app


def test_animations_off_over_ssh(monkeypatch):
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 50000 10.0.0.2 22")
    assert build_app(SCENES[0]).animation_level == "none"
    monkeypatch.delenv("SSH_CONNECTION")
    assert build_app(SCENES[0]).animation_level != "none"


def test_ansi_palette_on_request():
    source = build_app(SCENES[0]).source
    assert PodwatchApp(source, ansi_color=True).native_ansi_color is True
    assert PodwatchApp(source).ansi_color is None


def _text_colours(svg: str) -> set[tuple[int, int, int]]:
    import re

    styles = " ".join(re.findall(r"\.terminal-[\w-]+-r\d+ \{ ([^}]*)\}", svg))
    return {
        (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))
        for h in re.findall(r"fill: #([0-9a-f]{6})", styles)
    }


async def _svg(app) -> str:
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        return app.export_screenshot()


async def test_no_color_draws_in_greys_only(monkeypatch):
    def grey(c):
        return max(c) - min(c) <= 8

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert not all(grey(c) for c in _text_colours(await _svg(build_app(SCENES[1]))))
    monkeypatch.setenv("NO_COLOR", "1")
    app = build_app(SCENES[1])
    assert app.no_color
    colours = _text_colours(await _svg(app))
    assert colours and all(grey(c) for c in colours), colours
