"""The pod view: status bar, pod table, the selected pod's panes, a filter line."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.events import Resize
from textual.validation import ValidationResult, Validator
from textual.widgets import Footer, Input, Static

from podwatch.model.k8s import Key
from podwatch.model.selectors import SelectorError
from podwatch.model.store import Changes, Store
from podwatch.model.view import pod_detail
from podwatch.safe import plain
from podwatch.ui.clipboard import copy_pod
from podwatch.ui.screens.filtering import FilterField
from podwatch.ui.screens.logs import open_logs
from podwatch.ui.screens.pod import PodScreen
from podwatch.ui.widgets.details import Pane, PodDetails, counting_down
from podwatch.ui.widgets.pod_table import PodTable, ViewFilter

SIDE_BY_SIDE_WIDTH = 180
"""From this width the panes sit beside the table (55% / 45%: from 81 columns, what a
pane needs to show its grid with little wrapping); below, under it at full width."""
TABS_WIDTH = 100
TABS_HEIGHT = 30
"""Below either, the panes become tabs (80x24 over SSH), and `enter` opens the pod
full screen."""
SHORT_HEIGHT = 30
"""Below this height the table gives the details more of the screen."""


class FilterSyntax(Validator):
    """The `/` prompt's text is a filter only if its `-l` selector parses: the prompt
    shows the error (a red border, the message under it) instead of an empty table."""

    def validate(self, value: str) -> ValidationResult:
        try:
            ViewFilter.parse(value)
        except SelectorError as exc:
            return self.failure(str(exc))
        return self.success()


class MainScreen(FilterField):
    BINDINGS = [
        Binding("j", "cursor(1)", "Down", show=False),
        Binding("k", "cursor(-1)", "Up", show=False),
        Binding("enter", "details", "Details"),
        # Priority: handled as it is read, so that the keys after it (`/crash` arriving in
        # one read over SSH) already find the prompt focused (see check_action).
        Binding("slash", "filter", "Filter", priority=True),
        Binding("u", "unhealthy", "Unhealthy"),
        Binding("d", "gone", "Gone pods", show=False),
        Binding("s", "sort", "Sort"),
        Binding("y", "copy", "Copy", show=False),
        Binding("l", "logs", "Logs", show=False),
        Binding("escape", "back", "Back", show=False),
        Binding("tab", "pane(1)", "Next pane", show=False, priority=True),
        Binding("shift+tab", "pane(-1)", "Previous pane", show=False, priority=True),
    ]

    def __init__(self, *, all_namespaces: bool = False, contexts: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.all_namespaces = all_namespaces
        self.contexts = contexts
        """Several clusters in one table (kube/fleet.py): their names, in order."""
        self._shown: Key | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        yield Static(id="stale")
        with Container(id="body"):
            yield PodTable(all_namespaces=self.all_namespaces, contexts=self.contexts, id="pods")
            yield PodDetails(id="details")
        yield Input(
            placeholder="filter: words, or -l key=value", id="filter", validators=[FilterSyntax()]
        )
        yield Footer()

    @property
    def table(self) -> PodTable:
        return self.query_one(PodTable)

    @property
    def details(self) -> PodDetails:
        return self.query_one(PodDetails)

    AUTO_FOCUS = "#pods"
    """Focused as the screen is first shown, not a frame later (a second full paint)."""

    def on_mount(self) -> None:
        # Live, nothing is listed yet: the panes wait for the first data rather than
        # being drawn empty and then again full (bytes over SSH).
        self.details.display = bool(self.app.source.store.pods or self.app.source.store.synced)
        self._layout(self.size.width, self.size.height)
        self.refresh_from(self.app.source.store, None)

    def on_resize(self, event: Resize) -> None:
        self._layout(event.size.width, event.size.height)

    def _layout(self, width: int, height: int) -> None:
        if not self.query(PodDetails):
            return  # a resize can arrive before the children are mounted
        self.set_class(width < SIDE_BY_SIDE_WIDTH, "narrow")
        self.set_class(height < SHORT_HEIGHT, "short")
        mode = "tabs" if width < TABS_WIDTH or height < TABS_HEIGHT else "stack"
        if self.details.mode != mode:
            self.details.mode = mode

    # ----------------------------------------------------------------- data

    def on_screen_resume(self) -> None:
        # What changed while covered: those rows (or all, after a jump) derived again.
        missed = self.app.take_missed()
        if missed:
            self.refresh_from(self.app.source.store, missed)

    def on_screen_suspend(self) -> None:
        # Covered, this screen's table misses the batches (only the screen on top gets
        # them): its rows are derived again when it is next filtered.
        self.table.forget_derived()

    def refresh_from(self, store: Store, changes: Changes | None) -> None:
        """Apply a batch: changed rows only, and the panes only if the selected pod moved."""
        full = changes is None or changes.reset
        if changes is not None and changes.buried:
            self.table.follow(changes.buried)  # a selected pod that went: to its tombstone
        self.table.sync(store, None if full else changes.pods)
        selected = self.table.selected_key
        if (
            full
            or selected != self._shown
            or (selected is not None and (selected in changes.pods or changes.workloads))
        ):
            # A workload changed: the selected pod's owner line may say another rollout
            # state (one pod derived again, not worth an index from owners to pods).
            self.show_selected(store)

    def show_selected(self, store: Store) -> None:
        key = self.table.selected_key
        self._shown = key
        if not self.details.display and (key is not None or store.synced):
            self.details.display = True  # the first data: drawn once, not empty then full
        if key is not None:
            self.details.show(pod_detail(store, key))
        elif self.table.view.describe and (store.pods or store.events_only_pods()):
            said = plain(f"No pod matches: {self.table.view.describe} (esc clears).", limit=200)
            self.details.show(None, said)
        else:
            self.details.show(None)

    def tick(self, store: Store, count: int = 0) -> None:
        """Countdowns and ages move even when nothing arrives: every second while an
        eviction countdown is on screen, else every fifth second (idle costs nothing
        much either way, but less is less)."""
        if self._shown is None:
            return
        if counting_down(self.details.detail, store.now) or count % 5 == 0:
            self.details.show(pod_detail(store, self._shown))

    @on(PodTable.Highlighted, "#pods")
    def _row_highlighted(self, _event: PodTable.Highlighted) -> None:
        if self.table.selected_key != self._shown:
            self.show_selected(self.app.source.store)

    # ----------------------------------------------------------------- actions

    def action_cursor(self, step: int) -> None:
        """j/k outside a pane move the pod cursor (a focused pane scrolls itself)."""
        table = self.table
        table.focus()
        if step > 0:
            table.action_cursor_down()
        else:
            table.action_cursor_up()

    def action_copy(self) -> None:
        """`y`: the selected pod, as `--once --pod` prints it, to the clipboard."""
        copy_pod(self.app, self.app.source.store, self.table.selected_key)

    def action_logs(self) -> None:
        """`l`: the selected pod's container logs (screens/logs.py)."""
        open_logs(self.app, self.app.source.store, self.table.selected_key)

    def action_details(self) -> None:
        """`enter`: on a small terminal the pod opens full screen; else the panes beside
        or under the table take the focus."""
        key = self.table.selected_key
        if self.details.mode == "tabs" and key is not None:
            self.app.push_screen(PodScreen(key))
        else:
            self.details.focus_first()

    @on(PodTable.Selected, "#pods")
    def _row_selected(self, _event: PodTable.Selected) -> None:
        # `enter` on the table: the table's own binding fires first and selects the row.
        self.action_details()

    def action_pane(self, step: int) -> None:
        """`tab`: table → each pane (on small screens, each tab) → table."""
        if self.query_one("#filter", Input).has_focus:
            return
        stops = self.details.stops()
        focused = self.focused
        index = stops.index(focused) + 1 if focused in stops else 0
        target = (index + step) % (len(stops) + 1)
        if target == 0:
            self.table.focus()
        else:
            self.details.focus_pane(stops[target - 1])

    def action_unhealthy(self) -> None:
        view = self.table.view
        view.unhealthy_only = not view.unhealthy_only
        self._rebuild()

    def action_gone(self) -> None:
        """`d`: hide or show the pods that are gone (deleted, evicted)."""
        view = self.table.view
        view.hide_gone = not view.hide_gone
        self._rebuild()

    def action_sort(self) -> None:
        self.table.cycle_sort()
        self._rebuild()

    def action_back(self) -> None:
        field = self.query_one("#filter", Input)
        if field.display:
            # esc in the prompt drops what was typed, at once (enter keeps it).
            field.value = ""
            field.border_subtitle = None
            self.table.view = ViewFilter.parse("", self.table.view)
            self._rebuild()
            field.display = False
            self.table.focus()
            return
        if isinstance(self.focused, Pane):
            self.table.focus()
            return
        if self.table.view.describe:
            view = self.table.view  # `d`'s choice and `:ctx`'s stay
            self.table.view = ViewFilter(hide_gone=view.hide_gone, context=view.context)
            self._rebuild()

    def set_namespace(self, namespace: str | None) -> None:
        self.table.view.namespace = namespace
        self._rebuild()

    def set_context(self, context: str | None) -> None:
        """`:ctx NAME`: one context's pods; None: every context's."""
        self.table.view.context = context
        self._rebuild()

    def _rebuild(self) -> None:
        """After a filter or sort change: the rows filtered and sorted again."""
        store = self.app.source.store
        self.table.refilter(store)
        if self.table.selected_key != self._shown or self._shown is None:
            # The panes only when the selection moved (or none is left to say so): a
            # keystroke that keeps the pod selected does not render its details again.
            self.show_selected(store)
        self.app.update_status()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        """Applied as it is typed; a selector that does not parse (yet) leaves the table
        on the last filter that did, and the prompt says why."""
        error = _failure(event.validation_result)
        event.input.border_subtitle = plain(error, limit=200) if error else None
        if error:
            return
        self.table.view = ViewFilter.parse(event.value, self.table.view)
        self._rebuild()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        error = _failure(event.validation_result)
        if error:
            # Not a silently empty table: the error, and the prompt stays to be fixed.
            self.notify(error, title="Filter not applied", severity="error", markup=False)
            return
        event.input.display = False
        self.table.focus()


def _failure(result: ValidationResult | None) -> str:
    return "; ".join(result.failure_descriptions) if result is not None else ""
