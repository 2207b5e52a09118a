"""Malformed objects and odd event orders never raise out of the store or a derivation,
and leave the store consistent: every pod derivable, indexes only at what is held, and
nothing left once everything is deleted."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from podwatch.model.k8s import format_age
from podwatch.model.owners import workload_rows
from podwatch.model.pods import summarize
from podwatch.model.store import Store
from podwatch.model.view import node_rows, pod_detail, pod_row, pod_rows, service_views
from podwatch.model.watch import KINDS, WORKLOAD_KINDS, WatchEvent
from podwatch.render import workloads_table
from podwatch.report import render_once
from tests.factories import T0, endpoints, event, node, pod, ready_conditions, running, service
from tests.invariants import NOT_INDEXES, index_problems, leftovers

HOSTILE = "[bold red]x[/] \x1b]52;c;SGk=\x07\x1b[2J \u202egnp.exe"
"""Markup, an OSC 52 clipboard write, a screen clear and a bidi override (SPEC 4)."""
HOSTILE_TEXTS = [HOSTILE, "web\x1b[2J", "a\u200bb\ttab\nline"]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["True", "False", "Always", "NoExecute", "Exists", "2026-01-01T00:00:00Z"]),
    st.sampled_from(HOSTILE_TEXTS),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def mutate(obj, data):
    """Replace a few nested values of a realistic object by arbitrary JSON."""
    for _ in range(data.draw(st.integers(0, 6))):
        path = []
        cur = obj
        while isinstance(cur, dict | list) and cur:
            if isinstance(cur, dict):
                k = data.draw(st.sampled_from(sorted(cur)))
            else:
                k = data.draw(st.integers(0, len(cur) - 1))
            path.append((cur, k))
            if data.draw(st.booleans()):
                break
            cur = cur[k]
        if path:
            parent, k = path[-1]
            parent[k] = data.draw(json_values)
    return obj


def with_hostile_text(obj, data):
    """Hostile text (SPEC 4) in some of the places a pod's row shows: name, namespace,
    node, QoS class, status reason."""
    for path in (
        ("metadata", "name"),
        ("metadata", "namespace"),
        ("spec", "nodeName"),
        ("status", "qosClass"),
        ("status", "reason"),
    ):
        parent = obj
        for k in path[:-1]:
            parent = parent.get(k) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and data.draw(st.booleans()):
            parent[path[-1]] = data.draw(st.sampled_from(HOSTILE_TEXTS))
    return obj


def realistic(kind: str, probe: str = "Readiness"):
    return {
        "Pod": lambda: owned(
            pod(statuses=[running()], conditions=ready_conditions(), labels={"app": "web"})
        ),
        "Event": lambda: event("web.1", "web", "Unhealthy", f"{probe} probe failed: x", count=3),
        "Service": lambda: service("svc", selector={"app": "web"}),
        "Endpoints": lambda: endpoints("svc", ready=[("10.0.0.5", "web")]),
        "EndpointSlice": lambda: {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {
                "name": "svc-x",
                "namespace": "default",
                "labels": {"kubernetes.io/service-name": "svc"},
            },
            "endpoints": [
                {
                    "addresses": ["10.0.0.5"],
                    "conditions": {"ready": False},
                    "targetRef": {"kind": "Pod", "name": "web"},
                }
            ],
        },
        "Node": lambda: node("node-1", taints=[{"key": "k", "effect": "NoExecute"}]),
        **{k: (lambda k=k: owner_object(k)) for k in WORKLOAD_KINDS},
    }[kind]()


def owner_object(kind: str) -> dict:
    """A workload in the chain of the realistic pod (which the pod names as its owner)."""
    from tests.unit.test_owners import deployment, replica_set, workload

    if kind == "Deployment":
        obj = deployment("web", updatedReplicas=1, readyReplicas=1, availableReplicas=1)
    elif kind == "ReplicaSet":
        obj = replica_set("web-1", 2, readyReplicas=1)
    elif kind == "Job":
        obj = workload("Job", "web-1", spec={"completions": 1}, owner=("CronJob", "web"))
    else:
        obj = workload(kind, "web", spec={"replicas": 2, "selector": {"matchLabels": {}}})
    obj["metadata"]["namespace"] = "default"
    return obj


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_store_and_views_survive_anything(data):
    store = Store()
    steps = data.draw(st.integers(1, 12))
    for n in range(steps):
        kind = data.draw(st.sampled_from([*KINDS, "Widget"]))
        etype = data.draw(
            st.sampled_from(["ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR", "RELIST"])
        )
        if data.draw(st.integers(0, 9)) == 0:
            obj = data.draw(json_values)
        else:
            probe = data.draw(st.sampled_from(["Readiness", "Liveness", "Startup"]))
            obj = mutate(realistic(kind, probe) if kind != "Widget" else {"kind": "Widget"}, data)
        store.apply(WatchEvent(float(n), kind, etype, obj), T0 + n)
        assert index_problems(store) == []
    assert_derivable(store)
    delete_everything(store, steps)
    assert leftovers(store) == {}
    assert store.service_keys() == set() and service_views(store) == []
    # What is left is the evidence: a tombstone per pod that went, each with its row
    # and detail; once their time is past (live), nothing at all.
    assert all(r.gone is not None for r in pod_rows(store))
    assert_derivable(store)
    assert store.keep_deleted is not None
    store.now += store.keep_deleted
    store.expire_tombstones()
    assert not store.tombstones and index_problems(store) == []
    assert pod_rows(store) == [] and node_rows(store) == []


def owned(obj: dict) -> dict:
    obj["metadata"]["ownerReferences"] = [
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1", "controller": True}
    ]
    return obj


def assert_derivable(store: Store) -> None:
    """Every pod has its summary (the one derived now) and a row and detail; every
    Service and node known has its line."""
    for key, obj in store.pods.items():
        assert store.summaries[key] == summarize(obj)
        row = pod_row(store, key)
        assert row is not None and row.summary.key == key
        detail = pod_detail(store, key)
        assert detail is not None and detail.why
    for key in store.tombstones:
        row = pod_row(store, key)
        assert row is not None and row.summary.key == key and row.gone is not None
        detail = pod_detail(store, key)
        assert detail is not None and detail.gone == row.gone and detail.why
    assert [sv.key for sv in service_views(store)] == sorted(store.service_keys())
    assert [r.view.name for r in node_rows(store)] == sorted(store.nodes)
    rows = workload_rows(store)
    shown = {r.row_key for r in rows} | {
        (kind, r.key[0], name.split(" ")[0]) for r in rows for kind, name, _s in r.children
    }
    assert len(shown) <= sum(len(t) for t in store.workloads.values())
    workloads_table(store)  # renders whatever the objects hold


def delete_everything(store: Store, at: int) -> None:
    """A DELETED event for every object held, kind by kind in an odd order."""
    tables = {
        "EndpointSlice": store.slices,
        "Node": {("", name): None for name in store.nodes},
        "Pod": store.pods,
        "Endpoints": store.endpoints,
        "Event": store.events,
        "Service": store.services,
        **store.workloads,
    }
    for kind, table in tables.items():
        for namespace, name in list(table):
            gone = {"metadata": {"namespace": namespace, "name": name}}
            store.apply(WatchEvent(float(at), kind, "DELETED", gone), T0 + at)
            assert index_problems(store) == []
    assert not any(len(t) for t in (store.pods, store.services, store.endpoints, store.slices))
    assert not (store.events or store.nodes or any(store.workloads.values()))


def test_what_a_store_may_keep_after_deletion_is_named():
    assert set(NOT_INDEXES) <= set(vars(Store()))


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_once_report_survives_anything(data):
    from io import StringIO

    from rich.console import Console

    store = Store()
    for n, kind in enumerate(("Node", "Service", "Endpoints", "Pod", "Event")):
        store.apply(WatchEvent(float(n), kind, "ADDED", mutate(realistic(kind), data)), T0 + n)
    out = StringIO()
    render_once(Console(file=out, width=120, markup=False), store, title="t")
    assert "\x1b" not in out.getvalue()


def test_format_age_never_negative_or_garbled():
    assert format_age(-5) == "0s"
    assert format_age(None) == "-"
    assert format_age(3 * 86400 + 7200) == "3d2h"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_pane_and_table_cell_renders_from_anything(data):
    """Past the derivations, the renderers too: every pane builder, the dashboard's row
    cells, for any pod an odd sequence of events leaves behind (unknown event types too)."""
    from rich.console import Console

    from podwatch.columns import all_columns, plan, row_line
    from podwatch.model.view import pod_row
    from podwatch.render import PANES, pod_cells, summary_text
    from podwatch.safe import clean

    store = Store()
    for n in range(data.draw(st.integers(1, 8))):
        kind = data.draw(st.sampled_from(KINDS))
        etype = data.draw(st.sampled_from(["ADDED", "MODIFIED", "DELETED", "UPSERT", "", "RELIST"]))
        obj = with_hostile_text(mutate(realistic(kind), data), data)
        store.apply(WatchEvent(float(n), kind, etype, obj), T0 + n)
    for key in list(store.pods):
        row = pod_row(store, key)
        cells = pod_cells(row, store.now)
        # SPEC 4: no control, bidi or zero-width character of the input reaches a cell raw
        # (cleaning again changes nothing), nor a newline or tab that would break the row.
        assert all(clean(c.plain, limit=None) == c.plain for c in cells.values())
        natural = {c: cells[c].cell_len for c in cells}
        detail = pod_detail(store, key)
        # Grids decide their layout when drawn: draw them, narrow and wide.
        for width in (40, 200):
            layout = plan(natural, width, all_namespaces=True)
            assert {c.key for c, _w in layout} <= {
                c.key for c in all_columns(all_namespaces=True)
            } | {"restart_count"}
            row_line(cells, layout)
            console = Console(width=width, file=io.StringIO())
            console.print(summary_text(detail))
            for _key, _title, build in PANES:
                console.print(build(detail))


def test_a_pod_without_a_readable_status_is_shown_as_unknown_not_as_a_lost_node():
    store = Store()
    store.apply(
        WatchEvent(
            0.0,
            "Pod",
            "ADDED",
            {"metadata": {"name": "x", "namespace": "d"}, "status": None, "spec": "nope"},
        ),
        T0,
    )
    detail = pod_detail(store, ("d", "x"))
    assert detail.summary.status == "Unknown" and detail.summary.phase == "Unknown"
    assert detail.why == "Pod status unknown: the object carries no readable status."
