"""The pod list's columns, and which give way first when the terminal is narrow.

One definition for the dashboard's table and for `--once`. The pod's name is
the last thing to lose room (SPEC 6, "Names first"): every column is shown at
its natural width while the line fits; when it does not, the columns give way
in `GIVE_WAY` order (dropped, or shrunk to a short form), and only then is the
name cut, in the middle, keeping the unique suffix that tells ReplicaSet pods
apart (`checkout-api-7d9…-x2k4q`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from podwatch.cut import cut_keeping_suffix

GAP = 2
"""Blank cells between two columns."""

MIN_NAME = 12
"""Below this the name is cut no further: on a terminal narrower than the mark, a
12-cell name, a short status and READY, the line is cut at the edge instead."""


@dataclass(frozen=True)
class PodColumn:
    key: str
    header: str


MARK = PodColumn("mark", "")
CONTEXT = PodColumn("ctx", "CONTEXT")
NAMESPACE = PodColumn("ns", "NAMESPACE")
NAME = PodColumn("name", "NAME")
STATUS = PodColumn("status", "STATUS")
PHASE = PodColumn("phase", "PHASE")
READY = PodColumn("ready", "READY")
RESTARTS = PodColumn("restarts", "RESTARTS")
RESTART_COUNT = PodColumn("restart_count", "RST")
PROBES = PodColumn("probes", "PROBE r/l/s")
NODE = PodColumn("node", "NODE")
AGE = PodColumn("age", "AGE")
QOS = PodColumn("qos", "QOS")


def all_columns(*, all_namespaces: bool, contexts: bool = False) -> list[PodColumn]:
    """Every column, in display order, before any gives way; `contexts`: the rows come
    from several clusters (kube/fleet.py)."""
    head = [MARK, CONTEXT] if contexts else [MARK]
    if all_namespaces:
        head.append(NAMESPACE)
    return [*head, NAME, STATUS, PHASE, READY, RESTARTS, PROBES, NODE, AGE, QOS]


@dataclass(frozen=True)
class Step:
    """One way a column gives room: dropped, replaced by a shorter form, or shrunk to
    at most `most` cells (its cells cut)."""

    column: PodColumn
    replace: PodColumn | None = None
    most: int | None = None


GIVE_WAY: tuple[Step, ...] = (
    Step(QOS),
    Step(PHASE),
    Step(RESTARTS, replace=RESTART_COUNT),  # "3 (2m ago)" → "3"
    Step(PROBES),
    Step(AGE),
    Step(NODE, most=12),
    Step(NAMESPACE, most=12),
    Step(CONTEXT, most=12),
    Step(STATUS, most=16),
    Step(NODE),
    Step(NAMESPACE, most=7),
    Step(CONTEXT, most=7),
)
"""The order in which columns make room for NAME (README, "The dashboard"). The mark,
NAME and READY never go."""


def plan(
    natural: Mapping[str, int], width: int, *, all_namespaces: bool, contexts: bool = False
) -> list[tuple[PodColumn, int]]:
    """The columns shown at `width` and their widths, from each column's natural width
    (its widest cell or header): the fewest steps of `GIVE_WAY` that let the full name
    fit, then the name cut to what is left (never below `MIN_NAME`)."""

    def want(col: PodColumn) -> int:
        return max(cell_len(col.header), natural.get(col.key, 0))

    columns = all_columns(all_namespaces=all_namespaces, contexts=contexts)
    widths = {col.key: want(col) for col in columns}

    def total() -> int:
        return sum(widths[c.key] for c in columns) + GAP * (len(columns) - 1)

    for step in GIVE_WAY:
        if total() <= width:
            break
        col = step.column
        if col not in columns:
            continue
        if step.replace is not None:
            index = columns.index(col)
            columns[index] = step.replace
            del widths[col.key]
            widths[step.replace.key] = want(step.replace)
        elif step.most is not None:
            widths[col.key] = min(widths[col.key], step.most)  # the header is cut too
        else:
            columns.remove(col)
            del widths[col.key]
    over = total() - width
    if over > 0:
        widths[NAME.key] = max(MIN_NAME, widths[NAME.key] - over)
    return [(col, widths[col.key]) for col in columns]


MIDDLE_CUT = frozenset({NAME.key, NODE.key})
"""Columns whose values are told apart by their end (pod and node names): cut in the
middle. The others lose their end, with `…`."""


def fit_cell(key: str, cell: Text, width: int) -> Text:
    """`cell` (one style) in at most `width` cells, cut the way its column is cut."""
    if cell.cell_len <= width:
        return cell
    return Text(fit_text(key, cell.plain, width), style=cell.style)


def cells_of(text: str) -> int:
    """Terminal cells `text` takes: its length when it is ASCII (nearly always: the
    `--once` fast path asks for every cell of thousands of rows), else Rich's count."""
    return len(text) if text.isascii() else cell_len(text)


def fit_text(key: str, text: str, width: int) -> str:
    """`text` in at most `width` cells: the name and the node cut in the middle, keeping
    their last part; other columns end in an ellipsis."""
    if cells_of(text) <= width:
        return text
    if key in MIDDLE_CUT:
        return cut_keeping_suffix(text, width)
    return set_cell_size(text, width - 1) + "…" if width > 0 else ""


def header_line(columns: Sequence[tuple[PodColumn, int]], width: int | None = None) -> Text:
    return row_line({col.key: Text(col.header) for col, _w in columns}, columns, width)


def row_line(
    cells: Mapping[str, Text], columns: Sequence[tuple[PodColumn, int]], width: int | None = None
) -> Text:
    """One line of the pod list: each cell fitted to its column and padded, `GAP` apart,
    no trailing spaces (the caller pads to the screen if it must), and cut at `width`
    on a terminal too narrow even for the columns that never give way."""
    line = Text()
    last = len(columns) - 1
    for i, (col, column_width) in enumerate(columns):
        cell = fit_cell(col.key, cells[col.key], column_width)
        line.append_text(cell)
        if i != last:
            line.append(" " * (column_width - cell.cell_len + GAP))
    line.rstrip()
    if width is not None and line.cell_len > width:
        line.truncate(width)
        line.rstrip()
    return line


def row_plain(
    cells: Mapping[str, str], columns: Sequence[tuple[PodColumn, int]], width: int | None = None
) -> str:
    """`row_line` as a plain string, by the same rules (the `--once` fast path)."""
    parts: list[str] = []
    last = len(columns) - 1
    for i, (col, column_width) in enumerate(columns):
        cell = fit_text(col.key, cells[col.key], column_width)
        parts.append(cell)
        if i != last:
            parts.append(" " * (column_width - cells_of(cell) + GAP))
    line = "".join(parts).rstrip()
    if width is not None and cells_of(line) > width:
        line = set_cell_size(line, width).rstrip()
    return line
