"""Seeking back in a long recording, with and without replay checkpoints.

    python bench/seek.py                  # 100,000 events, N = 5,000 against N = 0
    python bench/seek.py --events 20000 --every 1000

A synthetic recording is built from the soak's simulated cluster (`bench/soak.py`:
pods created, deleted, restarting, flapping, probe-failure Events). Each setting
runs in a child process of its own, so that its peak RSS is its own: open (the
`ReplaySource`), seek to the end (applying everything, keeping the checkpoints),
then 20 random backward seeks, each from the end (the way back is timed, the way
forward again is not). Prints figures, not a verdict.
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.soak import START, SimulatedCluster  # noqa: E402
from podwatch.kube.source import ReplaySource, _Snapshot  # noqa: E402
from podwatch.model.watch import WatchEvent  # noqa: E402
from podwatch.recording import Recording  # noqa: E402

SEEKS = 20


def synthetic(events: int, *, pods: int = 300, step: float = 10.0) -> Recording:
    """`events` events of simulated churn, `step` simulated seconds apart per batch."""
    cluster = SimulatedCluster(pods=pods)
    out: list[WatchEvent] = [ev for ev, _t in cluster.start(START)]
    index = 0
    while len(out) < events:
        index += 1
        out += [ev for ev, _t in cluster.step(START + index * step, index)]
    return Recording(header={"format": "podwatch-recording"}, events=out[:events], started=START)


def one(events: int, every: int, seed: int) -> dict[str, float]:
    t0 = time.perf_counter()
    rec = synthetic(events)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    src = ReplaySource(rec, paused=True, checkpoint_every=every)
    opened = time.perf_counter() - t0
    t0 = time.perf_counter()
    src.seek(rec.duration)
    to_end = time.perf_counter() - t0
    rng = random.Random(seed)
    backs: list[float] = []
    applied: list[int] = []
    for _ in range(SEEKS):
        target = rng.uniform(0, rec.duration * 0.98)
        src.seek(rec.duration)
        before = src.received
        t0 = time.perf_counter()
        src.seek(target)
        backs.append(time.perf_counter() - t0)
        applied.append(src.received - before)
    src.seek(rec.duration)
    t0 = time.perf_counter()
    snap = _Snapshot(src.store)
    snap_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    snap.restore()
    restore_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    copy.deepcopy(src.store)
    deepcopy_s = time.perf_counter() - t0
    snapshots = list(src._checkpoints.values())
    held = sum(s.size for s in snapshots)
    return {
        "every": every,
        "events": len(rec.events),
        "pods": len(src.store.pods),
        "build_s": built,
        "open_s": opened,
        "seek_to_end_s": to_end,
        "back_median_s": statistics.median(backs),
        "back_max_s": max(backs),
        "back_applied_median": statistics.median(applied),
        "snapshot_ms": snap_s * 1000,
        "restore_ms": restore_s * 1000,
        "deepcopy_ms": deepcopy_s * 1000,
        "checkpoints": len(snapshots),
        "checkpoint_mb": held / 2**20,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--every", type=int, default=ReplaySource.CHECKPOINT_EVERY)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", action="store_true", help="one setting, in this process")
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.events, args.every, args.seed)))
        return 0
    runs = []
    for every in (0, args.every):
        cmd = [sys.executable, __file__, "--one", "--events", str(args.events)]
        cmd += ["--every", str(every), "--seed", str(args.seed)]
        done = subprocess.run(cmd, check=True, capture_output=True, text=True)
        runs.append(json.loads(done.stdout))
    off, on = runs
    print(f"{off['events']:,} events ({off['pods']} pods at the end), {SEEKS} backward seeks")
    print(f"{'':24}{'N = 0':>12}{'N = ' + format(args.every, ','):>14}{'ratio':>9}")
    rows = [
        ("build recording s", "build_s", "{:.2f}"),
        ("open s", "open_s", "{:.4f}"),
        ("seek to end s", "seek_to_end_s", "{:.2f}"),
        ("back median s", "back_median_s", "{:.3f}"),
        ("back max s", "back_max_s", "{:.3f}"),
        ("back events applied", "back_applied_median", "{:,.0f}"),
        ("snapshot at end ms", "snapshot_ms", "{:.1f}"),
        ("restore at end ms", "restore_ms", "{:.1f}"),
        ("(deepcopy at end ms)", "deepcopy_ms", "{:.1f}"),
        ("checkpoints kept", "checkpoints", "{:.0f}"),
        ("checkpoints MB", "checkpoint_mb", "{:.1f}"),
        ("peak RSS MB", "peak_rss_mb", "{:.0f}"),
    ]
    for label, key, fmt in rows:
        a, b = off[key], on[key]
        ratio = f"{b / a:.2f}x" if a else ""
        print(f"{label:24}{fmt.format(a):>12}{fmt.format(b):>14}{ratio:>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
