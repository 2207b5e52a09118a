"""Reading recordings: `read_recording` for any file podwatch accepts, `open_stream`
for one podwatch recording read a line at a time.

This is where a file's shape is told (podwatch recording or kubectl output) and where
a podwatch recording's header and version are checked and its event lines validated.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any

from podwatch import codec
from podwatch.model.k8s import parse_time
from podwatch.model.watch import EVENT_TYPES, WatchEvent
from podwatch.recording.documents import (
    Oversize,
    file_chunks,
    iter_documents,
    iter_lines,
    split_lines,
)
from podwatch.recording.format import (
    FORMAT,
    VERSION,
    Doc,
    FileEvents,
    Recording,
    RecordingError,
    rv_int,
)
from podwatch.recording.kubectl import read_kubectl
from podwatch.recording.merge import merge_files


def _read_podwatch(path: str, docs: Iterator[Doc], header_doc: Doc, fe: FileEvents) -> None:
    started = _podwatch_header(path, header_doc, fe)
    for event in _podwatch_events(path, docs, fe):
        fe.events.append((started + event.t, rv_int(event.object), event))


def _podwatch_header(path: str, header_doc: Doc, fe: FileEvents) -> float:
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


def _podwatch_events(path: str, docs: Iterator[Doc], fe: FileEvents) -> Iterator[WatchEvent]:
    for doc in docs:
        value = doc.value
        problem = _check_event_line(value)
        if problem:
            if fe.skip_bad:
                fe.skipped += 1
                continue
            raise RecordingError(path, doc.line, problem)
        yield line_event(value, float(value["t"]))


def line_event(value: dict, t: float) -> WatchEvent:
    """The event a checked line (`_check_event_line`) holds, at `t`."""
    context = value.get("context") or ""
    return WatchEvent(t, value["kind"], value["type"], value.get("object"), context)


MAX_CONTEXT = 253
"""The longest context name a recording line may give (a DNS name's length: kubeconfig
context names are free text, but a longer one is not a name anyone typed)."""


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
    context = value.get("context")
    if context is not None and not (isinstance(context, str) and len(context) <= MAX_CONTEXT):
        return f"event 'context' is not a name of at most {MAX_CONTEXT} characters"
    return None


def _line_decoder(slim: bool) -> Callable[[bytes], Any]:
    """How a recording's lines are decoded: pods slim (as the store keeps them) for a
    reader that only replays them, else whole."""
    return codec.decode_slim_recorded_line if slim else codec.decode


def _read_file(path: str, skip_bad: bool, slim: bool = False) -> FileEvents:
    fe = FileEvents(path, [], skip_bad=skip_bad)
    data = b"".join(file_chunks(path, fe))
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
        docs = iter_documents(path, text, skip_bad, fe)
    else:
        # A podwatch recording's pod lines decode slim if asked; kubectl output never
        # does (its lines are not shaped so), as its times come from managedFields.
        docs = iter_lines(path, split_lines([data]), skip_bad, fe, _line_decoder(slim))
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
        read_kubectl(path, docs, first, fe)
    return fe


RECORDING_SUFFIXES = (".jsonl", ".jsonl.gz", ".json", ".json.gz")
"""What of a directory `replay DIR` reads: recordings and kubectl captures."""


def expand_paths(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The files to read: a directory stands for its recordings (`podwatch record DIR
    --rotate`), in name order, which for rotated files is time order."""
    out: list[str] = []
    for p in paths:
        path = os.fspath(p)
        if not os.path.isdir(path):
            out.append(path)
            continue
        try:
            names = sorted(os.listdir(path))
        except OSError as exc:
            raise RecordingError(path, None, f"cannot read: {exc.strerror or exc}") from None
        found = [
            os.path.join(path, n)
            for n in names
            if not n.startswith(".")
            and n.endswith(RECORDING_SUFFIXES)
            and os.path.isfile(os.path.join(path, n))
        ]
        if not found:
            raise RecordingError(path, None, "directory holds no recordings (*.jsonl, *.jsonl.gz)")
        out.extend(found)
    return out


def read_recording(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    skip_bad_lines: bool = False,
    slim: bool = False,
) -> Recording:
    """Read one or several files (any supported shape) into one merged recording.

    `slim`: a podwatch recording's pods come as the store keeps them (model/slim.py),
    for a caller that only replays them (a replay read whole holds every event)."""
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    files = [_read_file(p, skip_bad_lines, slim) for p in expand_paths(paths)]
    if not files:
        raise RecordingError("-", None, "no files given")
    return merge_files(files)


class RecordingStream:
    """One podwatch recording read a line at a time, for a replay straight to the end
    (`replay --once`): memory stays that of the store however long the recording.
    Times never run backwards, as in `read_recording`."""

    def __init__(self, path: str, fe: FileEvents, docs: Iterator[Doc]) -> None:
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
    path: str | os.PathLike[str], *, skip_bad_lines: bool = False, slim: bool = False
) -> RecordingStream | None:
    """A stream over `path` if it is a podwatch recording; None for anything else (kubectl
    output needs the whole file to sort), so that `read_recording` reads it, and reports
    whatever is wrong with it.

    `slim`: its pods come as the store keeps them (model/slim.py), for a caller that
    only applies them to a store: the decoder skips what the store would drop."""
    path = os.fspath(path)
    fe = FileEvents(path, [], skip_bad=skip_bad_lines)
    lines = split_lines(file_chunks(path, fe))
    first = next(lines, None)
    if isinstance(first, Oversize) or not first or b"\x00" in first:
        return None
    try:
        header = codec.decode(first)
    except (codec.DecodeError, UnicodeDecodeError):
        return None
    if not (isinstance(header, dict) and header.get("format") == FORMAT):
        return None
    docs = iter_lines(path, chain([first], lines), skip_bad_lines, fe, _line_decoder(slim))
    header_doc = next(docs)
    _podwatch_header(path, header_doc, fe)
    return RecordingStream(path, fe, docs)
