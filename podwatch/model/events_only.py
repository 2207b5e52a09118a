"""Pods known only from Events: what their Events tell, and no more.

After an incident `kubectl get events -o json` is often all that was saved. Its
Events name pods that podwatch never saw as objects; each becomes a row marked
`(from Events only)` with what the Events attest (the node of a `Scheduled`
Event, the last Warning, probe failures from `Unhealthy` Events) and what they
cannot: READY, restarts and conditions are unknown, never 0 or False (a
`BackOff` says a container restarted, not how often). The row becomes the real
pod's when its object arrives (`Store.events_only`).
"""

from __future__ import annotations

import re

from podwatch.model.events import KEvent
from podwatch.model.k8s import Key, format_age
from podwatch.model.pods import Health, PodSummary

EVENTS_ONLY_STATUS = "(from Events only)"
"""The STATUS word of a pod with no object: what the row is known from."""
UNKNOWN_PHASE = "?"
_SCHEDULED_RE = re.compile(r"^Successfully assigned \S+ to (\S+)$")
RESTART_HINTS = (("BackOff", "restarting"), ("Killing", "will be restarted"))
"""(reason, words of the message) of Events that say a container restarted (or is about
to), without saying how often."""


def scheduled_node(events: list[KEvent]) -> str:
    """The node the latest `Scheduled` Event assigned the pod to ("" if none says)."""
    for ev in reversed(events):
        if ev.reason == "Scheduled":
            match = _SCHEDULED_RE.match(ev.message.strip())
            if match:
                return match.group(1)
    return ""


def last_warning(events: list[KEvent]) -> KEvent | None:
    """The latest Warning among `events` (in time order, as `Store.pod_events` gives)."""
    warnings = [e for e in events if e.type == "Warning"]
    return warnings[-1] if warnings else None


def events_only_summary(key: Key, events: list[KEvent]) -> PodSummary:
    """A row's summary from Events alone: ✗ if any Warning was seen, else the neutral
    mark (its state is unknown, not healthy)."""
    severity = Health.UNHEALTHY if last_warning(events) is not None else Health.FINISHED
    return PodSummary(
        key=key,
        uid="",
        phase=UNKNOWN_PHASE,
        status=EVENTS_ONLY_STATUS,
        ready=0,
        total=0,
        restarts=0,
        last_restart=None,
        node=scheduled_node(events),
        pod_ip="",
        qos="",
        created=None,
        deleting=None,
        severity=severity,
        events_only=True,
    )


def _restarted(events: list[KEvent]) -> bool:
    return any(
        e.reason == reason and words in e.message.lower()
        for e in events
        for reason, words in RESTART_HINTS
    )


def events_only_why(events: list[KEvent], probe_totals: dict[str, int], now: float) -> str:
    """The why line of a pod known only from Events: that it is, its last Warning with
    how often and when, the probe failures counted, and what stays unknown."""
    parts = ["Known only from Events (no Pod object seen)"]
    warning = last_warning(events)
    if warning is not None:
        container = f" on {warning.container}" if warning.container else ""
        when = f" {format_age(now - warning.last)} ago" if warning.last is not None else ""
        said = warning.message.strip().rstrip(".:; ")
        message = f": {said}" if said else ""
        parts.append(f"last Warning {warning.reason} ×{warning.count}{container}{when}{message}")
    elif events:
        latest = events[-1]
        when = f" {format_age(now - latest.last)} ago" if latest.last is not None else ""
        parts.append(f"last Event {latest.reason}{when}, no Warning")
    failures = [f"{kind} {n}" for kind, n in sorted(probe_totals.items()) if n]
    if failures:
        parts.append("probe failures seen: " + ", ".join(failures))
    if _restarted(events):
        parts.append("restarts: unknown (its Events say it restarted, not how often)")
    else:
        parts.append("readiness and restarts unknown")
    return "; ".join(parts) + "."
