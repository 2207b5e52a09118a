"""Seeking in a long recording: the dashboard through the recording's index.

    python bench/seek.py                          # 100,000 events
    python bench/seek.py --events 100000,1000000  # what bench/run.py's full run measures

A recording of `events` events over 1,000 pods (3 in 4 Pod MODIFIED, 1 in 4 Event
MODIFIED, as `bench/run.py`'s replay section writes it) is written once. Each step
then runs in a child process of its own, so that its peak RSS is its own:

1. index: the first open, which builds the index (recording/index.py) and caches it;
2. dashboard: the dashboard opened at the end (`podwatch replay FILE --at END`, the
   index now cached) until its table is painted, then 20 random seeks with `g` (each
   timed from `enter` to the repaint), headless at 120x40; its peak RSS;
3. at the smaller sizes, the same dashboard reading the recording whole
   (`--index never`), the way every replay worked before the index.

Targets (issue 13): open and seek to the end ≤ 3 s with the index, any seek after
that ≤ 1 s, dashboard RSS ≤ 300 MB whatever the length. Prints figures and verdicts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import msgspec  # noqa: E402

from bench.rss import peak_rss_mb  # noqa: E402

NAMESPACE = "bench"
PODS = 1_000
SEEKS = 20
WHOLE_UP_TO = 100_000
"""The whole-recording dashboard is measured up to this many events (1M would need GBs)."""
TARGETS = {"open_s": 3.0, "seek_max_s": 1.0, "rss_mb": 300.0}


def write_recording(path: str, events: int, pods: int) -> dict:
    """Write an `events`-line podwatch recording of `pods` pods, fast: the objects are
    encoded once and stamped per line."""
    from bench.corpus import PodFactory, pod_event
    from podwatch.model.watch import WatchEvent
    from podwatch.recording import RecordingWriter, sanitize

    enc = msgspec.json.Encoder()
    factory = PodFactory(NAMESPACE)
    started = 1_790_000_000.0
    t0 = time.perf_counter()
    # The header (and the first events) through podwatch's own writer...
    with RecordingWriter(path, started=started, context="bench") as w:
        for i in range(min(pods, events)):
            w.write(WatchEvent(i * 0.001, "Pod", "ADDED", factory.pod(i)))
        written = w.count
    # ...the bulk in the same line format, pre-encoded (sanitized like the writer does).
    pod_parts = []
    for i in range(pods):
        obj = sanitize(factory.pod(i, restarts=987654321))
        obj["metadata"]["resourceVersion"] = "@RV@"
        text = enc.encode(obj).decode()
        pre, post = text.split("987654321", 1)
        pod_parts.append((pre, post))
    event_parts = []
    for i in range(pods):
        obj = sanitize(pod_event(factory.name(i), NAMESPACE, 0))
        event_parts.append(enc.encode(obj).decode())
    with open(path, "a", encoding="utf-8") as f:
        buf: list[str] = []
        for k in range(written, events):
            t = round(1.0 + k * 0.001, 3)
            i = k % pods
            rv = 1000 + k
            if k % 4 == 3:
                body = event_parts[i]
                line = f'{{"t":{t},"kind":"Event","type":"MODIFIED","object":{body}}}'
            else:
                pre, post = pod_parts[i]
                obj = f"{pre}{k // pods}{post}".replace("@RV@", str(rv), 1)
                line = f'{{"t":{t},"kind":"Pod","type":"MODIFIED","object":{obj}}}'
            buf.append(line)
            if len(buf) >= 10_000:
                f.write("\n".join(buf) + "\n")
                buf = []
        if buf:
            f.write("\n".join(buf) + "\n")
    return {"file_mb": os.path.getsize(path) / 1e6, "generate_s": time.perf_counter() - t0}


def index_child(path: str) -> dict:
    """The first open: the index built and cached."""
    from podwatch.recording.index import cache_root, open_indexed

    t0 = time.perf_counter()
    log = open_indexed([path])
    built = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in cache_root().glob("*.idx"))
    return {
        "events": len(log),
        "build_s": built,
        "index_mb": size / 1e6,
        "checkpoints": len(log.checkpoints),
        "peak_rss_mb": peak_rss_mb(),
    }


def dashboard_child(path: str, index: str, seed: int, pods: int, seeks: int = SEEKS) -> dict:
    """The dashboard opened at the end, then `seeks` random seeks with `g`."""
    from podwatch.cli import build_sub_parser, open_recording, replay_dashboard
    from tests.ui.pilot import table

    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    recording = open_recording([path], index)
    end = recording.duration
    args = build_sub_parser("replay").parse_args([path, "--at", f"{end:.3f}", "--paused"])
    app = replay_dashboard(recording, args)
    out["open_seek_s"] = time.perf_counter() - t0

    async def run() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(500):  # bounded: the table painted with every pod
                await pilot.pause()
                if table(app).row_count >= pods:
                    break
            out["painted_s"] = time.perf_counter() - t0
            out["rows"] = table(app).row_count
            rng = random.Random(seed)
            times: list[float] = []
            for _ in range(seeks):
                target = round(rng.uniform(0, end), 2)
                await pilot.press("g", *f"{target:.2f}")
                began = time.perf_counter()
                await pilot.press("enter")
                await pilot.pause()
                times.append(time.perf_counter() - began)
                assert abs(app.source.position - target) < 0.01, (app.source.position, target)
            out["seeks"] = times
            await pilot.press("q")

    asyncio.run(run())
    out["events"] = app.source.event_count
    out["seek_median_s"] = statistics.median(out["seeks"])
    out["seek_max_s"] = max(out["seeks"])
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def _child(args: list[str], env: dict[str, str], timeout: float = 3600) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} child failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(events: int, tmp: Path, seed: int = 1, pods: int = PODS, seeks: int = SEEKS) -> dict:
    """Every figure for one size, each step in a child process (see the module)."""
    path = tmp / f"seek-{events}.jsonl"
    env = {**os.environ, "PODWATCH_CACHE_DIR": str(tmp / f"cache-{events}")}
    gen = write_recording(str(path), events, pods)
    try:
        index = _child(["--child", "index", str(path)], env)
        dash_args = ["--child", "dashboard", str(path), "always", str(seed), str(pods), str(seeks)]
        dash = _child(dash_args, env)
        whole = None
        if events <= WHOLE_UP_TO:
            dash_args[3] = "never"
            whole = _child(dash_args, env)
    finally:
        path.unlink(missing_ok=True)
    return {
        "events": events,
        "pods": pods,
        "seeks": seeks,
        "gen": gen,
        "index": index,
        "dash": dash,
    } | {"whole": whole}


def rows(m: dict) -> list[tuple[str, str, str, str]]:
    """(what, figure, target, verdict) rows, for print and for bench/run.py."""
    n, index, dash, whole = m["events"], m["index"], m["dash"], m["whole"]

    def verdict(value: float, key: str) -> str:
        return "met" if value <= TARGETS[key] else f"MISSED ({value / TARGETS[key]:.1f}x)"

    out = [
        (
            f"{n:,} events, {m['pods']:,} pods: recording",
            f"{m['gen']['file_mb']:.0f} MB of JSON Lines",
            "",
            "",
        ),
        (
            "first open: index built",
            f"{index['build_s']:.1f} s ({n / index['build_s']:,.0f} ev/s), "
            f"{index['index_mb']:.0f} MB on disk, {index['checkpoints']} checkpoints, "
            f"peak RSS {index['peak_rss_mb']:.0f} MB",
            "",
            "",
        ),
        (
            "open with the index + seek to the end",
            f"{dash['open_seek_s']:.2f} s (table painted at {dash['painted_s']:.2f} s)",
            f"≤ {TARGETS['open_s']:.0f} s",
            verdict(dash["open_seek_s"], "open_s"),
        ),
        (
            f"{m['seeks']} random seeks with `g` (enter → repaint)",
            f"median {dash['seek_median_s']:.2f} s, max {dash['seek_max_s']:.2f} s",
            f"≤ {TARGETS['seek_max_s']:.0f} s",
            verdict(dash["seek_max_s"], "seek_max_s"),
        ),
        (
            "dashboard peak RSS",
            f"{dash['peak_rss_mb']:.0f} MB",
            f"≤ {TARGETS['rss_mb']:.0f} MB",
            verdict(dash["peak_rss_mb"], "rss_mb"),
        ),
    ]
    if whole is not None:
        out.append(
            (
                "the same read whole (`--index never`), for comparison",
                f"open + end {whole['open_seek_s']:.2f} s, seeks median "
                f"{whole['seek_median_s']:.2f} s / max {whole['seek_max_s']:.2f} s, "
                f"peak RSS {whole['peak_rss_mb']:.0f} MB",
                "",
                "",
            )
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="100000", help="sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        what, path, *rest = args.child
        if what == "index":
            result = index_child(path)
        else:
            result = dashboard_child(path, rest[0], *map(int, rest[1:4]))
        print(json.dumps(result))
        return 0
    with tempfile.TemporaryDirectory(prefix="podwatch-seek-") as td:
        for events in (int(e) for e in args.events.split(",")):
            for what, figure, target, verdict in rows(measure(events, Path(td), args.seed)):
                tail = f"  [target {target}: {verdict}]" if target else ""
                print(f"{what}: {figure}{tail}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
