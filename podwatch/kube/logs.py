"""Reading a container's log through the pods/log subresource (GET only).

One bounded request per look: `tailLines` and `limitBytes` keep what the server
sends small, and podwatch reads at most that many bytes whatever it sends. The grant
is optional (`pods/log` is not in a read-only role by default): a refusal is said in
the pane, as the other kinds' are.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from podwatch import codec
from podwatch.kube.config import Cluster
from podwatch.kube.listwatch import get_request
from podwatch.model.k8s import d, s
from podwatch.model.logs import LIMIT_BYTES, TAIL_LINES, ContainerLog, log_lines
from podwatch.safe import clean

LOG_TIMEOUT = (5.0, 15.0)
"""(connect, read) seconds for one log request."""


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
            cluster.api_client, log_path(namespace, pod), query, "text/plain", LOG_TIMEOUT
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
