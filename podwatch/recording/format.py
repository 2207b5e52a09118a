"""What a recording is, shared by the writer, the reader and the importers.

The format's name and version, the line limit, the error every reader raises, the
merged `Recording` and the per-file events it is made of live here, so that the
modules that write, read, import and merge depend on this one and not on each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from podwatch.model.k8s import meta, rv_number, s
from podwatch.model.watch import WatchEvent

FORMAT = "podwatch-recording"
VERSION = 1
MAX_LINE_BYTES = 64 * 1024 * 1024
"""A line longer than this is refused rather than read into memory."""


class RecordingError(Exception):
    """A file podwatch cannot read, reported as `FILE:LINE: what is wrong`."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


@dataclass
class Recording:
    """Events of one or more files, merged, with times relative to `started`."""

    header: dict
    events: list[WatchEvent]
    started: float
    """Epoch seconds of t=0."""
    warnings: list[str] = field(default_factory=list)
    skipped_lines: int = 0

    @property
    def duration(self) -> float:
        return self.events[-1].t if self.events else 0.0


@dataclass
class Doc:
    """One JSON document of a file, with where it starts for `FILE:LINE` errors."""

    value: Any
    line: int
    """1-based line where the document starts."""


@dataclass
class FileEvents:
    """Events of one file, before merging: absolute epoch times and resourceVersions."""

    path: str
    events: list[tuple[float | None, int | None, WatchEvent]]
    header: dict | None = None
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0
    skip_bad: bool = False
    """Skip (and count) bad lines instead of stopping at the first."""
    started: float = 0.0


def rv_int(obj: Any) -> int | None:
    """The object's resourceVersion as a number (the merge's order), or None."""
    return rv_number(s(meta(obj).get("resourceVersion")))


def many_namespaces(recording: Recording) -> bool:
    """Whether the recording's pods span namespaces (the table then shows NAMESPACE)."""
    namespaces = set()
    for event in recording.events:
        if event.kind == "Pod" and isinstance(event.object, dict):
            namespaces.add((event.object.get("metadata") or {}).get("namespace"))
            if len(namespaces) > 1:
                return True
    return False
