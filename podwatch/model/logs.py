"""A container's log, as podwatch shows it: untrusted text made safe and bounded.

Log text is whatever the program wrote (SPEC 4): escape sequences, carriage returns,
invalid UTF-8, one line of megabytes. It is decoded leniently, cut into lines, each
line cleaned of control characters and capped, and only the last lines are kept, so
that a hostile or chatty container can neither drive the terminal nor fill memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from podwatch.model.events import cap_text
from podwatch.safe import clean

TAIL_LINES = 200
"""Lines asked for (the log subresource's tailLines)."""
LIMIT_BYTES = 64 * 1024
"""Bytes asked for at most (limitBytes): a bound on what one request reads."""
MAX_LINE = 1000
"""Characters of one line shown; the rest is said as a count."""


@dataclass(slots=True)
class ContainerLog:
    """One container's log (its current instance, or the previous one)."""

    container: str
    previous: bool
    lines: list[str] = field(default_factory=list)
    """Cleaned, capped lines, oldest first."""
    truncated: bool = False
    """The server cut it at LIMIT_BYTES: older lines may be missing above."""
    error: str = ""
    """Why there is no log (not permitted, no previous instance, unreachable); cleaned."""

    @property
    def title(self) -> str:
        which = "previous instance" if self.previous else "current"
        return f"{self.container} ({which})"


def log_lines(data: bytes, max_line: int = MAX_LINE) -> list[str]:
    """The lines of raw log bytes: decoded with replacement, split on newlines; a line a
    carriage return rewrote (a progress bar) is its last state; each line cleaned of
    control characters (made visible) and capped at `max_line`."""
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it starts none
    out = []
    for line in lines:
        if "\r" in line.rstrip("\r"):
            line = line.rstrip("\r").rsplit("\r", 1)[-1]
        out.append(clean(cap_text(line, max_line), max_line + 40))
    return out
