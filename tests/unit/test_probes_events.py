"""Probes with API defaults, and failure counts from Unhealthy Events counted exactly once."""

from __future__ import annotations

from podwatch.model.events import normalize_event
from podwatch.model.probes import describe_handler, probe_views
from podwatch.model.store import Store
from podwatch.model.view import pod_detail, pod_row
from podwatch.model.watch import relist_marker
from tests.factories import T0, container, event, feed, pod, ready_conditions, running

READINESS = {
    "exec": {"command": ["cat", "/readiness/ready.txt"]},
    "initialDelaySeconds": 5,
    "periodSeconds": 10,
    "successThreshold": 3,
}
LIVENESS = {"httpGet": {"path": "/health", "port": 8080}}


def probing_pod(**kw):
    c = container("app", readinessProbe=READINESS, livenessProbe=LIVENESS)
    return pod(
        containers=[c], statuses=[running(ready=False)], conditions=ready_conditions(False), **kw
    )


def test_defaults_filled_and_marked():
    views = {v.probe: v for v in probe_views(probing_pod())}
    r, li = views["readiness"], views["liveness"]
    assert (r.initial_delay, r.period, r.timeout, r.success_threshold, r.failure_threshold) == (
        5,
        10,
        1,
        3,
        3,
    )
    assert set(r.defaulted) == {"timeoutSeconds", "failureThreshold"}
    assert (
        li.initial_delay,
        li.period,
        li.timeout,
        li.success_threshold,
        li.failure_threshold,
    ) == (0, 10, 1, 1, 3)
    assert li.handler == "httpGet http://10.0.0.5:8080/health"
    assert r.handler == "exec cat /readiness/ready.txt"


def test_handler_descriptions():
    assert describe_handler({"tcpSocket": {"port": "db"}}) == "tcpSocket :db"
    assert (
        describe_handler({"grpc": {"port": 9000, "service": "health"}})
        == "grpc :9000 service=health"
    )
    assert (
        describe_handler({"httpGet": {"port": 443, "scheme": "HTTPS", "host": "h"}})
        == "httpGet https://h:443/"
    )
    assert describe_handler({}) == "unknown handler"


def test_startup_probe_gates_the_others():
    c = container(
        "app",
        startupProbe={"httpGet": {"path": "/started", "port": 8080}, "failureThreshold": 30},
        livenessProbe=LIVENESS,
    )
    p = pod(containers=[c], statuses=[running(ready=False, started=False)])
    views = {v.probe: v for v in probe_views(p)}
    assert "not run until the startup probe passes" in views["liveness"].note
    assert "not passed yet" in views["startup"].note
    p["status"]["containerStatuses"][0]["started"] = True
    views = {v.probe: v for v in probe_views(p)}
    assert "passed" in views["startup"].note
    assert "not run" not in views["liveness"].note


def test_failures_counted_from_growth_never_twice():
    store = feed(Store(), probing_pod())
    msg = "Readiness probe failed: cat: can't open '/readiness/ready.txt'"
    for count in (1, 2, 2, 3):  # the same Event MODIFIED; a repeat of count 2 adds nothing
        feed(
            store,
            event("web.1", "web", "Unhealthy", msg, count=count, last=count * 10),
            etype="MODIFIED",
        )
    # A re-list delivers the same Event again as ADDED: still nothing new.
    feed(store, event("web.1", "web", "Unhealthy", msg, count=3, last=30), etype="ADDED")
    row = pod_row(store, ("default", "web"))
    assert row.probe_failures == {"readiness": 3}
    # A second Event object (e.g. after the aggregation window) adds its own count.
    feed(store, event("web.2", "web", "Unhealthy", msg, count=2, last=40))
    detail = pod_detail(store, ("default", "web"))
    r = next(v for v in detail.probes if v.probe == "readiness")
    assert r.failures_total == 5
    assert r.last_failure == msg
    assert "Readiness probe failing on app (5 failures" in detail.why


def test_recent_failures_window():
    store = feed(Store(), probing_pod())
    feed(store, event("web.1", "web", "Unhealthy", "Liveness probe failed: boom", count=4, last=0))
    store.now = T0 + 1000  # 16 minutes later, nothing new
    feed(
        store, event("web.2", "web", "Unhealthy", "Liveness probe failed: again", count=1, last=990)
    )
    li = next(v for v in pod_detail(store, ("default", "web")).probes if v.probe == "liveness")
    assert li.failures_total == 5
    assert li.failures_recent == 1
    assert li.last_failure == "Liveness probe failed: again"


def test_probe_errored_and_other_kinds_parsed():
    ev = normalize_event(event("e", "web", "Unhealthy", "Startup probe errored: rpc error"))
    assert ev.probe_kind == "startup"
    assert normalize_event(event("e", "web", "BackOff", "Back-off restarting")).probe_kind == ""
    assert (
        normalize_event(event("e", "web", "Unhealthy", "Liveness probe failed: x")).container
        == "app"
    )


def test_series_and_events_k8s_io_shapes():
    core_series = event(
        "s",
        "web",
        "FailedScheduling",
        "0/3 nodes",
        count=None,
        container=None,
        series={"count": 3432, "lastObservedTime": "2026-02-01T10:00:00.123456Z"},
    )
    ev = normalize_event(core_series)
    assert ev.count == 3432 and ev.last is not None
    v1 = {
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": {"name": "x.1", "namespace": "default", "uid": "u1"},
        "regarding": {
            "kind": "Pod",
            "name": "web",
            "namespace": "default",
            "fieldPath": "spec.containers{app}",
        },
        "reason": "Unhealthy",
        "note": "Readiness probe failed: nope",
        "type": "Warning",
        "deprecatedCount": 7,
        "eventTime": None,
        "reportingController": "kubelet",
    }
    ev = normalize_event(v1)
    assert (ev.involved_name, ev.count, ev.probe_kind, ev.message, ev.api) == (
        "web",
        7,
        "readiness",
        "Readiness probe failed: nope",
        "events.k8s.io/v1",
    )


def test_hostile_huge_message_is_capped():
    ev = normalize_event(event("e", "web", "Unhealthy", "Readiness probe failed: " + "A" * 200_000))
    assert len(ev.message) < 5000
    assert ev.probe_kind == "readiness"


def test_counts_are_unknown_until_the_event_list_is_done_then_exact():
    # A lister (live, or a podwatch recording) marks each finished list with RELIST: while
    # Events are still listing, the failures seen so far are not the whole count.
    store = feed(Store(), probing_pod())
    store.apply(relist_marker(0, "Pod", [("default", "web")]), T0)
    feed(store, event("web.1", "web", "Unhealthy", "Liveness probe failed: x", count=2))
    assert pod_row(store, ("default", "web")).probe_text == "?"
    assert not pod_detail(store, ("default", "web")).probes_known
    store.apply(relist_marker(0, "Event", [("default", "web.1")]), T0)
    assert pod_row(store, ("default", "web")).probe_text == "0/2/0"
    assert pod_detail(store, ("default", "web")).probes_known


def test_a_failed_scheduling_event_speaks_only_for_the_episode_it_belongs_to():
    """The FailedScheduling Event's message (the scheduler's latest words) replaces the
    PodScheduled condition's, unless the Event is older than the condition's
    transition: then it belongs to an earlier pod of that name or an earlier episode."""
    from tests.factories import cond

    current = "0/2 nodes are available: 2 Insufficient cpu."
    conditions = [cond("PodScheduled", "False", "Unschedulable", current, at=100)]
    p = pod("web", phase="Pending", node="", conditions=conditions, statuses=[])
    stale = event(
        "old", "web", "FailedScheduling", "0/2 nodes: untolerated taint", container=None, last=50
    )
    store = feed(Store(), p, stale)
    detail = pod_detail(store, ("default", "web"))
    assert (detail.scheduling.message, detail.scheduling.source) == (
        current,
        "PodScheduled condition",
    )
    fresh = event("new", "web", "FailedScheduling", "0/3 nodes: newer", container=None, last=150)
    feed(store, fresh)
    detail = pod_detail(store, ("default", "web"))
    assert (detail.scheduling.message, detail.scheduling.source) == (
        "0/3 nodes: newer",
        "FailedScheduling event",
    )


def test_event_uids_are_held_compactly_and_still_tell_events_apart():
    from podwatch.model.events import compact_uid

    canonical = "0a1b2c3d-0000-4000-8000-00000000abcd"
    assert compact_uid(canonical) == bytes.fromhex(canonical.replace("-", ""))
    # anything not in the canonical spelling is kept as it is, so no two uids meet
    for other in (canonical.upper(), canonical.replace("-", ""), "uid-ev-x", "", "g" * 36):
        assert compact_uid(other) == other
    other_dashes = "0a1b2c3d0-000-4000-8000-00000000abcd"
    assert compact_uid(other_dashes) == other_dashes
    # counted per uid: the same name re-created under another uid counts again
    store = feed(Store(), probing_pod())
    msg = "Readiness probe failed: x"
    feed(store, event("web.1", "web", "Unhealthy", msg, count=2, uid=canonical))
    feed(store, event("web.1", "web", "Unhealthy", msg, count=2, uid=canonical), etype="MODIFIED")
    feed(store, event("web.1", "web", "Unhealthy", msg, count=1, uid=canonical.upper()))
    tally = store.probe_failures.for_pod(("default", "web"))[("app", "readiness")]
    assert tally.total == 3


def test_each_probe_failure_event_is_a_timeline_line_with_its_count_and_total():
    store = feed(Store(), probing_pod())
    msg = "Readiness probe failed: HTTP probe failed with statuscode: 503"
    feed(store, event("web.1", "web", "Unhealthy", msg, count=2, last=10))
    feed(store, event("web.1", "web", "Unhealthy", msg, count=5, last=20), etype="MODIFIED")
    lines = [e.text for e in store.timeline.entries(("default", "web")) if "probe" in e.what]
    assert lines == [
        f"readiness probe app: failed ×2 (total 2): {msg}",
        f"readiness probe app: failed ×3 (total 5): {msg}",
    ]


def test_a_tally_remembers_its_last_increments_only():
    from podwatch.model.events import RECENT_KEPT, ProbeTally

    tally = ProbeTally()
    for n in range(RECENT_KEPT + 10):
        tally.record(float(n), 2)
    assert len(tally.recent) == 2 * RECENT_KEPT
    assert tally.failures_since(float(RECENT_KEPT + 5)) == 2 * 5
    assert tally.failures_since(0.0) == 2 * RECENT_KEPT  # the first ten are forgotten
