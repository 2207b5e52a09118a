"""The scroll keys, defined once: j/k and the arrows a line, the page keys a page,
home/end the ends. A pane, the full-screen pod and the help screen all scroll this
way; each says what it scrolls (`scroll_target`)."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import ScrollableContainer

SCROLL_BINDINGS = [
    Binding("j,down", "scroll_lines(1)", "Scroll down", show=False),
    Binding("k,up", "scroll_lines(-1)", "Scroll up", show=False),
    Binding("pagedown", "scroll_pages(1)", "Page down", show=False),
    Binding("pageup", "scroll_pages(-1)", "Page up", show=False),
    Binding("home", "scroll_edge(0)", "Top", show=False),
    Binding("end", "scroll_edge(1)", "Bottom", show=False),
]


class ScrollKeys:
    """The actions of `SCROLL_BINDINGS` (put them in the class's BINDINGS)."""

    def scroll_target(self) -> ScrollableContainer | None:
        raise NotImplementedError

    def action_scroll_lines(self, lines: int) -> None:
        target = self.scroll_target()
        if target is not None:
            target.scroll_relative(y=lines, animate=False)

    def action_scroll_pages(self, pages: int) -> None:
        target = self.scroll_target()
        if target is not None:
            height = max(1, target.scrollable_content_region.height - 1)
            target.scroll_relative(y=pages * height, animate=False)

    def action_scroll_edge(self, end: int) -> None:
        target = self.scroll_target()
        if target is not None:
            if end:
                target.scroll_end(animate=False)
            else:
                target.scroll_home(animate=False)
