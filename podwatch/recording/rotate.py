"""Always recording: `podwatch record DIR --rotate 1h --keep 48h`.

One podwatch recording per period in DIR, named by its start time (UTC), so that the
names sort in time order: `podwatch-20261201T100000Z.jsonl.gz`. Each file replays
alone: after its header it restates the state the recorder knows (every object as
ADDED, then a RELIST per kind that has been listed, all at t=0), then the events of its
period. The header's `snapshot` says how many lines that restatement is, so that
`replay DIR` (merge.py) can leave out what the previous file already holds.

Files are append-only, each line flushed whole (writer.py): a killed recorder leaves
every closed file whole and the open one readable up to its last complete line.
Files whose period ended more than `keep` ago are deleted at each rotation.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from podwatch.model.k8s import d, lst, meta, s
from podwatch.model.watch import WatchEvent, relist_marker
from podwatch.recording.writer import RecordingWriter

NAME = re.compile(r"podwatch-(\d{8}T\d{6})Z(?:-\d+)?\.jsonl(?:\.gz)?")
"""The files a rotating recorder writes, and the only ones it ever deletes."""


def file_name(started: float, suffix: str = ".jsonl.gz") -> str:
    stamp = datetime.fromtimestamp(started, UTC).strftime("%Y%m%dT%H%M%S")
    return f"podwatch-{stamp}Z{suffix}"


def _name_start(name: str) -> float | None:
    match = NAME.fullmatch(name)
    if not match:
        return None
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC).timestamp()


def _key(obj: Any) -> tuple[str, str]:
    m = meta(obj)
    return (s(m.get("namespace")), s(m.get("name")))


class RotatingRecorder:
    """Writes events as `RecordingWriter` does, into a new file every `rotate` seconds
    (at wall-clock multiples of it: a `1h` file starts on the hour), deleting files
    whose period ended more than `keep` seconds ago (None: keep all).

    Event times (`WatchEvent.t`) count from the recorder's creation, as a source's
    count from its start; each file writes them relative to its own start."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        rotate: float,
        keep: float | None = None,
        context: str | None = None,
        scope: dict | None = None,
        redact: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not rotate > 0:
            raise ValueError("rotate must be > 0")
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.rotate = rotate
        self.keep = keep
        self.clock = clock
        self._context = context
        self._scope = scope
        self._redact = redact
        self.origin = clock()
        self.count = 0
        """Events written, restatements left out."""
        self._objects: dict[str, dict[tuple[str, str], Any]] = {}
        self._listed: dict[str, str] = {}
        """Kinds listed at least once, and the resourceVersion they are at."""
        self._writer: RecordingWriter | None = None
        self.path: Path = self.directory
        self._open(self.origin)

    # ----------------------------------------------------------------- files

    def _open(self, started: float) -> None:
        snapshot = self._snapshot()
        path = self.directory / file_name(started)
        n = 1
        while path.exists():  # a restart within the same second: never overwrite
            n += 1
            path = self.directory / file_name(started, f"-{n}.jsonl.gz")
        self._writer = RecordingWriter(
            path,
            context=self._context,
            scope=self._scope,
            redact=self._redact,
            started=started,
            header={"snapshot": len(snapshot), "rotate": self.rotate},
        )
        for event in snapshot:
            self._writer.write(event, 0.0)
        self.path = path
        self.started = started
        self._ends = (math.floor(started / self.rotate) + 1) * self.rotate
        self.prune(started)

    def _snapshot(self) -> list[WatchEvent]:
        """What the recorder knows, as a list would deliver it."""
        events: list[WatchEvent] = []
        for kind, objects in self._objects.items():
            events.extend(WatchEvent(0.0, kind, "ADDED", obj) for obj in objects.values())
            if kind in self._listed:
                events.append(relist_marker(0.0, kind, list(objects), self._listed[kind]))
        return events

    def files(self) -> list[tuple[float, Path]]:
        """The recorder's files in DIR, oldest first."""
        found = []
        for entry in self.directory.iterdir():
            start = _name_start(entry.name)
            if start is not None and entry.is_file():
                found.append((start, entry))
        return sorted(found)

    def prune(self, now: float | None = None) -> list[Path]:
        """Delete the files whose period (until the next file's start) ended more than
        `keep` ago; never the file being written. Returns what was deleted."""
        if self.keep is None:
            return []
        now = self.clock() if now is None else now
        files = self.files()
        gone = []
        for (_start, path), (next_start, _next) in pairwise(files):
            if path != self.path and next_start <= now - self.keep:
                try:
                    path.unlink()
                except OSError:
                    continue
                gone.append(path)
        return gone

    # ----------------------------------------------------------------- events

    def tick(self, now: float | None = None) -> bool:
        """Start the next file if this one's period is over; whether it did."""
        now = self.clock() if now is None else now
        if now < self._ends or self._writer is None:
            return False
        self._writer.close()
        self._open(now)
        return True

    def write(self, event: WatchEvent) -> None:
        if self._writer is None:
            return
        self.tick()
        self._writer.write(event, max(0.0, self.origin + event.t - self.started))
        self.count += 1
        self._track(event)

    def _track(self, event: WatchEvent) -> None:
        kind, etype, obj = event.kind, event.type, event.object
        if etype in ("ADDED", "MODIFIED") and isinstance(obj, dict):
            self._objects.setdefault(kind, {})[_key(obj)] = obj
        elif etype == "DELETED" and isinstance(obj, dict):
            self._objects.get(kind, {}).pop(_key(obj), None)
        elif etype == "RELIST":
            keys = {(s(k[0]), s(k[1])) for k in lst(d(obj).get("keys")) if len(lst(k)) == 2}
            table = self._objects.setdefault(kind, {})
            for key in [k for k in table if k not in keys]:
                del table[key]
            self._listed[kind] = s(d(obj).get("resourceVersion"))
        if kind in self._listed and etype != "RELIST":
            rv = s(meta(obj).get("resourceVersion"))
            if rv:
                self._listed[kind] = rv

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def __enter__(self) -> RotatingRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
