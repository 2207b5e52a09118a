"""What the terminal shows, cell by cell, so that only changed cells are sent.

Textual repaints whole regions: a widget that gets a new size is painted in the frame
that lays it out and again when its resize is handled; a pane that moves repaints
every line under it; a new layout repaints the screen. Over SSH each of those is
kilobytes of text the terminal already shows. `ShadowScreen` keeps a copy of the
terminal's cells (text and SGR codes) and turns each Textual update into only the
cells that differ, as curses does: cursor moves to each changed run, one SGR per
change of style (no reset after every segment), one reset at the end.

The copy is only as good as the assumption that nothing else draws on the terminal:
`reset()` forgets it (a resize, a resume from suspend, ctrl+l), and the next update is
then written whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.cells import get_character_cell_size
from rich.color import ColorSystem
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import ControlType, Segment
from rich.style import Style
from textual._compositor import CompositorUpdate
from textual.app import App
from textual.screen import Screen
from textual.strip import Strip

# A cell is (text, sgr codes). The right half of a double-width character is WIDE:
# its text is drawn by the cell to its left.
Cell = tuple[str, str]
WIDE = ""

# Rewriting a few unchanged cells between two changes is cheaper than a cursor move
# (`ESC[row;colH` is 6-8 bytes).
GAP = 6

StyleCodes = Callable[[Style], str]


class ShadowScreen:
    def __init__(self, codes: StyleCodes) -> None:
        self._codes = codes
        self._memo: dict[Style, str] = {}
        self.width = 0
        self.height = 0
        self._rows: list[list[Cell | None]] = []

    def reset(self, width: int | None = None, height: int | None = None) -> None:
        """Forget what the terminal shows: the next update is written whole."""
        self.width = self.width if width is None else width
        self.height = self.height if height is None else height
        self._rows = [[None] * self.width for _ in range(self.height)]

    def ensure_size(self, width: int, height: int) -> None:
        if (width, height) != (self.width, self.height):
            self.reset(width, height)

    def _style_codes(self, style: Style | None) -> str:
        if style is None:
            return ""
        codes = self._memo.get(style)
        if codes is None:
            codes = self._memo[style] = self._codes(style)
        return codes

    def update(self, segments: Iterable[Segment]) -> str:
        """Apply an update (Textual's stream of cursor moves and styled text) to the copy
        and return the terminal sequences for the cells that changed."""
        changed = self._apply(segments)
        return self._encode(changed)

    # ----------------------------------------------------------------- apply

    def _apply(self, segments: Iterable[Segment]) -> dict[int, set[int]]:
        rows, width, height = self._rows, self.width, self.height
        changed: dict[int, set[int]] = {}
        put = self._put
        x = y = 0
        for text, style, control in segments:
            if control:
                for code in control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = code[1], code[2]
                continue
            if text == "\n" or not text:
                continue
            if not 0 <= y < height:
                x += len(text)
                continue
            codes = self._style_codes(style)
            row = rows[y]
            marks = changed.setdefault(y, set())
            if text.isascii():
                for ch in text:
                    if 0 <= x < width and row[x] != (ch, codes):
                        put(row, x, (ch, codes), marks)
                    x += 1
                continue
            for ch in text:
                size = get_character_cell_size(ch)
                if size == 0:  # a combining mark joins the cell before it
                    if 0 < x <= width and (prev := row[x - 1]) is not None:
                        row[x - 1] = (prev[0] + ch, prev[1])
                        marks.add(x - 1)
                    continue
                if 0 <= x < width and row[x] != (ch, codes):
                    put(row, x, (ch, codes), marks)
                if size == 2 and 0 <= x + 1 < width and row[x + 1] != (WIDE, codes):
                    put(row, x + 1, (WIDE, codes), marks)
                x += size
        return changed

    def _put(self, row: list[Cell | None], x: int, cell: Cell, marks: set[int]) -> None:
        """Write one cell. Overwriting half of a double-width character erases the other
        half on the terminal: that half is unknown until something is written there."""
        old = row[x]
        if old is not None:
            if old[0] == WIDE and x > 0 and cell[0] != WIDE:
                row[x - 1] = None
            elif x + 1 < self.width and (nxt := row[x + 1]) is not None and nxt[0] == WIDE:
                row[x + 1] = None
        row[x] = cell
        marks.add(x)

    # ----------------------------------------------------------------- encode

    def _runs(self, y: int, marks: set[int]) -> list[tuple[int, int]]:
        """Changed cells of a row as [start, end) runs, joining runs separated by a few
        known cells, and widened so a double-width character is written whole."""
        row = self._rows[y]
        runs: list[tuple[int, int]] = []
        for x in sorted(marks):
            if (
                runs
                and x - runs[-1][1] <= GAP
                and all(row[i] is not None for i in range(runs[-1][1], x))
            ):
                runs[-1] = (runs[-1][0], x + 1)
            else:
                runs.append((x, x + 1))
        fixed = []
        for start, end in runs:
            while start > 0 and row[start] is not None and row[start][0] == WIDE:
                start -= 1
            while end < self.width and row[end] is not None and row[end][0] == WIDE:
                end += 1
            fixed.append((start, end))
        return fixed

    def _encode(self, changed: dict[int, set[int]]) -> str:
        out: list[str] = []
        pen = ""  # plain: Textual's writes and ours end with a reset
        for y in sorted(changed):
            marks = changed[y]
            if not marks:
                continue
            row = self._rows[y]
            for start, end in self._runs(y, marks):
                moved = False
                for x in range(start, end):
                    cell = row[x]
                    if cell is None:  # unknown: nothing to write, the next cell moves
                        moved = False
                        continue
                    text, codes = cell
                    if not moved:
                        out.append(f"\x1b[{y + 1};{x + 1}H")
                        moved = True
                    if codes != pen:
                        out.append(f"\x1b[0;{codes}m" if codes else "\x1b[0m")
                        pen = codes
                    out.append(text)
        if pen:
            out.append("\x1b[0m")
        return "".join(out)


class ShadowedUpdate(CompositorUpdate):
    """A Textual update written through the shadow copy: only the changed cells."""

    def __init__(self, shadow: ShadowScreen, update: CompositorUpdate) -> None:
        self.shadow = shadow
        self.update = update

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.update.__rich_console__(console, options)  # type: ignore[attr-defined]

    def render_segments(self, console: Console) -> str:
        return self.shadow.update(self.__rich_console__(console, console.options))


class ShadowedOutput(App):
    """An App whose screen updates send only the cells that changed (see ShadowScreen).
    Headless and inline apps (tests, `--once`) are untouched. ctrl+l redraws all."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.shadow = ShadowScreen(self._sgr_codes)

    def _sgr_codes(self, style: Style) -> str:
        return Strip.render_ansi(style, self.console._color_system or ColorSystem.TRUECOLOR)

    def on_mount(self) -> None:
        # After a suspend the terminal shows what the shell left there.
        self.app_resume_signal.subscribe(self, lambda _app: self.shadow.reset())

    def _display(self, screen: Screen, renderable: RenderableType | None) -> None:
        if isinstance(renderable, CompositorUpdate) and not self.is_inline:
            self.shadow.ensure_size(self.size.width, self.size.height)
            renderable = ShadowedUpdate(self.shadow, renderable)
        elif renderable is not None:
            self.shadow.reset()  # drawn some other way: no longer known
        super()._display(screen, renderable)

    def action_redraw(self) -> None:
        """ctrl+l: something else drew on the terminal; send every cell again."""
        self.shadow.reset()
        self.screen.refresh()
