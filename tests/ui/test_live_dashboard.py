"""The dashboard over a live source, against the API server double."""

from __future__ import annotations

from podwatch.kube.config import connect
from podwatch.kube.source import LiveSource
from podwatch.model.watch import KINDS
from podwatch.ui.app import PodwatchApp
from podwatch.ui.widgets.pod_table import PodTable
from tests.factories import endpoints
from tests.live.conftest import FAST, pod_obj, seed_web_service
from tests.ui.pilot import wait_until
from tests.ui.textshot import shown


def text_of(widget) -> str:
    return shown(widget)


async def test_pod_turns_not_ready_and_the_stale_banner_shows_while_the_server_is_down(
    double, tmp_path
):
    seed_web_service(double)
    cluster, scope = connect(kubeconfig=str(double.write_kubeconfig(tmp_path / "kc")))
    source = LiveSource(cluster, scope, settings=FAST).start()
    app = PodwatchApp(source, poll_interval=0.05)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            table = screen.query_one(PodTable)
            assert await wait_until(pilot, lambda: table.row_count == 1)
            summary = screen.query_one("#summary")
            assert await wait_until(
                pilot, lambda: "Ready; ready in Service web" in text_of(summary)
            )
            status = text_of(screen.query_one("#status"))
            assert "double" in status and "namespace default" in status
            assert f"{len(KINDS)} kinds ✓" in status  # every kind watching, folded at 120

            double.update(pod_obj("web-1", ip="10.0.0.1", ready=False))
            double.update(endpoints("web", not_ready=[("10.0.0.1", "web-1")]))
            assert await wait_until(
                pilot,
                lambda: (
                    "NotReady in Service web" in text_of(summary)
                    or "NotReady in web" in text_of(summary)
                ),
            ), text_of(summary)
            endpoints_pane = screen.query_one("#pane-endpoints")
            assert "NotReady" in text_of(endpoints_pane)
            # The Pod and the Endpoints come on two watches: the row may change a batch
            # after the summary's Service line does.
            assert await wait_until(
                pilot,
                lambda: (
                    str(table.cells_at(0)["mark"]) == "✗"
                    and str(table.cells_at(0)["ready"]) == "0/1"
                ),
            ), table.cells_at(0)

            await pilot.press("colon")
            await pilot.press(*"svc", "enter")
            assert await wait_until(
                pilot, lambda: "web-1" in text_of(app.screen.query_one("#table"))
            )
            services = text_of(app.screen.query_one("#table"))
            assert "default/web" in services and "10.0.0.1 → web-1" in services
            await pilot.press("escape")

            stale = app.screen.query_one("#stale")
            assert not stale.display
            double.stop()
            assert await wait_until(
                pilot, lambda: stale.display and "STALE since" in text_of(stale)
            )
            assert "not watching" in text_of(stale)
            # The kinds notice the server gone one by one: while some still read ✓ the
            # line folds each ⟳ without its word; once all have, it says it.
            status_line = app.screen.query_one("#status")
            assert await wait_until(pilot, lambda: "reconnecting" in text_of(status_line)), text_of(
                status_line
            )
            double.start()
            assert await wait_until(pilot, lambda: not stale.display, timeout=15)
    finally:
        source.stop()
        cluster.close()


async def test_arriving_events_are_drained_at_once_not_on_the_next_timer_tick(double, tmp_path):
    """With the fallback drain timer at 60 s, only the watch thread's wake-up can bring a
    change to the table within seconds."""
    seed_web_service(double)
    cluster, scope = connect(kubeconfig=str(double.write_kubeconfig(tmp_path / "kc")))
    source = LiveSource(cluster, scope, settings=FAST).start()
    app = PodwatchApp(source, poll_interval=60.0)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            table = app.screen.query_one(PodTable)
            assert await wait_until(pilot, lambda: table.row_count == 1)
            assert str(table.cells_at(0)["ready"]) == "1/1"
            double.update(pod_obj("web-1", ip="10.0.0.1", ready=False))
            assert await wait_until(
                pilot, lambda: str(table.cells_at(0)["ready"]) == "0/1", timeout=5.0
            )
            for number in range(2, 6):
                double.create(pod_obj(f"web-{number}", ip=f"10.0.0.{number}"))
            assert await wait_until(pilot, lambda: table.row_count == 5, timeout=5.0)
    finally:
        source.stop()


def _held_app(double, tmp_path, slow: float):
    """The dashboard on the double, the Pod list answered `slow` s late, its GC policy
    turning a switch of the test's own (the real collector is left alone)."""
    from podwatch.gcpolicy import FreezePolicy
    from tests.unit.test_gcpolicy import Switch

    double.create(pod_obj("web-1", ip="10.0.0.1"))
    double.slow_lists("Pod", slow)
    cluster, scope = connect(kubeconfig=str(double.write_kubeconfig(tmp_path / "kc")))
    source = LiveSource(cluster, scope, settings=FAST)
    app = PodwatchApp(source, poll_interval=0.05)
    switch, frozen = Switch(), []
    app.gc_policy = FreezePolicy(collector=switch, freeze=lambda: frozen.append(1))
    return source, app, switch, frozen


async def test_the_collector_is_held_off_while_the_pods_are_listed(double, tmp_path):
    source, app, switch, frozen = _held_app(double, tmp_path, 1.5)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            source.start()
            table = app.screen.query_one(PodTable)
            # The other kinds come at once; the drain that applies them sees the Pod
            # list still coming in.
            assert await wait_until(pilot, lambda: switch.turned == ["off"])
            assert table.row_count == 0 and frozen == []
            assert await wait_until(pilot, lambda: table.row_count == 1)
            assert await wait_until(pilot, lambda: switch.turned == ["off", "on"])
            assert frozen == [1]  # what the list left, kept out of later collections
    finally:
        source.stop()
        double.slow_lists("Pod", 0)


async def test_quitting_while_the_pods_are_listed_gives_the_collector_back(double, tmp_path):
    source, app, switch, _frozen = _held_app(double, tmp_path, 3.0)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            source.start()
            assert await wait_until(pilot, lambda: switch.turned == ["off"])
            await pilot.press("q")
        assert switch.turned == ["off", "on"] and switch.on
    finally:
        source.stop()
        double.slow_lists("Pod", 0)
