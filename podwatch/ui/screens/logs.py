"""`l`: the selected pod's container log, full screen: the current instance's last
lines and, for a container that has restarted, the previous instance's (what it
printed before it died). Read once per look (`r` reads again), in a thread worker,
from the pods/log subresource (`kube/logs.py`); never in a replay, which holds none.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from podwatch.model.k8s import Key
from podwatch.model.logs import ContainerLog
from podwatch.model.pods import ContainerView
from podwatch.safe import clean, plain
from podwatch.ui.widgets.scrolling import SCROLL_BINDINGS, ScrollKeys


def log_container(containers: list[ContainerView]) -> int:
    """Which container `l` opens on: the first that crashed, restarted or is not ready
    (the one the why line is about), else the first."""
    for n, c in enumerate(containers):
        if c.restarts or c.ready is False or (c.state == "terminated" and c.exit_code):
            return n
    return 0


def log_text(logs: list[ContainerLog]) -> RenderableType:
    parts: list[RenderableType] = []
    for log in logs:
        head = Text(f"── {clean(log.title, 300)} ", style="bold")
        if log.truncated:
            head.append("(cut at the size asked for: older lines above are not shown)", "dim")
        parts.append(head)
        if log.error:
            parts.append(plain(log.error, "bold red"))
        elif not log.lines:
            parts.append(Text("(no output)", style="dim"))
        parts += [plain(line) for line in log.lines]
        parts.append(Text(""))
    return Group(*parts)


class LogScreen(ScrollKeys, Screen[None]):
    """One pod's container logs; `c` the next container, `r` read again, `esc` back."""

    BINDINGS = [
        Binding("escape,q,l", "dismiss", "Back"),
        Binding("c", "next_container", "Container"),
        Binding("r", "reload", "Read again"),
        *SCROLL_BINDINGS,
    ]
    DEFAULT_CSS = """
    LogScreen #log { height: 1fr; padding: 0 1; }
    LogScreen #log-title { height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, pod: Key, containers: list[ContainerView]) -> None:
        super().__init__()
        self.pod = pod
        self.containers = containers
        self.index = log_container(containers)
        self.shown: list[ContainerLog] | None = None

    def compose(self) -> ComposeResult:
        yield Label("", id="log-title")
        with VerticalScroll(id="log"):
            yield Static(Text("reading…", style="dim"), id="log-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#log").focus()
        self.action_reload()

    def scroll_target(self) -> VerticalScroll:
        return self.query_one("#log", VerticalScroll)

    @property
    def container(self) -> ContainerView | None:
        return self.containers[self.index] if self.containers else None

    def action_reload(self) -> None:
        container = self.container
        name = container.name if container else "?"
        title = f"logs of {self.pod[0]}/{self.pod[1]} · {name} — c container, r again, esc back"
        self.query_one("#log-title", Label).update(plain(title, limit=400))
        cluster = getattr(self.app.source, "cluster", None)
        if container is None:
            self._show([ContainerLog("?", False, error="the pod has no containers")])
        elif cluster is None:
            said = "a replay holds no logs: logs are read from the cluster, live"
            self._show([ContainerLog(container.name, False, error=said)])
        else:
            self.query_one("#log-text", Static).update(Text("reading…", style="dim"))
            self._read(cluster, container.name, bool(container.restarts))

    def action_next_container(self) -> None:
        if self.containers:
            self.index = (self.index + 1) % len(self.containers)
            self.action_reload()

    def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True, group="logs")
    def _read(self, cluster, container: str, restarted: bool) -> None:
        from podwatch.kube.logs import read_log

        namespace, pod = self.pod
        logs = [read_log(cluster, namespace, pod, container)]
        if restarted:
            logs.insert(0, read_log(cluster, namespace, pod, container, previous=True))
        self.app.call_from_thread(self._show, logs)

    def _show(self, logs: list[ContainerLog]) -> None:
        self.shown = logs
        self.query_one("#log-text", Static).update(log_text(logs))
        self.query_one("#log", VerticalScroll).scroll_end(animate=False)


def open_logs(app, store, key: Key | None) -> None:
    """`l` on a pod: its log screen; on a pod gone, or none selected, a notice."""
    from podwatch.model.view import pod_detail

    detail = pod_detail(store, key) if key is not None else None
    if detail is None:
        app.notify("No pod selected.", title="Logs")
        return
    if detail.gone is not None:
        app.notify("The pod is gone: its containers' logs went with it.", title="Logs")
        return
    app.push_screen(LogScreen(key, detail.containers))
