"""Per-pod history of what podwatch saw change (SPEC 1.7).

Kubernetes forgets Events after about an hour and keeps only the latest state
of a pod; the timeline is podwatch's own memory of transitions, which is what
makes a flapping pod visible. Facts are plain strings grouped by a scope
(pod status, endpoints) so each source replaces only its own facts.

For an incident the pane reads newest first, merged with the pod's Events in the
order etcd wrote them: by second, then resourceVersion, then arrival.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby
from sys import intern

import msgspec

from podwatch.model.events import KEvent
from podwatch.model.k8s import Key, format_age, format_clock, rv_number

DEFAULT_WINDOW = 6 * 3600.0
DEFAULT_PER_POD = 400
DEFAULT_FORGOTTEN_PODS = 2000


class TimelineEntry(msgspec.Struct, frozen=True, array_like=True):
    """A change podwatch saw. A msgspec Struct: packed and unpacked in C (`_Packed`)."""

    t: float
    """Epoch seconds, on the source's clock."""
    what: str
    old: str
    new: str
    rv: int | None = None
    """resourceVersion of the object whose arrival made this entry (the pod, its node, its
    endpoints, a probe-failure Event), so that it interleaves with the pod's Events as etcd
    ordered them. An int, not the object: the timeline stays small."""
    failed: int = 0
    """For a probe failure (`Timeline.note_failures`): the failures this Event added, with
    `total` so far; `new` is then the Event's message. Formatted when shown: the text
    would be a string of its own per entry, 7 MB at 50,000 probe-failure Events."""
    total: int = 0

    @property
    def text(self) -> str:
        if self.failed:
            return f"{self.what}: failed ×{self.failed} (total {self.total}): {self.new}"
        if not self.old:
            return f"{self.what}: {self.new}"
        return f"{self.what}: {self.old} → {self.new}"


class _Packed:
    """A pod's entries packed into one msgpack blob, as a pickled timeline holds them
    (a replay checkpoint): a store restored from one unpacks only the histories it then
    uses (the selected pod's, those that change), not the hundreds of thousands of
    entries a long recording of busy pods leaves at the bound. Restoring took 0.45 s
    and 100 MB for 1,000 pods at 400 entries each; packed, 1,000 small blobs."""

    __slots__ = ("count", "data", "first")

    def __init__(self, entries: list[TimelineEntry]) -> None:
        self.count = len(entries)
        self.first = entries[0].t if entries else math.inf
        """Time of the oldest entry (pruning checks it without unpacking)."""
        self.data = _encode(entries)

    def unpack(self) -> list[TimelineEntry]:
        return _decode(self.data)

    def __len__(self) -> int:
        return self.count


_encode = msgspec.msgpack.Encoder().encode
_decode = msgspec.msgpack.Decoder(list[TimelineEntry]).decode


def _drop_before(entries: list[TimelineEntry], horizon: float) -> int:
    """Drop the entries before `horizon` from the front; how many went."""
    n = 0
    for e in entries:
        if e.t >= horizon:
            break
        n += 1
    if n:
        del entries[:n]
    return n


class Timeline:
    """Bounded: each pod keeps at most `per_pod` entries and only `window` seconds,
    and the histories of deleted pods are dropped oldest-first beyond `forgotten`.

    Pickled, each history is packed (`_Packed`) and unpacked again when first used."""

    def __init__(
        self,
        *,
        window: float = DEFAULT_WINDOW,
        per_pod: int = DEFAULT_PER_POD,
        forgotten: int = DEFAULT_FORGOTTEN_PODS,
    ) -> None:
        self.window = window
        self.per_pod = per_pod
        self.forgotten_limit = forgotten
        self._entries: dict[tuple[str, ...], list[TimelineEntry] | _Packed] = {}
        """Per pod (a live pod's `Key`, or a tombstone's three-part key), its entries,
        oldest first, at most `per_pod` (packed, in a store restored from a pickle, until
        used: see `_history`). Lists, not bounded deques: a deque of a few entries takes
        six times a list's memory, and most pods have a few."""
        self._facts: dict[tuple[str, ...], dict[str, dict[str, str]]] = {}
        """Per pod, per scope (pod, node, svc X), the facts last seen."""
        self._deleted: OrderedDict[tuple[str, ...], None] = OrderedDict()
        self.source_rv = ""
        """resourceVersion of the object being applied (the store sets it before each
        event): every entry that object causes carries it."""

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_entries"] = {
            key: v if isinstance(v, _Packed) else _Packed(v) for key, v in self._entries.items()
        }
        return state

    def _history(self, key: tuple[str, ...]) -> list[TimelineEntry] | None:
        """The pod's entries, unpacked if they were packed."""
        found = self._entries.get(key)
        if isinstance(found, _Packed):
            found = self._entries[key] = found.unpack()
        return found

    def _entry(self, t: float, what: str, old: str, new: str) -> TimelineEntry:
        return TimelineEntry(t, what, old, new, rv_number(self.source_rv))

    def observe(self, key: Key, t: float, scope: str, facts: dict[str, str]) -> list[TimelineEntry]:
        """Replace the facts of `scope` for `key`; record and return what changed."""
        scopes = self._facts.get(key)
        if scopes is None:
            scopes = self._facts[key] = {}
        if key in self._deleted:
            self._deleted.pop(key, None)
        old = scopes.get(scope)
        if old == facts:
            return []  # the common case: a MODIFIED that changed nothing shown here
        # Kept for every pod: interned, the few dozen distinct facts ("condition Ready",
        # "True (ContainersNotReady)") are held once, not once per pod (at 100,000 pods,
        # tens of MB).
        facts = scopes[scope] = {intern(k): intern(v) for k, v in facts.items()}
        added: list[TimelineEntry] = []
        if not old and scope == "pod" and facts:
            # First sight: one line with the essentials, not one per fact.
            summary = ", ".join(f"{k} {v}" for k, v in facts.items() if k in ("status", "node"))
            added.append(self._entry(t, "first seen", "", summary or "present"))
        else:
            old = old or {}
            for name, value in facts.items():
                before = old.get(name)
                if before != value:
                    added.append(self._entry(t, name, before or "", value))
            for name, before in old.items():
                if name not in facts:
                    added.append(self._entry(t, name, before, "gone"))
        if added:
            self._append(key, added)
        return added

    def seed(self, key: Key, scope: str, facts: dict[str, str]) -> None:
        """Set the facts of `scope` without recording them as changes."""
        self._facts.setdefault(key, {})[scope] = dict(facts)

    def note(self, key: Key, t: float, what: str, text: str) -> TimelineEntry:
        """Record a one-off happening (a probe failure, a deletion)."""
        entry = self._entry(t, what, "", text)
        self._append(key, [entry])
        return entry

    def note_failures(
        self, key: Key, t: float, what: str, failed: int, total: int, message: str
    ) -> TimelineEntry:
        """Record probe failures an Event added: `failed` more, `total` so far."""
        entry = TimelineEntry(t, what, "", message, rv_number(self.source_rv), failed, total)
        self._append(key, [entry])
        return entry

    def _append(self, key: Key, entries: list[TimelineEntry]) -> None:
        held = self._history(key)
        if held is None:
            held = self._entries[key] = []
        held.extend(entries)
        if len(held) > self.per_pod:
            del held[: len(held) - self.per_pod]
        _drop_before(held, entries[-1].t - self.window)

    def entries(self, key: tuple[str, ...], now: float | None = None) -> list[TimelineEntry]:
        """The pod's entries, within the window before `now` when given (a quiet pod's
        history ages out even though nothing new is appended to it)."""
        dq = self._history(key) or ()
        if now is None:
            return list(dq)
        horizon = now - self.window
        return [e for e in dq if e.t >= horizon]

    def prune(self, now: float) -> int:
        """Drop every entry older than the window, and the pods left with none (a long
        run then holds only the window's worth). Returns how many entries went."""
        horizon = now - self.window
        dropped = 0
        for key, held in list(self._entries.items()):
            if isinstance(held, _Packed) and held.first >= horizon:
                continue  # nothing to drop: left packed
            dq = self._history(key)
            if dq is None:
                continue
            dropped += _drop_before(dq, horizon)
            if not dq:
                del self._entries[key]
                self._deleted.pop(key, None)
        return dropped

    def bury(self, key: Key, tomb: tuple[str, ...], t: float, text: str = "deleted") -> None:
        """The pod `key` is gone: note it, and move its history to its tombstone's key
        `tomb`, so that the evidence stays with the tombstone and a pod re-created under
        the same name starts a history of its own. Histories of gone pods are dropped
        oldest first beyond `forgotten` (the store drops its tombstones' sooner)."""
        self.note(key, t, "pod", text)
        self._facts.pop(key, None)
        self._deleted.pop(key, None)
        entries = self._entries.pop(key, None)
        if entries is not None:
            self._entries[tomb] = entries
        self._deleted[tomb] = None
        self._deleted.move_to_end(tomb)
        while len(self._deleted) > self.forgotten_limit:
            old, _ = self._deleted.popitem(last=False)
            self._entries.pop(old, None)

    def rename(self, old: tuple[str, ...], new: tuple[str, ...]) -> None:
        """`old`'s history is `new`'s from now on (a tombstone whose pod came back):
        merged in time order with any `new` has meanwhile."""
        self._deleted.pop(old, None)
        entries = self._history(old)
        if entries is None:
            return
        del self._entries[old]
        mine = self._history(new)
        if mine:
            entries = sorted([*entries, *mine], key=lambda e: e.t)[-self.per_pod :]
        self._entries[new] = entries

    def forget(self, key: tuple[str, ...]) -> None:
        """Drop a history for good (a tombstone that expired or was pushed out)."""
        self._entries.pop(key, None)
        self._facts.pop(key, None)
        self._deleted.pop(key, None)

    def histories(self) -> list[tuple[str, ...]]:
        """Every key that has a history (live pods, tombstones, pods never listed)."""
        return list(self._entries)

    def was_deleted(self, key: Key) -> bool:
        """Whether podwatch saw this pod deleted (and still keeps its history)."""
        return key in self._deleted

    def __len__(self) -> int:
        return sum(len(dq) for dq in self._entries.values())

    @property
    def pods(self) -> int:
        return len(self._entries)


# --------------------------------------------------------------------------- the pane's rows


@dataclass(slots=True, frozen=True)
class TimelineRow:
    """One line of the Timeline pane: a change podwatch saw, or one of the pod's Events."""

    t: float | None
    """When: the change, or the Event's last occurrence; None if the Event tells no time."""
    what: str
    """Untrusted text (the renderer passes it through `safe.plain`)."""
    detail: str = ""
    """An Event's message, after the count and time range."""
    rv: int | None = None
    count: int = 1
    """How many occurrences the API server folded into this Event."""
    first: float | None = None
    """A repeated Event's first occurrence."""


def entry_row(entry: TimelineEntry) -> TimelineRow:
    """A change podwatch saw, as one row (its text already says what went from what to what)."""
    return TimelineRow(entry.t, entry.text, rv=entry.rv)


def event_row(ev: KEvent) -> TimelineRow:
    """An Event with every occurrence it counted (core/v1 count and first/lastTimestamp;
    events.k8s.io/v1 series.count, eventTime and series.lastObservedTime: `KEvent` holds
    both shapes the same way)."""
    what = " ".join(part for part in ("event", ev.type, ev.reason) if part)
    return TimelineRow(ev.last, what, ev.message, ev.rv, ev.count, ev.first)


def timeline_rows(entries: Iterable[TimelineEntry], events: Iterable[KEvent]) -> list[TimelineRow]:
    """podwatch's changes and the pod's Events, newest first, so that the pane opens on the
    latest change. Arrival order is the entries as recorded, then the Events as first seen."""
    rows = [entry_row(e) for e in entries]
    rows += [event_row(e) for e in sorted(events, key=lambda e: e.seq)]
    return in_time_order(rows)[::-1]


def in_time_order(rows: list[TimelineRow]) -> list[TimelineRow]:
    """Oldest first: by the second (Event times have no finer resolution, so a finer
    receive time would put the kubelet's `Pulling` before the scheduler's `Scheduled`),
    then by resourceVersion, then as given (arrival)."""
    by_second = sorted(rows, key=_second)  # stable: arrival order within a second
    ordered: list[TimelineRow] = []
    for _second_key, same in groupby(by_second, key=_second):
        ordered += _by_rv(list(same))
    return ordered


def _second(row: TimelineRow) -> float:
    if row.t is None or not math.isfinite(row.t):
        return -math.inf  # no usable time: the oldest, where it misleads least
    return float(math.floor(row.t))


def _by_rv(rows: list[TimelineRow]) -> list[TimelineRow]:
    """Rows with an integer resourceVersion take the places such rows hold, in rv order;
    the others (an opaque rv, or none) keep their arrival place. This stays a total,
    stable order however the two kinds mix."""
    ranked = sorted((r for r in rows if r.rv is not None), key=_rv)
    if len(ranked) < 2:
        return rows
    it = iter(ranked)
    return [next(it) if r.rv is not None else r for r in rows]


def _rv(row: TimelineRow) -> int:
    return -1 if row.rv is None else row.rv


def spans_days(rows: Iterable[TimelineRow]) -> bool:
    """Whether the times the rows show fall on more than one local date: then a bare
    HH:MM:SS is ambiguous and the date is shown."""
    days = {_day(t) for row in rows for t in _shown_times(row) if math.isfinite(t)}
    days.discard("-")
    return len(days) > 1


def _shown_times(row: TimelineRow) -> list[float]:
    """The row's time, and a repeated Event's first occurrence (`row_text` shows it)."""
    times = [] if row.t is None else [row.t]
    if row.count > 1 and row.first is not None:
        times.append(row.first)
    return times


def _day(epoch: float) -> str:
    return format_clock(epoch, date=True).partition(" ")[0]


def when_text(row: TimelineRow, now: float, *, dated: bool = False) -> str:
    """`07:41:30  2m10s ago`: the wall-clock time, to match with logs and alerts, beside the
    age. Both count from the whole second, as Event times do, so the rows of one second
    agree and the ages never go backwards down the pane."""
    second = _second(row)
    if not math.isfinite(second):
        return "-"
    return f"{format_clock(second, date=dated)}  {format_age(now - second)} ago"


def row_text(row: TimelineRow, *, dated: bool = False) -> str:
    """The WHAT of a row: `event Warning Unhealthy ×4, 07:41:30–07:41:45: Readiness probe
    failed: ...` for a repeated Event, so that the count and its span are not lost."""
    text = row.what
    if row.count > 1:
        text += f" ×{row.count}"
        if row.first is not None and row.t is not None:
            first = format_clock(row.first, date=dated)
            last = format_clock(row.t, date=dated)
            if first != last:
                text += f", {first}–{last}"
    return f"{text}: {row.detail}" if row.detail else text
