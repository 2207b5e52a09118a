"""Least privilege: the API server double refuses one kind at a time (403), and the
dashboard degrades pane by pane: the status line marks the kind ✗, the pane that
needs it says what it cannot know, and everything else keeps working."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

from podwatch.kube.config import connect
from podwatch.kube.source import LiveSource
from podwatch.model.k8s import format_rfc3339
from podwatch.model.watch import KINDS
from podwatch.ui.app import PodwatchApp
from podwatch.ui.widgets.pod_table import PodTable
from tests.apiserver import ApiServerDouble, resolve_kind
from tests.factories import endpoint_slice, event, node, slice_endpoint
from tests.live.conftest import FAST, seed_web_service
from tests.ui.test_live_dashboard import text_of, wait_until
from tests.unit.test_owners import deployment, replica_set

README = Path(__file__).resolve().parents[2] / "README.md"

# kind refused -> (panes that say so, words they use)
GAPS = {
    "Event": (("#pane-probes", "#pane-timeline"), "Events are not readable"),
    "Node": (("#pane-node",), "Nodes are not readable"),
    "Service": (("#pane-endpoints",), "Services are not readable"),
    "Endpoints": None,  # EndpointSlices still tell the same story
    "EndpointSlice": None,  # Endpoints still tell the same story
    "Pod": None,  # nothing to show at all; the status line says why
    # The pod's owners: its ReplicaSet, and that one's Deployment (the owner line).
    "ReplicaSet": (("#summary",), "ReplicaSet web-abc (not readable)"),
    "Deployment": (("#summary",), "Deployment web (not readable) → ReplicaSet web-abc"),
    # Kinds that own nothing here: nothing to lose but their own view (:deploy).
    "StatefulSet": None,
    "DaemonSet": None,
    "Job": None,
    "CronJob": None,
}


def seed(double: ApiServerDouble) -> None:
    seed_web_service(double)
    web = double.get("Pod", "default", "web-1")
    web["metadata"]["ownerReferences"] = [
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-abc", "controller": True}
    ]
    double.update(web)
    for obj in (deployment("web"), replica_set("web-abc", 1)):
        obj["metadata"]["namespace"] = "default"
        double.create(obj)
    double.create(
        endpoint_slice("web", "web-abc", endpoints_=[slice_endpoint("10.0.0.1", "web-1")])
    )
    double.create(node("node-1"))
    ev = event("web-1.1", "web-1", "Unhealthy", "Readiness probe failed: 503", count=2)
    now = format_rfc3339(time.time())  # fresh: older Events have expired from the store
    ev["firstTimestamp"] = ev["lastTimestamp"] = ev["metadata"]["creationTimestamp"] = now
    double.create(ev)


@pytest.mark.parametrize("refused", KINDS)
async def test_each_refused_kind_degrades_only_its_own_pane(double, tmp_path, refused):
    seed(double)
    double.forbid(refused)
    cluster, scope = connect(kubeconfig=str(double.write_kubeconfig(tmp_path / "kc")))
    source = LiveSource(cluster, scope, settings=FAST).start()
    app = PodwatchApp(source, poll_interval=0.05)
    try:
        async with app.run_test(size=(160, 60)) as pilot:
            screen = app.screen
            status = screen.query_one("#status")
            assert await wait_until(pilot, lambda: f"{refused} ✗" in text_of(status))
            table = screen.query_one(PodTable)
            if refused == "Pod":
                await pilot.pause(0.5)
                assert table.row_count == 0
                return
            assert await wait_until(pilot, lambda: table.row_count == 1)
            await pilot.pause(0.3)
            screen.show_selected(source.store)
            await pilot.pause()
            gap = GAPS[refused]
            panes = {
                key: " ".join(text_of(screen.query_one(key)).split())
                for key in (
                    "#summary",
                    "#pane-probes",
                    "#pane-node",
                    "#pane-endpoints",
                    "#pane-timeline",
                )
            }
            if gap is not None:
                for pane in gap[0]:
                    assert gap[1] in panes[pane], panes[pane]
            for key, text in panes.items():
                if gap is None or key not in gap[0]:
                    assert "not readable" not in text, (key, text)
            # What the other kinds tell is still there.
            if refused not in ("Endpoints", "EndpointSlice", "Service"):
                assert "web" in panes["#pane-endpoints"] and "ready" in panes["#pane-endpoints"]
            if refused != "Node":
                assert "node node-1" in panes["#pane-node"]
            if refused != "Event":
                assert "Readiness probe failed: 503" in panes["#pane-timeline"]
    finally:
        source.stop()


def readme_roles() -> list[dict]:
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(), flags=re.S)
    docs = [doc for block in blocks for doc in yaml.safe_load_all(block) if doc]
    return [doc for doc in docs if doc.get("kind") in ("ClusterRole", "Role")]


@pytest.mark.parametrize("role_kind", ["ClusterRole", "Role"])
def test_readme_roles_grant_exactly_what_podwatch_reads_and_nothing_more(role_kind):
    roles = [r for r in readme_roles() if r["kind"] == role_kind]
    assert len(roles) == 1, f"README should ship one {role_kind}"
    granted: set[tuple[str, str]] = set()
    for rule in roles[0]["rules"]:
        assert sorted(rule["verbs"]) == ["get", "list", "watch"], rule
        for group in rule["apiGroups"]:
            for resource in rule["resources"]:
                granted.add((group, resource))
    wanted = {(resolve_kind(k).group, resolve_kind(k).plural) for k in KINDS}
    if role_kind == "Role":
        wanted = {(g, r) for g, r in wanted if r != "nodes"}  # nodes are cluster-scoped
    # Both Event APIs: podwatch reads core/v1 Events; the events.k8s.io grant is not needed.
    assert granted == wanted
