"""Three health marks (SPEC 6): ✓ healthy, ⚠ at risk, ✗ unhealthy; and "unknown is not zero".

At risk needs what the pod object does not hold (probe Events, the node's taints, Ready
flips, the clock), so these tests drive a Store the way a watch does and read the row,
the why line and the `--once` output, never the helpers alone.
"""

from __future__ import annotations

import io

from rich.console import Console

from podwatch.kube.source import ReplaySource
from podwatch.model.pods import Health
from podwatch.model.store import Store
from podwatch.model.view import PodRow, pod_detail, pod_row, pod_rows
from podwatch.model.watch import WatchEvent
from podwatch.recording import read_recording
from podwatch.render import SEVERITY_MARK, SEVERITY_STYLE, pod_cells, pods_table, probes_table
from podwatch.report import DETAIL_ALL, render_once
from podwatch.ui.widgets.pod_table import ViewFilter
from tests.factories import (
    T0,
    container,
    event,
    feed,
    last_terminated,
    node,
    pod,
    ready_conditions,
    running,
    terminated,
    ts,
    waiting,
)
from tests.recordings import recordings_dir

KEY = ("default", "web")
LIVENESS = {"httpGet": {"path": "/health", "port": 8080}}
"""failureThreshold not set: the API default, 3."""
LIVENESS_FAILED = "Liveness probe failed: HTTP probe failed with statuscode: 500"
EXIT_137 = recordings_dir() / "real-objects" / "pod-liveness-probe-crashloop-exit-137.json"


def healthy_pod(name: str = "web", **kw) -> dict:
    """Running and Ready, with a liveness probe."""
    kw.setdefault("statuses", [running()])
    return pod(
        name,
        containers=[container("app", livenessProbe=LIVENESS)],
        conditions=ready_conditions(),
        **kw,
    )


def events_seen(store: Store, namespace: str = "default") -> Store:
    """An Event in the namespace: podwatch can see its probe failures from now on. About
    a ReplicaSet, not a pod: an Event about a pod with no object makes a row of its own
    (a pod known only from Events, model/events_only.py)."""
    ev = event("other.1", "other", "SuccessfulCreate", "Created pod", namespace=namespace)
    ev["involvedObject"]["kind"] = "ReplicaSet"
    return feed(store, ev)


def row(store: Store, key=KEY) -> PodRow:
    r = pod_row(store, key)
    assert r is not None
    return r


def why(store: Store, key=KEY) -> str:
    d = pod_detail(store, key)
    assert d is not None
    return d.why


def mark(store: Store, key=KEY) -> str:
    return str(pod_cells(row(store, key), store.now)["mark"])


def liveness_failures(store: Store, count: int, at: float) -> Store:
    return feed(
        store,
        event("web.live", "web", "Unhealthy", LIVENESS_FAILED, count=count, last=at),
        etype="MODIFIED",
        at=at,
    )


# --------------------------------------------------------------------- the levels


def test_levels_are_named_and_sort_at_risk_between_unhealthy_and_healthy():
    order = sorted(Health, key=lambda h: -h)
    assert order == [
        Health.FAILING,
        Health.UNHEALTHY,
        Health.AT_RISK,
        Health.FINISHED,
        Health.HEALTHY,
    ]
    marks = {h: SEVERITY_MARK[h] for h in Health}
    assert marks == {
        Health.HEALTHY: "✓",
        Health.FINISHED: "·",
        Health.AT_RISK: "⚠",
        Health.UNHEALTHY: "✗",
        Health.FAILING: "✗",
    }
    # Both ✗ but told apart by style (bold survives NO_COLOR).
    assert SEVERITY_STYLE[Health.UNHEALTHY] != SEVERITY_STYLE[Health.FAILING]
    assert "bold" in SEVERITY_STYLE[Health.FAILING]


def test_pod_rows_put_the_at_risk_pod_between_unhealthy_and_healthy():
    store = events_seen(Store())
    feed(
        store,
        healthy_pod("a-fine"),
        healthy_pod("web"),
        pod("z-broken", statuses=[running(ready=False)], conditions=ready_conditions(False)),
        pod(
            "y-crashing",
            statuses=[waiting(reason="CrashLoopBackOff", restarts=3)],
            conditions=ready_conditions(False),
        ),
    )
    liveness_failures(store, 2, at=10)
    names = [(r.summary.name, r.health) for r in pod_rows(store)]
    assert names == [
        ("y-crashing", Health.FAILING),
        ("z-broken", Health.UNHEALTHY),
        ("web", Health.AT_RISK),
        ("a-fine", Health.HEALTHY),
    ]


# --------------------------------------------------------------------- probe failures


def test_two_of_three_liveness_failures_make_a_ready_pod_at_risk_and_the_why_says_so():
    store = events_seen(feed(Store(), healthy_pod()))
    assert (row(store).health, mark(store)) == (Health.HEALTHY, "✓")
    liveness_failures(store, 2, at=30)
    assert row(store).summary.severity == Health.HEALTHY  # the object alone: healthy
    assert (row(store).health, mark(store)) == (Health.AT_RISK, "⚠")
    assert why(store).startswith(
        "Ready; at risk: liveness probe of container app failed 2× since it started 30s ago "
        "(threshold 3); "
        f"last: {LIVENESS_FAILED}"
    )


def test_failures_of_a_long_running_container_are_counted_over_the_window():
    # Running for 20 minutes: the count is over the last 5 minutes, and the why says so.
    store = events_seen(feed(Store(), healthy_pod(statuses=[running(at=0)])))
    liveness_failures(store, 2, at=1200)
    assert "liveness probe of container app failed 2× in 5 min (threshold 3)" in why(store)


def test_failures_of_an_earlier_instance_or_of_a_passed_startup_probe_are_no_probe_risk():
    # Liveness failures that ended in the restart belong to the old instance (the restart
    # is the risk then); a startup probe that passed after 8 of 30 tries did its job.
    startup = {"httpGet": {"path": "/started", "port": 8080}, "failureThreshold": 30}
    c = container("app", livenessProbe=LIVENESS, startupProbe=startup)
    store = events_seen(Store())
    feed(store, pod(containers=[c], statuses=[running(at=40)], conditions=ready_conditions()))
    liveness_failures(store, 3, at=30)
    feed(store, event("web.st", "web", "Unhealthy", "Startup probe failed: no", count=8, last=45))
    assert row(store).health == Health.HEALTHY
    liveness_failures(store, 4, at=50)  # one more, after this instance started
    assert row(store).health == Health.AT_RISK
    assert "liveness probe of container app failed 1× since it started 10s ago (threshold 3)" in (
        why(store)
    )
    assert "startup probe" not in why(store)


def test_readiness_failures_alone_are_not_a_risk_for_a_ready_pod():
    # A readiness failure makes the pod not Ready, which its object shows itself; once it
    # is Ready again the failures are history, not a countdown to a restart.
    store = events_seen(feed(Store(), healthy_pod()))
    feed(store, event("web.r", "web", "Unhealthy", "Readiness probe failed: 503", count=2))
    assert row(store).health == Health.HEALTHY
    assert "at risk" not in why(store)


def test_old_probe_failures_stop_being_a_risk_and_the_store_says_when():
    store = events_seen(feed(Store(), healthy_pod()))
    liveness_failures(store, 2, at=30)
    assert row(store).health == Health.AT_RISK
    store.now = T0 + 30 + 299
    assert store.risk_expired(store.now) == set()  # still inside the 5 minutes
    assert row(store).health == Health.AT_RISK
    store.now = T0 + 30 + 300
    assert store.risk_expired(store.now) == {KEY}
    assert row(store).health == Health.HEALTHY
    assert "at risk" not in why(store)
    assert store.risk_expired(store.now + 1000) == set()  # asked once, answered once


def test_a_failing_pod_is_not_downgraded_to_at_risk():
    store = events_seen(Store())
    feed(
        store,
        pod(
            containers=[container("app", livenessProbe=LIVENESS)],
            statuses=[waiting(reason="CrashLoopBackOff", restarts=2, last=last_terminated())],
            conditions=ready_conditions(False),
        ),
    )
    liveness_failures(store, 2, at=10)
    assert row(store).health == Health.FAILING
    assert mark(store) == "✗"


# --------------------------------------------------------------------- restarts, flapping


def test_a_restart_in_the_last_ten_minutes_is_a_risk_until_ten_minutes_pass():
    restarted = [running(restarts=1, last=last_terminated("Error", 137, finished=100))]
    store = events_seen(feed(Store(), healthy_pod(statuses=restarted), at=160))
    assert row(store).health == Health.AT_RISK
    assert "container app restarted 60s ago (last: terminated Error (exit 137))" in why(store)
    store.now = T0 + 100 + 599
    assert store.risk_expired(store.now) == set()
    store.now = T0 + 100 + 660  # 11 minutes after the restart
    assert store.risk_expired(store.now) == {KEY}
    assert row(store).health == Health.HEALTHY
    assert mark(store) == "✓"


def test_ready_flipping_more_than_once_in_ten_minutes_is_flapping():
    store = events_seen(Store())
    not_ready = dict(statuses=[running(ready=False)], conditions=ready_conditions(False))
    feed(store, pod(**not_ready), at=0)
    feed(store, pod(statuses=[running()], conditions=ready_conditions()), at=10, etype="MODIFIED")
    assert row(store).health == Health.HEALTHY  # became Ready once: a start, not a flap
    feed(store, pod(**not_ready), at=20, etype="MODIFIED")
    feed(store, pod(statuses=[running()], conditions=ready_conditions()), at=30, etype="MODIFIED")
    assert row(store).health == Health.AT_RISK
    assert "at risk: Ready flipped 3× in 10 min" in why(store)
    assert store.ready_flips(KEY) == (T0 + 10, T0 + 20, T0 + 30)
    store.now = T0 + 20 + 600  # the second-to-last flip leaves the window
    assert store.risk_expired(store.now) == {KEY}
    assert row(store).health == Health.HEALTHY


def test_a_recreated_pod_does_not_inherit_the_old_ones_flips():
    store = events_seen(Store())
    for at, ready in ((0, False), (10, True), (20, False), (30, True)):
        p = pod(statuses=[running(ready=ready)], conditions=ready_conditions(ready))
        feed(store, p, at=at, etype="MODIFIED")
    assert row(store).health == Health.AT_RISK
    feed(store, pod(statuses=[running()], conditions=ready_conditions(), uid="new"), at=40)
    assert store.ready_flips(KEY) == ()
    assert row(store).health == Health.HEALTHY


# --------------------------------------------------------------------- nodes


def no_execute(seconds: int | None = 30) -> list[dict]:
    tol = {"key": "out-of-disk", "operator": "Exists", "effect": "NoExecute"}
    if seconds is not None:
        tol["tolerationSeconds"] = seconds
    return [tol]


def test_a_running_eviction_deadline_is_a_risk_and_goes_with_the_taint():
    taint = {"key": "out-of-disk", "value": "True", "effect": "NoExecute", "timeAdded": ts(100)}
    store = events_seen(Store())
    feed(store, node("node-1"), healthy_pod(tolerations=no_execute(30)))
    assert row(store).health == Health.HEALTHY
    feed(store, node("node-1", taints=[taint]), etype="MODIFIED", at=115)
    assert (row(store).health, mark(store)) == (Health.AT_RISK, "⚠")
    assert "evicted in 15s" in why(store)
    feed(store, node("node-1"), etype="MODIFIED", at=120)
    assert row(store).health == Health.HEALTHY


def test_node_and_event_changes_report_the_pods_whose_mark_they_move():
    store = events_seen(Store())
    feed(store, node("node-1"), healthy_pod())
    taint = {"key": "out-of-disk", "value": "True", "effect": "NoExecute", "timeAdded": ts(0)}
    tainted = WatchEvent(1, "Node", "MODIFIED", node("node-1", taints=[taint]))
    assert KEY in store.apply(tainted, T0 + 1).pods  # so the table re-derives the row
    failed = event("web.live", "web", "Unhealthy", LIVENESS_FAILED, count=1, last=2)
    assert KEY in store.apply(WatchEvent(2, "Event", "ADDED", failed), T0 + 2).pods


def test_tolerated_forever_is_not_a_risk_and_an_untolerated_noexecute_is():
    taint = {"key": "out-of-disk", "value": "True", "effect": "NoExecute", "timeAdded": ts(0)}
    store = events_seen(Store())
    feed(store, node("node-1", taints=[taint]), healthy_pod(tolerations=no_execute(None)))
    assert row(store).health == Health.HEALTHY
    feed(store, healthy_pod("bare", tolerations=[]))
    bare = ("default", "bare")
    assert row(store, bare).health == Health.AT_RISK
    assert why(store, bare).startswith("Being evicted: untolerated NoExecute taint")


def test_a_node_that_stops_being_ready_puts_its_still_ready_pods_at_risk():
    store = events_seen(Store())
    feed(store, node("node-1"), healthy_pod())
    feed(store, node("node-1", ready="Unknown"), etype="MODIFIED")
    assert row(store).health == Health.AT_RISK
    assert why(store).startswith("Node node-1 is Unknown")


# --------------------------------------------------------------------- the filters, --once


def test_u_keeps_at_risk_rows_and_drops_finished_and_healthy():
    store = events_seen(Store())
    feed(store, healthy_pod(), healthy_pod("fine"))
    feed(store, pod("done", phase="Succeeded", statuses=[terminated()]))
    liveness_failures(store, 1, at=5)
    unhealthy = ViewFilter(unhealthy_only=True)
    shown = {
        r.summary.name: unhealthy.matches(r, store.pods[r.summary.key]) for r in pod_rows(store)
    }
    assert shown == {"web": True, "fine": False, "done": False}


def test_once_details_at_risk_pods_when_it_details_only_the_unhealthy():
    store = events_seen(Store())
    for n in range(DETAIL_ALL + 5):
        feed(store, healthy_pod(f"fine-{n:02d}"))
    feed(store, healthy_pod())
    liveness_failures(store, 2, at=5)
    out = io.StringIO()
    console = Console(file=out, width=200, color_system=None)
    render_once(console, store, title="t")
    text = out.getvalue()
    assert "⚠ default/web" in text
    assert "why: Ready; at risk: liveness probe" in text
    assert "default/fine-00" not in text


# --------------------------------------------------------------------- unknown is not zero


def test_without_any_event_seen_probe_counts_are_unknown_not_zero():
    store = feed(Store(), healthy_pod(), pod("plain", statuses=[running()]))
    assert row(store).probe_text == "?"
    assert row(store, ("default", "plain")).probe_text == "-"  # no probe: nothing to count
    d = pod_detail(store, KEY)
    assert d is not None and not d.probes_known
    assert "No Events seen" in d.gaps["probes"]
    assert "timeline" not in d.gaps  # what podwatch saw itself is all there is, and shown
    fails = _column(probes_table(d), "FAILS")
    assert fails == ["?"]
    events_seen(store)
    assert row(store).probe_text == "-"
    assert _column(probes_table(pod_detail(store, KEY)), "FAILS") == ["0"]


def test_events_of_another_namespace_say_nothing_about_this_one():
    store = events_seen(feed(Store(), healthy_pod()), namespace="kube-system")
    assert row(store).probe_text == "?"


def test_unreadable_or_not_yet_listed_events_are_unknown():
    store = events_seen(feed(Store(), healthy_pod()))
    store.synced = {"Pod"}  # a lister: Pods listed, Events not yet
    assert row(store).probe_text == "?"
    store.synced = {"Pod", "Event"}
    assert row(store).probe_text == "-"
    store.unreadable = frozenset({"Event"})
    assert row(store).probe_text == "?"
    gaps = pod_detail(store, KEY).gaps
    assert "not readable" in gaps["probes"] and "not readable" in gaps["timeline"]


def test_the_why_line_does_not_claim_zero_startup_failures_it_could_not_see():
    c = container("app", startupProbe={"httpGet": {"path": "/", "port": 80}})
    p = pod(containers=[c], statuses=[running(ready=False, started=False)])
    p["status"]["conditions"] = ready_conditions(False)
    store = feed(Store(), p)
    assert "(failure count unknown: no Events seen)" in why(store)
    assert "0 failures" not in why(store)
    events_seen(store)
    assert "(0 failures)" in why(store)


def test_exit_137_capture_without_events_shows_unknown_counts_and_names_the_killers():
    src = ReplaySource(read_recording(EXIT_137))
    src.run_to_end()
    lines = pods_table(src.store, width=160).plain.splitlines()
    # not "-": no Events to count from
    column = lines[1].index("PROBE")
    assert lines[2][column] == "?"
    d = pod_detail(src.store, ("default", "pod-liveness-kill-137"))
    assert d is not None
    assert _column(probes_table(d), "FAILS") == ["?"]
    assert _column(probes_table(d), "RECENT") == ["?"]
    assert "likely killed by its liveness probe (exec false, 2 failures in a row) or out of " in (
        d.why
    )
    assert "no Events seen to tell which" in d.why


def test_exit_137_with_reason_oomkilled_is_out_of_memory():
    last = last_terminated("OOMKilled", 137)
    store = events_seen(Store())
    feed(
        store,
        pod(
            containers=[container("app", livenessProbe=LIVENESS)],
            statuses=[waiting(reason="CrashLoopBackOff", restarts=1, last=last)],
            conditions=ready_conditions(False),
        ),
    )
    assert "OOMKilled (exit 137): out of memory, not its liveness probe" in why(store)
    liveness_failures(store, 3, at=5)  # even with liveness failures seen: OOMKilled says
    assert "OOMKilled (exit 137): out of memory" in why(store)
    assert "killed after its liveness probe" not in why(store)


def test_exit_137_after_liveness_failures_seen_is_the_liveness_kill():
    last = last_terminated("Error", 137, finished=30)
    store = events_seen(Store())
    feed(
        store,
        pod(
            containers=[container("app", livenessProbe=LIVENESS)],
            statuses=[waiting(reason="CrashLoopBackOff", restarts=1, last=last)],
            conditions=ready_conditions(False),
        ),
    )
    liveness_failures(store, 3, at=30)
    text = why(store)
    assert "killed after its liveness probe failed 3× recently" in text
    assert "or out of memory" not in text


def test_exit_137_without_a_liveness_probe_makes_no_liveness_claim():
    store = events_seen(Store())
    feed(
        store,
        pod(
            statuses=[
                waiting(reason="CrashLoopBackOff", restarts=1, last=last_terminated("Error", 137))
            ],
            conditions=ready_conditions(False),
        ),
    )
    assert "liveness" not in why(store)


def _column(grid, header: str) -> list[str]:
    for i, column in enumerate(grid.columns):
        if column.header == header:
            return [cells[i].plain for cells, _notes in grid.rows]
    raise AssertionError(header)
