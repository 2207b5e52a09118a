"""The selected pod's panes (SPEC section 1): stacked on wide screens, tabs on small ones.

Each pane renders one builder from `podwatch.render`, the same code `--once`
prints with, so the two can never disagree.
"""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer, VerticalScroll
from textual.css.query import NoMatches
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane

from podwatch.layout import same_drawing
from podwatch.model.view import PodDetail
from podwatch.render import PANES, summary_text
from podwatch.ui.widgets.scrolling import SCROLL_BINDINGS, ScrollKeys

SUMMARY = "Summary"
EMPTY = Text("No pod selected: pick one in the table (j/k, arrows).", style="dim")


def counting_down(detail: PodDetail | None, now: float) -> bool:
    """Whether the pod shows an eviction countdown, which must move every second."""
    if detail is None or detail.eviction is None:
        return False
    deadline = detail.eviction.deadline
    return deadline is not None and deadline > now - 5


class Pane(ScrollKeys, Static, can_focus=True):
    """One detail pane; focusable so `tab` walks them and j/k, the arrows and the page
    keys scroll what holds it (the stack of panes, or its tab)."""

    DEFAULT_CSS = """
    Pane { height: auto; padding: 0 1; border: round $primary 40%; }
    Pane:focus { border: round $accent; }
    """
    BINDINGS = SCROLL_BINDINGS

    def scroll_target(self) -> ScrollableContainer | None:
        """What holds the pane: the stack of panes, or its tab."""
        return next((a for a in self.ancestors if isinstance(a, ScrollableContainer)), None)


class PodDetails(Widget):
    mode: reactive[str] = reactive("stack", recompose=True)
    """"stack" shows every pane in one scrolling column; "tabs" one pane at a time."""

    DEFAULT_CSS = """
    PodDetails { height: 1fr; }
    PodDetails #summary { height: auto; padding: 0 1; border-top: round $primary 40%; }
    PodDetails > #summary { max-height: 50%; overflow-y: auto; }
    PodDetails TabbedContent { height: 1fr; }
    PodDetails TabPane { padding: 0; }
    PodDetails TabPane VerticalScroll { height: 1fr; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.detail: PodDetail | None = None
        self.empty = EMPTY
        self._drawn: dict[str, tuple[Static, RenderableType]] = {}
        """Per pane: the widget last filled and what it was given (a recompose makes new
        widgets, which must be filled whatever they are given)."""
        self._measured: tuple[tuple[RenderableType, int] | None, int] = (None, 0)
        """(the summary's content and width, its lines) last measured (`_say_hidden`)."""

    def compose(self) -> ComposeResult:
        # Composed with what they show: a resize that switches stack and tabs recomposes,
        # and the new widgets must not come up empty (the selection would seem lost).
        shown = self._contents()
        summary = self._composed(Static(shown["summary"], id="summary"), shown["summary"])
        summary.border_title = SUMMARY
        if self.mode == "tabs":
            yield summary
            with TabbedContent(id="detail-tabs"):
                for key, title, _build in PANES:
                    with TabPane(title, id=f"tab-{key}"), VerticalScroll():
                        yield self._pane(key, title, shown[key])
        else:
            with VerticalScroll(id="detail-stack"):
                yield summary
                for key, title, _build in PANES:
                    yield self._pane(key, title, shown[key])

    def _pane(self, key: str, title: str, content: RenderableType) -> Pane:
        pane = self._composed(Pane(content, id=f"pane-{key}"), content)
        pane.border_title = title
        return pane

    def _composed(self, widget: Static, content: RenderableType) -> Static:
        self._drawn[widget.id or ""] = (widget, content)
        return widget

    def _contents(self) -> dict[str, RenderableType]:
        """What the summary (`summary`) and each pane (by key) show now."""
        detail = self.detail
        if detail is None:
            return {"summary": self.empty} | {key: Text("") for key, _t, _b in PANES}
        return {"summary": summary_text(detail)} | {key: build(detail) for key, _t, build in PANES}

    def on_mount(self) -> None:
        self._fill()

    def show(self, detail: PodDetail | None, empty: Text = EMPTY) -> None:
        """Show `detail`; without one, `empty` says why (no pod picked, none match the
        filter, the pod is gone)."""
        self.detail = detail
        self.empty = empty
        self._fill()

    def _fill(self) -> None:
        try:
            widgets = {"summary": self.query_one("#summary", Static)} | {
                key: self.query_one(f"#pane-{key}", Pane) for key, _t, _b in PANES
            }
        except NoMatches:
            # Not composed yet, or recomposing (a resize switched stack and tabs): the new
            # panes may have been composed with what was shown before; once they are
            # there, filled with what is shown now.
            if self.is_mounted:
                self.call_after_refresh(self._fill)
            return
        for key, content in self._contents().items():
            self._put(widgets[key], content)
        self.call_after_refresh(self._say_hidden)

    def on_resize(self) -> None:
        self.call_after_refresh(self._say_hidden)

    def _say_hidden(self) -> None:
        """On a small terminal the summary is cut at half the panes' height, its last
        problems out of sight (a stuck rollout under the port findings): its title then
        says how many lines are below, and that `enter` shows the whole pod."""
        try:
            summary = self.query_one("#summary", Static)
        except NoMatches:
            return
        region = summary.scrollable_content_region
        drawn = self._drawn.get("summary")
        if drawn is None or not region.width or not region.height:
            return
        below = 0
        if self.mode == "tabs":  # stacked, the summary is never cut
            measured = (drawn[1], region.width)
            if measured != self._measured[0]:
                self._measured = (measured, self._lines(*measured))
            below = self._measured[1] - summary.scroll_offset.y - region.height
        title = SUMMARY
        if below > 0:  # bold: the title's border colour alone is faint
            title += f" · [b $warning]{below} more line{'s' if below > 1 else ''} below[/] (enter)"
        if summary.border_title != title:
            summary.border_title = title

    def _put(self, widget: Static, content: RenderableType) -> None:
        """Update `widget` only if `content` draws differently: a pane refreshed by the
        clock with nothing new sends nothing to the terminal (a slow SSH link)."""
        key = widget.id or ""
        drawn = self._drawn.get(key)
        if drawn is not None and drawn[0] is widget and same_drawing(drawn[1], content):
            return
        self._drawn[key] = (widget, content)
        widget.update(content, layout=self._height_changes(widget, content))

    def _height_changes(self, widget: Static, content: RenderableType) -> bool:
        """Whether `content` takes another number of lines than the widget shows now: if
        not, the widget repaints in place, without a relayout of the screen (which would
        send every line of the terminal again)."""
        width = widget.size.width
        if not width or not widget.is_mounted:
            return True
        return self._lines(content, width) != widget.size.height

    def _lines(self, content: RenderableType, width: int) -> int:
        """How many lines `content` takes at `width`."""
        console = self.app.console
        return len(console.render_lines(content, console.options.update_width(width), pad=False))

    def focus_first(self, scroll_visible: bool = True) -> None:
        """Focus the first pane (in tabs mode, the active tab's); `scroll_visible` False
        keeps the summary above it in view."""
        panes = list(self.query(Pane))
        if self.mode == "tabs":
            tabs = self.query_one(TabbedContent)
            active = tabs.active_pane
            if active is not None:
                inner = list(active.query(Pane))
                if inner:
                    inner[0].focus(scroll_visible)
                    return
        if panes:
            panes[0].focus(scroll_visible)

    def stops(self) -> list[Pane]:
        """The panes `tab` visits, in order (in tabs mode, one per tab)."""
        return list(self.query(Pane))

    def focus_pane(self, pane: Pane) -> None:
        if self.mode == "tabs":
            tab = next((a for a in pane.ancestors if isinstance(a, TabPane)), None)
            if tab is not None and tab.id:
                self.query_one(TabbedContent).active = tab.id
                self.call_after_refresh(pane.focus)
                return
        pane.focus()
