"""A small simulation of the control plane: it turns a story (`at(t, step)` lines)
into the watch events an API server would send.

resourceVersions come from one counter shared by all kinds; the scheduler (node
selectors, taints, `FailedScheduling` with events.k8s.io series), kubelets (image
pulls, probes with their thresholds, restarts with CrashLoopBackOff back-off, pod
status and kubelet-style aggregated Events with `count`), the endpoints and
EndpointSlice controllers, the node lifecycle controller and the NoExecute taint
manager each do what their 1.19 counterpart does, as far as the demo needs.

    events = simulate([at(0, list_nodes(nodes)), at(1, create_pod(pod)), ...], end=60)

The steps a story uses (what a person or the world does): `list_nodes`,
`create_service`, `create_pod`, `taint`, `untaint`, `kubelet_stops`,
`probe_fails` / `probe_passes` (and `readiness_passes`, `liveness_fails`,
`startup_passes`).
"""

from __future__ import annotations

import copy
import heapq
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from podwatch.model.watch import WatchEvent

from .objects import (
    NAMESPACE,
    STARTED,
    Container,
    PodDef,
    canonical,
    defaulted_probe,
    digest,
    event_object,
    go_duration,
    image_names,
    micro_ts,
    node_object,
    pod_object,
    pull_policy,
    qos_class,
    service_objects,
    ts,
)

FIRST_RESOURCE_VERSION = 73410
SCHEDULER_INSTANCE = "default-scheduler-control-plane"
HEARTBEAT_PERIOD = 60.0
NODE_MONITOR_GRACE = 40.0
KUBELET_MIN_GRACE = 2.0
"""A kill with terminationGracePeriodSeconds 0 still waits 2 s before SIGKILL."""
DEFAULT_PULL_SECONDS = 2.0
"""How long a pull takes, for an image the story gives no time."""

Step = Callable[["Sim"], None]


def at(t: float, step: Step) -> tuple[float, Step]:
    """One line of a story: `step` happens `t` seconds into the recording."""
    return (t, step)


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
    """The cluster's state, a queue of timed steps, and the watch events written so far.
    Nothing is scheduled after `end` seconds."""

    def __init__(self, end: float, pull_seconds: Mapping[str, float]) -> None:
        self.end = end
        self.pull_seconds = pull_seconds
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
        if t > self.end:
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
        return event_object(name, self.now, **fields)

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


def list_nodes(nodes: Mapping[str, tuple[dict[str, str], str, str, float]]) -> Step:
    """podwatch starts: the initial list of Nodes (no pods or Services yet). `nodes`:
    name -> (extra labels, InternalIP, pod CIDR prefix, seconds into a minute of its
    heartbeat)."""

    def step(sim: Sim) -> None:
        for index, name in enumerate(nodes):
            labels, ip, cidr, heartbeat = nodes[name]
            obj = node_object(name, index, labels, ip, cidr, heartbeat - HEARTBEAT_PERIOD)
            node = NodeSim(name, obj, ip, cidr)
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
        service, endpoints, endpoint_slice = service_objects(name, selector, port, sim.now)
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


def create_pod(d: PodDef) -> Step:
    """`kubectl create` of a bare pod; the scheduler takes it a moment later."""

    def step(sim: Sim) -> None:
        pod = PodSim(
            d, pod_object(d, sim.now), [ContainerSim(c, dict(c.failing)) for c in d.containers]
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
        sim.pull_seconds.get(image, DEFAULT_PULL_SECONDS),
        partial(image_pulled, name=pod.name, container=cs.c.name),
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


# =========================================================================== a run


def simulate(
    story: Iterable[tuple[float, Step]],
    *,
    end: float,
    pull_seconds: Mapping[str, float] | None = None,
) -> list[WatchEvent]:
    """The watch events of `story` (`at(t, step)` lines), up to `end` seconds; a pull of
    an image takes `pull_seconds[image]` (default DEFAULT_PULL_SECONDS)."""
    sim = Sim(end=end, pull_seconds=pull_seconds or {})
    for t, step in story:
        sim.schedule(t, step)
    return sim.run()
