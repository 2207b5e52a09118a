"""What a single Pod object says about itself: status word, conditions, containers.

Derivations follow kubectl's own (`kubectl get pods` STATUS column, READY
and RESTARTS) so that operators see the words they know, plus what kubectl
hides: each condition in lifecycle order with missing ones marked missing,
and every container kind with its last termination.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from podwatch.model.k8s import Key, b, d, i, lst, meta, parse_time, s

STANDARD_CONDITIONS = ("PodScheduled", "Initialized", "ContainersReady", "Ready")
"""The four conditions in the order a pod passes through them."""

MISSING = "missing"
TERMINAL_PHASES = ("Succeeded", "Failed")
PROBE_FIELDS = ("startupProbe", "readinessProbe", "livenessProbe")


class Health(IntEnum):
    """How a pod is doing, in the order the table sorts it (worst last, so `-health` sorts
    the worst first). Named so that every module compares levels, never bare numbers.

    The pod object alone gives HEALTHY, FINISHED, UNHEALTHY or FAILING (`severity_of`);
    AT_RISK needs more than the object (probe Events, the node's taints, time) and is
    derived in `podwatch.model.health` for a pod the object says is healthy.
    """

    HEALTHY = 0
    """Running, Ready, every container ready, and nothing on its way to change that."""
    FINISHED = 1
    """Succeeded: a Job pod that did its work; not Ready by design."""
    AT_RISK = 2
    """Healthy now, but something is on its way: recent liveness or startup probe failures
    below the threshold, an eviction deadline running, a recent restart, Ready flapping."""
    UNHEALTHY = 3
    """Not ready or not settled: starting, not Ready, Terminating, exiting 0 under Always."""
    FAILING = 4
    """Broken: crash loop, image pull error, OOMKilled, Failed, Evicted, node lost."""


@dataclass(slots=True)
class ConditionView:
    type: str
    status: str
    """True / False / Unknown, or "missing" when the pod does not carry it."""
    reason: str = ""
    message: str = ""
    last_transition: float | None = None
    standard: bool = True


@dataclass(slots=True)
class ContainerView:
    name: str
    kind: str
    """init, sidecar, app or ephemeral."""
    image: str
    state: str
    """waiting, running, terminated, or "no status" before the kubelet reports."""
    reason: str = ""
    message: str = ""
    exit_code: int | None = None
    signal: int | None = None
    started_at: float | None = None
    ready: bool | None = None
    started: bool | None = None
    restarts: int = 0
    last_state: str = ""
    """"" or terminated/running/waiting of the previous instance."""
    last_reason: str = ""
    last_exit_code: int | None = None
    last_signal: int | None = None
    last_finished_at: float | None = None
    last_message: str = ""

    @property
    def state_text(self) -> str:
        """One phrase: `running`, `waiting CrashLoopBackOff`, `terminated Error (exit 1)`."""
        text = self.state
        if self.reason:
            text += f" {self.reason}"
        if self.state == "terminated":
            text += _exit_suffix(self.exit_code, self.signal)
        return text

    @property
    def last_state_text(self) -> str:
        if not self.last_state:
            return ""
        text = self.last_state
        if self.last_reason:
            text += f" {self.last_reason}"
        if self.last_state == "terminated":
            text += _exit_suffix(self.last_exit_code, self.last_signal)
        return text


def _exit_suffix(code: int | None, signal: int | None) -> str:
    parts = []
    if code is not None:
        parts.append(f"exit {code}")
    if signal:
        parts.append(f"signal {signal}")
    return f" ({', '.join(parts)})" if parts else ""


@dataclass(slots=True)
class PodSummary:
    """One row of the pod table."""

    key: Key
    uid: str
    phase: str
    status: str
    """kubectl's STATUS word."""
    ready: int
    total: int
    restarts: int
    last_restart: float | None
    node: str
    pod_ip: str
    qos: str
    created: float | None
    deleting: float | None
    """When deletion was requested (deletionTimestamp minus grace), if it was."""
    severity: Health
    """What the pod object alone says (never AT_RISK: that needs Events, nodes and time;
    see `PodRow.health`)."""
    has_probes: bool = False
    """Any container defines a probe: without Events its failure count is unknown, not 0."""
    events_only: bool = False
    """No Pod object: the pod is known only from Events about it (`model/events_only.py`);
    READY, RESTARTS and the conditions are unknown, not 0 or False."""

    @property
    def namespace(self) -> str:
        return self.key[0]

    @property
    def name(self) -> str:
        return self.key[1]

    @property
    def ready_text(self) -> str:
        return "?" if self.events_only else f"{self.ready}/{self.total}"


# --------------------------------------------------------------------------- containers


def is_sidecar(container: Any) -> bool:
    """A native sidecar: an init container with restartPolicy Always (1.28+)."""
    return s(d(container).get("restartPolicy")) == "Always"


def _statuses(status: dict, group: str) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for cs in lst(status.get(group)):
        if isinstance(cs, dict):
            name = cs.get("name")
            if name and isinstance(name, str):
                out[name] = cs
    return out


_STATES = ("waiting", "running", "terminated")


def _state(cs: dict, key: str) -> tuple[str, dict]:
    block = cs.get(key)
    if isinstance(block, dict):
        for state in _STATES:
            value = block.get(state)
            if isinstance(value, dict):
                return state, value
    return "", {}


_CONTAINER_GROUPS = (
    ("initContainers", "initContainerStatuses"),
    ("containers", "containerStatuses"),
    ("ephemeralContainers", "ephemeralContainerStatuses"),
)


def iter_containers(pod: Any) -> Iterator[tuple[str, str, str, dict | None]]:
    """(kind, name, image, status or None) for init (with sidecars) in spec order, then
    app, then ephemeral containers; then any status whose container the spec does not
    list (malformed or racing), so nothing reported is hidden."""
    spec = d(d(pod).get("spec"))
    status = d(d(pod).get("status"))
    for spec_key, status_key in _CONTAINER_GROUPS:
        statuses = _statuses(status, status_key)
        containers = lst(spec.get(spec_key))
        if not containers and not statuses:
            continue
        names_in_spec = set()
        for container in containers:
            container = d(container)
            name = s(container.get("name"))
            names_in_spec.add(name)
            if spec_key == "initContainers":
                kind = "sidecar" if is_sidecar(container) else "init"
            else:
                kind = "app" if spec_key == "containers" else "ephemeral"
            yield kind, name, s(container.get("image")), statuses.get(name)
        for name, cs in statuses.items():
            if name not in names_in_spec:
                kind = {"initContainers": "init", "containers": "app"}.get(spec_key, "ephemeral")
                yield kind, name, s(cs.get("image")), cs


def container_views(pod: Any) -> list[ContainerView]:
    """Init (with sidecars) in spec order, then app, then ephemeral containers."""
    return [
        _container_view(name, kind, image, cs) for kind, name, image, cs in iter_containers(pod)
    ]


def _container_view(name: str, kind: str, image: str, cs: dict | None) -> ContainerView:
    if cs is None:
        return ContainerView(name=name, kind=kind, image=image, state="no status")
    state, block = _state(cs, "state")
    last_state, last_block = _state(cs, "lastState")
    return ContainerView(
        name=name,
        kind=kind,
        image=s(cs.get("image")) or image,
        state=state or "unknown",
        reason=s(block.get("reason")),
        message=s(block.get("message")),
        exit_code=i(block.get("exitCode")),
        signal=i(block.get("signal")),
        started_at=parse_time(block.get("startedAt")),
        ready=b(cs.get("ready")),
        started=b(cs.get("started")),
        restarts=_count(cs),
        last_state=last_state,
        last_reason=s(last_block.get("reason")),
        last_exit_code=i(last_block.get("exitCode")),
        last_signal=i(last_block.get("signal")),
        last_finished_at=parse_time(last_block.get("finishedAt")),
        last_message=s(last_block.get("message")),
    )


# --------------------------------------------------------------------------- conditions


def condition_views(pod: Any) -> list[ConditionView]:
    """The four standard conditions in lifecycle order (missing ones marked), then the rest."""
    by_type: dict[str, dict] = {}
    order: list[str] = []
    for cond in lst(d(d(pod).get("status")).get("conditions")):
        cond = d(cond)
        ctype = s(cond.get("type"))
        if ctype and ctype not in by_type:
            by_type[ctype] = cond
            order.append(ctype)
    views = []
    for ctype in STANDARD_CONDITIONS:
        cond = by_type.get(ctype)
        views.append(_condition_view(ctype, cond, True))
    for ctype in order:
        if ctype not in STANDARD_CONDITIONS:
            views.append(_condition_view(ctype, by_type[ctype], False))
    return views


def _condition_view(ctype: str, cond: dict | None, standard: bool) -> ConditionView:
    if cond is None:
        return ConditionView(type=ctype, status=MISSING, standard=standard)
    status = s(cond.get("status"))
    if status not in ("True", "False", "Unknown"):
        status = "Unknown"
    return ConditionView(
        type=ctype,
        status=status,
        reason=s(cond.get("reason")),
        message=s(cond.get("message")),
        last_transition=parse_time(cond.get("lastTransitionTime")),
        standard=standard,
    )


def condition(pod: Any, ctype: str) -> dict | None:
    """The pod's first condition of `ctype` (a type that is not a string matches none)."""
    status = pod.get("status") if isinstance(pod, dict) else None
    conditions = status.get("conditions") if isinstance(status, dict) else None
    if isinstance(conditions, list):
        for cond in conditions:
            if isinstance(cond, dict) and cond.get("type") == ctype:
                return cond
    return None


def condition_true(pod: Any, ctype: str) -> bool:
    cond = condition(pod, ctype)
    return cond is not None and cond.get("status") == "True"


# --------------------------------------------------------------------------- summary


def deletion_requested(pod: Any) -> float | None:
    m = meta(pod)
    deletion = parse_time(m.get("deletionTimestamp"))
    if deletion is None:
        return None
    grace = i(m.get("deletionGracePeriodSeconds"))
    return deletion - grace if grace else deletion


def _later(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def _count(cs: dict) -> int:
    """A container status's restartCount (0 when absent or not an integer)."""
    return i(cs.get("restartCount"), 0) or 0


def status_word(pod: Any) -> tuple[str, int, int, int, float | None]:
    """kubectl's STATUS, READY numerator and denominator, RESTARTS and last restart.

    A transcription of kubectl's printPod (pkg/printers/internalversion),
    including native sidecars and the Completed-but-still-running rule. It runs for
    every pod event: locals and plain loops, not helpers per field.
    """
    pod = d(pod)
    spec = d(pod.get("spec"))
    status = d(pod.get("status"))
    phase = s(status.get("phase"))
    reason = s(status.get("reason")) or phase or "Unknown"
    for cond in lst(status.get("conditions")):
        if (
            isinstance(cond, dict)
            and cond.get("type") == "PodScheduled"
            and cond.get("reason") == "SchedulingGated"
        ):
            reason = "SchedulingGated"

    init_specs = {s(d(c).get("name")): d(c) for c in lst(spec.get("initContainers"))}
    total = len(lst(spec.get("containers")))
    if init_specs:
        total += sum(1 for c in init_specs.values() if is_sidecar(c))
    ready = 0
    restarts = 0
    sidecar_restarts = 0
    last_restart: float | None = None
    sidecar_last_restart: float | None = None

    initializing = False
    init_statuses = lst(status.get("initContainerStatuses"))
    n_init = len(init_specs)
    for index, cs in enumerate(init_statuses):
        cs = d(cs)
        count = _count(cs)
        restarts += count
        last_kind, last_block = _state(cs, "lastState")
        finished = parse_time(last_block.get("finishedAt")) if last_block else None
        if last_kind == "terminated":
            last_restart = _later(last_restart, finished)
        sidecar = is_sidecar(init_specs.get(s(cs.get("name"))))
        if sidecar:
            sidecar_restarts += count
            if last_kind == "terminated":
                sidecar_last_restart = _later(sidecar_last_restart, finished)
        state, block = _state(cs, "state")
        if state == "terminated" and i(block.get("exitCode")) == 0:
            continue
        if sidecar and b(cs.get("started")):
            if b(cs.get("ready")):
                ready += 1
            continue
        block_reason = s(block.get("reason"))
        if state == "terminated":
            if block_reason:
                reason = "Init:" + block_reason
            elif i(block.get("signal")):
                reason = f"Init:Signal:{i(block.get('signal'))}"
            else:
                reason = f"Init:ExitCode:{i(block.get('exitCode'), 0)}"
        elif state == "waiting" and block_reason and block_reason != "PodInitializing":
            reason = "Init:" + block_reason
        else:
            reason = f"Init:{index}/{n_init}"
        initializing = True
        break

    if not initializing or condition_true(pod, "Initialized"):
        restarts = sidecar_restarts
        last_restart = sidecar_last_restart
        has_running = False
        for cs in reversed(lst(status.get("containerStatuses"))):
            cs = d(cs)
            restarts += _count(cs)
            last_kind, last_block = _state(cs, "lastState")
            if last_kind == "terminated":
                last_restart = _later(last_restart, parse_time(last_block.get("finishedAt")))
            state, block = _state(cs, "state")
            block_reason = s(block.get("reason")) if state else ""
            if block_reason and state in ("waiting", "terminated"):
                reason = block_reason
            elif state == "terminated":
                if i(block.get("signal")):
                    reason = f"Signal:{i(block.get('signal'))}"
                else:
                    reason = f"ExitCode:{i(block.get('exitCode'), 0)}"
            elif state == "running" and cs.get("ready") is True:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if condition_true(pod, "Ready") else "NotReady"

    # A Failed pod's own reason (Evicted, NodeAffinity, OutOfcpu, ...) says more than the
    # ContainerStatusUnknown the kubelet writes into its containers afterwards; kubectl
    # since 1.22 prints the latter (kubernetes#105467), podwatch keeps the former.
    own_reason = s(status.get("reason"))
    if phase == "Failed" and own_reason:
        reason = own_reason
    deleting = parse_time(meta(pod).get("deletionTimestamp")) is not None
    if deleting and own_reason == "NodeLost":
        reason = "Unknown"
    elif deleting and phase not in TERMINAL_PHASES:
        reason = "Terminating"
    return reason, ready, total, restarts, last_restart


_FAILING_WORDS = {
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "InvalidImageName",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
    "Error",
    "OOMKilled",
    "ContainerCannotRun",
    "Evicted",
    "NodeLost",
    "Unknown",
    "Failed",
    "DeadlineExceeded",
    "ContainerStatusUnknown",
}


def severity_of(phase: str, word: str, ready: int, total: int, pod: Any) -> Health:
    """The health the pod object alone shows: HEALTHY, FINISHED, UNHEALTHY or FAILING."""
    base = word.removeprefix("Init:")
    if base in _FAILING_WORDS or word.startswith(
        ("ExitCode:", "Signal:", "Init:ExitCode", "Init:Signal")
    ):
        return Health.FAILING
    if phase == "Failed":
        return Health.FAILING
    if phase == "Succeeded":
        return Health.FINISHED
    if word == "Completed" and phase not in TERMINAL_PHASES:
        # Running, restartPolicy Always, and the container keeps exiting 0: it will be
        # restarted again, so this pod is unhealthy, not finished.
        return Health.UNHEALTHY
    if word == "Terminating":
        return Health.UNHEALTHY
    if phase == "Running" and condition_true(pod, "Ready") and ready >= total:
        return Health.HEALTHY
    return Health.UNHEALTHY


def has_probes(pod: Any) -> bool:
    """Whether any init, sidecar or app container defines a startup, readiness or liveness
    probe (ephemeral containers may not have probes)."""
    spec = d(d(pod).get("spec"))
    for group in ("initContainers", "containers"):
        for c in lst(spec.get(group)):
            if isinstance(c, dict):
                for field in PROBE_FIELDS:
                    if isinstance(c.get(field), dict):
                        return True
    return False


def summarize(pod: Any) -> PodSummary:
    pod = d(pod)
    m = meta(pod)
    spec = d(pod.get("spec"))
    status = d(pod.get("status"))
    phase = s(status.get("phase")) or "Unknown"
    word, ready, total, restarts, last_restart = status_word(pod)
    return PodSummary(
        key=(s(m.get("namespace")), s(m.get("name"))),  # key_of, without reading it again
        uid=s(m.get("uid")),
        phase=phase,
        status=word,
        ready=ready,
        total=total,
        restarts=restarts,
        last_restart=last_restart,
        node=s(spec.get("nodeName")),
        pod_ip=s(status.get("podIP")),
        qos=s(status.get("qosClass")) or qos_class(pod),
        created=parse_time(m.get("creationTimestamp")),
        deleting=deletion_requested(pod),
        severity=severity_of(phase, word, ready, total, pod),
        has_probes=has_probes(pod),
    )


def qos_class(pod: Any) -> str:
    """The QoS class from requests and limits, for pods whose status does not say it yet.

    Guaranteed: every container has cpu and memory limits, and requests equal
    to them (a missing request defaults to the limit). BestEffort: no requests
    or limits at all. Otherwise Burstable.
    """
    spec = d(d(pod).get("spec"))
    containers = [d(c) for c in lst(spec.get("containers")) + lst(spec.get("initContainers"))]
    if not containers:
        return ""
    any_set = False
    guaranteed = True
    for c in containers:
        resources = d(c.get("resources"))
        requests = d(resources.get("requests"))
        limits = d(resources.get("limits"))
        if requests or limits:
            any_set = True
        for res in ("cpu", "memory"):
            limit = limits.get(res)
            request = requests.get(res, limit)
            if limit is None or request != limit:
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


_STANDARD_FACTS = tuple(f"condition {ctype}" for ctype in STANDARD_CONDITIONS)
_CONDITION_STATUSES = ("True", "False", "Unknown")


def pod_facts(pod: Any, summary: PodSummary | None = None) -> dict[str, str]:
    """The facts whose changes make the pod's timeline (SPEC 1.7).

    Read straight from the object rather than through the view dataclasses: this
    runs for every pod event, and is several times faster this way. It says
    exactly what `container_views`/`condition_views` would (tests pin that).
    """
    pod = d(pod)
    if summary is None:
        summary = summarize(pod)
    facts: dict[str, str] = {
        "phase": summary.phase,
        "status": summary.status,
        "node": summary.node or "-",
    }
    status = d(pod.get("status"))
    conditions: dict[str, str] = {}
    for cond in lst(status.get("conditions")):
        if not isinstance(cond, dict):
            continue
        ctype = cond.get("type")
        if not ctype or not isinstance(ctype, str):
            continue
        key = f"condition {ctype}"
        if key in conditions:
            continue  # the first of a type counts, as `condition_views` has it
        cstatus = cond.get("status")
        if cstatus not in _CONDITION_STATUSES or not isinstance(cstatus, str):
            cstatus = "Unknown"
        reason = s(cond.get("reason"))
        conditions[key] = f"{cstatus} ({reason})" if reason else cstatus
    for key in _STANDARD_FACTS:
        if key in conditions:
            facts[key] = conditions.pop(key)
    facts.update(conditions)
    for kind, name, _image, cs in iter_containers(pod):
        _container_fact(facts, kind, name, cs)
    if summary.deleting is not None:
        facts["deletion"] = "requested"
    return facts


def _container_fact(facts: dict[str, str], kind: str, name: str, cs: dict | None) -> None:
    if cs is None:
        facts[f"{kind} {name}"] = "no status"
        return
    state, block = _state(cs, "state")
    text = state or "unknown"
    reason = s(block.get("reason"))
    if reason:
        text += f" {reason}"
    if state == "terminated":
        text += _exit_suffix(i(block.get("exitCode")), i(block.get("signal")))
    elif state == "running":
        text += ", ready" if b(cs.get("ready")) else ", not ready"
    facts[f"{kind} {name}"] = text
    restarts = _count(cs)
    if restarts:
        facts[f"restarts {name}"] = str(restarts)
