"""NO_COLOR without losing meaning: colours become weight, not shades of grey.

Textual honours NO_COLOR by turning every colour into its grey (`Monochrome`),
so a red `Error` becomes dark grey on black, the hardest thing on the screen to
read, although it is the thing to see first. This filter keeps Textual's greys
for backgrounds (the cursor row stays visible) but draws text that was coloured
to say something in the terminal's own foreground, bold, and red (failure)
also reversed; `dim` is dropped so nothing fades out.
"""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter, Monochrome, monochrome_style

SATURATED = 0.35
"""Below this saturation a colour is a grey shade of the theme, not a signal."""

DEFAULT_FG = Style(color=RichColor.default())


@lru_cache(1024)
def readable_style(style: Style) -> Style:
    """`style` for a terminal without colour: signals (saturated foregrounds) become
    bold in the default colour, red ones reversed too; greys and backgrounds as
    Textual's monochrome; never dim."""
    colour = style.color
    if colour is None or colour.is_default:
        return monochrome_style(style) + Style(dim=False)
    r, g, b = (c / 255 for c in colour.get_truecolor())
    high, low = max(r, g, b), min(r, g, b)
    saturation = 0.0 if high == 0 else (high - low) / high
    if saturation < SATURATED:
        return monochrome_style(style) + Style(dim=False)
    red = r == high and g < 0.6 * r and b < 0.6 * r
    background = style.bgcolor
    base = Style(
        bgcolor=None
        if background is None
        else Color.from_rich_color(background).monochrome.rich_color
    )
    return style + base + DEFAULT_FG + Style(bold=True, dim=False, reverse=red or None)


class ReadableMonochrome(LineFilter):
    """`Monochrome`, but signals stay readable (see the module docstring)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            Segment(text, None if style is None else readable_style(style), None)
            for text, style, _ in segments
        ]


def use_readable_monochrome(filters: list[LineFilter]) -> list[LineFilter]:
    """The app's line filters with Textual's `Monochrome` replaced by ours."""
    return [ReadableMonochrome() if isinstance(f, Monochrome) else f for f in filters]
