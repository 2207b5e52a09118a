"""Defensive accessors for raw Kubernetes JSON.

Every object podwatch sees comes from a cluster anyone with `create pod` can
write to, or from a file someone pasted. Fields may be missing, null or of the
wrong type, so the model reads them only through these helpers: a wrong type
reads as "absent", never as an exception.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal

Key = tuple[str, str]
"""(namespace, name) of a namespaced object; ("", name) for cluster-scoped ones."""

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
"""The annotation `kubectl apply` leaves: the whole applied object again, env values
(secrets) included."""
REDACTED = "<redacted>"


def d(value: Any) -> dict:
    """`value` if it is a JSON object, else an empty dict."""
    return value if isinstance(value, dict) else {}


def lst(value: Any) -> list:
    """`value` if it is a JSON array, else an empty list."""
    return value if isinstance(value, list) else []


def s(value: Any) -> str:
    """`value` if it is a string, else ""."""
    return value if isinstance(value, str) else ""


def i(value: Any, default: int | None = None) -> int | None:
    """`value` if it is an integer (not a bool), else `default`."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    return default


def b(value: Any) -> bool | None:
    """`value` if it is a boolean, else None."""
    return value if isinstance(value, bool) else None


def meta(obj: Any) -> dict:
    return d(d(obj).get("metadata"))


def key_of(obj: Any) -> Key:
    m = meta(obj)
    return (s(m.get("namespace")), s(m.get("name")))


def strip_metadata(obj: Any, *, last_applied: Literal["keep", "drop", "redact"] = "keep") -> Any:
    """`obj` without `metadata.managedFields` (most of an object's bytes, never shown),
    and its last-applied annotation kept, dropped or its value replaced by REDACTED.

    A shallow copy where something changes, `obj` itself where nothing does: `obj` is
    never modified (a recorder and the store may hold the same object)."""
    m = obj.get("metadata") if isinstance(obj, dict) else None
    if not isinstance(m, dict):
        return obj
    annotations = m.get("annotations")
    touch_annotation = (
        last_applied != "keep" and isinstance(annotations, dict) and LAST_APPLIED in annotations
    )
    if "managedFields" not in m and not touch_annotation:
        return obj
    m = dict(m)
    m.pop("managedFields", None)
    if touch_annotation:
        annotations = dict(annotations)
        if last_applied == "drop":
            del annotations[LAST_APPLIED]
        else:
            annotations[LAST_APPLIED] = REDACTED
        m["annotations"] = annotations
    return {**obj, "metadata": m}


def rv_number(rv: str) -> int | None:
    """A resourceVersion as an integer, to order objects of one etcd by; None if it is not
    one (the API calls it opaque: other storage backends need not use integers)."""
    if rv.isascii() and rv.isdigit() and len(rv) < 30:
        return int(rv)
    return None


@lru_cache(maxsize=65536)
def _parse_time_cached(text: str) -> float | None:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def parse_time(value: Any) -> float | None:
    """RFC 3339 (with or without fraction) to epoch seconds; None if absent or garbled.

    Cached because the same timestamps recur in every MODIFIED copy of an object.
    """
    if not isinstance(value, str) or not value or len(value) > 64:
        return None
    return _parse_time_cached(value)


def format_rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_age(seconds: float | None) -> str:
    """kubectl-style short age: 45s, 3m20s, 5h12m, 3d4h."""
    if seconds is None:
        return "-"
    if seconds < 0:
        seconds = 0
    sec = int(seconds)
    if sec < 120:
        return f"{sec}s"
    minutes, sec = divmod(sec, 60)
    if minutes < 10:
        return f"{minutes}m{sec}s" if sec else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h{minutes}m" if hours < 8 and minutes else f"{hours}h"
    days, hours = divmod(hours, 24)
    if days < 8:
        return f"{days}d{hours}h" if hours else f"{days}d"
    return f"{days}d"


def format_clock(
    epoch: float, *, date: bool = False, year: bool = False, zone: bool = False
) -> str:
    """Wall-clock time, `07:41:30`, in local time (TZ honoured), so that a timeline row can
    be matched with a log line or an alert; with `date`, `11-30 07:41:30`, for rows that
    cross midnight; with `year`, `2026-11-30 07:41:30`; with `zone`, the zone's name after
    it (`07:41:30 UTC`), where a time is read back (`--at`). "-" for a time the platform
    cannot convert. The one clock format of podwatch: status line, timeline, --at."""
    try:
        local = time.localtime(epoch)
    except (OverflowError, OSError, ValueError):
        return "-"
    fmt = "%H:%M:%S"
    if year:
        fmt = "%Y-%m-%d " + fmt
    elif date:
        fmt = "%m-%d " + fmt
    if zone:
        fmt += " %Z"
    return time.strftime(fmt, local)


def format_duration(seconds: float) -> str:
    """A signed countdown such as `in 25s` or `12s ago`."""
    if seconds >= 0:
        return f"in {format_age(seconds)}"
    return f"{format_age(-seconds)} ago"
