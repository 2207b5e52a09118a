"""Rich renderables of what podwatch derives: the tables `--once` prints and the
dashboard's panes show, built in one place.

Every cluster string goes through `safe.plain`, so nothing from the cluster
is read as markup or reaches the terminal as a control sequence.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group, RenderableType
from rich.text import Text

from podwatch.columns import (
    PodColumn,
    all_columns,
    cells_of,
    header_line,
    plan,
    row_line,
    row_plain,
)
from podwatch.cut import cut_keeping_suffix
from podwatch.layout import Column, Fields, Grid
from podwatch.model.events import KEvent
from podwatch.model.k8s import Key, format_age, format_clock, format_duration, format_rfc3339
from podwatch.model.nodes import TaintMatch
from podwatch.model.owners import SHORT_KINDS, OwnerLink, Rollout, workload_rows
from podwatch.model.pods import Health
from podwatch.model.probes import RECENT_WINDOW
from podwatch.model.service_checks import Finding, ServiceCheck, Severity, check_service
from podwatch.model.store import Store
from podwatch.model.timeline import row_text, spans_days, timeline_rows, when_text
from podwatch.model.view import PodDetail, PodRow, node_rows, pod_rows, service_views
from podwatch.safe import clean, plain

SEVERITY_STYLE = {
    Health.HEALTHY: "green",
    Health.FINISHED: "dim",
    Health.AT_RISK: "yellow",
    Health.UNHEALTHY: "red",
    Health.FAILING: "bold red",
}
SEVERITY_MARK = {
    Health.HEALTHY: "✓",
    Health.FINISHED: "·",
    Health.AT_RISK: "⚠",
    Health.UNHEALTHY: "✗",
    Health.FAILING: "✗",
}
"""A symbol beside every colour, so that no meaning rests on colour alone (unhealthy and
failing share ✗; bold tells them apart without colour, and the status word says which)."""
GONE_MARK = "†"
"""A pod that is gone (deleted or evicted): its row is dimmed, and says which and when."""
GONE_STYLE = "dim"
STATUS_STYLE = {"True": "green", "False": "bold red", "Unknown": "yellow", "missing": "italic"}
MEMBERSHIP_STYLE = {"ready": "green", "NotReady": "bold red"}


def pod_cell_values(row: PodRow, now: float) -> dict[str, tuple[str, str]]:
    """Every cell of a pod's row as (text, style), keyed like `columns.all_columns`
    (RESTARTS with the last restart's age, RST without); cluster text made safe."""
    sm = row.summary
    style = SEVERITY_STYLE[row.health]
    # Known only from Events: a BackOff says it restarted, never how often (SPEC 6).
    restarts = "?" if sm.events_only else str(sm.restarts)
    with_age = restarts
    if sm.last_restart is not None and sm.restarts:
        with_age += f" ({format_age(now - sm.last_restart)} ago)"
    cells = {
        "mark": (SEVERITY_MARK[row.health], style),
        "ctx": (clean(row.context, limit=253), ""),
        "ns": (clean(sm.namespace, limit=253), ""),
        # Cut (keeping the suffix) before escaping: a malformed over-long name keeps
        # the part that tells it apart.
        "name": (clean(cut_keeping_suffix(sm.name, 253), limit=None), ""),
        "status": (clean(sm.status, limit=60), style),
        "phase": (clean(sm.phase, limit=30), ""),
        "ready": (sm.ready_text, ""),
        "restarts": (with_age, ""),
        "restart_count": (restarts, ""),
        "probes": (row.probe_text, ""),
        "node": (clean(sm.node or "-", limit=253), ""),
        "age": (format_age(now - sm.created) if sm.created is not None else "-", ""),
        "qos": (clean(sm.qos or "-", limit=30), ""),
    }
    if row.gone is not None:
        # Gone: dimmed whole, marked, and the STATUS says how and when (the word and the
        # mark carry it where dim is not drawn: NO_COLOR).
        cells["mark"] = (GONE_MARK, "")
        cells["status"] = (row.gone.text(now), "")
        cells = {key: (text, GONE_STYLE) for key, (text, _style) in cells.items()}
    return cells


def pod_cells(row: PodRow, now: float) -> dict[str, Text]:
    """`pod_cell_values` as styled Text, for the dashboard and a terminal."""
    return {
        key: Text(text, style=style) for key, (text, style) in pod_cell_values(row, now).items()
    }


def pods_count(pods: int, gone: int) -> str:
    """`13`, or `13, 3 gone`: the pods that are gone counted apart, never as unhealthy."""
    return f"{pods}, {gone} gone" if gone else str(pods)


def pods_table(store: Store, *, all_namespaces: bool = False, width: int = 120) -> Text:
    """The pod list, as `--once` prints it: the dashboard's columns and the same rules
    for what gives way at this width (`podwatch.columns`), one line per pod."""
    title, layout, rows = _pod_list(store, all_namespaces, width)
    header = header_line(layout, width)
    header.stylize("bold")
    lines = [Text(title, style="bold"), header]
    lines += [
        row_line({k: Text(t, style=s) for k, (t, s) in cells.items()}, layout, width)
        for cells in rows
    ]
    return Text("\n").join(lines)


def pods_table_plain(store: Store, *, all_namespaces: bool = False, width: int = 120) -> str:
    """`pods_table` without styles, built as strings: the same lines, for a pipe or a
    file, where thousands of pods would otherwise cost more in Rich than anything else."""
    title, layout, rows = _pod_list(store, all_namespaces, width)
    header = {col.key: col.header for col, _w in layout}
    lines = [title, row_plain(header, layout, width)]
    lines += [row_plain({k: t for k, (t, _s) in cells.items()}, layout, width) for cells in rows]
    return "\n".join(lines)


def _pod_list(
    store: Store, all_namespaces: bool, width: int
) -> tuple[str, list[tuple[PodColumn, int]], list[dict[str, tuple[str, str]]]]:
    """The pod list's title, columns at `width`, and each row's cells."""
    now = store.now
    prows = pod_rows(store)
    rows = [pod_cell_values(row, now) for row in prows]
    keys = {c.key for c in all_columns(all_namespaces=all_namespaces)} | {"restart_count"}
    natural = {k: max((cells_of(r[k][0]) for r in rows), default=0) for k in keys}
    layout = plan(natural, width, all_namespaces=all_namespaces)
    ghosts = sum(1 for row in prows if row.summary.events_only)
    more = f", {ghosts} more known only from Events" if ghosts else ""
    count = pods_count(len(store.pods), len(store.tombstones))
    return f"Pods ({count}{more})", layout, rows


WHY_LIMIT = 240
"""Characters of the why line in the summary: a 4 KB crash message must not push the
problem facts and the panes off an 80x24 screen (the panes carry the whole text)."""


def summary_text(detail: PodDetail) -> Group:
    """Who and where, the one-line answer, then the facts behind it (False conditions,
    failing probes, NotReady endpoints, untolerated taints), so that on a small terminal
    the problem is on screen before any pane is scrolled."""
    sm = detail.summary
    head = Text()
    gone = detail.gone
    if gone is not None:
        # Gone: how and when first, then what it last was.
        head.append(f"{GONE_MARK} ", style=GONE_STYLE)
        head.append_text(plain(f"{sm.namespace}/{sm.name}", "bold"))
        head.append(f"  {gone.text(detail.now)}", style="bold")
        head.append_text(plain(f"  last: {sm.status}", GONE_STYLE))
        if sm.phase != sm.status:
            head.append_text(plain(f" ({sm.phase})", GONE_STYLE))
        head.append(f"  {sm.ready_text} ready", style=GONE_STYLE)
    else:
        head.append(f"{SEVERITY_MARK[detail.health]} ", style=SEVERITY_STYLE[detail.health])
        head.append_text(plain(f"{sm.namespace}/{sm.name}", "bold"))
        head.append("  ")
        head.append_text(plain(sm.status, SEVERITY_STYLE[detail.health]))
        if sm.phase != sm.status and not sm.events_only:
            head.append_text(plain(f" ({sm.phase})"))
        head.append(f"  {sm.ready_text} ready")
    facts = [
        _fact("node", sm.node or "-"),
        _fact("IP", sm.pod_ip or "-"),
        _fact("QoS", sm.qos or "-"),
    ]
    if sm.restarts:
        facts.append(_fact("restarts", str(sm.restarts)))
    if detail.owners:
        facts.append(_fact("owner", owner_text(detail.owners)))
    if detail.logs_recorded:
        facts.append(_fact("logs", f"{detail.logs_recorded} recorded"))
    why = Text("why: ", style="bold")
    why.append_text(plain(detail.why, limit=WHY_LIMIT))
    return Group(head, Fields(facts), why, Fields(problem_items(detail), indent=0))


def owner_text(chain: list[OwnerLink]) -> str:
    """`Deployment web → ReplicaSet web-7d9f (new, revision 4)`: outermost first, as an
    operator names a rollout; a link podwatch may not read says so."""
    parts = []
    for link in reversed(chain):
        part = f"{link.kind} {link.name}"
        if link.role:
            part += f" ({link.role})"
        elif link.rollout is None and link.unknown_why.startswith("not readable"):
            part += " (not readable)"
        parts.append(part)
    return " → ".join(parts)


def rollout_items(chain: list[OwnerLink]) -> list[tuple[str, bool]]:
    """What the pod's owners say that is not settled: a rollout stuck (True) or going
    on, and the pod being from the old ReplicaSet of one."""
    out = []
    for link in chain:
        state = link.rollout
        if state is None or state.kind == "ReplicaSet" or state.settled:
            continue
        if state.kind == "CronJob":
            continue  # its schedule is not a problem; its Job says how this run goes
        out.append((f"{state.kind} {link.name}: {state.text}", state.stuck))
    if chain and chain[0].role.startswith("old") and len(chain) > 1:
        rollout = chain[1].rollout
        if rollout is not None and not rollout.settled:
            out.append((f"from the old ReplicaSet {chain[0].name}: being replaced", False))
    return out


def _fact(label: str, value: str) -> Text:
    return Text(f"{label} ", style="dim").append_text(plain(value))


def problem_items(detail: PodDetail) -> list[Text]:
    """Each fact that keeps the pod from serving, marked ✗ (or ⚠ for a countdown): the
    problem rows of the panes, for the summary."""
    bad = "bold red"
    items: list[Text] = []

    def add(text: str, mark: str = "✗", style: str = bad) -> None:
        items.append(Text(f"{mark} ", style=style).append_text(plain(text)))

    finished = detail.summary.phase in ("Succeeded", "Failed")
    if not finished:
        for c in detail.conditions:
            if c.status in ("False", "Unknown"):
                add(f"{c.type} {c.status}" + (f" ({c.reason})" if c.reason else ""))
    waiting_ok = ("", "ContainerCreating", "PodInitializing")
    unready = set()
    for c in detail.containers:
        if c.ready is False:
            unready.add(c.name)
        crashed = c.state == "terminated" and c.exit_code not in (0, None) and not finished
        if (c.state == "waiting" and c.reason not in waiting_ok) or crashed:
            add(f"{c.name} {c.state_text}")
    for p in detail.probes:
        if p.failures_recent:
            failing = p.probe == "readiness" and p.container in unready
            mark, style = ("✗", bad) if failing else ("⚠", "bold yellow")
            window = int(RECENT_WINDOW // 60)
            text = f"{p.probe} probe {p.container}: {p.failures_recent} failures in {window} min"
            add(text, mark, style)
    for m in detail.memberships:
        if m.state != "ready" and detail.gone is None:  # gone: in no Service now
            add(f"{m.state} in {m.service[1]}")
    for svc, finding in detail.port_findings:
        add(f"{svc[1]} {finding.text}")
    for text, stuck in rollout_items(detail.owners):
        add(text, *(("✗", bad) if stuck else ("⚠", "bold yellow")))
    now = detail.now
    for t in detail.taints:
        # Only a NoExecute taint acts on a pod already on the node.
        if t.affects_pod and not t.tolerated:
            add(f"taint {t.taint.text} not tolerated")
    ev = detail.eviction
    if ev is not None and ev.expired(now) and ev.deadline is not None:
        taints = ", ".join(ev.taints)
        add(f"toleration of taint {taints} expired {format_age(now - ev.deadline)} ago")
    elif ev is not None and ev.deadline is not None and not ev.immediate:
        add(f"evicted {format_duration(ev.deadline - now)}", "⚠", "bold yellow")
    if detail.scheduling is not None:
        for u in detail.scheduling.untolerated:
            add(f"untolerated {u}")
    return items


def _ago(detail: PodDetail, t: float | None) -> str:
    return format_age(detail.now - t) if t is not None else "-"


def _since(detail: PodDetail, t: float | None) -> str:
    return f"{format_age(detail.now - t)} ago" if t is not None else "-"


def conditions_table(detail: PodDetail) -> Grid:
    """The four conditions in lifecycle order, then any others; a message under its row."""
    conds = Grid(Column("TYPE", ""), Column("STATUS", ""), "REASON", "SINCE", empty="(unknown)")
    for c in detail.conditions:
        conds.add_row(
            plain(c.type),
            plain(c.status, STATUS_STYLE.get(c.status, "")),
            plain(c.reason or "-"),
            Text(_since(detail, c.last_transition)),
            notes=[plain(c.message)] if c.message else (),
        )
    return conds


def containers_table(detail: PodDetail) -> Grid:
    """Init, sidecar, app and ephemeral containers: state and counts in columns; the
    previous instance, the image and any message under each (as `kubectl describe`
    does), so that a long image name never squeezes the state."""
    ctab = Grid(
        Column("KIND", ""),
        Column("NAME", ""),
        Column("STATE", ""),
        "READY",
        "STARTED",
        "RESTARTS",
        empty="(unknown)" if detail.summary.events_only else "(no containers in the spec)",
    )
    for c in detail.containers:
        notes = []
        if c.message:
            notes.append(plain(f"{c.state}: {c.message}"))
        if c.last_state_text:
            last = f"last: {c.last_state_text}"
            if c.last_finished_at is not None:
                last += f", finished {_ago(detail, c.last_finished_at)} ago"
            notes.append(plain(last))
        if c.last_message:
            notes.append(plain(f"last message: {c.last_message}"))
        notes.append(Text("image ", style="dim").append_text(plain(c.image or "-")))
        ctab.add_row(
            plain(c.kind),
            plain(c.name, "bold"),
            plain(c.state_text),
            Text(_tri(c.ready)),
            Text(_tri(c.started)),
            Text(str(c.restarts)),
            notes=notes,
        )
    return ctab


def probes_table(detail: PodDetail) -> Grid:
    """Each probe with its handler and failure counts; under it, its timing (API defaults
    filled in), the last failure and what failing does."""
    ptab = Grid(
        Column("CONTAINER", ""),
        Column("PROBE", ""),
        Column("HANDLER", ""),
        "FAILS",
        "RECENT",
        empty="(no probes)",
    )
    for p in detail.probes:
        notes = []
        if p.period:
            notes.append(Text("timing ", style="dim").append(p.timing_text))
        if p.last_failure:
            notes.append(
                plain(f"last failure {_ago(detail, p.last_failure_at)} ago: {p.last_failure}")
            )
        elif not detail.probes_known:
            notes.append(Text("last failure: ? (no Events seen)"))
        if p.note:
            notes.append(plain(p.note, "italic"))
        # Without Events podwatch cannot have seen a failure: unknown, never 0 (SPEC 6).
        fails = str(p.failures_total) if detail.probes_known else "?"
        recent = str(p.failures_recent) if detail.probes_known else "?"
        ptab.add_row(
            plain(p.container),
            plain(p.probe),
            plain(p.handler),
            Text(fails),
            Text(recent),
            notes=notes,
        )
    return ptab


def endpoints_table(detail: PodDetail) -> Grid:
    """Every Service that lists the pod, ready or NotReady there, or selects it."""
    etab = Grid(
        Column("SERVICE", ""),
        Column("STATE", ""),
        "IP",
        "PORTS",
        "FROM",
        empty="(no Service lists or selects this pod)",
    )
    findings: dict[Key, list[Text]] = {}
    for svc, finding in detail.port_findings:
        findings.setdefault(svc, []).append(_finding(finding))
    for m in detail.memberships:
        etab.add_row(
            plain(m.service[1], "bold"),
            plain(m.state, MEMBERSHIP_STYLE.get(m.state, "yellow")),
            plain(m.ip or "-"),
            plain(", ".join(m.ports) or "-"),
            plain(m.source),
            notes=findings.pop(m.service, []),
        )
    return etab


def node_table(detail: PodDetail) -> Grid:
    """The node, its taints against the pod's tolerations, eviction, scheduling, and the
    pod's own placement rules."""
    now = detail.now
    ntab = Grid(Column("WHAT", ""), Column("DETAIL", ""))
    if detail.node is not None:
        nv = detail.node
        ntab.add_row(plain(f"node {nv.name}"), plain(nv.status_text))
        for c in nv.conditions:
            if c.type == "Ready" or c.status not in ("False", "missing"):
                ntab.add_row(plain(f"  {c.type}"), plain(f"{c.status} {c.reason}".strip()))
    for m in detail.taints:
        ntab.add_row(plain(f"taint {m.taint.text}"), _taint_match_text(m, now))
    if detail.eviction is not None:
        ev = detail.eviction
        if ev.immediate:
            text = "evicted at once (untolerated NoExecute: " + ", ".join(ev.taints) + ")"
        elif ev.deadline is None:
            text = "tolerated forever: " + ", ".join(ev.taints)
        elif ev.expired(now):
            text = (
                f"toleration expired {format_age(now - ev.deadline)} ago, eviction due "
                f"({format_rfc3339(ev.deadline)})"
            )
        else:
            text = f"eviction {format_duration(ev.deadline - now)} ({format_rfc3339(ev.deadline)})"
        ntab.add_row(Text("NoExecute"), plain(text, "bold"))
    if detail.scheduling is not None:
        sc = detail.scheduling
        ntab.add_row(plain("not scheduled"), plain(f"{sc.reason}: {sc.message} [{sc.source}]"))
        # Untolerated taints of watched nodes are in their node's row below: once each.
        for u in sc.by_scheduler:
            ntab.add_row(Text("  named by scheduler"), plain(f"untolerated taint {u}"))
        for fit in sc.fits:
            ntab.add_row(
                plain(f"  node {fit.node}"), plain("fits" if fit.fits else "; ".join(fit.reasons))
            )
    for label, text in detail.placement:
        ntab.add_row(plain(label), plain(text))
    return ntab


def _taint_match_text(m: TaintMatch, now: float) -> Text:
    """A taint against the pod's tolerations: tolerated (by which), expired, not tolerated,
    or not tolerated but harmless to a pod already on the node."""
    since = f", since {format_age(now - m.since)}" if m.since is not None else ""
    if m.tolerated and m.expired(now) and m.deadline is not None:
        ago = format_age(now - m.deadline)
        return plain(f"toleration {m.toleration} expired {ago} ago{since}", "bold")
    if m.tolerated:
        return plain(f"tolerated by {m.toleration}{since}")
    if not m.affects_pod:
        return plain(f"does not affect a running pod (untolerated {m.taint.effect}){since}")
    return plain(f"NOT tolerated{since}", "bold")


def timeline_table(detail: PodDetail, limit: int = 40) -> Grid:
    """podwatch's record of changes merged with the pod's Events, newest first (the pane
    opens on the latest change), each with its wall-clock time beside its age."""
    ttab = Grid(Column("WHEN", ""), Column("WHAT", ""))
    rows = timeline_rows(detail.timeline, detail.events)[:limit]
    dated = spans_days(rows)
    for row in rows:
        ttab.add_row(
            Text(when_text(row, detail.now, dated=dated)), plain(row_text(row, dated=dated))
        )
    return ttab


def _noting_gaps(key: str, build: Callable[[PodDetail], Grid]) -> Callable[[PodDetail], Grid]:
    """The pane's grid with, under it, what it cannot know (a kind not readable)."""

    def built(detail: PodDetail) -> Grid:
        grid = build(detail)
        gap = detail.gaps.get(key)
        if gap:
            grid.caption = Text(f"! {gap}", style="yellow")
        return grid

    return built


PANES = tuple(
    (key, title, _noting_gaps(key, build))
    for key, title, build in (
        ("conditions", "Conditions", conditions_table),
        ("containers", "Containers", containers_table),
        ("probes", "Probes", probes_table),
        ("endpoints", "Endpoints", endpoints_table),
        ("node", "Node & taints", node_table),
        ("timeline", "Timeline", timeline_table),
    )
)
"""The detail panes after the summary, in the order SPEC 1 gives them."""


def pod_section(detail: PodDetail) -> Group:
    """A pod's whole story, as --once prints it: the summary, then each pane under its
    title."""
    parts: list[RenderableType] = [Text(""), summary_text(detail)]
    for _key, title, build in PANES:
        parts += [Text(""), Text(title, style="bold"), build(detail)]
    return Group(*parts)


def _tri(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


def services_table(store: Store) -> Grid:
    """Every Service: how many addresses are ready and NotReady; under it its selector,
    what is wrong with it (`model/service_checks`), then each address
    (`✗ NotReady 10.0.0.2 → web-2 @ node-1`), so that no IP or pod name is squeezed
    into a column."""
    grid = Grid(
        Column("SERVICE", ""),
        Column("READY", "ready"),
        Column("NOT READY", "NotReady"),
        "PORTS",
        "FROM",
        empty="(no Services in scope)",
    )
    for sv in service_views(store):
        check = check_service(store, sv)
        notes = [_selector_note(check)]
        notes += [_finding(f) for f in check.findings]
        notes += [_address("✓ ready", a, "green") for a in sv.ready]
        notes += [_address("✗ NotReady", a, "bold red") for a in sv.not_ready]
        grid.add_row(
            plain(f"{sv.key[0]}/{sv.key[1]}", "bold"),
            Text(str(len(sv.ready)), style="green" if sv.ready else ""),
            Text(str(len(sv.not_ready)), style="bold red" if sv.not_ready else ""),
            plain(sv.ports_text or "-"),
            plain(sv.source),
            notes=notes,
        )
    return grid


FINDING_MARKS = {
    Severity.ERROR: ("✗", "bold red"),
    Severity.WARNING: ("⚠", "bold yellow"),
    Severity.NOTE: ("·", "dim"),
}


def _finding(finding: Finding) -> Text:
    mark, style = FINDING_MARKS[finding.severity]
    text = Text(mark + " ", style=style)
    text.append_text(plain(finding.text))
    return text


def _selector_note(check: ServiceCheck) -> Text:
    if check.selector_text is None or not check.selected:
        return Text("")  # said by a finding (no selector, matches no pod), or unknown
    text = Text("selector ", style="dim")
    text.append_text(plain(check.selector_text))
    n = len(check.selected)
    text.append(f" ({n} pod{'' if n == 1 else 's'})", style="dim")
    return text


def workloads_table(store: Store) -> Grid:
    """Every Deployment, StatefulSet, DaemonSet, CronJob (and Job or ReplicaSet of none
    of those): desired / updated / ready / available as `kubectl get` counts them, what
    is going on, and under a Deployment its ReplicaSets (new, old), under a CronJob its
    Jobs."""
    grid = Grid(
        Column("WORKLOAD", ""),
        Column("DESIRED", ""),
        Column("UPDATED", ""),
        Column("READY", ""),
        Column("AVAILABLE", ""),
        "STATE",
        empty="(no Deployments, StatefulSets, DaemonSets or Jobs in scope)",
    )
    for row in workload_rows(store):
        state = row.rollout
        style = "bold red" if state.stuck else "" if state.settled else "bold yellow"
        notes = [
            plain(f"{kind} {name}: {child.text}", "dim" if child.settled else "")
            for kind, name, child in row.children
        ]
        grid.add_row(
            plain(f"{SHORT_KINDS[row.kind]} {row.key[0]}/{row.key[1]}", "bold"),
            *(plain("-" if v is None else str(v)) for v in _counts(state)),
            plain("; ".join(state.words) or ("settled" if state.settled else "-"), style),
            notes=notes,
        )
    return grid


def _counts(state: Rollout) -> tuple[int | None, ...]:
    return (state.desired, state.updated, state.ready, state.available)


def _address(state: str, a, style: str) -> Text:
    text = Text(state, style=style)
    text.append_text(plain(f" {a.ip} → {a.pod[1] if a.pod else '?'} @ {a.node or '?'}"))
    return text


def nodes_table(store: Store) -> Grid:
    """Every node: status, conditions worth a look, its pods; each taint under it with
    the pods it keeps out or evicts."""
    grid = Grid(
        Column("NODE", ""),
        Column("STATUS", ""),
        Column("CONDITIONS", ""),
        "PODS",
        "UNHEALTHY",
        empty="(no nodes readable)",
    )
    for row in node_rows(store):
        taints = []
        for t in row.view.taints:
            pods = row.not_tolerating.get(t.text, [])
            verb = "evicts" if t.effect == "NoExecute" else "keeps out"
            since = row.taint_since.get(t.text)
            text = "taint " + t.text + (f" for {format_age(store.now - since)}" if since else "")
            if pods:
                text += f" ({verb} {', '.join(p[1] for p in pods)})"
            timed = row.leaving.get(t.text, [])
            if timed:
                soonest = min(deadline for _k, deadline in timed)
                names = ", ".join(k[1] for k, _d in timed)
                text += f" (evicts {names} {format_duration(soonest - store.now)})"
            taints.append(plain(text))
        # Conditions worth a look: Ready not True, any pressure or NetworkUnavailable True.
        odd = [
            f"{c.type}={c.status}"
            for c in row.view.conditions
            if (c.type == "Ready") != (c.status == "True")
        ]
        grid.add_row(
            plain(row.view.name, "bold"),
            plain(row.view.status_text, "green" if row.view.ready == "True" else "bold red"),
            plain(", ".join(odd) or "ok"),
            Text(str(row.pods)),
            Text(str(row.unhealthy)),
            notes=taints,
        )
    return grid


EVENT_MESSAGE_LIMIT = 400
"""Characters of an Event's message under its row in the Events view (a hostile 4 KB
message must not fill the screen); the rest is said to be there."""


def events_table(events: list[KEvent], now: float, *, namespaces: bool = False) -> Grid:
    """Events newest first: when (wall clock and age), type (Warning marked ⚠ and bold,
    not by colour alone), reason, the object it is about, how often; the message under
    its row at full width."""
    grid = Grid(
        Column("LAST", ""),
        Column("TYPE", ""),
        Column("REASON", ""),
        Column("OBJECT", ""),
        "COUNT",
        empty="(no Events in scope)",
    )
    dated = (
        len(
            {
                format_clock(e.last, date=True).partition(" ")[0]
                for e in events
                if e.last is not None
            }
        )
        > 1
    )
    for ev in events:
        when = "-"
        if ev.last is not None:
            when = f"{format_clock(ev.last, date=dated)} {format_age(now - ev.last)} ago"
        warning = ev.type == "Warning"
        kind = plain(
            f"⚠ {ev.type}" if warning else ev.type or "-", "bold yellow" if warning else ""
        )
        obj = f"{ev.involved_kind or '?'}/{ev.involved_name or '?'}"
        if namespaces and ev.involved_namespace:
            obj = f"{ev.involved_namespace}/{obj}"
        notes = []
        if ev.message:
            notes.append(plain(ev.message, limit=EVENT_MESSAGE_LIMIT))
        if ev.field_path:
            notes.append(Text("at ", style="dim").append_text(plain(ev.field_path)))
        grid.add_row(
            Text(when),
            kind,
            plain(ev.reason or "-", "bold" if warning else ""),
            plain(obj),
            Text(str(ev.count)),
            notes=notes,
        )
    return grid
