"""`l`: the selected pod's container log over the API server double (live), the
previous instance's for a container that restarted, the refusal said without the
grant, nothing pretended in a replay (issue 15, item 1)."""

from __future__ import annotations

from podwatch.kube.config import connect
from podwatch.kube.source import LiveSource
from podwatch.ui.app import PodwatchApp
from podwatch.ui.screens.logs import LogScreen
from podwatch.ui.screens.main import MainScreen
from tests.live.conftest import FAST, pod_obj
from tests.ui.pilot import table, wait_until
from tests.ui.test_live_dashboard import text_of

WIDE = (120, 40)


def restarted_pod() -> dict:
    pod = pod_obj("api-1", "shop", labels={"app": "api"}, ready=False)
    pod["spec"]["containers"].append({"name": "sidecar", "image": "envoy"})
    status = pod["status"]["containerStatuses"][0]
    status.update(restartCount=3, ready=False)
    status["lastState"] = {"terminated": {"exitCode": 2, "reason": "Error"}}
    pod["status"]["containerStatuses"].append(
        {"name": "sidecar", "ready": True, "restartCount": 0, "state": {"running": {}}}
    )
    return pod


async def open_live(double, tmp_path):
    kubeconfig = double.write_kubeconfig(tmp_path / "kc", namespace="shop")
    cluster, scope = connect(kubeconfig=str(kubeconfig))
    source = LiveSource(cluster, scope, settings=FAST).start()
    return cluster, source, PodwatchApp(source, poll_interval=0.05)


def log_shown(app) -> str:
    return text_of(app.screen.query_one("#log-text"))


async def test_l_shows_the_crashed_containers_previous_and_current_log(double, tmp_path) -> None:
    double.create(restarted_pod())
    double.set_log("shop", "api-1", "app", "listening on :8080\n")
    double.set_log(
        "shop", "api-1", "app", "loading config\n\x1b[31mpanic: nil map\x1b[0m\n", previous=True
    )
    double.set_log("shop", "api-1", "sidecar", "envoy ready\n")
    cluster, source, app = await open_live(double, tmp_path)
    try:
        async with app.run_test(size=WIDE) as pilot:
            assert await wait_until(pilot, lambda: table(app).row_count == 1)
            await pilot.press("l")
            assert await wait_until(pilot, lambda: isinstance(app.screen, LogScreen))
            assert await wait_until(pilot, lambda: "listening on :8080" in log_shown(app))
            text = log_shown(app)
            # The previous instance first (what it printed before it died), then now.
            assert text.index("app (previous instance)") < text.index("panic: nil map")
            assert text.index("panic: nil map") < text.index("app (current)")
            assert "\x1b" not in text and "\\x1b[31m" in text  # made visible, not obeyed
            await pilot.press("c")  # the next container
            assert await wait_until(pilot, lambda: "envoy ready" in log_shown(app))
            assert "previous instance" not in log_shown(app)  # it never restarted
            await pilot.press("escape")
            assert await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
            requests = [r for r in double.requests if r.kind == "pods/log"]
            assert {r.query.get("previous") for r in requests} == {None, "true"}
            assert all(r.method == "GET" for r in requests)
    finally:
        source.stop()
        cluster.close()


async def test_l_without_the_grant_says_so(double, tmp_path) -> None:
    double.create(restarted_pod())
    double.forbid_logs()
    cluster, source, app = await open_live(double, tmp_path)
    try:
        async with app.run_test(size=WIDE) as pilot:
            assert await wait_until(pilot, lambda: table(app).row_count == 1)
            await pilot.press("l")
            assert await wait_until(pilot, lambda: "not permitted" in log_shown(app))
            assert "pods/log" in log_shown(app)
    finally:
        source.stop()
        cluster.close()


async def test_l_in_a_replay_says_it_holds_no_logs(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LogScreen)
        assert "a replay holds no logs" in log_shown(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
