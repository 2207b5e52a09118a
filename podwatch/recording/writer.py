"""Writing a podwatch recording (SPEC 2.2): a header line, then one line per event.

Each line is written whole and flushed at once, so that a killed recorder leaves a
file that replays up to its last complete event.
"""

from __future__ import annotations

import gzip
import os
import time
import zlib
from pathlib import Path
from typing import IO

from podwatch import codec
from podwatch.model.k8s import format_rfc3339
from podwatch.model.watch import WatchEvent
from podwatch.recording.format import FORMAT, VERSION
from podwatch.recording.redact import sanitize


class RecordingWriter:
    """Writes a podwatch recording, one flushed line per event.

    Lines are written whole with a single `write` and flushed (for `.gz`, with
    a sync flush) so that a crash loses at most the line being written.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        context: str | None = None,
        scope: dict | None = None,
        redact: bool = True,
        started: float | None = None,
        header: dict | None = None,
    ) -> None:
        self.path = Path(path)
        self.redact = redact
        self.started = time.time() if started is None else started
        self.count = 0
        raw: IO[bytes] = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        self._raw = raw
        self._gz: gzip.GzipFile | None = None
        if self.path.suffix == ".gz":
            self._gz = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0)
        header = {
            "format": FORMAT,
            "version": VERSION,
            "started": format_rfc3339(self.started),
            "startedEpoch": self.started,
            "context": context,
            "scope": scope or {},
            "redacted": redact,
            **(header or {}),
        }
        self._write_line(codec.encode(header))

    def _write_line(self, data: bytes) -> None:
        if self._gz is not None:
            self._gz.write(data + b"\n")
            self._gz.flush(zlib.Z_SYNC_FLUSH)
        else:
            self._raw.write(data + b"\n")
        self._raw.flush()

    def write(self, event: WatchEvent, t: float | None = None) -> None:
        """Write `event` at its own `t`, or at `t` seconds since this file's start."""
        line = {
            "t": round(event.t if t is None else t, 3),
            "kind": event.kind,
            "type": event.type,
            "object": sanitize(event.object, redact=self.redact),
        }
        if event.context:
            line["context"] = event.context
        self._write_line(codec.encode(line))
        self.count += 1

    def close(self) -> None:
        if self._gz is not None:
            self._gz.close()
            self._gz = None
        if not self._raw.closed:
            self._raw.close()

    def __enter__(self) -> RecordingWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
