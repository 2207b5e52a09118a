"""podwatch at scale: every figure measured side by side in one run.

    python bench/run.py            # full (a few minutes)
    python bench/run.py --quick    # under ~90 s
    python bench/run.py --smoke    # tiny sizes; what the test suite runs

Writes bench/RESULTS.md (or --out PATH). The API server double runs in a
separate process (bench/server.py) on 127.0.0.1; memory and replay are
measured in child processes so that nothing else pollutes their RSS. Each
section runs on its own: a failure is reported in RESULTS.md, not raised.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import msgspec  # noqa: E402

from bench.rss import peak_rss_mb  # noqa: E402
from podwatch.model.watch import KINDS  # noqa: E402

NAMESPACE = "bench"

SIZES: dict[str, dict[str, Any]] = {
    "full": dict(
        ingest_pods=1000,
        ingest_events=20_000,
        cold_pods=10_000,
        churn_pods=10_000,
        churn_rate=500,
        churn_seconds=60,
        mem_pods=10_000,
        mem_events_per_pod=5,
        idle_seconds=30,
        idle_pods=10_000,
        replay_events=1_000_000,
        replay_pods=1000,
        seek_events=(100_000, 1_000_000),
        seek_pods=1000,
        once_pods=(5_000, 10_000),
        scale_pods=100_000,
        scale_rate=1000,
        scale_seconds=20,
        contexts_pods=2_500,
        contexts=(1, 2, 4),
        contexts_runs=3,
    ),
    "quick": dict(
        ingest_pods=500,
        ingest_events=4000,
        cold_pods=10_000,
        churn_pods=10_000,
        churn_rate=500,
        churn_seconds=10,
        mem_pods=10_000,
        mem_events_per_pod=5,
        idle_seconds=5,
        idle_pods=10_000,
        replay_events=100_000,
        replay_pods=1000,
        seek_events=(100_000,),
        seek_pods=1000,
        once_pods=(5_000,),
        scale_pods=20_000,
        scale_rate=500,
        scale_seconds=5,
        contexts_pods=1_000,
        contexts=(1, 2),
        contexts_runs=1,
    ),
    "smoke": dict(
        ingest_pods=20,
        ingest_events=100,
        cold_pods=150,
        churn_pods=100,
        churn_rate=50,
        churn_seconds=1,
        mem_pods=50,
        mem_events_per_pod=2,
        idle_seconds=0.5,
        idle_pods=20,
        replay_events=1000,
        replay_pods=20,
        seek_events=(2000,),
        seek_pods=20,
        seeks=3,  # the harness runs; 20 seeks are timed in the quick and full runs
        once_pods=(50,),
        scale_pods=200,
        scale_rate=50,
        scale_seconds=1,
        contexts_pods=20,
        contexts=(1, 2),
        contexts_runs=1,
    ),
}


# --------------------------------------------------------------------------- plumbing


@dataclass
class Section:
    name: str
    title: str
    ok: bool = False
    seconds: float = 0.0
    error: str = ""
    figures: dict[str, float] = field(default_factory=dict)
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(figure, value, target, verdict)"""
    notes: list[str] = field(default_factory=list)


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


class Server:
    """bench/server.py in a child process: the API server double on 127.0.0.1."""

    def __init__(self, tmp: Path, namespace: str = NAMESPACE) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "server.py"), namespace],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=str(ROOT),
        )
        self._lock = threading.Lock()
        hello = self._read()
        if not hello.get("ready"):
            raise RuntimeError(f"server did not start: {hello}")
        self.url = hello["url"]
        self.kubeconfig = str(tmp / f"kubeconfig-{self.proc.pid}.json")
        self.call(op="kubeconfig", path=self.kubeconfig, namespace=namespace)

    def _read(self) -> dict:
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            raise RuntimeError(f"server exited (code {self.proc.poll()})")
        return json.loads(line)

    def call(self, **cmd: Any) -> dict:
        with self._lock:
            assert self.proc.stdin is not None
            self.proc.stdin.write(json.dumps(cmd) + "\n")
            self.proc.stdin.flush()
            reply = self._read()
        if "error" in reply:
            raise RuntimeError(reply["error"])
        return reply

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self.call(op="quit")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect(server: Server):
    from podwatch.kube.config import connect

    return connect(kubeconfig=server.kubeconfig, namespace=NAMESPACE)


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "**missed**")


def _fmt(x: float, unit: str = "") -> str:
    if x >= 100:
        s = f"{x:,.0f}"
    elif x >= 10:
        s = f"{x:.1f}"
    else:
        s = f"{x:.3g}"
    return f"{s} {unit}".strip()


# --------------------------------------------------------------------------- 1 ingest


def _count_lines_raw(api, rv: int, n: int, decode: bool) -> tuple[float, float]:
    """Read the watch stream raw (`_preload_content=False`); optionally msgspec-decode."""
    dec = msgspec.json.Decoder()
    t0, c0 = time.perf_counter(), time.process_time()
    resp = api.list_namespaced_pod(
        NAMESPACE,
        watch=True,
        resource_version=str(rv),
        timeout_seconds=120,
        _preload_content=False,
        _request_timeout=(10, 60),
    )
    count = 0
    buffer = b""
    try:
        for chunk in resp.stream(65536, decode_content=True):
            buffer += chunk
            start = 0
            while count < n:
                nl = buffer.find(b"\n", start)
                if nl < 0:
                    break
                if decode:
                    ev = dec.decode(buffer[start:nl])
                    if ev["type"] != "BOOKMARK":
                        count += 1
                else:
                    count += 1
                start = nl + 1
            buffer = buffer[start:]
            if count >= n:
                break
    finally:
        resp.close()
        resp.release_conn()
    if count < n:
        raise RuntimeError(f"raw stream ended after {count} of {n} events")
    return time.perf_counter() - t0, time.process_time() - c0


def _client_models(api, rv: int, n: int) -> tuple[float, float]:
    from kubernetes import watch

    t0, c0 = time.perf_counter(), time.process_time()
    w = watch.Watch()
    count = 0
    for ev in w.stream(
        api.list_namespaced_pod,
        NAMESPACE,
        resource_version=str(rv),
        timeout_seconds=300,
        _request_timeout=(10, 60),
    ):
        if ev["type"] in ("ADDED", "MODIFIED", "DELETED"):
            count += 1
            if count >= n:
                w.stop()
                break
    if count < n:
        raise RuntimeError(f"Watch.stream ended after {count} of {n} events")
    return time.perf_counter() - t0, time.process_time() - c0


def _podwatch_ingest(cluster, scope, rv: int, n: int) -> tuple[float, float, int]:
    from podwatch.kube.listwatch import KindWatcher, WatchSettings
    from podwatch.model.store import Store
    from podwatch.model.view import pod_row

    store = Store()
    done = threading.Event()
    state = {"events": 0, "rows": 0}

    def sink(ev) -> None:
        changes = store.apply(ev, time.time())
        for key in changes.pods:
            if pod_row(store, key) is not None:
                state["rows"] += 1
        if ev.type in ("ADDED", "MODIFIED", "DELETED"):
            state["events"] += 1
            if state["events"] >= n:
                done.set()

    watcher = KindWatcher(
        cluster,
        scope,
        "Pod",
        sink,
        started=time.time(),
        settings=WatchSettings(read_timeout=60.0),
        slim=True,  # as the dashboard and `--once` watch (a recording keeps whole objects)
    )
    watcher.resource_version = str(rv)  # skip the list: watch history from here
    t0, c0 = time.perf_counter(), time.process_time()
    watcher.start()
    finished = done.wait(timeout=300)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    watcher.stop()
    watcher.join(5)
    if not finished:
        raise RuntimeError(f"podwatch watcher got {state['events']} of {n} events")
    return wall, cpu, state["rows"]


def section_ingest(sz: dict, tmp: Path, sec: Section) -> None:
    from kubernetes import client

    n, pods = sz["ingest_events"], sz["ingest_pods"]
    with Server(tmp) as server:
        server.call(op="populate", n=pods)
        span = server.call(op="modify", count=n, pods=pods)
        rv = span["rv_before"]
        cluster, scope = _connect(server)
        api = client.CoreV1Api(cluster.api_client)
        # warm-up (connection, imports, page cache of the server)
        _count_lines_raw(api, rv, min(n, 200), decode=True)
        sock_wall, _ = _count_lines_raw(api, rv, n, decode=False)
        b_wall, b_cpu = _count_lines_raw(api, rv, n, decode=True)
        c_wall, c_cpu, rows = _podwatch_ingest(cluster, scope, rv, n)
        a_wall, a_cpu = _client_models(api, rv, n)
    eps = {k: n / w for k, w in (("a", a_wall), ("b", b_wall), ("c", c_wall), ("s", sock_wall))}
    ca, bc = eps["c"] / eps["a"], eps["b"] / eps["c"]
    sec.figures.update(
        cpu_us_a=1e6 * a_cpu / n,
        cpu_us_b=1e6 * b_cpu / n,
        cpu_us_c=1e6 * c_cpu / n,
        events=n,
        client_models_eps=eps["a"],
        raw_msgspec_eps=eps["b"],
        podwatch_eps=eps["c"],
        socket_only_eps=eps["s"],
        ratio_c_over_a=ca,
        ratio_b_over_c=bc,
        cpu_ratio_c_over_b=c_cpu / b_cpu if b_cpu else None,
        rows_derived=rows,
    )
    sec.rows += [
        (
            "(a) kubernetes `Watch.stream` + models",
            f"{_fmt(eps['a'])} ev/s ({1e6 / eps['a']:.0f} µs/ev)",
            "",
            "",
        ),
        (
            "(b) raw socket + msgspec decode",
            f"{_fmt(eps['b'])} ev/s ({1e6 / eps['b']:.0f} µs/ev)",
            "",
            "",
        ),
        (
            "(c) podwatch: KindWatcher (pods decoded slim) → Store → pod_row",
            f"{_fmt(eps['c'])} ev/s ({1e6 / eps['c']:.0f} µs/ev)",
            "",
            "",
        ),
        ("socket read alone (lines counted)", f"{_fmt(eps['s'])} ev/s", "", ""),
        (
            "client CPU per event: a / b / c",
            f"{1e6 * a_cpu / n:.0f} / {1e6 * b_cpu / n:.0f} / {1e6 * c_cpu / n:.0f} µs",
            "",
            "",
        ),
        (
            "by client CPU: a / c, b / c",
            f"{a_cpu / c_cpu:.1f}x, {b_cpu / c_cpu:.2f}x" if c_cpu and b_cpu else "-",
            "",
            "",
        ),
        ("c / a (events per second)", f"{ca:.1f}x", "≥ 25x", _verdict(ca >= 25)),
        ("b / c (events per second)", f"{bc:.2f}x", "≤ 2x", _verdict(bc <= 2)),
        (
            "client CPU per event, c / b (podwatch / bare generic msgspec)",
            f"{c_cpu / b_cpu:.2f}x" if b_cpu else "-",
            "≤ 1.0x",
            _verdict(c_cpu <= b_cpu) if b_cpu else "",
        ),
    ]
    sec.notes.append(
        f"{n:,} MODIFIED events of {pods:,} pods (~5.7 KB each with managedFields), "
        f"replayed from the double's history; CPU s: a {a_cpu:.2f}, b {b_cpu:.2f}, c {c_cpu:.2f}."
    )


# --------------------------------------------------------------------------- app helpers


async def _list_and_paint(app, pilot, source, n: int, marks: dict, within: float) -> Any:
    """Start the watches and wait (at most `within` s) for `n` rows, then for the screen
    to refresh; `marks` gets start, rows and painted."""
    await pilot.pause()
    marks["start"] = time.perf_counter()
    source.start()
    table = await _wait_rows(app, pilot, n, marks["start"] + within)
    marks["rows"] = time.perf_counter()
    await pilot.pause()  # let the screen refresh
    marks["painted"] = time.perf_counter()
    return table


async def _wait_rows(app, pilot, n: int, deadline: float) -> Any:
    table = app.screen.query_one("#pods")
    while time.perf_counter() < deadline:
        if table.row_count >= n:
            return table
        await pilot.pause(0.01)
        table = app.screen.query_one("#pods")
    raise RuntimeError(f"table has {table.row_count} of {n} rows after waiting")


def _live_source(server: Server, marks: dict):
    from podwatch.kube.listwatch import WatchSettings
    from podwatch.kube.source import LiveSource

    cluster, scope = _connect(server)
    source = LiveSource(cluster, scope, settings=WatchSettings(page_size=500))
    watcher = source.watchers["Pod"]
    inner = watcher.sink

    def sink(ev) -> None:
        if ev.type == "ADDED" and "first_item" not in marks:
            marks["first_item"] = time.perf_counter()
        if ev.type == "RELIST" and "last_page" not in marks:
            marks["last_page"] = time.perf_counter()
        inner(ev)

    watcher.sink = sink
    return source


# --------------------------------------------------------------------------- 2 cold start


def section_cold(sz: dict, tmp: Path, sec: Section) -> None:
    from podwatch.ui.app import PodwatchApp

    n = sz["cold_pods"]
    with Server(tmp) as server:
        server.call(op="populate", n=n)
        marks: dict[str, float] = {}
        source = _live_source(server, marks)
        app = PodwatchApp(source)

        async def run() -> None:
            async with app.run_test(size=(120, 40)) as pilot:
                await _list_and_paint(app, pilot, source, n, marks, 120)
                app.exit()

        asyncio.run(run())
        source.stop()
    list_s = marks["last_page"] - marks["start"]
    after = marks["painted"] - marks["last_page"]
    sec.figures.update(
        pods=n,
        list_seconds=list_s,
        paint_after_last_page=after,
        total=marks["painted"] - marks["start"],
    )
    sec.rows += [
        (f"list {n:,} pods (pages of 500), start → last page", f"{list_s:.2f} s", "", ""),
        ("last page → rows in table", f"{marks['rows'] - marks['last_page']:.2f} s", "", ""),
        ("last page → first painted table", f"{after:.2f} s", "≤ 1.5 s", _verdict(after <= 1.5)),
        ("start → first painted table", f"{marks['painted'] - marks['start']:.2f} s", "", ""),
    ]
    kubectl = shutil.which("kubectl")
    if kubectl:
        with Server(tmp) as server:
            server.call(op="populate", n=n)
            t0 = time.perf_counter()
            proc = subprocess.run(
                [kubectl, "--kubeconfig", server.kubeconfig, "get", "pods", "-A"],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            k = time.perf_counter() - t0
        lines = max(0, len(proc.stdout.splitlines()) - 1)
        sec.figures["kubectl_seconds"] = k
        what = f"{k:.2f} s ({lines:,} rows, exit {proc.returncode})"
        sec.rows.append(("`kubectl get pods -A` (same server), whole command", what, "", ""))
        if proc.returncode != 0:
            err = " ".join((proc.stderr or "").strip().splitlines()[-1:])[:200]
            sec.notes.append(f"kubectl failed against the double: {err}")
    else:
        sec.notes.append("kubectl is not installed here: no side-by-side `kubectl get pods -A`.")


# --------------------------------------------------------------------------- 3 churn


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


async def _churn(app, pilot, server: Server, source, table, n: int, rate: int, seconds: float):
    """Churn `n` pods at `rate` updates/s for `seconds` through the running app; returns
    (per update: server commit → row in the table, server commit → parsed in the watch
    thread, the app process's wall and CPU, the server's reply)."""
    from bench.corpus import PodFactory

    seen: dict[tuple[str, int], float] = {}
    arrived: dict[tuple[str, int], float] = {}
    inner = table._put

    def put(rid, row, *rest):
        # a row's id is its pod's key, (namespace, name)
        seen.setdefault((f"{rid[0]}/{rid[1]}", row.summary.restarts), time.time())
        return inner(rid, row, *rest)

    table._put = put
    watcher = source.watchers["Pod"]
    inner_sink = watcher.sink

    def sink(ev) -> None:
        # when the watch thread has the event parsed: what the double, the socket and
        # the parse cost, before the app's share
        if ev.type == "MODIFIED":
            obj = ev.object
            statuses = (obj.get("status") or {}).get("containerStatuses") or [{}]
            restarts = statuses[0].get("restartCount", -1)
            name = (obj.get("metadata") or {}).get("name", "")
            arrived.setdefault((f"{NAMESPACE}/{name}", restarts), time.time())
        inner_sink(ev)

    watcher.sink = sink
    await pilot.pause(0.5)
    t0, c0 = time.perf_counter(), time.process_time()
    job = asyncio.get_running_loop().run_in_executor(
        None, lambda: server.call(op="churn", rate=rate, duration=seconds, pods=n)
    )
    deadline = t0 + seconds * 3 + 30
    while not job.done() and time.perf_counter() < deadline:
        await pilot.pause(0.1)
    reply = await asyncio.wait_for(job, timeout=max(1.0, deadline - time.perf_counter()))
    sent_end = time.perf_counter()
    # grace: let the last events reach the table (bounded)
    want = {(f"{NAMESPACE}/{PodFactory.name(i)}", r) for i, r, _ in reply["stamps"]}
    grace = sent_end + 3.0
    while time.perf_counter() < grace and not want <= seen.keys():
        await pilot.pause(0.05)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    table._put = inner
    watcher.sink = inner_sink
    lat, transport = [], []
    for i, r, t in reply["stamps"]:
        t_seen = seen.get((f"{NAMESPACE}/{PodFactory.name(i)}", r))
        if t_seen is not None:
            lat.append(max(0.0, t_seen - t))
        t_arrived = arrived.get((f"{NAMESPACE}/{PodFactory.name(i)}", r))
        if t_arrived is not None:
            transport.append(max(0.0, t_arrived - t))
    return lat, transport, wall, cpu, reply


def section_churn(sz: dict, tmp: Path, sec: Section) -> None:
    from podwatch.ui.app import PodwatchApp

    n, rate, seconds = sz["churn_pods"], sz["churn_rate"], sz["churn_seconds"]
    result: dict[str, Any] = {}
    with Server(tmp) as server:
        server.call(op="populate", n=n)
        marks: dict[str, float] = {}
        source = _live_source(server, marks)
        app = PodwatchApp(source)

        async def run() -> None:
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                source.start()
                table = await _wait_rows(app, pilot, n, time.perf_counter() + 120)
                lat, transport, wall, cpu, reply = await _churn(
                    app, pilot, server, source, table, n, rate, seconds
                )
                result.update(lat=lat, transport=transport, wall=wall, cpu=cpu, reply=reply)
                app.exit()

        asyncio.run(run())
        source.stop()
    reply = result["reply"]
    lat, transport = result["lat"], result["transport"]
    sent = reply["sent"]
    dropped = sent - len(lat)
    p50, p99 = _pct(lat, 50) * 1000, _pct(lat, 99) * 1000
    cpu_share = result["cpu"] / result["wall"]
    achieved = sent / reply["elapsed"] if reply["elapsed"] else 0.0
    sec.figures.update(
        sent=sent,
        seen=len(lat),
        dropped=dropped,
        p50_ms=p50,
        p99_ms=p99,
        max_ms=max(lat) * 1000 if lat else float("nan"),
        cpu_share=cpu_share,
        achieved_rate=achieved,
    )
    sec.rows += [
        (
            f"updates sent ({n:,} pods, {rate}/s × {seconds} s)",
            f"{sent:,} (achieved {achieved:.0f}/s)",
            "",
            "",
        ),
        ("event → table latency p50", f"{p50:.0f} ms", "", ""),
        ("event → table latency p99", f"{p99:.0f} ms", "≤ 250 ms", _verdict(p99 <= 250)),
        ("max latency", f"{sec.figures['max_ms']:.0f} ms", "", ""),
        (
            "of which server → parsed in the watch thread, p50 / p99",
            f"{_pct(transport, 50) * 1000:.0f} / {_pct(transport, 99) * 1000:.0f} ms",
            "",
            "",
        ),
        ("CPU share of the podwatch process", f"{cpu_share * 100:.0f} % of one core", "", ""),
        ("dropped (sent − seen in table)", f"{dropped:,}", "0", _verdict(dropped == 0)),
    ]
    sec.notes.append(
        "Each update raises the pod's restartCount; latency is from the server committing "
        "the update (wall clock) to the pod table holding the row with the new value "
        "(rows off screen are never drawn; the lines in view repaint on the next refresh). "
        "The app drains its queue 50 ms after events arrive (the watch thread posts one "
        "message per burst; a 250 ms timer is the fallback)."
    )


# --------------------------------------------------------------------------- 4 memory


def _rss_mb() -> float:
    from bench.rss import rss_mb

    return rss_mb()


def memory_child(pods: int, per_pod: int) -> dict:
    """In a fresh process: the store after `pods` pods and `per_pod` Events each,
    fed through podwatch's ingest path (bytes → codec.decode → strip → Store.apply)."""
    from bench.corpus import PodFactory, pod_event
    from podwatch import codec
    from podwatch.model.k8s import strip_metadata
    from podwatch.model.store import Store
    from podwatch.model.view import pod_row
    from podwatch.model.watch import WatchEvent

    enc = msgspec.json.Encoder()
    factory = PodFactory(NAMESPACE)
    gc.collect()
    base = _rss_mb()
    store = Store()
    now = time.time()
    rv = 1
    for i in range(pods):
        raw = enc.encode({"type": "ADDED", "object": factory.pod(i)})
        ev = codec.decode(raw)
        obj = ev["object"]
        obj["metadata"]["resourceVersion"] = str(rv)
        rv += 1
        obj = strip_metadata(obj)
        store.apply(WatchEvent(0.0, "Pod", "ADDED", obj), now)
    for k in range(per_pod):
        for i in range(pods):
            raw = enc.encode({"type": "ADDED", "object": pod_event(factory.name(i), NAMESPACE, k)})
            obj = strip_metadata(codec.decode(raw)["object"])
            store.apply(WatchEvent(0.0, "Event", "ADDED", obj), now)
    for key in list(store.pods):
        pod_row(store, key)
    gc.collect()
    rss = _rss_mb()
    peak = peak_rss_mb()
    events_kept = len(getattr(store, "events", {}) or {})
    return {
        "rss_mb": rss,
        "base_mb": base,
        "peak_mb": peak,
        "pods": len(store.pods),
        "events_kept": events_kept,
        "packed_mb": store.pods.packed_bytes() / 1e6,
    }


def _child(args: list[str], timeout: float) -> dict:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(ROOT),
        check=False,
    )
    if proc.returncode != 0:
        tail = (proc.stderr or "").strip().splitlines()[-3:]
        raise RuntimeError(f"child {args[0]} failed: {' | '.join(tail)}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def section_memory(sz: dict, tmp: Path, sec: Section) -> None:
    pods, per = sz["mem_pods"], sz["mem_events_per_pod"]
    res = _child(["--memory-child", str(pods), str(per)], timeout=300)
    sec.figures.update(res)
    sec.rows += [
        ("interpreter + imports (before loading)", f"{res['base_mb']:.0f} MB", "", ""),
        (
            f"RSS with {pods:,} pods + {pods * per:,} Events",
            f"{res['rss_mb']:.0f} MB",
            "≤ 120 MB",
            _verdict(res["rss_mb"] <= 120),
        ),
        ("peak RSS", f"{res['peak_mb']:.0f} MB", "", ""),
    ]
    sec.rows.append(
        (
            "of which the pods, packed (model/packed.py)",
            f"{res['packed_mb']:.0f} MB ({res['packed_mb'] * 1e6 / max(res['pods'], 1):,.0f} "
            "bytes a pod)",
            "",
            "",
        )
    )
    sec.notes.append(
        f"Store holds {res['pods']:,} pods; Events kept by the store: {res['events_kept']:,} "
        "(its own TTL/cap apply). Fresh child process; app/UI not loaded."
    )


# --------------------------------------------------------------------------- 5 idle


def section_idle(sz: dict, tmp: Path, sec: Section) -> None:
    from podwatch.ui.app import PodwatchApp

    n, seconds = sz["idle_pods"], sz["idle_seconds"]
    out: dict[str, float] = {}
    with Server(tmp) as server:
        server.call(op="populate", n=n)
        marks: dict[str, float] = {}
        source = _live_source(server, marks)
        app = PodwatchApp(source)

        async def run() -> None:
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                source.start()
                await _wait_rows(app, pilot, n, time.perf_counter() + 120)
                await pilot.pause(1.0)
                t0, c0 = time.perf_counter(), time.process_time()
                await asyncio.sleep(seconds)
                out["wall"] = time.perf_counter() - t0
                out["cpu"] = time.process_time() - c0
                app.exit()

        asyncio.run(run())
        source.stop()
    share = out["cpu"] / out["wall"]
    sec.figures.update(cpu_seconds=out["cpu"], wall_seconds=out["wall"], cpu_share=share)
    sec.rows += [
        (
            f"CPU while idle ({n:,} pods shown, {seconds:g} s, no events)",
            f"{share * 100:.2f} % ({out['cpu']:.2f} s CPU)",
            "≈ 0 (≤ 2 %)",
            _verdict(share <= 0.02),
        )
    ]
    sec.notes.append(
        "The double sends a BOOKMARK every 5 s per watch; the app's 250 ms drain timer, "
        "1 s tick and 5 s age refresh keep running."
    )


# --------------------------------------------------------------------------- 6 replay


def replay_gen_child(path: str, events: int, pods: int) -> dict:
    """Write an `events`-line podwatch recording."""
    from bench.seek import write_recording

    return write_recording(path, events, pods)


def replay_stream_child(path: str) -> dict:
    """`podwatch replay FILE --once`, as a user runs it (output to /dev/null)."""
    from podwatch import cli

    t0, c0 = time.perf_counter(), time.process_time()
    with open(os.devnull, "w") as sink:
        stdout, sys.stdout = sys.stdout, sink
        try:
            code = cli.main(["replay", path, "--once"])
        finally:
            sys.stdout = stdout
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    with open(path, "rb") as f:
        events = sum(1 for _ in f) - 1
    return {
        "code": code,
        "events": events,
        "seconds": seconds,
        "cpu_us": 1e6 * cpu / max(events, 1),
        "eps": events / seconds,
        "peak_rss_mb": peak_rss_mb(),
    }


def replay_whole_child(path: str) -> dict:
    """What the dashboard's replay does: the whole recording in memory, then played."""
    from podwatch.kube.source import ReplaySource
    from podwatch.recording import read_recording

    t1 = time.perf_counter()
    rec = read_recording(path)
    read_s = time.perf_counter() - t1
    n = len(rec.events)
    src = ReplaySource(rec, clock=time.monotonic, paused=True)
    t2 = time.perf_counter()
    src.run_to_end()
    replay_s = time.perf_counter() - t2
    return {
        "events": n,
        "read_s": read_s,
        "replay_s": replay_s,
        "total_eps": n / (read_s + replay_s),
        "peak_rss_mb": peak_rss_mb(),
    }


WHOLE_EVENTS = 100_000
"""The dashboard's whole-file replay is measured on at most this many events."""


def section_replay(sz: dict, tmp: Path, sec: Section) -> None:
    events, pods = sz["replay_events"], sz["replay_pods"]
    path = tmp / "replay.jsonl"
    gen = _child(["--replay-child", "gen", str(path), str(events), str(pods)], timeout=900)
    stream = _child(["--replay-child", "stream", str(path)], timeout=900)
    whole_n = min(events, WHOLE_EVENTS)
    prefix = tmp / "replay-prefix.jsonl"
    with open(path, "rb") as src, open(prefix, "wb") as dst:
        for i, line in enumerate(src):
            if i > whole_n:
                break
            dst.write(line)
    whole = _child(["--replay-child", "whole", str(prefix)], timeout=900)
    path.unlink(missing_ok=True)
    prefix.unlink(missing_ok=True)
    sec.figures.update(
        events=stream["events"],
        stream_eps=stream["eps"],
        stream_cpu_us=stream["cpu_us"],
        stream_peak_mb=stream["peak_rss_mb"],
        whole_events=whole["events"],
        whole_eps=whole["total_eps"],
        whole_peak_mb=whole["peak_rss_mb"],
    )
    sec.rows += [
        (
            f"recording: {stream['events']:,} events, {gen['file_mb']:.0f} MB",
            f"generated in {gen['generate_s']:.1f} s",
            "",
            "",
        ),
        (
            "`podwatch replay FILE --once` (streamed)",
            f"{stream['seconds']:.1f} s, **{_fmt(stream['eps'])} ev/s**, exit {stream['code']}",
            "",
            "",
        ),
        (
            "`replay FILE --once`: events per second",
            f"{_fmt(stream['eps'])} ev/s ({stream['cpu_us']:.0f} µs CPU an event)",
            "≥ 50,000 ev/s",
            _verdict(stream["eps"] >= 50_000),
        ),
        ("peak RSS of `replay --once`", f"{stream['peak_rss_mb']:.0f} MB", "", ""),
        (
            f"dashboard replay read whole (`--index never`), first {whole['events']:,} events",
            f"read {whole['read_s']:.1f} s + play {whole['replay_s']:.1f} s "
            f"= {_fmt(whole['total_eps'])} ev/s",
            "",
            "",
        ),
        ("peak RSS of the dashboard replay", f"{whole['peak_rss_mb']:.0f} MB", "", ""),
    ]
    sec.notes.append(
        "3 of 4 events are Pod MODIFIED (as `podwatch record` writes pods: all but "
        "managedFields, secrets redacted), 1 of 4 Event MODIFIED, "
        f"over {pods:,} pods; uncompressed JSON Lines. `--once` streams the file (memory of "
        "the store only); read whole, the dashboard holds every event (section 7: through "
        "the index it holds the cluster state only)."
    )


# --------------------------------------------------------------------------- 7 seek


def section_seek(sz: dict, tmp: Path, sec: Section) -> None:
    """bench/seek.py at each size: the dashboard through the recording's index."""
    from bench import seek

    for events in sz["seek_events"]:
        measured = seek.measure(
            events, tmp, pods=sz["seek_pods"], seeks=sz.get("seeks", seek.SEEKS)
        )
        dash = measured["dash"]
        sec.figures.update(
            {
                f"events_{events}": measured["index"]["events"],
                f"build_s_{events}": measured["index"]["build_s"],
                f"open_seek_s_{events}": dash["open_seek_s"],
                f"seek_max_s_{events}": dash["seek_max_s"],
                f"peak_rss_mb_{events}": dash["peak_rss_mb"],
            }
        )
        sec.rows += seek.rows(measured)
    sec.notes.append(
        f"{sz['seek_pods']:,} pods, the recording of section 6's shape; each step in a child "
        "process of its own (its peak RSS is its own); the dashboard headless at 120x40, opened "
        "with `--at` its end, then seeks typed with `g`. The index is built on first open and "
        "cached; the figures after it are with the index cached."
    )


# --------------------------------------------------------------------------- 8 --once


def _timed(cmd: list[str]) -> dict:
    """One run of `cmd` (stdout to a pipe, read whole): wall, client CPU, peak RSS. Under
    /usr/bin/time where there is one: a child's `ru_maxrss` starts from its parent's
    RSS on Linux, and this process is large; time(1) is small."""
    timer = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    argv = [timer, "-f", "@@ %U %S %M", *cmd] if timer else cmd
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rss = float("nan")
    for line in reversed(proc.stderr.splitlines()):
        if line.startswith("@@ "):
            _mark, user, system, peak = line.split()
            cpu, rss = float(user) + float(system), int(peak) / 1024
            break
    return {
        "wall": wall,
        "cpu": cpu,
        "rss": rss,
        "lines": len(proc.stdout.splitlines()),
        "code": proc.returncode,
    }


def _podwatch_script() -> str:
    """The installed `podwatch` command, as a user runs it."""
    return shutil.which("podwatch") or str(Path(sys.executable).with_name("podwatch"))


ONCE_RUNS = 3
ONCE_TARGETS = {"wall": 1.0, "cpu": 2.0, "rss": 0.5}
"""podwatch's figure over kubectl's, at most (issue 14)."""


def section_once(sz: dict, tmp: Path, sec: Section) -> None:
    """`podwatch -A --once` beside `kubectl get pods -A`, against the same server (the
    double with every page encoded before the first list), alternating, the median of
    `ONCE_RUNS` runs each."""
    import statistics

    kubectl = shutil.which("kubectl")
    podwatch = _podwatch_script()
    for n in sz["once_pods"]:
        with Server(tmp) as server:
            server.call(op="populate", n=n)
            runs: dict[str, list[dict]] = {"podwatch": [], "kubectl": []}
            commands = {"podwatch": [podwatch, "--kubeconfig", server.kubeconfig, "-A", "--once"]}
            if kubectl:
                commands["kubectl"] = [kubectl, "--kubeconfig", server.kubeconfig, "get", "pods"]
                commands["kubectl"].append("-A")
            for _ in range(ONCE_RUNS):
                for name, cmd in commands.items():
                    runs[name].append(_timed(cmd))
        pw = {k: statistics.median(r[k] for r in runs["podwatch"]) for k in ("wall", "cpu")}
        pw["rss"] = max(r["rss"] for r in runs["podwatch"])
        codes = {r["code"] for r in runs["podwatch"]}
        sec.figures.update({f"podwatch_wall_{n}": pw["wall"], f"podwatch_cpu_{n}": pw["cpu"]})
        sec.rows.append(
            (
                f"`podwatch -A --once`, {n:,} pods",
                f"wall {pw['wall']:.2f} s, CPU {pw['cpu']:.2f} s, peak RSS {pw['rss']:.0f} MB, "
                f"exit {','.join(map(str, sorted(codes)))}",
                "",
                "",
            )
        )
        if not kubectl:
            sec.notes.append("kubectl is not installed here: no side-by-side figures.")
            continue
        kc = {k: statistics.median(r[k] for r in runs["kubectl"]) for k in ("wall", "cpu")}
        kc["rss"] = max(r["rss"] for r in runs["kubectl"])
        sec.rows.append(
            (
                f"`kubectl get pods -A`, {n:,} pods",
                f"wall {kc['wall']:.2f} s, CPU {kc['cpu']:.2f} s, peak RSS {kc['rss']:.0f} MB "
                f"({runs['kubectl'][0]['lines'] - 1:,} rows)",
                "",
                "",
            )
        )
        for key, what in (("wall", "wall"), ("cpu", "client CPU"), ("rss", "peak memory")):
            ratio = pw[key] / kc[key] if kc[key] else float("nan")
            target = ONCE_TARGETS[key]
            if ratio == ratio:  # no peak RSS without time(1)
                sec.figures[f"{key}_ratio_{n}"] = ratio
            sec.rows.append(
                (
                    f"{n:,} pods: podwatch / kubectl, {what}",
                    f"{ratio:.2f}x",
                    f"≤ {target:.1f}x",
                    _verdict(ratio <= target),
                )
            )
    sec.notes.append(
        f"Median of {ONCE_RUNS} runs each, alternating; stdout to a pipe (podwatch prints its "
        "plain tables, then details of the pods that need a look, Services and Nodes; "
        f"kubectl one line per pod). podwatch lists {len(KINDS)} kinds, kubectl one. CPU and "
        "peak RSS from time(1). The double encodes each pod once, before the first list."
    )


# --------------------------------------------------------------------------- 9 start-up

STARTUP_RUNS = 5
STARTUP_TARGETS = {"help": 0.150, "demo": 0.400}
"""Seconds of wall time, at most (issue 14)."""

_IMPORTED = (
    "import runpy, sys; sys.argv = {argv!r}; code = 0\n"
    "try:\n    runpy.run_module('podwatch.cli', run_name='__main__')\n"
    "except SystemExit as exc:\n    code = exc.code or 0\n"
    "print('@@', int('kubernetes' in sys.modules), code, file=sys.stderr)"
)


def section_startup(sz: dict, tmp: Path, sec: Section) -> None:
    """`podwatch --help` and `podwatch demo --once` as a user types them (the installed
    script, output to a pipe): the median wall time of `STARTUP_RUNS`; and whether
    replay or demo imported the kubernetes client (they must not)."""
    import statistics

    podwatch = _podwatch_script()
    for name, args in (("help", ["--help"]), ("demo", ["demo", "--once"])):
        walls = [_timed([podwatch, *args])["wall"] for _ in range(STARTUP_RUNS)]
        wall = statistics.median(walls)
        target = STARTUP_TARGETS[name]
        sec.figures[f"{name}_s"] = wall
        sec.rows.append(
            (
                f"`podwatch {' '.join(args)}`",
                f"{wall * 1000:.0f} ms (median of {STARTUP_RUNS})",
                f"≤ {target * 1000:.0f} ms",
                _verdict(wall <= target),
            )
        )
    demo = ROOT / "podwatch" / "data" / "demo.jsonl.gz"
    for what, argv in (
        ("demo --once", ["podwatch", "demo", "--once"]),
        ("replay FILE --once", ["podwatch", "replay", str(demo), "--once"]),
    ):
        code = _IMPORTED.format(argv=argv)
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
        )
        mark = [line for line in proc.stderr.splitlines() if line.startswith("@@ ")]
        imported = mark[-1].split()[1] == "1" if mark else True
        sec.figures[f"kubernetes_imported_{what.split()[0]}"] = int(imported)
        sec.rows.append(
            (
                f"`podwatch {what}` imports the kubernetes client",
                "yes" if imported else "no",
                "no",
                _verdict(not imported),
            )
        )
    sec.notes.append(
        "Wall time of the installed `podwatch` script from this process, stdout to a pipe; "
        "the import check runs the command in a child and looks in sys.modules at its end."
    )


# --------------------------------------------------------------------------- report

# --------------------------------------------------------------------------- 10 scale

FILTER_TYPED = "pod-0000"
"""Typed into `/` at scale, a key at a time: each keystroke narrows the table."""


WIDENED = (("backspace", None), ("escape", "\x1b"))
"""Then the filter widened: one character taken back, then `esc` (every row again)."""


async def _keystrokes(app, table, typed) -> list[float]:
    """Type `typed` a key at a time, as the terminal driver delivers keys; each timed
    from the key sent to the first frame drawn after the table was filtered again.
    (Pilot's `press` waits for the whole process to go idle, watch threads included:
    ~100 ms whatever the key does, so it cannot time one.)"""
    from textual import events

    frames: list[float] = []
    filtered: list[float] = []
    display, refilter = app._display, table.refilter

    def drawn(screen, renderable) -> None:
        if renderable is not None:
            frames.append(time.perf_counter())
        display(screen, renderable)

    def refiltered(store) -> None:
        refilter(store)
        filtered.append(time.perf_counter())

    app._display, table.refilter = drawn, refiltered
    out: list[float] = []
    try:
        for key in typed:
            name, ch = key if isinstance(key, tuple) else (key, key)
            before = len(filtered)
            k0 = time.perf_counter()
            app._driver.send_message(events.Key(name, ch))
            painted = None
            while painted is None and time.perf_counter() < k0 + 30:
                await asyncio.sleep(0.002)
                if len(filtered) > before:
                    painted = next((f for f in frames if f >= filtered[-1]), None)
            if painted is None:
                raise RuntimeError(f"the key {name!r} was not filtered and painted in 30 s")
            out.append(painted - k0)
    finally:
        app._display, table.refilter = display, refilter
    return out


def scale_child(n: int, rate: int, seconds: float) -> dict:
    """In a fresh process: the dashboard on `n` pods, listed from the double; then churn;
    then `/` keystrokes. Everything one user's podwatch process holds, measured in it."""
    from bench.rss import rss_mb
    from podwatch.ui.app import PodwatchApp

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="podwatch-scale-") as td, Server(Path(td)) as server:
        t0 = time.perf_counter()
        server.call(op="populate", n=n)
        out["populate_s"] = time.perf_counter() - t0
        marks: dict[str, float] = {}
        source = _live_source(server, marks)
        app = PodwatchApp(source)

        async def run() -> None:
            async with app.run_test(size=(120, 40)) as pilot:
                table = await _list_and_paint(app, pilot, source, n, marks, 900)
                out["rss_painted_mb"] = rss_mb()
                lat, transport, wall, cpu, reply = await _churn(
                    app, pilot, server, source, table, n, rate, seconds
                )
                out.update(
                    sent=reply["sent"],
                    seen=len(lat),
                    achieved_rate=reply["sent"] / reply["elapsed"] if reply["elapsed"] else 0,
                    p50_ms=_pct(lat, 50) * 1000,
                    p99_ms=_pct(lat, 99) * 1000,
                    transport_p99_ms=_pct(transport, 99) * 1000,
                    cpu_share=cpu / wall,
                )
                await pilot.pause(0.5)
                await pilot.press("slash")
                await pilot.pause()
                keys = await _keystrokes(app, table, FILTER_TYPED)
                out["filter_rows"] = table.row_count
                out["keys_ms"] = [k * 1000 for k in keys]
                back = await _keystrokes(app, table, WIDENED)
                out["widened_rows"] = table.row_count
                out["back_ms"] = [k * 1000 for k in back]
                await pilot.pause()
                out["rss_end_mb"] = rss_mb()
                app.exit()

        asyncio.run(run())
        source.stop()
    out.update(
        pods=n,
        list_s=marks["last_page"] - marks["start"],
        paint_after_last_page=marks["painted"] - marks["last_page"],
        peak_mb=peak_rss_mb(),
    )
    return out


def section_scale(sz: dict, tmp: Path, sec: Section) -> None:
    n, rate, seconds = sz["scale_pods"], sz["scale_rate"], sz["scale_seconds"]
    res = _child(["--scale-child", str(n), str(rate), str(seconds)], timeout=1800)
    sec.figures.update({k: v for k, v in res.items() if isinstance(v, int | float)})
    keys = res["keys_ms"]
    worst = max(keys)
    back = res["back_ms"]
    after = res["paint_after_last_page"]
    rss = max(res["rss_painted_mb"], res["rss_end_mb"])
    sec.figures.update(worst_key_ms=worst, rss_mb=rss, backspace_ms=back[0], esc_ms=back[1])
    sec.rows += [
        (f"list {n:,} pods (pages of 500), start → last page", f"{res['list_s']:.1f} s", "", ""),
        ("last page → painted table", f"{after:.2f} s", "≤ 5 s", _verdict(after <= 5)),
        (
            "RSS of the app with its store (painted / after churn and filter)",
            f"{res['rss_painted_mb']:.0f} / {res['rss_end_mb']:.0f} MB",
            "≤ 1 GB",
            _verdict(rss <= 1024),
        ),
        ("peak RSS", f"{res['peak_mb']:.0f} MB", "", ""),
        (
            f"churn {rate}/s × {seconds:g} s: sent / in the table",
            f"{res['sent']:,} / {res['seen']:,} (achieved {res['achieved_rate']:.0f}/s)",
            "",
            "",
        ),
        ("event → table latency p50", f"{res['p50_ms']:.0f} ms", "", ""),
        (
            "event → table latency p99",
            f"{res['p99_ms']:.0f} ms",
            "≤ 250 ms",
            _verdict(res["p99_ms"] <= 250 and res["seen"] == res["sent"]),
        ),
        ("of which server → parsed, p99", f"{res['transport_p99_ms']:.0f} ms", "", ""),
        ("CPU share of the podwatch process in churn", f"{res['cpu_share'] * 100:.0f} %", "", ""),
        (
            f"`/` keystroke → repainted table, worst of {len(keys)} ({FILTER_TYPED!r})",
            f"{worst:.0f} ms (each: {', '.join(f'{k:.0f}' for k in keys)})",
            "≤ 100 ms",
            _verdict(worst <= 100),
        ),
        (
            "the filter widened: `backspace`, then `esc` (every row again) → repainted",
            f"{back[0]:.0f} ms, {back[1]:.0f} ms",
            "≤ 100 ms",
            _verdict(max(back) <= 100 and res["widened_rows"] == n),
        ),
    ]
    sec.notes.append(
        "A child process of its own (its RSS is the dashboard's: app, store, rows); the "
        "double in another. Keystrokes are timed from the key to the painted table "
        f"(Pilot: the key handled, then the refresh), ending with {res['filter_rows']:,} rows."
    )


def section_contexts(sz: dict, tmp: Path, sec: Section) -> None:
    """bench/contexts.py: 1, 2 and 4 contexts, each its own double, at once."""
    from bench import contexts

    m = contexts.measure(sz["contexts_pods"], sz["contexts"], tmp, runs=sz["contexts_runs"])
    for n in m["counts"]:
        sec.figures.update(
            {f"cpu_{n}": m[n]["cpu"], f"rss_{n}": m[n]["rss"], f"lines_{n}": m[n]["lines"]}
        )
    sec.figures.update(empty_cpu=m["empty"]["cpu"], empty_rss=m["empty"]["rss"])
    sec.rows += contexts.rows(m)
    sec.notes.append(
        f"`podwatch --all-contexts -A --once` through a kubeconfig of exactly N contexts, "
        f"each an API server double in its own process on its own port with "
        f"{sz['contexts_pods']:,} pods; median of {sz['contexts_runs']} run(s), client CPU "
        "and peak RSS from time(1). Linear: at most the empty run plus N times what one "
        "context adds, with 25% to spare."
    )


SECTIONS: list[tuple[str, str, Callable[[dict, Path, Section], None]]] = [
    ("ingest", "1. Ingest: socket → parse → store → pod health", section_ingest),
    ("cold", "2. Cold start: 10,000-pod paged list → first painted table", section_cold),
    ("churn", "3. Sustained churn through the app", section_churn),
    ("memory", "4. Memory", section_memory),
    ("idle", "5. Idle CPU", section_idle),
    ("replay", "6. Replay at maximum speed", section_replay),
    ("seek", "7. Seeking a long recording (the dashboard, through its index)", section_seek),
    ("once", "8. `podwatch -A --once` beside `kubectl get pods -A`", section_once),
    ("startup", "9. Start-up", section_startup),
    ("scale", "10. 100,000 pods: the dashboard, churn and `/`", section_scale),
    ("contexts", "11. Several contexts at once: 1, 2 and 4 clusters", section_contexts),
]


def machine() -> dict[str, str]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def ver(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "kubernetes": ver("kubernetes"),
        "msgspec": ver("msgspec"),
        "textual": ver("textual"),
        "kubectl": shutil.which("kubectl") or "not installed",
    }


def render(mode: str, sections: list[Section], info: dict[str, str], total: float) -> str:
    out = [
        "# podwatch benchmark results",
        "",
        f"`python bench/run.py{'' if mode == 'full' else ' --' + mode}` — mode **{mode}**, "
        f"{time.strftime('%Y-%m-%d %H:%M:%S')}, {total:.0f} s in all.",
        "",
        "| Machine | |",
        "| --- | --- |",
        *[f"| {k} | {v} |" for k, v in info.items()],
        "",
        "All figures below were measured in this one run; the API server double "
        "(tests/apiserver.py) runs in its own process on 127.0.0.1.",
        "",
    ]
    for sec in sections:
        out += [f"## {sec.title}", ""]
        if not sec.ok:
            out += [f"**FAILED** after {sec.seconds:.1f} s: `{sec.error}`", ""]
        if sec.rows:
            out += ["| Figure | Value | Target | |", "| --- | --- | --- | --- |"]
            out += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in sec.rows]
            out.append("")
        out += [f"- {n}" for n in sec.notes]
        out += [f"- section time {sec.seconds:.1f} s", ""]
    return "\n".join(out)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--quick", action="store_true", help="smaller sizes, under ~90 s")
    g.add_argument("--smoke", action="store_true", help="tiny sizes (the test suite)")
    p.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    p.add_argument(
        "--only", default="", help="comma-separated sections: " + ",".join(s[0] for s in SECTIONS)
    )
    p.add_argument("--memory-child", nargs=2, type=int, help=argparse.SUPPRESS)
    p.add_argument("--replay-child", nargs="+", help=argparse.SUPPRESS)
    p.add_argument("--scale-child", nargs=3, type=float, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Section]:
    args = parse_args(argv)
    if args.memory_child:
        print(json.dumps(memory_child(*args.memory_child)))
        return {}
    if args.scale_child:
        n, rate, seconds = args.scale_child
        print(json.dumps(scale_child(int(n), int(rate), seconds)))
        return {}
    if args.replay_child:
        what, path, *rest = args.replay_child
        if what == "gen":
            out = replay_gen_child(path, int(rest[0]), int(rest[1]))
        elif what == "stream":
            out = replay_stream_child(path)
        else:
            out = replay_whole_child(path)
        print(json.dumps(out))
        return {}
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    sz = SIZES[mode]
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    info = machine()
    results: dict[str, Section] = {}
    t_all = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="podwatch-bench-") as td:
        for name, title, fn in SECTIONS:
            if only and name not in only:
                continue
            sec = Section(name, title)
            log(f"{title} ...")
            t0 = time.perf_counter()
            try:
                fn(sz, Path(td), sec)
                sec.ok = True
            except Exception as exc:
                sec.error = f"{type(exc).__name__}: {exc}"[:300]
                log(traceback.format_exc())
            sec.seconds = time.perf_counter() - t0
            results[name] = sec
            log(f"  {'ok' if sec.ok else 'FAILED'} in {sec.seconds:.1f} s")
            for row in sec.rows:
                log(f"  {row[0]}: {row[1]}" + (f"  [target {row[2]}: {row[3]}]" if row[2] else ""))
    text = render(mode, list(results.values()), info, time.perf_counter() - t_all)
    Path(args.out).write_text(text + "\n")
    print(text)
    return results


if __name__ == "__main__":
    main()
    sys.exit(0)
