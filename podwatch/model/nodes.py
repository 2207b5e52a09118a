"""Nodes and taints, matched against a pod's tolerations with the scheduler's rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from podwatch.model.k8s import b, d, i, lst, meta, parse_time, s
from podwatch.model.pods import condition
from podwatch.model.selectors import Selector, from_map

NODE_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")
TaintId = tuple[str, str, str, str]
"""(node, key, value, effect)."""


@dataclass(slots=True)
class Taint:
    key: str
    value: str
    effect: str
    time_added: float | None

    @property
    def text(self) -> str:
        return (
            f"{self.key}={self.value}:{self.effect}" if self.value else f"{self.key}:{self.effect}"
        )


def acts_on_bound_pod(taint: Taint) -> bool:
    """Only NoExecute acts on a pod already bound to the node (it evicts); NoSchedule and
    PreferNoSchedule only steer the scheduler and do not affect a running pod."""
    return taint.effect == "NoExecute"


def keeps_off_new_pods(taint: Taint) -> bool:
    """NoSchedule and NoExecute keep a pod that does not tolerate them off the node
    (PreferNoSchedule only makes the scheduler look elsewhere first)."""
    return taint.effect in ("NoSchedule", "NoExecute")


def node_taints(node: Any) -> list[Taint]:
    return [
        Taint(
            key=s(d(t).get("key")),
            value=s(d(t).get("value")),
            effect=s(d(t).get("effect")),
            time_added=parse_time(d(t).get("timeAdded")),
        )
        for t in lst(d(d(node).get("spec")).get("taints"))
        if isinstance(t, dict)
    ]


_DECIMAL = re.compile(r"0|-?[1-9][0-9]*")
_INT64 = (-(2**63), 2**63 - 1)


def decimal_int(value: str) -> int | None:
    """An int64 in canonical decimal form (`0`, `950`, `-5`; not `0950`, `+5`, `-0`, ` 5`),
    as Kubernetes parses toleration and taint values for Gt/Lt; None otherwise."""
    if not _DECIMAL.fullmatch(value):
        return None
    n = int(value)
    return n if _INT64[0] <= n <= _INT64[1] else None


def tolerates(toleration: Any, taint: Taint) -> bool:
    """The Kubernetes rule (ToleratesTaint): an empty effect matches every effect,
    an empty key with Exists matches every key, Equal compares values, Gt and Lt
    compare the taint's value with the toleration's as integers (feature gate
    TaintTolerationComparisonOperators: `Gt 750` tolerates a taint valued 800; both
    values must be canonical int64 or nothing matches), and an operator podwatch does
    not know tolerates nothing."""
    tol = d(toleration)
    effect = s(tol.get("effect"))
    if effect and effect != taint.effect:
        return False
    key = s(tol.get("key"))
    if key and key != taint.key:
        return False
    operator = s(tol.get("operator")) or "Equal"
    if operator == "Exists":
        return True
    if operator == "Equal":
        return s(tol.get("value")) == taint.value
    if operator in ("Gt", "Lt"):
        mine, theirs = decimal_int(s(tol.get("value"))), decimal_int(taint.value)
        if mine is None or theirs is None:
            return False
        return theirs > mine if operator == "Gt" else theirs < mine
    return False


def toleration_text(toleration: Any) -> str:
    tol = d(toleration)
    key = s(tol.get("key")) or "*"
    operator = s(tol.get("operator")) or "Equal"
    sign = {"Gt": ">", "Lt": "<"}.get(operator, "=")
    text = key if operator == "Exists" else f"{key}{sign}{s(tol.get('value'))}"
    text += f" ({operator})" if operator in ("Exists", "Gt", "Lt") else ""
    text += f":{s(tol.get('effect')) or '*'}"
    seconds = i(tol.get("tolerationSeconds"))
    if seconds is not None:
        text += f" for {seconds}s"
    return text


@dataclass(slots=True)
class TaintMatch:
    taint: Taint
    tolerated: bool
    toleration: str
    """The toleration that matches, in words, or ""."""
    toleration_seconds: int | None
    """For a tolerated NoExecute taint: how long the pod may stay (None: forever)."""
    since: float | None
    """timeAdded, or when podwatch first saw the taint if the taint has none."""
    countdown_from: float | None = None
    """When the eviction controller saw the pod under this taint: the later of `since` and
    the pod's binding to the node (`bound_at`). tolerationSeconds count from here."""

    @property
    def deadline(self) -> float | None:
        """When a timed toleration runs out (None: untolerated, forever, or time unknown)."""
        if not self.tolerated or self.toleration_seconds is None or self.countdown_from is None:
            return None
        return self.countdown_from + self.toleration_seconds

    def expired(self, now: float) -> bool:
        """Its toleration's tolerationSeconds have run out: no longer tolerated."""
        deadline = self.deadline
        return deadline is not None and deadline <= now

    @property
    def affects_pod(self) -> bool:
        """Whether the taint acts on this (bound) pod: NoExecute not tolerated, or tolerated
        only for a while. An untolerated NoSchedule taint does not affect a running pod."""
        return acts_on_bound_pod(self.taint) and (
            not self.tolerated or self.toleration_seconds is not None
        )


@dataclass(slots=True)
class Eviction:
    """A NoExecute consequence for a pod on a tainted node."""

    deadline: float | None
    """When the taint manager evicts the pod (None: it is tolerated forever)."""
    taints: list[str]
    immediate: bool

    def expired(self, now: float) -> bool:
        """The toleration has run out: the pod is due for eviction, no longer tolerated."""
        return not self.immediate and self.deadline is not None and self.deadline <= now


def bound_at(pod: Any, first_seen_on_node: float | None = None) -> float | None:
    """When the pod was bound to its node: PodScheduled's lastTransitionTime while True,
    else when podwatch first saw it on the node (None: not known)."""
    scheduled = condition(pod, "PodScheduled")
    if scheduled is not None and s(scheduled.get("status")) == "True":
        when = parse_time(scheduled.get("lastTransitionTime"))
        if when is not None:
            return when
    return first_seen_on_node


def match_taints(
    pod: Any,
    node: Any,
    first_seen: dict[TaintId, float],
    first_seen_on_node: float | None = None,
) -> list[TaintMatch]:
    """Each of the node's taints against the pod's tolerations. `first_seen_on_node` is
    when podwatch first saw the pod on this node (see `bound_at`)."""
    tolerations = lst(d(d(pod).get("spec")).get("tolerations"))
    bound = bound_at(pod, first_seen_on_node)
    node_name = s(meta(node).get("name"))
    out = []
    for taint in node_taints(node):
        # The first toleration that tolerates the taint is the one that counts, as for the
        # taint eviction controller (GetMatchingTolerations): a later one with a shorter
        # tolerationSeconds does not shorten the stay.
        first = next((t for t in tolerations if tolerates(t, taint)), None)
        seconds: int | None = None
        if first is not None and taint.effect == "NoExecute":
            limit = i(d(first).get("tolerationSeconds"))  # absent: forever
            seconds = max(limit, 0) if limit is not None else None
        since = taint.time_added
        if since is None:
            since = first_seen.get((node_name, taint.key, taint.value, taint.effect))
        # A pod that arrives under an old taint is seen under it only from its arrival.
        known = [t for t in (since, bound) if t is not None]
        countdown_from = max(known) if known else None
        out.append(
            TaintMatch(
                taint=taint,
                tolerated=first is not None,
                toleration=toleration_text(first) if first is not None else "",
                toleration_seconds=seconds,
                since=since,
                countdown_from=countdown_from,
            )
        )
    return out


def eviction_for(matches: list[TaintMatch]) -> Eviction | None:
    """What NoExecute taints mean for a pod already on the node.

    An untolerated NoExecute taint evicts at once; otherwise the pod goes when the
    soonest of its taints' tolerations runs out (the controller's getMinTolerationTime
    over one toleration per taint), counted from when the pod was first under the taint
    (`TaintMatch.countdown_from`).
    """
    no_execute = [m for m in matches if m.taint.effect == "NoExecute"]
    if not no_execute:
        return None
    untolerated = [m for m in no_execute if not m.tolerated]
    if untolerated:
        since = min(
            (m.countdown_from for m in untolerated if m.countdown_from is not None), default=None
        )
        return Eviction(deadline=since, taints=[m.taint.text for m in untolerated], immediate=True)
    deadlines = [(m.deadline, m.taint.text) for m in no_execute if m.deadline is not None]
    timed = [m for m in no_execute if m.toleration_seconds is not None]
    if not timed:
        return Eviction(deadline=None, taints=[m.taint.text for m in no_execute], immediate=False)
    if not deadlines:
        return Eviction(deadline=None, taints=[m.taint.text for m in timed], immediate=False)
    deadline, text = min(deadlines)
    return Eviction(deadline=deadline, taints=[text], immediate=False)


@dataclass(slots=True)
class NodeConditionView:
    type: str
    status: str
    reason: str
    message: str
    last_transition: float | None


@dataclass(slots=True)
class NodeView:
    name: str
    ready: str
    """True / False / Unknown / missing."""
    unschedulable: bool
    taints: list[Taint]
    conditions: list[NodeConditionView]
    labels: dict[str, str] = field(default_factory=dict)
    internal_ip: str = ""

    @property
    def status_text(self) -> str:
        word = {"True": "Ready", "False": "NotReady", "Unknown": "Unknown"}.get(
            self.ready, "Unknown"
        )
        return word + (",SchedulingDisabled" if self.unschedulable else "")


def node_view(node: Any) -> NodeView:
    node = d(node)
    status = d(node.get("status"))
    by_type = {s(d(c).get("type")): d(c) for c in lst(status.get("conditions"))}
    conditions = []
    for ctype in NODE_CONDITIONS + tuple(t for t in by_type if t not in NODE_CONDITIONS):
        c = by_type.get(ctype)
        if c is None:
            if ctype in ("Ready",):
                conditions.append(NodeConditionView(ctype, "missing", "", "", None))
            continue
        conditions.append(
            NodeConditionView(
                ctype,
                s(c.get("status")) or "Unknown",
                s(c.get("reason")),
                s(c.get("message")),
                parse_time(c.get("lastTransitionTime")),
            )
        )
    ready = s(by_type.get("Ready", {}).get("status")) or "missing"
    labels = {k: v for k, v in d(meta(node).get("labels")).items() if isinstance(v, str)}
    ip = ""
    for addr in lst(status.get("addresses")):
        if s(d(addr).get("type")) == "InternalIP":
            ip = s(d(addr).get("address"))
    return NodeView(
        name=s(meta(node).get("name")),
        ready=ready,
        unschedulable=b(d(node.get("spec")).get("unschedulable")) is True,
        taints=node_taints(node),
        conditions=conditions,
        labels=labels,
        internal_ip=ip,
    )


# --------------------------------------------------------------------------- scheduling


_TAINT_IN_MESSAGE = re.compile(r"\{([^{}:]+):\s*([^{}]*)\}")


def taints_named_in(message: str) -> list[str]:
    """`{hw: gpu}` in a FailedScheduling message → `hw=gpu` (the scheduler omits the effect)."""
    out = []
    for key, value in _TAINT_IN_MESSAGE.findall(message):
        key, value = key.strip(), value.strip()
        out.append(f"{key}={value}" if value else key)
    return out


def node_selector(pod: Any) -> Selector:
    """The pod's nodeSelector: the labels a node must carry to take it (none: any node)."""
    return from_map(d(d(d(pod).get("spec")).get("nodeSelector")))


def pod_tolerates(pod: Any, taint: Taint) -> bool:
    """Whether any of the pod's tolerations tolerates the taint."""
    return any(tolerates(tol, taint) for tol in lst(d(d(pod).get("spec")).get("tolerations")))


def keeping_off(pod: Any, taints: list[Taint]) -> list[Taint]:
    """The taints that keep the pod off their node: NoSchedule or NoExecute, untolerated."""
    return [t for t in taints if keeps_off_new_pods(t) and not pod_tolerates(pod, t)]


@dataclass(slots=True)
class NodeFit:
    node: str
    fits: bool
    reasons: list[str]


def scheduling_fit(pod: Any, nodes: list[Any]) -> list[NodeFit]:
    """Why each known node can or cannot take the pod, by the rules podwatch can check:
    nodeSelector, untolerated NoSchedule/NoExecute taints, cordoned, NotReady.
    (Affinity and resources are shown as rules, not evaluated.)"""
    selector = node_selector(pod)
    out = []
    for node in nodes:
        nv = node_view(node)
        reasons = []
        if not selector.matches(nv.labels):
            reasons.append("does not match nodeSelector")
        for taint in keeping_off(pod, nv.taints):
            reasons.append(f"untolerated taint {taint.text}")
        if nv.unschedulable:
            reasons.append("cordoned (unschedulable)")
        out.append(NodeFit(nv.name, not reasons, reasons))
    return out


def placement_lines(pod: Any) -> list[tuple[str, str]]:
    """The pod's own placement rules, one (label, text) per line (SPEC 1.6)."""
    spec = d(d(pod).get("spec"))
    lines: list[tuple[str, str]] = []
    if s(spec.get("nodeName")):
        lines.append(("nodeName", s(spec.get("nodeName"))))
    selector = d(spec.get("nodeSelector"))
    if selector:
        lines.append(("nodeSelector", ", ".join(f"{k}={_str(v)}" for k, v in selector.items())))
    affinity = d(spec.get("affinity"))
    node_aff = d(affinity.get("nodeAffinity"))
    required = d(node_aff.get("requiredDuringSchedulingIgnoredDuringExecution"))
    for term in lst(required.get("nodeSelectorTerms")):
        lines.append(("node affinity (required)", _term_text(term)))
    for pref in lst(node_aff.get("preferredDuringSchedulingIgnoredDuringExecution")):
        pref = d(pref)
        lines.append(
            (
                f"node affinity (preferred, weight {i(pref.get('weight'), 0)})",
                _term_text(pref.get("preference")),
            )
        )
    for label, block in (("pod affinity", "podAffinity"), ("pod anti-affinity", "podAntiAffinity")):
        aff = d(affinity.get(block))
        for term in lst(aff.get("requiredDuringSchedulingIgnoredDuringExecution")):
            lines.append((f"{label} (required)", _pod_term_text(term)))
        for pref in lst(aff.get("preferredDuringSchedulingIgnoredDuringExecution")):
            pref = d(pref)
            lines.append(
                (
                    f"{label} (preferred, weight {i(pref.get('weight'), 0)})",
                    _pod_term_text(pref.get("podAffinityTerm")),
                )
            )
    for tol in lst(spec.get("tolerations")):
        lines.append(("toleration", toleration_text(tol)))
    return lines


def _str(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _expr_text(expr: Any) -> str:
    expr = d(expr)
    key = s(expr.get("key"))
    op = s(expr.get("operator"))
    values = [_str(v) for v in lst(expr.get("values"))]
    if op in ("Exists", "DoesNotExist"):
        return f"{key} {op}"
    return f"{key} {op} ({', '.join(values)})"


def _term_text(term: Any) -> str:
    term = d(term)
    parts = [_expr_text(e) for e in lst(term.get("matchExpressions"))]
    parts += [f"field {_expr_text(e)}" for e in lst(term.get("matchFields"))]
    return " and ".join(parts) or "(empty term)"


def _pod_term_text(term: Any) -> str:
    term = d(term)
    selector = d(term.get("labelSelector"))
    parts = [f"{k}={_str(v)}" for k, v in d(selector.get("matchLabels")).items()]
    parts += [_expr_text(e) for e in lst(selector.get("matchExpressions"))]
    text = ", ".join(parts) or "(any pod)"
    return f"pods {text}; topologyKey {s(term.get('topologyKey')) or '?'}"
