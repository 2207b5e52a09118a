"""Recordings: podwatch's own JSON Lines format, and what kubectl users already have.

A podwatch recording (SPEC 2.2) is a header line and one line per received event;
kubectl's `-o json`, `-w -o json` and `--output-watch-events` captures are read too,
and several files merge into one timeline. One module per concern:

- format.py     the format's name and version, `Recording`, `RecordingError`
- redact.py     `sanitize`: what of an object is fit to be stored
- writer.py     `RecordingWriter`: crash-safe, one flushed line per event
- documents.py  a file's bytes (gzip or not) to JSON documents
- reader.py     `read_recording` (any shape, merged) and `open_stream` (one recording,
                a line at a time); the header and version checks
- kubectl.py    the kubectl-output importers and `object_time`
- merge.py      several files into one stream, times that never run backwards

This package re-exports the names the rest of podwatch and its tests use.
"""

from podwatch.model.k8s import REDACTED
from podwatch.recording.format import (
    FORMAT,
    MAX_LINE_BYTES,
    VERSION,
    Recording,
    RecordingError,
    many_namespaces,
)
from podwatch.recording.kubectl import object_time
from podwatch.recording.reader import RecordingStream, open_stream, read_recording
from podwatch.recording.redact import sanitize
from podwatch.recording.writer import RecordingWriter

__all__ = [
    "FORMAT",
    "MAX_LINE_BYTES",
    "REDACTED",
    "VERSION",
    "Recording",
    "RecordingError",
    "RecordingStream",
    "RecordingWriter",
    "many_namespaces",
    "object_time",
    "open_stream",
    "read_recording",
    "sanitize",
]
