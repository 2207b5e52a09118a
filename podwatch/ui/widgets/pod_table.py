"""The pod table: a virtual list that draws only the rows on screen.

Textual's DataTable measures every cell of every row it holds, which costs
seconds at 10,000 pods (bench/RESULTS.md). This table keeps one `PodRow` per
pod and a sorted index of row ids; a changed pod moves in the index by
bisection, and only the lines in view are rendered, from the row and the
current clock, when Textual asks for them (the Line API). Ages therefore need
no per-row updates: a repaint shows them.

Pods that are gone (tombstones, keyed `(namespace, name, uid)`) are rows too, after
the live ones, dimmed and marked; `d` hides and shows them (`ViewFilter.hide_gone`).
"""

from __future__ import annotations

import weakref
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from operator import itemgetter

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from podwatch.columns import PodColumn, header_line, plan, row_line
from podwatch.model.contexts import in_context, scoped_name
from podwatch.model.k8s import Key
from podwatch.model.selectors import Selector, SelectorError, parse_prefix
from podwatch.model.store import Store
from podwatch.model.view import PodRow, needs_a_look, pod_row, row_labels
from podwatch.render import pod_cells
from podwatch.safe import clean

SORTS = ("health", "name", "age", "restarts", "node")
"""`s` cycles through these; health puts the unhealthy first."""

AGE_JUMP = 10.0
"""A clock that moved further than this (a replay seek) is followed at once."""

BULK = 256
"""More changed pods than this in one batch (and than an eighth of the rows): update the
index, then sort it once."""

MEASURED = (
    "ns",
    "name",
    "status",
    "phase",
    "restarts",
    "restart_count",
    "probes",
    "node",
    "qos",
    "ready",
    "ctx",
)
"""Columns whose width follows their longest cell (up to the column's cap)."""


@dataclass(frozen=True)
class ServicePods:
    """`enter` on a Service in :svc: the pods its selector picks, in its namespace.

    Kept apart from `ViewFilter.selector`, which the `/` prompt rewrites on every
    keystroke: typing a filter narrows the Service's pods instead of forgetting them."""

    namespace: str
    name: str
    selector: Selector
    what: str = "svc"
    """What chose them, as the filter line says it: svc, or a workload kind (`:deploy`)."""

    def matches(self, namespace: str, labels: dict[str, str]) -> bool:
        return namespace == self.namespace and self.selector.matches(labels)


@dataclass
class ViewFilter:
    """What the table shows: text, labels, namespace, unhealthy only, and the pods of
    one Service or one node (from `enter` in the :svc and :nodes views)."""

    text: str = ""
    selector: Selector | None = None
    """`-l`: the labels a pod must match (kubectl's selector syntax)."""
    namespace: str | None = None
    unhealthy_only: bool = False
    node: str | None = None
    """Only the pods on this node (`enter` on a node in :nodes)."""
    service: ServicePods | None = None
    """Only the pods this Service selects (`enter` on a Service in :svc)."""
    hide_gone: bool = False
    """Hide the pods that are gone (`d`). Not a filter that `esc` clears: a choice of
    what the table holds, said in the status line."""
    context: str | None = None
    """`:ctx NAME`: only that context's pods (several watched at once)."""
    _words: tuple[str, list[str]] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def parse(cls, query: str, base: ViewFilter | None = None) -> ViewFilter:
        """`/` input: words match name, namespace, node or status; `-l SELECTOR` (or
        `-lSELECTOR`) matches labels with kubectl's syntax (`app in (a, b),tier!=db`), up
        to the first word that cannot continue it. Raises SelectorError for a malformed
        selector: the caller says so rather than show an empty table."""
        out = ViewFilter(
            namespace=base.namespace if base else None,
            unhealthy_only=base.unhealthy_only if base else False,
            node=base.node if base else None,
            service=base.service if base else None,
            hide_gone=base.hide_gone if base else False,
            context=base.context if base else None,
        )
        rest = []
        at = 0
        while True:
            while at < len(query) and query[at].isspace():
                at += 1
            if at >= len(query):
                break
            end = at
            while end < len(query) and not query[end].isspace():
                end += 1
            if not query.startswith("-l", at):
                rest.append(query[at:end])
                at = end
                continue
            start = at + 2
            try:
                selector, length = parse_prefix(query[start:])
            except SelectorError as exc:
                raise SelectorError(f"-l: {exc}") from None
            out.selector = selector if out.selector is None else out.selector & selector
            at = start + length
        out.text = " ".join(rest)
        return out

    @property
    def describe(self) -> str:
        parts = []
        if self.text:
            parts.append(self.text)
        if self.selector is not None:
            parts.append(f"-l {self.selector}")
        if self.context is not None:
            parts.append(f"ctx {self.context}")
        if self.namespace:
            parts.append(f"ns {self.namespace}")
        if self.service is not None:
            parts.append(f"{self.service.what} {self.service.name}")
        if self.node is not None:
            parts.append(f"node {self.node}")
        if self.unhealthy_only:
            parts.append("unhealthy or at risk")
        return " ".join(parts)

    def matches(self, row: PodRow, labels: Mapping[str, str], hay: str | None = None) -> bool:
        """Whether the row is shown. A row of several contexts (`row.context`) shows its
        namespace and node without the context (`:ns default` is default in each); a
        Service's and a node's names (from `enter` in their views) are the store's, the
        context's prefix included (model/contexts.py)."""
        sm = row.summary
        if row.gone is not None and (self.hide_gone or self.service is not None):
            return False  # a pod that is gone is no Service's any more
        if self.unhealthy_only and not needs_a_look(row):
            return False  # at risk counts: `u` is "what needs a look", not "what is down"
        if self.context is not None and row.context != self.context:
            return False
        if self.namespace and sm.namespace != self.namespace:
            return False
        if self.node is not None and scoped_name(row.context, sm.node) != self.node:
            return False
        if self.selector is not None or self.service is not None:
            if self.selector is not None and not self.selector.matches(labels):
                return False
            namespace = scoped_name(row.context, sm.namespace)
            if self.service is not None and not self.service.matches(namespace, labels):
                return False
        if self.text:
            hay = haystack(row) if hay is None else hay
            if not all(word in hay for word in self.words):
                return False
        return True

    @property
    def words(self) -> list[str]:
        """The words of `text`, as they are looked for (lower case)."""
        if self._words is None or self._words[0] != self.text:
            self._words = (self.text, self.text.lower().split())
        return self._words[1]

    def narrows(self, before: ViewFilter) -> bool:
        """Whether this filter shows only rows that `before` shows (text typed on: each
        word before is part of a word now), so that filtering the rows shown is enough."""
        if replace(self, text="") != replace(before, text=""):
            return False
        now = self.words
        return all(any(w in n for n in now) for w in before.words)


def haystack(row: PodRow) -> str:
    """What the words of `/` are looked for in."""
    sm = row.summary
    gone = row.gone.word if row.gone is not None else ""
    where = f"{row.context}/{sm.namespace}" if row.context else sm.namespace
    return f"{where}/{sm.name} {sm.node} {sm.status} {sm.phase} {gone}".lower()


class _Derived:
    """A pod's row as derived, and what filtering and sorting it needs, worked out once
    per change rather than once per keystroke."""

    __slots__ = ("hay", "labels", "row", "sort_key", "sort_mode", "widths")

    def __init__(self, row: PodRow, labels: Mapping[str, str]) -> None:
        self.row = row
        self.labels = labels
        self.hay = haystack(row)
        self.widths: tuple[int, ...] | None = None
        self.sort_mode = ""
        self.sort_key: tuple = ()


def _widths(entry: _Derived) -> tuple[int, ...]:
    """The entry's measured widths, measured once."""
    if entry.widths is None:
        entry.widths = _widths_of(entry.row)
    return entry.widths


def row_id(key: Key) -> Key:
    """A row's id: its pod's key (a tombstone's has three parts)."""
    return key


def _key_of(text: str) -> Key:
    """`namespace/name` as a live pod's key."""
    ns, _, name = text.partition("/")
    return (ns, name)


def _widths_of(row: PodRow) -> tuple[int, ...]:
    """Cell widths of the measured columns, in `MEASURED`'s order, without building the
    cells. A tuple: one is held per row (100,000 dicts of ten took 36 MB)."""
    sm = row.summary
    # " (2m30s ago)": the age grows while the row stands still, so room for six characters
    count = len(str(sm.restarts))
    restarts = count + (13 if sm.restarts and sm.last_restart is not None else 0)
    status = cell_len(clean(sm.status, 60))
    if row.gone is not None:
        # `Evicted 12s ago`, growing: room for the longest age (`9m59s`, `7h59m`)
        status = len(row.gone.word) + len(" 9m59s ago")
    return (
        cell_len(clean(sm.namespace, 253)),
        cell_len(clean(sm.name, 253)),
        status,
        cell_len(clean(sm.phase, 30)),
        restarts,
        count,
        len(row.probe_text),
        cell_len(clean(sm.node or "-", 253)),
        cell_len(clean(sm.qos or "-", 30)),
        len(sm.ready_text),
        cell_len(clean(row.context, 253)),
    )


class _PodMessage(Message):
    """A message about the pod under the table's cursor (`key` None: no pod)."""

    def __init__(self, table: PodTable, key: Key | None) -> None:
        super().__init__()
        self.table = table
        self.key = key

    @property
    def control(self) -> PodTable:
        return self.table


class PodTable(ScrollView, can_focus=True):
    """One line per pod, keyed by namespace/name; the cursor stays on its pod while the
    rows re-sort under it."""

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "select", "Select", show=False),
    ]

    COMPONENT_CLASSES = {"pod-table--header", "pod-table--cursor"}

    DEFAULT_CSS = """
    PodTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        & > .pod-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .pod-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .pod-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .pod-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
    }
    """

    class Highlighted(_PodMessage):
        """The cursor is on another pod (or on none)."""

    class Selected(_PodMessage):
        """`enter` (or a click on the selected row) on a pod."""

    def __init__(
        self, *, all_namespaces: bool = False, contexts: tuple[str, ...] = (), **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.all_namespaces = all_namespaces
        self.contexts = contexts
        """The contexts the rows come from, when several are watched at once: a CONTEXT
        column, and namespaces and nodes shown without their context prefix."""
        self.sort_mode = "health"
        self.view = ViewFilter()
        self.now = 0.0
        self._rows: dict[Key, PodRow] = {}
        self._sort_keys: dict[Key, tuple] = {}
        self._order: list[tuple[tuple, Key, str]] = []
        """(sort key, row id, haystack) of the rows shown, in order. The haystack (what
        `/` looks in) rides along: narrowing a filter reads it with nothing else, which at
        100,000 rows scattered in memory is a third of looking each row up."""
        self._hays: dict[Key, str] = {}
        """Each shown row's haystack, as in `_order`."""
        self._measured: dict[Key, tuple[int, ...]] = {}
        self._lengths: tuple[Counter[int], ...] = tuple(Counter() for _c in MEASURED)
        """Per measured column (`MEASURED`'s order), how many rows have each width."""
        self._layout: tuple[tuple, list[tuple[PodColumn, int]]] | None = None
        self._cursor = 0
        self._cursor_rid: Key | None = None
        self._painted_now = 0.0
        self._painted: dict[int, tuple] = {}
        """Line in view → what was drawn there last, to repaint only what changes."""
        self._derived: dict[Key, _Derived] | None = None
        """Every pod's row and labels as last derived, shown or filtered out (None: not
        all known). A filter, a sort or `u` then re-sorts these instead of deriving
        every row again: at 100,000 pods, a keystroke in `/` in milliseconds, not
        seconds. Valid only while every batch reaches `sync`: `forget_derived` when the
        table's screen is not the one that gets them."""
        self._derived_from: weakref.ref[Store] | None = None
        """The store `_derived` was derived from (a new source, a replay's seek, is a new
        store). Weak: the table must not keep a store alive once its source has let it
        go (a seek would hold two, with their histories, until the next repaint)."""
        self._filtered_by: tuple[ViewFilter, str] | None = None
        """The filter the rows held were chosen by (a copy: actions change `view` in
        place), and the sort mode they are in."""
        self._base: tuple[tuple[ViewFilter, str], list[tuple[tuple, Key, str]]] | None = None
        """The derived rows that pass the filter but for its words, in order, and that
        filter (without text) and sort mode: widening the words (`backspace`, `esc`) picks
        from these instead of sorting every row again (at 100,000 rows, a second)."""
        self._stale: set[Key] = set()
        """Rows derived again (or gone) since `_base` was made: placed again on its next use."""
        self._wide_stale: set[Key] = set()
        """Rows derived again (or gone) since `_wide` was kept."""
        self._wide: tuple[tuple[ViewFilter, str], tuple] | None = None
        """The tables as they were when words began to narrow the rows, to be restored by
        `esc` with only the rows changed since placed again: rebuilding 100,000 entries
        is what made `esc` slow. The very tables, until one is changed (`_own_tables`)."""
        self._shared = False
        """The tables are `_wide`'s too: copied before any change (`_own_tables`)."""
        self._garbage: list[object] = []
        """The tables a filter keystroke replaced, let go after the frame is painted: freeing
        100,000 entries is not the keystroke's to wait for."""

    # ----------------------------------------------------------------- queries

    @property
    def row_count(self) -> int:
        return len(self._order)

    @property
    def cursor_row(self) -> int:
        return self._cursor

    @property
    def selected_key(self) -> Key | None:
        return self._cursor_rid

    def cells_at(self, index: int) -> dict[str, Text]:
        """The cells row `index` shows, keyed by column (see `render.pod_cells`)."""
        return self.cells_of(self._order[index][1])

    def cells_of(self, rid: Key | str) -> dict[str, Text]:
        """The cells of a row, by its key (or a live pod's `namespace/name`)."""
        return pod_cells(self._rows[_key_of(rid) if isinstance(rid, str) else rid], self.now)

    @property
    def keys(self) -> list[Key]:
        """The rows' keys, in the order shown."""
        return [item[1] for item in self._order]

    # ----------------------------------------------------------------- syncing

    def _sort_key(self, row: PodRow) -> tuple:
        """Live pods first, in the sort mode's order; then the pods that are gone, in the
        same order, or (sorted by health, which a gone pod no longer has) the latest gone
        first."""
        sm = row.summary
        gone = row.gone
        group = 0 if gone is None else 1
        if self.sort_mode == "name":
            return (group, sm.namespace, sm.name)
        if self.sort_mode == "age":
            return (group, -(sm.created or 0.0), sm.namespace, sm.name)
        if self.sort_mode == "restarts":
            return (group, -sm.restarts, sm.namespace, sm.name)
        if self.sort_mode == "node":
            return (group, sm.node, sm.namespace, sm.name)
        if gone is not None:
            return (group, -gone.at, sm.namespace, sm.name)
        return (group, -row.health, sm.namespace, sm.name)

    def sync(self, store: Store, changed: set[Key] | None) -> bool:
        """Bring rows up to date; `changed` None means every pod. Returns whether
        anything changed.

        The clock the ages are drawn from moves here only on a rebuild or a jump (a
        replay seek); else `refresh_ages` moves it every few seconds. So a change to
        one pod repaints that row, not every row whose age ticked meanwhile."""
        if changed is None or abs(store.now - self.now) > AGE_JUMP:
            self.now = store.now
        pods = store.pods
        tombstones = store.tombstones
        derived = self._derived
        if changed is None:
            derived = self._derived = {}
            self._derived_from = weakref.ref(store)
            self._base, self._wide, self._shared = None, None, False
            self._stale = set()
            self._filtered_by = (replace(self.view), self.sort_mode)
            # Pods known only from Events (no object) have rows too: `pod_row` makes them.
            keys: object = [*pods, *tombstones, *store.events_only_pods()]
            for rid in [r for r in self._rows if r not in pods and r not in tombstones]:
                if len(rid) != 2 or not store.events_only(rid):
                    self._remove(rid, bulk=True)
        else:
            keys = changed
            if self._wide is not None:
                self._wide_stale.update(row_id(key) for key in changed)
            if self._base is not None:
                self._stale.update(row_id(key) for key in changed)
                if len(self._stale) > len(self._base[1]) // 4 + BULK:
                    # placing them all costs more than sorting
                    self._base, self._wide, self._stale = None, None, set()
                    self._shared = False
        # Sorting every row costs more than placing each changed one by bisection only
        # when the batch is a good part of the table: at 100,000 rows, a sort per batch
        # of a few hundred made a busy watch fall further behind with every batch.
        bulk = changed is None or len(changed) > max(BULK, len(self._rows) // 8)
        touched = False
        view = self.view
        contexts = self.contexts
        for key in keys:  # type: ignore[attr-defined]
            rid = row_id(key)
            row = pod_row(store, key)
            if row is not None and contexts:
                row = in_context(row, contexts)
            if row is None:
                if derived is not None:
                    derived.pop(rid, None)
                touched |= self._remove(rid, bulk)
                continue
            labels = row_labels(store, key)
            entry = None
            if derived is not None:
                entry = derived[rid] = _Derived(row, labels)
            if view.matches(row, labels, entry.hay if entry is not None else None):
                if entry is None:
                    self._put(rid, row, bulk)
                else:
                    # Kept with the entry: widening and `esc` need them again (`_base`).
                    key, widths = self._entry_key(entry, self.sort_mode), _widths(entry)
                    self._put(rid, row, bulk, entry.hay, key, widths)
                touched = True
            else:
                touched |= self._remove(rid, bulk)
        if bulk:
            hays = self._hays
            self._order = sorted((k, rid, hays[rid]) for rid, k in self._sort_keys.items())
        if touched or changed is None:
            self._after_change()
        elif self.now - self._painted_now >= 1.0:
            self.repaint_changed()  # ages on screen follow the clock (a replay seek jumps it)
        return touched

    def _put(
        self,
        rid: Key,
        row: PodRow,
        bulk: bool,
        hay: str | None = None,
        sort_key: tuple | None = None,
        widths: tuple[int, ...] | None = None,
    ) -> None:
        """Hold `row` under `rid`; its place in the order follows its sort key."""
        if self._shared:
            self._own_tables()
        self._rows[rid] = row
        if sort_key is None:
            sort_key = self._sort_key(row)
        hay = haystack(row) if hay is None else hay
        old = self._sort_keys.get(rid)
        if old != sort_key or self._hays.get(rid) != hay:
            self._sort_keys[rid] = sort_key
            self._hays[rid] = hay
            if not bulk:
                if old is not None:
                    self._unindex(old, rid)
                insort(self._order, (sort_key, rid, hay))
        if widths is None:
            widths = _widths_of(row)
        before = self._measured.get(rid)
        if before != widths:
            for column, n in enumerate(widths):
                counter = self._lengths[column]
                if before is not None:
                    counter[before[column]] -= 1
                    if not counter[before[column]]:
                        del counter[before[column]]
                counter[n] += 1
            self._measured[rid] = widths
            self._layout = None

    def _remove(self, rid: Key, bulk: bool) -> bool:
        if self._shared:
            self._own_tables()
        if self._rows.pop(rid, None) is None:
            return False
        old = self._sort_keys.pop(rid)
        self._hays.pop(rid, None)
        if not bulk:
            self._unindex(old, rid)
        for column, n in enumerate(self._measured.pop(rid)):
            counter = self._lengths[column]
            counter[n] -= 1
            if not counter[n]:
                del counter[n]
        self._layout = None
        return True

    def _unindex(self, sort_key: tuple, rid: Key) -> None:
        i = bisect_left(self._order, (sort_key, rid))
        if i < len(self._order) and self._order[i][1] == rid:
            del self._order[i]

    def _index_of(self, rid: Key) -> int | None:
        sort_key = self._sort_keys.get(rid)
        if sort_key is None:
            return None
        i = bisect_left(self._order, (sort_key, rid))
        return i if i < len(self._order) and self._order[i][1] == rid else None

    def _after_change(self) -> None:
        """Keep the cursor on its pod (or in its place if the pod went), then repaint."""
        index = self._index_of(self._cursor_rid) if self._cursor_rid is not None else None
        if index is None:
            index = min(self._cursor, len(self._order) - 1)
        self._update_virtual_size()
        self._set_cursor(max(index, 0))  # the view follows the selected pod

    def refresh_ages(self, store: Store) -> None:
        """Ages are drawn from the clock: the lines in view whose text moved are repainted
        (an age goes from seconds to minutes to hours: most change once a minute or less)."""
        self.now = store.now
        self.repaint_changed()

    def rebuild(self, store: Store) -> None:
        """After a source change (a new store, a seek): every row derived again."""
        self._clear()
        self.sync(store, None)
        self._scroll_to_cursor()

    def refilter(self, store: Store) -> None:
        """After a filter or sort-mode change: the rows as derived, filtered and sorted
        again (derived anew only if they are not all known: see `_derived`). Text typed
        on only narrows: the rows shown are filtered, already in order."""
        derived = self._derived
        view = self.view
        if derived is None or self._derived_from is None or self._derived_from() is not store:
            self.rebuild(store)
        elif self._filtered_by == (view, self.sort_mode):
            pass  # the same filter again (the prompt emptied after `esc` cleared it)
        elif (
            self._filtered_by is not None
            and self._filtered_by[1] == self.sort_mode
            and view.narrows(self._filtered_by[0])
        ):
            if not self._filtered_by[0].text and view.words:
                # Words begin to narrow: the rows shown are every row the filter's other
                # parts pass, in order, what widening back picks from (`_base`), for a
                # copy of a list; and the tables are kept for `esc` (`_wide`).
                plain = (replace(view, text=""), self.sort_mode)
                if self._base is None or self._base[0] != plain:
                    self._base, self._stale = (plain, list(self._order)), set()
                tables = (self._rows, self._sort_keys, self._hays, self._measured)
                self._wide = (plain, (*tables, self._lengths))
                self._wide_stale = set()
                self._shared = True  # no copy unless a table changes: a keystroke's time
            self._narrow()
        elif not view.words and self._restore_wide(derived, view):
            pass
        else:
            base = self._base_rows(derived, view)
            words = view.words
            if not words:
                order = list(base)  # its own: `sync` changes the order in place
            elif len(words) == 1:
                word = words[0]
                order = [item for item in base if word in item[2]]
            else:
                order = [item for item in base if all(w in item[2] for w in words)]
            self._let_go(self._rows, self._sort_keys, self._hays, self._measured, self._order)
            rids = [rid for _k, rid, _h in order]
            entries = [derived[rid] for rid in rids]
            self._rows = dict(zip(rids, [entry.row for entry in entries], strict=True))
            self._sort_keys = {rid: k for k, rid, _h in order}
            self._hays = {rid: hay for _k, rid, hay in order}
            self._measured = dict(zip(rids, [_widths(entry) for entry in entries], strict=True))
            self._shared = False
            self._order = order
            self._count_lengths()
            self._after_change()
        self._filtered_by = (replace(view), self.sort_mode)
        self._scroll_to_cursor()

    def _narrow(self) -> None:
        """Drop the rows shown that the (narrower) filter no longer shows; the order stays.
        Only its words differ (`narrows`) and the rows shown pass the rest: the words are
        all there is to look at (one loop at 100,000 rows)."""
        words = self.view.words
        order = self._order
        if len(words) == 1:  # the usual case, in one comprehension
            word = words[0]
            keep = [item for item in order if word in item[2]]
        else:
            keep = [item for item in order if all(w in item[2] for w in words)]
        if len(keep) == len(order):
            return
        if len(keep) * 2 >= len(order):  # few go: each removed
            held = {item[1] for item in keep}
            for item in order:
                if item[1] not in held:
                    self._remove(item[1], bulk=True)
        else:  # few stay: the tables made again from them
            rows, measured = self._rows, self._measured
            self._let_go(rows, self._sort_keys, self._hays, measured, order)
            self._rows = {rid: rows[rid] for _k, rid, _h in keep}
            self._sort_keys = {rid: k for k, rid, _h in keep}
            self._hays = {rid: hay for _k, rid, hay in keep}
            self._measured = {rid: measured[rid] for _k, rid, _h in keep}
            self._shared = False
            self._count_lengths()
        self._order = keep
        self._layout = None
        self._after_change()

    def _base_rows(self, derived: dict[Key, _Derived], view: ViewFilter) -> list[tuple]:
        """The derived rows that pass `view` but for its words, in the sort mode's order:
        kept (`_base`) for the next widening, the rows derived again since placed anew
        (a sort of a list in order but for a few rows at its end is a pass over it)."""
        mode = self.sort_mode
        plain = replace(view, text="")
        cached = self._base
        if cached is not None and cached[0] == (plain, mode):
            items = cached[1]
            if self._stale:
                stale = self._stale
                items = [item for item in items if item[1] not in stale]
                for rid in stale:
                    entry = derived.get(rid)
                    if entry is not None and plain.matches(entry.row, entry.labels, entry.hay):
                        items.append((self._entry_key(entry, mode), rid, entry.hay))
                items.sort()
        else:
            items = [
                (self._entry_key(entry, mode), rid, entry.hay)
                for rid, entry in derived.items()
                if plain.matches(entry.row, entry.labels, entry.hay)
            ]
            items.sort()
        self._base, self._stale = ((plain, mode), items), set()
        return items

    def _restore_wide(self, derived: dict[Key, _Derived], view: ViewFilter) -> bool:
        """`esc` back to where the words began: the tables kept then (`_wide`), with the
        rows changed since placed again. False when there are none for this filter."""
        wide, self._wide = self._wide, None
        self._shared = False  # whatever comes of it, no `_wide` shares the tables now
        plain = (replace(view, text=""), self.sort_mode)
        if wide is None or wide[0] != plain:
            return False
        changed, self._wide_stale = self._wide_stale, set()
        order = list(self._base_rows(derived, view))  # the changed rows placed in it
        self._let_go(self._rows, self._sort_keys, self._hays, self._measured, self._order)
        self._rows, self._sort_keys, self._hays, self._measured, self._lengths = wide[1]
        self._shared = False  # `_wide` is gone: they are this table's alone
        self._order = order
        matches = plain[0].matches
        for rid in changed:
            entry = derived.get(rid)
            if entry is not None and matches(entry.row, entry.labels, entry.hay):
                key = self._entry_key(entry, self.sort_mode)
                self._put(rid, entry.row, True, entry.hay, key, _widths(entry))
            else:
                self._remove(rid, bulk=True)
        self._layout = None
        self._after_change()
        return True

    def _entry_key(self, entry: _Derived, mode: str) -> tuple:
        if entry.sort_mode != mode:
            entry.sort_key, entry.sort_mode = self._sort_key(entry.row), mode
        return entry.sort_key

    def _let_go(self, *tables: object) -> None:
        """Free `tables` once the next frame is painted (see `_garbage`)."""
        if not self._garbage:
            self.call_after_refresh(self._garbage.clear)
        self._garbage.extend(tables)

    def _count_lengths(self) -> None:
        """The column widths' tallies, counted afresh from `_measured`."""
        values = self._measured.values()
        self._lengths = tuple(Counter(map(itemgetter(c), values)) for c in range(len(MEASURED)))
        self._layout = None

    def forget_derived(self) -> None:
        """Batches will pass this table by (its screen is covered): the next filter
        derives every row again."""
        self._derived = None
        self._derived_from = None
        self._base, self._wide, self._stale = None, None, set()
        self._shared = False

    def _own_tables(self) -> None:
        """The tables become this table's own (copies), `_wide` keeping the ones it shared."""
        self._rows, self._sort_keys = self._rows.copy(), self._sort_keys.copy()
        self._hays, self._measured = self._hays.copy(), self._measured.copy()
        self._lengths = tuple(Counter(counter) for counter in self._lengths)
        self._shared = False

    def _clear(self) -> None:
        if self._shared:
            self._own_tables()
        self._rows.clear()
        self._sort_keys.clear()
        self._hays.clear()
        self._order.clear()
        self._measured.clear()
        for counter in self._lengths:
            counter.clear()
        self._layout = None

    def cycle_sort(self) -> str:
        self.sort_mode = SORTS[(SORTS.index(self.sort_mode) + 1) % len(SORTS)]
        return self.sort_mode

    def follow(self, buried: dict[Key, Key]) -> None:
        """The selected pod went: the cursor goes with it to its tombstone's row (if that
        is shown; else it stays in its place). Call before `sync`."""
        moved = buried.get(self._cursor_rid) if self._cursor_rid is not None else None
        if moved is not None:
            self._cursor_rid = moved

    def select(self, key: Key) -> bool:
        index = self._index_of(row_id(key))
        if index is None:
            return False
        self._set_cursor(index)
        return True

    # ----------------------------------------------------------------- cursor

    def _set_cursor(self, index: int, scroll: bool = True) -> None:
        if not self._order:
            self._cursor, rid = 0, None
        else:
            self._cursor = max(0, min(index, len(self._order) - 1))
            rid = self._order[self._cursor][1]
        if rid != self._cursor_rid:
            self._cursor_rid = rid
            self.post_message(self.Highlighted(self, self.selected_key))
        if scroll:
            self._scroll_to_cursor()
        self.repaint_changed()

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_to_cursor(self) -> None:
        top = int(self.scroll_y)
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, immediate=True)
        elif self._cursor >= top + self._page():
            self.scroll_to(y=self._cursor - self._page() + 1, animate=False, immediate=True)

    def action_cursor_down(self) -> None:
        self._set_cursor(self._cursor + 1)

    def action_cursor_up(self) -> None:
        self._set_cursor(self._cursor - 1)

    def action_page_down(self) -> None:
        self._set_cursor(self._cursor + self._page())

    def action_page_up(self) -> None:
        self._set_cursor(self._cursor - self._page())

    def action_first(self) -> None:
        self._set_cursor(0)

    def action_last(self) -> None:
        self._set_cursor(len(self._order) - 1)

    def action_select(self) -> None:
        key = self.selected_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = int(self.scroll_y) + offset.y - 1
        if index >= len(self._order):
            return
        if index == self._cursor and event.chain > 1:
            self.action_select()
        self._set_cursor(index)

    # ----------------------------------------------------------------- drawing

    def _update_virtual_size(self) -> None:
        # The content region keeps its width when the scrollbar appears (the gutter is
        # reserved, podwatch.tcss): a new virtual size is a layout of the whole screen.
        size = Size(self.scrollable_content_region.width, len(self._order) + 1)
        if size != self.virtual_size:  # a new size costs a layout of the whole screen
            self.virtual_size = size

    def on_resize(self, _event: events.Resize) -> None:
        self._layout = None
        self._update_virtual_size()
        self._scroll_to_cursor()

    def columns(self) -> list[tuple[PodColumn, int]]:
        """Columns and their widths at the current size (cached until a width changes):
        what gives way first on a narrow screen is `columns.GIVE_WAY`'s to say."""
        width = self.scrollable_content_region.width
        natural = {c: max(n) if n else 0 for c, n in zip(MEASURED, self._lengths, strict=True)}
        natural["mark"] = 1
        natural["age"] = 6
        several = bool(self.contexts)
        signature = (width, self.all_namespaces, several, tuple(natural.values()))
        if self._layout is None or self._layout[0] != signature:
            layout = plan(natural, width, all_namespaces=self.all_namespaces, contexts=several)
            self._layout = (signature, layout)
        return self._layout[1]

    def _line(self, line: Text, style: Style, width: int, over: Style | None = None) -> Strip:
        """One row (or the header), padded to the width."""
        console = self.app.console
        segments = list(line.render(console))
        # `over` (the cursor) wins over the cells' own colours, as a selection should.
        # Runs of one style merged: each style change costs an escape sequence on the wire.
        strip = Strip(Segment.apply_style(segments, style, over)).adjust_cell_length(width, style)
        return Strip(Segment.simplify(strip), width)

    def _line_of(self, y: int) -> tuple[Text | None, bool]:
        """The text of line `y` in view (the header at 0; None below the last row) and
        whether the cursor is on it."""
        if y == 0:
            return header_line(self.columns()), False
        index = int(self.scroll_y) + y - 1
        if index >= len(self._order):
            return None, False
        return row_line(self.cells_of(self._order[index][1]), self.columns()), index == self._cursor

    @staticmethod
    def _key(line: Text | None, cursor: bool) -> tuple:
        return (None,) if line is None else (line.plain, tuple(line.spans), cursor)

    def repaint_changed(self) -> None:
        """Repaint only the lines in view that would draw differently from what is on the
        terminal: a change to a pod off screen, or an age that did not move, sends
        nothing (issue 11: every byte crosses the SSH link)."""
        region = self.scrollable_content_region
        changed = [
            y for y in range(region.height) if self._painted.get(y) != self._key(*self._line_of(y))
        ]
        if len(changed) > region.height // 2:
            self.refresh()
            return
        for y in changed:
            self.refresh(Region(0, y, region.width, 1))

    def render_line(self, y: int) -> Strip:
        self._painted_now = self.now
        width = self.scrollable_content_region.width
        base = self.rich_style
        line, on_cursor = self._line_of(y)
        self._painted[y] = self._key(line, on_cursor)
        if line is None:
            return Strip.blank(width, base)
        if y == 0:
            header = base + self.get_component_rich_style("pod-table--header")
            return self._line(line, header, width)
        if on_cursor:
            cursor = self.get_component_rich_style("pod-table--cursor")
            return self._line(line, base + cursor, width, cursor)
        return self._line(line, base, width)
