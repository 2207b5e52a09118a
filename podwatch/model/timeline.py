"""Per-pod history of what podwatch saw change (SPEC 1.7).

Kubernetes forgets Events after about an hour and keeps only the latest state
of a pod; the timeline is podwatch's own memory of transitions, which is what
makes a flapping pod visible. Facts are plain strings grouped by a scope
(pod status, endpoints) so each source replaces only its own facts.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass

from podwatch.model.k8s import Key

DEFAULT_WINDOW = 6 * 3600.0
DEFAULT_PER_POD = 400
DEFAULT_FORGOTTEN_PODS = 2000


@dataclass(slots=True, frozen=True)
class TimelineEntry:
    t: float
    """Epoch seconds, on the source's clock."""
    what: str
    old: str
    new: str

    @property
    def text(self) -> str:
        if not self.old:
            return f"{self.what}: {self.new}"
        return f"{self.what}: {self.old} → {self.new}"


class Timeline:
    """Bounded: each pod keeps at most `per_pod` entries and only `window` seconds,
    and the histories of deleted pods are dropped oldest-first beyond `forgotten`."""

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
        self._entries: dict[Key, deque[TimelineEntry]] = {}
        self._facts: dict[Key, dict[str, dict[str, str]]] = {}
        """Per pod, per scope (pod, node, svc X), the facts last seen."""
        self._deleted: OrderedDict[Key, None] = OrderedDict()

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
        scopes[scope] = dict(facts)
        added: list[TimelineEntry] = []
        if not old and scope == "pod" and facts:
            # First sight: one line with the essentials, not one per fact.
            summary = ", ".join(f"{k} {v}" for k, v in facts.items() if k in ("status", "node"))
            added.append(TimelineEntry(t, "first seen", "", summary or "present"))
        else:
            old = old or {}
            for name, value in facts.items():
                before = old.get(name)
                if before != value:
                    added.append(TimelineEntry(t, name, before or "", value))
            for name, before in old.items():
                if name not in facts:
                    added.append(TimelineEntry(t, name, before, "gone"))
        if added:
            self._append(key, added)
        return added

    def seed(self, key: Key, scope: str, facts: dict[str, str]) -> None:
        """Set the facts of `scope` without recording them as changes."""
        self._facts.setdefault(key, {})[scope] = dict(facts)

    def note(self, key: Key, t: float, what: str, text: str) -> TimelineEntry:
        """Record a one-off happening (a probe failure, a deletion)."""
        entry = TimelineEntry(t, what, "", text)
        self._append(key, [entry])
        return entry

    def _append(self, key: Key, entries: list[TimelineEntry]) -> None:
        dq = self._entries.get(key)
        if dq is None:
            dq = self._entries[key] = deque(maxlen=self.per_pod)
        dq.extend(entries)
        horizon = entries[-1].t - self.window
        while dq and dq[0].t < horizon:
            dq.popleft()

    def entries(self, key: Key, now: float | None = None) -> list[TimelineEntry]:
        """The pod's entries, within the window before `now` when given (a quiet pod's
        history ages out even though nothing new is appended to it)."""
        dq = self._entries.get(key, ())
        if now is None:
            return list(dq)
        horizon = now - self.window
        return [e for e in dq if e.t >= horizon]

    def prune(self, now: float) -> int:
        """Drop every entry older than the window, and the pods left with none (a long
        run then holds only the window's worth). Returns how many entries went."""
        horizon = now - self.window
        dropped = 0
        for key in list(self._entries):
            dq = self._entries[key]
            while dq and dq[0].t < horizon:
                dq.popleft()
                dropped += 1
            if not dq:
                del self._entries[key]
                self._deleted.pop(key, None)
        return dropped

    def mark_deleted(self, key: Key, t: float) -> None:
        """Keep a deleted pod's history for a while (the incident is often about it)."""
        self.note(key, t, "pod", "deleted")
        self._facts.pop(key, None)
        self._deleted[key] = None
        self._deleted.move_to_end(key)
        while len(self._deleted) > self.forgotten_limit:
            old, _ = self._deleted.popitem(last=False)
            self._entries.pop(old, None)

    def __len__(self) -> int:
        return sum(len(dq) for dq in self._entries.values())

    @property
    def pods(self) -> int:
        return len(self._entries)
