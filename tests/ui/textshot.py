"""What a widget shows, as plain text, for assertions in UI tests."""

from __future__ import annotations

from io import StringIO

from rich.console import Console


def shown(widget, width: int = 200) -> str:
    """Render a Static's content (str, Text or any Rich renderable) the way it is drawn."""
    content = getattr(widget, "content", None)
    if content is None:
        return str(widget.render())
    if isinstance(content, str):
        return content
    console = Console(
        file=StringIO(), width=width, record=True, color_system=None, legacy_windows=False
    )
    console.print(content)
    return console.export_text()


def screen_text(app, width: int = 200) -> str:
    """Everything the current screen's Statics show, one after another."""
    from textual.widgets import Static

    return "\n".join(shown(w, width) for w in app.screen.query(Static))


def drawn_text(app) -> str:
    """The characters Textual actually drew, from its SVG screenshot: markup that had
    been parsed would not be there as characters."""
    import html
    import re

    svg = app.export_screenshot()
    pieces = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(pieces)).replace("\xa0", " ")


def widget_lines(widget) -> list[str]:
    """The lines a widget draws, as text (its own region only)."""
    return ["".join(seg.text for seg in widget.render_line(y)) for y in range(widget.size.height)]


def screen_lines(app) -> list[str]:
    """The terminal's lines as the user sees them, top to bottom (the current screen,
    composed: what is scrolled out of view or hidden is not there)."""
    strips = app.screen._compositor.render_strips()
    return ["".join(seg.text for seg in strip).rstrip() for strip in strips]
