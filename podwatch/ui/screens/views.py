"""The Services view, the Nodes view and the Events view: the whole cluster in scope, live.

Each has a cursor row (`j`/`k`, arrows); `enter` lists the pods of the row under
it in the pod view: the pods a Service selects, the pods on a node; on an Event
about a pod, that pod.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from rich.console import RenderableType
from rich.style import Style
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Region
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from podwatch.layout import Grid
from podwatch.model.owners import SHORT_KINDS, workload_rows, workload_selector
from podwatch.model.selectors import from_label_selector
from podwatch.model.store import Changes, Store
from podwatch.model.view import event_pod, event_rows, service_views
from podwatch.render import events_table, nodes_table, services_table, workloads_table
from podwatch.safe import clean
from podwatch.ui.screens.filtering import FilterField
from podwatch.ui.widgets.pod_table import ServicePods, ViewFilter

CURSOR_META = "podwatch-cursor"
"""Marks the cursor row's cells, so that its lines can be found to scroll them into view."""
CURSOR_STYLE = Style(reverse=True, meta={CURSOR_META: True})
"""Reverse video: visible in 16 colours and under NO_COLOR alike."""


class RowCursor(Static, can_focus=True):
    """A grid of a few rows (from render.py) with one row highlighted.

    The rows stay render.py's; this widget only knows which key each row stands for,
    keeps the cursor on its key when the rows change, and scrolls its row into view.
    """

    BINDINGS = [
        Binding("j,down", "move(1)", "Down", show=False),
        Binding("k,up", "move(-1)", "Up", show=False),
        Binding("home", "move(-1_000_000)", "First", show=False),
        Binding("end", "move(1_000_000)", "Last", show=False),
        Binding("enter", "choose", "Its pods"),
    ]

    class Chosen(Message):
        """`enter` on a row."""

        def __init__(self, key: Hashable) -> None:
            super().__init__()
            self.key = key

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.keys: list[Hashable] = []
        self.cursor = 0
        self._table: RenderableType = ""

    @property
    def selected(self) -> Hashable | None:
        return self.keys[self.cursor] if self.keys else None

    def show(self, table: RenderableType, keys: Sequence[Hashable]) -> None:
        """New rows, one key per row in order; the cursor follows its key if it is still
        there, else keeps its place."""
        selected = self.selected
        self.keys = list(keys)
        if selected in self.keys:
            self.cursor = self.keys.index(selected)
        self.cursor = max(0, min(self.cursor, len(self.keys) - 1))
        self._table = table
        self._draw()

    def action_move(self, step: int) -> None:
        if self.keys:
            self.cursor = max(0, min(self.cursor + step, len(self.keys) - 1))
            self._draw()

    def action_choose(self) -> None:
        if self.selected is not None:
            self.post_message(self.Chosen(self.selected))

    def _draw(self) -> None:
        table = self._table
        if isinstance(table, Grid) and len(table.rows) == len(self.keys):
            table.row_styles = {self.cursor: CURSOR_STYLE}
        self.update(table)
        self.call_after_refresh(self._scroll_to_cursor)

    def cursor_lines(self) -> tuple[int, int] | None:
        """The first and last line the cursor row takes, as drawn at this width."""
        width = self.size.width
        if not width or not self.keys:
            return None
        console = self.app.console
        lines = console.render_lines(self._table, console.options.update_width(width), pad=False)
        marked = [
            y
            for y, line in enumerate(lines)
            if any(seg.style is not None and seg.style.meta.get(CURSOR_META) for seg in line)
        ]
        return (marked[0], marked[-1]) if marked else None

    def _scroll_to_cursor(self) -> None:
        span = self.cursor_lines()
        parent = self.parent
        if span is None or not isinstance(parent, VerticalScroll):
            return
        top, bottom = span
        if self.cursor == 0:
            top = 0  # the first row brings the header into view with it
        parent.scroll_to_region(
            Region(0, top, self.size.width, bottom - top + 1), animate=False, immediate=True
        )


class TableScreen(Screen):
    """A scrolling view of one table, rebuilt when what it shows changes."""

    BINDINGS = [
        Binding("escape", "app.show_pods", "Pods"),
    ]
    view_name = ""

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with VerticalScroll(id="view"):
            yield RowCursor(id="table")
        yield Footer()

    @property
    def rows(self) -> RowCursor:
        return self.query_one("#table", RowCursor)

    def on_mount(self) -> None:
        self.rows.focus()
        self.refresh_from(self.app.source.store, None)

    def render_table(self, store: Store) -> tuple[RenderableType, list[Hashable]]:
        """The table, and the key each of its rows stands for, in order."""
        raise NotImplementedError

    def wants(self, changes: Changes) -> bool:
        raise NotImplementedError

    def pods_of(self, store: Store, key: Hashable) -> ViewFilter | None:
        """The pod view's filter for `enter` on `key` (None: nothing to list, said)."""
        raise NotImplementedError

    def refresh_from(self, store: Store, changes: Changes | None) -> None:
        if changes is None or changes.reset or self.wants(changes):
            self.rows.show(*self.render_table(store))

    def on_row_cursor_chosen(self, event: RowCursor.Chosen) -> None:
        view = self.pods_of(self.app.source.store, event.key)
        if view is not None:
            self.app.list_pods(view)


class ServicesScreen(TableScreen):
    view_name = "Services"

    def render_table(self, store: Store) -> tuple[RenderableType, list[Hashable]]:
        return services_table(store), [sv.key for sv in service_views(store)]

    def wants(self, changes: Changes) -> bool:
        return bool(changes.services)

    def pods_of(self, store: Store, key: Hashable) -> ViewFilter | None:
        """The pods the Service's selector picks. A Service without a selector (its
        endpoints kept by hand), or whose object is not readable, selects none by label."""
        for sv in service_views(store):
            if sv.key == key:
                if sv.selector is None:
                    name = clean(f"{sv.key[0]}/{sv.key[1]}", 400)
                    self.notify(f"Service {name} has no selector: no pods to list", markup=False)
                    return None
                return ViewFilter(service=ServicePods(sv.key[0], sv.key[1], sv.selector))
        return None


class WorkloadsScreen(TableScreen):
    """`:deploy`: Deployments (their ReplicaSets under them), StatefulSets, DaemonSets,
    CronJobs (their Jobs under them) and Jobs, with their rollout state."""

    view_name = "Workloads"

    def render_table(self, store: Store) -> tuple[RenderableType, list[Hashable]]:
        return workloads_table(store), [row.row_key for row in workload_rows(store)]

    def wants(self, changes: Changes) -> bool:
        return bool(changes.workloads)

    def pods_of(self, store: Store, key: Hashable) -> ViewFilter | None:
        """The pods the workload's selector picks, in its namespace."""
        kind, namespace, name = key  # type: ignore[misc]
        selector = workload_selector(store, kind, (namespace, name))
        if selector is None:
            said = clean(f"{kind} {namespace}/{name}", 400)
            self.notify(f"{said} has no pod selector: its Jobs' pods are theirs", markup=False)
            return None
        short = SHORT_KINDS.get(kind, kind.lower())
        return ViewFilter(
            service=ServicePods(namespace, name, from_label_selector(selector), what=short)
        )


class NodesScreen(TableScreen):
    view_name = "Nodes"

    def render_table(self, store: Store) -> tuple[RenderableType, list[Hashable]]:
        return nodes_table(store), sorted(store.nodes)

    def wants(self, changes: Changes) -> bool:
        return bool(changes.nodes or changes.pods)

    def pods_of(self, store: Store, key: Hashable) -> ViewFilter | None:
        return ViewFilter(node=str(key))


class EventCursor(RowCursor):
    """The Events view's rows: `enter` selects the pod an Event is about."""

    BINDINGS = [
        *[b for b in RowCursor.BINDINGS if b.key != "enter"],
        Binding("enter", "choose", "Its pod"),
    ]
    inherit_bindings = False


class EventsScreen(FilterField, TableScreen):
    """Every Event in scope, newest first, about any object; `/` filters by words as the
    pod table does; `enter` on an Event about a pod selects that pod in the pod view."""

    BINDINGS = [
        Binding("escape", "back", "Pods"),
        Binding("slash", "filter", "Filter", priority=True),
    ]

    def __init__(self, namespace: str | None = None, all_namespaces: bool = False) -> None:
        super().__init__()
        self.namespace = namespace
        """The pod view's namespace (`:ns NAME`): the same scope here."""
        self.all_namespaces = all_namespaces
        self.words = ""

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with VerticalScroll(id="view"):
            yield EventCursor(id="table")
        yield Input(placeholder="filter Events: words", id="filter")
        yield Footer()

    def render_table(self, store: Store) -> tuple[RenderableType, list[Hashable]]:
        events = event_rows(store, self.words, self.namespace)
        namespaces = self.all_namespaces and not self.namespace
        return events_table(events, store.now, namespaces=namespaces), [e.key for e in events]

    def wants(self, changes: Changes) -> bool:
        return "Event" in changes.kinds

    def pods_of(self, store: Store, key: Hashable) -> ViewFilter | None:
        return None  # `enter` selects one pod instead (on_row_cursor_chosen)

    def on_row_cursor_chosen(self, event: RowCursor.Chosen) -> None:
        store = self.app.source.store
        ev = store.events.get(event.key)  # type: ignore[arg-type]
        if ev is None:
            return
        pod = event_pod(ev)
        if pod is None:
            what = clean(f"{ev.involved_kind or '?'} {ev.involved_name or '?'}", 300)
            self.notify(f"This Event is about {what}, not a pod", markup=False)
            return
        self.app.select_pod(pod)

    def action_back(self) -> None:
        field = self.query_one("#filter", Input)
        if field.display or self.words:  # esc clears the filter first, as in the pod view
            field.value = ""
            field.display = False
            self._filter("")
            self.rows.focus()
            return
        self.app.action_show_pods()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._filter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.input.display = False
        self.rows.focus()

    def _filter(self, words: str) -> None:
        self.words = words
        self.rows.show(*self.render_table(self.app.source.store))
        self.app.update_status()

    @property
    def view_name(self) -> str:  # type: ignore[override]
        """ "Events", with the filter's words (shown on the status line)."""
        return f"Events /{clean(self.words, 60)}" if self.words else "Events"
