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


async def test_l_in_a_replay_without_recorded_logs_says_so(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LogScreen)
        assert "this recording holds no log of it" in log_shown(app)
        assert "(previous instance, none recorded)" in log_shown(app)
        assert "podwatch record --logs" in log_shown(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_f_follows_the_running_instance_until_stopped_or_it_ends(double, tmp_path) -> None:
    double.create(restarted_pod())
    double.set_log("shop", "api-1", "app", "listening on :8080\n")
    double.set_log("shop", "api-1", "app", "panic: nil map\n", previous=True)
    cluster, source, app = await open_live(double, tmp_path)
    try:
        async with app.run_test(size=WIDE) as pilot:
            assert await wait_until(pilot, lambda: table(app).row_count == 1)
            await pilot.press("l")
            assert await wait_until(pilot, lambda: "listening on :8080" in log_shown(app))
            await pilot.press("f")
            screen = app.screen
            assert await wait_until(pilot, lambda: "app (current, following)" in log_shown(app))
            assert await wait_until(pilot, lambda: "listening on :8080" in log_shown(app))
            double.append_log("shop", "api-1", "app", "GET /healthz 200\n\x1b]0;x\x07GET / 500\n")
            assert await wait_until(pilot, lambda: "GET / 500" in log_shown(app))
            text = log_shown(app)
            assert text.index("panic: nil map") < text.index("GET /healthz 200")  # kept above
            assert "\x07" not in text and "\\x07" in text
            assert "following" in text_of(screen.query_one("#log-title"))
            await pilot.press("f")  # stop following: nothing more comes in
            assert await wait_until(pilot, lambda: "follow stopped" in log_shown(app))
            double.append_log("shop", "api-1", "app", "after the stop\n")
            await pilot.pause(0.5)
            assert "after the stop" not in log_shown(app)
            await pilot.press("f")  # follow again; then the container exits
            assert await wait_until(pilot, lambda: "after the stop" in log_shown(app))
            double.end_log("shop", "api-1", "app")
            assert await wait_until(
                pilot,
                lambda: "follow ended: the log ended: the container stopped" in log_shown(app),
            )
            await pilot.press("escape")
            assert await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
            assert screen._follower is None
            follows = [r for r in double.requests if r.query.get("follow") == "true"]
            assert len(follows) == 2 and all(r.method == "GET" for r in follows)
    finally:
        source.stop()
        cluster.close()


def recording_with_logs(path) -> None:
    """A crash-looping pod and the two previous logs `record --logs` read at its restarts."""
    from podwatch.model.logs import LOG_KIND
    from podwatch.model.watch import WatchEvent
    from podwatch.recording.writer import RecordingWriter

    pod = restarted_pod()
    pod["metadata"]["resourceVersion"] = "5"
    status = pod["status"]["containerStatuses"][0]

    def log(restarts: int, text: str) -> dict:
        return {
            "metadata": {"namespace": "shop", "name": "api-1", "uid": "u"},
            "container": "app",
            "previous": True,
            "restartCount": restarts,
            "text": text,
            "truncated": False,
            "error": "",
        }

    with RecordingWriter(path, context="lab", scope={"namespace": "shop"}) as writer:
        status["restartCount"] = 1
        writer.write(WatchEvent(1.0, "Pod", "ADDED", pod))
        writer.write(WatchEvent(2.0, LOG_KIND, "ADDED", log(1, "boot\npanic: first crash")))
        status["restartCount"] = 2
        writer.write(WatchEvent(10.0, "Pod", "MODIFIED", pod))
        writer.write(WatchEvent(11.0, LOG_KIND, "ADDED", log(2, "boot\npanic: second crash")))


async def test_l_in_a_replay_shows_the_logs_recorded_up_to_its_moment(tmp_path) -> None:
    from podwatch.kube.source import ReplaySource
    from podwatch.recording import read_recording

    path = tmp_path / "crash.jsonl"
    recording_with_logs(path)
    source = ReplaySource(read_recording(str(path)), paused=True)
    source.seek(5.0)
    app = PodwatchApp(source)
    async with app.run_test(size=WIDE) as pilot:
        assert await wait_until(pilot, lambda: table(app).row_count == 1)
        await pilot.press("l")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LogScreen))
        text = log_shown(app)
        assert "panic: first crash" in text and "second crash" not in text  # not yet read
        assert "app (previous instance, recorded at restart 1," in text
        await pilot.press("f")
        await pilot.pause()
        assert app.screen._follower is None  # a replay cannot follow
        await pilot.press("escape")
        source.seek(20.0)
        await pilot.press("l")
        assert await wait_until(pilot, lambda: "second crash" in log_shown(app))
        text = log_shown(app)
        assert text.index("first crash") < text.index("second crash")
        await pilot.press("c")  # the sidecar never restarted: nothing recorded
        assert await wait_until(pilot, lambda: "holds no log of it" in log_shown(app))
