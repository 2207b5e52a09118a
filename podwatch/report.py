"""`--once`: the state at one moment as plain Rich tables, for scripts and for
terminals where a full-screen app is unwelcome."""

from __future__ import annotations

import io

from rich.console import Console, Group
from rich.text import Text

from podwatch.model.k8s import Key
from podwatch.model.logs import shown_line, shown_log
from podwatch.model.pods import Health
from podwatch.model.store import Store
from podwatch.model.view import needs_a_look, pod_detail, pod_rows
from podwatch.moment import wall_clock
from podwatch.render import (
    nodes_table,
    pod_section,
    pods_count,
    pods_table,
    pods_table_plain,
    services_table,
    workloads_table,
)
from podwatch.safe import plain

DETAIL_ALL = 30
"""Up to this many pods, `--once` details every one; beyond, only the unhealthy and the
at-risk ones (a mark of ⚠ needs its why line as much as ✗ does) and the evicted ones.
Pods that are gone (deleted or evicted) are listed after the others, marked †."""
DETAIL_MOST = 100
"""At most this many pods detailed without --pod."""


class PodNotFound(LookupError):
    """`--pod NAME` names no pod at the moment shown: a user error, reported on stderr
    by the caller (exit 1) rather than printed among the tables a script reads."""

    def __init__(self, pod: str, count: int, gone: int = 0) -> None:
        super().__init__(
            f"no pod named {pod!r} at this moment ({pods_count(count, gone)} pods in view)"
        )


COPY_WIDTH = 100
"""Columns of the text `y` copies: pasted into a chat or a ticket, not a terminal."""


def pod_text(store: Store, key: Key, width: int = COPY_WIDTH) -> str | None:
    """One pod's why line and details as plain text, as `--once --pod` prints them (what
    `y` copies); None if the pod is not there. Cluster strings come out as the panes
    show them: control characters escaped, never sent raw."""
    detail = pod_detail(store, key)
    if detail is None:
        return None
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        no_color=True,
        color_system=None,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )
    console.print(pod_section(detail))
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()).strip("\n") + "\n"


RECORDED_TAIL = 20
"""Lines of each container's last recorded log that `--once --pod` prints."""


def recorded_logs_text(store: Store, key: Key) -> Group:
    """`--once --pod NAME` on a recording made with `--logs`: each container's last
    recorded previous instance, its last lines (for an incident ticket: what it printed
    before it died)."""
    parts: list[Text] = [Text(""), Text("Recorded logs", style="bold")]
    for container in store.logs.containers(key):
        last = store.logs.of(key, container)[-1]
        log = shown_log(last, wall_clock(last.at))
        head = plain(f"── {log.title}", "bold")
        if len(log.lines) > RECORDED_TAIL:
            head.append(f" (its last {RECORDED_TAIL} of {len(log.lines)} lines)", "dim")
        parts.append(head)
        if log.error:
            parts.append(plain(log.error, "red"))
        parts += [plain(shown_line(line)) for line in log.lines[-RECORDED_TAIL:]]
    return Group(*parts)


def names_pod(key: Key, pod: str) -> bool:
    """Whether `--pod` names this row: `NAME` or `NAMESPACE/NAME` (a gone pod's key
    has its uid third, and matches too)."""
    return key[1] == pod or f"{key[0]}/{key[1]}" == pod


def pods_named(store: Store, pod: str, keys: list[Key] | None = None) -> list[Key]:
    """The rows `--pod` names (a name that is gone finds its tombstone; re-created, both
    pods), in the table's order; PodNotFound if none."""
    if keys is None:
        keys = [r.summary.key for r in pod_rows(store)]
    found = [k for k in keys if names_pod(k, pod)]
    if not found:
        raise PodNotFound(pod, len(store.pods), len(store.tombstones))
    return found


def unhealthy_pods(store: Store, pod: str | None = None) -> list[Key]:
    """The live pods (not the gone ones: they are history) that `--exit-code` fails on,
    all or `--pod`'s: marked unhealthy (✗) or worse. At risk (⚠) is not a failure."""
    return [
        r.summary.key
        for r in pod_rows(store, gone=False)
        if r.health >= Health.UNHEALTHY and (pod is None or names_pod(r.summary.key, pod))
    ]


def render_once(
    console: Console,
    store: Store,
    *,
    title: str,
    pod: str | None = None,
    all_namespaces: bool | None = None,
) -> None:
    """Print the whole state. Raises `PodNotFound`, before printing anything, if `pod`
    was asked for and is not there."""
    rows = pod_rows(store)
    if all_namespaces is None:
        all_namespaces = len({r.summary.namespace for r in rows}) > 1
    keys: list[Key] = [r.summary.key for r in rows]
    left_out = ""
    if pod is not None:
        keys = pods_named(store, pod, keys)
    console.print(plain(title, "bold"))
    if console.no_color and not console.is_terminal:
        # Plain output (a pipe, a file): plain lines, already cut to the width, written
        # as they are. Built as styled Text and printed through Rich, thousands of pods
        # took longer than everything else --once does.
        text = pods_table_plain(store, all_namespaces=all_namespaces, width=console.width)
        console.file.write(text + "\n")
    else:
        # Every line is already cut to the width: nothing for Rich to wrap (soft_wrap
        # spares it measuring and dividing thousands of lines again).
        table = pods_table(store, all_namespaces=all_namespaces, width=console.width)
        console.print(table, soft_wrap=True)
    if pod is None and len(keys) > DETAIL_ALL:
        # Thousands of healthy pods' details would bury the ones that matter.
        keys = [r.summary.key for r in rows if needs_a_look(r)][:DETAIL_MOST]
        left_out = (
            f"Details of {len(rows) - len(keys)} of {len(rows)} pods left out (healthy and "
            f"deleted first, then any past {DETAIL_MOST} unhealthy, at risk or evicted); "
            "--pod NAME shows one."
        )
    for key in keys:
        detail = pod_detail(store, key)
        if detail is not None:
            console.print(pod_section(detail))
            if pod is not None and detail.logs_recorded:
                console.print(recorded_logs_text(store, detail.summary.key))
    if left_out:
        console.print(Text(left_out, style="dim"))
    tables = [("Services", services_table(store)), ("Nodes", nodes_table(store))]
    if any(store.workloads.values()):
        tables.insert(1, ("Workloads", workloads_table(store)))
    for title, grid in tables:
        console.print(Text(""))
        console.print(Text(title, style="bold"))
        console.print(grid)


def health_tally(store: Store) -> str:
    """A context's one line under several: how many pods, how many unhealthy (✗, the
    ones `--exit-code` fails on) and at risk (⚠), and how many gone."""
    rows = pod_rows(store)
    live = [r for r in rows if r.gone is None]
    bad = sum(1 for r in live if r.health >= Health.UNHEALTHY)
    risk = sum(1 for r in live if r.health == Health.AT_RISK)
    gone = len(rows) - len(live)
    text = f"{len(live)} pod{'' if len(live) == 1 else 's'}: {bad} unhealthy, {risk} at risk"
    return text + (f", {gone} gone" if gone else "")
