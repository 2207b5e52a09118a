"""`--once`: the state at one moment as plain Rich tables, for scripts and for
terminals where a full-screen app is unwelcome."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from podwatch.model.k8s import Key
from podwatch.model.store import Store
from podwatch.model.view import pod_detail, pod_rows
from podwatch.render import nodes_table, pod_section, pods_table, services_table
from podwatch.safe import plain


def render_once(
    console: Console,
    store: Store,
    *,
    title: str,
    pod: str | None = None,
    all_namespaces: bool | None = None,
) -> int:
    """Print the whole state; returns 1 if `pod` was asked for and is not there."""
    if all_namespaces is None:
        all_namespaces = len({k[0] for k in store.pods}) > 1
    console.print(plain(title, "bold"))
    console.print(pods_table(store, all_namespaces=all_namespaces, width=console.width))
    keys: list[Key] = [r.summary.key for r in pod_rows(store)]
    if pod is not None:
        keys = [k for k in keys if k[1] == pod or f"{k[0]}/{k[1]}" == pod]
        if not keys:
            console.print(plain(f"no pod named {pod!r} at this moment"))
            return 1
    for key in keys:
        detail = pod_detail(store, key)
        if detail is not None:
            console.print(pod_section(detail))
    console.print(Text(""))
    console.print(services_table(store))
    console.print(nodes_table(store))
    return 0
