"""A thread that reads streamed HTTP responses, one at a time, and can be stopped in the
middle of a read: what a watch (`listwatch.KindWatcher`) and a followed log
(`logs.LogFollower`) both are. Setting an event does not end a blocked socket read;
shutting the response's socket down does, so `stop` does both."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any


class StreamThread:
    """A daemon thread running `_run`; `_reading(response)` marks the response that a
    `stop` must interrupt while it is read."""

    def __init__(self, name: str, stop: threading.Event | None = None) -> None:
        self.stop_event = stop or threading.Event()
        self._response: Any = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        raise NotImplementedError

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask the loop to end and unblock a read in progress."""
        self.stop_event.set()
        with self._lock:
            response = self._response
        if response is not None:
            with contextlib.suppress(Exception):
                response.shutdown()
            with contextlib.suppress(Exception):
                response.close()

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    @contextlib.contextmanager
    def _reading(self, response: Any) -> Iterator[Any]:
        """While the body is read: `stop` can interrupt it; then the connection goes back
        to the pool (or is dropped, if the read was cut)."""
        with self._lock:
            self._response = response
        try:
            yield response
        finally:
            with self._lock:
                self._response = None
            with contextlib.suppress(Exception):
                response.release_conn()
