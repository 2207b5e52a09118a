"""Cutting text to a number of terminal cells, in the two ways podwatch needs.

Counted in cells, not characters (`rich.cells.set_cell_size`), so that wide
characters in a hostile name never push a line past its width.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size

ELLIPSIS = "…"


def _start(text: str, width: int) -> str:
    """The start of `text` in at most `width` cells (a wide character that would
    straddle the edge is left out, not half drawn)."""
    if cell_len(text) <= width:
        return text
    # set_cell_size pads with a space where a wide character would straddle the edge.
    return set_cell_size(text, width).rstrip(" ")


def _end(text: str, width: int) -> str:
    return _start(text[::-1], width)[::-1]


def cut_keeping_suffix(text: str, width: int) -> str:
    """`text` in `width` cells: whole if it fits; else its start, `…`, and its last
    dash-separated part, the part that tells ReplicaSet and Job pods apart
    (`checkout-api-7d9…-x2k4q`); else `…` and its end."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    head, dash, tail = text.rpartition("-")
    suffix = dash + tail if head else ""
    if suffix and cell_len(suffix) + 4 <= width:
        return _start(head, width - 1 - cell_len(suffix)) + ELLIPSIS + suffix
    return ELLIPSIS + _end(text, width - 1)


def cut_halves(text: str, width: int) -> str:
    """`text` in `width` cells, its middle replaced by `…`, keeping both ends: a
    context such as `arn:aws:eks:eu-west-1:123456789012:cluster/prod` keeps the
    account and the cluster."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    tail = width // 2
    head = width - 1 - tail
    return _start(text, head) + ELLIPSIS + _end(text, tail)
