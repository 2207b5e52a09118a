"""Tables that fit the width they are given without ever breaking a word in two.

Rich's `Table` squeezes columns below their longest word when space is short
(`runnin`/`g`, an image cut into three lines, `HANDLE`/`R`). A `Grid` decides
at render time, from the real width of the pane or the terminal:

1. every column at its natural width, when that fits;
2. else every column at least as wide as its longest word, short columns whole
   first, the rest shared out; text wraps only at spaces;
3. else, when even the longest words do not fit side by side, one block per
   row: `label value  label value ...` wrapped at spaces.

Long prose (a condition's message, a probe's last failure) is not a column but
a *note* under its row at the pane's full width, so that it never makes a row
25 lines tall. A word is broken only when it alone is wider than the pane.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.style import StyleType
from rich.text import Text

GAP = 2
"""Blank cells between two columns."""
NOTE_INDENT = 4
"""Notes sit under their row, indented so the row's first word still leads."""
HEADER_STYLE = "bold underline"


@dataclass(frozen=True)
class Column:
    header: str
    label: str | None = None
    """The word before the value in block form; None: the header in lower case;
    "": the value alone (a name or a state needs no label)."""

    @property
    def block_label(self) -> str:
        return self.header.lower() if self.label is None else self.label


def _sig(texts: Sequence[Text]) -> list[tuple]:
    """What decides how texts are drawn: characters, base style and styled spans (Rich's
    own `Text.__eq__` ignores the base style, so a status word turning red would not
    count as a change)."""
    return [(t.plain, str(t.style), tuple(t.spans)) for t in texts]


def longest_word(text: str) -> int:
    """The narrowest width that holds `text` without breaking a word: its longest word,
    or a line's indent with its first word (`  untolerated` needs 13, not 11)."""
    widest = max((cell_len(word) for word in text.split()), default=0)
    for line in text.split("\n"):
        body = line.lstrip(" ")
        if body and len(body) < len(line):
            first = body.split(maxsplit=1)[0]
            widest = max(widest, len(line) - len(body) + cell_len(first))
    return widest


def widest_line(text: str) -> int:
    return max((cell_len(line) for line in text.split("\n")), default=0)


def allocate(least: Sequence[int], natural: Sequence[int], room: int) -> list[int] | None:
    """Column widths that fit `room` (gaps already taken out): natural widths when they
    fit; else each column at least its longest word, columns short of their natural
    width by little made whole first, what is left shared in proportion to what each
    still wants. None when even the longest words do not fit side by side."""
    if sum(natural) <= room:
        return list(natural)
    if sum(least) > room:
        return None
    widths = list(least)
    spare = room - sum(widths)
    wants = sorted(range(len(widths)), key=lambda i: natural[i] - least[i])
    # Whole first: the columns that need least to show unwrapped (states, counts, names).
    for i in wants:
        need = natural[i] - widths[i]
        if need <= spare and need <= max(8, spare // 3):
            widths[i] += need
            spare -= need
    hungry = [i for i in range(len(widths)) if natural[i] > widths[i]]
    total_want = sum(natural[i] - widths[i] for i in hungry)
    if total_want and spare:
        given = 0
        for i in hungry:
            share = spare * (natural[i] - widths[i]) // total_want
            widths[i] += share
            given += share
        for i in hungry:  # the rounding remainder, one cell at a time
            if given >= spare:
                break
            if widths[i] < natural[i]:
                widths[i] += 1
                given += 1
    return widths


def _wrap(console: Console, text: Text, width: int) -> list[Text]:
    """`text` wrapped at spaces to `width` (a word wider than `width` is folded)."""
    if width <= 0:
        return [text]
    return list(text.wrap(console, width, overflow="fold"))


def _pad(line: Text, width: int) -> Text:
    short = width - line.cell_len
    if short > 0:
        line = line.copy()
        line.append(" " * short)
    return line


def _indent(width: int, wanted: int) -> int:
    """An indent that still leaves room to write: none in a pane a few cells wide."""
    return wanted if width > 3 * wanted else 0


def _pack(console: Console, fields: list[Text], width: int, indent: int = 2) -> list[Text]:
    """Fields side by side, two spaces apart, a new line when the next does not fit
    (continuation lines are `indent` narrower: the caller indents them); a field wider
    than a line wraps at its own spaces."""
    lines: list[Text] = []
    line = Text()
    for field in fields:
        room = width if not lines else width - indent
        if line.plain and line.cell_len + 2 + field.cell_len <= room:
            line.append("  ").append_text(field)
            continue
        if line.plain:
            lines.append(line)
        wrapped = _wrap(console, field, max(1, width - indent))
        lines += wrapped[:-1]
        line = wrapped[-1] if wrapped else Text()
    lines.append(line)
    return lines


class Grid:
    """A table of cluster facts that fits any width (see the module docstring).

    Cells are `Text` (already made safe by the caller); `notes` are lines of prose
    that belong to a row and are shown under it at full width."""

    def __init__(
        self,
        *columns: Column | str,
        empty: str = "",
        caption: Text | None = None,
    ) -> None:
        self.columns = [c if isinstance(c, Column) else Column(c) for c in columns]
        self.rows: list[tuple[list[Text], list[Text]]] = []
        self.empty = empty
        self.caption = caption
        self.row_styles: dict[int, StyleType] = {}
        """Row index → a style over the row's whole lines (a cursor), full width."""

    def add_row(self, *cells: Text | str, notes: Iterable[Text] = ()) -> None:
        row = [c if isinstance(c, Text) else Text(c) for c in cells]
        row += [Text("")] * (len(self.columns) - len(row))
        self.rows.append((row, [n for n in notes if n.plain]))

    def __eq__(self, other: object) -> bool:
        """Same columns, cells, notes, caption and cursor: the same drawing at any width
        (so a pane that would draw the same is not sent to the terminal again)."""
        if not isinstance(other, Grid):
            return NotImplemented
        return (
            self.columns == other.columns
            and [(_sig(c), _sig(n)) for c, n in self.rows]
            == [(_sig(c), _sig(n)) for c, n in other.rows]
            and self.empty == other.empty
            and _sig([self.caption] if self.caption else [])
            == _sig([other.caption] if other.caption else [])
            and self.row_styles == other.row_styles
        )

    __hash__ = None  # type: ignore[assignment]  # mutable

    # ----------------------------------------------------------------- measuring

    def _least(self) -> list[int]:
        return [
            max([cell_len(col.header)] + [longest_word(row[i].plain) for row, _ in self.rows])
            for i, col in enumerate(self.columns)
        ]

    def _natural(self) -> list[int]:
        return [
            max([cell_len(col.header)] + [widest_line(row[i].plain) for row, _ in self.rows])
            for i, col in enumerate(self.columns)
        ]

    def widths(self, width: int) -> list[int] | None:
        """The column widths at `width`, or None when the rows must become blocks."""
        room = width - GAP * (len(self.columns) - 1)
        return allocate(self._least(), self._natural(), room)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        words = [longest_word(t.plain) for row, notes in self.rows for t in [*row, *notes]] + [
            longest_word(self.empty)
        ]
        least = min(max(words, default=1) + NOTE_INDENT, options.max_width)
        natural = sum(self._natural()) + GAP * (len(self.columns) - 1)
        notes = [NOTE_INDENT + widest_line(n.plain) for _row, ns in self.rows for n in ns]
        most = max([natural, *notes, cell_len(self.empty)])
        if self.caption is not None:
            most = max(most, widest_line(self.caption.plain))
        return Measurement(least, min(max(least, most), options.max_width))

    # ----------------------------------------------------------------- drawing

    def lines(self, console: Console, width: int) -> list[Text]:
        """The grid as lines of at most `width` cells, none with trailing spaces."""
        out: list[Text] = []
        if not self.rows:
            if self.empty:
                out += _wrap(console, Text(self.empty, style="dim"), width)
        else:
            widths = self.widths(width)
            if widths is None:
                out += self._blocks(console, width)
            else:
                out += self._table(console, widths, width)
        if self.caption is not None:
            out += _wrap(console, self.caption, width)
        styled = bool(self.row_styles)
        for line in out:
            if not (styled and line.cell_len == width):  # a cursor bar keeps its width
                line.rstrip()
        return out

    def _table(self, console: Console, widths: list[int], width: int) -> list[Text]:
        out = [self._join([[Text(c.header, style=HEADER_STYLE)] for c in self.columns], widths)[0]]
        for index, (cells, notes) in enumerate(self.rows):
            wrapped = [_wrap(console, cell, w) for cell, w in zip(cells, widths, strict=True)]
            lines = self._join(wrapped, widths) + self._notes(console, notes, width)
            out += self._styled(index, lines, width)
        return out

    def _styled(self, index: int, lines: list[Text], width: int) -> list[Text]:
        """A row's lines, under its row style (a cursor) across the full width."""
        style = self.row_styles.get(index)
        if style is None:
            return lines
        out = []
        for line in lines:
            line.rstrip()
            line = _pad(line, width)
            line.stylize(style)
            out.append(line)
        return out

    @staticmethod
    def _join(wrapped: list[list[Text]], widths: list[int]) -> list[Text]:
        height = max(len(lines) for lines in wrapped)
        out = []
        last = len(widths) - 1
        for y in range(height):
            line = Text()
            for i, (lines, w) in enumerate(zip(wrapped, widths, strict=True)):
                piece = lines[y] if y < len(lines) else Text("")
                line.append_text(piece if i == last else _pad(piece, w))
                if i != last:
                    line.append(" " * GAP)
            out.append(line)
        return out

    def _notes(self, console: Console, notes: list[Text], width: int) -> list[Text]:
        out = []
        indent = _indent(width, NOTE_INDENT)
        for note in notes:
            for line in _wrap(console, note, max(1, width - indent)):
                out.append(Text(" " * indent).append_text(line))
        return out

    def _blocks(self, console: Console, width: int) -> list[Text]:
        """One block per row: `value  label value ...`, each `label value` kept together
        on a line where it fits; continuation lines indented."""
        out = []
        for index, (cells, notes) in enumerate(self.rows):
            fields = []
            for col, cell in zip(self.columns, cells, strict=True):
                if not cell.plain or cell.plain == "-":
                    continue
                field = Text(col.block_label + " ", style="dim") if col.block_label else Text()
                fields.append(field.append_text(cell))
            indent = _indent(width, 2)
            lines = _pack(console, fields, width, indent)
            lines = [lines[0]] + [Text(" " * indent).append_text(line) for line in lines[1:]]
            lines += self._notes(console, notes, width)
            out += self._styled(index, lines, width)
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = self.lines(console, options.max_width)
        yield Text("\n").join(lines) if lines else Text("")


class Fields:
    """Short items side by side, two spaces apart, each kept whole on one line where it
    fits (a line of `✗ Ready False`-style facts under a summary)."""

    def __init__(self, fields: Sequence[Text], indent: int = 2) -> None:
        self.fields = list(fields)
        self.indent = indent
        """Continuation lines are indented this much (0: every line a peer)."""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fields):
            return NotImplemented
        return _sig(self.fields) == _sig(other.fields) and self.indent == other.indent

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        least = max((longest_word(f.plain) for f in self.fields), default=0) + 2
        most = sum(f.cell_len for f in self.fields) + 2 * max(0, len(self.fields) - 1)
        return Measurement(min(least, options.max_width), min(most, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not self.fields:
            return
        indent = _indent(options.max_width, self.indent)
        lines = _pack(console, self.fields, options.max_width, indent)
        pad = " " * indent
        lines = [lines[0]] + [Text(pad).append_text(line) for line in lines[1:]]
        yield Text("\n").join(lines)


def same_drawing(a: object, b: object) -> bool:
    """Whether two renderables draw the same (Groups, Texts, Grids, Fields): a widget
    given the same drawing again need not repaint, nor send a byte over SSH."""
    if isinstance(a, Group) and isinstance(b, Group):
        return len(a.renderables) == len(b.renderables) and all(
            same_drawing(x, y) for x, y in zip(a.renderables, b.renderables, strict=True)
        )
    if isinstance(a, Text) and isinstance(b, Text):
        return _sig([a]) == _sig([b])
    return type(a) is type(b) and isinstance(a, Grid | Fields) and a == b
