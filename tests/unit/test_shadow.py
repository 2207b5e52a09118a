"""The shadow copy of the terminal (podwatch/ui/shadow.py): what it sends, read by a
terminal emulator (pyte), must leave the same screen as Textual's full output would,
for any sequence of updates; and it sends nothing for cells already shown."""

from __future__ import annotations

import pyte
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.color import ColorSystem
from rich.control import Control
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from podwatch.ui.shadow import ShadowScreen

W, H = 24, 6
STYLES = [
    None,
    Style(bold=True),
    Style(color="red", bgcolor="blue"),
    Style(underline=True, color="color(23)", bgcolor="color(233)"),
    Style(reverse=True),
]
WORDS = ["a", "bc", "xyz  ", " ", "漢字", "é", "e\u0301", "─┬─", "✓ ok", "∅"]


def codes(style: Style) -> str:
    return Strip.render_ansi(style, ColorSystem.EIGHT_BIT)


def full_output(writes) -> str:
    """What Textual writes for these segments: a move, then every segment in full."""
    out = []
    for x, y, segments in writes:
        out.append(Control.move_to(x, y).segment.text)
        for text, style in segments:
            out.append(Strip.render_style(style, text, ColorSystem.EIGHT_BIT) if style else text)
    return "".join(out)


def as_segments(writes):
    for x, y, segments in writes:
        yield Control.move_to(x, y).segment
        for text, style in segments:
            yield Segment(text, style)


def screen_of(terminal: pyte.Screen) -> list[list[tuple]]:
    """The screen as a real terminal (xterm, tmux) shows it. pyte keeps both halves of
    a double-width character when one is overwritten; a real terminal erases the other
    half, so such halves read as erased here."""
    rows = []
    for y in range(H):
        row, line = [], terminal.buffer[y]
        for x in range(W):
            c = line[x]
            erased = (c.data == "" and (x == 0 or cell_len(line[x - 1].data) != 2)) or (
                cell_len(c.data) == 2 and (x + 1 >= W or line[x + 1].data != "")
            )
            if erased:
                row.append("erased")
            else:
                row.append((c.data, c.fg, c.bg, c.bold, c.underscore, c.reverse))
        rows.append(row)
    return rows


def terminal() -> tuple[pyte.Screen, pyte.Stream]:
    screen = pyte.Screen(W, H)
    return screen, pyte.Stream(screen)


@st.composite
def a_write(draw):
    y = draw(st.integers(0, H - 1))
    x = draw(st.integers(0, W - 1))
    segments, room = [], W - x
    for _ in range(draw(st.integers(1, 4))):
        word = draw(st.sampled_from(WORDS))
        if cell_len(word) > room or (word == "e\u0301" and cell_len(word) == room):
            # (pyte wraps before a combining mark at the last column; terminals do not)
            break
        segments.append((word, draw(st.sampled_from(STYLES))))
        room -= cell_len(word)
    return (x, y, segments)


def disjoint(writes):
    """An update writes each cell at most once (Textual's updates do: one strip per chop
    of a line); later updates overwrite earlier ones freely."""
    taken: set[tuple[int, int]] = set()
    kept = []
    for x, y, segments in writes:
        cells = {(y, i) for i in range(x, x + sum(cell_len(t) for t, _ in segments))}
        if not cells & taken:
            kept.append((x, y, segments))
            taken |= cells
    return kept


updates = st.lists(
    st.lists(a_write(), min_size=1, max_size=8).map(disjoint), min_size=1, max_size=6
)


@settings(max_examples=300, deadline=None)
@given(updates)
def test_the_diff_leaves_the_screen_full_output_would(frames) -> None:
    full, full_stream = terminal()
    diff, diff_stream = terminal()
    shadow = ShadowScreen(codes)
    shadow.reset(W, H)
    for writes in frames:
        full_stream.feed(full_output(writes))
        diff_stream.feed(shadow.update(as_segments(writes)))
        assert screen_of(diff) == screen_of(full)


def test_cells_already_shown_are_not_sent_again() -> None:
    shadow = ShadowScreen(codes)
    shadow.reset(W, H)
    frame = [(0, y, [(f"row {y} text", STYLES[2]), ("  ✓", None)]) for y in range(H)]
    first = shadow.update(as_segments(frame))
    assert "row 5 text" in first
    assert shadow.update(as_segments(frame)) == ""
    # One cell changes: one move, one style, one character, one reset.
    frame[3] = (0, 3, [("row 3 tExt", STYLES[2]), ("  ✓", None)])
    assert shadow.update(as_segments(frame)) == "\x1b[4;8H\x1b[0;31;44mE\x1b[0m"
    # (each update ends with a reset, as Textual's own output does: the next starts plain)


def test_a_style_is_sent_once_per_change_not_per_segment() -> None:
    shadow = ShadowScreen(codes)
    shadow.reset(W, H)
    frame = [(0, 0, [("ab", STYLES[1]), ("cd", STYLES[1]), ("ef", STYLES[1])])]
    frame += [(0, 1, [("gh", STYLES[1])])]
    sent = shadow.update(as_segments(frame))
    assert sent.count("\x1b[0;1m") == 1 and sent.count("\x1b[0m") == 1


def test_a_new_size_or_a_reset_sends_everything_again() -> None:
    shadow = ShadowScreen(codes)
    shadow.reset(W, H)
    frame = [(0, 0, [("hello", None)])]
    shadow.update(as_segments(frame))
    shadow.ensure_size(W, H)
    assert shadow.update(as_segments(frame)) == ""
    shadow.ensure_size(W + 1, H)
    assert "hello" in shadow.update(as_segments(frame))
    shadow.reset()
    assert "hello" in shadow.update(as_segments(frame))


def test_small_gaps_are_rewritten_rather_than_jumped() -> None:
    shadow = ShadowScreen(codes)
    shadow.reset(W, H)
    shadow.update(as_segments([(0, 0, [("abcdefghijklmnop", None)])]))
    sent = shadow.update(as_segments([(0, 0, [("Abcdefghijklmnop", None)])]))
    assert sent == "\x1b[1;1HA"
    near = shadow.update(as_segments([(0, 0, [("abcDefghijklmnop", None)])]))
    assert near == "\x1b[1;1HabcD"  # 2 cells rewritten beat a second cursor move
    far = shadow.update(as_segments([(0, 0, [("AbcdefghijklmnoP", None)])]))
    assert far == "\x1b[1;1HAbcd\x1b[1;16HP"  # 11 unchanged cells: a jump is cheaper
