"""Pilot tests for the keys of issue 10 (item 7) that k9s users expect: ctrl+c quits,
`:ns` alone goes back to every namespace (live too), `:ns NAME` without pods says so,
and `enter` on a Service or a node lists its pods.

Over the bundled demo (paused, fixed clock) and, for live, the API server double."""

from __future__ import annotations

from dataclasses import replace

from podwatch.kube.config import connect
from podwatch.kube.source import LiveSource
from podwatch.ui.app import PodwatchApp
from podwatch.ui.screens.main import MainScreen
from podwatch.ui.screens.modals import PromptScreen
from podwatch.ui.screens.views import NodesScreen, RowCursor, ServicesScreen
from tests.factories import service
from tests.live.conftest import FAST, pod_obj, seed_web_service
from tests.ui.pilot import command, status, table, toasts, wait_until
from tests.ui.textshot import widget_lines

WIDE = (120, 40)
SMALL = (80, 24)

# The demo at 150 s: two Services, three nodes (see tests/unit/test_demo_scenarios.py).
AT_150_ALL = 12
READINESS_PODS = ["pod-readiness-exec1", "pod1"]
WORKER_1_PODS = sorted(
    [
        "hello-world2",
        "job-fails",
        "pod-liveness-httpget1",
        "pod-readiness-exec1",
        "qos-besteffort",
        "qos-guaranteed",
    ]
)


# --------------------------------------------------------------------- helpers


def names(app) -> list[str]:
    t = table(app)
    return sorted(str(t.cells_at(i)["name"]) for i in range(t.row_count))


def cursor_row_text(app) -> str:
    """The text of the lines the view's cursor row takes, as drawn; they, and only they,
    are drawn in reverse video."""
    rows = app.screen.query_one(RowCursor)
    span = rows.cursor_lines()
    assert span is not None
    strips = [rows.render_line(y) for y in range(rows.size.height)]
    reversed_lines = [
        y for y, strip in enumerate(strips) if any(seg.style and seg.style.reverse for seg in strip)
    ]
    assert reversed_lines == list(range(span[0], span[1] + 1))
    return " ".join("".join(seg.text for seg in strips[y]) for y in reversed_lines)


# --------------------------------------------------------------------- ctrl+c


async def test_ctrl_c_quits_from_the_pod_table(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert app.is_running
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_ctrl_c_quits_from_a_view_and_from_a_prompt(demo_app) -> None:
    """Even an Input (whose ctrl+c would copy) does not keep it."""
    app = demo_app(35)
    async with app.run_test(size=SMALL) as pilot:
        await command(pilot, "svc")
        assert isinstance(app.screen, ServicesScreen)
        await pilot.press("colon", *"no")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


# --------------------------------------------------------------------- :svc enter


async def test_enter_on_a_service_lists_the_pods_it_selects_and_escape_clears(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert len(names(app)) == AT_150_ALL
        await command(pilot, "svc")
        assert isinstance(app.screen, ServicesScreen)
        assert "demo/svc-liveness" in cursor_row_text(app)  # the first row, highlighted
        await pilot.press("j")
        assert "demo/svc-readiness" in cursor_row_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert names(app) == READINESS_PODS
        assert "filter: svc svc-readiness" in status(app)
        assert "sort: health" in status(app)
        await pilot.press("escape")
        await pilot.pause()
        assert len(names(app)) == AT_150_ALL
        assert "filter:" not in status(app)


async def test_arrows_move_the_service_cursor_and_k_stops_at_the_top(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await command(pilot, "svc")
        await pilot.press("down", "down", "down")  # two rows: the cursor stays on the last
        assert "demo/svc-readiness" in cursor_row_text(app)
        await pilot.press("up", "k", "k")
        assert "demo/svc-liveness" in cursor_row_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert names(app) == ["pod-liveness-httpget1", "pod2"]


async def test_a_filter_typed_after_enter_on_a_service_narrows_its_pods(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await command(pilot, "svc")
        await pilot.press("j", "enter")
        await pilot.pause()
        assert names(app) == READINESS_PODS
        await pilot.press("slash", *"exec")
        await pilot.pause()
        assert names(app) == ["pod-readiness-exec1"]
        assert "svc svc-readiness" in status(app)


# --------------------------------------------------------------------- :nodes enter


async def test_enter_on_a_node_lists_the_pods_on_it(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await command(pilot, "nodes")
        assert isinstance(app.screen, NodesScreen)
        assert cursor_row_text(app).split()[0] == "worker-1"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert names(app) == WORKER_1_PODS
        assert "filter: node worker-1" in status(app)
        await pilot.press("escape")
        await pilot.pause()
        assert len(names(app)) == AT_150_ALL


async def test_enter_on_another_node_after_going_back_to_the_view(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await command(pilot, "nodes")
        await pilot.press("enter")
        await pilot.pause()
        await command(pilot, "nodes")
        await pilot.press("j")
        assert cursor_row_text(app).split()[0] == "worker-2"
        await pilot.press("enter")
        await pilot.pause()
        assert names(app) == ["pod-imagepull"]
        assert "filter: node worker-2" in status(app)


async def test_the_node_cursor_stays_on_its_node_when_the_view_refreshes(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await command(pilot, "nodes")
        await pilot.press("j", "j")
        assert cursor_row_text(app).split()[0] == "worker-3"
        await pilot.press("]", "]")  # seek: the table is rebuilt
        await pilot.pause()
        assert app.source.position == 170.0
        assert cursor_row_text(app).split()[0] == "worker-3"


async def test_the_view_scrolls_to_keep_the_cursor_row_on_screen(demo_app) -> None:
    """At 380 s worker-3 has stopped reporting: its taints make its row taller than a
    small view (8 lines, 6 for the view). Moving onto it scrolls its first line into
    view; moving back to the first row brings the header back."""
    app = demo_app(380)
    async with app.run_test(size=(80, 8)) as pilot:
        await pilot.pause()
        await command(pilot, "nodes")
        view = app.screen.query_one("#view")
        rows = app.screen.query_one(RowCursor)
        assert view.scroll_y == 0 and view.max_scroll_y > 0
        await pilot.press("j", "j")
        await pilot.pause()
        top, _bottom = rows.cursor_lines()
        assert view.scroll_y <= top < view.scroll_y + view.scrollable_content_region.height
        assert view.scroll_y > 0
        await pilot.press("k", "k")
        await pilot.pause()
        assert view.scroll_y == 0


# --------------------------------------------------------------------- :ns (replay)


async def test_colon_ns_without_pods_says_so(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await command(pilot, "ns demo")
        assert not any("no pods" in t for t in toasts(app))
        await command(pilot, "ns doesnotexist")
        assert table(app).row_count == 0
        assert any("no pods in namespace doesnotexist" in t for t in toasts(app)), toasts(app)


# --------------------------------------------------------------------- :ns (live)


class LiveApp:
    """The dashboard over the double, scoped to namespace `default`, with a restart
    callback built as `cli.run_live` builds it (FAST settings for test time)."""

    def __init__(self, double, tmp_path) -> None:
        kubeconfig = double.write_kubeconfig(tmp_path / "kc", namespace="default")
        self.cluster, scope = connect(kubeconfig=str(kubeconfig))
        self.sources = [LiveSource(self.cluster, scope, settings=FAST).start()]

        def restart(namespace: str | None) -> LiveSource:
            self.sources[-1].stop()
            source = LiveSource(self.cluster, replace(scope, namespace=namespace), settings=FAST)
            self.sources.append(source.start())
            return source

        self.app = PodwatchApp(self.sources[0], restart=restart, poll_interval=0.05)

    def close(self) -> None:
        for source in self.sources:
            source.stop()
        self.cluster.close()


def header(app) -> str:
    return widget_lines(table(app))[0]


async def test_live_colon_ns_alone_watches_every_namespace_with_a_namespace_column(
    double, tmp_path
) -> None:
    seed_web_service(double)
    double.create(pod_obj("api-1", namespace="shop", ip="10.0.1.1"))
    live = LiveApp(double, tmp_path)
    app = live.app
    try:
        async with app.run_test(size=WIDE) as pilot:
            assert await wait_until(pilot, lambda: table(app).row_count == 1)
            assert "NAMESPACE" not in header(app)
            await command(pilot, "ns")
            assert app.source is live.sources[-1] and len(live.sources) == 2
            assert app.source.scope.all_namespaces
            assert live.sources[0].statuses()["Pod"].state == "stopped"
            assert await wait_until(pilot, lambda: names(app) == ["api-1", "web-1"])
            assert "NAMESPACE" in header(app)
            assert "all namespaces" in status(app)
            # Arrivals on the new source wake the app (not only the fallback timer).
            double.create(pod_obj("api-2", namespace="shop", ip="10.0.1.2"))
            assert await wait_until(pilot, lambda: "api-2" in names(app))
            # Every namespace watched now: `:ns NAME` filters, it does not restart.
            await command(pilot, "ns shop")
            assert len(live.sources) == 2
            assert names(app) == ["api-1", "api-2"]
    finally:
        live.close()


async def test_live_colon_ns_without_pods_says_so_once_the_new_watch_has_listed(
    double, tmp_path
) -> None:
    seed_web_service(double)
    live = LiveApp(double, tmp_path)
    app = live.app
    try:
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            assert await wait_until(pilot, lambda: table(app).row_count == 1)
            await command(pilot, "ns nothing-here")
            assert len(live.sources) == 2
            assert app.source.scope.namespace == "nothing-here"
            assert await wait_until(
                pilot, lambda: any("no pods in namespace nothing-here" in t for t in toasts(app))
            ), toasts(app)
            assert table(app).row_count == 0
            await command(pilot, "ns default")  # back: a third watch, with web-1
            assert len(live.sources) == 3
            assert await wait_until(pilot, lambda: names(app) == ["web-1"])
            assert sum("no pods" in t for t in toasts(app)) == 1
    finally:
        live.close()


async def test_live_enter_on_a_service_without_selector_says_so_and_on_web_lists_it(
    double, tmp_path
) -> None:
    """A Service without a selector (its endpoints kept by hand) selects no pod by label:
    `enter` says so rather than list every pod (an empty selector matches all)."""
    seed_web_service(double)
    double.create(service("external-db"))
    live = LiveApp(double, tmp_path)
    app = live.app
    try:
        async with app.run_test(size=WIDE, notifications=True) as pilot:
            assert await wait_until(pilot, lambda: table(app).row_count == 1)
            await command(pilot, "svc")
            assert await wait_until(pilot, lambda: "default/external-db" in cursor_row_text(app))
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, ServicesScreen)
            assert any("default/external-db has no selector" in t for t in toasts(app))
            await pilot.press("j")
            assert "default/web" in cursor_row_text(app)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            assert names(app) == ["web-1"]
            assert "filter: svc web" in status(app)
    finally:
        live.close()


async def test_the_nodes_view_counts_down_as_the_replay_plays_with_nothing_new(
    demo_app, fake_clock
) -> None:
    """From 390 s to 435 s of the demo nothing happens: the view is not redrawn for a
    change, yet a taint's age and its eviction countdown follow the clock."""
    import re

    app = demo_app(390, paused=False)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await command(pilot, "nodes")
        assert isinstance(app.screen, NodesScreen)

        def countdown() -> tuple[int, int]:
            text = " ".join(widget_lines(app.screen.query_one(RowCursor)))
            found = re.search(r"unreachable:NoExecute for (\d+)s .* in (\d+)s\)", text)
            assert found is not None, text
            return int(found.group(1)), int(found.group(2))

        since, evicts = countdown()
        fake_clock.advance(10)
        app.drain()  # 390 → 400 s: no event, nothing the view lists changed
        for _ in range(5):  # the clock's refreshes come every fifth tick
            app.tick()
        await pilot.pause()
        assert countdown() == (since + 10, evicts - 10)
