"""Reading a container's log through the pods/log subresource (GET only).

One bounded request per look: `tailLines` and `limitBytes` keep what the server
sends small, and podwatch reads at most that many bytes whatever it sends. The grant
is optional (`pods/log` is not in a read-only role by default): a refusal is said in
the pane, as the other kinds' are.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from podwatch import codec
from podwatch.kube.config import Cluster
from podwatch.kube.listwatch import get_request, is_read_timeout
from podwatch.kube.reader import StreamThread
from podwatch.model.k8s import d, s
from podwatch.model.logs import (
    LIMIT_BYTES,
    TAIL_LINES,
    ContainerLog,
    LineSplitter,
    StampCursor,
    clean_line,
    log_lines,
    log_object,
    stamp_of,
)
from podwatch.safe import clean

LOG_ACCEPT = "application/json, */*"
"""What kubectl asks the log subresource for: the log comes as text/plain whatever is
asked, but a failure is a Status, which a real API server will not write as text/plain
(asking only for that, a refusal reads `HTTP 406`, its reason lost)."""
LOG_TIMEOUT = (5.0, 15.0)
"""(connect, read) seconds for one log request."""
FOLLOW_QUIET = 30.0
"""Seconds without a byte after which a follow reconnects (from where it was): a quiet
container and a dead link look the same from here."""
MAX_CONNECTS = 10_000
"""Connections one follow makes at most (about three days of a quiet container)."""
MAX_FAILURES = 5
"""Failed connections in a row after which a follow gives up and says why."""


def log_path(namespace: str, pod: str) -> str:
    return f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(pod, safe='')}/log"


def read_log(
    cluster: Cluster,
    namespace: str,
    pod: str,
    container: str,
    *,
    previous: bool = False,
    tail_lines: int = TAIL_LINES,
    limit_bytes: int = LIMIT_BYTES,
    timestamps: bool = True,
) -> ContainerLog:
    """The last `tail_lines` lines of the container's log (its previous instance's with
    `previous`), at most `limit_bytes`; a refusal or failure as `error`, never raised."""
    out = ContainerLog(container, previous)
    query = [
        ("container", container),
        ("tailLines", tail_lines),
        ("limitBytes", limit_bytes),
        ("timestamps", "true" if timestamps else "false"),
    ]
    if previous:
        query.append(("previous", "true"))
    try:
        response = get_request(
            cluster.api_client, log_path(namespace, pod), query, LOG_ACCEPT, LOG_TIMEOUT
        )
        try:
            data = response.read(limit_bytes + 1, decode_content=True) or b""
        finally:
            response.release_conn()
    except Exception as exc:
        out.error = _refusal(exc)
        return out
    out.truncated = len(data) >= limit_bytes
    out.lines = log_lines(data[:limit_bytes])
    return out


def _refusal(exc: BaseException) -> str:
    status = getattr(exc, "status", None)
    body: Any = getattr(exc, "body", None) or getattr(getattr(exc, "http_resp", None), "data", b"")
    message = ""
    if body:
        try:
            message = s(d(codec.decode(body)).get("message"))
        except Exception:
            message = ""
    if status == 403:
        return "not permitted: reading logs needs get on pods/log (RBAC)" + (
            f" ({clean(message, 300)})" if message else ""
        )
    if status:
        return clean(f"HTTP {status}: {message}" if message else f"HTTP {status}", 400)
    return clean(" ".join(str(exc).split()) or type(exc).__name__, 300)


class LogFollower(StreamThread):
    """`kubectl logs -f` for one running container, in a daemon thread: the last
    `tail_lines` lines, then each line as it is written. A quiet spell of FOLLOW_QUIET
    seconds reconnects from the last line shown (`sinceTime`, and the stamps to skip
    what was shown again); the log ending (the container stopped) or repeated failure
    ends the follow, said through `on_end`. Lines go to `on_lines` cleaned (SPEC 4),
    a batch per chunk read; the caller bounds what it keeps."""

    def __init__(
        self,
        cluster: Cluster,
        namespace: str,
        pod: str,
        container: str,
        on_lines: Callable[[list[str]], None],
        on_end: Callable[[str], None],
        *,
        tail_lines: int = TAIL_LINES,
        quiet: float = FOLLOW_QUIET,
    ) -> None:
        super().__init__(f"logs-{pod}")
        self.cluster = cluster
        self.where = (namespace, pod, container)
        self.on_lines = on_lines
        self.on_end = on_end
        self.tail_lines = tail_lines
        self.quiet = quiet
        self.connects = 0
        """Connections made (a quiet spell reconnects). `stop` ends the follow; nothing is
        said through on_end then."""

    def _run(self) -> None:
        cursor = StampCursor()
        failures = 0
        why = "the log ended: the container stopped"
        while self.connects < MAX_CONNECTS and not self.stop_event.is_set():
            try:
                self._follow(cursor)
                break  # the server ended the log
            except Exception as exc:
                if self.stop_event.is_set():
                    return
                if is_read_timeout(exc):
                    failures = 0
                    continue  # quiet: reconnect from the last line shown
                failures += 1
                why = _refusal(exc)
                status = getattr(exc, "status", None)
                if failures >= MAX_FAILURES or (status is not None and status not in (429, 503)):
                    break  # the server answered no (as `kubectl logs -f` ends): say why now
                self.stop_event.wait(min(8.0, 0.5 * 2**failures))
        else:
            if self.stop_event.is_set():
                return
            why = f"stopped following after {MAX_CONNECTS} connections"
        if not self.stop_event.is_set():
            self.on_end(why)

    def _follow(self, cursor: StampCursor) -> None:
        namespace, pod, container = self.where
        query: list[tuple[str, Any]] = [
            ("container", container),
            ("follow", "true"),
            ("timestamps", "true"),
        ]
        since = cursor.since()
        query.append(("sinceTime", since) if since else ("tailLines", self.tail_lines))
        self.connects += 1
        cursor.reconnected()
        response = get_request(
            self.cluster.api_client,
            log_path(namespace, pod),
            query,
            LOG_ACCEPT,
            (LOG_TIMEOUT[0], self.quiet),
        )
        splitter = LineSplitter()
        with self._reading(response):
            for chunk in response.stream(65536, decode_content=True):
                if self.stop_event.is_set():
                    return
                self._send(splitter.feed(chunk), cursor)
            self._send(splitter.flush(), cursor)

    def _send(self, lines: list[bytes], cursor: StampCursor) -> None:
        fresh = [clean_line(line) for line in lines if cursor.fresh(stamp_of(line))]
        if fresh and not self.stop_event.is_set():
            self.on_lines(fresh)


MAX_PENDING_READS = 64
"""Restarts waiting to have their log read; beyond, a restart's log is skipped (counted)."""


class RestartLogs:
    """`record --logs`: at each container restart the pod events show, the previous
    instance's tail (TAIL_LINES / LIMIT_BYTES) is read in one worker thread and handed
    on as a `ContainerLog` event, so that the recording holds what the crashed container
    printed, and a replay shows it. A container that had restarted when the recording
    began is read too (the incident may be why it began). Reads are serial and the
    queue is bounded: a crash storm costs the API server at most one log GET at a time.
    A refusal (no get on pods/log) is recorded once, then nothing more is asked; so
    after MAX_FAILURES failed reads in a row (a cluster whose kubelets cannot be
    reached answers every read with an error)."""

    def __init__(
        self,
        cluster: Cluster,
        emit: Callable[[dict[str, Any]], None],
        *,
        max_pending: int = MAX_PENDING_READS,
    ) -> None:
        self.cluster = cluster
        self.emit = emit
        self.max_pending = max_pending
        self.read = 0
        self.skipped = 0
        self.given_up = ""
        """Why no more logs are read ("" while they are)."""
        self._failed = 0
        """Failed reads in a row."""
        self._seen: dict[tuple[str, str], dict[str, tuple[str, int]]] = {}
        """Per pod, per container: (uid, restartCount) last seen."""
        self._pending: list[tuple[str, str, str, str, int]] = []
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="restart-logs", daemon=True)

    def start(self) -> RestartLogs:
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        self._thread.join(timeout)

    def observe(self, events: list[Any]) -> None:
        """Look for restarts in a batch of watch events (on the caller's thread)."""
        for event in events:
            if event.kind != "Pod" or not isinstance(event.object, dict):
                continue
            md = d(event.object.get("metadata"))
            key = (s(md.get("namespace")), s(md.get("name")))
            if event.type == "DELETED":
                self._seen.pop(key, None)
            elif event.type in ("ADDED", "MODIFIED"):
                self._restarts(key, s(md.get("uid")), d(event.object.get("status")))

    def _restarts(self, key: tuple[str, str], uid: str, status: dict) -> None:
        seen = self._seen.setdefault(key, {})
        for field in ("initContainerStatuses", "containerStatuses"):
            for cs in status.get(field) or ():
                name, count = s(d(cs).get("name")), d(cs).get("restartCount")
                if not name or not isinstance(count, int) or isinstance(count, bool):
                    continue
                before = seen.get(name)
                seen[name] = (uid, count)
                if count > 0 and (before is None or before[0] != uid or count > before[1]):
                    self._ask(key, uid, name, count)

    def _ask(self, key: tuple[str, str], uid: str, container: str, restarts: int) -> None:
        if self.given_up:
            return
        with self._cond:
            if len(self._pending) >= self.max_pending:
                self.skipped += 1
                return
            self._pending.append((key[0], key[1], uid, container, restarts))
            self._cond.notify()

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._cond:
                while not self._pending and not self._stop.is_set():
                    self._cond.wait(1.0)
                if self._stop.is_set():
                    return
                namespace, pod, uid, container, restarts = self._pending.pop(0)
            log = read_log(self.cluster, namespace, pod, container, previous=True)
            self._failed = self._failed + 1 if log.error else 0
            if log.error.startswith("not permitted") or self._failed >= MAX_FAILURES:
                self.given_up = log.error
                with self._cond:
                    self._pending.clear()
            text = "\n".join(log.lines)
            if len(text) > LIMIT_BYTES:
                text, log.truncated = text[-LIMIT_BYTES:], True
            self.read += 1
            self.emit(log_object(namespace, pod, uid, log, restarts, text))
