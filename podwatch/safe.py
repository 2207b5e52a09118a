"""Untrusted text from the cluster, made safe to put on a terminal (SPEC 4).

Anyone who can create a pod writes names, labels, messages and probe output.
Rendered through Rich or Textual, such a string could carry markup (`[red]`,
`[@click=...]`) or terminal control sequences (CSI, OSC 52, OSC 8). Every
cluster string goes through `plain()`: the result is a Rich `Text` (never
parsed as markup) in which control, bidi-override and zero-width characters
are replaced by a visible escape such as `\\x1b` or `\\u202e`.
"""

from __future__ import annotations

import re

from rich.text import Text

_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)
MAX_CELL = 2000
"""Characters of one untrusted string shown in a table cell before it is cut."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def clean(value: object, limit: int | None = MAX_CELL) -> str:
    """`value` as a string with every unsafe character made visible, newlines and tabs
    as spaces, and cut to `limit` characters."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    if limit is not None and len(text) > limit:
        text = text[:limit] + f"… [+{len(text) - limit} chars]"
    text = text.replace("\n", " ").replace("\t", " ")
    return _UNSAFE.sub(_escape, text)


def plain(value: object, style: str = "", limit: int | None = MAX_CELL) -> Text:
    """A Rich Text holding `value` literally: no markup, no control sequences."""
    return Text(clean(value, limit), style=style)
