"""Tombstones live, against the API server double: a pod deleted (evicted) while
watched stays, marked, for the `--keep-deleted` window of the store's clock, then goes;
one re-created under its name is a second row."""

from __future__ import annotations

import time
from functools import partial

from podwatch.model.k8s import format_rfc3339
from podwatch.model.store import Store
from podwatch.model.view import pod_detail, pod_row, pod_rows
from tests.factories import event
from tests.invariants import index_problems
from tests.live.conftest import pod_obj, pump


class Clock:
    """The source's wall clock, moved only by the test: the window is the store's clock,
    not sleeps."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_pod_evicted_live_stays_for_the_window_then_goes(double, live):
    t0 = time.time()  # the double stamps creationTimestamp with the real time
    clock = Clock(t0)
    double.create(pod_obj("web-1", ip="10.0.0.1"))
    double.create(pod_obj("web-2", ip="10.0.0.2"))
    source = live(clock=clock, store_factory=partial(Store, keep_deleted=60))
    assert source.wait_settled(10)
    store = source.store
    uid = double.get("Pod", "default", "web-1")["metadata"]["uid"]

    clock.now = t0 + 5
    taint = event(
        "web-1.1", "web-1", "TaintManagerEviction", "Marking for deletion Pod default/web-1"
    )
    taint["involvedObject"].pop("uid")  # as the taint manager writes it
    taint["firstTimestamp"] = taint["lastTimestamp"] = format_rfc3339(clock.now)
    double.create(taint)
    double.delete("Pod", "default", "web-1")
    key = ("default", "web-1", uid)
    # The Event and the DELETED come on two watches, in either order: both are kept.
    assert pump(source, lambda: key in store.tombstones and store.tombstones[key].gone.evicted)
    assert ("default", "web-1") not in store.pods
    row = pod_row(store, key)
    assert row is not None and row.gone is not None
    assert row.gone.text(store.now) == "Evicted 0s ago"
    detail = pod_detail(store, key)
    assert detail is not None and detail.why.startswith("Evicted 0s ago (TaintManagerEviction")

    # Re-created under the same name: a second row, the tombstone stays.
    double.create(pod_obj("web-1", ip="10.0.0.3"))
    assert pump(source, lambda: ("default", "web-1") in store.pods)
    assert [(r.summary.name, r.gone is not None) for r in pod_rows(store)] == [
        ("web-1", False),
        ("web-2", False),
        ("web-1", True),
    ]

    clock.now = t0 + 5 + 59
    source.poll()  # no events: the clock alone
    assert key in store.tombstones
    assert pod_row(store, key).gone.text(store.now) == "Evicted 59s ago"
    clock.now = t0 + 5 + 60
    changes = source.poll()
    assert key not in store.tombstones and key in changes.pods
    assert [r.summary.name for r in pod_rows(store)] == ["web-1", "web-2"]
    assert index_problems(store) == []
