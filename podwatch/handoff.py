"""`--once -o json` and `-o markdown`: the state at one moment for a script or an
incident ticket, read from the same details the panes show (`model.view.pod_detail`).

The JSON is a versioned schema: the Structs below are its definition, `schema()` its
JSON Schema (committed as docs/report.schema.json, which a test keeps equal). A field
is only ever added within a version; renaming or removing one makes a new version.
Every string in it comes from the cluster as it was: JSON escapes what needs escaping,
and the Markdown writer escapes what Markdown would read as markup.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from podwatch.model.k8s import format_rfc3339
from podwatch.model.pods import Health
from podwatch.model.store import Store
from podwatch.model.view import PodDetail, pod_detail, pod_rows

VERSION = 1
"""`version` of the JSON report; see the module docstring for when it changes."""

HealthWord = Literal["healthy", "finished", "at risk", "unhealthy", "failing"]
_HEALTH: dict[Health, HealthWord] = {
    Health.HEALTHY: "healthy",
    Health.FINISHED: "finished",
    Health.AT_RISK: "at risk",
    Health.UNHEALTHY: "unhealthy",
    Health.FAILING: "failing",
}


class Condition(msgspec.Struct, kw_only=True):
    type: str
    status: str
    """True, False, Unknown, or missing (the pod has no such condition)."""
    reason: str = ""
    message: str = ""
    since: str | None = None
    """lastTransitionTime, RFC 3339."""


class Container(msgspec.Struct, kw_only=True):
    name: str
    kind: str
    """init, sidecar, app or ephemeral."""
    image: str
    state: str
    """waiting, running, terminated, or unknown."""
    reason: str = ""
    ready: bool | None = None
    started: bool | None = None
    restarts: int = 0
    exit_code: int | None = None
    last_state: str = ""
    """The previous instance's end, in words (`terminated Error, exit 1`)."""


class Probe(msgspec.Struct, kw_only=True):
    container: str
    probe: Literal["startup", "readiness", "liveness"]
    handler: str
    failures_total: int | None
    """None when the failures cannot be known (Events not readable or not listed)."""
    failures_recent: int | None
    """In the last 5 minutes."""
    last_failure: str = ""
    last_failure_at: str | None = None


class Endpoint(msgspec.Struct, kw_only=True):
    service: str
    """namespace/name."""
    state: str
    """ready, NotReady, terminating, or "selected, not listed"."""
    ip: str = ""


class Taint(msgspec.Struct, kw_only=True):
    taint: str
    """key=value:effect."""
    tolerated: bool
    eviction_deadline: str | None = None
    """For a tolerated NoExecute taint with tolerationSeconds: when the pod is evicted."""


class Owner(msgspec.Struct, kw_only=True):
    kind: str
    """ReplicaSet, Deployment, StatefulSet, DaemonSet, Job, CronJob (or any kind that
    owns pods)."""
    name: str
    role: str = ""
    """For a ReplicaSet under a Deployment: `new, revision 2` or `old, revision 1`."""
    state: str = ""
    """Its rollout in words (`3 desired, 1 updated, 3 ready, 3 available;
    ProgressDeadlineExceeded`), or why it is unknown (`not readable (RBAC)`)."""
    settled: bool | None = None
    """Everything desired is updated, ready and available; None when unknown."""
    stuck: bool = False
    """The controller gave up, or a Job failed: this will not heal by waiting."""


class Gone(msgspec.Struct, kw_only=True):
    at: str
    evicted: bool
    evidence: str = ""


class Pod(msgspec.Struct, kw_only=True):
    namespace: str
    name: str
    status: str
    """kubectl's STATUS word."""
    phase: str
    health: HealthWord
    """The row's mark: ✓ healthy, finished, ⚠ at risk, ✗ unhealthy or failing."""
    ready: int
    total: int
    restarts: int
    why: str
    node: str = ""
    ip: str = ""
    gone: Gone | None = None
    """Set for a pod that is gone (deleted or evicted): its last known state."""
    conditions: list[Condition] = []
    containers: list[Container] = []
    probes: list[Probe] = []
    endpoints: list[Endpoint] = []
    taints: list[Taint] = []
    owners: list[Owner] = []
    """The pod's controllers, nearest first (its ReplicaSet, then the Deployment)."""


class Report(msgspec.Struct, kw_only=True):
    version: int = VERSION
    kind: Literal["PodwatchReport"] = "PodwatchReport"
    title: str
    """What was watched or replayed, and the moment (as the table's title says)."""
    at: str
    """The moment shown, RFC 3339."""
    pods: list[Pod]
    context: str | None = None
    """The kubeconfig context, when several are reported at once (`--context a,b`,
    `--all-contexts`: one report per context, one after another); null otherwise."""


def _when(t: float | None) -> str | None:
    return None if t is None else format_rfc3339(t)


def pod_of(d: PodDetail) -> Pod:
    sm = d.summary
    known = d.probes_known
    return Pod(
        namespace=sm.namespace,
        name=sm.name,
        status=sm.status,
        phase=sm.phase,
        health=_HEALTH[Health(d.health)],
        ready=sm.ready,
        total=sm.total,
        restarts=sm.restarts,
        why=d.why,
        node=sm.node,
        ip=sm.pod_ip,
        gone=None
        if d.gone is None
        else Gone(at=format_rfc3339(d.gone.at), evicted=d.gone.evicted, evidence=d.gone.evicted_by),
        conditions=[
            Condition(
                type=c.type,
                status=c.status,
                reason=c.reason,
                message=c.message,
                since=_when(c.last_transition),
            )
            for c in d.conditions
        ],
        containers=[
            Container(
                name=c.name,
                kind=c.kind,
                image=c.image,
                state=c.state or "unknown",
                reason=c.reason,
                ready=c.ready,
                started=c.started,
                restarts=c.restarts,
                exit_code=c.exit_code,
                last_state=c.last_state_text,
            )
            for c in d.containers
        ],
        probes=[
            Probe(
                container=p.container,
                probe=p.probe,  # type: ignore[arg-type]
                handler=p.handler,
                failures_total=p.failures_total if known else None,
                failures_recent=p.failures_recent if known else None,
                last_failure=p.last_failure,
                last_failure_at=_when(p.last_failure_at),
            )
            for p in d.probes
        ],
        endpoints=[
            Endpoint(service=f"{m.service[0]}/{m.service[1]}", state=m.state, ip=m.ip)
            for m in d.memberships
        ],
        taints=[
            Taint(
                taint=t.taint.text,
                tolerated=t.tolerated,
                eviction_deadline=_when(t.deadline) if t.tolerated else None,
            )
            for t in d.taints
        ],
        owners=[
            Owner(
                kind=o.kind,
                name=o.name,
                role=o.role,
                state=o.rollout.text if o.rollout is not None else o.unknown_why,
                settled=o.rollout.settled if o.rollout is not None else None,
                stuck=o.rollout.stuck if o.rollout is not None else False,
            )
            for o in d.owners
        ],
    )


def report(
    store: Store, title: str, pods: list | None = None, context: str | None = None
) -> Report:
    """Every pod shown by `--once` (live first, then the gone ones), or the rows `pods`."""
    keys = [r.summary.key for r in pod_rows(store)] if pods is None else pods
    details = [d for d in (pod_detail(store, k) for k in keys) if d is not None]
    return Report(
        title=title,
        at=format_rfc3339(store.now),
        pods=[pod_of(d) for d in details],
        context=context,
    )


def to_json(rep: Report) -> bytes:
    return msgspec.json.format(msgspec.json.encode(rep), indent=2) + b"\n"


def schema() -> dict:
    """The JSON Schema of the report (docs/report.schema.json)."""
    return msgspec.json.schema(Report)


# --------------------------------------------------------------------------- markdown

_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_[]<>#|~"})
"""What Markdown (GitHub's, Slack's, Jira's) reads as markup: escaped, so that a pod name
or an Event message is shown as it is and never becomes a link, an image or a table cell."""


def md(text: object) -> str:
    """Cluster text as Markdown shows it literally: markup escaped, lines joined, control
    characters shown escaped (SPEC 4)."""
    from podwatch.safe import clean

    return clean(str(text), limit=500).replace("\n", " ").translate(_MARKDOWN_SPECIAL)


def to_markdown(rep: Report) -> str:
    """The report for an incident ticket: one table of pods, then each pod that needs a
    look (not healthy, or gone), with its why, conditions, containers and Services."""
    out = [f"### {md(rep.title)}", "", f"At {rep.at}.", ""]
    out += ["| pod | status | ready | restarts | health | node |", "|---|---|---|---|---|---|"]
    for p in rep.pods:
        status = p.status + (" (gone)" if p.gone else "")
        out.append(
            f"| {md(p.namespace)}/{md(p.name)} | {md(status)} | {p.ready}/{p.total} | "
            f"{p.restarts} | {p.health} | {md(p.node or '-')} |"
        )
    for p in rep.pods:
        if p.health in ("healthy", "finished") and p.gone is None:
            continue
        out += [
            "",
            f"#### {md(p.namespace)}/{md(p.name)}: {md(p.status)}",
            "",
            f"**Why:** {md(p.why)}",
        ]
        if p.gone is not None:
            how = "evicted" if p.gone.evicted else "deleted"
            out.append(
                f"\n**Gone:** {how} at {p.gone.at}"
                + (f": {md(p.gone.evidence)}" if p.gone.evidence else "")
            )
        if p.conditions:
            out.append(
                "\n**Conditions:** "
                + ", ".join(
                    f"{md(c.type)} {md(c.status)}" + (f" ({md(c.reason)})" if c.reason else "")
                    for c in p.conditions
                )
            )
        if p.owners:
            out.append(
                "\n**Owner:** "
                + " → ".join(
                    f"{md(o.kind)} {md(o.name)}" + (f" ({md(o.role)})" if o.role else "")
                    for o in reversed(p.owners)
                )
            )
            for o in p.owners:
                if o.settled is False:
                    out.append(f"- {md(o.kind)} {md(o.name)}: {md(o.state)}")
        if p.containers or p.endpoints:
            out.append("")
        for c in p.containers:
            line = f"- container {md(c.name)} ({c.kind}): {md(c.state)}"
            line += f" {md(c.reason)}" if c.reason else ""
            line += f", {c.restarts} restarts" if c.restarts else ""
            line += f"; last: {md(c.last_state)}" if c.last_state else ""
            out.append(line)
        for e in p.endpoints:
            out.append(f"- Service {md(e.service)}: {md(e.state)}")
    return "\n".join(out) + "\n"
