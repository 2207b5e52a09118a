"""Chosen moments of the bundled demo, as the dashboard shows them.

One list serves the README screenshots (scripts/screenshots.py) and the SVG
snapshot tests, so what the README shows is what the tests pin down. A fixture of
the checkout, not of the package: the real captures some scenes replay live in
tests/data/.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from podwatch.data import demo_path
from podwatch.kube.source import ReplaySource
from podwatch.model.contexts import recorded_contexts, scoped_events
from podwatch.recording import many_namespaces, read_recording
from podwatch.ui.app import PodwatchApp


@dataclass(frozen=True)
class Scene:
    name: str
    caption: str
    at: float
    """Seconds into the demo."""
    size: tuple[int, int] = (120, 40)
    pod: str | None = None
    """The pod to select (namespace demo)."""
    keys: tuple[str, ...] = ()
    """Keys to press once the pod is selected."""
    files: tuple[str, ...] = ()
    """Real captures to replay instead of the demo, relative to the repository."""
    namespace: str = "demo"


REPO = Path(__file__).resolve().parents[1]
PINNED_TODAY = 946_684_800.0
"""2000-01-01: no recording's day, so every replay's clock shows its date, whatever day
the snapshots are taken (a recording made today would show none until midnight)."""
REAL = "tests/data/recordings/real-objects/"
REAL_PODS = REAL + "pods-list-k8s-1.35-minikube.json"
REAL_137 = REAL + "pod-liveness-probe-crashloop-exit-137.json"
LAB_ROLLOUT = "tests/data/recordings/lab-rollout/rollout-stuck.jsonl.gz"
"""Recorded by podwatch from the lab's real control plane (see its README)."""
RECORDED_LOGS = "tests/data/recordings/record-logs/crashloop-logs.jsonl"
"""Recorded by `podwatch record --logs` from the API server double (see its README)."""
TWO_CLUSTERS = "tests/data/recordings/contexts/two-clusters.jsonl"
"""Recorded by `podwatch record --all-contexts` from two API server doubles (its README)."""

SCENES: tuple[Scene, ...] = (
    Scene("overview", "Every scenario at once, unhealthy first", 150),
    Scene(
        "readiness",
        "Readiness probe failing: Running but not Ready, NotReady in svc-readiness",
        35,
        pod="pod-readiness-exec1",
    ),
    Scene(
        "unschedulable",
        "Pending: the scheduler's message with the untolerated taint named",
        195,
        pod="pod-without-toleration",
    ),
    Scene(
        "noexecute",
        "Tolerating a NoExecute taint for 30 s: the eviction countdown",
        217,
        pod="pod1-with-no-execute",
    ),
    Scene(
        "services",
        "Services view: ready and NotReady addresses",
        35,
        keys=("colon", *"svc", "enter"),
    ),
    Scene(
        "nodes", "Nodes view: a node that stopped reporting", 380, keys=("colon", *"nodes", "enter")
    ),
    Scene(
        "small-80x24",
        "At 80x24: the why line and the problem facts first, the panes as tabs",
        35,
        size=(80, 24),
        pod="pod-readiness-exec1",
    ),
    Scene(
        "small-details-80x24",
        "At 80x24 enter opens the pod full screen",
        35,
        size=(80, 24),
        pod="pod-readiness-exec1",
        keys=("enter",),
    ),
    Scene(
        "wide-200x50",
        "At 200x50 the panes sit beside the table",
        217,
        size=(200, 50),
        pod="pod1-with-no-execute",
    ),
    Scene(
        "rollout",
        "A stuck rollout (real control plane): the pod's owner, ProgressDeadlineExceeded, "
        "and the Service port the new template dropped",
        0,
        files=(LAB_ROLLOUT,),
        namespace="store",
        pod="checkout-686b9c6c9d-tfd68",
    ),
    Scene(
        "rollout-80x24",
        "The stuck rollout at 80x24: the summary's title says how many of its lines are "
        "below (enter shows the whole pod)",
        0,
        size=(80, 24),
        files=(LAB_ROLLOUT,),
        namespace="store",
        pod="checkout-686b9c6c9d-tfd68",
    ),
    Scene(
        "workloads",
        "Workloads view (:deploy): the Deployment's new and old ReplicaSets, a CronJob's "
        "failed Jobs",
        0,
        files=(LAB_ROLLOUT,),
        namespace="store",
        keys=("colon", *"deploy", "enter"),
    ),
    Scene(
        "services-checks",
        "Services view: a selector that matches no pod, a targetPort no pod declares",
        0,
        files=(LAB_ROLLOUT,),
        namespace="store",
        keys=("colon", *"svc", "enter"),
    ),
    Scene(
        "contexts",
        "Two clusters in one table (--all-contexts): the same StatefulSet pod in each, "
        "prod's checkout pod NotReady in its Service",
        0,
        files=(TWO_CLUSTERS,),
        namespace="prod-eu-west-1/shop",
        pod="checkout-api-7d9f8b6c5d-x2x9q",
    ),
    Scene(
        "logs",
        "l in a replay: what the crashed container printed at each restart (record --logs)",
        0,
        files=(RECORDED_LOGS,),
        namespace="shop",
        pod="checkout-api-7d9f8b6c5d-x2x9q",
        keys=("l",),
    ),
    *(
        Scene(
            f"real-{w}x{h}",
            caption,
            0,
            size=(w, h),
            files=(REAL_PODS, REAL_137),
            namespace="default",
            pod="pod-liveness-kill-137",
        )
        for (w, h), caption in (
            ((120, 40), "Real pods (minikube, Kubernetes 1.35): full names, the crash loop's why"),
            ((80, 24), "Real pods at 80x24: names keep their room, other columns give way"),
            ((200, 50), "Real pods at 200x50"),
        )
    ),
)


def build_app(scene: Scene) -> PodwatchApp:
    """The demo, paused at the scene's moment, on a clock that never moves."""

    files = [str(REPO / f) for f in scene.files] or [str(demo_path())]
    recording = read_recording(files)
    contexts = recorded_contexts(recording.header) or []
    if contexts:  # several clusters in one table, as `replay` shows them
        recording.events = scoped_events(recording.events)
    source = ReplaySource(recording, clock=lambda: 0.0, paused=True)
    source.seek(scene.at if not scene.files else recording.duration)
    app = PodwatchApp(
        source,
        all_namespaces=many_namespaces(recording) and not contexts,
        contexts=tuple(contexts),
    )
    app.today = lambda: PINNED_TODAY
    return app


async def prepare(pilot, scene: Scene) -> None:
    """Select the scene's pod and press its keys."""
    from podwatch.ui.screens.main import MainScreen

    await pilot.pause()
    screen = pilot.app.screen
    if scene.pod and isinstance(screen, MainScreen):
        screen.table.select((scene.namespace, scene.pod))
        screen.show_selected(pilot.app.source.store)
    if scene.keys:
        await pilot.press(*scene.keys)
    await pilot.pause()
