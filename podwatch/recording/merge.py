"""Several files, one timeline.

Podwatch recordings merge by receive time. Anything imported from kubectl merges
in resourceVersion order (an etcd revision shared by all kinds), keeping each
file's own order; then every event gets a time that never runs backwards.
"""

from __future__ import annotations

from typing import Any

from podwatch.model.k8s import d, format_rfc3339, lst, meta, s
from podwatch.model.watch import WatchEvent
from podwatch.recording.format import FORMAT, VERSION, FileEvents, Recording


def merge_files(files: list[FileEvents]) -> Recording:
    """Merge per-file streams: by resourceVersion where both heads have an integer one,
    keeping each file's own order; then give every event a time that never runs backwards."""
    all_podwatch = all(f.header is not None for f in files)
    merged: list[tuple[float | None, WatchEvent]] = []
    if all_podwatch:
        files = sorted(files, key=lambda f: f.started)  # stable: ties keep the given order
        pairs = [(abs_t, ev) for f in files for abs_t, _rv, ev in f.events]
        pairs.sort(key=lambda p: p[0] or 0.0)  # stable: ties keep file order
        merged = _without_restatements(files, pairs)
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
    header = merged_header(files, started, all_podwatch)
    warnings = [w for f in files for w in f.warnings]
    return Recording(
        header=header,
        events=events,
        started=started,
        warnings=warnings,
        skipped_lines=sum(f.skipped for f in files),
    )


def merged_header(files: list[FileEvents], started: float, all_podwatch: bool) -> dict:
    """The header of several files played as one: the first file's, saying so."""
    first_header = next((f.header for f in files if f.header is not None), None)
    header = dict(first_header) if first_header else {}
    if len(files) > 1:
        header.pop("snapshot", None)  # the first file's count, not the merged stream's
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
    return header


def _without_restatements(
    files: list[FileEvents], pairs: list[tuple[float | None, WatchEvent]]
) -> list[tuple[float | None, WatchEvent]]:
    """Rotated files (recording/rotate.py) each begin by restating the state (header
    `snapshot`: that many lines); see `Restatements`."""
    restated: set[int] = set()
    for f in files:
        n = snapshot_lines(f.header)
        restated.update(id(ev) for _t, _rv, ev in f.events[:n])
    if not restated:
        return pairs
    keep = Restatements()
    return [(abs_t, ev) for abs_t, ev in pairs if keep(ev, id(ev) in restated)]


def snapshot_lines(header: dict | None) -> int:
    """How many event lines at the start of a rotated file restate the state."""
    n = (header or {}).get("snapshot")
    return n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 0


class Restatements:
    """Played as one timeline, the restatement of what the stream already holds is left
    out: an object at the resourceVersion already seen, a RELIST that names exactly the
    keys already there. What differs (a recorder restarted after a gap) is kept, so
    that the stream catches up as a re-list does. Called on every event in order."""

    def __init__(self) -> None:
        self._seen: dict[str, dict[tuple[str, str], str]] = {}
        self._listed: set[str] = set()

    def __call__(self, ev: WatchEvent, restated: bool) -> bool:
        """Whether to keep `ev` (`restated`: it is one of its file's snapshot lines)."""
        table = self._seen.setdefault(ev.kind, {})
        if restated and _already_held(ev, table, ev.kind in self._listed):
            return False
        _follow(table, ev)
        if ev.type == "RELIST":
            self._listed.add(ev.kind)
        return True


def _already_held(ev: WatchEvent, table: dict[tuple[str, str], str], listed: bool) -> bool:
    """Whether a restated event tells nothing the stream does not hold already."""
    if ev.type == "ADDED" and isinstance(ev.object, dict):
        rv = s(meta(ev.object).get("resourceVersion"))
        return bool(rv) and table.get(_key(ev.object)) == rv
    if ev.type == "RELIST":
        return listed and _relist_keys(ev.object) == set(table)
    return False


def _key(obj: Any) -> tuple[str, str]:
    m = meta(obj)
    return (s(m.get("namespace")), s(m.get("name")))


def _relist_keys(obj: Any) -> set[tuple[str, str]]:
    return {(s(k[0]), s(k[1])) for k in lst(d(obj).get("keys")) if len(lst(k)) == 2}


def _follow(table: dict[tuple[str, str], str], ev: WatchEvent) -> None:
    """Keep `table` (key -> resourceVersion of one kind) as the event leaves it."""
    if ev.type in ("ADDED", "MODIFIED") and isinstance(ev.object, dict):
        table[_key(ev.object)] = s(meta(ev.object).get("resourceVersion"))
    elif ev.type == "DELETED" and isinstance(ev.object, dict):
        table.pop(_key(ev.object), None)
    elif ev.type == "RELIST":
        keys = _relist_keys(ev.object)
        for key in [k for k in table if k not in keys]:
            del table[key]
