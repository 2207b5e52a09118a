"""The Services view and the Nodes view: the whole cluster in scope, live."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from podwatch.model.store import Changes, Store
from podwatch.render import nodes_table, services_table


class TableScreen(Screen):
    """A scrolling view of one table, rebuilt when what it shows changes."""

    BINDINGS = [
        Binding("escape", "app.show_pods", "Pods"),
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
    ]
    view_name = ""

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with VerticalScroll(id="view"):
            yield Static(id="table")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#view").focus()
        self.refresh_from(self.app.source.store, None)

    def action_scroll(self, lines: int) -> None:
        self.query_one("#view", VerticalScroll).scroll_relative(y=lines, animate=False)

    def render_table(self, store: Store):
        raise NotImplementedError

    def wants(self, changes: Changes) -> bool:
        raise NotImplementedError

    def refresh_from(self, store: Store, changes: Changes | None) -> None:
        if changes is None or changes.reset or self.wants(changes):
            self.query_one("#table", Static).update(self.render_table(store))


class ServicesScreen(TableScreen):
    view_name = "Services"

    def render_table(self, store: Store):
        return services_table(store)

    def wants(self, changes: Changes) -> bool:
        return bool(changes.services)


class NodesScreen(TableScreen):
    view_name = "Nodes"

    def render_table(self, store: Store):
        return nodes_table(store)

    def wants(self, changes: Changes) -> bool:
        return bool(changes.nodes or changes.pods)
