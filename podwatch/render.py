"""Rich renderables of what podwatch derives: the tables `--once` prints and the
dashboard's panes show, built in one place.

Every cluster string goes through `safe.plain`, so nothing from the cluster
is read as markup or reaches the terminal as a control sequence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from podwatch.model.k8s import format_age, format_duration, format_rfc3339
from podwatch.model.pods import Health
from podwatch.model.store import Store
from podwatch.model.view import PodDetail, PodRow, node_rows, pod_rows, service_views
from podwatch.safe import plain

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
STATUS_STYLE = {"True": "green", "False": "red", "Unknown": "yellow", "missing": "dim"}


FREE_TEXT = frozenset(
    {
        "MESSAGE",
        "DETAIL",
        "WHAT",
        "LAST FAILURE",
        "NOTE",
        "HANDLER",
        "IMAGE",
        "STATE",
        "LAST STATE",
        "READY",
        "NOT READY",
        "TAINTS (pods affected)",
        "TIMING",
        "CONDITIONS",
    }
)
"""Columns of free text, which wrap; the others (names, states, counts) never do, so a
narrow pane squeezes the prose rather than breaking `PodScheduled` in two."""


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for col in columns:
        if col in FREE_TEXT:
            table.add_column(col, overflow="fold")
        else:
            table.add_column(col, no_wrap=True)
    return table


def _age(store: Store, t: float | None) -> str:
    return format_age(store.now - t) if t is not None else "-"


WIDE = 110
"""From this many columns the pod list has room for PHASE, QoS and restart ages."""


@dataclass(frozen=True)
class PodColumn:
    """One column of the pod list: `most` caps its width; 0 means it takes what is left."""

    key: str
    header: str
    most: int


def pod_columns(*, all_namespaces: bool, width: int) -> list[PodColumn]:
    """The pod list's columns at this width; below 110 columns PHASE, QoS and restart
    ages give way to the rest. Shared by `--once` and the dashboard's table."""
    wide = width >= WIDE
    columns = [PodColumn("mark", "", 1)]
    if all_namespaces:
        columns.append(PodColumn("ns", "NAMESPACE", 16 if wide else 12))
    columns += [PodColumn("name", "NAME", 0), PodColumn("status", "STATUS", 24 if wide else 16)]
    if wide:
        columns.append(PodColumn("phase", "PHASE", 9))
    columns += [
        PodColumn("ready", "READY", 5),
        PodColumn("restarts", "RESTARTS" if wide else "RST", 14 if wide else 4),
        PodColumn("probes", "PROBE r/l/s" if wide else "PROBE", 11),
        PodColumn("node", "NODE", 24 if wide else 10),
        PodColumn("age", "AGE", 6),
    ]
    if wide:
        columns.append(PodColumn("qos", "QOS", 10))
    return columns


def pod_cells(row: PodRow, now: float, *, wide: bool) -> dict[str, Text]:
    """Every cell of a pod's row, keyed like `pod_columns` (a superset of them)."""
    sm = row.summary
    style = SEVERITY_STYLE[row.health]
    restarts = str(sm.restarts)
    if wide and sm.last_restart is not None and sm.restarts:
        restarts += f" ({format_age(now - sm.last_restart)} ago)"
    return {
        "mark": Text(SEVERITY_MARK[row.health], style=style),
        "ns": plain(sm.namespace, limit=253),
        "name": plain(sm.name, limit=253),
        "status": plain(sm.status, style, limit=60),
        "phase": plain(sm.phase, limit=30),
        "ready": Text(sm.ready_text),
        "restarts": Text(restarts),
        "probes": Text(row.probe_text),
        "node": plain(sm.node or "-", limit=253),
        "age": Text(format_age(now - sm.created) if sm.created is not None else "-"),
        "qos": plain(sm.qos or "-", limit=30),
    }


def fit_widths(
    columns: list[PodColumn], natural: dict[str, int], width: int, gap: int
) -> list[int]:
    """Each column at its natural width up to its cap; NAME takes what is left (at least
    10), so that the table always fits and the health mark is never squeezed away.
    Room still left over goes to the capped columns that were cut (NODE, STATUS...)."""
    widths = []
    wanted = []
    flex = 0
    for index, col in enumerate(columns):
        n = max(len(col.header), natural.get(col.key, 0))
        wanted.append(n)
        if col.most:
            n = min(n, col.most)
        else:
            flex = index
        widths.append(n)
    others = sum(w for i, w in enumerate(widths) if i != flex) + gap * (len(columns) - 1)
    widths[flex] = max(10, min(widths[flex], width - others))
    spare = width - others - widths[flex]
    for index in range(len(columns)):
        if spare <= 0:
            break
        grow = min(spare, wanted[index] - widths[index])
        if grow > 0:
            widths[index] += grow
            spare -= grow
    return widths


def pods_table(store: Store, *, all_namespaces: bool = False, width: int = 160) -> Table:
    """The pod list, as `--once` prints it; widths computed so that it always fits."""
    columns = pod_columns(all_namespaces=all_namespaces, width=width)
    wide = width >= WIDE
    now = store.now
    rows = [pod_cells(row, now, wide=wide) for row in pod_rows(store)]
    natural = {c.key: max((r[c.key].cell_len for r in rows), default=0) for c in columns}
    # Between two columns: padding, a (blank) divider, padding.
    widths = fit_widths(columns, natural, width, gap=3)
    table = Table(
        title=f"Pods ({len(store.pods)})",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    for col, w in zip(columns, widths, strict=True):
        table.add_column(col.header, no_wrap=True, overflow="ellipsis", width=w)
    for cells in rows:
        table.add_row(*(cells[c.key] for c in columns))
    return table


def summary_text(detail: PodDetail) -> Text:
    """Two lines: who and where, then the one-line answer."""
    sm = detail.summary
    head = Text()
    head.append(f"{SEVERITY_MARK[detail.health]} ", style=SEVERITY_STYLE[detail.health])
    head.append_text(plain(f"{sm.namespace}/{sm.name}", "bold"))
    head.append("  ")
    head.append_text(
        plain(f"{sm.status} ({sm.phase}) {sm.ready_text} ready", SEVERITY_STYLE[detail.health])
    )
    head.append("  node ")
    head.append_text(plain(sm.node or "-"))
    head.append("  IP ")
    head.append_text(plain(sm.pod_ip or "-"))
    head.append("  QoS ")
    head.append_text(plain(sm.qos or "-"))
    if sm.restarts:
        head.append(f"  restarts {sm.restarts}")
    head.append("\n")
    head.append("why: ", style="bold")
    head.append_text(plain(detail.why, limit=None))
    return head


def _ago(detail: PodDetail, t: float | None) -> str:
    return format_age(detail.now - t) if t is not None else "-"


def conditions_table(detail: PodDetail) -> Table:
    conds = _table("Conditions", "TYPE", "STATUS", "REASON", "MESSAGE", "SINCE")
    for c in detail.conditions:
        conds.add_row(
            plain(c.type),
            plain(c.status, STATUS_STYLE.get(c.status, "")),
            plain(c.reason or "-"),
            plain(c.message or "-"),
            Text(_ago(detail, c.last_transition)),
        )
    return conds


def containers_table(detail: PodDetail) -> Table:
    ctab = _table(
        "Containers", "KIND", "NAME", "STATE", "READY", "STARTED", "RESTARTS", "LAST STATE", "IMAGE"
    )
    for c in detail.containers:
        ctab.add_row(
            plain(c.kind),
            plain(c.name),
            plain(c.state_text + (f": {c.message}" if c.message else "")),
            Text(_tri(c.ready)),
            Text(_tri(c.started)),
            Text(str(c.restarts)),
            plain(c.last_state_text or "-"),
            plain(c.image or "-"),
        )
    if not detail.containers:
        ctab.add_row(Text("(no containers in the spec)"), *[""] * 7)
    return ctab


def probes_table(detail: PodDetail) -> Table:
    ptab = _table(
        "Probes",
        "CONTAINER",
        "PROBE",
        "HANDLER",
        "TIMING",
        "FAILS",
        "RECENT",
        "LAST FAILURE",
        "NOTE",
    )
    for p in detail.probes:
        last = "-" if detail.probes_known else "?"
        if p.last_failure:
            last = f"{_ago(detail, p.last_failure_at)} ago: {p.last_failure}"
        # Without Events podwatch cannot have seen a failure: unknown, never 0 (SPEC 6).
        fails = str(p.failures_total) if detail.probes_known else "?"
        recent = str(p.failures_recent) if detail.probes_known else "?"
        ptab.add_row(
            plain(p.container),
            plain(p.probe),
            plain(p.handler),
            Text(p.timing_text if p.period else "-"),
            Text(fails),
            Text(recent),
            plain(last),
            plain(p.note or "-"),
        )
    if not detail.probes:
        ptab.add_row(Text("(no probes)"), *[""] * 7)
    return ptab


def endpoints_table(detail: PodDetail) -> Table:
    etab = _table("Endpoints", "SERVICE", "STATE", "IP", "PORTS", "FROM")
    for m in detail.memberships:
        style = "green" if m.state == "ready" else "red" if m.state == "NotReady" else "yellow"
        etab.add_row(
            plain(m.service[1]),
            plain(m.state, style),
            plain(m.ip or "-"),
            plain(", ".join(m.ports) or "-"),
            plain(m.source),
        )
    if not detail.memberships:
        etab.add_row(Text("(no Service lists or selects this pod)"), "", "", "", "")
    return etab


def node_table(detail: PodDetail) -> Table:
    now = detail.now
    ntab = _table("Node & taints", "WHAT", "DETAIL")
    if detail.node is not None:
        nv = detail.node
        ntab.add_row(plain(f"node {nv.name}"), plain(nv.status_text))
        for c in nv.conditions:
            if c.type == "Ready" or c.status not in ("False", "missing"):
                ntab.add_row(plain(f"  {c.type}"), plain(f"{c.status} {c.reason}".strip()))
    for m in detail.taints:
        text = f"tolerated by {m.toleration}" if m.tolerated else "NOT tolerated"
        since = f", since {_ago(detail, m.since)}" if m.since is not None else ""
        ntab.add_row(plain(f"taint {m.taint.text}"), plain(text + since))
    if detail.eviction is not None:
        ev = detail.eviction
        if ev.immediate:
            text = "evicted at once (untolerated NoExecute: " + ", ".join(ev.taints) + ")"
        elif ev.deadline is None:
            text = "tolerated forever: " + ", ".join(ev.taints)
        else:
            text = f"eviction {format_duration(ev.deadline - now)} ({format_rfc3339(ev.deadline)})"
        ntab.add_row(Text("NoExecute"), plain(text, "bold"))
    if detail.scheduling is not None:
        sc = detail.scheduling
        ntab.add_row(plain("not scheduled"), plain(f"{sc.reason}: {sc.message} [{sc.source}]"))
        for u in sc.untolerated:
            ntab.add_row(Text("  untolerated"), plain(u))
        for fit in sc.fits:
            ntab.add_row(
                plain(f"  node {fit.node}"), plain("fits" if fit.fits else "; ".join(fit.reasons))
            )
    for label, text in detail.placement:
        ntab.add_row(plain(label), plain(text))
    return ntab


def timeline_table(detail: PodDetail, limit: int = 40) -> Table:
    """podwatch's record of changes merged with the pod's Events, oldest first."""
    ttab = _table("Timeline", "WHEN", "WHAT")
    entries = [(e.t, e.text) for e in detail.timeline]
    entries += [
        (
            e.last or 0.0,
            f"event {e.type} {e.reason}"
            + (f" ×{e.count}" if e.count > 1 else "")
            + f": {e.message}",
        )
        for e in detail.events
    ]
    entries.sort(key=lambda x: x[0])
    for t, text in entries[-limit:]:
        ttab.add_row(Text(f"-{format_age(detail.now - t)}"), plain(text))
    return ttab


def _noting_gaps(key: str, build: Callable[[PodDetail], Table]) -> Callable[[PodDetail], Table]:
    """The pane's table with, under it, what it cannot know (a kind not readable)."""

    def built(detail: PodDetail) -> Table:
        table = build(detail)
        gap = detail.gaps.get(key)
        if gap:
            table.caption = Text(f"! {gap}", style="yellow")
            table.caption_justify = "left"
            # A caption wraps at the table's width: let a narrow table widen for it.
            table.min_width = len(gap) + 2
        return table

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
    """A pod's whole story, as --once prints it."""
    parts: list[RenderableType] = [Text(""), summary_text(detail)]
    parts += [build(detail) for _key, _title, build in PANES]
    return Group(*parts)


def _tri(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


def _lines(parts: list[Text]) -> Text:
    return Text("\n").join(parts) if parts else Text("-")


def services_table(store: Store) -> Table:
    table = _table("Services", "SERVICE", "READY", "NOT READY", "PORTS", "FROM")
    for sv in service_views(store):

        def fmt(addrs, style):
            return _lines(
                [
                    plain(f"{a.ip} → {a.pod[1] if a.pod else '?'} @ {a.node or '?'}", style)
                    for a in addrs
                ]
            )

        table.add_row(
            plain(f"{sv.key[0]}/{sv.key[1]}"),
            fmt(sv.ready, "green"),
            fmt(sv.not_ready, "red"),
            plain(sv.ports_text or "-"),
            plain(sv.source),
        )
    return table


def nodes_table(store: Store) -> Table:
    table = _table(
        "Nodes", "NODE", "STATUS", "CONDITIONS", "PODS", "UNHEALTHY", "TAINTS (pods affected)"
    )
    for row in node_rows(store):
        taints = []
        for t in row.view.taints:
            pods = row.not_tolerating.get(t.text, [])
            verb = "evicts" if t.effect == "NoExecute" else "keeps out"
            since = row.taint_since.get(t.text)
            text = t.text + (f" for {format_age(store.now - since)}" if since else "")
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
        table.add_row(
            plain(row.view.name),
            plain(row.view.status_text, "green" if row.view.ready == "True" else "red"),
            plain(", ".join(odd) or "ok"),
            Text(str(row.pods)),
            Text(str(row.unhealthy)),
            _lines(taints),
        )
    return table
