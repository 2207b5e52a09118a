"""Several clusters at once: `--context a,b` and `--all-contexts`.

One `LiveSource` per context: its own API client, its own watches (a thread per kind)
and its own Store. Two clusters may both have `default/web-0`, a Service selects the
pods of its own cluster, and a node's taints are its cluster's: kept apart, nothing in
the model has to know there are several. A context that fails (its configuration, or
unreachable, 401, 403 once watching) is marked, and the others carry on.

One recording holds them all: every event is marked with its context, written on one
time line (the members share their start).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from podwatch.kube.config import Member
from podwatch.kube.listwatch import KindStatus, WatchSettings
from podwatch.kube.source import Clock, LiveSource, SourceStatus
from podwatch.kube.states import WatchState
from podwatch.model.contexts import scoped, split_scoped
from podwatch.model.store import Changes, Store
from podwatch.recording.writer import RecordingWriter


class SharedRecorder:
    """One member's handle on the recording the fleet writes: a member's `stop` closes
    its recorder, and the file must outlive every member but the last."""

    def __init__(self, writer: RecordingWriter) -> None:
        self._writer = writer

    def write(self, event, t: float | None = None) -> None:
        self._writer.write(event, t)

    @property
    def count(self) -> int:
        return self._writer.count

    def close(self) -> None:
        """Closed by the fleet, after every member has stopped."""


@dataclass
class Watched:
    """A context of the fleet: its source, or the error that left it without one."""

    context: str
    source: LiveSource | None
    error: str = ""


class Fleet:
    """The members' sources, started, polled and stopped together."""

    def __init__(
        self,
        members: list[Member],
        *,
        clock: Clock = time.time,
        store_factory: Callable[[], Store] = Store,
        recorder: RecordingWriter | None = None,
        restart_logs: bool = False,
        settings: WatchSettings | None = None,
    ) -> None:
        self.clock = clock
        self.started = clock() if recorder is None else recorder.started
        self.recorder = recorder
        self.watched: list[Watched] = []
        for member in members:
            if member.cluster is None or member.scope is None:
                self.watched.append(Watched(member.context, None, member.error))
                continue
            source = LiveSource(
                member.cluster,
                member.scope,
                clock=clock,
                store_factory=store_factory,
                recorder=None if recorder is None else SharedRecorder(recorder),  # type: ignore[arg-type]
                restart_logs=restart_logs,
                context=member.context,
                started=self.started,
                settings=settings,
            )
            self.watched.append(Watched(member.context, source))

    @property
    def sources(self) -> list[LiveSource]:
        return [w.source for w in self.watched if w.source is not None]

    def start(self) -> Fleet:
        for source in self.sources:
            source.start()
        return self

    def poll(self) -> dict[str, Changes]:
        """Each member's batch, by context."""
        return {w.context: w.source.poll() for w in self.watched if w.source is not None}

    def stop(self, timeout: float = 2.0) -> None:
        """Every member stopped (each bounded by `timeout`), then the recording closed
        and the clients."""
        for source in self.sources:
            source.stop(timeout)
        if self.recorder is not None:
            self.recorder.close()
        for source in self.sources:
            source.cluster.close()

    def wait_settled(self, timeout: float, interval: float = 0.05) -> bool:
        """`LiveSource.wait_settled` for all at once: until every member has listed or
        is plainly unreachable, bounded by `timeout`."""
        deadline = time.monotonic() + timeout
        pending = list(self.sources)
        while pending and time.monotonic() < deadline:
            for source in pending:
                source.poll()
            pending = [s for s in pending if not (s.settled() or s.unreachable())]
            if pending:
                time.sleep(interval)
        for source in self.sources:
            source.poll()
        return all(source.settled() for source in self.sources)


class FleetSource:
    """The dashboard's source over a fleet: the members' batches, `scoped` with their
    context (model/contexts.py), applied to one store, so that one table shows every
    cluster's pods and every pane names the cluster (`east/default/web-0`). The members
    keep no store of their own; each still lists, watches and records as it would
    alone, and its watch states are its own (one cluster down is stale alone).

    Stopping is the fleet's owner's (the cli), as for a LiveSource."""

    def __init__(self, fleet: Fleet, store_factory: Callable[[], Store] = Store) -> None:
        self.fleet = fleet
        self.store = store_factory()
        self.store.now = fleet.started
        self.contexts = [w.context for w in fleet.watched]
        self.errors = {w.context: w.error for w in fleet.watched if w.source is None}
        """The contexts that have no source: their configuration failed."""

    @property
    def replay(self) -> None:
        return None

    def cluster_for(self, pod: tuple[str, str]):
        """(cluster, namespace, name) of a pod of the one store (`east/default`, web-0):
        its own context's client and the namespace that cluster knows; None if no
        context of the fleet has it."""
        context, namespace = split_scoped(pod[0], self.contexts)
        for w in self.fleet.watched:
            if w.context == context and w.source is not None:
                return (w.source.cluster, namespace, pod[1])
        return None

    @property
    def received(self) -> int:
        return sum(source.received for source in self.fleet.sources)

    def poll(self) -> Changes:
        changes = Changes()
        apply_all = self.store.apply_all
        for w in self.fleet.watched:
            if w.source is not None:
                batch = [scoped(event, w.context) for event in w.source.take()]
                apply_all(batch, self.fleet.started, changes)
        now = self.fleet.clock()
        if now > self.store.now:
            self.store.now = now
        if self.store.tombstones:
            changes.pods |= self.store.expire_tombstones()
        self.store.unreadable_in = {
            w.context: w.source.unreadable_kinds()
            for w in self.fleet.watched
            if w.source is not None
        }
        self.store.unreadable = frozenset().union(*self.store.unreadable_in.values())
        return changes

    def notify_arrivals(self, callback: Callable[[], None] | None) -> None:
        for source in self.fleet.sources:
            source.notify_arrivals(callback)

    def reauthenticate_with(self, wrapper) -> None:
        for source in self.fleet.sources:
            source.reauthenticate_with(wrapper)

    def covers(self, namespace: str | None) -> bool:
        return all(source.covers(namespace) for source in self.fleet.sources)

    def statuses(self) -> dict[str, KindStatus]:
        """Every member's kinds, named `context:Kind`; a context whose kinds are all in
        one state other than watching is one entry named by the context (a cluster
        down is one thing to say, not twelve); a context without a source, failed."""
        out: dict[str, KindStatus] = {}
        for w in self.fleet.watched:
            if w.source is None:
                out[w.context] = KindStatus(
                    w.context, WatchState.FAILED, self.fleet.started, last_error=w.error
                )
                continue
            kinds = w.source.statuses()
            states = {st.state for st in kinds.values()}
            if len(states) == 1 and WatchState.WATCHING not in states:
                out[w.context] = _together(w.context, list(kinds.values()))
                continue
            for kind, st in kinds.items():
                out[f"{w.context}:{kind}"] = st
        return out

    def status(self) -> SourceStatus:
        scopes = {source.scope.describe() for source in self.fleet.sources}
        rate = sum(source.rate.per_second(self.fleet.clock()) for source in self.fleet.sources)
        return SourceStatus(
            ",".join(self.contexts),
            " | ".join(sorted(scopes)) if len(scopes) > 1 else next(iter(scopes), ""),
            rate,
            self.statuses(),
            any(source.lists_pending() for source in self.fleet.sources),
        )

    def stale_kinds(self) -> dict[str, KindStatus]:
        """The stale kinds, named as in `statuses` (a context stale whole: its name)."""
        out: dict[str, KindStatus] = {}
        for w in self.fleet.watched:
            if w.source is None:
                continue
            stale = w.source.stale_kinds()
            if stale and len(stale) == len(w.source.watchers):
                out[w.context] = _together(w.context, list(stale.values()))
            else:
                out.update({f"{w.context}:{kind}": st for kind, st in stale.items()})
        return out

    @property
    def stale_since(self) -> float | None:
        down = [st.since for st in self.stale_kinds().values()]
        return min(down) if down else None


def _together(context: str, kinds: list[KindStatus]) -> KindStatus:
    """One status for a context's kinds that are all in one state: the earliest since,
    the most attempts, an error one of them had."""
    first = min(kinds, key=lambda st: st.since)
    errors = sorted(st.last_error for st in kinds if st.last_error)
    return KindStatus(
        context,
        first.state,
        first.since,
        attempt=max(st.attempt for st in kinds),
        last_error=errors[0] if errors else "",
    )
