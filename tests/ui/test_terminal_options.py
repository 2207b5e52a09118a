"""Terminal options: no animations over SSH, the terminal's own palette on request."""

from __future__ import annotations

from podwatch.ui.app import PodwatchApp
from tests.scenes import SCENES, build_app


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


def _styles_of(app, word: str) -> list:
    """The styles the pod table draws the word with, after the app's line filters (the
    cursor row aside: the cursor's colours win there)."""
    from podwatch.ui.widgets.pod_table import PodTable

    table = app.screen.query_one(PodTable)
    top = table.region.y
    cursor = top + 1 + table.cursor_row - int(table.scroll_y)
    found = []
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        if not top < y < table.region.bottom or y == cursor:
            continue
        for seg in strip:
            if word in seg.text and seg.style is not None:
                found.append(seg.style)
    return found


async def test_no_color_status_words_are_bold_or_reversed_never_dark_grey(monkeypatch):
    """Textual's own NO_COLOR drew a red `Error` dark grey on black; signals now carry
    weight instead: bold, failures reversed, nothing dim."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = build_app(SCENES[0])  # the overview: failing, degraded, finished, healthy rows
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for word in ("Error", "ImagePullBackOff"):
            styles = _styles_of(app, word)
            assert styles, word
            for style in styles:
                assert style.bold and style.reverse and not style.dim, (word, style)
        completed = _styles_of(app, "Completed")  # finished: not faded out
        assert completed and all(not s.dim for s in completed)


def test_readable_style_keeps_greys_and_backgrounds_monochrome():
    from rich.style import Style

    from podwatch.ui.mono import readable_style

    red = readable_style(Style.parse("bold red on #202020"))
    assert red.bold and red.reverse and red.color.is_default
    assert max(red.bgcolor.get_truecolor()) - min(red.bgcolor.get_truecolor()) <= 8
    yellow = readable_style(Style.parse("yellow"))
    assert yellow.bold and not yellow.reverse
    grey = readable_style(Style.parse("dim #a0a0a0"))
    assert not grey.bold and not grey.dim
