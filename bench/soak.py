"""A soak in compressed time: simulated hours of churn through the store and the app.

    python bench/soak.py                 # 24 simulated hours, 300 pods (a few minutes)
    python bench/soak.py --hours 2 --pods 50

A simulated cluster churns: pods are created and deleted, restart, flap
readiness and draw probe-failure Events (new ones, and old ones counting up);
a node is tainted and untainted. Each poll of `SimulatedSource` advances the
simulated clock one step and applies that step's events to a real `Store`, the
same interface live and replay use, and the app (headless) redraws from it.
Every simulated hour the figures that must stay bounded are sampled: pods,
Events held, the expiry heap, timeline entries and their age, per-pod indexes,
the tombstones of deleted pods (kept 15 minutes, as live), traced Python memory.
Prints a table; `--json` for the raw samples.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from podwatch.kube.listwatch import KindStatus  # noqa: E402
from podwatch.kube.source import ReauthWrapper, SourceStatus  # noqa: E402
from podwatch.model.k8s import format_rfc3339  # noqa: E402
from podwatch.model.store import Changes, Store  # noqa: E402
from podwatch.model.watch import WatchEvent  # noqa: E402

START = 1_790_000_000.0
NAMESPACE = "soak"


def _pod(name: str, uid: int, t: float, *, ready: bool, restarts: int, node: str) -> dict:
    stamp = format_rfc3339(t)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": NAMESPACE,
            "uid": f"uid-{uid}",
            "resourceVersion": "0",
            "creationTimestamp": stamp,
            "labels": {"app": "soak"},
        },
        "spec": {
            "nodeName": node,
            "restartPolicy": "Always",
            "containers": [
                {
                    "name": "app",
                    "image": "example/app:1",
                    "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
                }
            ],
        },
        "status": {
            "phase": "Running",
            "podIP": f"10.1.{uid // 250 % 250}.{uid % 250}",
            "conditions": [
                {"type": "Ready", "status": "True" if ready else "False"},
                {"type": "ContainersReady", "status": "True" if ready else "False"},
                {"type": "PodScheduled", "status": "True"},
                {"type": "Initialized", "status": "True"},
            ],
            "containerStatuses": [
                {
                    "name": "app",
                    "ready": ready,
                    "started": True,
                    "restartCount": restarts,
                    "image": "example/app:1",
                    "state": {"running": {"startedAt": stamp}},
                }
            ],
        },
    }


def _event(name: str, pod: str, t: float, count: int, first: float) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": NAMESPACE, "uid": f"uid-{name}"},
        "involvedObject": {
            "kind": "Pod",
            "namespace": NAMESPACE,
            "name": pod,
            "fieldPath": "spec.containers{app}",
        },
        "reason": "Unhealthy",
        "type": "Warning",
        "message": "Readiness probe failed: HTTP probe failed with statuscode: 503",
        "source": {"component": "kubelet"},
        "count": count,
        "firstTimestamp": format_rfc3339(first),
        "lastTimestamp": format_rfc3339(t),
    }


def _node(name: str, tainted: bool) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "uid": f"uid-{name}"},
        "spec": {"taints": [{"key": "maintenance", "effect": "NoSchedule"}] if tainted else []},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]},
    }


@dataclass
class SimulatedCluster:
    """Deterministic churn; `step(t)` returns the events of one step ending at `t`."""

    pods: int = 300
    churn_per_step: int = 3
    """Pods deleted and replaced per step."""
    changes_per_step: int = 20
    """Pod updates (readiness flips, restarts) per step."""
    events_per_step: int = 10
    seed: int = 7
    rng: random.Random = field(init=False)
    live: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_uid: int = 0
    rv: int = 0
    sent: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def _ev(self, kind: str, etype: str, obj: dict, t: float) -> tuple[WatchEvent, float]:
        self.rv += 1
        obj["metadata"]["resourceVersion"] = str(self.rv)
        self.sent += 1
        return WatchEvent(t - START, kind, etype, obj), t

    def _create(self, t: float) -> tuple[WatchEvent, float]:
        uid = self.next_uid
        self.next_uid += 1
        name = f"pod-{uid:07d}"
        state = {"uid": uid, "ready": True, "restarts": 0, "node": f"node-{uid % 5}", "events": {}}
        self.live[name] = state
        return self._ev("Pod", "ADDED", self._obj(name, state, t), t)

    def _obj(self, name: str, state: dict, t: float) -> dict:
        return _pod(
            name,
            state["uid"],
            t,
            ready=state["ready"],
            restarts=state["restarts"],
            node=state["node"],
        )

    def start(self, t: float) -> list[tuple[WatchEvent, float]]:
        out = [self._ev("Node", "ADDED", _node(f"node-{n}", False), t) for n in range(5)]
        out += [self._create(t) for _ in range(self.pods)]
        return out

    def step(self, t: float, index: int) -> list[tuple[WatchEvent, float]]:
        rng = self.rng
        out: list[tuple[WatchEvent, float]] = []
        for _ in range(self.churn_per_step):
            name = rng.choice(sorted(self.live)) if self.live else None
            if name is not None:
                state = self.live.pop(name)
                out.append(self._ev("Pod", "DELETED", self._obj(name, state, t), t))
            out.append(self._create(t))
        names = sorted(self.live)
        for _ in range(self.changes_per_step):
            name = rng.choice(names)
            state = self.live[name]
            if rng.random() < 0.5:
                state["ready"] = not state["ready"]
            else:
                state["restarts"] += 1
            out.append(self._ev("Pod", "MODIFIED", self._obj(name, state, t), t))
        for _ in range(self.events_per_step):
            name = rng.choice(names)
            events = self.live[name]["events"]
            if events and rng.random() < 0.6:
                ev_name = rng.choice(sorted(events))
                first, count = events[ev_name]
                events[ev_name] = (first, count + 1)
                etype = "MODIFIED"
            else:
                ev_name = f"{name}.{len(events):x}"
                events[ev_name] = (t, 1)
                etype = "ADDED"
            first, count = events[ev_name]
            out.append(self._ev("Event", etype, _event(ev_name, name, t, count, first), t))
        if index % 120 == 0:  # a node goes into and out of maintenance every two hours
            out.append(self._ev("Node", "MODIFIED", _node("node-1", index % 240 == 0), t))
        return out


class SimulatedSource:
    """The Source interface over a simulated cluster: each poll is one step of `step`
    simulated seconds, however fast the host."""

    def __init__(self, cluster: SimulatedCluster, *, step: float = 60.0) -> None:
        self.cluster = cluster
        self.step_seconds = step
        self.store = Store()
        self.store.now = START
        self.received = 0
        self.steps = 0
        self.now = START

    @property
    def replay(self) -> None:
        return None

    def notify_arrivals(self, callback: Callable[[], None] | None) -> None:
        pass  # each poll is a step: nothing arrives by itself

    def status(self) -> SourceStatus:
        return SourceStatus("soak")

    def stale_kinds(self) -> dict[str, KindStatus]:
        return {}

    def covers(self, namespace: str | None) -> bool:
        return True

    def reauthenticate_with(self, wrapper: ReauthWrapper | None) -> None:
        pass

    def poll(self) -> Changes:
        if self.steps == 0:
            batch = self.cluster.start(self.now)
        else:
            self.now += self.step_seconds
            batch = self.cluster.step(self.now, self.steps)
        self.steps += 1
        # Each event's wall time is START + its t, as a source's.
        changes = self.store.apply_all((event for event, _wall in batch), START)
        self.store.now = self.now
        self.received += len(batch)
        return changes


def sample(source: SimulatedSource) -> dict[str, float]:
    store = source.store
    timeline = store.timeline
    oldest = min(
        (dq[0].t for dq in timeline._entries.values() if dq),
        default=store.now,
    )
    current, _peak = tracemalloc.get_traced_memory()
    return {
        "hour": (source.now - START) / 3600,
        "pods": len(store.pods),
        "events_held": len(store.events),
        "expiry_heap": len(store._expiry),
        "timeline_entries": len(timeline),
        "timeline_pods": timeline.pods,
        "timeline_oldest_h": (store.now - oldest) / 3600,
        "summaries": len(store.summaries),
        "tombstones": len(store.tombstones),
        "pod_event_index": len(store._pod_events),
        "taints_seen": len(store.taint_first_seen),
        "traced_mb": current / 1e6,
        "sent": source.cluster.sent,
    }


def run_soak(
    *, hours: float, pods: int, step: float = 60.0, with_app: bool = True, seed: int = 7
) -> list[dict[str, float]]:
    """Returns one sample per simulated hour (and one at the start)."""
    cluster = SimulatedCluster(pods=pods, seed=seed)
    source = SimulatedSource(cluster, step=step)
    steps = int(hours * 3600 / step)
    per_hour = max(1, int(3600 / step))
    samples: list[dict[str, float]] = []
    tracemalloc.start()
    try:
        if with_app:
            asyncio.run(_through_app(source, steps, per_hour, samples))
        else:
            source.poll()
            samples.append(sample(source))
            for n in range(1, steps + 1):
                source.poll()
                if n % per_hour == 0:
                    gc.collect()
                    samples.append(sample(source))
    finally:
        tracemalloc.stop()
    return samples


async def _through_app(
    source: SimulatedSource, steps: int, per_hour: int, samples: list[dict[str, float]]
) -> None:
    from podwatch.ui.app import PodwatchApp

    # The timers are far apart: the loop below drains and ticks, one step at a time.
    app = PodwatchApp(source, poll_interval=3600.0)
    async with app.run_test(size=(120, 40)) as pilot:
        app.drain()
        await pilot.pause()
        samples.append(sample(source))
        for n in range(1, steps + 1):
            app.drain()
            if n % 5 == 0:
                app.tick()
                await pilot.pause()
            if n % per_hour == 0:
                await pilot.pause()
                gc.collect()
                samples.append(sample(source))
                samples[-1]["table_rows"] = app.screen.query_one("#pods").row_count
        app.exit()


COLUMNS = (
    ("hour", "sim. hour", "{:.0f}"),
    ("sent", "events sent", "{:,.0f}"),
    ("pods", "pods", "{:,.0f}"),
    ("table_rows", "table rows", "{:,.0f}"),
    ("events_held", "Events held", "{:,.0f}"),
    ("expiry_heap", "expiry heap", "{:,.0f}"),
    ("timeline_entries", "timeline entries", "{:,.0f}"),
    ("timeline_pods", "timeline pods", "{:,.0f}"),
    ("timeline_oldest_h", "oldest entry (h)", "{:.1f}"),
    ("summaries", "summaries", "{:,.0f}"),
    ("tombstones", "tombstones", "{:,.0f}"),
    ("traced_mb", "traced MB", "{:.1f}"),
)


def table(samples: list[dict[str, float]]) -> str:
    head = "| " + " | ".join(title for _k, title, _f in COLUMNS) + " |"
    rule = "|" + "---|" * len(COLUMNS)
    rows = [
        "| " + " | ".join(fmt.format(s.get(k, float("nan"))) for k, _t, fmt in COLUMNS) + " |"
        for s in samples
    ]
    return "\n".join([head, rule, *rows])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--hours", type=float, default=24.0)
    p.add_argument("--pods", type=int, default=300)
    p.add_argument("--step", type=float, default=60.0, help="simulated seconds per poll")
    p.add_argument("--store-only", action="store_true", help="without the app")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    samples = run_soak(
        hours=args.hours, pods=args.pods, step=args.step, with_app=not args.store_only
    )
    if args.json:
        print(json.dumps(samples))
    else:
        print(table(samples))
        print(f"\n{args.hours:g} simulated hours in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
