"""List then watch, one loop per kind, on raw JSON.

Each `KindWatcher` is a daemon thread that lists its kind in pages, then
watches from the list's resourceVersion, pushing `WatchEvent`s to a sink. It
requests through the kubernetes client's `ApiClient` as its generated `list_*`
functions do with `_preload_content=False` (`list_request`), and parses lines
itself (msgspec): `Watch.stream` and model deserialization are an order of
magnitude slower and lose fields.

What a long-lived watch meets, and what happens:
- a normal end of stream or a read timeout: resume from the last
  resourceVersion (taken from every object and every bookmark);
- 410 Gone / Expired (HTTP status or ERROR event): re-list, then a RELIST
  marker lets the store drop what was deleted meanwhile;
- 429: wait `retryAfterSeconds` (or Retry-After);
- 401: re-authenticate once (exec plugins run again), then retry;
- 403: the kind is "forbidden"; the others carry on; retried slowly;
- 404: the API is not served (an old cluster without EndpointSlices);
- anything else: exponential back-off with jitter up to 30 s, reset by the
  first good event.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any
from urllib.parse import quote

from podwatch import codec
from podwatch.kube.config import Cluster, Scope
from podwatch.kube.reader import StreamThread
from podwatch.kube.states import WatchState
from podwatch.model.k8s import d, lst, meta, s, strip_metadata
from podwatch.model.watch import WatchEvent, relist_marker

Sink = Callable[[WatchEvent], None]


@dataclass(frozen=True, slots=True)
class KindApi:
    kind: str
    api_version: str
    plural: str
    namespaced: bool
    user_selectors: bool
    """Whether -l/--field-selector apply (pods only, as the issue and kubectl do)."""

    def path(self, namespace: str | None) -> str:
        """The collection's path: in `namespace`, or cluster-wide (None, or a kind that is
        not namespaced), as the client's generated `list_*` functions build it."""
        root = "/api/v1" if self.api_version == "v1" else f"/apis/{self.api_version}"
        if self.namespaced and namespace is not None:
            return f"{root}/namespaces/{quote(namespace, safe='')}/{self.plural}"
        return f"{root}/{self.plural}"


KIND_APIS: dict[str, KindApi] = {
    "Pod": KindApi("Pod", "v1", "pods", True, True),
    "Event": KindApi("Event", "v1", "events", True, False),
    "Service": KindApi("Service", "v1", "services", True, False),
    "Endpoints": KindApi("Endpoints", "v1", "endpoints", True, False),
    "EndpointSlice": KindApi("EndpointSlice", "discovery.k8s.io/v1", "endpointslices", True, False),
    "Node": KindApi("Node", "v1", "nodes", False, False),
    "Deployment": KindApi("Deployment", "apps/v1", "deployments", True, False),
    "ReplicaSet": KindApi("ReplicaSet", "apps/v1", "replicasets", True, False),
    "StatefulSet": KindApi("StatefulSet", "apps/v1", "statefulsets", True, False),
    "DaemonSet": KindApi("DaemonSet", "apps/v1", "daemonsets", True, False),
    "Job": KindApi("Job", "batch/v1", "jobs", True, False),
    "CronJob": KindApi("CronJob", "batch/v1", "cronjobs", True, False),
}

_QUERY_NAMES = {
    "label_selector": "labelSelector",
    "field_selector": "fieldSelector",
    "limit": "limit",
    "_continue": "continue",
    "watch": "watch",
    "resource_version": "resourceVersion",
    "allow_watch_bookmarks": "allowWatchBookmarks",
    "timeout_seconds": "timeoutSeconds",
}


def list_request(api_client: Any, path: str, *, _request_timeout: Any, **params: Any) -> Any:
    """GET a collection (a list page, or a watch) through the client's `ApiClient`, as
    its generated `list_*` functions do with `_preload_content=False`: the same
    serialization, authentication (a refreshed token included) and error
    (`ApiException` for a status that is not 2xx), and the raw urllib3 response to read
    lines from. Not through the generated `CoreV1Api`/`DiscoveryV1Api`: importing
    those builds hundreds of pydantic models (0.45 s of a 2 s `--once` at 5,000 pods,
    and memory) that podwatch, reading raw JSON, never uses."""
    query = [(_QUERY_NAMES[name], value) for name, value in params.items() if value is not None]
    return get_request(api_client, path, query, "application/json", _request_timeout)


def get_request(
    api_client: Any, path: str, query: list[tuple[str, Any]], accept: str, timeout: Any
) -> Any:
    """GET `path` through the client's `ApiClient` (see `list_request`); the raw urllib3
    response, not yet read. Also the pods/log subresource (`kube/logs.py`)."""
    from kubernetes.client.exceptions import ApiException

    request = api_client.param_serialize(
        method="GET",
        resource_path=path,
        query_params=query,
        header_params={"Accept": accept},
        auth_settings=["BearerToken"],
    )
    response = api_client.call_api(*request, _request_timeout=timeout)
    if not 200 <= response.status <= 299:
        response.read()
        raise ApiException.from_response(http_resp=response, body=None, data=None)
    return response.response


@dataclass(frozen=True, slots=True)
class WatchSettings:
    page_size: int = 500
    watch_timeout: tuple[int, int] = (240, 360)
    """Server-side timeoutSeconds, jittered so six watches do not all reconnect at once."""
    connect_timeout: float = 10.0
    read_timeout: float = 90.0
    """No byte (not even a bookmark) for this long: the link is presumed dead."""
    list_timeout: float = 60.0
    base_backoff: float = 0.5
    max_backoff: float = 30.0
    forbidden_retry: float = 60.0
    unavailable_retry: float = 300.0


@dataclass(frozen=True, slots=True)
class KindStatus:
    """What the status bar says about one kind."""

    kind: str
    state: WatchState
    since: float
    """Wall time this state began (for "reconnecting n since t")."""
    attempt: int = 0
    last_error: str = ""
    events: int = 0
    resource_version: str = ""
    relists: int = 0


class _Expired(Exception):
    """The watch's resourceVersion is too old: re-list."""


class _StreamError(Exception):
    """An ERROR event that is not 410."""


def _retry_after(exc: Any) -> float | None:
    headers = getattr(exc, "headers", None) or {}
    value = None
    with contextlib.suppress(AttributeError):
        value = headers.get("Retry-After") or headers.get("retry-after")
    if value is not None:
        with contextlib.suppress(ValueError):
            return max(0.0, float(value))
    body = getattr(exc, "body", None)
    if body:
        with contextlib.suppress(Exception):
            seconds = d(d(codec.decode(body)).get("details")).get("retryAfterSeconds")
            if isinstance(seconds, int | float) and not isinstance(seconds, bool):
                return max(0.0, float(seconds))
    return None


def _error_text(exc: BaseException) -> str:
    status = getattr(exc, "status", None)
    if status:
        body = getattr(exc, "body", None)
        message = ""
        if body:
            with contextlib.suppress(Exception):
                message = s(d(codec.decode(body)).get("message"))
        reason = getattr(exc, "reason", "") or ""
        text = f"HTTP {status} {reason}".strip()
        return f"{text}: {message}" if message else text
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


class KindWatcher(StreamThread):
    """The list+watch loop of one kind, in a daemon thread."""

    def __init__(
        self,
        cluster: Cluster,
        scope: Scope,
        kind: str,
        sink: Sink,
        *,
        started: float,
        stop: threading.Event | None = None,
        settings: WatchSettings | None = None,
        clock: Callable[[], float] = time.time,
        on_status: Callable[[KindStatus], None] | None = None,
        slim: bool = False,
    ) -> None:
        """`slim`: decode pods straight into what the store keeps (model/slim.py), when
        nothing records the whole object; a third of the cost of a pod event."""
        super().__init__(f"watch-{kind}", stop)
        self.api = KIND_APIS[kind]
        self.cluster = cluster
        self.scope = scope
        self.kind = kind
        self.sink = sink
        self.started = started
        self.settings = settings or WatchSettings()
        self.clock = clock
        self.on_status = on_status
        path = self.api.path(scope.namespace)
        self._call = partial(list_request, cluster.api_client, path)
        self._args: dict[str, Any] = {}
        if self.api.user_selectors:
            if scope.label_selector:
                self._args["label_selector"] = scope.label_selector
            if scope.field_selector:
                self._args["field_selector"] = scope.field_selector
        # Pods are most of the bytes: decoded skipping managedFields, or all the store
        # drops (codec.py).
        self._decode_page, self._decode_line = codec.decode, codec.decode
        if kind == "Pod" and slim:
            self._decode_page = codec.decode_slim_pod_list
            self._decode_line = codec.decode_slim_pod_event
        elif kind == "Pod":
            self._decode_page, self._decode_line = codec.decode_pod_list, codec.decode_pod_event
        self._status = KindStatus(kind, WatchState.CONNECTING, clock())
        self._events = 0
        """Events watched: counted per line, put into `status` when it is read (a new
        KindStatus per line cost more than the line's own bookkeeping)."""
        self.resource_version: str | None = None

    # ----------------------------------------------------------------- state

    @property
    def status(self) -> KindStatus:
        """What the status bar says; read from any thread (only this one writes)."""
        current = self._status
        rv = self.resource_version or current.resource_version
        if current.events == self._events and current.resource_version == rv:
            return current
        return replace(current, events=self._events, resource_version=rv)

    def _set(self, state: WatchState, **changes: Any) -> None:
        current = self.status
        if state != current.state:
            changes.setdefault("since", self.clock())
        self._status = replace(current, state=state, **changes)
        if self.on_status is not None:
            self.on_status(self._status)

    def _emit(self, etype: str, obj: Any) -> None:
        self.sink(WatchEvent(self.clock() - self.started, self.kind, etype, obj))

    def _wait(self, seconds: float) -> None:
        self.stop_event.wait(max(0.0, seconds))

    def _backoff(self, attempt: int) -> float:
        cfg = self.settings
        ceiling = min(cfg.max_backoff, cfg.base_backoff * (2 ** max(0, attempt - 1)))
        return random.uniform(ceiling / 2, ceiling)

    # ----------------------------------------------------------------- loop

    def _run(self) -> None:
        attempt = 0
        try:
            while not self.stop_event.is_set():
                try:
                    if self.resource_version is None:
                        self._set(WatchState.LISTING, attempt=attempt)
                        self.resource_version = self._list()
                        attempt = 0
                    self._set(WatchState.WATCHING, attempt=0, last_error="")
                    self._watch()
                except _Expired:
                    self.resource_version = None
                    continue
                except Exception as exc:  # every failure is a state, not a crash
                    if self.stop_event.is_set():
                        break
                    if getattr(exc, "status", None) in (400, 422):
                        # The request itself is wrong (a malformed selector): retrying cannot help.
                        self._set(WatchState.FAILED, last_error=_error_text(exc), attempt=0)
                        return
                    attempt = self._handle_failure(exc, attempt)
        finally:
            if self.status.state is not WatchState.FAILED:
                self._set(WatchState.STOPPED)

    def _handle_failure(self, exc: BaseException, attempt: int) -> int:
        status = getattr(exc, "status", None)
        text = _error_text(exc)
        if status == 410:
            self.resource_version = None
            return attempt
        if status == 403:
            self._set(WatchState.FORBIDDEN, last_error=text, attempt=0)
            self.resource_version = None
            self._wait(self.settings.forbidden_retry)
            return 0
        if status == 404:
            self._set(WatchState.UNAVAILABLE, last_error=text, attempt=0)
            self.resource_version = None
            self._wait(self.settings.unavailable_retry)
            return 0
        attempt += 1
        if status == 401:
            self._set(
                WatchState.RECONNECTING, attempt=attempt, last_error=f"{text}; re-authenticating"
            )
            try:
                self.cluster.reauthenticate()
            except Exception as auth_exc:
                self._set(
                    WatchState.RECONNECTING,
                    last_error=f"re-authentication failed: {_error_text(auth_exc)}",
                )
            self._wait(self._backoff(attempt))
            return attempt
        if status == 429:
            delay = _retry_after(exc)
            self._set(WatchState.RECONNECTING, attempt=attempt, last_error=f"throttled: {text}")
            self._wait(delay if delay is not None else self._backoff(attempt))
            return attempt
        if is_read_timeout(exc) and attempt == 1:
            # A quiet stream timed out: resume at once; a second one in a row backs off.
            self._set(WatchState.RECONNECTING, attempt=attempt, last_error=text)
            return attempt
        self._set(WatchState.RECONNECTING, attempt=attempt, last_error=text)
        self._wait(self._backoff(attempt))
        return attempt

    def _timeouts(self, read: float) -> tuple[float, float]:
        return (self.settings.connect_timeout, read)

    def _list(self) -> str:
        """List in pages; emit every item as ADDED, then a RELIST marker with all keys."""
        keys: list[tuple[str, str]] = []
        cont: str | None = None
        rv = ""
        while not self.stop_event.is_set():
            args = dict(self._args, limit=self.settings.page_size)
            if cont:
                args["_continue"] = cont
            response = self._call(
                **args,
                _request_timeout=self._timeouts(self.settings.list_timeout),
            )
            try:
                data = self._decode_page(response.data)
            finally:
                response.release_conn()
            page_meta = meta(data)
            for item in lst(d(data).get("items")):
                if not isinstance(item, dict):
                    continue
                # List items carry no kind or apiVersion; the store and recordings want them.
                item.setdefault("kind", self.kind)
                item.setdefault("apiVersion", self.api.api_version)
                item = strip_metadata(item)  # most of a pod's JSON, never shown: at once
                m = meta(item)
                keys.append((s(m.get("namespace")), s(m.get("name"))))
                self._emit("ADDED", item)
            rv = s(page_meta.get("resourceVersion")) or rv
            cont = s(page_meta.get("continue")) or None
            if not cont:
                break
        self._emit_relist(keys, rv)
        return rv

    def _emit_relist(self, keys: list[tuple[str, str]], rv: str) -> None:
        self.sink(relist_marker(self.clock() - self.started, self.kind, keys, rv))
        current = self.status
        self._status = replace(current, relists=current.relists + 1, resource_version=rv)

    def _watch(self) -> None:
        low, high = self.settings.watch_timeout
        response = self._call(
            **self._args,
            watch=True,
            resource_version=self.resource_version,
            allow_watch_bookmarks=True,
            timeout_seconds=random.randint(low, high),
            _request_timeout=self._timeouts(self.settings.read_timeout),
        )
        with self._reading(response):
            buffer = b""
            for chunk in response.stream(65536, decode_content=True):
                if self.stop_event.is_set():
                    return
                buffer += chunk
                start = 0
                while True:
                    newline = buffer.find(b"\n", start)
                    if newline < 0:
                        break
                    line = buffer[start:newline]
                    start = newline + 1
                    if line.strip():
                        self._handle_line(line)
                buffer = buffer[start:]
            if buffer.strip() and not self.stop_event.is_set():
                self._handle_line(buffer)

    def _handle_line(self, line: bytes) -> None:
        event = self._decode_line(line)
        etype = s(d(event).get("type"))
        obj = d(event).get("object")
        if etype == "ERROR":
            status = d(obj)
            code = status.get("code")
            if code == 410 or s(status.get("reason")) in ("Expired", "Gone"):
                self._emit("ERROR", obj)
                raise _Expired
            raise _StreamError(s(status.get("message")) or "watch ERROR event")
        if not isinstance(obj, dict) or etype not in ("ADDED", "MODIFIED", "DELETED", "BOOKMARK"):
            return
        rv = s(meta(obj).get("resourceVersion"))
        if rv:
            self.resource_version = rv
        obj = strip_metadata(obj)
        self._emit(etype, obj)
        if etype != "BOOKMARK":
            self._events += 1
        if self._status.attempt:
            self._status = replace(self._status, attempt=0)


def is_read_timeout(exc: BaseException) -> bool:
    name = type(exc).__name__
    if name in ("ReadTimeoutError", "TimeoutError", "socket.timeout"):
        return True
    reason = getattr(exc, "reason", None)
    return type(reason).__name__ == "ReadTimeoutError"
