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
from podwatch.kube.source import Clock, LiveSource
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
