"""Which rollout made this pod, and how that rollout is going (issue 15, item 2).

A pod's controller is named by its ownerReference with `controller: true`: a
ReplicaSet (itself owned by a Deployment), a StatefulSet, a DaemonSet, a Job (owned
by a CronJob), or something podwatch does not watch. Each workload's state is read
as `kubectl rollout status` and `kubectl get` read it: desired / updated / ready /
available, the Progressing condition (`ProgressDeadlineExceeded`), whether the
controller has seen the latest spec (observedGeneration), and for a ReplicaSet
whether it is the Deployment's new one or an old one (its revision annotation).

The workload kinds are optional grants: without one, the chain says the link is
unknown rather than missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from podwatch.model.k8s import Key, d, format_age, format_clock, i, lst, meta, parse_time, s
from podwatch.model.watch import WORKLOAD_KINDS

if TYPE_CHECKING:
    from podwatch.model.store import Store

SHORT_KINDS = {
    "Deployment": "deploy",
    "ReplicaSet": "rs",
    "StatefulSet": "sts",
    "DaemonSet": "ds",
    "Job": "job",
    "CronJob": "cj",
}
"""kubectl's short names, as the `:deploy` view and filter line say them (one per
WORKLOAD_KINDS, model/watch.py)."""
REVISION = "deployment.kubernetes.io/revision"
"""The annotation the Deployment controller numbers its ReplicaSets with."""


def controller_ref(obj: Any) -> tuple[str, str] | None:
    """(kind, name) of the object's controller (ownerReference `controller: true`)."""
    for ref in lst(meta(obj).get("ownerReferences")):
        ref = d(ref)
        if ref.get("controller") is True:
            kind, name = s(ref.get("kind")), s(ref.get("name"))
            return (kind, name) if kind and name else None
    return None


def _condition(obj: Any, kind: str) -> dict:
    for c in lst(d(d(obj).get("status")).get("conditions")):
        if s(d(c).get("type")) == kind:
            return d(c)
    return {}


@dataclass(slots=True)
class Rollout:
    """A workload's state as one line says it."""

    kind: str
    key: Key
    desired: int | None
    """Replicas wanted (pods to schedule, for a DaemonSet; completions, for a Job)."""
    updated: int | None
    ready: int | None
    available: int | None
    words: list[str] = field(default_factory=list)
    """What is wrong or going on: "ProgressDeadlineExceeded", "rolling out", "paused"..."""
    stuck: bool = False
    """The controller gave up, or a Job failed: this will not heal by waiting."""
    settled: bool = True
    """Everything desired is updated, ready and available (nothing to wait for)."""

    @property
    def counts_text(self) -> str:
        parts = []
        for label, value in (
            ("desired", self.desired),
            ("updated", self.updated),
            ("ready", self.ready),
            ("available", self.available),
        ):
            if value is not None:
                parts.append(f"{value} {label}")
        return ", ".join(parts)

    @property
    def text(self) -> str:
        return "; ".join(p for p in (self.counts_text, *self.words) if p)


def _generation_lag(obj: Any) -> bool:
    generation = i(meta(obj).get("generation"))
    observed = i(d(d(obj).get("status")).get("observedGeneration"))
    return generation is not None and observed is not None and observed < generation


def rollout(kind: str, obj: Any, now: float | None = None) -> Rollout:
    """The state of one workload object (any of WORKLOAD_KINDS); `now` (the store's
    clock) tells how long ago a CronJob last ran, as kubectl's LAST SCHEDULE does."""
    m, spec, status = meta(obj), d(d(obj).get("spec")), d(d(obj).get("status"))
    key = (s(m.get("namespace")), s(m.get("name")))
    lag = _generation_lag(obj)
    if kind in ("Deployment", "ReplicaSet", "StatefulSet"):
        desired = i(spec.get("replicas"), 1)
        updated = (
            i(status.get("updatedReplicas"), 0)
            if kind != "ReplicaSet"
            else i(status.get("fullyLabeledReplicas"), 0)
        )
        ready = i(status.get("readyReplicas"), 0)
        available = i(status.get("availableReplicas"), 0)
        if kind == "ReplicaSet":
            updated = None
        out = Rollout(kind, key, desired, updated, ready, available)
        if kind == "Deployment":
            _deployment_words(obj, out)
        elif kind == "StatefulSet":
            current, update = s(status.get("currentRevision")), s(status.get("updateRevision"))
            if current and update and current != update:
                out.words.append(f"rolling out {update} (from {current})")
    elif kind == "DaemonSet":
        out = Rollout(
            kind,
            key,
            i(status.get("desiredNumberScheduled"), 0),
            i(status.get("updatedNumberScheduled"), 0),
            i(status.get("numberReady"), 0),
            i(status.get("numberAvailable"), 0),
        )
        misscheduled = i(status.get("numberMisscheduled"), 0) or 0
        if misscheduled:
            out.words.append(f"{misscheduled} on nodes they should not run on")
    elif kind == "Job":
        return _job(obj, key)
    else:  # CronJob
        return _cronjob(obj, key, now)
    if lag:
        out.words.append("spec not yet observed by its controller")
    out.settled = (
        not lag
        and not out.stuck
        and all(v is None or v == out.desired for v in (out.updated, out.ready, out.available))
    )
    if not out.settled and not out.words and not out.stuck:
        out.words.append("rolling out" if kind != "ReplicaSet" else "scaling")
    return out


def _deployment_words(obj: Any, out: Rollout) -> None:
    spec = d(d(obj).get("spec"))
    progressing = _condition(obj, "Progressing")
    if s(progressing.get("reason")) == "ProgressDeadlineExceeded":
        out.stuck = True
        out.words.append("ProgressDeadlineExceeded")
    available = _condition(obj, "Available")
    if s(available.get("status")) == "False":
        out.words.append("Available False" + _reason(available))
    failure = _condition(obj, "ReplicaFailure")
    if s(failure.get("status")) == "True":
        out.stuck = True
        out.words.append("ReplicaFailure" + _reason(failure))
    if spec.get("paused") is True:
        out.words.append("paused")


def _reason(cond: dict) -> str:
    reason = s(cond.get("reason"))
    return f" ({reason})" if reason else ""


def _job(obj: Any, key: Key) -> Rollout:
    spec, status = d(d(obj).get("spec")), d(d(obj).get("status"))
    completions = i(spec.get("completions"))
    succeeded = i(status.get("succeeded"), 0) or 0
    failed = i(status.get("failed"), 0) or 0
    active = i(status.get("active"), 0) or 0
    out = Rollout("Job", key, completions, None, None, None)
    out.words.append(f"{active} active, {succeeded} succeeded, {failed} failed")
    done = _condition(obj, "Complete")
    failure = _condition(obj, "Failed")
    if s(failure.get("status")) == "True":
        out.stuck = True
        out.words.append("Failed" + _reason(failure))
    elif s(done.get("status")) == "True":
        out.words.append("Complete")
    if spec.get("suspend") is True:
        out.words.append("suspended")
    out.settled = s(done.get("status")) == "True"
    return out


def _cronjob(obj: Any, key: Key, now: float | None) -> Rollout:
    spec, status = d(d(obj).get("spec")), d(d(obj).get("status"))
    out = Rollout("CronJob", key, None, None, None, None)
    out.words.append(f"schedule {s(spec.get('schedule')) or '?'}")
    active = len(lst(status.get("active")))
    if active:
        out.words.append(f"{active} running")
    last = parse_time(status.get("lastScheduleTime"))
    if last is not None:
        ago = f" ({format_age(now - last)} ago)" if now is not None and now >= last else ""
        out.words.append(f"last run {format_clock(last, date=True)}{ago}")
    if spec.get("suspend") is True:
        out.words.append("suspended")
    return out


@dataclass(slots=True)
class OwnerLink:
    """One step of a pod's owner chain."""

    kind: str
    name: str
    rollout: Rollout | None
    """None: the object is not known (its kind is not watched, not readable, or it is
    gone)."""
    unknown_why: str = ""
    """Why `rollout` is None, said on screen."""
    role: str = ""
    """For a ReplicaSet under a Deployment: "new" or "old" (and its revision)."""

    @property
    def text(self) -> str:
        head = f"{self.kind} {self.name}" + (f" ({self.role})" if self.role else "")
        if self.rollout is None:
            return f"{head}: {self.unknown_why}" if self.unknown_why else head
        return f"{head}: {self.rollout.text}"


MAX_CHAIN = 4
"""Links followed at most (a cycle of ownerReferences must not loop)."""


def owner_chain(store: Store, pod: Key, obj: Any) -> list[OwnerLink]:
    """The pod's controllers, nearest first: [ReplicaSet, Deployment], [Job, CronJob],
    [StatefulSet]... Empty for a pod nothing controls (a bare pod, a static pod shows
    its Node as owner: that is said too)."""
    out: list[OwnerLink] = []
    ref = controller_ref(obj)
    namespace = pod[0]
    child: Any = None
    while ref is not None and len(out) < MAX_CHAIN:
        kind, name = ref
        if kind not in WORKLOAD_KINDS:
            out.append(OwnerLink(kind, name, None, "not watched by podwatch"))
            break
        held = store.workloads.get(kind, {}).get((namespace, name))
        if held is None:
            why = "not readable (RBAC)" if kind in store.unreadable_for(namespace) else "not seen"
            out.append(OwnerLink(kind, name, None, why))
            break
        link = OwnerLink(kind, name, rollout(kind, held, store.now))
        out.append(link)
        if kind == "Deployment" and child is not None:
            out[-2].role = replica_set_role(store, (namespace, name), child)
        child = held
        ref = controller_ref(held)
    return out


def replica_set_role(store: Store, deployment: Key, replica_set: Any) -> str:
    """ "new (revision 4)" when `replica_set` is the Deployment's newest, else "old
    (revision 3)"."""
    mine = s(meta(replica_set).get("name"))
    revisions = {
        s(meta(rs).get("name")): revision(rs) for rs in owned(store, "ReplicaSet", deployment)
    }
    if not revisions or mine not in revisions:
        return ""
    newest = max(revisions.values())
    mine_rev = revisions[mine]
    return f"{'new' if mine_rev == newest else 'old'}, revision {mine_rev}"


def revision(replica_set: Any) -> int:
    """The ReplicaSet's revision (the annotation is a string of digits); 0 if none."""
    text = s(d(meta(replica_set).get("annotations")).get(REVISION))
    return int(text) if text.isdigit() and len(text) < 19 else 0


def owned(store: Store, kind: str, owner: Key) -> list[dict]:
    """Objects of `kind` in the owner's namespace whose controller is `owner` (any kind)."""
    return [
        obj
        for key, obj in store.workloads.get(kind, {}).items()
        if key[0] == owner[0] and (ref := controller_ref(obj)) is not None and ref[1] == owner[1]
    ]


@dataclass(slots=True)
class WorkloadRow:
    """One line of `:deploy`: a workload nothing else controls, with the ones it does
    (a Deployment's ReplicaSets, newest first; a CronJob's Jobs)."""

    kind: str
    key: Key
    rollout: Rollout
    children: list[tuple[str, str, Rollout]] = field(default_factory=list)
    """(kind, name and role, state) of what it controls, as shown under it."""

    @property
    def row_key(self) -> tuple[str, str, str]:
        return (self.kind, self.key[0], self.key[1])


CHILDREN_SHOWN = 5
"""ReplicaSets or Jobs listed under their owner (the newest)."""


def workload_rows(store: Store) -> list[WorkloadRow]:
    """Every workload in scope that is not controlled by another one podwatch watches,
    in WORKLOAD_KINDS order, then by namespace and name."""
    rows = []
    for kind in WORKLOAD_KINDS:
        for key, obj in sorted(store.workloads.get(kind, {}).items()):
            ref = controller_ref(obj)
            if ref is not None and ref[0] in WORKLOAD_KINDS:
                continue  # shown under its owner
            row = WorkloadRow(kind, key, rollout(kind, obj, store.now))
            if kind == "Deployment":
                sets = sorted(owned(store, "ReplicaSet", key), key=revision, reverse=True)
                for n, rs in enumerate(sets[:CHILDREN_SHOWN]):
                    name = s(meta(rs).get("name"))
                    label = f"{name} ({'new' if n == 0 else 'old'}, revision {revision(rs)})"
                    row.children.append(("ReplicaSet", label, rollout("ReplicaSet", rs)))
            elif kind == "CronJob":
                jobs = sorted(
                    owned(store, "Job", key),
                    key=lambda j: s(meta(j).get("creationTimestamp")),
                    reverse=True,
                )
                for job in jobs[:CHILDREN_SHOWN]:
                    row.children.append(("Job", s(meta(job).get("name")), rollout("Job", job)))
            rows.append(row)
    return rows


def workload_selector(store: Store, kind: str, key: Key) -> Any:
    """The workload's spec.selector (a LabelSelector object), None if it has none."""
    obj = store.workloads.get(kind, {}).get(key)
    return d(d(obj).get("spec")).get("selector") if obj is not None else None
