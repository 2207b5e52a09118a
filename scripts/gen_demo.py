"""Generate the recording that `podwatch demo` plays: `podwatch/data/demo.jsonl.gz`.

Regenerate it (the output is deterministic: the same bytes on every run) with

    python scripts/gen_demo.py                 # writes podwatch/data/demo.jsonl.gz
    python scripts/gen_demo.py -o /tmp/x.gz    # somewhere else

What it contains: the eight reference scenarios of SPEC section 5 (readiness,
liveness, startup probe, crash loop, jobs, taints, QoS, a node that stops
reporting) plus an image that cannot be pulled, in namespace `demo` on nodes
`worker-1..3`, about seven and a half minutes of watch events.

How: `SCENARIO` (near the top) is the readable script, one `at(t, step)` line
per thing a person or the world does: create a Service or a pod, make a probe
start passing or failing, taint a node, stop a kubelet. A small simulation of
the control plane turns that into the watch events an API server would send:
resourceVersions from one counter shared by all kinds, API defaulting of pod
specs and probes, the scheduler (node selectors, taints, `FailedScheduling`
with events.k8s.io series), kubelets (image pulls, probes with their
thresholds, restarts with CrashLoopBackOff back-off, pod status and
kubelet-style aggregated Events with `count`), the endpoints and EndpointSlice
controllers, the node lifecycle controller and the NoExecute taint manager.
Object shapes follow a real capture of a Kubernetes 1.19 control plane
(`kubectl get --watch --output-watch-events -o json`), except EndpointSlices,
which use the current `discovery.k8s.io/v1` shape (`nodeName`, `serving`,
`terminating`).

To extend it: define a pod with `PodDef`/`Container` next to the others, add
`at(...)` lines to `scenario()`, rerun, and look at the result through
podwatch's own model at a few moments, e.g.

    from podwatch.recording import read_recording
    from podwatch.kube.source import ReplaySource
    from podwatch.model.view import pod_rows, pod_detail, service_views
    src = ReplaySource(read_recording("podwatch/data/demo.jsonl.gz"), paused=True)
    src.seek(35)
    for r in pod_rows(src.store):
        print(r.summary.name, r.summary.status, r.summary.ready_text, r.probe_text)
    for key in src.store.pods:
        print(key, pod_detail(src.store, key).why)

or with `podwatch demo --once --at 35`.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import heapq
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from podwatch.model.watch import WatchEvent
from podwatch.recording import RecordingWriter

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "podwatch" / "data" / "demo.jsonl.gz"

NAMESPACE = "demo"
STARTED = int(datetime(2026, 11, 22, 9, 0, 0, tzinfo=UTC).timestamp())
"""t=0 of the recording, as epoch seconds (2026-11-22T09:00:00Z)."""
END = 450.0
"""Seconds of recording; nothing happens after this."""
FIRST_RESOURCE_VERSION = 73410
UID_NAMESPACE = uuid.UUID("0c8a4b8e-6f0e-4d0c-9a57-64e0f1b2c3d4")
TOKEN_VOLUME = "default-token-x7k2p"
SCHEDULER_INSTANCE = "default-scheduler-control-plane"
KUBETM = "kubetm/app"
"""The sample app of the course the scenarios come from: HTTP on 8080."""

Step = Callable[["Sim"], None]


def at(t: float, step: Step) -> tuple[float, Step]:
    """One line of the scenario: `step` happens `t` seconds into the recording."""
    return (t, step)


# =========================================================================== the pods


@dataclass
class Container:
    """A container as written in a manifest, plus how its process behaves."""

    name: str
    image: str
    command: list[str] | None = None
    ports: list[int] = field(default_factory=list)
    probes: dict[str, dict] = field(default_factory=dict)
    """Probe kind (startup, readiness, liveness) -> the probe as written in YAML."""
    resources: dict = field(default_factory=dict)
    volume_mounts: list[dict] = field(default_factory=list)
    # ---- behaviour (what the kubelet will observe), not part of the manifest
    failing: dict[str, str] = field(default_factory=dict)
    """Probe kind -> the probe's output while it fails; `{ip}` is the pod IP."""
    exit_after: float | None = None
    """Seconds the process runs before it exits; None: it keeps running."""
    exit_code: int = 0
    pull_error: str | None = None
    """Why every pull of the image fails (the image does not exist)."""


@dataclass
class PodDef:
    name: str
    containers: list[Container]
    labels: dict[str, str] = field(default_factory=dict)
    node: str | None = None
    """Where the scheduler puts the pod among the nodes that fit (checked)."""
    node_selector: dict[str, str] = field(default_factory=dict)
    tolerations: list[dict] = field(default_factory=list)
    restart_policy: str = "Always"
    grace: int = 30
    """terminationGracePeriodSeconds."""
    volumes: list[dict] = field(default_factory=list)


def unreachable_for(seconds: int) -> dict:
    """Tolerate a node that stopped reporting for `seconds` (the API default is 300)."""
    return {
        "effect": "NoExecute",
        "key": "node.kubernetes.io/unreachable",
        "operator": "Exists",
        "tolerationSeconds": seconds,
    }


# Pods on worker-3 are the ones scenario 8 loses: they tolerate an unreachable
# node for 60 s instead of the default 300 s so that the eviction is in the demo.
LOST_NODE_TOLERATION = unreachable_for(60)

# 1. Readiness
POD1 = PodDef(
    "pod1",
    labels={"app": "readiness"},
    node="worker-3",
    tolerations=[LOST_NODE_TOLERATION],
    containers=[Container("container", KUBETM, ports=[8080])],
)
READINESS_EXEC = PodDef(
    "pod-readiness-exec1",
    labels={"app": "readiness"},
    node="worker-1",
    grace=0,
    containers=[
        Container(
            "readiness",
            KUBETM,
            ports=[8080],
            probes={
                "readiness": {
                    "exec": {"command": ["cat", "/readiness/ready.txt"]},
                    "initialDelaySeconds": 5,
                    "periodSeconds": 10,
                    "successThreshold": 3,
                }
            },
            volume_mounts=[{"mountPath": "/readiness", "name": "host-path"}],
            failing={
                "readiness": "cat: can't open '/readiness/ready.txt': No such file or directory"
            },
        )
    ],
    volumes=[
        {"hostPath": {"path": "/tmp/readiness", "type": "DirectoryOrCreate"}, "name": "host-path"}
    ],
)

# 2. Liveness
POD2 = PodDef(
    "pod2",
    labels={"app": "liveness"},
    node="worker-3",
    tolerations=[LOST_NODE_TOLERATION],
    containers=[Container("container", KUBETM, ports=[8080])],
)
LIVENESS_HTTPGET = PodDef(
    "pod-liveness-httpget1",
    labels={"app": "liveness"},
    node="worker-1",
    grace=0,
    containers=[
        Container(
            "liveness",
            KUBETM,
            ports=[8080],
            probes={
                "liveness": {
                    "httpGet": {"path": "/health", "port": 8080},
                    "initialDelaySeconds": 5,
                    "periodSeconds": 10,
                    "failureThreshold": 3,
                }
            },
        )
    ],
)

# 3. Startup probe: a slow starter; liveness and readiness wait for it.
REFUSED = 'Get "http://{ip}:8080{path}": dial tcp {ip}:8080: connect: connection refused'
STARTUP_SLOW = PodDef(
    "pod-startup-slow",
    labels={"app": "slow-start"},
    node="worker-3",
    tolerations=[LOST_NODE_TOLERATION],
    containers=[
        Container(
            "app",
            KUBETM,
            ports=[8080],
            probes={
                "startup": {
                    "httpGet": {"path": "/started", "port": 8080},
                    "periodSeconds": 5,
                    "failureThreshold": 30,
                },
                "liveness": {"httpGet": {"path": "/health", "port": 8080}},
                "readiness": {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 5},
            },
            failing={"startup": REFUSED.replace("{path}", "/started")},
        )
    ],
)

# 4. Crash loop
FALSE_POD = PodDef(
    "false-pod",
    node="worker-3",
    tolerations=[LOST_NODE_TOLERATION],
    containers=[
        Container(
            "false-pod-container", "busybox:1.36", command=["false"], exit_after=0.3, exit_code=1
        )
    ],
)

# 5. Jobs (bare pods with restartPolicy Never)
HELLO_WORLD = PodDef(
    "hello-world2",
    node="worker-1",
    restart_policy="Never",
    containers=[Container("hello-world-container", "hello-world", exit_after=0.4)],
)
JOB_FAILS = PodDef(
    "job-fails",
    node="worker-1",
    restart_policy="Never",
    containers=[
        Container(
            "worker",
            "busybox:1.36",
            command=["sh", "-c", "echo processing; sleep 4; exit 2"],
            exit_after=4.0,
            exit_code=2,
        )
    ],
)

# 6. Taints
WITHOUT_TOLERATION = PodDef(
    "pod-without-toleration",
    node="worker-1",
    grace=0,
    node_selector={"gpu": "no1"},
    containers=[Container("container", KUBETM)],
)
WITH_TOLERATION = PodDef(
    "pod-with-toleration",
    node="worker-1",
    grace=0,
    node_selector={"gpu": "no1"},
    tolerations=[{"effect": "NoSchedule", "key": "hw", "operator": "Equal", "value": "gpu"}],
    containers=[Container("container", KUBETM)],
)
WITH_NO_EXECUTE = PodDef(
    "pod1-with-no-execute",
    node="worker-2",
    grace=0,
    node_selector={"zone": "b"},
    tolerations=[
        {
            "effect": "NoExecute",
            "key": "out-of-disk",
            "operator": "Equal",
            "tolerationSeconds": 30,
            "value": "True",
        }
    ],
    containers=[Container("container", KUBETM)],
)
WITHOUT_NO_EXECUTE = PodDef(
    "pod2-without-no-execute",
    node="worker-2",
    grace=0,
    node_selector={"zone": "b"},
    containers=[Container("container", KUBETM)],
)

# 7. QoS classes
QOS_GUARANTEED = PodDef(
    "qos-guaranteed",
    node="worker-1",
    containers=[
        Container(
            "app",
            "nginx:1.25",
            resources={
                "limits": {"cpu": "700m", "memory": "200Mi"},
                "requests": {"cpu": "700m", "memory": "200Mi"},
            },
        )
    ],
)
QOS_BURSTABLE = PodDef(
    "qos-burstable",
    node="worker-3",
    tolerations=[LOST_NODE_TOLERATION],
    containers=[
        Container(
            "app",
            "nginx:1.25",
            resources={"limits": {"memory": "200Mi"}, "requests": {"memory": "100Mi"}},
        )
    ],
)
QOS_BESTEFFORT = PodDef(
    "qos-besteffort", node="worker-1", containers=[Container("app", "nginx:1.25")]
)

# An image that does not exist.
NOPE = "registry.invalid/nope:latest"
IMAGE_PULL = PodDef(
    "pod-imagepull",
    node="worker-2",
    containers=[
        Container(
            "app",
            NOPE,
            pull_error=(
                f'rpc error: code = Unknown desc = failed to pull and unpack image "{NOPE}": '
                f'failed to resolve reference "{NOPE}": failed to do request: Head '
                '"https://registry.invalid/v2/nope/manifests/latest": dial tcp: lookup '
                "registry.invalid on 172.18.0.1:53: no such host"
            ),
        )
    ],
)


# =========================================================================== the scenario


def scenario() -> list[tuple[float, Step]]:
    return [
        at(0, list_nodes()),
        # 1. Readiness: the probe fails until the file appears on the host path.
        at(2, create_service("svc-readiness", selector={"app": "readiness"})),
        at(3, create_pod(POD1)),
        at(3.2, create_pod(READINESS_EXEC)),
        at(45, readiness_passes("pod-readiness-exec1")),  # ready.txt appears on the host
        # 2. Liveness: /health starts answering 500; three failures, kill, restart.
        at(80, create_service("svc-liveness", selector={"app": "liveness"})),
        at(81, create_pod(POD2)),
        at(81.2, create_pod(LIVENESS_HTTPGET)),
        at(95, liveness_fails("pod-liveness-httpget1", "HTTP probe failed with statuscode: 500")),
        # 3. Startup probe: the app needs ~40 s before /started answers.
        at(130, create_pod(STARTUP_SLOW)),
        at(170, startup_passes("pod-startup-slow")),
        # 4, 5, 7 and a bad image: one `kubectl apply -f` of a directory.
        at(140, create_pod(FALSE_POD)),
        at(140.1, create_pod(HELLO_WORLD)),
        at(140.2, create_pod(JOB_FAILS)),
        at(140.3, create_pod(QOS_GUARANTEED)),
        at(140.4, create_pod(QOS_BURSTABLE)),
        at(140.5, create_pod(QOS_BESTEFFORT)),
        at(140.6, create_pod(IMAGE_PULL)),
        # 6. Taints: NoSchedule on worker-1, then NoExecute on worker-2.
        at(185, taint("worker-1", "hw", "gpu", "NoSchedule")),
        at(190, create_pod(WITHOUT_TOLERATION)),
        at(190.2, create_pod(WITH_TOLERATION)),
        at(200, create_pod(WITH_NO_EXECUTE)),
        at(200.2, create_pod(WITHOUT_NO_EXECUTE)),
        at(215, taint("worker-2", "out-of-disk", "True", "NoExecute")),
        at(264, untaint("worker-1", "hw", "NoSchedule")),
        at(266, untaint("worker-2", "out-of-disk", "NoExecute")),
        # 8. worker-3's kubelet dies; 40 s later the node lifecycle controller notices.
        at(335, kubelet_stops("worker-3")),
    ]


NODES = {
    # name: (extra labels, InternalIP, pod CIDR prefix, seconds into a minute of its heartbeat)
    "worker-1": ({"gpu": "no1"}, "172.18.0.3", "10.244.1", 25.0),
    "worker-2": ({"zone": "b"}, "172.18.0.4", "10.244.2", 27.0),
    "worker-3": ({}, "172.18.0.5", "10.244.3", 29.0),
}
PULL_SECONDS = {KUBETM: 2.4, "busybox:1.36": 1.9, "hello-world": 1.6, "nginx:1.25": 2.2, NOPE: 2.5}
HEARTBEAT_PERIOD = 60.0
NODE_MONITOR_GRACE = 40.0
KUBELET_MIN_GRACE = 2.0
"""A kill with terminationGracePeriodSeconds 0 still waits 2 s before SIGKILL."""


# =========================================================================== helpers


def ts(t: float) -> str:
    """RFC 3339 with seconds, as most API timestamps are."""
    return datetime.fromtimestamp(STARTED + math.floor(t), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def micro_ts(t: float) -> str:
    """RFC 3339 with microseconds (MicroTime: eventTime, series.lastObservedTime)."""
    us = STARTED * 1_000_000 + round(t * 1_000_000)
    seconds, frac = divmod(us, 1_000_000)
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{frac:06d}Z"


def make_uid(*parts: str) -> str:
    return str(uuid.uuid5(UID_NAMESPACE, "/".join(parts)))


def digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def canonical(value: Any) -> Any:
    """A deep copy with every dict's keys sorted, as kubectl prints them."""
    if isinstance(value, dict):
        return {k: canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def go_duration(seconds: float) -> str:
    """Go's time.Duration text: 10s, 1m20s, 5m0s."""
    s = int(seconds)
    return f"{s // 60}m{s % 60}s" if s >= 60 else f"{s}s"


def pull_policy(image: str) -> str:
    """API default: Always for :latest or no tag, else IfNotPresent."""
    tail = image.rsplit("/", 1)[-1]
    return "Always" if ":" not in tail or tail.endswith(":latest") else "IfNotPresent"


def image_names(image: str) -> tuple[str, str]:
    """(status.image, status.imageID) as containerd reports them."""
    first = image.split("/", 1)[0]
    if "/" in image and ("." in first or ":" in first):
        full = image
    elif "/" in image:
        full = f"docker.io/{image}"
    else:
        full = f"docker.io/library/{image}"
    if ":" not in full.rsplit("/", 1)[-1]:
        full += ":latest"
    repo = full.rsplit(":", 1)[0]
    return full, f"{repo}@sha256:{digest('image', full)}"


def defaulted_probe(probe: dict) -> dict:
    """The probe as the API server stores it (initialDelaySeconds 0 is omitted)."""
    out = copy.deepcopy(probe)
    for name, default in (
        ("failureThreshold", 3),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("timeoutSeconds", 1),
    ):
        out.setdefault(name, default)
    if "httpGet" in out:
        out["httpGet"].setdefault("scheme", "HTTP")
    return out


def qos_class(pod: PodDef) -> str:
    resources = [c.resources for c in pod.containers]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    for r in resources:
        req, lim = r.get("requests", {}), r.get("limits", {})
        for name in ("cpu", "memory"):
            if name not in lim or req.get(name, lim[name]) != lim[name]:
                return "Burstable"
    return "Guaranteed"


def tolerates(toleration: dict, taint: dict) -> bool:
    if toleration.get("effect") and toleration["effect"] != taint["effect"]:
        return False
    if toleration.get("operator") == "Exists":
        return not toleration.get("key") or toleration["key"] == taint["key"]
    return toleration.get("key") == taint["key"] and toleration.get("value", "") == taint.get(
        "value", ""
    )


# =========================================================================== state


@dataclass
class NodeSim:
    name: str
    obj: dict
    ip: str
    cidr: str
    kubelet_alive: bool = True
    next_ip: int = 2
    images: set[str] = field(default_factory=set)

    @property
    def taints(self) -> list[dict]:
        return self.obj["spec"].get("taints", [])

    def add_taint(self, taint: dict) -> None:
        self.obj["spec"]["taints"] = [*self.taints, taint]


@dataclass
class ContainerSim:
    c: Container
    failing: dict[str, str]
    instance: int = 0
    container_id: str = ""
    image_id: str = ""
    state: dict = field(default_factory=lambda: {"waiting": {"reason": "ContainerCreating"}})
    last_state: dict = field(default_factory=dict)
    ready: bool = False
    started: bool = False
    restarts: int = 0
    started_at: float = 0.0
    backoff: float = 0.0
    backoff_updated: float | None = None
    pull_backoff: float = 0.0
    success_run: dict[str, int] = field(default_factory=dict)
    failure_run: dict[str, int] = field(default_factory=dict)
    on_hold: set[str] = field(default_factory=set)

    @property
    def running(self) -> bool:
        return "running" in self.state


@dataclass
class PodSim:
    d: PodDef
    obj: dict
    containers: list[ContainerSim]
    node: str = ""
    ip: str = ""
    phase: str = "Pending"
    conditions: dict[str, dict] = field(default_factory=dict)
    kubelet_seen: bool = False
    start_time: float | None = None
    status_reason: str = ""
    status_message: str = ""
    gone: bool = False
    endpoint_facts: tuple = ()
    eviction_token: int = 0
    eviction_at: float | None = None
    written: dict | None = None
    """The pod as last written (a writer skips writes that change nothing)."""

    @property
    def name(self) -> str:
        return self.d.name

    @property
    def uid(self) -> str:
        return self.obj["metadata"]["uid"]

    @property
    def ready(self) -> bool:
        cond = self.conditions.get("Ready")
        return bool(cond and cond["status"] == "True")

    @property
    def terminating(self) -> bool:
        return "deletionTimestamp" in self.obj["metadata"]

    def container(self, name: str | None) -> ContainerSim:
        if name is None:
            return self.containers[0]
        return next(c for c in self.containers if c.c.name == name)


@dataclass
class ServiceSim:
    name: str
    selector: dict[str, str]
    port: int
    obj: dict
    endpoints: dict
    slice: dict
    slice_order: list[str] = field(default_factory=list)


# =========================================================================== the simulation


class Sim:
    def __init__(self) -> None:
        self.now = 0.0
        self._queue: list[tuple[float, int, Step]] = []
        self._seq = 0
        self.rv = FIRST_RESOURCE_VERSION
        self._rv_tick = 0
        self.out: list[WatchEvent] = []
        self.nodes: dict[str, NodeSim] = {}
        self.pods: dict[str, PodSim] = {}
        self.services: dict[str, ServiceSim] = {}
        self.kubelet_events: dict[tuple, dict] = {}
        self.scheduler_events: dict[str, dict] = {}
        self._event_names: set[str] = set()
        self.sync_pending: set[str] = set()

    # ---------------------------------------------------------------- time

    def schedule(self, t: float, step: Step) -> None:
        if t > END:
            return
        heapq.heappush(self._queue, (t, self._seq, step))
        self._seq += 1

    def after(self, dt: float, step: Step) -> None:
        self.schedule(self.now + dt, step)

    def run(self) -> list[WatchEvent]:
        while self._queue:
            t, _, step = heapq.heappop(self._queue)
            self.now = t
            step(self)
        return self.out

    # ---------------------------------------------------------------- the API server

    def emit(self, kind: str, etype: str, obj: dict) -> None:
        """Store a write: next resourceVersion, and the watch event every watcher gets."""
        # Writers podwatch does not watch (node leases, leader election, other
        # namespaces) take resourceVersions too: about seven every ten seconds.
        tick = int(self.now // 10)
        self.rv += 1 + 7 * (tick - self._rv_tick)
        self._rv_tick = tick
        obj["metadata"]["resourceVersion"] = str(self.rv)
        self.out.append(WatchEvent(round(self.now, 3), kind, etype, canonical(obj)))

    def event_name(self, obj_name: str) -> str:
        """`NAME.<hex of the creation time in ns>`, as client-go names Events."""
        ns = STARTED * 1_000_000_000 + round(self.now * 1_000_000_000)
        name = f"{obj_name}.{ns:x}"
        while name in self._event_names:
            ns += 1
            name = f"{obj_name}.{ns:x}"
        self._event_names.add(name)
        return name

    def new_event(self, name: str, **fields: Any) -> dict:
        ev = {
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {
                "creationTimestamp": ts(self.now),
                "name": name,
                "namespace": NAMESPACE,
                "selfLink": f"/api/v1/namespaces/{NAMESPACE}/events/{name}",
                "uid": make_uid("event", name),
            },
            "reportingComponent": "",
            "reportingInstance": "",
        }
        ev.update(fields)
        return ev

    def legacy_event(
        self,
        pod: PodSim,
        reason: str,
        message: str,
        *,
        type_: str = "Normal",
        container: str | None = None,
        source: dict | None = None,
        involved: dict | None = None,
    ) -> None:
        """A core/v1 Event as the kubelet and the controllers write it: repeats of the
        same (object, reason, message) aggregate into one Event whose count grows."""
        source = source if source is not None else {"component": "kubelet", "host": pod.node}
        field_path = f"spec.containers{{{container}}}" if container else ""
        key = (pod.uid, field_path, reason, message, type_, tuple(sorted(source.items())))
        ev = self.kubelet_events.get(key)
        if ev is not None:
            ev["count"] += 1
            ev["lastTimestamp"] = ts(self.now)
            self.emit("Event", "MODIFIED", ev)
            return
        if involved is None:
            involved = {
                "apiVersion": "v1",
                "kind": "Pod",
                "name": pod.name,
                "namespace": NAMESPACE,
                "resourceVersion": pod.obj["metadata"].get("resourceVersion", ""),
                "uid": pod.uid,
            }
            if field_path:
                involved["fieldPath"] = field_path
        ev = self.new_event(
            self.event_name(pod.name),
            count=1,
            eventTime=None,
            firstTimestamp=ts(self.now),
            involvedObject=involved,
            lastTimestamp=ts(self.now),
            message=message,
            reason=reason,
            source=source,
            type=type_,
        )
        self.kubelet_events[key] = ev
        self.emit("Event", "ADDED", ev)

    def scheduler_event(
        self, pod: PodSim, reason: str, action: str, message: str, type_: str, rv: str = ""
    ) -> None:
        """An Event the scheduler writes through events.k8s.io, seen through core/v1."""
        ev = self.new_event(
            self.event_name(pod.name),
            action=action,
            eventTime=micro_ts(self.now),
            firstTimestamp=None,
            involvedObject={
                "apiVersion": "v1",
                "kind": "Pod",
                "name": pod.name,
                "namespace": NAMESPACE,
                "resourceVersion": rv or pod.obj["metadata"]["resourceVersion"],
                "uid": pod.uid,
            },
            lastTimestamp=None,
            message=message,
            reason=reason,
            reportingComponent="default-scheduler",
            reportingInstance=SCHEDULER_INSTANCE,
            source={},
            type=type_,
        )
        self.scheduler_events[f"{pod.name}/{reason}/{message}"] = ev
        self.emit("Event", "ADDED", ev)

    # ---------------------------------------------------------------- pods: writes

    def write_pod(self, pod: PodSim, etype: str = "MODIFIED") -> None:
        """Write the pod with its status rebuilt from the simulation's state; a status
        writer (kubelet, controllers) skips the write when nothing changed."""
        pod.obj["status"] = self.pod_status(pod)
        if etype == "MODIFIED" and canonical(pod.obj) == pod.written:
            return
        self.emit("Pod", etype, pod.obj)
        pod.written = canonical(pod.obj)
        self.pod_changed(pod)

    def pod_status(self, pod: PodSim) -> dict:
        status: dict[str, Any] = {"phase": pod.phase, "qosClass": qos_class(pod.d)}
        if pod.conditions:
            order = ("Initialized", "Ready", "ContainersReady", "PodScheduled")
            status["conditions"] = [pod.conditions[t] for t in order if t in pod.conditions]
        if pod.kubelet_seen:
            status["hostIP"] = self.nodes[pod.node].ip
            status["startTime"] = ts(pod.start_time or 0.0)
            status["containerStatuses"] = [self.container_status(c) for c in pod.containers]
        if pod.ip:
            status["podIP"] = pod.ip
            status["podIPs"] = [{"ip": pod.ip}]
        if pod.status_reason:
            status["reason"] = pod.status_reason
            status["message"] = pod.status_message
        return status

    @staticmethod
    def container_status(cs: ContainerSim) -> dict:
        image, _ = image_names(cs.c.image)
        out = {
            "image": image,
            "imageID": cs.image_id,
            "lastState": copy.deepcopy(cs.last_state),
            "name": cs.c.name,
            "ready": cs.ready,
            "restartCount": cs.restarts,
            "started": cs.started,
            "state": copy.deepcopy(cs.state),
        }
        if cs.container_id:
            out["containerID"] = cs.container_id
        return out

    def set_condition(
        self, pod: PodSim, type_: str, status: str, reason: str = "", message: str = ""
    ) -> None:
        old = pod.conditions.get(type_)
        since = old["lastTransitionTime"] if old and old["status"] == status else ts(self.now)
        cond = {"lastProbeTime": None, "lastTransitionTime": since, "status": status, "type": type_}
        if reason:
            cond["reason"] = reason
        if message:
            cond["message"] = message
        pod.conditions[type_] = cond

    # ---------------------------------------------------------------- endpoints controllers

    def pod_changed(self, pod: PodSim) -> None:
        """What the endpoints controllers' pod handlers do: resync the pod's Services
        when something that matters to endpoints changed."""
        facts = (pod.ip, pod.ready, pod.terminating, pod.gone, pod.node, pod.phase)
        if facts == pod.endpoint_facts:
            return
        pod.endpoint_facts = facts
        trigger = None if pod.gone else self.now
        for svc in self.services.values():
            selected = all(pod.d.labels.get(k) == v for k, v in svc.selector.items())
            if selected and svc.name not in self.sync_pending:
                self.sync_pending.add(svc.name)
                self.after(0.02, partial(sync_service, name=svc.name, trigger=trigger))

    # ---------------------------------------------------------------- kubelet helpers

    def kubelet_alive(self, pod: PodSim) -> bool:
        return not pod.gone and bool(pod.node) and self.nodes[pod.node].kubelet_alive

    def kubelet_update(self, pod: PodSim) -> None:
        """The kubelet's status manager: derive phase and conditions, write if changed."""
        pod.phase = pod_phase(pod)
        unready = [c.c.name for c in pod.containers if not c.ready]
        if pod.phase in ("Succeeded", "Failed"):
            for t in ("ContainersReady", "Ready"):
                self.set_condition(pod, t, "False", "PodCompleted")
        elif unready:
            message = f"containers with unready status: [{' '.join(unready)}]"
            for t in ("ContainersReady", "Ready"):
                self.set_condition(pod, t, "False", "ContainersNotReady", message)
        else:
            for t in ("ContainersReady", "Ready"):
                self.set_condition(pod, t, "True")
        self.write_pod(pod)


def pod_phase(pod: PodSim) -> str:
    """The kubelet's getPhase for pods without init containers."""
    waiting = running = stopped = succeeded = 0
    for c in pod.containers:
        if c.running:
            running += 1
        elif "terminated" in c.state:
            stopped += 1
            succeeded += c.state["terminated"]["exitCode"] == 0
        elif c.last_state:
            stopped += 1
            succeeded += c.last_state["terminated"]["exitCode"] == 0
        else:
            waiting += 1
    if waiting:
        return "Pending"
    if running:
        return "Running"
    policy = pod.d.restart_policy
    if policy == "Always":
        return "Running"
    if succeeded == stopped:
        return "Succeeded"
    return "Running" if policy == "OnFailure" else "Failed"


# =========================================================================== steps: nodes


def node_object(name: str, index: int) -> dict:
    labels, ip, cidr, heartbeat = NODES[name]
    created = -3 * 86400 - 4000 + 17 * index
    last_beat = heartbeat - HEARTBEAT_PERIOD

    def condition(type_: str, status: str, reason: str, message: str) -> dict:
        return {
            "lastHeartbeatTime": ts(last_beat),
            "lastTransitionTime": ts(created + 32),
            "message": message,
            "reason": reason,
            "status": status,
            "type": type_,
        }

    boot = digest("boot", name)
    machine = digest("machine", name)[:32]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "annotations": {
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///run/containerd/containerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
            "creationTimestamp": ts(created),
            "labels": {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                **labels,
            },
            "name": name,
            "selfLink": f"/api/v1/nodes/{name}",
            "uid": make_uid("node", name),
        },
        "spec": {"podCIDR": f"{cidr}.0/24", "podCIDRs": [f"{cidr}.0/24"]},
        "status": {
            "addresses": [
                {"address": ip, "type": "InternalIP"},
                {"address": name, "type": "Hostname"},
            ],
            "allocatable": {
                "cpu": "4",
                "ephemeral-storage": "93492209510",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": "16291492Ki",
                "pods": "110",
            },
            "capacity": {
                "cpu": "4",
                "ephemeral-storage": "101445540Ki",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": "16393892Ki",
                "pods": "110",
            },
            "conditions": [
                condition(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                condition(
                    "DiskPressure",
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                condition(
                    "PIDPressure",
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": str(uuid.UUID(boot[:32])),
                "containerRuntimeVersion": "containerd://1.4.12",
                "kernelVersion": "5.4.0-135-generic",
                "kubeProxyVersion": "v1.19.16",
                "kubeletVersion": "v1.19.16",
                "machineID": machine,
                "operatingSystem": "linux",
                "osImage": "Ubuntu 20.04.5 LTS",
                "systemUUID": str(uuid.UUID(machine)).upper(),
            },
        },
    }


def list_nodes() -> Step:
    """podwatch starts: the initial list of Nodes (no pods or Services yet)."""

    def step(sim: Sim) -> None:
        for index, name in enumerate(NODES):
            _labels, ip, cidr, heartbeat = NODES[name]
            node = NodeSim(name, node_object(name, index), ip, cidr)
            sim.nodes[name] = node
            sim.emit("Node", "ADDED", node.obj)
            sim.schedule(heartbeat, partial(node_heartbeat, name=name))

    return step


def node_heartbeat(sim: Sim, name: str) -> None:
    node = sim.nodes[name]
    if not node.kubelet_alive:
        return
    for cond in node.obj["status"]["conditions"]:
        cond["lastHeartbeatTime"] = ts(sim.now)
    sim.emit("Node", "MODIFIED", node.obj)
    sim.after(HEARTBEAT_PERIOD, partial(node_heartbeat, name=name))


def taint(node_name: str, key: str, value: str, effect: str) -> Step:
    """`kubectl taint nodes NODE key=value:effect` (no timeAdded)."""

    def step(sim: Sim) -> None:
        node = sim.nodes[node_name]
        node.add_taint({"effect": effect, "key": key, "value": value})
        sim.emit("Node", "MODIFIED", node.obj)
        node_taints_changed(sim, node)

    return step


def untaint(node_name: str, key: str, effect: str) -> Step:
    """`kubectl taint nodes NODE key:effect-`."""

    def step(sim: Sim) -> None:
        node = sim.nodes[node_name]
        kept = [t for t in node.taints if not (t["key"] == key and t["effect"] == effect)]
        if kept:
            node.obj["spec"]["taints"] = kept
        else:
            node.obj["spec"].pop("taints", None)
        sim.emit("Node", "MODIFIED", node.obj)
        node_taints_changed(sim, node)

    return step


def node_taints_changed(sim: Sim, node: NodeSim) -> None:
    sim.after(0.05, partial(taint_manager, node_name=node.name))
    sim.after(0.04, retry_unschedulable)


def kubelet_stops(node_name: str) -> Step:
    """The node's kubelet dies: no more heartbeats, probes, restarts or pod status."""

    def step(sim: Sim) -> None:
        sim.nodes[node_name].kubelet_alive = False
        sim.after(NODE_MONITOR_GRACE, partial(node_status_unknown, node_name=node_name))

    return step


def node_status_unknown(sim: Sim, node_name: str) -> None:
    """The node lifecycle controller: no heartbeat (lease) for 40 s."""
    node = sim.nodes[node_name]
    for cond in node.obj["status"]["conditions"]:
        cond.update(
            {
                "lastTransitionTime": ts(sim.now),
                "message": "Kubelet stopped posting node status.",
                "reason": "NodeStatusUnknown",
                "status": "Unknown",
            }
        )
    sim.emit("Node", "MODIFIED", node.obj)
    sim.after(0.05, partial(mark_pods_not_ready, node_name=node_name))
    sim.after(0.1, partial(add_unreachable_taint, node_name=node_name, effect="NoExecute"))
    sim.after(0.2, partial(add_unreachable_taint, node_name=node_name, effect="NoSchedule"))


def mark_pods_not_ready(sim: Sim, node_name: str) -> None:
    """MarkPodsNotReady: the pod's Ready condition only; containers keep their status."""
    for pod in sim.pods.values():
        if pod.node != node_name or pod.gone or not pod.ready:
            continue
        sim.set_condition(pod, "Ready", "False")
        sim.write_pod(pod)
        sim.legacy_event(
            pod,
            "NodeNotReady",
            "Node is not ready",
            type_="Warning",
            source={"component": "node-controller"},
        )


def add_unreachable_taint(sim: Sim, node_name: str, effect: str) -> None:
    node = sim.nodes[node_name]
    node.add_taint(
        {"effect": effect, "key": "node.kubernetes.io/unreachable", "timeAdded": ts(sim.now)}
    )
    sim.emit("Node", "MODIFIED", node.obj)
    node_taints_changed(sim, node)


# =========================================================================== steps: Services


def create_service(name: str, selector: dict[str, str], port: int = 8080) -> Step:
    def step(sim: Sim) -> None:
        uid = make_uid("service", name)
        meta = {
            "creationTimestamp": ts(sim.now),
            "namespace": NAMESPACE,
        }
        service = {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                **meta,
                "name": name,
                "selfLink": f"/api/v1/namespaces/{NAMESPACE}/services/{name}",
                "uid": uid,
            },
            "spec": {
                "clusterIP": f"10.96.{int(digest('ip', name)[:2], 16)}.{int(digest('ip', name)[2:4], 16)}",
                "ports": [{"port": port, "protocol": "TCP", "targetPort": port}],
                "selector": dict(selector),
                "sessionAffinity": "None",
                "type": "ClusterIP",
            },
            "status": {"loadBalancer": {}},
        }
        trigger = {"endpoints.kubernetes.io/last-change-trigger-time": ts(sim.now)}
        suffix = "".join(
            "bcdfghjklmnpqrstvwxz2456789"[int(ch, 16)] for ch in digest("slice", name)[:5]
        )
        slice_name = f"{name}-{suffix}"
        endpoint_slice = {
            "addressType": "IPv4",
            "apiVersion": "discovery.k8s.io/v1",
            "endpoints": None,
            "kind": "EndpointSlice",
            "metadata": {
                **meta,
                "annotations": dict(trigger),
                "generateName": f"{name}-",
                "generation": 1,
                "labels": {
                    "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                    "kubernetes.io/service-name": name,
                },
                "name": slice_name,
                "ownerReferences": [
                    {
                        "apiVersion": "v1",
                        "blockOwnerDeletion": True,
                        "controller": True,
                        "kind": "Service",
                        "name": name,
                        "uid": uid,
                    }
                ],
                "selfLink": f"/apis/discovery.k8s.io/v1/namespaces/{NAMESPACE}/endpointslices/{slice_name}",
                "uid": make_uid("endpointslice", slice_name),
            },
            "ports": None,
        }
        endpoints = {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {
                **meta,
                "annotations": dict(trigger),
                "name": name,
                "selfLink": f"/api/v1/namespaces/{NAMESPACE}/endpoints/{name}",
                "uid": make_uid("endpoints", name),
            },
        }
        svc = ServiceSim(name, dict(selector), port, service, endpoints, endpoint_slice)
        sim.services[name] = svc
        sim.emit("Service", "ADDED", service)
        sim.after(0.01, partial(_emit_added, kind="EndpointSlice", obj=endpoint_slice))
        sim.after(0.02, partial(_emit_added, kind="Endpoints", obj=endpoints))
        sim.after(0.03, partial(sync_service, name=name, trigger=sim.now))

    return step


def _emit_added(sim: Sim, kind: str, obj: dict) -> None:
    sim.emit(kind, "ADDED", obj)


def in_endpoints(pod: PodSim) -> bool:
    """Which selected pods a Service's endpoints list (terminal pods are left out)."""
    if not pod.ip or pod.gone:
        return False
    if pod.d.restart_policy == "Never":
        return pod.phase not in ("Succeeded", "Failed")
    if pod.d.restart_policy == "OnFailure":
        return pod.phase != "Succeeded"
    return True


def sync_service(sim: Sim, name: str, trigger: float | None) -> None:
    """The endpoints controller, then the EndpointSlice controller, for one Service."""
    sim.sync_pending.discard(name)
    svc = sim.services[name]
    selected = [
        p
        for p in sim.pods.values()
        if all(p.d.labels.get(k) == v for k, v in svc.selector.items()) and in_endpoints(p)
    ]

    def target(pod: PodSim, with_rv: bool) -> dict:
        ref = {"kind": "Pod", "name": pod.name, "namespace": NAMESPACE, "uid": pod.uid}
        if with_rv:
            ref["resourceVersion"] = pod.obj["metadata"]["resourceVersion"]
        return ref

    # Endpoints (terminating pods are dropped)
    ready, not_ready = [], []
    for pod in sorted(selected, key=lambda p: (p.ip, p.uid)):
        if pod.terminating:
            continue
        address = {"ip": pod.ip, "nodeName": pod.node, "targetRef": target(pod, True)}
        (ready if pod.ready else not_ready).append(address)
    subsets = []
    if ready or not_ready:
        subset: dict[str, Any] = {"ports": [{"port": svc.port, "protocol": "TCP"}]}
        if ready:
            subset["addresses"] = ready
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        subsets.append(subset)
    if subsets != svc.endpoints.get("subsets", []):
        _set_trigger(svc.endpoints, trigger)
        if subsets:
            svc.endpoints["subsets"] = subsets
        else:
            svc.endpoints.pop("subsets", None)
        sim.emit("Endpoints", "MODIFIED", svc.endpoints)

    # EndpointSlice (terminating pods stay, with terminating: true)
    by_name = {p.name: p for p in selected}
    svc.slice_order = [n for n in svc.slice_order if n in by_name]
    svc.slice_order += [
        p.name for p in sorted(selected, key=lambda p: p.ip) if p.name not in svc.slice_order
    ]
    entries = []
    for pod_name in svc.slice_order:
        pod = by_name[pod_name]
        entries.append(
            {
                "addresses": [pod.ip],
                "conditions": {
                    "ready": pod.ready and not pod.terminating,
                    "serving": pod.ready,
                    "terminating": pod.terminating,
                },
                "nodeName": pod.node,
                "targetRef": target(pod, False),
            }
        )
    endpoints = entries or None
    ports = [{"name": "", "port": svc.port, "protocol": "TCP"}] if entries else None
    if endpoints != svc.slice["endpoints"] or ports != svc.slice["ports"]:
        _set_trigger(svc.slice, trigger)
        svc.slice["endpoints"] = endpoints
        svc.slice["ports"] = ports
        svc.slice["metadata"]["generation"] += 1
        sim.emit("EndpointSlice", "MODIFIED", svc.slice)


def _set_trigger(obj: dict, trigger: float | None) -> None:
    key = "endpoints.kubernetes.io/last-change-trigger-time"
    annotations = obj["metadata"].setdefault("annotations", {})
    if trigger is None:
        annotations.pop(key, None)
    else:
        annotations[key] = ts(trigger)
    if not annotations:
        obj["metadata"].pop("annotations")


# =========================================================================== steps: pods


def pod_object(sim: Sim, d: PodDef) -> dict:
    """The pod as the API server stores it: the manifest plus every default."""
    token_mount = {
        "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
        "name": TOKEN_VOLUME,
        "readOnly": True,
    }
    containers = []
    for c in d.containers:
        spec: dict[str, Any] = {
            "image": c.image,
            "imagePullPolicy": pull_policy(c.image),
            "name": c.name,
            "resources": copy.deepcopy(c.resources),
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
            "volumeMounts": [*copy.deepcopy(c.volume_mounts), token_mount],
        }
        if c.command:
            spec["command"] = list(c.command)
        if c.ports:
            spec["ports"] = [{"containerPort": p, "protocol": "TCP"} for p in c.ports]
        for kind, probe in c.probes.items():
            spec[f"{kind}Probe"] = defaulted_probe(probe)
        containers.append(spec)
    tolerations = copy.deepcopy(d.tolerations)
    # The DefaultTolerationSeconds admission plugin.
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        if not any(
            t.get("key") == key and t.get("effect") in (None, "NoExecute") for t in tolerations
        ):
            tolerations.append(
                {"effect": "NoExecute", "key": key, "operator": "Exists", "tolerationSeconds": 300}
            )
    spec = {
        "containers": containers,
        "dnsPolicy": "ClusterFirst",
        "enableServiceLinks": True,
        "preemptionPolicy": "PreemptLowerPriority",
        "priority": 0,
        "restartPolicy": d.restart_policy,
        "schedulerName": "default-scheduler",
        "securityContext": {},
        "serviceAccount": "default",
        "serviceAccountName": "default",
        "terminationGracePeriodSeconds": d.grace,
        "tolerations": tolerations,
        "volumes": [
            *copy.deepcopy(d.volumes),
            {"name": TOKEN_VOLUME, "secret": {"defaultMode": 420, "secretName": TOKEN_VOLUME}},
        ],
    }
    if d.node_selector:
        spec["nodeSelector"] = dict(d.node_selector)
    metadata: dict[str, Any] = {
        "creationTimestamp": ts(sim.now),
        "name": d.name,
        "namespace": NAMESPACE,
        "selfLink": f"/api/v1/namespaces/{NAMESPACE}/pods/{d.name}",
        "uid": make_uid("pod", d.name),
    }
    if d.labels:
        metadata["labels"] = dict(d.labels)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": {}}


def create_pod(d: PodDef) -> Step:
    """`kubectl create` of a bare pod; the scheduler takes it a moment later."""

    def step(sim: Sim) -> None:
        pod = PodSim(
            d, pod_object(sim, d), [ContainerSim(c, dict(c.failing)) for c in d.containers]
        )
        sim.pods[d.name] = pod
        sim.write_pod(pod, "ADDED")
        sim.after(0.01, partial(schedule_pod, name=d.name))

    return step


# ---------------------------------------------------------------- the scheduler


def node_misfit(pod: PodSim, node: NodeSim) -> str | None:
    """Why the pod cannot go to the node (1.19 filter order), or None."""
    labels = node.obj["metadata"]["labels"]
    if any(labels.get(k) != v for k, v in pod.d.node_selector.items()):
        return "node(s) didn't match node selector"
    tolerations = pod.obj["spec"]["tolerations"]
    for t in node.taints:
        if t["effect"] in ("NoSchedule", "NoExecute") and not any(
            tolerates(tol, t) for tol in tolerations
        ):
            return f"node(s) had taint {{{t['key']}: {t.get('value', '')}}}, that the pod didn't tolerate"
    return None


def schedule_pod(sim: Sim, name: str) -> None:
    pod = sim.pods[name]
    if pod.node or pod.gone:
        return
    misfits = {n: node_misfit(pod, node) for n, node in sim.nodes.items()}
    fitting = [n for n, why in misfits.items() if why is None]
    if fitting:
        if pod.d.node not in fitting:
            raise SystemExit(f"scenario error: {name} should go to {pod.d.node}, fits {fitting}")
        bind(sim, pod, pod.d.node)
        return
    counts: dict[str, int] = {}
    for why in misfits.values():
        counts[why or ""] = counts.get(why or "", 0) + 1
    reasons = sorted(f"{n} {why}" for why, n in counts.items())
    message = f"0/{len(sim.nodes)} nodes are available: {', '.join(reasons)}."
    key = f"{name}/FailedScheduling/{message}"
    ev = sim.scheduler_events.get(key)
    if ev is None:
        sim.scheduler_event(pod, "FailedScheduling", "Scheduling", message, "Warning")
    elif "series" not in ev:
        # events.k8s.io: the first repeat writes a series; later ones only count in memory.
        ev["series"] = {"count": 1, "lastObservedTime": micro_ts(sim.now)}
        sim.emit("Event", "MODIFIED", ev)
    else:
        ev["series"]["count"] += 1
    sim.set_condition(pod, "PodScheduled", "False", "Unschedulable", message)
    sim.write_pod(pod)


def retry_unschedulable(sim: Sim) -> None:
    """A node's taints changed: the scheduler moves unschedulable pods back to its queue."""
    for name, pod in sim.pods.items():
        if not pod.node and not pod.gone and "PodScheduled" in pod.conditions:
            schedule_pod(sim, name)


def bind(sim: Sim, pod: PodSim, node_name: str) -> None:
    seen_rv = pod.obj["metadata"]["resourceVersion"]
    pod.node = node_name
    pod.obj["spec"]["nodeName"] = node_name
    sim.set_condition(pod, "PodScheduled", "True")
    sim.write_pod(pod)
    sim.scheduler_event(
        pod,
        "Scheduled",
        "Binding",
        f"Successfully assigned {NAMESPACE}/{pod.name} to {node_name}",
        "Normal",
        seen_rv,
    )
    sim.after(0.05, partial(kubelet_admit, name=pod.name))


# ---------------------------------------------------------------- the kubelet


def kubelet_admit(sim: Sim, name: str) -> None:
    """The kubelet's first sync of a new pod: sandbox, image pulls, first status."""
    pod = sim.pods[name]
    if not sim.kubelet_alive(pod):
        return
    pod.kubelet_seen = True
    pod.start_time = sim.now
    sim.set_condition(pod, "Initialized", "True")
    for cs in pod.containers:
        pull_image(sim, pod, cs, first=True)
    sim.after(0.03, partial(_kubelet_update, name=name))


def _kubelet_update(sim: Sim, name: str) -> None:
    pod = sim.pods[name]
    if sim.kubelet_alive(pod):
        sim.kubelet_update(pod)


def pull_image(sim: Sim, pod: PodSim, cs: ContainerSim, first: bool) -> None:
    """Pull (or find) the image, then create and start the container."""
    node = sim.nodes[pod.node]
    image = cs.c.image
    if pull_policy(image) == "IfNotPresent" and image in node.images:
        sim.legacy_event(
            pod,
            "Pulled",
            f'Container image "{image}" already present on machine',
            container=cs.c.name,
        )
        sim.after(0.15, partial(start_container, name=pod.name, container=cs.c.name))
        return
    sim.legacy_event(pod, "Pulling", f'Pulling image "{image}"', container=cs.c.name)
    sim.after(
        PULL_SECONDS.get(image, 2.0), partial(image_pulled, name=pod.name, container=cs.c.name)
    )


def image_pulled(sim: Sim, name: str, container: str) -> None:
    pod = sim.pods[name]
    if not sim.kubelet_alive(pod):
        return
    cs = pod.container(container)
    image = cs.c.image
    if cs.c.pull_error:
        image_pull_failed(sim, pod, cs)
        return
    sim.nodes[pod.node].images.add(image)
    sim.legacy_event(pod, "Pulled", f'Successfully pulled image "{image}"', container=container)
    sim.after(0.05, partial(start_container, name=name, container=container))


def ensure_sandbox(sim: Sim, pod: PodSim) -> None:
    if not pod.ip:
        node = sim.nodes[pod.node]
        pod.ip = f"{node.cidr}.{node.next_ip}"
        node.next_ip += 1


def image_pull_failed(sim: Sim, pod: PodSim, cs: ContainerSim) -> None:
    image = cs.c.image
    ensure_sandbox(sim, pod)
    error = cs.c.pull_error or ""
    sim.legacy_event(
        pod,
        "Failed",
        f'Failed to pull image "{image}": {error}',
        type_="Warning",
        container=cs.c.name,
    )
    sim.legacy_event(pod, "Failed", "Error: ErrImagePull", type_="Warning", container=cs.c.name)
    cs.state = {"waiting": {"message": error, "reason": "ErrImagePull"}}
    sim.kubelet_update(pod)
    cs.pull_backoff = 10.0 if not cs.pull_backoff else min(cs.pull_backoff * 2, 300.0)
    sim.after(1.0, partial(image_pull_backoff, name=pod.name, container=cs.c.name))
    sim.after(cs.pull_backoff, partial(retry_pull, name=pod.name, container=cs.c.name))


def image_pull_backoff(sim: Sim, name: str, container: str) -> None:
    pod = sim.pods[name]
    if not sim.kubelet_alive(pod):
        return
    cs = pod.container(container)
    message = f'Back-off pulling image "{cs.c.image}"'
    sim.legacy_event(pod, "BackOff", message, container=container)
    sim.legacy_event(pod, "Failed", "Error: ImagePullBackOff", type_="Warning", container=container)
    cs.state = {"waiting": {"message": message, "reason": "ImagePullBackOff"}}
    sim.kubelet_update(pod)


def retry_pull(sim: Sim, name: str, container: str) -> None:
    pod = sim.pods[name]
    if sim.kubelet_alive(pod) and not pod.terminating:
        pull_image(sim, pod, pod.container(container), first=False)


def start_container(sim: Sim, name: str, container: str) -> None:
    """Created, Started: a new instance of the container runs."""
    pod = sim.pods[name]
    if not sim.kubelet_alive(pod):
        return
    cs = pod.container(container)
    ensure_sandbox(sim, pod)
    sim.legacy_event(pod, "Created", f"Created container {container}", container=container)
    sim.legacy_event(pod, "Started", f"Started container {container}", container=container)
    if "terminated" in cs.state:
        cs.last_state = {"terminated": cs.state["terminated"]}
    cs.restarts = cs.instance
    cs.instance += 1
    cs.failing.pop("liveness", None)  # a fresh process: whatever hung is gone
    cs.on_hold.clear()
    cs.success_run.clear()
    cs.failure_run.clear()
    cs.container_id = f"containerd://{digest('container', name, container, str(cs.instance))}"
    cs.image_id = image_names(cs.c.image)[1]
    cs.state = {"running": {"startedAt": ts(sim.now)}}
    cs.started_at = sim.now
    probes = cs.c.probes
    cs.started = "startup" not in probes
    cs.ready = cs.started and "readiness" not in probes
    inst = cs.instance
    if cs.c.exit_after is not None:
        sim.after(
            cs.c.exit_after, partial(container_exits, name=name, container=container, instance=inst)
        )
    for offset, kind in ((0.1, "startup"), (0.5, "readiness"), (0.7, "liveness")):
        if kind in probes:
            delay = probes[kind].get("initialDelaySeconds", 0)
            sim.after(
                delay + offset,
                partial(probe_tick, name=name, container=container, kind=kind, instance=inst),
            )
    # A process that exits at once is never seen running by the kubelet's relist.
    if cs.c.exit_after is None or cs.c.exit_after >= 1.0:
        sim.after(0.05, partial(_kubelet_update, name=name))


def container_exits(
    sim: Sim, name: str, container: str, instance: int, code: int | None = None, reason: str = ""
) -> None:
    pod = sim.pods[name]
    cs = pod.container(container)
    if not sim.kubelet_alive(pod) or cs.instance != instance:
        return
    code = cs.c.exit_code if code is None else code
    finished = sim.now
    cs.state = {
        "terminated": {
            "containerID": cs.container_id,
            "exitCode": code,
            "finishedAt": ts(finished),
            "reason": reason or ("Completed" if code == 0 else "Error"),
            "startedAt": ts(cs.started_at),
        }
    }
    cs.ready = cs.started = False
    sim.kubelet_update(pod)
    policy = pod.d.restart_policy
    if pod.terminating or policy == "Never" or (policy == "OnFailure" and code == 0):
        return
    # flowcontrol.Backoff as the kubelet uses it: the first crash restarts at once,
    # later ones wait 10 s, 20 s, ... up to 5 min (reset after 10 min without a crash).
    if cs.backoff_updated is not None and finished - cs.backoff_updated <= 600:
        sim.after(
            1.0, partial(crash_loop_back_off, name=name, container=container, instance=instance)
        )
        sim.after(
            cs.backoff + 0.4, partial(restart, name=name, container=container, finished=finished)
        )
    else:
        sim.after(1.0, partial(restart, name=name, container=container, finished=finished))


def crash_loop_back_off(sim: Sim, name: str, container: str, instance: int) -> None:
    pod = sim.pods[name]
    cs = pod.container(container)
    if not sim.kubelet_alive(pod) or cs.instance != instance:
        return
    cs.last_state = {"terminated": cs.state["terminated"]}
    cs.restarts = cs.instance
    message = (
        f"back-off {go_duration(cs.backoff)} restarting failed container={container} "
        f"pod={name}_{NAMESPACE}({pod.uid})"
    )
    cs.state = {"waiting": {"message": message, "reason": "CrashLoopBackOff"}}
    sim.legacy_event(
        pod, "BackOff", "Back-off restarting failed container", type_="Warning", container=container
    )
    sim.kubelet_update(pod)


def restart(sim: Sim, name: str, container: str, finished: float) -> None:
    pod = sim.pods[name]
    if not sim.kubelet_alive(pod) or pod.terminating:
        return
    cs = pod.container(container)
    if cs.backoff_updated is None or finished - cs.backoff_updated > 600:
        cs.backoff = 10.0
    else:
        cs.backoff = min(cs.backoff * 2, 300.0)
    cs.backoff_updated = finished
    pull_image(sim, pod, cs, first=False)


def probe_tick(sim: Sim, name: str, container: str, kind: str, instance: int) -> None:
    """One period of a probe worker."""
    pod = sim.pods[name]
    cs = pod.container(container)
    if not sim.kubelet_alive(pod) or cs.instance != instance or not cs.running:
        return
    probe = defaulted_probe(cs.c.probes[kind])
    if kind == "startup" and cs.started:
        return  # the startup probe is done once it has passed
    sim.after(
        probe["periodSeconds"],
        partial(probe_tick, name=name, container=container, kind=kind, instance=instance),
    )
    if kind != "startup" and not cs.started:
        return  # liveness and readiness wait for the startup probe
    if kind in cs.on_hold:
        return
    output = cs.failing.get(kind)
    if output is None:
        cs.failure_run[kind] = 0
        cs.success_run[kind] = cs.success_run.get(kind, 0) + 1
        if kind == "startup":
            cs.started = True
            cs.ready = "readiness" not in cs.c.probes
            sim.kubelet_update(pod)
        elif (
            kind == "readiness"
            and not cs.ready
            and cs.success_run[kind] >= probe["successThreshold"]
        ):
            cs.ready = True
            sim.kubelet_update(pod)
        return
    cs.success_run[kind] = 0
    cs.failure_run[kind] = cs.failure_run.get(kind, 0) + 1
    sim.legacy_event(
        pod,
        "Unhealthy",
        f"{kind.capitalize()} probe failed: {output.format(ip=pod.ip)}",
        type_="Warning",
        container=container,
    )
    if cs.failure_run[kind] < probe["failureThreshold"]:
        return
    if kind == "readiness":
        if cs.ready:
            cs.ready = False
            sim.kubelet_update(pod)
        return
    # liveness or startup: kill and restart
    cs.on_hold.add(kind)
    sim.legacy_event(
        pod,
        "Killing",
        f"Container {container} failed {kind} probe, will be restarted",
        container=container,
    )
    grace = max(pod.d.grace, KUBELET_MIN_GRACE)
    sim.after(
        grace, partial(container_exits, name=name, container=container, instance=instance, code=137)
    )


def probe_fails(pod_name: str, kind: str, output: str, container: str | None = None) -> Step:
    """From now on the probe fails with `output` (`{ip}` is the pod IP)."""

    def step(sim: Sim) -> None:
        sim.pods[pod_name].container(container).failing[kind] = output

    return step


def probe_passes(pod_name: str, kind: str, container: str | None = None) -> Step:
    """From now on the probe succeeds (the file appeared, the app finished starting...)."""

    def step(sim: Sim) -> None:
        sim.pods[pod_name].container(container).failing.pop(kind, None)

    return step


def readiness_passes(pod_name: str) -> Step:
    return probe_passes(pod_name, "readiness")


def liveness_fails(pod_name: str, output: str) -> Step:
    """The app starts failing its liveness probe (until the container is restarted)."""
    return probe_fails(pod_name, "liveness", output)


def startup_passes(pod_name: str) -> Step:
    return probe_passes(pod_name, "startup")


# ---------------------------------------------------------------- taint manager, deletion


def taint_manager(sim: Sim, node_name: str) -> None:
    """The NoExecute taint manager, for every pod on a node whose taints changed."""
    node = sim.nodes[node_name]
    no_execute = [t for t in node.taints if t["effect"] == "NoExecute"]
    for pod in list(sim.pods.values()):
        if pod.node != node_name or pod.gone or pod.terminating:
            continue
        tolerations = pod.obj["spec"]["tolerations"]
        used = []
        for t in no_execute:
            matching = [tol for tol in tolerations if tolerates(tol, t)]
            if not matching:
                pod.eviction_token += 1
                pod.eviction_at = sim.now
                sim.after(0.01, partial(evict, name=pod.name, token=pod.eviction_token))
                break
            used += matching
        else:
            seconds = [tol["tolerationSeconds"] for tol in used if "tolerationSeconds" in tol]
            if not no_execute or not seconds:
                pod.eviction_token += 1  # tolerated forever, or no NoExecute taint left
                pod.eviction_at = None
                continue
            when = sim.now + min(seconds)
            if pod.eviction_at is not None and pod.eviction_at <= when:
                continue
            pod.eviction_token += 1
            pod.eviction_at = when
            sim.schedule(
                when, partial(evict, name=pod.name, token=pod.eviction_token, delayed=True)
            )


def evict(sim: Sim, name: str, token: int, delayed: bool = False) -> None:
    pod = sim.pods[name]
    if pod.gone or pod.eviction_token != token:
        return
    involved = {"kind": "Pod", "name": name, "namespace": NAMESPACE}
    taint_controller = {"component": "taint-controller"}
    sim.legacy_event(
        pod,
        "TaintManagerEviction",
        f"Marking for deletion Pod {NAMESPACE}/{name}",
        source=taint_controller,
        involved=involved,
    )
    if not sim.nodes[pod.node].kubelet_alive:
        pod.status_reason = "NodeLost"
        pod.status_message = f"Node {pod.node} which was running pod {name} is unresponsive"
        sim.write_pod(pod)
    delete_pod(sim, pod)
    if delayed:
        # The pod's deletion reaches the taint manager while its timed work is
        # still registered: it "cancels" it, as real captures show.
        sim.after(0.02, partial(_cancelled, name=name))


def _cancelled(sim: Sim, name: str) -> None:
    pod = sim.pods[name]
    if pod.gone:
        sim.legacy_event(
            pod,
            "TaintManagerEviction",
            f"Cancelling deletion of Pod {NAMESPACE}/{name}",
            source={"component": "taint-controller"},
            involved={"kind": "Pod", "name": name, "namespace": NAMESPACE},
        )


def delete_pod(sim: Sim, pod: PodSim) -> None:
    """DELETE with the pod's grace period: deletionTimestamp first; DELETED at once for
    a grace of 0, else when the kubelet has stopped the containers (never, if it is dead)."""
    grace = pod.d.grace if pod.node and pod.phase not in ("Succeeded", "Failed") else 0
    meta = pod.obj["metadata"]
    meta["deletionGracePeriodSeconds"] = grace
    meta["deletionTimestamp"] = ts(sim.now + grace)
    sim.write_pod(pod)
    if grace == 0:
        sim.after(0.005, partial(pod_deleted, name=pod.name))
        return
    if sim.kubelet_alive(pod):
        sim.after(0.1, partial(kubelet_kill_pod, name=pod.name))


def kubelet_kill_pod(sim: Sim, name: str) -> None:
    pod = sim.pods[name]
    running = [cs for cs in pod.containers if cs.running]
    for cs in running:
        sim.legacy_event(pod, "Killing", f"Stopping container {cs.c.name}", container=cs.c.name)
        cs.state = {
            "terminated": {
                "containerID": cs.container_id,
                "exitCode": 0,
                "finishedAt": ts(sim.now),
                "reason": "Completed",
                "startedAt": ts(cs.started_at),
            }
        }
        cs.ready = cs.started = False
    if running:
        sim.kubelet_update(pod)
    sim.after(0.4, partial(kubelet_final_delete, name=name))


def kubelet_final_delete(sim: Sim, name: str) -> None:
    pod = sim.pods[name]
    pod.obj["metadata"]["deletionGracePeriodSeconds"] = 0
    pod.obj["metadata"]["deletionTimestamp"] = ts(sim.now)
    sim.write_pod(pod)
    sim.after(0.005, partial(pod_deleted, name=name))


def pod_deleted(sim: Sim, name: str) -> None:
    pod = sim.pods[name]
    pod.gone = True
    sim.emit("Pod", "DELETED", pod.obj)
    sim.pod_changed(pod)
    node = sim.nodes.get(pod.node)
    if node is not None and node.kubelet_alive:
        # The kubelet notices the pod is gone and stops what still runs.
        for cs in pod.containers:
            if cs.running:
                sim.legacy_event(
                    pod, "Killing", f"Stopping container {cs.c.name}", container=cs.c.name
                )


# =========================================================================== main


def generate() -> list[WatchEvent]:
    sim = Sim()
    for t, step in scenario():
        sim.schedule(t, step)
    return sim.run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args(argv)
    events = generate()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    scope = {
        "namespace": NAMESPACE,
        "kinds": ["Pod", "Event", "Service", "Endpoints", "EndpointSlice", "Node"],
    }
    with RecordingWriter(
        args.output, context="demo", scope=scope, started=float(STARTED)
    ) as writer:
        for event in events:
            writer.write(event)
    print(f"wrote {len(events)} events, {events[-1].t:.0f} s, to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
