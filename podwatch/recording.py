"""Recordings: podwatch's own JSON Lines format, and what kubectl users already have.

A podwatch recording (SPEC 2.2) is a header line and one line per received
event. It is written one whole, flushed line at a time so that a killed
recorder leaves a file that replays up to its last complete event.

The reader also accepts, detected per file, the three shapes kubectl writes:
`--watch --output-watch-events -o json` (`{"type", "object"}` documents),
`-w -o json` (bare objects) and `-o json` (a List), compact or pretty-printed.
Several files are merged into one stream in resourceVersion order (an etcd
revision shared by all kinds), and each event gets the time the object itself
tells, since kubectl records no receive times.
"""

from __future__ import annotations

import copy
import gzip
import json
import os
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import IO, Any

from podwatch import codec
from podwatch.model.k8s import (
    REDACTED,
    d,
    format_rfc3339,
    lst,
    meta,
    parse_time,
    rv_number,
    s,
    strip_metadata,
)
from podwatch.model.watch import EVENT_TYPES, WatchEvent

FORMAT = "podwatch-recording"
VERSION = 1
MAX_LINE_BYTES = 64 * 1024 * 1024
"""A line longer than this is refused rather than read into memory."""

_LIST_ITEM_KINDS = {
    "PodList": "Pod",
    "EventList": "Event",
    "ServiceList": "Service",
    "EndpointsList": "Endpoints",
    "EndpointSliceList": "EndpointSlice",
    "NodeList": "Node",
}


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


# --------------------------------------------------------------------------- writing


def sanitize(obj: Any, *, redact: bool = True) -> Any:
    """A copy of `obj` fit to be stored: no managedFields and, unless told not to, no secrets.

    Secrets are container `env[].value` (in every container list, and in the
    last-applied annotation, whose value is replaced whole because it repeats the spec).
    """
    if not isinstance(obj, dict):
        return obj
    out = strip_metadata(obj, last_applied="redact" if redact else "keep")
    spec = d(obj.get("spec"))
    if redact and _has_env_values(spec):
        out = dict(out)
        spec = copy.deepcopy(spec)
        for group in ("containers", "initContainers", "ephemeralContainers"):
            for container in lst(spec.get(group)):
                for env in lst(d(container).get("env")):
                    if isinstance(env, dict) and "value" in env:
                        env["value"] = REDACTED
        out["spec"] = spec
    return out


def _has_env_values(spec: dict) -> bool:
    for group in ("containers", "initContainers", "ephemeralContainers"):
        for container in lst(spec.get(group)):
            for env in lst(d(container).get("env")):
                if isinstance(env, dict) and "value" in env:
                    return True
    return False


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
        }
        self._write_line(codec.encode(header))

    def _write_line(self, data: bytes) -> None:
        if self._gz is not None:
            self._gz.write(data + b"\n")
            self._gz.flush(zlib.Z_SYNC_FLUSH)
        else:
            self._raw.write(data + b"\n")
        self._raw.flush()

    def write(self, event: WatchEvent) -> None:
        line = {
            "t": round(event.t, 3),
            "kind": event.kind,
            "type": event.type,
            "object": sanitize(event.object, redact=self.redact),
        }
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


# --------------------------------------------------------------------------- reading


@dataclass
class _Doc:
    value: Any
    line: int
    """1-based line where the document starts."""


@dataclass
class _FileEvents:
    """Events of one file, before merging: absolute epoch times and resourceVersions."""

    path: str
    events: list[tuple[float | None, int | None, WatchEvent]]
    header: dict | None = None
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0
    skip_bad: bool = False
    """Skip (and count) bad lines instead of stopping at the first."""
    started: float = 0.0


class _Oversize:
    """Stands for a line longer than MAX_LINE_BYTES, which is skipped, never held."""

    def __init__(self, size: int) -> None:
        self.size = size


def _split_lines(chunks: Iterable[bytes]) -> Iterator[bytes | _Oversize]:
    """Lines (each with its newline, except a last unfinished one) from byte chunks,
    holding at most one line (up to MAX_LINE_BYTES) in memory."""
    tail = b""
    oversize = 0
    for chunk in chunks:
        start = 0
        while True:
            newline = chunk.find(b"\n", start)
            if newline < 0:
                piece = chunk[start:]
                if oversize:
                    oversize += len(piece)
                elif len(tail) + len(piece) > MAX_LINE_BYTES:
                    oversize, tail = len(tail) + len(piece), b""
                else:
                    tail += piece
                break
            piece = chunk[start : newline + 1]
            start = newline + 1
            if oversize or len(tail) + len(piece) > MAX_LINE_BYTES + 1:
                yield _Oversize(oversize + len(tail) + len(piece))
                oversize, tail = 0, b""
            else:
                yield tail + piece if tail else piece
                tail = b""
    if oversize:
        yield _Oversize(oversize + len(tail))
    elif tail:
        yield tail


def _file_chunks(path: str, fe: _FileEvents, size: int = 1 << 20) -> Iterator[bytes]:
    """The file's bytes in chunks, gunzipped as they come when it is gzip; a gzip stream
    cut short (a recorder killed) or damaged part-way gives what was whole, and a warning."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below, after the generator's last chunk
    except OSError as exc:
        raise RecordingError(path, None, f"cannot read: {exc.strerror or exc}") from None
    with fh:
        first = fh.read(size)
        if first[:2] != b"\x1f\x8b":
            while first:
                yield first
                first = fh.read(size)
            return
        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
        produced = 0
        chunk = first
        while chunk:
            for at in range(0, len(chunk), 65536):
                piece = chunk[at : at + 65536]
                saved = decomp.copy()
                try:
                    out = decomp.decompress(piece)
                except zlib.error as exc:
                    # Salvage what decompresses before the damage, a little at a time.
                    decomp, out, damage = saved, b"", exc
                    for small in range(len(piece)):  # once per file: byte by byte is fine
                        try:
                            out += decomp.decompress(piece[small : small + 1])
                        except zlib.error:
                            break
                    produced += len(out)
                    if produced == 0:
                        raise RecordingError(path, None, f"corrupt gzip data: {damage}") from None
                    if out:
                        yield out
                    fe.warnings.append(
                        f"{path}: gzip data damaged after {produced} bytes; read up to there"
                    )
                    return
                produced += len(out)
                if out:
                    yield out
                if decomp.eof:
                    return
            chunk = fh.read(size)
        out = decomp.flush()
        if out:
            yield out
        fe.warnings.append(f"{path}: gzip stream ends early (recorder killed?); read what is whole")


def _iter_lines(
    path: str, lines: Iterable[bytes | _Oversize], skip_bad: bool, fe: _FileEvents
) -> Iterator[_Doc]:
    """One JSON document per line; a bad last line without newline is a truncation."""
    for lineno, raw in enumerate(lines, 1):
        if isinstance(raw, _Oversize):
            err = f"line is {raw.size} bytes, longer than the {MAX_LINE_BYTES} podwatch reads"
            if skip_bad:
                fe.skipped += 1
                continue
            raise RecordingError(path, lineno, err)
        if not raw.strip():
            continue
        try:
            value = codec.decode(raw)
        except (codec.DecodeError, UnicodeDecodeError) as exc:
            if not raw.endswith(b"\n"):
                fe.warnings.append(f"{path}:{lineno}: last line is incomplete; ignored")
                continue
            if skip_bad:
                fe.skipped += 1
                continue
            raise RecordingError(path, lineno, f"not valid JSON ({_short(exc)})") from None
        yield _Doc(value, lineno)


def _iter_documents(path: str, text: str, skip_bad: bool, fe: _FileEvents) -> Iterator[_Doc]:
    """Concatenated (possibly pretty-printed) JSON documents, as kubectl writes them."""
    decoder = json.JSONDecoder()
    pos = 0
    n = len(text)
    while True:
        while pos < n and text[pos] in " \t\r\n":
            pos += 1
        if pos >= n:
            return
        lineno = text.count("\n", 0, pos) + 1
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            rest = text[pos:]
            # An unfinished final document: the capture was cut off.
            if _is_unfinished(rest):
                fe.warnings.append(f"{path}:{lineno}: last document is incomplete; ignored")
                return
            bad_line = text.count("\n", 0, exc.pos) + 1
            if skip_bad:
                fe.skipped += 1
                nxt = text.find("\n{", exc.pos)
                if nxt < 0:
                    return
                pos = nxt + 1
                continue
            raise RecordingError(path, bad_line, f"not valid JSON ({exc.msg})") from None
        yield _Doc(value, lineno)
        pos = end


def _is_unfinished(rest: str) -> bool:
    """True when `rest` is a prefix of a JSON document (it ran out, rather than went wrong)."""
    try:
        json.loads(rest)
    except json.JSONDecodeError as exc:
        return exc.pos >= len(rest.rstrip()) - 1 or "Unterminated string" in exc.msg
    return False


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 120 else text[:117] + "..."


def _read_podwatch(path: str, docs: Iterator[_Doc], header_doc: _Doc, fe: _FileEvents) -> None:
    started = _podwatch_header(path, header_doc, fe)
    for event in _podwatch_events(path, docs, fe):
        fe.events.append((started + event.t, _rv_int(event.object), event))


def _podwatch_header(path: str, header_doc: _Doc, fe: _FileEvents) -> float:
    """Check the header line; keep it and its start time in `fe`, and return the time."""
    header = header_doc.value
    version = header.get("version")
    if version != VERSION:
        raise RecordingError(
            path,
            header_doc.line,
            f"recording version {version!r} is not supported (want {VERSION})",
        )
    started = parse_time(header.get("started"))
    epoch = header.get("startedEpoch")
    if isinstance(epoch, int | float) and not isinstance(epoch, bool):
        started = float(epoch)
    if started is None:
        raise RecordingError(path, header_doc.line, "header has no valid 'started' time")
    fe.header = header
    fe.started = started
    return started


def _podwatch_events(path: str, docs: Iterator[_Doc], fe: _FileEvents) -> Iterator[WatchEvent]:
    for doc in docs:
        value = doc.value
        problem = _check_event_line(value)
        if problem:
            if fe.skip_bad:
                fe.skipped += 1
                continue
            raise RecordingError(path, doc.line, problem)
        yield WatchEvent(float(value["t"]), value["kind"], value["type"], value.get("object"))


def _check_event_line(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "expected an event object {t, kind, type, object}"
    t = value.get("t")
    if isinstance(t, bool) or not isinstance(t, int | float) or t != t or t < 0:
        return "event has no valid 't' (seconds since start)"
    if not isinstance(value.get("kind"), str) or not value["kind"]:
        return "event has no 'kind'"
    if value.get("type") not in EVENT_TYPES:
        return f"event type {str(value.get('type'))[:40]!r} is not one of {sorted(EVENT_TYPES)}"
    obj = value.get("object")
    if obj is not None and not isinstance(obj, dict):
        return "event 'object' is not a JSON object"
    return None


def _rv_int(obj: Any) -> int | None:
    return rv_number(s(meta(obj).get("resourceVersion")))


def object_time(obj: Any) -> float | None:
    """The latest moment the object itself attests, for kubectl captures without receive times.

    A graceful deletion's `deletionTimestamp` lies in the future (now + grace
    period), so the grace period is subtracted to get when deletion was asked.
    """
    m = meta(obj)
    best: float | None = None

    def see(value: Any) -> None:
        nonlocal best
        t = parse_time(value)
        if t is not None and (best is None or t > best):
            best = t

    see(m.get("creationTimestamp"))
    for mf in lst(m.get("managedFields")):
        see(d(mf).get("time"))
    deletion = parse_time(m.get("deletionTimestamp"))
    if deletion is not None:
        grace = m.get("deletionGracePeriodSeconds")
        if isinstance(grace, int) and not isinstance(grace, bool):
            deletion -= grace
        if best is None or deletion > best:
            best = deletion
    status = d(d(obj).get("status"))
    for cond in lst(status.get("conditions")):
        see(d(cond).get("lastTransitionTime"))
        see(d(cond).get("lastHeartbeatTime"))
    for group in ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"):
        for cs in lst(status.get(group)):
            cs = d(cs)
            for state_key in ("state", "lastState"):
                for st in d(cs.get(state_key)).values():
                    st = d(st)
                    see(st.get("startedAt"))
                    see(st.get("finishedAt"))
    obj = d(obj)
    if obj.get("kind") == "Event":
        see(obj.get("lastTimestamp"))
        see(obj.get("eventTime"))
        see(obj.get("deprecatedLastTimestamp"))
        see(d(obj.get("series")).get("lastObservedTime"))
    annotations = d(m.get("annotations"))
    see(annotations.get("endpoints.kubernetes.io/last-change-trigger-time"))
    return best


def _read_kubectl(path: str, docs: Iterator[_Doc], first: _Doc, fe: _FileEvents) -> None:
    seen: set[tuple[str, str, str]] = set()

    def add(kind: str, etype: str, obj: Any) -> None:
        when = object_time(obj)
        obj = strip_metadata(obj)  # read for the time; then most of the object's bytes
        fe.events.append((when, _rv_int(obj), WatchEvent(0.0, kind, etype, obj)))

    def handle(doc: _Doc) -> None:
        value = doc.value
        if not isinstance(value, dict):
            raise RecordingError(path, doc.line, "expected a JSON object (a Kubernetes object)")
        if "type" in value and "object" in value and "kind" not in value:
            etype = value.get("type")
            obj = value.get("object")
            if etype not in EVENT_TYPES or not isinstance(obj, dict):
                raise RecordingError(path, doc.line, "watch event without a valid type and object")
            kind = s(obj.get("kind")) or "Unknown"
            add(kind, etype, obj)
            seen.add((kind, *_nsname(obj)))
            return
        kind = s(value.get("kind"))
        if (
            kind == "List"
            or kind in _LIST_ITEM_KINDS
            or (kind.endswith("List") and "items" in value)
        ):
            default_kind = _LIST_ITEM_KINDS.get(kind, kind[:-4] if kind != "List" else "")
            items = [item for item in lst(value.get("items")) if isinstance(item, dict)]
            # A List is one snapshot: every item is as of the latest moment any attests.
            # It sorts at the List's own resourceVersion; kubectl leaves that empty,
            # and then the newest item's is the best lower bound there is.
            times = [t for t in map(object_time, items) if t is not None]
            snapshot = max(times) if times else None
            list_rv = _rv_int(value)
            if list_rv is None:
                rvs = [rv for rv in map(_rv_int, items) if rv is not None]
                list_rv = max(rvs) if rvs else None
            for item in items:
                item_kind = s(item.get("kind")) or default_kind or "Unknown"
                key = (item_kind, *_nsname(item))
                etype = "MODIFIED" if key in seen else "ADDED"
                item = strip_metadata(item)
                fe.events.append((snapshot, list_rv, WatchEvent(0.0, item_kind, etype, item)))
                seen.add(key)
            return
        if not kind:
            raise RecordingError(
                path, doc.line, "neither a podwatch header, a watch event nor a Kubernetes object"
            )
        key = (kind, *_nsname(value))
        add(kind, "MODIFIED" if key in seen else "ADDED", value)
        seen.add(key)

    for doc in chain([first], docs):
        try:
            handle(doc)
        except RecordingError:
            if not fe.skip_bad:
                raise
            fe.skipped += 1


def _nsname(obj: Any) -> tuple[str, str]:
    m = meta(obj)
    return (s(m.get("namespace")), s(m.get("name")))


def _read_file(path: str, skip_bad: bool) -> _FileEvents:
    fe = _FileEvents(path, [], skip_bad=skip_bad)
    data = b"".join(_file_chunks(path, fe))
    stripped = data.lstrip()
    if not stripped:
        raise RecordingError(path, 1, "file is empty")
    if b"\x00" in stripped[:4096].split(b"\n", 1)[0]:  # a bad line further on is only a line
        raise RecordingError(path, 1, "binary data, not a recording or kubectl JSON output")
    first_line = stripped.split(b"\n", 1)[0].strip()
    pretty = first_line in (b"{", b"[")
    if pretty:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise RecordingError(path, line, "not UTF-8 text") from None
        docs = _iter_documents(path, text, skip_bad, fe)
    else:
        docs = _iter_lines(path, _split_lines([data]), skip_bad, fe)
    first = next(docs, None)
    if first is None:
        raise RecordingError(path, 1, "no complete JSON document in file")
    value = first.value
    if isinstance(value, dict) and "format" in value:
        if value.get("format") != FORMAT:
            raise RecordingError(
                path,
                first.line,
                f"header format {str(value.get('format'))[:40]!r} is not {FORMAT!r}",
            )
        _read_podwatch(path, docs, first, fe)
    elif isinstance(value, dict) and "t" in value and "kind" in value and "type" in value:
        raise RecordingError(path, first.line, "podwatch recording without its header line")
    else:
        _read_kubectl(path, docs, first, fe)
    return fe


def read_recording(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    skip_bad_lines: bool = False,
) -> Recording:
    """Read one or several files (any supported shape) into one merged recording."""
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    files = [_read_file(os.fspath(p), skip_bad_lines) for p in paths]
    if not files:
        raise RecordingError("-", None, "no files given")
    return _merge(files)


def _merge(files: list[_FileEvents]) -> Recording:
    """Merge per-file streams: by resourceVersion where both heads have an integer one,
    keeping each file's own order; then give every event a time that never runs backwards."""
    all_podwatch = all(f.header is not None for f in files)
    merged: list[tuple[float | None, WatchEvent]] = []
    if all_podwatch:
        pairs = [(abs_t, ev) for f in files for abs_t, _rv, ev in f.events]
        pairs.sort(key=lambda p: p[0] or 0.0)  # stable: ties keep file order
        merged = pairs
    else:
        heads = [0] * len(files)
        total = sum(len(f.events) for f in files)
        while len(merged) < total:
            best = -1
            best_rv: int | None = None
            for fi, f in enumerate(files):
                h = heads[fi]
                if h >= len(f.events):
                    continue
                rv = f.events[h][1]
                if rv is None:
                    best = fi
                    break
                if best < 0 or best_rv is None or rv < best_rv:
                    best, best_rv = fi, rv
            abs_t, _rv, ev = files[best].events[heads[best]]
            heads[best] += 1
            merged.append((abs_t, ev))

    known = sorted(t for t, _ in merged if t is not None)
    if all_podwatch:
        started = min(f.started for f in files)
    else:
        # The earliest time attested, ignoring stragglers that lie more than a
        # day before the bulk (an old object without managedFields in a list);
        # events before the start are clamped to t=0.
        if known:
            median = known[len(known) // 2]
            started = next(t for t in known if t >= median - 86400)
        else:
            started = 0.0
    events: list[WatchEvent] = []
    last = 0.0
    for abs_t, ev in merged:
        t = (abs_t - started) if abs_t is not None else last
        if t < last:
            t = last
        last = t
        ev.t = t
        events.append(ev)
    first_header = next((f.header for f in files if f.header is not None), None)
    header = dict(first_header) if first_header else {}
    if not all_podwatch or len(files) > 1:
        header.update(
            {
                "format": FORMAT,
                "version": VERSION,
                "started": format_rfc3339(started),
                "startedEpoch": started,
                "context": header.get("context"),
                "scope": header.get("scope") or {"files": [f.path for f in files]},
                "imported": not all_podwatch,
            }
        )
    warnings = [w for f in files for w in f.warnings]
    return Recording(
        header=header,
        events=events,
        started=started,
        warnings=warnings,
        skipped_lines=sum(f.skipped for f in files),
    )


class RecordingStream:
    """One podwatch recording read a line at a time, for a replay straight to the end
    (`replay --once`): memory stays that of the store however long the recording.
    Times never run backwards, as in `read_recording`."""

    def __init__(self, path: str, fe: _FileEvents, docs: Iterator[_Doc]) -> None:
        self.path = path
        self._fe = fe
        self._docs = docs
        self.header: dict = fe.header or {}
        self.started = fe.started
        self.count = 0
        self.duration = 0.0

    @property
    def warnings(self) -> list[str]:
        return self._fe.warnings

    @property
    def skipped_lines(self) -> int:
        return self._fe.skipped

    def __iter__(self) -> Iterator[WatchEvent]:
        last = 0.0
        for event in _podwatch_events(self.path, self._docs, self._fe):
            if event.t < last:
                event.t = last
            last = event.t
            self.count += 1
            self.duration = last
            yield event


def open_stream(
    path: str | os.PathLike[str], *, skip_bad_lines: bool = False
) -> RecordingStream | None:
    """A stream over `path` if it is a podwatch recording; None for anything else (kubectl
    output needs the whole file to sort), so that `read_recording` reads it, and reports
    whatever is wrong with it."""
    path = os.fspath(path)
    fe = _FileEvents(path, [], skip_bad=skip_bad_lines)
    lines = _split_lines(_file_chunks(path, fe))
    first = next(lines, None)
    if isinstance(first, _Oversize) or not first or b"\x00" in first:
        return None
    try:
        header = codec.decode(first)
    except (codec.DecodeError, UnicodeDecodeError):
        return None
    if not (isinstance(header, dict) and header.get("format") == FORMAT):
        return None
    docs = _iter_lines(path, chain([first], lines), skip_bad_lines, fe)
    header_doc = next(docs)
    _podwatch_header(path, header_doc, fe)
    return RecordingStream(path, fe, docs)


def many_namespaces(recording: Recording) -> bool:
    """Whether the recording's pods span namespaces (the table then shows NAMESPACE)."""
    namespaces = set()
    for event in recording.events:
        if event.kind == "Pod" and isinstance(event.object, dict):
            namespaces.add((event.object.get("metadata") or {}).get("namespace"))
            if len(namespaces) > 1:
                return True
    return False
