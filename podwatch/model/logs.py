"""A container's log, as podwatch shows it: untrusted text made safe and bounded.

Log text is whatever the program wrote (SPEC 4): escape sequences, carriage returns,
invalid UTF-8, one line of megabytes. It is decoded leniently, cut into lines, each
line cleaned of control characters and capped, and only the last lines are kept, so
that a hostile or chatty container can neither drive the terminal nor fill memory.
"""

from __future__ import annotations

import calendar
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from podwatch.model.events import cap_text
from podwatch.model.k8s import Key, format_clock, meta, s
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
    note: str = ""
    """Where it comes from when not read now (`recorded at restart 3, 10:04:12`)."""

    @property
    def title(self) -> str:
        which = "previous instance" if self.previous else "current"
        return f"{self.container} ({which}{', ' + self.note if self.note else ''})"


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


FOLLOW_LINES = 2000
"""Lines a followed log keeps on screen; older ones scroll away for good."""
MAX_PENDING = 16 * MAX_LINE
"""Bytes of an unfinished line held while following; beyond, the line is cut there."""


def clean_line(line: bytes, max_line: int = MAX_LINE) -> str:
    """One line of log bytes as `log_lines` makes each."""
    return log_lines(line + b"\n", max_line)[0]


class LineSplitter:
    """Cuts a byte stream (a followed log) into whole lines. An unfinished line is held
    until its newline comes, at most MAX_PENDING bytes of it: a container that writes
    megabytes without a newline cannot fill memory."""

    def __init__(self, max_pending: int = MAX_PENDING) -> None:
        self.max_pending = max_pending
        self._pending = b""
        self._cut = False
        """The unfinished line passed max_pending: the rest of it is dropped."""

    def feed(self, data: bytes) -> list[bytes]:
        lines = (self._pending + data).split(b"\n")
        rest = lines.pop()
        out = []
        for n, line in enumerate(lines):
            if n == 0 and self._cut:
                out.append(self._pending + b" [cut]")
                self._cut = False
            else:
                out.append(line)
        if len(rest) > self.max_pending:
            rest, self._cut = rest[: self.max_pending], True
        self._pending = rest
        return out

    def flush(self) -> list[bytes]:
        """The unfinished line, when the stream ends."""
        rest, self._pending = self._pending, b""
        if not rest:
            return []
        return [rest + b" [cut]" if self._cut else rest]


STAMP_LENGTH = len("2026-12-01T10:00:00.000000000Z")


def stamp_of(line: bytes) -> bytes:
    """The kubelet's timestamp at the start of a `timestamps=true` line (fixed width,
    RFC3339NanoFixed, so that stamps compare as bytes), or b"" for a line without one."""
    head = line[:STAMP_LENGTH]
    shaped = head[4:5] == b"-" and head[10:11] == b"T" and head.endswith(b"Z")
    if len(head) == STAMP_LENGTH and shaped:
        return head
    return b""


def shown_line(line: str) -> str:
    """A log line as shown: the kubelet's stamp at its start
    (`2026-12-01T10:00:04.123456789Z`, UTC) as the local wall clock with milliseconds
    (`10:00:04.123`), the clock of every other time podwatch shows, in a quarter of the
    width. What is read and recorded keeps the stamp whole."""
    end = STAMP_LENGTH - 1
    if len(line) <= end or line[4] != "-" or line[10] != "T" or line[end] != "Z":
        return line
    try:
        parts = (line[0:4], line[5:7], line[8:10], line[11:13], line[14:16], line[17:19])
        epoch = calendar.timegm((*(int(p) for p in parts), 0, 0, 0))
    except ValueError:
        return line
    return f"{format_clock(epoch)}.{line[20:23]}{line[STAMP_LENGTH:]}"


class StampCursor:
    """How far a followed log has been shown, so that reconnecting (`sinceTime` takes
    whole seconds) skips what was already shown: the last stamp, and how many lines
    carried it."""

    def __init__(self) -> None:
        self.last = b""
        self.same = 0
        self._again = 0
        """Lines at `last` seen again in this connection."""

    def since(self) -> str:
        """`sinceTime` for the next connection ("" before any stamped line)."""
        return self.last[:19].decode() + "Z" if self.last else ""

    def reconnected(self) -> None:
        self._again = 0

    def fresh(self, stamp: bytes) -> bool:
        """Is a line with this stamp not shown yet? (Lines come in order.)"""
        if not stamp:
            return True  # without a stamp there is no telling: show it
        if stamp < self.last:
            return False
        if stamp == self.last:
            self._again += 1
            if self._again <= self.same:
                return False
            self.same += 1
            return True
        self.last, self.same, self._again = stamp, 1, 1
        return True


# --------------------------------------------------------------------------- recorded
# `podwatch record --logs` reads the previous instance's tail at each restart and
# records it as a `ContainerLog` event (kube/logs.py RestartLogs), so that a replay
# shows what the crashed container printed. The store keeps the last few per container,
# and a bounded number in all: replay memory stays bounded by the cluster's state.

LOG_KIND = "ContainerLog"
"""The recording's kind for a container log read at a restart (not a Kubernetes kind)."""
MAX_RECORDED = 100
"""Recorded logs a store keeps in all (each at most LIMIT_BYTES): the oldest go first."""
PER_CONTAINER = 3
"""Recorded instances kept per container."""


@dataclass(frozen=True, slots=True)
class RecordedLog:
    """A container's previous instance's log, read when it restarted."""

    container: str
    restarts: int
    """The container's restartCount when it was read: this log is of the instance before."""
    at: float
    """When it was read (epoch seconds, the recording's clock)."""
    text: str
    truncated: bool = False
    error: str = ""


def log_object(
    namespace: str, pod: str, uid: str, log: ContainerLog, restarts: int, text: str
) -> dict[str, Any]:
    """The object of a recorded `ContainerLog` event: the raw text (bounded), cleaned
    only when shown, since a recording is as untrusted as the cluster."""
    return {
        "metadata": {"namespace": namespace, "name": pod, "uid": uid},
        "container": log.container,
        "previous": log.previous,
        "restartCount": restarts,
        "text": text,
        "truncated": log.truncated,
        "error": log.error,
    }


def recorded_log(obj: dict, at: float) -> tuple[Key, RecordedLog] | None:
    """A recorded `ContainerLog` object read defensively (it is untrusted input); None
    when it names no pod or container."""
    md = meta(obj)
    key = (s(md.get("namespace")), s(md.get("name")))
    container = s(obj.get("container"))
    if not key[1] or not container:
        return None
    restarts = obj.get("restartCount")
    text = obj.get("text")
    return key, RecordedLog(
        container=container[:300],
        restarts=restarts if isinstance(restarts, int) and not isinstance(restarts, bool) else 0,
        at=at,
        text=text[-LIMIT_BYTES:] if isinstance(text, str) else "",
        truncated=obj.get("truncated") is True,
        error=s(obj.get("error"))[:400],
    )


class RecordedLogs:
    """The recorded logs a store holds: per (pod, container) the last PER_CONTAINER,
    oldest first, MAX_RECORDED in all (the least recently recorded container goes)."""

    def __init__(self, limit: int = MAX_RECORDED) -> None:
        self.limit = limit
        self._by: OrderedDict[tuple[Key, str], list[RecordedLog]] = OrderedDict()
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, key: Key, log: RecordedLog) -> None:
        slot = (key, log.container)
        kept = self._by.pop(slot, [])
        kept.append(log)
        self._count += 1
        if len(kept) > PER_CONTAINER:
            kept.pop(0)
            self._count -= 1
        self._by[slot] = kept
        while self._count > self.limit:
            _, oldest = self._by.popitem(last=False)
            self._count -= len(oldest)

    def of(self, key: Key, container: str) -> list[RecordedLog]:
        return list(self._by.get((key, container), ()))

    def containers(self, key: Key) -> list[str]:
        return [c for (k, c) in self._by if k == key]

    def count(self, key: Key) -> int:
        """The recorded logs of the pod, every container's."""
        if not self._by:
            return 0  # live, and most recordings: nothing to look through
        return sum(len(logs) for (k, _c), logs in self._by.items() if k == key)


def shown_log(log: RecordedLog, clock: str) -> ContainerLog:
    """A recorded log as the log screen shows it; `clock` is when it was read, as the
    replay writes times."""
    return ContainerLog(
        log.container,
        True,
        lines=log_lines(log.text.encode("utf-8", errors="replace")),
        truncated=log.truncated,
        error=clean(log.error, 400),
        note=f"recorded at restart {log.restarts}, {clock}",
    )
