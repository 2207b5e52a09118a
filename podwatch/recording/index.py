"""The index of a long recording, so that a replay holds only the store and the index,
never the recording, and seeks anywhere in it quickly.

The index says where each event lies (file, byte offset and length in the file's
uncompressed text, and its time), holds the jump targets (podwatch/jumps.py), and a
compressed copy of the store every `every` events (a checkpoint). Seeking is "load the
nearest checkpoint at or before the target, read and apply the events that follow".

It is built on first open, in one pass that applies every event (as a replay from the
start would), and cached in the user's own cache directory, keyed by the files (real
path, size, modification time), the options, and podwatch's own code (a checkpoint is
a pickled `Store`: another podwatch would read it wrong). Not beside the recording:
the evidence stays as it was, a read-only copy opens too, and pickles are only ever
loaded from a directory this user alone writes, never from something that came with
a recording. Gzip files (what `record --rotate` writes) are read at an offset through
indexed_gzip's seek points, exported into the index.

Only podwatch recordings are indexed; kubectl captures are read whole
(`read_recording`), as their events must be sorted first.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import io
import os
import struct
import tempfile
import time
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

from podwatch import codec
from podwatch.jumps import Marks
from podwatch.model.contexts import scoped
from podwatch.model.store import Store
from podwatch.model.watch import WatchEvent
from podwatch.recording.documents import file_chunks, is_gzip, iter_lines, split_lines
from podwatch.recording.eventlog import dump_store, load_store, replay_store
from podwatch.recording.format import Doc, FileEvents, RecordingError
from podwatch.recording.merge import Restatements, merged_header, snapshot_lines
from podwatch.recording.reader import _podwatch_events, _podwatch_header, line_event, open_stream

INDEX_FORMAT = 1
MAGIC = b"podwatch-index\x00\x01"
CHECKPOINT_EVERY = 5_000
"""Events between checkpoints: a seek applies at most this many (about 0.3 s)."""
CACHE_LIMIT = 4 << 30
"""Bytes of indexes kept in the cache; past that, the least recently opened go."""
GZIP_SPACING = 4 << 20
"""Uncompressed bytes between gzip seek points (each holds a 32 KiB window)."""
READ_RUN = 2_000
"""Events read from a file in one go, at most."""

Progress = Callable[[int, float | None], None]
"""Told, now and then while an index is built: events indexed so far, and the part of
the files read (0 to 1; None when not known)."""


def cache_root() -> Path:
    """Where indexes are kept: $PODWATCH_CACHE_DIR, else the XDG cache directory."""
    explicit = os.environ.get("PODWATCH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "podwatch" / "index"


def is_indexable(paths: Sequence[str]) -> bool:
    """Whether every file is a podwatch recording (the index reads nothing else)."""
    return bool(paths) and all(open_stream(p) is not None for p in paths)


def open_indexed(
    paths: Sequence[str],
    *,
    skip_bad_lines: bool = False,
    every: int = CHECKPOINT_EVERY,
    cache: Path | None = None,
    progress: Progress | None = None,
) -> IndexedLog:
    """The index of `paths` (podwatch recordings, see `is_indexable`), from the cache, or
    built and cached now. RecordingError for a file podwatch cannot read."""
    paths = [os.fspath(p) for p in paths]
    stats = [_stat(p) for p in paths]
    root = cache if cache is not None else cache_root()
    where = root / (_key(stats, skip_bad_lines, every) + ".idx")
    if not _private(root):
        # No cache of our own to write to or trust: build into a file that goes when
        # podwatch does.
        out = tempfile.TemporaryFile()  # noqa: SIM115
        _build(paths, stats, skip_bad_lines, every, out, progress)
        return _read(out, stats)
    log = _load(where, stats)
    if log is not None:
        with contextlib.suppress(OSError):
            os.utime(where)  # recently used: the last to go when the cache is pruned
        return log
    out = tempfile.NamedTemporaryFile(dir=root, prefix=".building-", delete=False)  # noqa: SIM115
    try:
        with out:
            _build(paths, stats, skip_bad_lines, every, out, progress)
        os.replace(out.name, where)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(out.name)
    _prune(root, keep=where)
    log = _load(where, stats)
    if log is None:
        raise RecordingError(str(where), None, "index written but not readable")
    return log


def _private(root: Path) -> bool:
    """Whether `root` is a directory of this user's that no one else can write to (made
    so if missing): the only place checkpoints, which are pickles, are loaded from."""
    try:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = root.stat()
    except OSError:
        return False
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


@dataclass(frozen=True, slots=True)
class _FileStat:
    path: str
    real: str
    size: int
    mtime_ns: int
    gzip: bool


def _stat(path: str) -> _FileStat:
    try:
        st = os.stat(path)
        gz = is_gzip(path)
    except OSError as exc:
        raise RecordingError(path, None, f"cannot read: {exc.strerror or exc}") from None
    return _FileStat(path, os.path.realpath(path), st.st_size, st.st_mtime_ns, gz)


def _key(stats: list[_FileStat], skip_bad: bool, every: int) -> str:
    h = hashlib.sha256()
    h.update(repr((INDEX_FORMAT, skip_bad, every, _code_digest())).encode())
    for st in stats:
        h.update(repr((st.real, st.size, st.mtime_ns)).encode())
    return h.hexdigest()[:40]


_CODE: list[str] = []


def _code_digest() -> str:
    """podwatch's own code that a checkpoint depends on: what the store is made of, what
    reads recordings and decodes their lines. A changed podwatch builds its indexes
    again."""
    if not _CODE:
        package = Path(__file__).resolve().parents[1]
        h = hashlib.sha256()
        for folder in ("model", "recording"):
            for source in sorted((package / folder).glob("*.py")):
                h.update(source.name.encode() + b"\0" + source.read_bytes())
        for name in ("jumps.py", "codec.py"):  # the marks; the decoders of its lines
            h.update((package / name).read_bytes())
        _CODE.append(h.hexdigest())
    return _CODE[0]


# --------------------------------------------------------------------------- building


class _Lines:
    """One file's event lines, each with where it lies in the file's uncompressed text."""

    def __init__(self, stat: _FileStat, number: int, skip_bad: bool, told: Callable[[], None]):
        self.stat = stat
        self.number = number
        self.fe = FileEvents(stat.path, [], skip_bad=skip_bad)
        self.read = 0
        """Bytes of the file read so far (compressed, for gzip)."""
        self._told = told
        self._where = (0, 0)

    def _lines(self) -> Iterator[bytes | Any]:
        offset = 0
        for raw in split_lines(file_chunks(self.stat.path, self.fe, on_read=self._on_read)):
            size = raw.size if not isinstance(raw, bytes) else len(raw)
            self._where = (offset, size)
            offset += size
            yield raw

    def _on_read(self, position: int) -> None:
        self.read = position
        self._told()

    def events(self) -> Iterator[tuple[float, int, int, int, WatchEvent, bool]]:
        """(epoch time, file number, offset, length, event, one of the restated lines)."""
        # Pods decoded slim: what this reads goes to a store (checkpoints) and to the
        # jump marks, which compare pods as the store keeps them (jumps.py).
        docs = iter_lines(
            self.stat.path,
            self._lines(),
            self.fe.skip_bad,
            self.fe,
            codec.decode_slim_recorded_line,
        )
        header: Doc | None = next(docs, None)
        if header is None:
            raise RecordingError(self.stat.path, 1, "no complete JSON document in file")
        started = _podwatch_header(self.stat.path, header, self.fe)
        restated = snapshot_lines(self.fe.header)
        last = 0.0
        for n, event in enumerate(_podwatch_events(self.stat.path, docs, self.fe), 1):
            offset, length = self._where
            last = event.t = max(event.t, last)  # never backwards, as a replay plays it
            yield started + last, self.number, offset, length, event, n <= restated


def _build(
    paths: list[str],
    stats: list[_FileStat],
    skip_bad: bool,
    every: int,
    out: BinaryIO,
    progress: Progress | None,
) -> None:
    total = sum(st.size for st in stats) or 1
    readers: list[_Lines] = []
    count = 0

    def told() -> None:
        if progress is not None:
            progress(count, sum(r.read for r in readers) / total)

    streams = []
    for number, st in enumerate(stats):
        reader = _Lines(st, number, skip_bad, told)
        readers.append(reader)
        streams.append(reader.events())
    # Peek each header for its start, so that files are merged as `merge_files` does.
    firsts = [open_stream(p, skip_bad_lines=skip_bad) for p in paths]
    order = sorted(range(len(paths)), key=lambda i: firsts[i].started if firsts[i] else 0.0)
    started = min((f.started for f in firsts if f is not None), default=0.0)
    merged = heapq.merge(*(streams[i] for i in order), key=lambda item: item[0])
    restatements = Restatements() if len(paths) > 1 else None

    times, file_no = array("d"), array("H")
    offsets, lengths = array("q"), array("L")
    marks = Marks()
    namespaces: set[str] = set()
    checkpoints: list[tuple[int, int, int]] = []
    store = replay_store()
    store.now = started
    pending: list[WatchEvent] = []
    out.write(MAGIC)
    last = 0.0
    for abs_t, number, offset, length, event, restated in merged:
        if restatements is not None and not restatements(event, restated):
            continue
        last = event.t = max(abs_t - started, last)
        if event.context:  # a recording of several clusters: one store holds them apart
            event = scoped(event, event.context)
        times.append(last)
        file_no.append(number)
        offsets.append(offset)
        lengths.append(length)
        marks.add(count, event)
        if event.kind == "Pod" and len(namespaces) < 2 and isinstance(event.object, dict):
            namespaces.add((event.object.get("metadata") or {}).get("namespace"))
        pending.append(event)
        count += 1
        if count % every == 0:
            store.apply_all(pending, started)
            pending.clear()
            blob = zlib.compress(dump_store(store), 1)
            checkpoints.append((count, out.tell(), len(blob)))
            out.write(blob)
            told()
    marks.seal()
    if progress is not None:
        progress(count, 1.0)
    fes = [r.fe for r in readers]
    gz_index = {r.number: _gzip_index(r.stat.path) for r in readers if r.stat.gzip}
    meta = {
        "format": INDEX_FORMAT,
        "header": merged_header([fes[i] for i in order], started, True),
        "started": started,
        "files": [
            {"path": st.path, "size": st.size, "mtime_ns": st.mtime_ns, "gzip": st.gzip}
            for st in stats
        ],
        "gzip_index": gz_index,
        "times": times.tobytes(),
        "file_no": file_no.tobytes(),
        "offsets": offsets.tobytes(),
        "lengths": lengths.tobytes(),
        "pods": [list(k) for k in marks.pods],
        "pod_at": [a.tobytes() for a in marks.pods.values()],
        "warning_at": marks.warning_at.tobytes(),
        "warning_where": marks.warning_where.tobytes(),
        "places": marks.places,
        "checkpoints": checkpoints,
        "warnings": [w for fe in fes for w in fe.warnings],
        "skipped": sum(fe.skipped for fe in fes),
        "many_namespaces": len(namespaces) > 1,
    }
    data = msgspec.msgpack.encode(meta)
    at = out.tell()
    out.write(data)
    out.write(struct.pack("<QQ", at, len(data)) + MAGIC)
    out.flush()


def _gzip_index(path: str) -> bytes:
    import indexed_gzip

    with indexed_gzip.IndexedGzipFile(path, spacing=GZIP_SPACING) as gz:
        gz.build_full_index()
        out = io.BytesIO()
        gz.export_index(fileobj=out)
    return out.getvalue()


def _prune(root: Path, keep: Path) -> None:
    """Keep the cache under CACHE_LIMIT: the least recently opened indexes go first; and
    what a podwatch killed while building left behind goes after a day."""
    now = time.time()
    try:
        found = [(p.stat().st_mtime, p.stat().st_size, p) for p in root.glob("*.idx")]
        left = [p for p in root.glob(".building-*") if now - p.stat().st_mtime > 86400]
    except OSError:
        return
    for path in left:
        with contextlib.suppress(OSError):
            path.unlink()
    total = sum(size for _, size, _ in found)
    for _, size, path in sorted(found):
        if total <= CACHE_LIMIT:
            break
        if path != keep:
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size


# --------------------------------------------------------------------------- reading


def _load(where: Path, stats: list[_FileStat]) -> IndexedLog | None:
    """The index at `where` if it is this user's, whole, and of these very files; None to
    build it."""
    try:
        fh = open(where, "rb")  # noqa: SIM115 - the log holds it open, for checkpoints
    except OSError:
        return None
    st = os.fstat(fh.fileno())
    if st.st_uid != os.getuid() or st.st_mode & 0o022:
        fh.close()
        return None
    try:
        return _read(fh, stats)
    except (OSError, ValueError, KeyError, TypeError, msgspec.DecodeError):
        fh.close()
        return None


def _read(fh: BinaryIO, stats: list[_FileStat]) -> IndexedLog:
    fh.seek(0)
    if fh.read(len(MAGIC)) != MAGIC:
        raise ValueError("not an index")
    fh.seek(-(16 + len(MAGIC)), os.SEEK_END)
    trailer = fh.read(16 + len(MAGIC))
    if trailer[16:] != MAGIC:
        raise ValueError("index not finished")
    at, length = struct.unpack("<QQ", trailer[:16])
    fh.seek(at)
    meta = msgspec.msgpack.decode(fh.read(length))
    if meta["format"] != INDEX_FORMAT:
        raise ValueError("another index format")
    files = meta["files"]
    if [(f["size"], f["mtime_ns"]) for f in files] != [(s.size, s.mtime_ns) for s in stats]:
        raise ValueError("the files changed")
    return IndexedLog(fh, meta, [s.path for s in stats])


def _array(code: str, data: bytes) -> array:
    out = array(code)
    out.frombytes(data)
    return out


class IndexedLog:
    """A recording read from its files through its index (see the module): an
    `EventLog` whose events are read when applied, and whose checkpoints were written
    when the index was built."""

    def __init__(self, fh: BinaryIO, meta: dict, paths: list[str]) -> None:
        self._index = fh
        self.paths = paths
        self.header: dict = meta["header"]
        self.started: float = meta["started"]
        self.warnings: list[str] = meta["warnings"]
        self.skipped_lines: int = meta["skipped"]
        self.many_namespaces: bool = meta["many_namespaces"]
        self._times = _array("d", meta["times"])
        self._file_no = _array("H", meta["file_no"])
        self._offsets = _array("q", meta["offsets"])
        self._lengths = _array("L", meta["lengths"])
        self.marks = Marks.of(
            {
                (ns, name): _array("q", at)
                for (ns, name), at in zip(meta["pods"], meta["pod_at"], strict=True)
            },
            _array("q", meta["warning_at"]),
            _array("l", meta["warning_where"]),
            meta["places"],
        )
        self._checkpoint_at = [c for c, _, _ in meta["checkpoints"]]
        self._blobs = {c: (offset, size) for c, offset, size in meta["checkpoints"]}
        self._gzip_index: dict[int, bytes] = meta["gzip_index"]
        self._gzip = [f["gzip"] for f in meta["files"]]
        self._handles: dict[int, BinaryIO] = {}

    @property
    def times(self) -> Sequence[float]:
        return self._times

    def __len__(self) -> int:
        return len(self._times)

    @property
    def duration(self) -> float:
        return self._times[-1] if self._times else 0.0

    def read(self, start: int, stop: int) -> Iterator[WatchEvent]:
        times, file_no, offsets, lengths = self._times, self._file_no, self._offsets, self._lengths
        i = start
        while i < stop:
            number, begin = file_no[i], offsets[i]
            end = begin + lengths[i]
            j = i + 1
            limit = min(stop, i + READ_RUN)
            while j < limit and file_no[j] == number and offsets[j] == end:
                end += lengths[j]
                j += 1
            fh = self._handle(number)
            fh.seek(begin)
            data = fh.read(end - begin)
            at = 0
            for k in range(i, j):
                size = lengths[k]
                try:
                    value = codec.decode_slim_recorded_line(data[at : at + size])
                    event = line_event(value, times[k])
                    if event.context:  # as the checkpoints hold it (see `_build`)
                        event = scoped(event, event.context)
                except (codec.DecodeError, UnicodeDecodeError, KeyError, TypeError):
                    raise RecordingError(
                        self.paths[number], None, "changed since it was indexed: open it again"
                    ) from None
                at += size
                yield event
            i = j

    def event(self, index: int) -> WatchEvent:
        return next(iter(self.read(index, index + 1)))

    def _handle(self, number: int) -> BinaryIO:
        fh = self._handles.get(number)
        if fh is None:
            path = self.paths[number]
            if self._gzip[number]:
                import indexed_gzip

                fh = indexed_gzip.IndexedGzipFile(path, spacing=GZIP_SPACING, auto_build=False)
                fh.import_index(fileobj=io.BytesIO(self._gzip_index[number]))
            else:
                fh = open(path, "rb")  # noqa: SIM115 - closed by `close`
            self._handles[number] = fh
        return fh

    @property
    def checkpoint_every(self) -> int:
        return 0  # they were all written with the index

    def offer(self, count: int, store: Store) -> None:
        pass

    def nearest(self, count: int) -> tuple[int, Store] | None:
        i = bisect_right(self._checkpoint_at, count)
        if not i:
            return None
        at = self._checkpoint_at[i - 1]
        offset, size = self._blobs[at]
        self._index.seek(offset)
        return at, load_store(zlib.decompress(self._index.read(size)))

    @property
    def checkpoints(self) -> list[int]:
        return self._checkpoint_at

    def close(self) -> None:
        for fh in self._handles.values():
            fh.close()
        self._handles.clear()
        self._index.close()
