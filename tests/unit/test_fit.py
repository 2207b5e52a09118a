"""Readable at every width (SPEC 6, issue 10): for every pod of the demo and of the real
captures, the pod list and every pane are drawn at widths 40 to 200, and

- no word from the cluster is broken across lines unless it alone is wider than the
  pane (a broken word shows up as a drawn word that is no word of the source);
- every such word is drawn whole somewhere;
- no line is wider than the width;
- a pod's name is cut only once every column below it in `GIVE_WAY` has given way,
  and then keeps its unique suffix.
"""

from __future__ import annotations

import io
from functools import cache

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from podwatch.columns import GIVE_WAY, MIN_NAME, NAME, RESTART_COUNT, all_columns, plan, row_line
from podwatch.kube.source import ReplaySource
from podwatch.layout import NOTE_INDENT, Fields, Grid
from podwatch.model.store import Store
from podwatch.model.view import pod_detail, pod_rows
from podwatch.recording import read_recording
from podwatch.render import PANES, pod_cells, pods_table, problem_items
from tests.recordings import recordings_dir

WIDTHS = list(range(40, 201))
"""Every width from 40 to 200."""
PRINTED = (40, 57, 80, 120, 161, 200)
"""Widths at which the grids also go through a Rich console, as `--once` prints them."""
DEMO_MOMENTS = (35, 150, 217, 380)


@cache
def stores() -> dict[str, Store]:
    """The demo at moments that cover its scenarios, every real capture together, and
    the seed capture."""
    from podwatch.cli import demo_path

    out = {}
    demo = read_recording(demo_path())
    for at in DEMO_MOMENTS:
        source = ReplaySource(demo, clock=lambda: 0.0, paused=True)
        source.seek(at)
        out[f"demo@{at}"] = source.store
    out["made-up"] = made_up_store()
    root = recordings_dir()
    for name in ("real-objects", "seed-demo"):
        files = sorted(str(p) for p in (root / name).glob("*.json"))
        source = ReplaySource(read_recording(files), clock=lambda: 0.0, paused=True)
        source.seek(source.duration)
        out[name] = source.store
    return out


LONG_RS = "checkout-api-gateway-for-the-eu-west-region-7d9f8c6b5-x2k4q"  # 63 chars
CJK = "支付服务-主节点-7d9f8c6b5-k2x4q"
MARKUP = "[bold red]boom[/] [link=https://evil]x[/link] \x1b]52;c;AAAA\x07 \u202eevil"


def made_up_store() -> Store:
    """What the captures lack: the longest legal ReplicaSet pod name, wide characters,
    markup and escapes from the cluster, a 4,000-character message."""
    from tests.factories import (
        cond,
        container,
        feed,
        pod,
        ready_conditions,
        running,
        waiting,
    )

    store = Store()
    long_message = " ".join(f"word{i}" for i in range(700))  # ~4,000 characters
    feed(
        store,
        pod(LONG_RS, statuses=[running()], conditions=ready_conditions()),
        pod(
            CJK,
            containers=[container("应用", image="registry.example.com/支付/服务:v1.2.3")],
            statuses=[waiting("应用", reason="CrashLoopBackOff", message=long_message)],
            conditions=ready_conditions(False),
        ),
        pod(
            "hostile",
            statuses=[waiting(reason=MARKUP, message=MARKUP)],
            conditions=[cond("Ready", "False", reason=MARKUP, message=MARKUP * 20)],
        ),
    )
    return store


CONSOLE = Console(width=200, file=io.StringIO(), color_system=None)


def draw(renderable, width: int) -> list[str]:
    """The lines drawn at `width`: a grid's own lines (fast, for every width), or what a
    console prints at the widths in PRINTED."""
    if isinstance(renderable, Grid) and width not in PRINTED:
        return [line.plain for line in renderable.lines(CONSOLE, width)]
    console = Console(width=width, file=io.StringIO(), color_system=None, record=True)
    console.print(renderable)
    return console.export_text().splitlines()


def words_of(text: Text | str) -> list[str]:
    return (text.plain if isinstance(text, Text) else text).split()


def cell_words(grid: Grid) -> set[str]:
    """The words of the grid's cells and notes: what came from the cluster."""
    words = set()
    for cells, notes in grid.rows:
        for t in (*cells, *notes):
            words.update(words_of(t))
    if not grid.rows:
        words.update(words_of(grid.empty))
    if grid.caption is not None:
        words.update(words_of(grid.caption))
    words.discard("-")  # a "-" cell is left out of a block
    return words


def grid_words(grid: Grid) -> set[str]:
    """Every word the grid may draw: its cells', its headers, its block labels."""
    words = cell_words(grid) | {"-"} | set(words_of(grid.empty))
    for col in grid.columns:
        words.update(words_of(col.header))
        words.update(words_of(col.block_label))
    return words


def assert_no_word_broken(
    lines: list[str], source: set[str], width: int, where: str, whole: set[str] | None = None
) -> None:
    for line in lines:
        assert cell_len(line.rstrip()) <= width, f"{where}: line wider than {width}: {line!r}"
    drawn = [w for line in lines for w in line.split()]
    # A word wider than the pane is folded: its pieces are allowed.
    folded = {w for w in source if cell_len(w) > width - NOTE_INDENT - 2}
    for word in drawn:
        if word in source:
            continue
        assert any(word in f for f in folded), f"{where} at {width}: {word!r} is a broken word"
    drawn_words = set(drawn)
    for word in source if whole is None else whole:
        if word not in folded:
            assert word in drawn_words, f"{where} at {width}: {word!r} is not drawn whole"


def pods() -> list[tuple[str, tuple[str, str]]]:
    return [(name, key) for name, store in stores().items() for key in sorted(store.pods)]


def test_the_stores_hold_the_pods_they_should():
    """The pods the tests below walk: every scenario of the demo, every real capture."""
    names = {key[1] for _name, key in pods()}
    assert {"pod-readiness-exec1", "pod-without-toleration", "false-pod", "job-fails"} <= names
    real = {key[1] for key in stores()["real-objects"].pods}
    assert "pod-liveness-kill-137" in real and len(real) > 20


@pytest.mark.parametrize(("store_name", "key"), pods(), ids=[f"{n}:{k[1]}" for n, k in pods()])
def test_every_pane_fits_every_width_without_breaking_a_word(store_name, key):
    store = stores()[store_name]
    detail = pod_detail(store, key)
    for _pane, title, build in PANES:
        grid = build(detail)
        source, whole = grid_words(grid), cell_words(grid)
        for width in WIDTHS:
            lines = draw(grid, width)
            assert_no_word_broken(lines, source, width, f"{title} of {key[1]}", whole)
    problems = Fields(problem_items(detail), indent=0)
    source = {w for item in problems.fields for w in words_of(item)}
    for width in WIDTHS:
        assert_no_word_broken(draw(problems, width), source, width, f"problems of {key[1]}")


@pytest.mark.parametrize("store_name", list(stores()))
def test_names_are_the_last_to_lose_room_at_every_width(store_name):
    store = stores()[store_name]
    rows = [pod_cells(row, store.now) for row in pod_rows(store)]
    for all_namespaces in (False, True):
        keys = {c.key for c in all_columns(all_namespaces=all_namespaces)} | {"restart_count"}
        natural = {k: max(r[k].cell_len for r in rows) for k in keys}
        for width in WIDTHS:
            layout = dict(
                (c.key, w) for c, w in plan(natural, width, all_namespaces=all_namespaces)
            )
            total = sum(layout.values()) + 2 * (len(layout) - 1)
            if layout[NAME.key] < natural[NAME.key]:
                # Cut: every step below NAME has been taken.
                for step in GIVE_WAY:
                    col = step.column
                    if step.replace is not None:
                        assert col.key not in layout and RESTART_COUNT.key in layout
                    elif step.most is not None:
                        assert layout.get(col.key, 0) <= step.most, (width, col.key, layout)
                    else:
                        assert col.key not in layout, (width, col.key, layout)
                assert layout[NAME.key] == MIN_NAME or total == width
            else:
                assert total <= width or layout[NAME.key] == natural[NAME.key]
            for cells in rows:
                line = row_line(cells, list(zip_layout(layout, all_namespaces)), width)
                assert line.cell_len <= width
                name = cells["name"].plain
                if total > width:
                    continue  # cut at the edge: the name's own cut is checked where it fits
                shown = line.plain.split()[1 + all_namespaces]
                if shown != name:
                    assert "…" in shown
                    tail = name.rpartition("-")[2]
                    if "-" in name and len(tail) + 5 <= layout[NAME.key]:
                        assert shown.endswith("…-" + tail), (shown, name)


def zip_layout(layout: dict[str, int], all_namespaces: bool):
    """The (column, width) pairs of `layout`, in display order."""
    from podwatch.columns import RESTARTS

    for col in all_columns(all_namespaces=all_namespaces):
        if col is RESTARTS and col.key not in layout:
            col = RESTART_COUNT
        if col.key in layout:
            yield col, layout[col.key]


@pytest.mark.parametrize("width", [30, 40, 48, 60, 80, 120, 200])
def test_once_pod_list_lines_fit_and_carry_no_trailing_spaces(width):
    store = stores()["real-objects"]
    lines = draw(pods_table(store, all_namespaces=True, width=width), width)
    assert len(lines) == len(store.pods) + 2
    for line in lines:
        assert cell_len(line) <= width and line == line.rstrip()
    if width >= 120:
        # Room enough: every name whole.
        for key in store.pods:
            assert any(key[1] in line for line in lines), key
