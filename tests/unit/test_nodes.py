"""Taints against tolerations with the real rules, NoExecute deadlines, scheduling explanations."""

from __future__ import annotations

import pytest

from podwatch.model.nodes import Taint, eviction_for, match_taints, placement_lines, tolerates
from podwatch.model.pods import Health
from podwatch.model.store import Store
from podwatch.model.view import node_rows, pod_detail
from podwatch.render import node_table, problem_items
from tests.factories import T0, cond, feed, node, pod, ready_conditions, running, ts

GPU = Taint("hw", "gpu", "NoSchedule", None)


@pytest.mark.parametrize(
    ("toleration", "expected"),
    [
        ({"key": "hw", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}, True),
        ({"key": "hw", "value": "gpu", "effect": "NoSchedule"}, True),  # operator defaults to Equal
        ({"key": "hw", "operator": "Equal", "value": "cpu", "effect": "NoSchedule"}, False),
        ({"key": "hw", "operator": "Exists", "effect": "NoSchedule"}, True),
        ({"key": "hw", "operator": "Exists"}, True),  # empty effect matches every effect
        ({"key": "hw", "operator": "Exists", "effect": "NoExecute"}, False),
        ({"operator": "Exists"}, True),  # empty key with Exists tolerates everything
        ({"key": "other", "operator": "Exists"}, False),
        ({"key": "hw", "operator": "Gt", "value": "1"}, False),  # unknown operator: no
    ],
)
def test_toleration_rules(toleration, expected):
    assert tolerates(toleration, GPU) is expected


SLA = "node.kubernetes.io/sla"


@pytest.mark.parametrize(
    ("operator", "toleration_value", "taint_value", "expected"),
    [
        # Kubernetes' own rows (core/v1 toleration_test.go, KEP-5471): Gt tolerates a
        # taint whose value is greater than the toleration's, Lt one whose value is less.
        ("Gt", "750", "950", True),
        ("Gt", "950", "800", False),
        ("Gt", "950", "950", False),
        ("Gt", "-100", "-50", True),
        ("Gt", "-100", "-200", False),
        ("Gt", "0", "9223372036854775807", True),
        ("Gt", "9223372036854775806", "100", False),
        ("Lt", "950", "800", True),
        ("Lt", "800", "950", False),
        ("Lt", "0", "0", False),
        ("Lt", "0", "-9223372036854775808", True),
        # Both values must be canonical int64, or nothing matches.
        ("Gt", "950", "high", False),
        ("Gt", "0100", "200", False),
        ("Gt", "+100", "200", False),
        ("Gt", "100.5", "200", False),
        ("Gt", "-", "100", False),
        ("Gt", "", "100", False),
        ("Gt", "100", "0200", False),
        ("Lt", "100", " 50 ", False),
        ("Lt", "100", "-0", False),
        ("Gt", "0", "9223372036854775808", False),  # beyond int64
    ],
)
def test_gt_and_lt_compare_the_values_as_integers(
    operator, toleration_value, taint_value, expected
):
    taint = Taint(SLA, taint_value, "NoSchedule", None)
    tol = {"key": SLA, "operator": operator, "value": toleration_value, "effect": "NoSchedule"}
    assert tolerates(tol, taint) is expected


def test_a_gt_toleration_lets_the_pod_onto_the_node_and_says_so():
    store = Store()
    feed(store, node("spot-1", taints=[{"key": SLA, "value": "800", "effect": "NoSchedule"}]))
    ok = pod(
        "ok", node="", phase="Pending", tolerations=[{"key": SLA, "operator": "Gt", "value": "750"}]
    )
    no = pod(
        "no", node="", phase="Pending", tolerations=[{"key": SLA, "operator": "Gt", "value": "950"}]
    )
    feed(store, ok, no)
    fits = {k: pod_detail(store, ("default", k)).scheduling.fits[0].fits for k in ("ok", "no")}
    assert fits == {"ok": True, "no": False}
    assert ("toleration", f"{SLA}>750 (Gt):*") in placement_lines(ok)


def no_execute_node(time_added: str | None = None):
    taint = {"key": "out-of-disk", "value": "True", "effect": "NoExecute"}
    if time_added:
        taint["timeAdded"] = time_added
    return node("node-1", taints=[taint])


def test_tolerated_no_execute_deadline_counts_from_time_added():
    tol = [
        {
            "key": "out-of-disk",
            "operator": "Equal",
            "value": "True",
            "effect": "NoExecute",
            "tolerationSeconds": 30,
        }
    ]
    p = pod(tolerations=tol)
    matches = match_taints(p, no_execute_node(ts(100)), {})
    ev = eviction_for(matches)
    assert not ev.immediate
    assert ev.deadline == pytest.approx(T0 + 130)


def test_taint_without_time_added_counts_from_first_sight():
    tol = [
        {"key": "out-of-disk", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}
    ]
    store = Store()
    feed(store, pod(tolerations=tol, statuses=[running()], conditions=ready_conditions()), at=0)
    feed(store, node("node-1"), at=0)
    feed(store, no_execute_node(), etype="MODIFIED", at=50)
    store.now = T0 + 60
    detail = pod_detail(store, ("default", "web"))
    assert detail.eviction.deadline == pytest.approx(T0 + 80)
    assert "evicted in 20s" in detail.why


def test_untolerated_no_execute_is_immediate_and_forever_toleration_has_no_deadline():
    assert eviction_for(match_taints(pod(tolerations=[]), no_execute_node(ts(0)), {})).immediate
    forever = [{"key": "out-of-disk", "operator": "Exists", "effect": "NoExecute"}]
    ev = eviction_for(match_taints(pod(tolerations=forever), no_execute_node(ts(0)), {}))
    assert ev.deadline is None and not ev.immediate


def test_the_first_matching_toleration_counts_so_exists_forever_is_never_evicted():
    # Issue 12, item 9: [{Exists}, {Exists, 60}] tolerates the taint forever.
    tols = [{"operator": "Exists"}, {"operator": "Exists", "tolerationSeconds": 60}]
    p = pod(tolerations=tols, statuses=[running()], conditions=ready_conditions())
    [m] = match_taints(p, no_execute_node(ts(0)), {})
    assert (m.toleration, m.toleration_seconds) == ("* (Exists):*", None)
    ev = eviction_for([m])
    assert ev is not None and ev.deadline is None and not ev.immediate
    store = Store()
    feed(store, no_execute_node(ts(0)), p)
    store.now = T0 + 10
    detail = pod_detail(store, ("default", "web"))
    assert "evict" not in detail.why.lower()
    assert detail.risks == []


def test_first_toleration_per_taint_then_the_soonest_taint_evicts():
    tols = [
        {"operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
        {"key": "out-of-disk", "operator": "Exists", "tolerationSeconds": 10},
    ]
    # The first toleration tolerates out-of-disk: 300 s, not the later 10 s.
    ev = eviction_for(match_taints(pod(tolerations=tols), no_execute_node(ts(0)), {}))
    assert ev.deadline == pytest.approx(T0 + 300)
    # Across taints, the soonest deadline evicts (getMinTolerationTime).
    two = node(
        "node-1",
        taints=[
            {"key": "a", "effect": "NoExecute", "timeAdded": ts(0)},
            {"key": "b", "effect": "NoExecute", "timeAdded": ts(0)},
        ],
    )
    tols = [
        {"key": "a", "operator": "Exists", "tolerationSeconds": 100},
        {"key": "b", "operator": "Exists", "tolerationSeconds": 40},
        {"operator": "Exists", "tolerationSeconds": 5},
    ]
    ev = eviction_for(match_taints(pod(tolerations=tols), two, {}))
    assert (ev.deadline, ev.taints) == (pytest.approx(T0 + 40), ["b:NoExecute"])


def five_minutes() -> list[dict]:
    return [{"key": "out-of-disk", "operator": "Exists", "tolerationSeconds": 300}]


def test_a_pod_arriving_under_an_old_taint_counts_from_its_binding():
    # Issue 12, item 10: tainted an hour ago, bound (PodScheduled) at 3600 s.
    conditions = [*ready_conditions()[:3], cond("PodScheduled", at=3600)]
    p = pod(tolerations=five_minutes(), statuses=[running()], conditions=conditions)
    store = Store()
    feed(store, no_execute_node(ts(0)), at=0)
    feed(store, p, at=3600)
    store.now = T0 + 3700
    detail = pod_detail(store, ("default", "web"))
    [m] = detail.taints
    assert (m.since, m.countdown_from) == (T0, T0 + 3600)
    assert detail.eviction.deadline == pytest.approx(T0 + 3900)
    assert "evicted in 3m20s" in detail.why
    assert [r.text for r in detail.risks] == [
        "evicted in 3m20s: NoExecute taint out-of-disk=True:NoExecute"
    ]
    # The Nodes view says the same.
    [row] = node_rows(store)
    assert row.leaving == {"out-of-disk=True:NoExecute": [(("default", "web"), T0 + 3900)]}


def test_without_pod_scheduled_the_countdown_starts_when_podwatch_saw_the_pod_there():
    p = pod(tolerations=five_minutes(), statuses=[running()], conditions=ready_conditions()[:3])
    store = Store()
    feed(store, no_execute_node(ts(0)), at=0)
    feed(store, p, at=3600)
    store.now = T0 + 3700
    assert pod_detail(store, ("default", "web")).eviction.deadline == pytest.approx(T0 + 3900)
    # A pod bound before the taint still counts from the taint.
    early = pod("early", tolerations=five_minutes(), statuses=[running()])
    store = Store()
    feed(store, node("node-1"), early, at=0)
    feed(store, no_execute_node(ts(50)), etype="MODIFIED", at=50)
    assert pod_detail(store, ("default", "early")).eviction.deadline == pytest.approx(T0 + 350)


def test_pending_pod_names_untolerated_taint_and_node_fit():
    store = Store()
    feed(
        store,
        node(
            "worker-1",
            labels={"gpu": "no1"},
            taints=[{"key": "hw", "value": "gpu", "effect": "NoSchedule"}],
        ),
        node("worker-2", taints=[{"key": "out-of-disk", "value": "True", "effect": "NoExecute"}]),
    )
    msg = (
        "0/2 nodes are available: 1 node(s) had taint {hw: gpu}, that the pod didn't tolerate, "
        "1 node(s) didn't match node selector."
    )
    p = pod(
        "pending",
        phase="Pending",
        node="",
        ip="",
        conditions=[cond("PodScheduled", "False", "Unschedulable", msg)],
    )
    p["spec"]["nodeSelector"] = {"gpu": "no1"}
    feed(store, p)
    detail = pod_detail(store, ("default", "pending"))
    sched = detail.scheduling
    assert sched.reason == "Unschedulable"
    # worker-2's taint is not named: its labels already rule it out.
    assert sched.untolerated == ["worker-1: hw=gpu:NoSchedule"]
    fits = {f.node: f.reasons for f in sched.fits}
    assert fits["worker-1"] == ["untolerated taint hw=gpu:NoSchedule"]
    assert fits["worker-2"] == [
        "does not match nodeSelector",
        "untolerated taint out-of-disk=True:NoExecute",
    ]
    assert "Untolerated: worker-1: hw=gpu:NoSchedule" in detail.why
    assert ("nodeSelector", "gpu=no1") in detail.placement
    # The Nodes view lists the pending pod under the taint it does not tolerate.
    row = next(r for r in node_rows(store) if r.view.name == "worker-1")
    assert row.not_tolerating["hw=gpu:NoSchedule"] == [("default", "pending")]


def test_placement_lines_cover_affinity_and_tolerations():
    p = pod()
    p["spec"]["affinity"] = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a", "b"]}]}
                ]
            },
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 10,
                    "preference": {"matchExpressions": [{"key": "ssd", "operator": "Exists"}]},
                }
            ],
        },
        "podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {
                    "labelSelector": {"matchLabels": {"app": "web"}},
                    "topologyKey": "kubernetes.io/hostname",
                }
            ]
        },
    }
    lines = dict(placement_lines(p))
    assert lines["node affinity (required)"] == "zone In (a, b)"
    assert lines["node affinity (preferred, weight 10)"] == "ssd Exists"
    assert (
        lines["pod anti-affinity (required)"] == "pods app=web; topologyKey kubernetes.io/hostname"
    )
    assert "node.kubernetes.io/unreachable (Exists):NoExecute for 300s" in [
        t for label, t in placement_lines(p) if label == "toleration"
    ]


def test_node_not_ready_explains_pod():
    store = Store()
    feed(
        store,
        node("node-1", ready="Unknown"),
        pod(statuses=[running(ready=False)], conditions=ready_conditions(False)),
    )
    detail = pod_detail(store, ("default", "web"))
    assert detail.node.status_text == "Unknown"
    assert "Node node-1 is Unknown" in detail.why


# --------------------------------------------------------------------------- issue 12, item 12


def pane(detail) -> list[tuple[str, str]]:
    """The Node & taints pane as (WHAT, DETAIL) rows."""
    return [(cells[0].plain, cells[1].plain) for cells, _notes in node_table(detail).rows]


def test_an_untolerated_no_schedule_taint_does_not_affect_a_running_pod():
    taints = [
        {"key": "hw", "value": "gpu", "effect": "NoSchedule"},
        {"key": "spot", "effect": "PreferNoSchedule"},
    ]
    store = Store()
    feed(store, node(taints=taints), pod(statuses=[running()], conditions=ready_conditions()))
    detail = pod_detail(store, ("default", "web"))
    rows = dict(pane(detail))
    assert rows["taint hw=gpu:NoSchedule"] == (
        "does not affect a running pod (untolerated NoSchedule), since 0s"
    )
    assert rows["taint spot:PreferNoSchedule"].startswith("does not affect a running pod")
    assert not any("NOT tolerated" in text for _label, text in pane(detail))
    assert [m.affects_pod for m in detail.taints] == [False, False]
    assert problem_items(detail) == [] and detail.risks == []
    assert (detail.health, detail.why) == (Health.HEALTHY, "Ready.")


def test_a_pending_pods_untolerated_taint_is_listed_once_in_the_node_pane():
    gpu = node("worker-1", taints=[{"key": "hw", "value": "gpu", "effect": "NoSchedule"}])
    msg = "0/2 nodes are available: 1 node(s) had untolerated taint {hw: gpu}, 1 node(s) had "
    msg += "untolerated taint {lab: x}."
    p = pod(
        "pending",
        phase="Pending",
        node="",
        ip="",
        conditions=[cond("PodScheduled", "False", "Unschedulable", msg)],
    )
    store = Store()
    feed(store, gpu, p)
    rows = pane(pod_detail(store, ("default", "pending")))
    assert [text for _label, text in rows if "hw=gpu" in text] == [
        "untolerated taint hw=gpu:NoSchedule"
    ]
    # A taint the scheduler named on a node podwatch does not watch: once, said so.
    assert ("  named by scheduler", "untolerated taint lab=x") in rows
    assert [text for _label, text in rows if "lab=x" in text] == ["untolerated taint lab=x"]


def test_the_nodes_view_lists_a_leaving_pod_once_under_the_taint_that_evicts_it():
    taints = [
        {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute", "timeAdded": ts(0)},
        {"key": "node.kubernetes.io/unreachable", "effect": "NoExecute", "timeAdded": ts(10)},
        {"key": "gone", "effect": "NoExecute", "timeAdded": ts(0)},
    ]
    everything = [*pod()["spec"]["tolerations"], {"key": "gone", "operator": "Exists"}]
    store = Store()
    feed(
        store,
        node(taints=taints),
        pod("stays", tolerations=everything, statuses=[running()]),  # default tolerations
        pod("bare", tolerations=[], statuses=[running()]),
    )
    [row] = node_rows(store)
    # "stays" goes when not-ready's 300 s run out (the sooner): listed there only.
    assert row.leaving == {
        "node.kubernetes.io/not-ready:NoExecute": [(("default", "stays"), T0 + 300)]
    }
    # "bare" is evicted at once by all three: under each as evicted, never as leaving.
    assert all(row.not_tolerating[t] == [("default", "bare")] for t in row.not_tolerating)


def test_a_toleration_whose_seconds_ran_out_is_shown_expired():
    tol = [{"key": "out-of-disk", "operator": "Exists", "tolerationSeconds": 30}]
    store = Store()
    feed(
        store,
        no_execute_node(ts(0)),
        pod(tolerations=tol, statuses=[running()], conditions=ready_conditions()),
    )
    store.now = T0 + 75
    detail = pod_detail(store, ("default", "web"))
    rows = dict(pane(detail))
    assert rows["taint out-of-disk=True:NoExecute"] == (
        "toleration out-of-disk (Exists):* for 30s expired 45s ago, since 75s"
    )
    assert rows["NoExecute"].startswith("toleration expired 45s ago, eviction due")
    assert detail.why == (
        "Toleration of NoExecute taint out-of-disk=True:NoExecute expired 45s ago: eviction due."
    )
    assert [r.text for r in detail.risks] == [
        "toleration of NoExecute taint out-of-disk=True:NoExecute expired 45s ago: eviction due"
    ]
    assert [i.plain for i in problem_items(detail)] == [
        "✗ toleration of taint out-of-disk=True:NoExecute expired 45s ago"
    ]
    [m] = detail.taints
    assert m.expired(store.now) and detail.eviction.expired(store.now)
    # Before it runs out it is tolerated, with the countdown.
    store.now = T0 + 20
    detail = pod_detail(store, ("default", "web"))
    assert dict(pane(detail))["taint out-of-disk=True:NoExecute"].startswith("tolerated by")
    assert "evicted in 10s" in detail.why
