"""The dashboard over several clusters at once (issue 16): two API server doubles on
different ports, in one kubeconfig, both `default/web-0`; one table with a CONTEXT
column, `:ctx`, the panes naming the cluster, one cluster stale or refused alone, and
each pod's log read from its own cluster."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from podwatch.kube.config import connect_each
from podwatch.kube.fleet import Fleet, FleetSource
from podwatch.ui.app import PodwatchApp
from podwatch.ui.screens.logs import log_target
from tests.apiserver import ApiServerDouble
from tests.live.conftest import FAST, pod_obj
from tests.ui.pilot import command, status, table, toasts, wait_until
from tests.ui.textshot import screen_lines, widget_lines

WIDE = (140, 40)
SMALL = (80, 24)


class Fleets:
    """The dashboard as `podwatch --context east,west` builds it (cli._fleet_dashboard)."""

    def __init__(self, east, west, tmp_path) -> None:
        east.create(pod_obj("web-0"))
        west.create(pod_obj("web-0", ready=False))
        west.create(pod_obj("api-1"))
        path = ApiServerDouble.write_kubeconfig_of(
            tmp_path / "kubeconfig", {"east": east, "west": west}
        )
        members = connect_each(["east", "west"], kubeconfig=str(path))
        self.fleet = Fleet(members, settings=FAST)
        self.source = FleetSource(self.fleet)
        self.app = PodwatchApp(self.source, poll_interval=0.05)
        self.fleet.start()

    def close(self) -> None:
        self.fleet.stop()


@pytest.fixture
def fleets(double, west, tmp_path) -> Iterator[Fleets]:
    built = Fleets(double, west, tmp_path)
    try:
        yield built
    finally:
        built.close()


def rows(app) -> list[tuple[str, str, str]]:
    """(mark, context, name) of each row shown."""
    out = []
    for line in widget_lines(table(app))[1:]:
        words = line.split()
        if len(words) >= 3:
            out.append((words[0], words[1], words[2]))
    return out


async def test_one_table_shows_both_clusters_pods_apart_with_their_context(fleets) -> None:
    app = fleets.app
    async with app.run_test(size=WIDE) as pilot:
        assert await wait_until(pilot, lambda: table(app).row_count == 3)
        assert widget_lines(table(app))[0].split()[:2] == ["CONTEXT", "NAME"]
        assert sorted(rows(app)) == [
            ("✓", "east", "web-0"),
            ("✓", "west", "api-1"),
            ("✗", "west", "web-0"),
        ]
        assert status(app).startswith("east,west ▸ namespace default")
        # The worst first: west's web-0, whose panes name its cluster.
        assert table(app).selected_key == ("west/default", "web-0")
        shown = "\n".join(screen_lines(app))
        assert "✗ west/default/web-0" in shown and "node west/node-1" in shown
        await pilot.press("j", "j")
        assert table(app).selected_key == ("east/default", "web-0")
        assert "✓ east/default/web-0" in "\n".join(screen_lines(app))


async def test_colon_ctx_shows_one_cluster_and_alone_every_cluster(fleets) -> None:
    app = fleets.app
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        assert await wait_until(pilot, lambda: table(app).row_count == 3)
        await command(pilot, "ctx east")
        assert rows(app) == [("✓", "east", "web-0")]
        assert "ctx east" in status(app)
        await pilot.press("escape")  # clears a filter, not the context chosen
        assert rows(app) == [("✓", "east", "web-0")]
        await command(pilot, "ctx nowhere")
        assert await wait_until(
            pilot, lambda: any("no context nowhere (have: east, west)" in t for t in toasts(app))
        )
        assert rows(app) == [("✓", "east", "web-0")]
        await command(pilot, "ctx")
        assert table(app).row_count == 3
        await command(pilot, "ns default")  # a namespace is each cluster's own
        assert table(app).row_count == 3
        await pilot.press("slash", *"west", "enter")  # `/` matches the context's name
        assert sorted(r[2] for r in rows(app)) == ["api-1", "web-0"]


async def test_one_cluster_down_is_stale_alone_and_the_other_stays_live(fleets, west) -> None:
    app = fleets.app
    async with app.run_test(size=WIDE) as pilot:
        assert await wait_until(pilot, lambda: table(app).row_count == 3)
        west.stop()
        banner = app.screen.query_one("#stale")
        assert await wait_until(pilot, lambda: banner.display, timeout=20)
        # Its kinds find it gone one by one: then it is one entry, in the banner too.
        assert await wait_until(pilot, lambda: "west ⟳" in status(app), timeout=20)
        await pilot.pause()
        text = "\n".join(widget_lines(banner))
        assert "not watching: west" in text and "east" not in text
        assert table(app).row_count == 3  # west's pods stay, marked stale by the banner
        east = fleets.fleet.watched[0].source
        assert all(st.state == "watching" for st in east.statuses().values())


async def test_one_cluster_refusing_pods_says_so_and_the_other_is_shown(
    double, west, tmp_path
) -> None:
    west.forbid("Pod")
    built = Fleets(double, west, tmp_path)
    app = built.app
    try:
        async with app.run_test(size=WIDE) as pilot:
            assert await wait_until(pilot, lambda: "west:Pod ✗" in status(app), timeout=15)
            assert rows(app) == [("✓", "east", "web-0")]
    finally:
        built.close()


async def test_at_80x24_the_context_column_and_the_name_fit(fleets) -> None:
    app = fleets.app
    async with app.run_test(size=SMALL) as pilot:
        assert await wait_until(pilot, lambda: table(app).row_count == 3)
        lines = widget_lines(table(app))
        assert lines[0].split()[:2] == ["CONTEXT", "NAME"]
        assert all(len(line) <= 80 for line in lines)
        assert any("west" in line and "web-0" in line for line in lines)


async def test_a_pods_log_is_read_from_its_own_cluster(fleets, double, west) -> None:
    west.append_log("default", "web-0", "app", "west says hello\n")
    double.append_log("default", "web-0", "app", "east says hello\n")
    target = log_target(fleets.source, ("west/default", "web-0"))
    assert target is not None
    cluster, namespace, name = target
    assert (cluster.context, namespace, name) == ("west", "default", "web-0")
    app = fleets.app
    async with app.run_test(size=WIDE) as pilot:
        assert await wait_until(pilot, lambda: table(app).row_count == 3)
        table(app).select(("west/default", "web-0"))
        await pilot.pause()
        await pilot.press("l")
        assert await wait_until(
            pilot, lambda: "west says hello" in "\n".join(screen_lines(app)), timeout=10
        )
        assert "east says hello" not in "\n".join(screen_lines(app))


@pytest.mark.parametrize("index", ["always", "never"])
async def test_a_recording_of_two_clusters_replays_in_one_table_whole_or_indexed(index) -> None:
    """The recording `podwatch record --all-contexts` made (tests/data/recordings/
    contexts): read whole or through its index and its checkpoints, both clusters apart,
    and a seek back to before prod's checkout pod turned NotReady."""
    from podwatch.cli import build_sub_parser, open_recording, replay_dashboard
    from tests.scenes import REPO, TWO_CLUSTERS

    path = str(REPO / TWO_CLUSTERS)
    recording = open_recording([path], index)
    args = build_sub_parser("replay").parse_args([path, "--paused"])
    app = replay_dashboard(recording, args)
    app.source.seek(recording.duration)  # the end: prod's pod has turned NotReady
    async with app.run_test(size=WIDE) as pilot:
        assert await wait_until(pilot, lambda: table(app).row_count == 5)
        shown = rows(app)
        assert ("✗", "prod-eu-west-1", "checkout-api-7d9f8b6c5d-x2x9q") in shown
        assert sorted(r[1] for r in shown if r[2] == "orders-db-0") == ["prod-eu-west-1", "staging"]
        await pilot.press("g", *"1", "enter")
        assert await wait_until(
            pilot, lambda: ("✓", "prod-eu-west-1", "checkout-api-7d9f8b6c5d-x2x9q") in rows(app)
        )
        assert table(app).row_count == 5


async def test_several_clusters_are_listing_while_any_one_is(double, west, tmp_path) -> None:
    """What the dashboard holds the garbage collector off for (gcpolicy.py), over a
    fleet: west's pods still being listed when east's are shown."""
    west.slow_lists("Pod", 1.5)
    built = Fleets(double, west, tmp_path)
    source, app = built.source, built.app
    try:
        async with app.run_test(size=WIDE) as pilot:
            assert await wait_until(pilot, lambda: ("east/default", "web-0") in source.store.pods)
            assert source.status().listing
            assert await wait_until(pilot, lambda: table(app).row_count == 3)
            assert await wait_until(pilot, lambda: not source.status().listing)
    finally:
        built.close()
        west.slow_lists("Pod", 0)


def test_each_cluster_says_what_it_cannot_read_for_its_own_pods(double, west, tmp_path) -> None:
    """RBAC differs by cluster (prod locked down, staging not): west may not read Events
    or ReplicaSets, east may. West's pod says so; east's, in the same store, does not."""
    import time

    from podwatch.model.service_checks import check_service
    from podwatch.model.view import pod_detail, service_views
    from tests.factories import endpoints

    owner = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "name": "web-7d9f",
        "uid": "u-web-7d9f",
        "controller": True,
    }
    for cluster in (double, west):
        pod = pod_obj("web-0")
        pod["metadata"]["ownerReferences"] = [owner]  # a ReplicaSet neither cluster has
        cluster.create(pod)
        cluster.create(endpoints("orphan", ready=[("10.0.0.9", "web-0")]))  # no Service
    for kind in ("Event", "ReplicaSet", "Service"):
        west.forbid(kind)
    path = ApiServerDouble.write_kubeconfig_of(tmp_path / "kc", {"east": double, "west": west})
    fleet = Fleet(connect_each(["east", "west"], kubeconfig=str(path)), settings=FAST)
    source = FleetSource(fleet)
    store = source.store
    east, west_key = ("east/default", "web-0"), ("west/default", "web-0")
    fleet.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            source.poll()
            orphans = {sv.key for sv in service_views(store) if sv.key[1] == "orphan"}
            if (
                {east, west_key} <= set(store.pods)
                and {("east/default", "orphan"), ("west/default", "orphan")} <= orphans
                and store.unreadable_for("west/default") >= {"Event", "ReplicaSet", "Service"}
            ):
                break  # each kind listed or refused in each cluster (they come apart)
            time.sleep(0.05)
        assert store.unreadable_for("west/default") == {"Event", "ReplicaSet", "Service"}
        assert store.unreadable_for("east/default") == frozenset()
        assert store.unreadable == {"Event", "ReplicaSet", "Service"}  # for no context
        seen_east, seen_west = pod_detail(store, east), pod_detail(store, west_key)
        assert seen_east is not None and seen_west is not None
        assert seen_west.owners[0].unknown_why == "not readable (RBAC)"
        assert seen_east.owners[0].unknown_why == "not seen"
        assert "Events are not readable" in seen_west.gaps["timeline"]
        assert "timeline" not in seen_east.gaps and "probes" not in seen_east.gaps
        # Endpoints without a Service: east can tell (it reads Services), west cannot.
        notes = {
            sv.key[0]: [f.text for f in check_service(store, sv).findings]
            for sv in service_views(store)
            if sv.key[1] == "orphan"
        }
        assert "endpoints without a Service object" in notes["east/default"]
        assert "endpoints without a Service object" not in notes["west/default"]
    finally:
        fleet.stop()
