"""A local Kubernetes API server double for tests and benchmarks.

`ApiServerDouble` is a real HTTP/1.1 server on 127.0.0.1 that holds objects
and serves the Kubernetes list/watch protocol the way kube-apiserver does, so
the official `kubernetes` Python client (and podwatch's live code path on top
of it) can talk to it through a kubeconfig with a bearer token.

Served (GET only):
  Pod, Event (core/v1), Service, Endpoints, Node (cluster-scoped) under /api/v1,
  EndpointSlice under /apis/discovery.k8s.io/v1, and /version.

Protocol, as the real server does it:
  - one global integer resourceVersion shared by every kind (like etcd);
  - lists are a consistent snapshot, items sorted by etcd key (namespace/name)
    and without kind/apiVersion; `limit`/`continue` paginate from the same
    snapshot; `resourceVersion=0` lists ignore `limit` (watch cache);
  - watches stream chunked JSON lines `{"type","object"}` with full objects,
    replay history after the given resourceVersion, turn selector transitions
    into ADDED/DELETED, send BOOKMARKs when asked, end normally at
    `timeoutSeconds`, and answer a compacted resourceVersion with a 410
    `ERROR` event;
  - errors are `Status` bodies (401, 403, 404, 405, 410, 429 + Retry-After).

Standard library only. Every wait is bounded; `stop()` closes the listening
socket, drops every connection and joins every handler thread.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import collections
import contextlib
import copy
import json
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

HOST = "127.0.0.1"
DEFAULT_WATCH_TIMEOUT = 1800
TOO_LARGE_RV_WAIT = 3.0  # the real apiserver waits this long for a future resourceVersion
HISTORY_LIMIT = 10_000
SNAPSHOT_CACHE = 64
JOIN_TIMEOUT = 5.0
VERSION = {
    "major": "1",
    "minor": "31",
    "gitVersion": "v1.31.0-double",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2024-08-13T00:00:00Z",
    "goVersion": "go1.22.5",
    "compiler": "gc",
    "platform": "linux/amd64",
}


# --------------------------------------------------------------------------- resources


@dataclass(frozen=True)
class Resource:
    kind: str
    plural: str
    group: str  # "" for core
    version: str
    namespaced: bool
    fields: frozenset[str]  # field selector labels besides metadata.name/namespace

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def list_kind(self) -> str:
        return f"{self.kind}List"


_EVENT_FIELDS = frozenset(
    {
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    }
)
_POD_FIELDS = frozenset(
    {
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    }
)

RESOURCES: dict[str, Resource] = {
    r.kind: r
    for r in (
        Resource("Pod", "pods", "", "v1", True, _POD_FIELDS),
        Resource("Event", "events", "", "v1", True, _EVENT_FIELDS),
        Resource("Service", "services", "", "v1", True, frozenset()),
        Resource("Endpoints", "endpoints", "", "v1", True, frozenset()),
        Resource("EndpointSlice", "endpointslices", "discovery.k8s.io", "v1", True, frozenset()),
        Resource("Node", "nodes", "", "v1", False, frozenset({"spec.unschedulable"})),
        Resource("Deployment", "deployments", "apps", "v1", True, frozenset()),
        Resource("ReplicaSet", "replicasets", "apps", "v1", True, frozenset()),
        Resource("StatefulSet", "statefulsets", "apps", "v1", True, frozenset()),
        Resource("DaemonSet", "daemonsets", "apps", "v1", True, frozenset()),
        Resource("Job", "jobs", "batch", "v1", True, frozenset()),
        Resource("CronJob", "cronjobs", "batch", "v1", True, frozenset()),
    )
}
_BY_PATH = {(r.group, r.plural): r for r in RESOURCES.values()}
_GROUP_VERSIONS = {(r.group, r.version) for r in RESOURCES.values() if r.group}
_FIELD_ALIASES = {"source": "source.component"}


TLS_DATA = Path(__file__).resolve().parent / "data" / "tls"


def self_signed_certificate(name: str = "apiserver") -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (its own CA, valid until 2126) and its key, for
    `ApiServerDouble(tls=...)`: `apiserver`, or `other` for a CA that vouches for
    something else. Made once with `openssl req -x509 -newkey ec -pkeyopt
    ec_paramgen_curve:prime256v1 -nodes -days 36500 -subj /CN=127.0.0.1 -addext
    subjectAltName=IP:127.0.0.1` and kept in tests/data/tls, so the tests need no
    openssl and skip nothing; test keys, trusted by nothing else."""
    return TLS_DATA / f"{name}.crt", TLS_DATA / f"{name}.key"


def resolve_kind(kind: str) -> Resource:
    """ "Pod", "pod", "pods" → the Pod resource (KeyError for anything not served)."""
    if kind in RESOURCES:
        return RESOURCES[kind]
    low = kind.lower()
    for r in RESOURCES.values():
        if low in (r.kind.lower(), r.plural):
            return r
    raise KeyError(f"kind not served by the double: {kind!r}")


def _now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _key(obj: dict) -> str:
    md = obj.get("metadata") or {}
    ns = md.get("namespace") or ""
    return f"{ns}/{md.get('name', '')}" if ns else str(md.get("name", ""))


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def status_body(code: int, reason: str, message: str, details: dict | None = None) -> dict:
    """A `Status` object as the API server writes it for a failure."""
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
    }
    if details is not None:
        body["details"] = details
    body["code"] = code
    return body


class _ApiError(Exception):
    def __init__(self, status: dict, headers: dict[str, str] | None = None) -> None:
        super().__init__(status.get("message"))
        self.status = status
        self.headers = headers or {}


def _bad_request(message: str) -> _ApiError:
    return _ApiError(status_body(400, "BadRequest", message))


def _expired(message: str) -> _ApiError:
    return _ApiError(status_body(410, "Expired", message))


def _too_old(requested: int, oldest: int) -> dict:
    return status_body(410, "Expired", f"too old resource version: {requested} ({oldest})")


def _too_large(requested: int, current: int) -> dict:
    return status_body(
        504,
        "Timeout",
        f"Timeout: Too large resource version: {requested}, current: {current}",
        {
            "causes": [
                {"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}
            ],
            "retryAfterSeconds": 1,
        },
    )


# --------------------------------------------------------------------------- selectors

_LABEL_KEY = r"[A-Za-z0-9][-A-Za-z0-9_./]*"
_LABEL_VAL = r"[-A-Za-z0-9_.]*"
_RE_SET = re.compile(rf"({_LABEL_KEY})\s+(in|notin)\s+\(([^()]*)\)")
_RE_EQ = re.compile(rf"({_LABEL_KEY})\s*(==|!=|=)\s*({_LABEL_VAL})")
_RE_CMP = re.compile(rf"({_LABEL_KEY})\s*(<|>)\s*(-?\d+)")
_RE_NOT = re.compile(rf"!\s*({_LABEL_KEY})")
_RE_HAS = re.compile(_LABEL_KEY)


def _split_top(text: str) -> list[str]:
    """Split on commas outside parentheses."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def parse_label_selector(text: str | None) -> Callable[[dict], bool]:
    """Equality and set-based label selectors (`a=b,a!=c,a,!a,a in (x,y),a notin (z),a>1`)."""
    if not text or not text.strip():
        return lambda labels: True
    reqs: list[Callable[[dict], bool]] = []
    for raw in _split_top(text):
        part = raw.strip()
        if m := _RE_SET.fullmatch(part):
            key, op = m.group(1), m.group(2)
            values = frozenset(v.strip() for v in m.group(3).split(",") if v.strip())
            if op == "in":
                reqs.append(lambda lb, k=key, vs=values: k in lb and lb[k] in vs)
            else:
                reqs.append(lambda lb, k=key, vs=values: k not in lb or lb[k] not in vs)
        elif m := _RE_EQ.fullmatch(part):
            key, op, value = m.groups()
            if op == "!=":
                reqs.append(lambda lb, k=key, v=value: lb.get(k) != v)
            else:
                reqs.append(lambda lb, k=key, v=value: k in lb and lb[k] == v)
        elif m := _RE_CMP.fullmatch(part):
            key, op, num = m.group(1), m.group(2), int(m.group(3))

            def cmp(lb: dict, k: str = key, o: str = op, n: int = num) -> bool:
                try:
                    have = int(lb[k])
                except (KeyError, ValueError):
                    return False
                return have > n if o == ">" else have < n

            reqs.append(cmp)
        elif m := _RE_NOT.fullmatch(part):
            absent = m.group(1)
            reqs.append(lambda lb, k=absent: k not in lb)
        elif _RE_HAS.fullmatch(part):
            reqs.append(lambda lb, k=part: k in lb)
        else:
            raise _bad_request(f"unable to parse requirement: found '{part}', invalid selector")
    return lambda labels: all(r(labels) for r in reqs)


def _field_value(obj: dict, path: str) -> str:
    cur: Any = obj
    for part in _FIELD_ALIASES.get(path, path).split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(part)
    if cur is None:
        return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return str(cur)


def parse_field_selector(text: str | None, res: Resource) -> Callable[[dict], bool]:
    """`metadata.name=x,status.phase!=Running` (=, ==, !=; comma = AND)."""
    if not text or not text.strip():
        return lambda obj: True
    allowed = res.fields | {"metadata.name", "metadata.namespace"}
    reqs: list[tuple[str, bool, str]] = []
    for raw in text.split(","):
        part = raw.strip()
        for op in ("!=", "==", "="):
            if op in part:
                name, value = (s.strip() for s in part.split(op, 1))
                break
        else:
            raise _bad_request(f'invalid selector: "{text}"; can\'t understand "{part}"')
        if name not in allowed:
            raise _bad_request(f"field label not supported: {name}")
        reqs.append((name, op == "!=", value))

    def match(obj: dict) -> bool:
        return all((_field_value(obj, name) == value) != negate for name, negate, value in reqs)

    return match


@dataclass(frozen=True)
class _Filter:
    namespace: str | None
    labels: Callable[[dict], bool]
    fields: Callable[[dict], bool]
    has_selectors: bool

    def __call__(self, obj: dict | None) -> bool:
        if obj is None:
            return False
        md = obj.get("metadata") or {}
        if self.namespace is not None and md.get("namespace") != self.namespace:
            return False
        return self.labels(md.get("labels") or {}) and self.fields(obj)


# --------------------------------------------------------------------------- state


@dataclass(frozen=True)
class _Entry:
    rv: int
    type: str  # ADDED / MODIFIED / DELETED
    obj: dict  # the object after the change (for DELETED: last state, stamped with this rv)
    prev: dict | None  # the object before the change


@dataclass
class RequestRecord:
    """One request the double received."""

    method: str
    path: str
    query: dict[str, str]
    time: float
    kind: str | None = None
    watch: bool = False
    status: int | None = None


@dataclass(eq=False)
class _Watch:
    kind: str
    conn: socket.socket
    stall_until: float = 0.0
    expired: bool = False
    dropped: bool = False
    opened: float = field(default_factory=time.monotonic)


class ApiServerDouble:
    """A loopback kube-apiserver stand-in: objects, list/watch, failure controls."""

    def __init__(
        self,
        port: int = 0,
        token: str = "test-token",
        bookmark_interval: float = 1.0,
        *,
        http_410: bool = False,
        history_limit: int = HISTORY_LIMIT,
        max_watch_timeout: int = DEFAULT_WATCH_TIMEOUT,
        user: str = "system:serviceaccount:default:podwatch",
        anonymous: bool = False,
        tls: tuple[str | Path, str | Path] | None = None,
        encode_once: bool = False,
    ) -> None:
        self.port = port
        self.encode_once = encode_once
        """Keep each stored object's list-item JSON, so that a list is mostly a join of
        bytes (the benchmarks: the server is then not what a comparison of clients
        measures). Only for callers that never change a stored object in place."""
        self._item_json: dict[int, tuple[dict, bytes]] = {}
        self.tls = tls
        """(certificate file, key file): serve https, as a real API server does (what
        in-cluster configuration requires); None: plain http."""
        self.token = token
        self.anonymous = anonymous
        """Also serve requests without credentials (kubectl sends none over plain http);
        a wrong token is still refused."""
        self.bookmark_interval = bookmark_interval
        self.http_410 = http_410
        self.history_limit = history_limit
        self.max_watch_timeout = max_watch_timeout
        self.user = user
        self.errors: list[BaseException] = []  # unexpected handler exceptions (should stay empty)

        self._cond = threading.Condition()
        self._rv = 0
        self._objects: dict[str, dict[str, dict]] = {k: {} for k in RESOURCES}
        self._history: dict[str, collections.deque[_Entry]] = {
            k: collections.deque() for k in RESOURCES
        }
        self._compacted: dict[str, int] = dict.fromkeys(RESOURCES, 0)
        self._snapshots: collections.OrderedDict[tuple[str, int], tuple[list[str], list[dict]]] = (
            collections.OrderedDict()
        )
        self._forbidden: set[str] = set()
        self._logs: dict[tuple[str, str, str, bool], bytes] = {}
        """(namespace, pod, container, previous) -> what the kubelet would return."""
        self._logs_forbidden = False
        self._logs_ended: set[tuple[str, str, str]] = set()
        self.log_epoch = LOG_EPOCH
        """When line 0 of every log was written (`timestamps=true`): one second a line."""
        """Containers that exited: following their log ends."""
        self._unavailable: set[str] = set()
        self._throttles: dict[str | None, list[int]] = {}
        self._slow_lists: dict[str, float] = {}
        self._stall_new_until = 0.0
        self._requests: list[RequestRecord] = []
        self._watches: set[_Watch] = set()
        self._conns: set[socket.socket] = set()
        self._threads: set[threading.Thread] = set()
        self._server: _Server | None = None
        self._serve_thread: threading.Thread | None = None
        self._stopping = False

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> ApiServerDouble:
        """Listen on 127.0.0.1:port (a free one the first time if port=0) and serve."""
        if self._server is not None:
            raise RuntimeError("already started")
        server = _Server((HOST, self.port), _Handler)
        server.double = self
        server.tls_context = None
        if self.tls is not None:
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(self.tls[0]), str(self.tls[1]))
            server.tls_context = context
        self.port = server.server_address[1]
        with self._cond:
            self._stopping = False
        self._server = server
        self._serve_thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"apiserver-double:{self.port}",
            daemon=True,
        )
        self._serve_thread.start()
        return self

    def stop(self) -> None:
        """Go away: close the listening socket, drop every connection, join handler threads."""
        server = self._server
        if server is None:
            return
        with self._cond:
            self._stopping = True
            for w in self._watches:
                w.dropped = True
            conns = list(self._conns)
            self._cond.notify_all()
        server.shutdown()
        server.server_close()
        for conn in conns:
            _shutdown(conn)
        deadline = time.monotonic() + JOIN_TIMEOUT
        with self._cond:
            threads = list(self._threads)
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()))
        if self._serve_thread is not None:
            self._serve_thread.join(max(0.0, deadline - time.monotonic()))
        self._server = None
        self._serve_thread = None

    def __enter__(self) -> ApiServerDouble:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if not self.port:
            raise RuntimeError("not started yet: no port")
        return f"{'https' if self.tls else 'http'}://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def write_kubeconfig(
        self,
        path: str | Path,
        *,
        context: str = "double",
        namespace: str = "default",
        token: str | None = None,
    ) -> Path:
        """Write a kubeconfig (JSON, which YAML loaders read) pointing at this server."""
        path = Path(path)
        cfg = {
            "apiVersion": "v1",
            "kind": "Config",
            "preferences": {},
            "clusters": [{"name": context, "cluster": {"server": self.url}}],
            "users": [{"name": context, "user": {"token": token or self.token}}],
            "contexts": [
                {
                    "name": context,
                    "context": {"cluster": context, "user": context, "namespace": namespace},
                }
            ],
            "current-context": context,
        }
        path.write_text(json.dumps(cfg, indent=2) + "\n")
        return path

    @staticmethod
    def write_kubeconfig_of(
        path: str | Path, doubles: dict[str, ApiServerDouble], *, namespace: str = "default"
    ) -> Path:
        """One kubeconfig with a context per double (named by `doubles`' keys), the
        first current: several clusters, as `--context a,b` reads them."""
        path = Path(path)
        merged: dict = {}
        for name, server in doubles.items():
            server.write_kubeconfig(path, context=name, namespace=namespace)
            cfg = json.loads(path.read_text())
            if not merged:
                merged = cfg
            else:
                for section in ("clusters", "users", "contexts"):
                    merged[section] += cfg[section]
        path.write_text(json.dumps(merged, indent=2) + "\n")
        return path

    # ------------------------------------------------------------------ objects

    @property
    def resource_version(self) -> int:
        with self._cond:
            return self._rv

    def create(self, obj: dict) -> dict:
        """Store a new object (ADDED); stamps resourceVersion, uid, creationTimestamp."""
        res, new = self._prepare(obj)
        key = _key(new)
        with self._cond:
            store = self._objects[res.kind]
            if key in store:
                raise ValueError(f"{res.kind} {key} already exists")
            new["metadata"].setdefault("uid", str(uuid.uuid4()))
            new["metadata"].setdefault("creationTimestamp", _now_rfc3339())
            self._commit(res, key, "ADDED", new, None)
            return copy.deepcopy(new)

    def update(self, obj: dict) -> dict:
        """Replace an existing object (MODIFIED); keeps uid/creationTimestamp when not given."""
        res, new = self._prepare(obj)
        key = _key(new)
        with self._cond:
            store = self._objects[res.kind]
            old = store.get(key)
            if old is None:
                raise KeyError(f"{res.kind} {key} not found")
            for f in ("uid", "creationTimestamp"):
                if f in old["metadata"]:
                    new["metadata"].setdefault(f, old["metadata"][f])
            self._commit(res, key, "MODIFIED", new, old)
            return copy.deepcopy(new)

    def apply(self, obj: dict) -> dict:
        """create() or update(), whichever fits."""
        res = resolve_kind(str(obj.get("kind", "")))
        with self._cond:
            md = obj.get("metadata") or {}
            exists = self.get(res.kind, md.get("namespace"), md.get("name", "")) is not None
            return self.update(obj) if exists else self.create(obj)

    def mutate(
        self, kind: str, namespace: str | None, name: str, change: Callable[[dict], None]
    ) -> dict:
        """update() with `change` applied in place to a copy of the stored object."""
        with self._cond:
            obj = self.get(kind, namespace, name)
            if obj is None:
                raise KeyError(f"{kind} {namespace}/{name} not found")
            change(obj)
            return self.update(obj)

    def delete(self, kind: str, namespace: str | None, name: str) -> dict:
        """Remove an object (DELETED, carrying its last state at a new resourceVersion)."""
        res = resolve_kind(kind)
        key = f"{namespace or 'default'}/{name}" if res.namespaced else name
        with self._cond:
            old = self._objects[res.kind].get(key)
            if old is None:
                raise KeyError(f"{res.kind} {key} not found")
            final = {**old, "metadata": dict(old["metadata"])}
            self._commit(res, key, "DELETED", final, old)
            return copy.deepcopy(final)

    def get(self, kind: str, namespace: str | None, name: str) -> dict | None:
        """The stored object (a copy), or None."""
        res = resolve_kind(kind)
        key = f"{namespace or 'default'}/{name}" if res.namespaced else name
        with self._cond:
            obj = self._objects[res.kind].get(key)
            return copy.deepcopy(obj) if obj is not None else None

    def encode_all(self, kind: str) -> int:
        """With `encode_once`: encode every stored object of `kind` now, as a list will
        serve it, so that the first list is as fast as the next. Returns how many."""
        res = resolve_kind(kind)
        with self._cond:
            stored = list(self._objects[res.kind].values())
        for obj in stored:
            self._list_item(obj)
        return len(stored)

    def objects(self, kind: str, namespace: str | None = None) -> list[dict]:
        """The server's truth for a kind (copies, sorted by namespace/name)."""
        res = resolve_kind(kind)
        with self._cond:
            items = sorted(self._objects[res.kind].items())
        return [
            copy.deepcopy(o)
            for _, o in items
            if namespace is None or o["metadata"].get("namespace") == namespace
        ]

    def load_watch_file(self, path: str | Path) -> int:
        """Apply a `{"type","object"}` capture (or a List / bare objects); returns changes made."""
        n = 0
        for doc in _json_documents(Path(path).read_text()):
            if not isinstance(doc, dict):
                continue
            if "type" in doc and "object" in doc:
                typ, obj = doc["type"], doc["object"]
            elif str(doc.get("kind", "")).endswith("List") and isinstance(doc.get("items"), list):
                item_kind = str(doc["kind"])[: -len("List")]
                for item in doc["items"]:
                    if isinstance(item, dict):
                        item = {"kind": item_kind, **item} if item_kind else item
                        n += self._load_one("ADDED", item)
                continue
            else:
                typ, obj = "ADDED", doc
            n += self._load_one(typ, obj)
        return n

    def _load_one(self, typ: str, obj: Any) -> int:
        if typ not in ("ADDED", "MODIFIED", "DELETED") or not isinstance(obj, dict):
            return 0
        try:
            res = resolve_kind(str(obj.get("kind", "")))
        except KeyError:
            return 0
        md = obj.get("metadata") or {}
        exists = self.get(res.kind, md.get("namespace"), md.get("name", "")) is not None
        if typ == "DELETED":
            if not exists:
                return 0
            self.delete(res.kind, md.get("namespace"), md.get("name", ""))
        elif exists:
            self.update(obj)
        else:
            self.create(obj)
        return 1

    def compact(self) -> int:
        """Move every kind's compaction point to the current resourceVersion; returns it."""
        with self._cond:
            for kind in RESOURCES:
                self._compacted[kind] = self._rv
                self._history[kind].clear()
            self._snapshots.clear()
            self._cond.notify_all()
            return self._rv

    def _prepare(self, obj: dict) -> tuple[Resource, dict]:
        res = resolve_kind(str(obj.get("kind", "")))
        new = copy.deepcopy(obj)
        new["kind"] = res.kind
        new["apiVersion"] = res.api_version
        md = new.setdefault("metadata", {})
        if not md.get("name"):
            raise ValueError("metadata.name is required")
        if res.namespaced:
            md["namespace"] = md.get("namespace") or "default"
        else:
            md.pop("namespace", None)
        # keep the usual field order: apiVersion, kind, metadata, ...
        ordered = {"apiVersion": new.pop("apiVersion"), "kind": new.pop("kind")}
        ordered["metadata"] = new.pop("metadata")
        ordered.update(new)
        return res, ordered

    def _commit(self, res: Resource, key: str, typ: str, new: dict, old: dict | None) -> None:
        # caller holds self._cond
        self._rv += 1
        new["metadata"]["resourceVersion"] = str(self._rv)
        store = self._objects[res.kind]
        if typ == "DELETED":
            del store[key]
        else:
            store[key] = new
        hist = self._history[res.kind]
        hist.append(_Entry(self._rv, typ, new, old))
        while len(hist) > self.history_limit:
            gone = hist.popleft()
            self._compacted[res.kind] = max(self._compacted[res.kind], gone.rv)
        self._cond.notify_all()

    # ------------------------------------------------------------------ controls

    def forbid(self, kind: str, on: bool = True) -> None:
        """403 Forbidden for list and watch of this kind."""
        with self._cond:
            (self._forbidden.add if on else self._forbidden.discard)(resolve_kind(kind).kind)

    def set_log(
        self, namespace: str, pod: str, container: str, text: str | bytes, *, previous: bool = False
    ) -> None:
        """What `GET .../pods/POD/log?container=C[&previous=true]` returns: the container's
        (or its previous instance's) output, as the kubelet keeps it."""
        data = text.encode() if isinstance(text, str) else text
        with self._cond:
            self._logs[(namespace, pod, container, previous)] = data

    def append_log(self, namespace: str, pod: str, container: str, text: str | bytes) -> None:
        """The running container writes more: what a `follow=true` reader is sent next."""
        data = text.encode() if isinstance(text, str) else text
        with self._cond:
            key = (namespace, pod, container, False)
            self._logs[key] = self._logs.get(key, b"") + data
            self._cond.notify_all()

    def end_log(self, namespace: str, pod: str, container: str) -> None:
        """The container exits: a `follow=true` reader's response ends (as the kubelet's
        does), after what was written."""
        with self._cond:
            self._logs_ended.add((namespace, pod, container))
            self._cond.notify_all()

    def forbid_logs(self, on: bool = True) -> None:
        """403 Forbidden for the pods/log subresource (a role without it)."""
        with self._cond:
            self._logs_forbidden = on

    def unavailable(self, kind: str, on: bool = True) -> None:
        """404 NotFound for this kind, as when its API is not served."""
        with self._cond:
            (self._unavailable.add if on else self._unavailable.discard)(resolve_kind(kind).kind)

    def throttle(self, times: int, retry_after: int = 1, kind: str | None = None) -> None:
        """The next `times` requests (of that kind, or any) get 429 with Retry-After."""
        k = resolve_kind(kind).kind if kind is not None else None
        with self._cond:
            if times > 0:
                self._throttles[k] = [times, retry_after]
            else:
                self._throttles.pop(k, None)

    def slow_lists(self, kind: str, seconds: float) -> None:
        """Each list of `kind` is answered `seconds` late (0: on time again): a big
        list over a slow link, while the other kinds are listed and watched."""
        k = resolve_kind(kind).kind
        with self._cond:
            if seconds > 0:
                self._slow_lists[k] = seconds
            else:
                self._slow_lists.pop(k, None)

    def set_token(self, token: str) -> None:
        """Requests with any other bearer token get 401 from now on."""
        with self._cond:
            self.token = token

    def drop_connections(self) -> int:
        """Abruptly close every open watch (no chunk terminator); returns how many."""
        with self._cond:
            watches = list(self._watches)
            for w in watches:
                w.dropped = True
            self._cond.notify_all()
        for w in watches:
            _shutdown(w.conn)
        return len(watches)

    def stall(self, seconds: float, *, new_watches: bool = False) -> None:
        """Open watches send nothing (not even bookmarks) for `seconds`, keeping the connection.

        With new_watches=True, watches opened during that time stall too (a hung server
        rather than a dead connection)."""
        until = time.monotonic() + seconds
        with self._cond:
            for w in self._watches:
                w.stall_until = max(w.stall_until, until)
            if new_watches:
                self._stall_new_until = max(self._stall_new_until, until)
            self._cond.notify_all()

    def expire_watches(self) -> int:
        """compact(), then send the 410 ERROR event to every open watch and end it."""
        self.compact()
        with self._cond:
            for w in self._watches:
                w.expired = True
            self._cond.notify_all()
            return len(self._watches)

    # ------------------------------------------------------------------ observation

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the request log, oldest first."""
        with self._cond:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._cond:
            self._requests.clear()

    def watch_count(self, kind: str) -> int:
        """How many watch requests for this kind were received (ever, or since clear_requests)."""
        k = resolve_kind(kind).kind
        with self._cond:
            return sum(1 for r in self._requests if r.watch and r.kind == k)

    def open_watches(self, kind: str | None = None) -> int:
        """How many watch streams are open now."""
        k = resolve_kind(kind).kind if kind is not None else None
        with self._cond:
            return sum(1 for w in self._watches if k is None or w.kind == k)

    @staticmethod
    def wait_for(
        predicate: Callable[[], bool], timeout: float = 5.0, interval: float = 0.02
    ) -> bool:
        """Poll predicate until true or timeout; returns whether it became true."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(interval)

    # ------------------------------------------------------------------ request side

    def _record(self, rec: RequestRecord) -> None:
        with self._cond:
            self._requests.append(rec)

    def _check_gate(self, res: Resource | None, verb: str, namespace: str | None) -> None:
        """Throttle, availability and authorization, in the real server's order."""
        with self._cond:
            for k in (res.kind, None) if res is not None else (None,):
                t = self._throttles.get(k)
                if not t:
                    continue
                t[0] -= 1
                if t[0] <= 0:
                    del self._throttles[k]
                raise _ApiError(
                    status_body(
                        429,
                        "TooManyRequests",
                        "Too many requests, please try again later.",
                        {"retryAfterSeconds": t[1]},
                    ),
                    {"Retry-After": str(t[1])},
                )
            if res is None:
                return
            if res.kind in self._unavailable:
                raise _not_found()
            if res.kind in self._forbidden:
                scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
                details: dict[str, str] = {"kind": res.plural}
                if res.group:
                    details = {"group": res.group, "kind": res.plural}
                raise _ApiError(
                    status_body(
                        403,
                        "Forbidden",
                        f"{res.plural}{'.' + res.group if res.group else ''} is forbidden: "
                        f'User "{self.user}" cannot {verb} resource "{res.plural}" '
                        f'in API group "{res.group}" {scope}',
                        details,
                    )
                )

    def _parse_rv(self, text: str) -> int:
        try:
            rv = int(text)
        except ValueError:
            raise _bad_request(f'invalid resource version "{text}"') from None
        if rv < 0:
            raise _bad_request(f'invalid resource version "{text}"')
        return rv

    def _wait_rv(self, rv: int) -> bool:
        """Wait (bounded) until the server has reached rv. Caller holds the lock."""
        deadline = time.monotonic() + TOO_LARGE_RV_WAIT
        while self._rv < rv:
            left = deadline - time.monotonic()
            if left <= 0 or self._stopping:
                return False
            self._cond.wait(min(left, 0.5))
        return True

    def _state_at(self, res: Resource, rv: int) -> tuple[list[str], list[dict]]:
        """Sorted keys and objects of a kind as they were at rv. Caller holds the lock."""
        cached = self._snapshots.get((res.kind, rv))
        if cached is not None:
            self._snapshots.move_to_end((res.kind, rv))
            return cached
        state = dict(self._objects[res.kind])
        for e in reversed(self._history[res.kind]):
            if e.rv <= rv:
                break
            key = _key(e.obj)
            if e.type == "ADDED":
                state.pop(key, None)
            elif e.prev is not None:
                state[key] = e.prev
        keys = sorted(state)
        snap = (keys, [state[k] for k in keys])
        self._snapshots[(res.kind, rv)] = snap
        while len(self._snapshots) > SNAPSHOT_CACHE:
            self._snapshots.popitem(last=False)
        return snap

    def _list(self, res: Resource, flt: _Filter, q: dict[str, str]) -> bytes:
        limit_text = q.get("limit", "")
        try:
            limit = int(limit_text) if limit_text else 0
        except ValueError:
            raise _bad_request(f'invalid limit "{limit_text}"') from None
        cont = q.get("continue", "")
        rv_text = q.get("resourceVersion", "")
        match = q.get("resourceVersionMatch", "")
        if match and match not in ("Exact", "NotOlderThan"):
            raise _bad_request(f'unsupported resourceVersionMatch "{match}"')
        if match and not rv_text:
            raise _bad_request(
                "resourceVersionMatch is forbidden unless resourceVersion is provided"
            )
        start = ""
        with self._cond:
            if cont:
                if rv_text:
                    raise _bad_request(
                        "specifying resource version is not allowed when using continue"
                    )
                snap_rv, start = _decode_continue(cont)
                if snap_rv < self._compacted[res.kind] or snap_rv > self._rv:
                    raise _expired(
                        "The provided continue parameter is too old to display a consistent "
                        "list result. You can start a new list without the continue parameter."
                    )
            elif rv_text in ("", "0"):
                snap_rv = self._rv
                if rv_text == "0":
                    limit = 0  # served from the watch cache: limit is ignored
            else:
                wanted = self._parse_rv(rv_text)
                exact = match == "Exact" or (not match and limit > 0)
                if not self._wait_rv(wanted):
                    raise _ApiError(_too_large(wanted, self._rv))
                if exact:
                    if wanted < self._compacted[res.kind]:
                        raise _ApiError(_too_old(wanted, self._compacted[res.kind]))
                    snap_rv = wanted
                else:
                    snap_rv = self._rv
            if limit > 0 or cont or snap_rv != self._rv:
                keys, objs = self._state_at(res, snap_rv)
            else:
                keys = sorted(self._objects[res.kind])
                objs = [self._objects[res.kind][k] for k in keys]
        i = bisect.bisect_left(keys, start) if start else 0
        items: list[dict] = []
        more_keys = False
        while i < len(keys):
            if limit > 0 and len(items) >= limit:
                more_keys = True
                break
            if flt(objs[i]):
                items.append(objs[i])
            i += 1
        meta: dict[str, Any] = {"resourceVersion": str(snap_rv)}
        if more_keys:
            meta["continue"] = _encode_continue(snap_rv, keys[i - 1] + "\x00")
            if not flt.has_selectors:
                meta["remainingItemCount"] = len(keys) - i
        head = _dumps({"kind": res.list_kind, "apiVersion": res.api_version, "metadata": meta})
        return head[:-1] + b',"items":[' + b",".join(map(self._list_item, items)) + b"]}"

    def _list_item(self, obj: dict) -> bytes:
        """An object as a list holds it: JSON, without kind and apiVersion."""
        if self.encode_once:
            held = self._item_json.get(id(obj))
            if held is not None and held[0] is obj:
                return held[1]
        data = _dumps({k: v for k, v in obj.items() if k not in ("kind", "apiVersion")})
        if self.encode_once:
            if len(self._item_json) > 4 * sum(map(len, self._objects.values())) + 1024:
                self._item_json.clear()  # objects replaced since: start again
            self._item_json[id(obj)] = (obj, data)
        return data


def _discovery(segs: list[str], address: Any) -> dict | None:
    """Legacy discovery documents, enough for kubectl to find the resources served."""

    def resources(group: str, version: str) -> list[dict]:
        return [
            {
                "name": r.plural,
                "singularName": r.kind.lower(),
                "namespaced": r.namespaced,
                "kind": r.kind,
                "verbs": ["get", "list", "watch"],
            }
            for r in RESOURCES.values()
            if r.group == group and r.version == version
        ]

    groups = sorted({(r.group, r.version) for r in RESOURCES.values() if r.group})
    if segs == ["api"]:
        host = f"{address[0]}:{address[1]}"
        return {
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}],
        }
    if segs == ["apis"]:
        return {
            "kind": "APIGroupList",
            "apiVersion": "v1",
            "groups": [
                {
                    "name": g,
                    "versions": [{"groupVersion": f"{g}/{v}", "version": v}],
                    "preferredVersion": {"groupVersion": f"{g}/{v}", "version": v},
                }
                for g, v in groups
            ],
        }
    if segs == ["api", "v1"]:
        return {
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": "v1",
            "resources": resources("", "v1"),
        }
    if len(segs) == 3 and segs[0] == "apis" and (segs[1], segs[2]) in groups:
        return {
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": f"{segs[1]}/{segs[2]}",
            "resources": resources(segs[1], segs[2]),
        }
    return None


def _not_found() -> _ApiError:
    return _ApiError(
        status_body(404, "NotFound", "the server could not find the requested resource", {})
    )


def _encode_continue(rv: int, start: str) -> str:
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": start}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_continue(token: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        if data.get("v") != "meta.k8s.io/v1":
            raise ValueError
        return int(data["rv"]), str(data["start"])
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _bad_request(f"continue key is not valid: {token[:80]}") from None


def _json_documents(text: str) -> Iterator[Any]:
    """Concatenated JSON documents (one per line, or pretty-printed over many)."""
    dec = json.JSONDecoder()
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return
        doc, i = dec.raw_decode(text, i)
        yield doc


def _shutdown(conn: socket.socket) -> None:
    with contextlib.suppress(OSError):
        conn.shutdown(socket.SHUT_RDWR)


def _query(raw: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("true", "1")


# --------------------------------------------------------------------------- HTTP


class _Server(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True
    block_on_close = False
    request_queue_size = 128
    double: ApiServerDouble
    tls_context: Any = None

    def process_request(self, request: Any, client_address: Any) -> None:
        t = threading.Thread(target=self._run_request, args=(request, client_address), daemon=True)
        with self.double._cond:
            self.double._threads.add(t)
        t.start()

    def _run_request(self, request: Any, client_address: Any) -> None:
        try:
            if self.tls_context is not None:
                # The handshake in the handler's thread: a client that never completes
                # it holds up nobody else. A failed one is the client's refusal.
                request.settimeout(JOIN_TIMEOUT)
                try:
                    request = self.tls_context.wrap_socket(request, server_side=True)
                except OSError:
                    _shutdown(request)
                    request.close()
                    return
                request.settimeout(None)
            self.process_request_thread(request, client_address)
        finally:
            with self.double._cond:
                self.double._threads.discard(threading.current_thread())

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        exc = sys.exc_info()[1]
        if exc is not None and not isinstance(exc, OSError):
            self.double.errors.append(exc)


_CONN_ERRORS = (
    BrokenPipeError,
    ConnectionResetError,
    ConnectionAbortedError,
    TimeoutError,
    OSError,
)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "apiserver-double"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed after this
    server: _Server

    # quiet: no access log, no tracebacks
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        d = self.server.double
        with d._cond:
            d._conns.add(self.connection)
            stopping = d._stopping
        if stopping:
            _shutdown(self.connection)

    def finish(self) -> None:
        d = self.server.double
        with d._cond:
            d._conns.discard(self.connection)
        with contextlib.suppress(*_CONN_ERRORS):
            super().finish()

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except _CONN_ERRORS:
            self.close_connection = True

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = do_GET

    # ------------------------------------------------------------------ plumbing

    def _send_json(
        self, code: int, body: dict | bytes, headers: dict[str, str] | None = None
    ) -> None:
        data = body if isinstance(body, bytes) else _dumps(body)
        self.send_response(code)
        self.send_header("Audit-Id", str(uuid.uuid4()))
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self._rec.status = code
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _discard_body(self) -> None:
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if 0 <= length <= 1 << 20:
            if length:
                self.rfile.read(length)
        else:
            self.close_connection = True

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    # ------------------------------------------------------------------ routing

    def _dispatch(self) -> None:
        d = self.server.double
        parts = urlsplit(self.path)
        q = _query(parts.query)
        self._rec = RequestRecord(self.command, parts.path, q, time.time())
        d._record(self._rec)
        if self.command != "GET":
            self._discard_body()
        try:
            self._route(d, parts.path, q)
        except _ApiError as e:
            self._send_json(e.status["code"], e.status, e.headers)

    def _route(self, d: ApiServerDouble, path: str, q: dict[str, str]) -> None:
        auth = self.headers.get("Authorization", "")
        scheme, _, token = auth.partition(" ")
        with d._cond:
            expected = d.token
        if not (d.anonymous and not auth) and (
            scheme.lower() != "bearer" or token.strip() != expected
        ):
            raise _ApiError(status_body(401, "Unauthorized", "Unauthorized"))

        segs = [s for s in path.split("/") if s]
        discovery = _discovery(segs, self.server.server_address)
        if discovery is not None:
            self._send_json(200, discovery)
            return
        if segs == ["version"]:
            d._check_gate(None, "get", None)
            if self.command != "GET":
                raise _method_not_allowed()
            self._send_json(200, VERSION)
            return

        if (
            len(segs) == 7
            and segs[:3] == ["api", "v1", "namespaces"]
            and segs[4::2]
            == [
                "pods",
                "log",
            ]
        ):
            self._rec.kind = "pods/log"
            if self.command != "GET":
                raise _method_not_allowed()
            try:
                self._log(d, segs[3], segs[5], q)
            except _ApiError:
                accept = self.headers.get("Accept", "")
                if "json" in accept or "*/*" in accept or not accept:
                    raise
                # A Status is JSON, YAML or protobuf; asked for only text/plain, the real
                # API server says so instead of the failure (kube-apiserver 1.26, seen).
                raise _ApiError(
                    status_body(
                        406,
                        "NotAcceptable",
                        "only the following media types are accepted: application/json, "
                        "application/yaml, application/vnd.kubernetes.protobuf",
                    )
                ) from None
            return
        res, namespace, name, watch_path = _match_path(segs)
        if res is None:
            raise _not_found()
        self._rec.kind = res.kind
        watch = watch_path or _truthy(q.get("watch"))
        self._rec.watch = watch
        verb = "watch" if watch else ("get" if name else "list")
        d._check_gate(res, verb, namespace)
        if self.command != "GET":
            raise _method_not_allowed()

        if name is not None and not watch:
            key = f"{namespace}/{name}" if res.namespaced else name
            with d._cond:
                obj = d._objects[res.kind].get(key)
            if obj is None:
                raise _ApiError(
                    status_body(
                        404,
                        "NotFound",
                        f'{res.plural} "{name}" not found',
                        {"name": name, "kind": res.plural},
                    )
                )
            self._send_json(200, obj)
            return

        label_sel = q.get("labelSelector", "")
        field_sel = q.get("fieldSelector", "")
        if name is not None:  # /watch/namespaces/ns/pods/name
            field_sel = f"metadata.name={name}" + (f",{field_sel}" if field_sel else "")
        flt = _Filter(
            namespace,
            parse_label_selector(label_sel),
            parse_field_selector(field_sel, res),
            bool(label_sel.strip() or field_sel.strip()),
        )
        if watch:
            self._watch(d, res, flt, q)
        else:
            with d._cond:
                late = d._slow_lists.get(res.kind, 0.0)
            if late:
                time.sleep(late)  # outside the lock: the other kinds go on meanwhile
            self._send_json(200, d._list(res, flt, q))

    # ------------------------------------------------------------------ logs

    def _log(self, d: ApiServerDouble, namespace: str, pod: str, q: dict[str, str]) -> None:
        """The log subresource as the API server answers it (from the kubelet): container,
        previous, tailLines, limitBytes, timestamps; its errors as Status objects."""
        with d._cond:
            if d._logs_forbidden:
                raise _ApiError(
                    status_body(
                        403,
                        "Forbidden",
                        f'pods "{pod}" is forbidden: User "test" cannot get resource '
                        f'"pods/log" in API group "" in the namespace "{namespace}"',
                        {"name": pod, "kind": "pods"},
                    )
                )
            obj = d._objects["Pod"].get(f"{namespace}/{pod}")
            logs = dict(d._logs)
        if obj is None:
            raise _ApiError(status_body(404, "NotFound", f'pods "{pod}" not found'))
        names = [c.get("name") for c in (obj.get("spec") or {}).get("containers") or []]
        container = q.get("container") or (names[0] if len(names) == 1 else "")
        if not container:
            raise _bad_request(
                f"a container name must be specified for pod {pod}, choose one of: {names}"
            )
        if container not in names:
            raise _bad_request(f"container {container} is not valid for pod {pod}")
        previous = _truthy(q.get("previous"))
        data = logs.get((namespace, pod, container, previous))
        if data is None and previous:
            raise _bad_request(
                f'previous terminated container "{container}" in pod "{pod}" not found'
            )
        stamps = _truthy(q.get("timestamps"))
        lines = _log_selection(
            data or b"", q.get("tailLines"), q.get("sinceTime"), stamps, d.log_epoch
        )
        if _truthy(q.get("follow")) and not previous:
            self._follow_log(d, (namespace, pod, container), lines, len(data or b""), stamps)
            return
        out = b"".join(lines)
        if q.get("limitBytes"):
            out = out[: int(q["limitBytes"])]
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(out)))
        self._rec.status = 200
        self.end_headers()
        self.wfile.write(out)

    def _follow_log(
        self,
        d: ApiServerDouble,
        which: tuple[str, str, str],
        first: list[bytes],
        sent: int,
        stamps: bool,
    ) -> None:
        """`follow=true`: what was selected, then each line as the container writes it,
        chunked, until the container exits, the pod goes, the double stops, or its
        longest watch time passes (bounded, like every loop here)."""
        key = (*which, False)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self._rec.status = 200
        self.end_headers()
        try:
            if first:
                self._chunk(b"".join(first))
            deadline = time.monotonic() + d.max_watch_timeout
            while True:
                with d._cond:
                    while True:
                        data = d._logs.get(key, b"")
                        ended = (
                            d._stopping
                            or which in d._logs_ended
                            or f"{which[0]}/{which[1]}" not in d._objects["Pod"]
                        )
                        whole = data.rfind(b"\n", sent) + 1
                        if whole > sent or ended or time.monotonic() >= deadline:
                            break
                        d._cond.wait(0.5)
                if whole > sent:
                    done = data[:sent].count(b"\n")
                    fresh = data[sent:whole].splitlines(keepends=True)
                    if stamps:
                        fresh = [_stamped(done + n, ln, d.log_epoch) for n, ln in enumerate(fresh)]
                    self._chunk(b"".join(fresh))
                    sent = whole
                    continue
                self.wfile.write(b"0\r\n\r\n")
                return
        except _CONN_ERRORS:
            self.close_connection = True

    # ------------------------------------------------------------------ watch

    def _watch(self, d: ApiServerDouble, res: Resource, flt: _Filter, q: dict[str, str]) -> None:
        rv_text = q.get("resourceVersion", "")
        bookmarks = _truthy(q.get("allowWatchBookmarks"))
        send_initial = _truthy(q.get("sendInitialEvents"))
        timeout_text = q.get("timeoutSeconds", "")
        try:
            timeout = int(timeout_text) if timeout_text else d.max_watch_timeout
        except ValueError:
            raise _bad_request(f'invalid timeoutSeconds "{timeout_text}"') from None
        if timeout <= 0:
            timeout = d.max_watch_timeout
        timeout = min(timeout, d.max_watch_timeout)
        start_rv = d._parse_rv(rv_text) if rv_text not in ("", "0") else None

        w = _Watch(res.kind, self.connection)
        initial: list[dict] = []
        first_error: dict | None = None
        with d._cond:
            if start_rv is None or send_initial:
                pos = d._rv
                for k in sorted(d._objects[res.kind]):
                    obj = d._objects[res.kind][k]
                    if flt(obj):
                        initial.append(obj)
            else:
                pos = start_rv
                if pos < d._compacted[res.kind]:
                    too_old = _too_old(pos, d._compacted[res.kind])
                    if d.http_410:
                        raise _ApiError(too_old)
                    first_error = too_old
                elif not d._wait_rv(pos):
                    first_error = _too_large(pos, d._rv)
            w.stall_until = d._stall_new_until
            if first_error is None:
                d._watches.add(w)

        try:
            self.send_response(200)
            self.send_header("Audit-Id", str(uuid.uuid4()))
            self.send_header("Cache-Control", "no-cache, private")
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self._rec.status = 200
            self.end_headers()
            if first_error is not None:
                self._chunk(_dumps({"type": "ERROR", "object": first_error}) + b"\n")
                self.wfile.write(b"0\r\n\r\n")
                return
            self._stream(d, res, flt, w, pos, initial, bookmarks, send_initial, timeout)
        except _CONN_ERRORS:
            self.close_connection = True
        finally:
            with d._cond:
                d._watches.discard(w)

    def _stream(
        self,
        d: ApiServerDouble,
        res: Resource,
        flt: _Filter,
        w: _Watch,
        pos: int,
        initial: list[dict],
        bookmarks: bool,
        send_initial: bool,
        timeout: int,
    ) -> None:
        deadline = time.monotonic() + timeout
        pending: list[bytes] = [_dumps({"type": "ADDED", "object": o}) + b"\n" for o in initial]
        if send_initial and bookmarks:
            pending.append(_bookmark(res, pos, {"k8s.io/initial-events-end": "true"}))
        last_sent = time.monotonic()
        while True:
            if pending:
                with d._cond:
                    stalled = w.stall_until > time.monotonic()
                if not stalled:
                    for line in pending:
                        self._chunk(line)
                    pending = []
                    last_sent = time.monotonic()
            end: str | None = None
            oldest = 0
            with d._cond:
                while True:
                    if w.dropped or d._stopping:
                        end = "drop"
                        break
                    now = time.monotonic()
                    if w.stall_until > now:
                        d._cond.wait(min(w.stall_until - now, 1.0))
                        continue
                    if pending:
                        break
                    if w.expired or pos < d._compacted[res.kind]:
                        end = "expire"
                        oldest = d._compacted[res.kind]
                        break
                    entries = _entries_after(d._history[res.kind], pos)
                    if entries:
                        pos = entries[-1].rv
                        pending = [line for e in entries if (line := _event_line(e, flt))]
                        if pending:
                            break
                        continue
                    if now >= deadline:
                        end = "timeout"
                        break
                    wait = deadline - now
                    if bookmarks:
                        due = last_sent + d.bookmark_interval
                        if now >= due:
                            pos = d._rv
                            pending = [_bookmark(res, pos)]
                            break
                        wait = min(wait, due - now)
                    d._cond.wait(min(max(wait, 0.001), 1.0))
            if end == "drop":
                self.close_connection = True
                return
            if end == "expire":
                self._chunk(_dumps({"type": "ERROR", "object": _too_old(pos, oldest)}) + b"\n")
                self.wfile.write(b"0\r\n\r\n")
                return
            if end == "timeout":
                self.wfile.write(b"0\r\n\r\n")
                return


LOG_EPOCH = 1796119200
"""2026-12-01T10:00:00Z: the double's log line N was written N seconds after it."""


def _stamp(n: int, epoch: float) -> bytes:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime(epoch + n)).encode()


def _stamped(n: int, line: bytes, epoch: float) -> bytes:
    """Line N as `timestamps=true` sends it: the kubelet's fixed-width RFC 3339 time."""
    return _stamp(n, epoch) + b" " + line


def _log_selection(
    data: bytes, tail: str | None, since: str | None, stamps: bool, epoch: float
) -> list[bytes]:
    """The lines a log request selects: those written at or after `sinceTime` (RFC 3339,
    seconds, as the API takes it), the last `tailLines` of them, each stamped if asked."""
    lines = data.splitlines(keepends=True)
    numbered = list(enumerate(lines))
    if since:
        stamp = since.encode()
        numbered = [(n, ln) for n, ln in numbered if _stamp(n, epoch)[:19] >= stamp[:19]]
    if tail:
        numbered = numbered[-int(tail) :] if int(tail) > 0 else []
    return [_stamped(n, ln, epoch) if stamps else ln for n, ln in numbered]


def _entries_after(hist: collections.deque[_Entry], rv: int) -> list[_Entry]:
    out: list[_Entry] = []
    for e in reversed(hist):
        if e.rv <= rv:
            break
        out.append(e)
    out.reverse()
    return out


def _event_line(e: _Entry, flt: _Filter) -> bytes | None:
    """The watch line this history entry becomes for a filtered watcher (None: not sent)."""
    if e.type == "DELETED":
        return _dumps({"type": "DELETED", "object": e.obj}) + b"\n" if flt(e.obj) else None
    now_match = flt(e.obj)
    was_match = flt(e.prev)
    if e.type == "ADDED":
        return _dumps({"type": "ADDED", "object": e.obj}) + b"\n" if now_match else None
    if now_match and was_match:
        return _dumps({"type": "MODIFIED", "object": e.obj}) + b"\n"
    if now_match:
        return _dumps({"type": "ADDED", "object": e.obj}) + b"\n"
    if was_match and e.prev is not None:
        # the previous content, at this event's resourceVersion (as the watch cache does)
        gone = {**e.prev, "metadata": {**e.prev["metadata"], "resourceVersion": str(e.rv)}}
        return _dumps({"type": "DELETED", "object": gone}) + b"\n"
    return None


def _bookmark(res: Resource, rv: int, annotations: dict[str, str] | None = None) -> bytes:
    md: dict[str, Any] = {"resourceVersion": str(rv)}
    if annotations:
        md["annotations"] = annotations
    obj = {"kind": res.kind, "apiVersion": res.api_version, "metadata": md}
    return _dumps({"type": "BOOKMARK", "object": obj}) + b"\n"


def _method_not_allowed() -> _ApiError:
    return _ApiError(
        status_body(
            405,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource",
            {},
        )
    )


def _match_path(segs: list[str]) -> tuple[Resource | None, str | None, str | None, bool]:
    """(resource, namespace, name, /watch/ prefix) for an API path, or (None, ...)."""
    if segs[:2] == ["api", "v1"]:
        group, rest = "", segs[2:]
    elif len(segs) >= 3 and segs[0] == "apis" and (segs[1], segs[2]) in _GROUP_VERSIONS:
        group, rest = segs[1], segs[3:]
    else:
        return None, None, None, False
    watch = bool(rest) and rest[0] == "watch"
    if watch:
        rest = rest[1:]
    namespace = None
    if len(rest) >= 3 and rest[0] == "namespaces":
        namespace, rest = rest[1], rest[2:]
    if not 1 <= len(rest) <= 2:
        return None, None, None, False
    res = _BY_PATH.get((group, rest[0]))
    if res is None or (namespace is not None and not res.namespaced):
        return None, None, None, False
    name = rest[1] if len(rest) == 2 else None
    if name is not None and res.namespaced and namespace is None:
        return None, None, None, False
    return res, namespace, name, watch


__all__ = [
    "RESOURCES",
    "ApiServerDouble",
    "RequestRecord",
    "Resource",
    "parse_field_selector",
    "parse_label_selector",
    "resolve_kind",
    "status_body",
]
