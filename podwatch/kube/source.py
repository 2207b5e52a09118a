"""Sources: what the dashboard and `--once` read from, live or recorded.

Every source owns a `Store` and exposes the same small interface: `poll()`
applies whatever has arrived (or, in replay, whatever is due by the clock)
and returns the `Changes`; `store.now` is the moment being shown. The app
calls `poll()` on a timer and redraws what changed, whatever the source.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from podwatch.jumps import describe, pod_of
from podwatch.kube.config import Cluster, Scope
from podwatch.kube.listwatch import KindStatus, KindWatcher, WatchSettings
from podwatch.kube.logs import RestartLogs
from podwatch.kube.states import REFUSED, STALE, WatchState
from podwatch.model.k8s import Key
from podwatch.model.logs import LOG_KIND
from podwatch.model.store import Changes, Store
from podwatch.model.watch import KINDS, WatchEvent
from podwatch.recording.eventlog import EventLog, MemoryLog, replay_store
from podwatch.recording.format import Recording
from podwatch.recording.writer import RecordingWriter

Clock = Callable[[], float]
"""Monotonic seconds; injectable so that tests control time."""


def _run(fn: Callable[[], None]) -> None:
    fn()


ReauthWrapper = Callable[[Callable[[], None]], None]
"""Runs a re-authentication (the function it is given). The dashboard suspends itself
around it, so that a credential plugin that asks for a password gets the terminal."""


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """What the status line says about a source, whatever it is."""

    where: str
    """Live: the kubeconfig context; replay: the recording's context, or "recording"."""
    scope: str = ""
    """Live: what is watched ("namespace default", "all namespaces", selectors)."""
    rate: float = 0.0
    """Live: events per second lately (bookmarks left out)."""
    kinds: Mapping[str, KindStatus] = field(default_factory=dict)
    """Live: each watched kind's state; a recording watches nothing."""
    listing: bool = False
    """Live: a list is coming in (the first, or a re-list after 410 Gone), or waits in
    the queue to be applied (`LiveSource.lists_pending`)."""


@dataclass(frozen=True, slots=True)
class Jump:
    """Where a replay jump went: what to redraw, and the event it stopped at."""

    changes: Changes
    pod: Key | None
    """The pod that event is about (the Pod itself, or an Event's object)."""
    what: str
    """What that event did, in a few words (`Pod changed`, `Warning BackOff ×2: ...`):
    cluster text, to be shown as untrusted."""


class ReplayControls(Protocol):
    """What the replay keys act on: pause, speed, step, seek and jump through a
    recording, and where it is. A live source has none (its `replay` is None).

    Every move but `seek` stops on an event: exactly the events up to it applied, the
    position at its time, paused, until `seek` or play moves on."""

    @property
    def paused(self) -> bool: ...

    @property
    def speed(self) -> float: ...

    @property
    def started(self) -> float:
        """Wall time of the recording's start."""
        ...

    @property
    def duration(self) -> float: ...

    @property
    def position(self) -> float:
        """Seconds since the recording's start."""
        ...

    @property
    def finished(self) -> bool: ...

    @property
    def next_index(self) -> int:
        """How many events have been applied."""
        ...

    @property
    def event_count(self) -> int: ...

    def toggle_pause(self) -> bool: ...

    def set_speed(self, speed: float) -> None: ...

    def step(self) -> Changes | None:
        """Apply exactly the next event and pause there. None at the end of the
        recording: nothing moves."""
        ...

    def step_back(self) -> Changes | None:
        """Undo the last event applied: pause at the event before it (at the start if
        there is none). None if no event is applied: nothing moves."""
        ...

    def seek(self, position: float) -> Changes: ...

    def jump_to_change(self, pod: Key, direction: int) -> Jump | None:
        """Go to the next (`direction` > 0) or previous change of `pod` (podwatch/jumps.py
        says what a change is): after the last event applied, or before it. None if
        there is none that way: nothing moves."""
        ...

    def jump_to_warning(self, namespace: str | None, direction: int = 1) -> Jump | None:
        """Go to the next or previous Warning Event about an object in `namespace`
        (None: any) or about a Node. None if there is none that way: nothing moves."""
        ...


class Source(Protocol):
    """What the dashboard reads from, live or recorded, without asking which.

    Stopping is not part of it: whoever creates a source stops it (see
    `LiveSource.stop`)."""

    store: Store
    received: int
    """Events applied in all."""

    def poll(self) -> Changes: ...

    def notify_arrivals(self, callback: Callable[[], None] | None) -> None:
        """From now on call `callback` (from any thread) when events arrive while none
        are waiting, and at once if some are waiting already, so that a consumer can
        poll at once instead of on its next timer tick (None: no more calls). A
        recording never calls it: its events are due by the clock."""
        ...

    @property
    def replay(self) -> ReplayControls | None:
        """The replay controls; None for a live source."""
        ...

    def status(self) -> SourceStatus: ...

    def stale_kinds(self) -> dict[str, KindStatus]:
        """The kinds whose data is going stale (none, in a recording)."""
        ...

    def covers(self, namespace: str | None) -> bool:
        """Whether what the source delivers already includes `namespace` (None: every
        namespace), so that `:ns` filters the view; if not, a new watch is needed."""
        ...

    def reauthenticate_with(self, wrapper: ReauthWrapper | None) -> None:
        """How to run a re-authentication from now on (None: directly)."""
        ...


class ReplaySource:
    """Plays a recording through a store at recorded speed times `speed`.

    Position is recording time in seconds. Pausing freezes it; `step` applies
    exactly one more event and `step_back` takes the last one back; `seek` goes
    anywhere; the jumps go to an event (a pod's change, a Warning). The events come
    from an `EventLog` (recording/eventlog.py): a recording held whole, or one read
    from its files through an index. A move that goes back, or forward past a kept
    copy of the store (a checkpoint), starts again from the nearest checkpoint at or
    before the target (`_rewind`) and applies what follows.
    """

    MARKS_KEPT = 64
    """Jump targets computed (per pod, per namespace's Warnings) kept for the next key."""
    CHECKPOINT_EVERY = 5_000
    CHECKPOINTS_KEPT = 64
    APPLY_RATHER = 1_000
    """Going forward, events applied rather than loading a checkpoint past them."""

    def __init__(
        self,
        recording: Recording | EventLog,
        *,
        clock: Clock = time.monotonic,
        speed: float = 1.0,
        paused: bool = False,
        store_factory: Callable[[], Store] = replay_store,
        checkpoint_every: int = CHECKPOINT_EVERY,
        checkpoints_kept: int = CHECKPOINTS_KEPT,
    ) -> None:
        if isinstance(recording, Recording):
            recording = MemoryLog(recording, every=checkpoint_every, kept=checkpoints_kept)
        self.log: EventLog = recording
        self.times = recording.times
        self.started = recording.started
        self.clock = clock
        self.speed = speed
        self.paused = paused
        self._store_factory = store_factory
        self.store = store_factory()
        self._next = 0
        self.received = 0
        """Events applied in all, counting those applied again after a seek back."""
        self._anchor_pos = 0.0
        self._anchor_clock = clock()
        self._position = 0.0
        self._on_event = False
        """Stopped on an event (a step, a jump): the events due at the same time after it
        wait for play or a seek, not for the next poll."""
        self._marks: dict[tuple[str, object], list[int]] = {}
        self.store.now = self.started

    # ----------------------------------------------------------------- interface

    @property
    def replay(self) -> ReplaySource:
        return self

    def notify_arrivals(self, callback: Callable[[], None] | None) -> None:
        pass  # a recording's events are due by the clock: `poll` on a timer

    def status(self) -> SourceStatus:
        context = self.log.header.get("context")
        several = self.log.header.get("contexts")
        if not context and isinstance(several, list):
            context = ",".join(str(c) for c in several)
        return SourceStatus(str(context) if context else "recording")

    def stale_kinds(self) -> dict[str, KindStatus]:
        return {}

    def covers(self, namespace: str | None) -> bool:
        return True  # a recording holds what it holds: `:ns` only filters it

    def reauthenticate_with(self, wrapper: ReauthWrapper | None) -> None:
        pass  # nothing to authenticate

    @property
    def event_count(self) -> int:
        return len(self.log)

    @property
    def duration(self) -> float:
        return self.log.duration

    @property
    def position(self) -> float:
        return self._position

    @property
    def next_index(self) -> int:
        """How many events have been applied."""
        return self._next

    @property
    def finished(self) -> bool:
        return self._next >= len(self.log) and self._position >= self.duration

    def poll(self) -> Changes:
        if not self.paused:
            target = self._anchor_pos + (self.clock() - self._anchor_clock) * self.speed
            self._position = min(max(target, self._position), self.duration)
        elif self._on_event:
            return Changes()
        return self._apply_until(self._position)

    # ----------------------------------------------------------------- controls

    def _reanchor(self) -> None:
        self._anchor_pos = self._position
        self._anchor_clock = self.clock()

    def pause(self) -> None:
        if not self.paused:
            self.poll()
            self.paused = True

    def resume(self) -> None:
        if self.paused:
            self.paused = False
            self._on_event = False
            self._reanchor()

    def toggle_pause(self) -> bool:
        if self.paused:
            self.resume()
        else:
            self.pause()
        return self.paused

    def set_speed(self, speed: float) -> None:
        self.poll()
        self.speed = max(0.01, min(speed, 10_000.0))
        self._reanchor()

    def step(self) -> Changes | None:
        """Apply exactly the next event and pause there (None at the end)."""
        self.pause()
        if self._next >= len(self.log):
            return None
        self._position = max(self._position, self.times[self._next])
        changes = Changes()
        self._advance(self._next + 1, changes)
        self.store.now = self.started + self._position
        self._on_event = True
        self._reanchor()
        return changes

    def step_back(self) -> Changes | None:
        self.pause()
        if self._next == 0:
            return None
        return self._stop_after(self._next - 1)

    def seek(self, position: float) -> Changes:
        """Go to `position` seconds: from the nearest checkpoint when that is shorter."""
        position = min(max(position, 0.0), self.duration)
        self._position = position
        self._on_event = False
        changes = self._go_to(bisect_right(self.times, position))
        self.store.now = self.started + position
        self._reanchor()
        return changes

    def jump_to_change(self, pod: Key, direction: int) -> Jump | None:
        return self._jump(("pod", pod), lambda: self.log.marks.pod_changes(pod), direction)

    def jump_to_warning(self, namespace: str | None, direction: int = 1) -> Jump | None:
        return self._jump(
            ("warning", namespace), lambda: self.log.marks.warnings_in(namespace), direction
        )

    def _jump(
        self, what: tuple[str, object], find: Callable[[], Sequence[int]], direction: int
    ) -> Jump | None:
        """To the first event of `find()` (indexes, in order) after the last one applied,
        or the last before it; None if there is none that way."""
        marks = self._marks.pop(what, None)
        if marks is None:
            marks = find()
            if len(self._marks) >= self.MARKS_KEPT:
                self._marks.pop(next(iter(self._marks)))  # the oldest asked for
        self._marks[what] = marks
        self.pause()
        current = self._next - 1  # the last event applied (-1: none)
        i = bisect_right(marks, current) if direction > 0 else bisect_left(marks, current) - 1
        if not 0 <= i < len(marks):
            return None
        index = marks[i]
        event = self.log.event(index)
        return Jump(self._stop_after(index + 1), pod_of(event), describe(event))

    def _stop_after(self, count: int) -> Changes:
        """Exactly the first `count` events applied, paused at the time of the last of
        them (the start if none)."""
        changes = self._go_to(count)
        self._position = self.times[count - 1] if count else 0.0
        self.store.now = self.started + self._position
        self._on_event = True
        self._reanchor()
        return changes

    def _go_to(self, count: int) -> Changes:
        """Exactly the first `count` events applied: going back, or forward past a
        checkpoint, from the nearest checkpoint at or before it (`_rewind`)."""
        changes = Changes()
        if count < self._next or self._checkpoint_ahead(count):
            changes.merge(self._rewind(count))
        self._advance(count, changes)
        return changes

    def _checkpoint_ahead(self, count: int) -> bool:
        """Whether a checkpoint at or before `count` saves applying more than
        `APPLY_RATHER` events (loading one costs about as much as applying those)."""
        kept = self.log.checkpoints
        i = bisect_right(kept, count)
        return bool(i) and kept[i - 1] > self._next + self.APPLY_RATHER

    def _rewind(self, target: int) -> Changes:
        """To the nearest state at or before `target` events applied, to apply forward
        from: the latest checkpoint not after it, else the start (an empty store)."""
        found = self.log.nearest(target)
        if found is not None:
            self._next, self.store = found
        else:
            self._next = 0
            self.store = self._store_factory()
            self.store.now = self.started
        changes = Changes()
        changes.reset = True
        return changes

    @property
    def checkpoints(self) -> list[int]:
        """The event counts a checkpoint is kept at, in order."""
        return self.log.checkpoints

    def run_to_end(self) -> Changes:
        return self.seek(self.duration)

    # ----------------------------------------------------------------- applying

    def _advance(self, end: int, changes: Changes) -> None:
        """Apply the events up to `end` (a count), offering the log a checkpoint at each
        multiple of its spacing passed. A checkpoint is taken right after its last event,
        inside the batch: the store's clock is that event's time then, as applying from
        the start leaves it (between polls the source moves it on to the position)."""
        at = self._next
        self.received += max(0, end - at)
        while at < end:
            interval = self.log.checkpoint_every
            mark = (at // interval + 1) * interval if interval else end
            stop = min(mark, end)
            self.store.apply_all(self.log.read(at, stop), self.started, changes)
            at = self._next = stop
            if interval and stop == mark:
                self.log.offer(mark, self.store)

    def _apply_until(self, position: float) -> Changes:
        end = max(self._next, bisect_right(self.times, position))
        changes = Changes()
        if end > self._next:
            self._advance(end, changes)
        self.store.now = self.started + position
        return changes


class EventRate:
    """Events per second over a short sliding window, for the status bar."""

    def __init__(self, window: float = 5.0) -> None:
        self.window = window
        self._marks: deque[tuple[float, int]] = deque()
        self._total = 0

    def add(self, now: float, count: int) -> None:
        if count:
            self._marks.append((now, count))
            self._total += count
        self._trim(now)

    def _trim(self, now: float) -> None:
        while self._marks and self._marks[0][0] < now - self.window:
            self._total -= self._marks.popleft()[1]

    def per_second(self, now: float) -> float:
        self._trim(now)
        return self._total / self.window


class LiveSource:
    """Watches a cluster: one `KindWatcher` thread per kind pushes raw events onto a
    queue; `poll()` drains it in batches (on the caller's thread), records them if
    asked, and applies them to the store."""

    def __init__(
        self,
        cluster: Cluster,
        scope: Scope,
        *,
        kinds: tuple[str, ...] = KINDS,
        settings: WatchSettings | None = None,
        clock: Clock = time.time,
        store_factory: Callable[[], Store] = Store,
        recorder: RecordingWriter | None = None,
        restart_logs: bool = False,
        max_batch: int = 20_000,
        context: str = "",
        started: float | None = None,
    ) -> None:
        self.cluster = cluster
        self.scope = scope
        self.clock = clock
        self.started = clock() if started is None else started
        self.context = context
        """Given when several contexts are watched at once (kube/fleet.py): each event is
        marked with it, so that one recording holds them all apart."""
        self.listed: set[str] = set()
        """The kinds whose list has come (their RELIST taken), whether or not this
        source's own store applied it."""
        self._relists_taken: dict[str, int] = {}
        """Per kind, the RELIST markers taken from the queue (`lists_pending`)."""
        self.store = store_factory()
        self.store.now = self.started
        self.recorder = recorder
        self._recorder = recorder
        """Where `poll` records: `recorder` until `stop` closes it."""
        self.max_batch = max_batch
        self.received = 0
        self.rate = EventRate()
        self._queue: deque[WatchEvent] = deque()
        self._queue_lock = threading.Lock()
        """Held to add to the queue and to take a batch from it, so that "was it empty"
        and the change are one step (see `_push`)."""
        self._stop = threading.Event()
        self._stopping = threading.Lock()
        self._on_arrival: Callable[[], None] | None = None
        """See `notify_arrivals`: called once per emptied queue."""
        self.restart_logs: RestartLogs | None = None
        """`record --logs`: reads the previous instance's log at each restart seen."""
        if restart_logs:
            self.restart_logs = RestartLogs(cluster, self._push_log)
        self.watchers = {
            kind: KindWatcher(
                cluster,
                scope,
                kind,
                self._push,
                started=self.started,
                stop=self._stop,
                settings=settings,
                clock=clock,
                slim=recorder is None,  # a recording keeps the whole object (SPEC 2.2)
            )
            for kind in kinds
        }

    @property
    def replay(self) -> None:
        return None

    def status(self) -> SourceStatus:
        return SourceStatus(
            self.cluster.context,
            self.scope.describe(),
            self.rate.per_second(self.clock()),
            self.statuses(),
            self.lists_pending(),
        )

    def lists_pending(self) -> bool:
        """Whether a kind is being listed, or its list's end (the RELIST marker) has not
        been taken from the queue yet: a list arrives faster than a busy dashboard
        applies it, so what was listed may still be waiting when the watch is on."""
        taken = self._relists_taken
        for kind, watcher in self.watchers.items():
            status = watcher.status  # merged when read: read once
            if status.state is WatchState.LISTING or status.relists > taken.get(kind, 0):
                return True
        return False

    def covers(self, namespace: str | None) -> bool:
        return self.scope.all_namespaces or namespace == self.scope.namespace

    def reauthenticate_with(self, wrapper: ReauthWrapper | None) -> None:
        """Shared by every source over the same cluster (they share its credentials)."""
        self.cluster.reauth_wrapper = wrapper if wrapper is not None else _run

    def start(self) -> LiveSource:
        for watcher in self.watchers.values():
            watcher.start()
        if self.restart_logs is not None:
            self.restart_logs.start()
        return self

    def _push_log(self, obj: dict) -> None:
        self._push(WatchEvent(self.clock() - self.started, LOG_KIND, "ADDED", obj))

    def stop(self, timeout: float = 2.0) -> None:
        """Stop every watch and close the recording; never hangs: threads are daemons
        and reads are interrupted. Idempotent: a second call (or one racing the first)
        does nothing more.

        Whoever created the source stops it: the cli (also for the sources its `:ns`
        restart callback makes), a test. The dashboard never does: it only shows one."""
        with self._stopping:
            if self._stop.is_set():
                return
            self._stop.set()
            for watcher in self.watchers.values():
                watcher.stop()
            deadline = time.monotonic() + timeout
            for watcher in self.watchers.values():
                watcher.join(max(0.0, deadline - time.monotonic()))
            if self.restart_logs is not None:
                self.restart_logs.stop(max(0.0, deadline - time.monotonic()))
            if self._recorder is not None:
                # Everything that arrived before the stop goes into the file, not one
                # batch of it; a watch that outlived the join records nothing more.
                while self._queue:
                    self.poll()
                self._recorder.close()
                self._recorder = None

    def _push(self, event: WatchEvent) -> None:
        # While events wait, a wake-up has been given and a drain is due: only an event
        # that finds the queue empty wakes the consumer. (Two watch threads can find it
        # empty in turn only if a drain took everything in between: then both wake it.)
        with self._queue_lock:
            wake = not self._queue
            self._queue.append(event)
        self._wake(wake)

    def notify_arrivals(self, callback: Callable[[], None] | None) -> None:
        with self._queue_lock:  # a push that finds the queue empty sees the callback
            self._on_arrival = callback
            waiting = bool(self._queue)
        self._wake(waiting)

    def _wake(self, due: bool) -> None:
        on_arrival = self._on_arrival
        if due and on_arrival is not None:
            on_arrival()

    def _take(self) -> list[WatchEvent]:
        """The next batch, oldest first; what is left over (more than `max_batch`)
        wakes the consumer again, as if it had just arrived."""
        with self._queue_lock:
            queued = self._queue
            batch = [queued.popleft() for _ in range(min(len(queued), self.max_batch))]
            more = bool(queued)
        self._wake(more)
        return batch

    def take(self) -> list[WatchEvent]:
        """The next batch, marked with the context, observed (`record --logs`), recorded
        and counted, but not applied: `poll` applies it to this source's store, a fleet
        (kube/fleet.py) its members' to one store."""
        batch = self._take()
        if self.context:
            for event in batch:
                event.context = self.context
        if self.restart_logs is not None:
            self.restart_logs.observe(batch)
        if self._recorder is not None:
            for event in batch:
                self._recorder.write(event)
        bookmarks = 0
        for event in batch:
            if event.type == "BOOKMARK":
                bookmarks += 1
            elif event.type == "RELIST":
                self.listed.add(event.kind)
                self._relists_taken[event.kind] = self._relists_taken.get(event.kind, 0) + 1
        self.received += len(batch)
        # Bookmarks are the server's keep-alives, not changes: an idle cluster reads
        # 0.0 ev/s, and the status line is not redrawn (sent over SSH) for them.
        self.rate.add(self.clock(), len(batch) - bookmarks)
        return batch

    def poll(self) -> Changes:
        changes = self.store.apply_all(self.take(), self.started)
        now = self.clock()
        if now > self.store.now:
            self.store.now = now
        if self.store.tombstones:
            # Deleted pods kept past their time go by the clock, whether or not events come.
            changes.pods |= self.store.expire_tombstones()
        self.store.unreadable = self.unreadable_kinds()
        return changes

    def unreadable_kinds(self) -> frozenset[str]:
        """Refused kinds, and a missing EndpointSlice API (Endpoints may stand in for it)."""
        return frozenset(
            kind
            for kind, w in self.watchers.items()
            if w.status.state is WatchState.FORBIDDEN
            or (kind == "EndpointSlice" and w.status.state is WatchState.UNAVAILABLE)
        )

    def statuses(self) -> dict[str, KindStatus]:
        return {kind: w.status for kind, w in self.watchers.items()}

    def stale_kinds(self) -> dict[str, KindStatus]:
        """The kinds whose data is going stale: they were listed and watched, and are
        not watching now. A kind still starting (never listed) has nothing stale to
        show, and a forbidden or unavailable one is refused, not stale: the status line
        says those."""
        listed = self.listed
        return {
            kind: st for kind, st in self.statuses().items() if kind in listed and st.state in STALE
        }

    @property
    def stale_since(self) -> float | None:
        """Since when some kind has not been watching (None: all live, starting or
        refused)."""
        down = [st.since for st in self.stale_kinds().values()]
        return min(down) if down else None

    def settled(self) -> bool:
        """Every kind has delivered its list, or is refused (forbidden, not served, failed)."""
        return all(
            kind in self.listed or st.state in REFUSED for kind, st in self.statuses().items()
        )

    def unreachable(self, attempts: int = 4) -> bool:
        """Nothing ever listed and every kind has failed `attempts` times in a row."""
        return not self.listed and all(
            st.state is WatchState.FAILED
            or (st.state is WatchState.RECONNECTING and st.attempt >= attempts)
            for st in self.statuses().values()
        )

    def wait_settled(self, timeout: float, interval: float = 0.05) -> bool:
        """Poll until `settled()` (for --once); bounded by `timeout`, and given up early
        when the server is plainly unreachable."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.poll()
            if self.settled():
                return True
            if self.unreachable():
                break
            time.sleep(interval)
        self.poll()
        return self.settled()
