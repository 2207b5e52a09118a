"""One pod's details at full size: on a small terminal (80x24 over SSH) the panes are
read here, one scrolling column, instead of in tabs squeezed under the table."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from podwatch.model.k8s import Key
from podwatch.model.store import Changes, Store
from podwatch.model.view import pod_detail
from podwatch.ui.clipboard import copy_pod
from podwatch.ui.screens.logs import open_logs
from podwatch.ui.widgets.details import PodDetails, counting_down
from podwatch.ui.widgets.scrolling import SCROLL_BINDINGS, ScrollKeys


class PodScreen(ScrollKeys, Screen):
    """The selected pod, live: redrawn when it changes and every second while an
    eviction countdown runs; `esc` returns to the table."""

    BINDINGS = [
        Binding("escape", "close", "Back to pods"),
        Binding("y", "copy", "Copy", show=False),
        Binding("l", "logs", "Logs", show=False),
        *SCROLL_BINDINGS,
    ]
    view_name = "Pod"

    def __init__(self, key: Key) -> None:
        super().__init__()
        self.key = key

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        yield PodDetails(id="details")
        yield Footer()

    def action_logs(self) -> None:
        open_logs(self.app, self.app.source.store, self.key)

    def action_copy(self) -> None:
        """`y`: this pod, as `--once --pod` prints it, to the clipboard."""
        copy_pod(self.app, self.app.source.store, self.key)

    @property
    def details(self) -> PodDetails:
        return self.query_one(PodDetails)

    def on_mount(self) -> None:
        self.refresh_from(self.app.source.store, None)
        # Opened at the top: the summary (the answer) first, not scrolled past it.
        self.call_after_refresh(self.details.focus_first, False)

    def refresh_from(self, store: Store, changes: Changes | None) -> None:
        if changes is not None and self.key in changes.buried:
            self.key = changes.buried[self.key]  # the pod went: its tombstone, as it was
        if changes is None or changes.reset or self.key in changes.pods:
            self._show(store)

    def tick(self, store: Store, count: int = 0) -> None:
        if counting_down(self.details.detail, store.now) or count % 5 == 0:
            self._show(store)

    def _show(self, store: Store) -> None:
        gone = Text(
            "This pod is gone (no longer in scope, or its tombstone expired); esc returns to "
            "the table."
        )
        self.details.show(pod_detail(store, self.key), empty=gone)

    def scroll_target(self) -> VerticalScroll:
        return self.query_one("#detail-stack", VerticalScroll)

    def action_close(self) -> None:
        # Back to the table, brought up to date with what arrived meanwhile.
        self.app.action_show_pods()
