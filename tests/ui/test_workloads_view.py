"""`:deploy` over the API server double (live): the rollout states as the watches bring
them, `enter` lists a workload's pods, and the selected pod's owner line follows its
Deployment's rollout (issue 15, item 2)."""

from __future__ import annotations

from podwatch.kube.config import connect
from podwatch.kube.source import LiveSource
from podwatch.ui.app import PodwatchApp
from podwatch.ui.screens.main import MainScreen
from podwatch.ui.screens.views import WorkloadsScreen
from tests.live.conftest import FAST, pod_obj
from tests.live.test_owners_live import seed
from tests.ui.pilot import command, status, table, wait_until
from tests.ui.test_views_keys import cursor_row_text, names
from tests.ui.textshot import widget_lines

WIDE = (120, 40)


def view_text(app) -> str:
    return "\n".join(widget_lines(app.screen.query_one("#table")))


async def test_deploy_view_lists_rollouts_and_enter_lists_the_pods(double, tmp_path) -> None:
    seed(double)
    double.create(pod_obj("other", "shop", labels={"app": "other"}, ip="10.0.0.9"))
    kubeconfig = double.write_kubeconfig(tmp_path / "kc", namespace="shop")
    cluster, scope = connect(kubeconfig=str(kubeconfig))
    source = LiveSource(cluster, scope, settings=FAST).start()
    app = PodwatchApp(source, poll_interval=0.05)
    try:
        async with app.run_test(size=WIDE) as pilot:
            assert await wait_until(pilot, lambda: table(app).row_count == 3)
            await command(pilot, "deploy")
            assert isinstance(app.screen, WorkloadsScreen)
            assert await wait_until(pilot, lambda: "ProgressDeadlineExceeded" in view_text(app))
            text = view_text(app)
            assert "ReplicaSet web-new (new, revision 4)" in text
            assert "Job nightly-1:" in text and "BackoffLimitExceeded" in text
            assert "deploy shop/web" in cursor_row_text(app)
            # The rollout goes on, live: the view follows the watch.
            settled = double.get("Deployment", "shop", "web")
            settled["status"] = {
                "observedGeneration": 2,
                "replicas": 3,
                "updatedReplicas": 3,
                "readyReplicas": 3,
                "availableReplicas": 3,
            }
            double.update(settled)
            assert await wait_until(pilot, lambda: "ProgressDeadlineExceeded" not in view_text(app))
            assert "settled" in cursor_row_text(app)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            assert names(app) == ["web-new-a", "web-old-a"]
            assert "filter: deploy web" in status(app)
            await pilot.press("escape")
            await pilot.pause()
            assert len(names(app)) == 3
            # A CronJob selects no pods itself: enter says so and stays.
            await command(pilot, "deploy")
            await pilot.press("j")
            assert "cj shop/nightly" in cursor_row_text(app)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, WorkloadsScreen)
    finally:
        source.stop()
        cluster.close()
