"""Several files, one timeline.

Podwatch recordings merge by receive time. Anything imported from kubectl merges
in resourceVersion order (an etcd revision shared by all kinds), keeping each
file's own order; then every event gets a time that never runs backwards.
"""

from __future__ import annotations

from podwatch.model.k8s import format_rfc3339
from podwatch.model.watch import WatchEvent
from podwatch.recording.format import FORMAT, VERSION, FileEvents, Recording


def merge_files(files: list[FileEvents]) -> Recording:
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
