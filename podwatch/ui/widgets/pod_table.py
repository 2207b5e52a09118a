"""The pod table: one keyed row per pod, updated in place as pods change."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from podwatch.model.k8s import Key, d, format_age, meta
from podwatch.model.store import Store
from podwatch.model.view import PodRow, pod_row
from podwatch.render import SEVERITY_MARK, SEVERITY_STYLE
from podwatch.safe import plain

SORTS = ("health", "name", "age", "restarts", "node")
"""`s` cycles through these; health puts the unhealthy first."""


@dataclass
class ViewFilter:
    """What the table shows: text, labels, namespace, unhealthy only."""

    text: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    namespace: str | None = None
    unhealthy_only: bool = False

    @classmethod
    def parse(cls, query: str, base: ViewFilter | None = None) -> ViewFilter:
        """`/` input: words match name, namespace, node or status; `-l a=b,c=d` match labels."""
        out = ViewFilter(
            namespace=base.namespace if base else None,
            unhealthy_only=base.unhealthy_only if base else False,
        )
        words = query.split()
        rest = []
        i = 0
        while i < len(words):
            if words[i] == "-l" and i + 1 < len(words):
                for pair in words[i + 1].split(","):
                    key, _, value = pair.partition("=")
                    if key:
                        out.labels[key] = value
                i += 2
                continue
            rest.append(words[i])
            i += 1
        out.text = " ".join(rest)
        return out

    @property
    def describe(self) -> str:
        parts = []
        if self.text:
            parts.append(self.text)
        if self.labels:
            parts.append("-l " + ",".join(f"{k}={v}" for k, v in self.labels.items()))
        if self.namespace:
            parts.append(f"ns {self.namespace}")
        if self.unhealthy_only:
            parts.append("unhealthy only")
        return " ".join(parts)

    def matches(self, row: PodRow, pod: dict) -> bool:
        sm = row.summary
        if self.unhealthy_only and sm.severity < 2:
            return False
        if self.namespace and sm.namespace != self.namespace:
            return False
        if self.labels:
            labels = d(meta(pod).get("labels"))
            if any(labels.get(k) != v for k, v in self.labels.items()):
                return False
        if self.text:
            hay = f"{sm.namespace}/{sm.name} {sm.node} {sm.status} {sm.phase}".lower()
            if not all(word in hay for word in self.text.lower().split()):
                return False
        return True


def row_id(key: Key) -> str:
    return f"{key[0]}/{key[1]}"


class MarkCell:
    """The health mark (✓ · ! ✗), carrying its row's id so the table can be sorted
    by podwatch's own key through DataTable's public `sort`."""

    __slots__ = ("rid", "style", "symbol")

    def __init__(self, rid: str, symbol: str, style: str) -> None:
        self.rid = rid
        self.symbol = symbol
        self.style = style

    def __rich__(self) -> Text:
        return Text(self.symbol, style=self.style)

    def __str__(self) -> str:
        return self.symbol

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MarkCell) and (self.rid, self.symbol, self.style) == (
            other.rid,
            other.symbol,
            other.style,
        )

    def __hash__(self) -> int:
        return hash((self.rid, self.symbol, self.style))


class PodTable(DataTable):
    """Rows are keyed by namespace/name: a changed pod updates its own cells, a new
    one is added, a deleted one removed; nothing is rebuilt wholesale."""

    DEFAULT_CSS = """
    PodTable { height: 1fr; }
    """

    def __init__(self, *, all_namespaces: bool = False, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self.all_namespaces = all_namespaces
        self.sort_mode = "health"
        self.view = ViewFilter()
        self._sort_keys: dict[str, tuple] = {}
        self._last_cells: dict[str, dict] = {}
        self._name_to_id: dict[str, str] = {}

    def on_mount(self) -> None:
        self.add_column("", key="mark", width=1)
        if self.all_namespaces:
            self.add_column("NAMESPACE", key="ns")
        self.add_column("NAME", key="name")
        self.add_column("STATUS", key="status")
        self.add_column("READY", key="ready")
        self.add_column("RESTARTS", key="restarts")
        self.add_column("PROBES r/l/s", key="probes")
        self.add_column("NODE", key="node")
        self.add_column("AGE", key="age")
        self.add_column("PHASE", key="phase")
        self.add_column("QOS", key="qos")

    # ----------------------------------------------------------------- cells

    def _cells(self, row: PodRow, now: float) -> dict[str, Text | MarkCell]:
        sm = row.summary
        style = SEVERITY_STYLE[sm.severity]
        restarts = str(sm.restarts)
        if sm.restarts and sm.last_restart is not None:
            restarts += f" ({format_age(now - sm.last_restart)})"
        cells = {
            "mark": MarkCell(row_id(sm.key), SEVERITY_MARK[sm.severity], style),
            "name": plain(sm.name, limit=253),
            "status": plain(sm.status, style, limit=60),
            "ready": Text(sm.ready_text),
            "restarts": Text(restarts),
            "probes": Text(row.probe_text),
            "node": plain(sm.node or "-", limit=253),
            "age": Text(format_age(now - sm.created) if sm.created else "-"),
            "phase": plain(sm.phase, limit=30),
            "qos": plain(sm.qos or "-", limit=30),
        }
        if self.all_namespaces:
            cells["ns"] = plain(sm.namespace, limit=253)
        return cells

    def _sort_key(self, row: PodRow) -> tuple:
        sm = row.summary
        if self.sort_mode == "name":
            return (sm.namespace, sm.name)
        if self.sort_mode == "age":
            return (-(sm.created or 0.0), sm.namespace, sm.name)
        if self.sort_mode == "restarts":
            return (-sm.restarts, sm.namespace, sm.name)
        if self.sort_mode == "node":
            return (sm.node, sm.namespace, sm.name)
        return (-sm.severity, sm.namespace, sm.name)

    # ----------------------------------------------------------------- syncing

    @property
    def selected_key(self) -> Key | None:
        if not self.row_count:
            return None
        try:
            row_key = self.coordinate_to_cell_key((self.cursor_row, 0)).row_key
        except Exception:
            return None
        if row_key.value is None:
            return None
        ns, _, name = row_key.value.partition("/")
        return (ns, name)

    def sync(self, store: Store, changed: set[Key] | None) -> bool:
        """Bring rows up to date; `changed` None means every pod. Returns whether
        anything visible changed."""
        selected = self.selected_key
        keys = set(store.pods) if changed is None else changed
        if changed is None:
            stale = {k for k in self._sort_keys if _key_of(k) not in store.pods}
            for rid in stale:
                self._drop(rid)
        touched = reorder = False
        now = store.now
        for key in keys:
            rid = row_id(key)
            pod = store.pods.get(key)
            row = pod_row(store, key) if pod is not None else None
            if row is None or not self.view.matches(row, pod):
                if self._drop(rid):
                    touched = reorder = True
                continue
            cells = self._cells(row, now)
            sort_key = self._sort_key(row)
            if self._sort_keys.get(rid) != sort_key:
                reorder = True
            self._sort_keys[rid] = sort_key
            if rid in self.rows:
                last = self._last_cells.get(rid, {})
                for column, value in cells.items():
                    # Only what changed: every update_cell costs a re-measure.
                    if last.get(column) != value:
                        self.update_cell(rid, column, value)
                        touched = True
            else:
                ordered = [cells[str(c.key.value)] for c in self.ordered_columns]
                self.add_row(*ordered, key=rid)
                touched = reorder = True
            self._last_cells[rid] = cells
        if reorder:
            self._resort(selected)
        return touched or reorder

    def _drop(self, rid: str) -> bool:
        self._sort_keys.pop(rid, None)
        self._last_cells.pop(rid, None)
        if rid in self.rows:
            self.remove_row(rid)
            return True
        return False

    def _resort(self, selected: Key | None) -> None:
        keys = self._sort_keys
        self.sort("mark", key=lambda cell: keys.get(cell.rid, ()))
        if selected is not None and row_id(selected) in self.rows:
            self.move_cursor(row=self.get_row_index(row_id(selected)), animate=False)

    def refresh_ages(self, store: Store) -> None:
        """Ages and restart ages move with the clock; refreshed on a slow timer, and only
        for the rows on screen (10,000 rows would otherwise cost a frame every time)."""
        now = store.now
        first = int(self.scroll_y)
        for index in range(first, min(self.row_count, first + self.size.height + 1)):
            try:
                rid = self.coordinate_to_cell_key((index, 0)).row_key.value
            except Exception:
                break
            if rid is None:
                continue
            row = pod_row(store, _key_of(rid))
            if row is None:
                continue
            cells = self._cells(row, now)
            last = self._last_cells.setdefault(rid, {})
            for column in ("age", "restarts"):
                if last.get(column) != cells[column]:
                    self.update_cell(rid, column, cells[column])
                    last[column] = cells[column]

    def rebuild(self, store: Store) -> None:
        """After a filter, sort-mode or source change: every row again."""
        selected = self.selected_key
        self.clear()
        self._sort_keys.clear()
        self._last_cells.clear()
        self.sync(store, None)
        if selected is not None and row_id(selected) in self.rows:
            self.move_cursor(row=self.get_row_index(row_id(selected)), animate=False)

    def cycle_sort(self) -> str:
        self.sort_mode = SORTS[(SORTS.index(self.sort_mode) + 1) % len(SORTS)]
        return self.sort_mode

    def select(self, key: Key) -> bool:
        try:
            self.move_cursor(row=self.get_row_index(row_id(key)), animate=False)
        except RowDoesNotExist:
            return False
        return True


def _key_of(rid: str) -> Key:
    ns, _, name = rid.partition("/")
    return (ns, name)
