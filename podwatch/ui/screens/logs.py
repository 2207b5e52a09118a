"""`l`: the selected pod's container log, full screen: the current instance's last
lines and, for a container that has restarted, the previous instance's (what it
printed before it died). Read once per look (`r` reads again), in a thread worker,
from the pods/log subresource (`kube/logs.py`); `f` follows the running instance as
`kubectl logs -f` does. A replay reads nothing: it shows the previous instances'
logs the recording holds (`record --logs`), as of the replay's moment.
"""

from __future__ import annotations

import threading
from collections import deque

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from podwatch.model.k8s import Key
from podwatch.model.logs import FOLLOW_LINES, ContainerLog, shown_line, shown_log
from podwatch.model.pods import ContainerView
from podwatch.moment import wall_clock
from podwatch.safe import clean, plain
from podwatch.ui.widgets.scrolling import SCROLL_BINDINGS, ScrollKeys

NO_RECORDED_LOG = (
    "this recording holds no log of it: `podwatch record --logs` records each restarted "
    "container's previous log"
)


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
        parts += [plain(shown_line(line)) for line in log.lines]
        parts.append(Text(""))
    return Group(*parts)


class LogScreen(ScrollKeys, Screen[None]):
    """One pod's container logs; `c` the next container, `r` read again, `f` follow,
    `esc` back."""

    BINDINGS = [
        Binding("escape,q,l", "dismiss", "Back"),
        Binding("c", "next_container", "Container"),
        Binding("r", "reload", "Read again"),
        Binding("f", "follow", "Follow"),
        *SCROLL_BINDINGS,
    ]
    DEFAULT_CSS = """
    LogScreen #log { height: 1fr; padding: 0 1; }
    LogScreen #log-title { height: 1; background: $panel; padding: 0 1; }
    """

    class LinesArrived(Message):
        """A followed log has more (posted from the follower's thread, once until read)."""

    def __init__(self, pod: Key, containers: list[ContainerView]) -> None:
        super().__init__()
        self.pod = pod
        self.containers = containers
        self.index = log_container(containers)
        self.shown: list[ContainerLog] | None = None
        self._follower = None
        self._followed: ContainerLog | None = None
        self._arrived: deque[str] = deque(maxlen=FOLLOW_LINES)
        self._ended: str | None = None
        self._posted = False
        self._lock = threading.Lock()
        """Guards `_arrived`, `_ended` and `_posted` (the follower's thread writes them)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A replay reads and follows nothing: those keys are not offered."""
        if action in ("follow", "reload"):
            return self._target() is not None
        return True

    def _target(self):
        """(cluster, namespace, name) to read the pod's log from; None in a replay."""
        return log_target(self.app.source, self.pod)

    def compose(self) -> ComposeResult:
        yield Label("", id="log-title")
        with VerticalScroll(id="log"):
            yield Static(Text("reading…", style="dim"), id="log-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#log").focus()
        self.action_reload()

    def on_unmount(self) -> None:
        self._stop_following()

    def scroll_target(self) -> VerticalScroll:
        return self.query_one("#log", VerticalScroll)

    @property
    def container(self) -> ContainerView | None:
        return self.containers[self.index] if self.containers else None

    @property
    def following(self) -> bool:
        return self._follower is not None

    def _title(self, doing: str = "") -> None:
        container = self.container
        name = container.name if container else "?"
        if self._target() is None:
            keys = "c container, esc back"  # a replay: what it recorded, nothing to read
        else:
            keys = ("f stop" if self.following else "f follow") + ", c container, r again, esc back"
        title = f"logs of {self.pod[0]}/{self.pod[1]} · {name}{doing} — {keys}"
        self.query_one("#log-title", Label).update(plain(title, limit=400))

    def action_reload(self) -> None:
        self._stop_following()
        container = self.container
        self._title()
        target = self._target()
        if container is None:
            self._show([ContainerLog("?", False, error="the pod has no containers")])
        elif target is None:
            self._show(self._recorded(container.name))
        else:
            self.query_one("#log-text", Static).update(Text("reading…", style="dim"))
            self._read(target, container.name, bool(container.restarts))

    def _recorded(self, container: str) -> list[ContainerLog]:
        """What the recording holds of this container, up to the replay's moment."""
        held = self.app.source.store.logs.of(self.pod, container)
        if not held:
            return [ContainerLog(container, True, error=NO_RECORDED_LOG, note="none recorded")]
        return [shown_log(log, wall_clock(log.at)) for log in held]

    def action_next_container(self) -> None:
        if self.containers:
            self.index = (self.index + 1) % len(self.containers)
            self.action_reload()

    def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True, group="logs")
    def _read(self, target, container: str, restarted: bool) -> None:
        from podwatch.kube.logs import read_log

        cluster, namespace, pod = target
        logs = [read_log(cluster, namespace, pod, container)]
        if restarted:
            logs.insert(0, read_log(cluster, namespace, pod, container, previous=True))
        self.app.call_from_thread(self._show, logs)

    def _show(self, logs: list[ContainerLog]) -> None:
        self.shown = logs
        self.query_one("#log-text", Static).update(log_text(logs))
        self.query_one("#log", VerticalScroll).scroll_end(animate=False)

    # ----------------------------------------------------------------- follow

    def action_follow(self) -> None:
        """Follow the running instance (`kubectl logs -f`): its last lines, then each
        line as it is written, the newest FOLLOW_LINES kept; `f` again stops."""
        if self.following:
            self._stop_following()
            self._title(" · follow stopped")
            self._redraw()
            return
        target = self._target()
        container = self.container
        if target is None:
            self.app.notify("A replay cannot follow: logs are followed live.", title="Logs")
            return
        if container is None:
            return
        from podwatch.kube.logs import LogFollower

        earlier = [log for log in self.shown or [] if log.previous]
        self._followed = ContainerLog(container.name, False, note="following")
        with self._lock:
            self._arrived.clear()
            self._ended = None
        self._show([*earlier, self._followed])
        cluster, namespace, pod = target
        self._follower = LogFollower(
            cluster, namespace, pod, container.name, self._take_lines, self._take_end
        ).start()
        self._title(" · following")

    def _stop_following(self) -> None:
        follower, self._follower = self._follower, None
        if follower is not None:
            follower.stop()  # a read in progress is unblocked; the thread ends by itself
        if self._followed is not None and self._followed.note == "following":
            self._followed.note = "follow stopped"

    def _take_lines(self, lines: list[str]) -> None:
        """On the follower's thread: keep the lines, and ask for one redraw."""
        with self._lock:
            self._arrived.extend(lines)
            post, self._posted = not self._posted, True
        if post:
            self.post_message(self.LinesArrived())

    def _take_end(self, why: str) -> None:
        with self._lock:
            self._ended = why
            post, self._posted = not self._posted, True
        if post:
            self.post_message(self.LinesArrived())

    @on(LinesArrived)
    def _lines_arrived(self) -> None:
        with self._lock:
            lines = list(self._arrived)
            self._arrived.clear()
            ended, self._ended = self._ended, None
            self._posted = False
        followed = self._followed
        if followed is None or (not self.following and ended is None):
            return
        followed.lines.extend(lines)
        del followed.lines[:-FOLLOW_LINES]
        if ended is not None:
            followed.note = clean(f"follow ended: {ended}", 300)
            self._follower = None
            self._title(" · follow ended")
        self._redraw()

    def _redraw(self) -> None:
        """Show `shown` again, staying at the end if the view was there (a followed
        log's new lines come into view; one scrolled up to read stays put)."""
        scroll = self.query_one("#log", VerticalScroll)
        at_end = scroll.scroll_y >= scroll.max_scroll_y - 1
        self.query_one("#log-text", Static).update(log_text(self.shown or []))
        if at_end:
            scroll.scroll_end(animate=False)


def log_target(source, pod: Key):
    """(cluster, namespace, name) through which `pod`'s log is read: the source's
    cluster, or with several contexts (kube/fleet.py) the pod's own, its namespace
    without the context; None for a replay (only what the recording holds)."""
    cluster_for = getattr(source, "cluster_for", None)
    if cluster_for is not None:
        return cluster_for(pod)
    cluster = getattr(source, "cluster", None)
    return None if cluster is None else (cluster, pod[0], pod[1])


def open_logs(app, store, key: Key | None) -> None:
    """`l` on a pod: its log screen; on a pod gone, or none selected, a notice."""
    from podwatch.model.view import pod_detail

    detail = pod_detail(store, key) if key is not None else None
    if detail is None:
        app.notify("No pod selected.", title="Logs")
        return
    pod = detail.summary.key
    replay = log_target(app.source, pod) is None
    if detail.gone is not None and not (replay and store.logs.containers(pod)):
        app.notify("The pod is gone: its containers' logs went with it.", title="Logs")
        return
    app.push_screen(LogScreen(pod, detail.containers))
