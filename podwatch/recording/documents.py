"""From a file's bytes to JSON documents, for every shape podwatch reads.

Gzip is undone as the bytes come (a stream cut short gives what was whole), lines
longer than MAX_LINE_BYTES are skipped without being held, and a last line or
document that was cut off is a warning rather than an error. Whether the documents
are a podwatch recording or kubectl output is for the reader to tell.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

from podwatch import codec
from podwatch.recording.format import MAX_LINE_BYTES, Doc, FileEvents, RecordingError

GZIP_MAGIC = b"\x1f\x8b"
"""How a gzip file begins, whatever its name says."""


def is_gzip(path: str) -> bool:
    """Whether the file at `path` is gzip (OSError if it cannot be read)."""
    with open(path, "rb") as fh:
        return fh.read(2) == GZIP_MAGIC


class Oversize:
    """Stands for a line longer than MAX_LINE_BYTES, which is skipped, never held."""

    def __init__(self, size: int) -> None:
        self.size = size


def split_lines(chunks: Iterable[bytes]) -> Iterator[bytes | Oversize]:
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
                yield Oversize(oversize + len(tail) + len(piece))
                oversize, tail = 0, b""
            else:
                yield tail + piece if tail else piece
                tail = b""
    if oversize:
        yield Oversize(oversize + len(tail))
    elif tail:
        yield tail


def file_chunks(
    path: str, fe: FileEvents, size: int = 1 << 20, on_read: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """The file's bytes in chunks, gunzipped as they come when it is gzip; a gzip stream
    cut short (a recorder killed) or damaged part-way gives what was whole, and a warning.
    `on_read` is told the file's position after each read (for progress)."""
    try:
        opened = open(path, "rb")  # noqa: SIM115 - closed below, after the generator's last chunk
    except OSError as exc:
        raise RecordingError(path, None, f"cannot read: {exc.strerror or exc}") from None
    with opened:
        fh = opened if on_read is None else _Told(opened, on_read)
        first = fh.read(size)
        if first[:2] != GZIP_MAGIC:
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


class _Told:
    """A file whose reads tell `on_read` how far they got."""

    def __init__(self, fh: BinaryIO, on_read: Callable[[int], None]) -> None:
        self._fh = fh
        self._on_read = on_read

    def read(self, size: int) -> bytes:
        data = self._fh.read(size)
        self._on_read(self._fh.tell())
        return data


def iter_lines(
    path: str,
    lines: Iterable[bytes | Oversize],
    skip_bad: bool,
    fe: FileEvents,
    decode: Callable[[bytes], Any] = codec.decode,
) -> Iterator[Doc]:
    """One JSON document per line; a bad last line without newline is a truncation.
    `decode`: `codec.decode`, or a decoder that gives what it gives (and raises as it
    does) but for what it leaves out (`codec.decode_slim_recorded_line`)."""
    for lineno, raw in enumerate(lines, 1):
        if isinstance(raw, Oversize):
            err = f"line is {raw.size} bytes, longer than the {MAX_LINE_BYTES} podwatch reads"
            if skip_bad:
                fe.skipped += 1
                continue
            raise RecordingError(path, lineno, err)
        if not raw.strip():
            continue
        try:
            value = decode(raw)
        except (codec.DecodeError, UnicodeDecodeError) as exc:
            if not raw.endswith(b"\n"):
                fe.warnings.append(f"{path}:{lineno}: last line is incomplete; ignored")
                continue
            if skip_bad:
                fe.skipped += 1
                continue
            raise RecordingError(path, lineno, f"not valid JSON ({_short(exc)})") from None
        yield Doc(value, lineno)


def iter_documents(path: str, text: str, skip_bad: bool, fe: FileEvents) -> Iterator[Doc]:
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
        yield Doc(value, lineno)
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
