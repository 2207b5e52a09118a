"""What deserves an alert (`--alert`, `A`): a pod in scope turning NotReady, restarting,
being evicted, or getting an eviction deadline. Each transition is told once: a pod is
compared with how it was when last seen, and its first sighting is a baseline, not news
(starting podwatch on a broken cluster must not ring for every pod).

Pure: the app decides how to say it (bell, desktop notification) and how often.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from podwatch.model.k8s import Key, format_clock
from podwatch.model.nodes import acts_on_bound_pod, eviction_for, match_taints, node_taints
from podwatch.model.store import Changes, Store
from podwatch.model.tombstones import TombKey

KEEP = 50
"""Alerts remembered for `!` (the last ones)."""


@dataclass(frozen=True, slots=True)
class Alert:
    at: float
    pod: Key
    what: str

    @property
    def text(self) -> str:
        return f"{self.pod[0]}/{self.pod[1]} {self.what}"


@dataclass(slots=True)
class _Seen:
    ready: bool
    restarts: int
    deadline: float | None


class Alerts:
    """Transitions of the pods in scope that deserve an alert, each once (see module)."""

    def __init__(self, keep: int = KEEP) -> None:
        self._seen: dict[Key, _Seen] = {}
        self._evicted: set[TombKey] = set()
        self.recent: deque[Alert] = deque(maxlen=keep)
        """The last alerts, oldest first."""

    def baseline(self, store: Store) -> None:
        """Take the store as it is now as what later changes are told against, saying
        nothing: after a replay's jump (which is navigating, not news) or a rebuilt store.
        The alerts said are kept."""
        self._seen = {
            key: _Seen(store.is_ready(key), summary.restarts, _deadline(store, key))
            for key, summary in store.summaries.items()
            if key in store.pods
        }
        self._evicted = {k for k, tomb in store.tombstones.items() if tomb.gone.evicted}

    def observe(self, store: Store, changes: Changes) -> list[Alert]:
        """The alerts a batch of `changes`, applied to `store`, gives rise to."""
        out: list[Alert] = []
        now = store.now
        for key in sorted(changes.pods, key=lambda k: (len(k), k)):
            if len(key) == 3:
                self._gone(store, key, now, out)  # type: ignore[arg-type]
                continue
            if key not in store.pods:
                self._seen.pop(key, None)
                continue
            summary = store.summaries.get(key)
            if summary is None:
                continue
            seen = _Seen(store.is_ready(key), summary.restarts, _deadline(store, key))
            before = self._seen.get(key)
            self._seen[key] = seen
            if before is None or key in changes.buried:
                continue  # first sight (or a new pod under an old name): a baseline
            if before.ready and not seen.ready:
                out.append(Alert(now, key, "turned NotReady"))
            if seen.restarts > before.restarts:
                n = seen.restarts
                out.append(Alert(now, key, f"restarted ({n} restart{'' if n == 1 else 's'})"))
            if seen.deadline is not None and before.deadline is None:
                when = format_clock(seen.deadline)
                out.append(Alert(now, key, f"will be evicted at {when} (NoExecute taint)"))
        self.recent.extend(out)
        return out

    def _gone(self, store: Store, tkey: TombKey, now: float, out: list[Alert]) -> None:
        """A pod that went, once its evidence says it was evicted (it may come after the
        DELETED: the taint manager's Event)."""
        tomb = store.tombstones.get(tkey)
        if tomb is None or tkey in self._evicted or not tomb.gone.evicted:
            return
        self._evicted.add(tkey)
        out.append(Alert(now, (tkey[0], tkey[1]), f"evicted: {tomb.gone.evicted_by}"))


def _deadline(store: Store, key: Key) -> float | None:
    """When a NoExecute taint on the pod's node evicts it (None: no deadline)."""
    summary = store.summaries[key]
    node = store.nodes.get(summary.node) if summary.node else None
    if node is None or not any(acts_on_bound_pod(t) for t in node_taints(node)):
        return None  # the usual case: no pod object unpacked
    eviction = eviction_for(
        match_taints(store.pods[key], node, store.taint_first_seen, store.on_node_since(key))
    )
    if eviction is None or eviction.immediate:
        return None
    return eviction.deadline
