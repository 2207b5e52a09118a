"""LiveSource through the real kubernetes client against the API server double."""

from __future__ import annotations

import contextlib
import random
import threading
import time

import pytest

from podwatch.kube.source import ReplaySource
from podwatch.model.view import pod_detail, service_views
from podwatch.recording import RecordingWriter, read_recording
from tests.factories import endpoints
from tests.live.conftest import pod_obj, pump, seed_web_service, server_truth, store_truth


def test_lists_then_watches_every_kind(double, live):
    double.create(pod_obj("web-1", ip="10.0.0.1"))
    double.create(
        {
            "kind": "Node",
            "metadata": {"name": "node-1"},
            "spec": {},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]},
        }
    )
    source = live()
    assert source.wait_settled(10)
    assert set(source.store.synced) == {
        "Pod",
        "Event",
        "Service",
        "Endpoints",
        "EndpointSlice",
        "Node",
        "Deployment",
        "ReplicaSet",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "CronJob",
    }
    assert store_truth(source) == server_truth(double)
    assert all(st.state == "watching" for st in source.statuses().values())
    double.create(pod_obj("web-2", ip="10.0.0.2"))
    assert pump(source, lambda: ("default", "web-2") in source.store.pods)
    assert "node-1" in source.store.nodes


def test_pod_turns_not_ready_and_its_service_lists_it_not_ready(double, live):
    seed_web_service(double)
    source = live()
    assert source.wait_settled(10)
    key = ("default", "web-1")
    assert [m.state for m in pod_detail(source.store, key).memberships] == ["ready"]
    double.update(pod_obj("web-1", ip="10.0.0.1", ready=False))
    double.update(endpoints("web", not_ready=[("10.0.0.1", "web-1")]))
    assert pump(
        source, lambda: [m.state for m in pod_detail(source.store, key).memberships] == ["NotReady"]
    )
    svc = next(s for s in service_views(source.store) if s.key == ("default", "web"))
    assert [a.pod for a in svc.not_ready] == [key]


def churn(double, stop: threading.Event, names: list[str], rng: random.Random, pause: float = 0.01):
    """Create, modify and delete pods until told to stop (bounded by the caller)."""
    live_names = {
        o["metadata"]["name"] for o in double.objects("Pod") if o["metadata"]["name"] in names
    }
    n = 0
    while not stop.is_set() and n < 5000:
        n += 1
        action = rng.random()
        if action < 0.4 or not live_names:
            name = rng.choice(names)
            if name not in live_names:
                double.create(pod_obj(name, ip=f"10.1.{n % 250}.{n % 200}"))
                live_names.add(name)
        elif action < 0.8:
            name = rng.choice(sorted(live_names))
            double.update(pod_obj(name, ready=rng.random() < 0.5, ip=f"10.2.{n % 250}.{n % 200}"))
        else:
            name = rng.choice(sorted(live_names))
            double.delete("Pod", "default", name)
            live_names.discard(name)
        time.sleep(pause)


@contextlib.contextmanager
def churning(double, names: list[str], seed: int):
    """Churn pods in a background thread for the duration of the block; bounded."""
    stop = threading.Event()
    worker = threading.Thread(
        target=churn, args=(double, stop, names, random.Random(seed)), daemon=True
    )
    worker.start()
    try:
        yield
    finally:
        stop.set()
        worker.join(10)


def test_ten_forced_disconnects_during_churn_end_in_the_servers_truth(double, live):
    for i in range(20):
        double.create(pod_obj(f"seed-{i}"))
    source = live()
    assert source.wait_settled(10)
    drops = 0
    with churning(double, [f"p{i}" for i in range(40)], seed=7):
        for _ in range(10):
            pump(source, lambda: False, timeout=0.25)
            assert double.wait_for(lambda: double.open_watches("Pod") > 0, timeout=10)
            drops += double.drop_connections() > 0
    assert drops == 10
    assert pump(source, lambda: store_truth(source) == server_truth(double), timeout=15), set(
        store_truth(source).items()
    ) ^ set(server_truth(double).items())
    assert double.watch_count("Pod") >= 10  # the first, then one after each drop but maybe the last
    assert all(r.method == "GET" for r in double.requests)


@pytest.mark.parametrize("http_410", [False, True])
def test_410_after_an_outage_relists_and_drops_what_was_deleted_meanwhile(double, live, http_410):
    double.http_410 = http_410
    for i in range(10):
        double.create(pod_obj(f"p{i}"))
    source = live()
    assert source.wait_settled(10)
    relists = source.watchers["Pod"].status.relists
    double.stop()
    for i in range(5):
        double.delete("Pod", "default", f"p{i}")  # deleted while podwatch could not see
    double.create(pod_obj("p-new"))
    double.compact()  # the old resourceVersion is gone: resuming must fail with 410
    double.start()
    assert pump(source, lambda: store_truth(source) == server_truth(double), timeout=15)
    assert source.watchers["Pod"].status.relists > relists
    assert sorted(k[1] for k in source.store.pods) == ["p-new", "p5", "p6", "p7", "p8", "p9"]
    [tomb] = [k for k in source.store.tombstones if k[:2] == ("default", "p0")]
    deleted = [e.text for e in source.store.timeline.entries(tomb)]
    assert "pod: deleted" in deleted


def test_410_error_event_in_the_middle_of_a_watch(double, live):
    for i in range(5):
        double.create(pod_obj(f"p{i}"))
    source = live()
    assert source.wait_settled(10)
    relists = source.watchers["Pod"].status.relists
    assert double.wait_for(lambda: double.open_watches("Pod") > 0, timeout=10)
    double.expire_watches()
    double.delete("Pod", "default", "p0")
    assert pump(source, lambda: source.watchers["Pod"].status.relists > relists, timeout=10)
    assert pump(source, lambda: store_truth(source) == server_truth(double), timeout=10)
    assert ("default", "p0") not in source.store.pods


def test_server_away_for_five_seconds_reports_reconnecting_then_recovers(double, live):
    double.create(pod_obj("p0"))
    source = live()
    assert source.wait_settled(10)
    assert source.stale_since is None
    double.stop()
    down_at = time.time()
    assert pump(source, lambda: source.statuses()["Pod"].state == "reconnecting", timeout=10)
    seen_attempts = set()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        source.poll()
        st = source.statuses()["Pod"]
        seen_attempts.add(st.attempt)
        assert st.state in ("reconnecting", "listing", "watching")
        time.sleep(0.1)
    assert source.stale_since is not None and source.stale_since >= down_at - 1
    assert max(seen_attempts) >= 2  # it kept trying, backing off
    assert source.statuses()["Pod"].last_error
    double.create(pod_obj("p1"))  # happened while away
    double.start()
    assert pump(
        source, lambda: all(st.state == "watching" for st in source.statuses().values()), timeout=15
    )
    assert pump(source, lambda: ("default", "p1") in source.store.pods, timeout=10)
    assert source.stale_since is None
    assert source.statuses()["Pod"].attempt == 0


def test_forbidden_kinds_are_reported_and_pods_still_flow(double, live):
    double.forbid("Node")
    double.forbid("Event")
    double.create(pod_obj("p0"))
    source = live()
    assert source.wait_settled(10)
    st = source.statuses()
    assert st["Node"].state == "forbidden" and "forbidden" in st["Node"].last_error
    assert st["Event"].state == "forbidden"
    assert st["Pod"].state == "watching"
    double.create(pod_obj("p1"))
    assert pump(source, lambda: ("default", "p1") in source.store.pods)
    double.forbid("Node", on=False)  # RBAC granted later: picked up on the slow retry
    assert pump(source, lambda: source.statuses()["Node"].state == "watching", timeout=10)


def test_cluster_without_endpointslices_uses_endpoints(double, live):
    double.unavailable("EndpointSlice")
    double.create(pod_obj("web-1", ip="10.0.0.1"))
    double.create(endpoints("web", not_ready=[("10.0.0.1", "web-1")]))
    source = live()
    assert source.wait_settled(10)
    assert source.statuses()["EndpointSlice"].state == "unavailable"
    assert [m.state for m in pod_detail(source.store, ("default", "web-1")).memberships] == [
        "NotReady"
    ]


def test_label_selector_reaches_the_server_and_filters(double, live):
    double.create(pod_obj("a", labels={"app": "web"}))
    double.create(pod_obj("b", labels={"app": "db"}))
    source = live(label_selector="app=web", field_selector="spec.nodeName=node-1")
    assert source.wait_settled(10)
    assert set(source.store.pods) == {("default", "a")}
    pod_requests = [r for r in double.requests if r.kind == "Pod"]
    assert pod_requests and all(r.query.get("labelSelector") == "app=web" for r in pod_requests)
    assert all(r.query.get("fieldSelector") == "spec.nodeName=node-1" for r in pod_requests)
    assert all(r.path.startswith("/api/v1/namespaces/default/") for r in pod_requests)
    others = [r for r in double.requests if r.kind not in ("Pod", "Node")]
    assert others and not any("labelSelector" in r.query for r in others)
    double.update(pod_obj("a", labels={"app": "other"}))  # stops matching: gone from view
    assert pump(source, lambda: not source.store.pods)


def test_all_namespaces_watches_cluster_wide_paths(double, live):
    double.create(pod_obj("a", namespace="team-a"))
    double.create(pod_obj("b", namespace="team-b"))
    source = live(all_namespaces=True)
    assert source.wait_settled(10)
    assert set(source.store.pods) == {("team-a", "a"), ("team-b", "b")}
    paths = {r.path for r in double.requests}
    assert "/api/v1/pods" in paths and "/apis/discovery.k8s.io/v1/endpointslices" in paths
    assert not any("/namespaces/" in p for p in paths)


def test_paged_list(double, live):
    from dataclasses import replace

    from tests.live.conftest import FAST

    for i in range(23):
        double.create(pod_obj(f"p{i:02d}"))
    source = live(settings=replace(FAST, page_size=5))
    assert source.wait_settled(10)
    assert len(source.store.pods) == 23
    pod_lists = [r for r in double.requests if r.kind == "Pod" and not r.watch]
    assert len(pod_lists) == 5 and all(r.query.get("limit") == "5" for r in pod_lists)
    assert sum("continue" in r.query for r in pod_lists) == 4


def test_429_waits_retry_after(double, live):
    double.throttle(1, retry_after=1, kind="Pod")
    double.create(pod_obj("p0"))
    started = time.monotonic()
    source = live()
    assert pump(source, lambda: source.statuses()["Pod"].state == "reconnecting", timeout=5)
    assert "throttled" in source.statuses()["Pod"].last_error
    assert pump(source, lambda: ("default", "p0") in source.store.pods, timeout=10)
    assert time.monotonic() - started >= 0.9


def test_stalled_stream_times_out_and_resumes(double, live):
    double.create(pod_obj("p0"))
    source = live()
    assert source.wait_settled(10)
    assert double.wait_for(lambda: double.open_watches("Pod") > 0, timeout=5)
    watches = double.watch_count("Pod")
    double.stall(5)  # longer than the 3 s read timeout
    double.create(pod_obj("p1"))
    assert pump(source, lambda: ("default", "p1") in source.store.pods, timeout=15)
    assert double.watch_count("Pod") > watches


def test_401_reauthenticates_with_renewed_credentials(double, live, kubeconfig):
    double.create(pod_obj("p0"))
    source = live()
    assert source.wait_settled(10)
    double.set_token("rotated")
    double.write_kubeconfig(
        kubeconfig, namespace="default", token="rotated"
    )  # what a plugin would renew
    double.drop_connections()
    double.create(pod_obj("p1"))
    assert pump(source, lambda: ("default", "p1") in source.store.pods, timeout=15)
    assert source.cluster.reauthentications >= 1


def test_bookmarks_advance_the_resource_version_of_a_quiet_kind(double, live):
    source = live()
    assert source.wait_settled(10)
    rv_before = int(source.watchers["Node"].resource_version or 0)
    for i in range(3):
        double.create(pod_obj(f"p{i}"))
    assert pump(
        source,
        lambda: int(source.watchers["Node"].resource_version or 0) >= double.resource_version,
        timeout=10,
    )
    assert int(source.watchers["Node"].resource_version) > rv_before
    assert source.store.resource_versions["Node"] == source.watchers["Node"].resource_version


def test_record_while_watching_replays_to_the_same_store(double, live, tmp_path):
    for i in range(5):
        double.create(pod_obj(f"p{i}", ip=f"10.0.0.{i}"))
    double.create(endpoints("web", ready=[("10.0.0.1", "p1")], not_ready=[("10.0.0.2", "p2")]))
    path = tmp_path / "live.jsonl.gz"
    recorder = RecordingWriter(path, context="double", scope={"namespace": "default"})
    source = live(recorder=recorder)
    assert source.wait_settled(10)
    with churning(double, [f"p{i}" for i in range(12)], seed=3):
        time.sleep(1.0)
        double.drop_connections()
        double.expire_watches()  # a re-list inside the recording
        time.sleep(1.0)
    assert pump(source, lambda: store_truth(source) == server_truth(double), timeout=15)
    source.stop()
    recording = read_recording(path)
    assert not recording.warnings
    assert sum(e.type == "RELIST" for e in recording.events) >= 7  # 6 kinds listed, then a re-list
    replay = ReplaySource(recording)
    replay.run_to_end()
    assert replay.store.pods == source.store.pods
    assert replay.store.endpoints == source.store.endpoints
    assert replay.store.nodes == source.store.nodes
    assert set(replay.store.events) == set(source.store.events)


def test_a_malformed_selector_fails_that_kind_instead_of_retrying(double, live):
    source = live(field_selector="spec.bogus=x")
    assert source.wait_settled(10)
    st = source.statuses()["Pod"]
    assert st.state == "failed" and "400" in st.last_error
    assert not source.watchers["Pod"].alive
    assert source.statuses()["Node"].state == "watching"


def test_unreachable_server_is_given_up_on_quickly_by_once(double, live):
    double.stop()
    source = live()
    started = time.monotonic()
    assert not source.wait_settled(30)
    assert time.monotonic() - started < 15
    assert source.unreachable()
    assert all(st.last_error for st in source.statuses().values())


def test_stale_means_watched_then_lost_never_refused_or_starting(double, live):
    """The STALE banner names kinds that were listed and watched and stopped, with their
    own error; a forbidden kind (like an unserved one) is refused, not stale."""
    from podwatch.ui.status import stale_banner

    double.create(pod_obj("p0"))
    double.forbid("Event")
    source = live()
    assert source.wait_settled(10)
    assert source.statuses()["Event"].state == "forbidden"
    assert source.stale_since is None and stale_banner(source) is None
    double.stop()
    assert pump(source, lambda: source.statuses()["Pod"].state == "reconnecting", timeout=10)
    banner = stale_banner(source)
    assert banner is not None
    named = banner.plain.split("not watching: ")[1]
    assert "Pod" in named and "Event" not in named
    assert "403" not in banner.plain and "forbidden" not in banner.plain.lower()


def _waits(predicate, timeout: float = 10.0) -> bool:
    """Wait, without taking anything from the source's queue, until `predicate()`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_a_list_is_pending_while_it_comes_in_and_until_its_end_is_taken(double, live):
    """What the dashboard holds the garbage collector off for (gcpolicy.py): a list being
    answered, then its items waiting in the queue, until the RELIST marker is taken."""
    from podwatch.kube.states import WatchState
    from podwatch.model.watch import KINDS

    double.create(pod_obj("web-1"))
    double.slow_lists("Pod", 2.0)
    source = live()
    pod = source.watchers["Pod"]
    others = set(KINDS) - {"Pod"}
    assert pump(source, lambda: others <= source.listed), source.listed
    assert pod.status.state is WatchState.LISTING  # still being answered
    assert source.lists_pending() and source.status().listing
    assert _waits(lambda: pod.status.state is WatchState.WATCHING and pod.status.relists == 1)
    # Listed, watching, and its items and end still queued: pending until taken.
    assert source.lists_pending() and source.status().listing
    source.poll()
    assert "Pod" in source.listed and ("default", "web-1") in source.store.pods
    assert not source.lists_pending() and not source.status().listing
    double.slow_lists("Pod", 0)
