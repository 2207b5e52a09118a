"""The fast timeline facts say exactly what the view dataclasses say."""

from __future__ import annotations

from podwatch.cli import demo_path
from podwatch.model.pods import MISSING, condition_views, container_views, pod_facts, summarize
from podwatch.recording import read_recording
from tests.recordings import recordings_dir

SHARED = recordings_dir()


def reference_facts(pod) -> dict[str, str]:
    """The straightforward derivation, through the views."""
    summary = summarize(pod)
    facts = {"phase": summary.phase, "status": summary.status, "node": summary.node or "-"}
    for cv in condition_views(pod):
        if cv.status != MISSING:
            facts[f"condition {cv.type}"] = cv.status + (f" ({cv.reason})" if cv.reason else "")
    for cv in container_views(pod):
        text = cv.state_text
        if cv.state == "running":
            text += ", ready" if cv.ready else ", not ready"
        facts[f"{cv.kind} {cv.name}"] = text
        if cv.restarts:
            facts[f"restarts {cv.name}"] = str(cv.restarts)
    if summary.deleting is not None:
        facts["deletion"] = "requested"
    return facts


def pods_from(paths):
    for event in read_recording(paths).events:
        if event.kind == "Pod" and isinstance(event.object, dict):
            yield event.object


def test_fast_facts_equal_the_views_on_the_demo():
    pods = list(pods_from([demo_path()]))
    assert len(pods) > 100
    for pod in pods:
        assert pod_facts(pod) == reference_facts(pod)
        assert list(pod_facts(pod)) == list(reference_facts(pod))  # same order too


def test_fast_facts_equal_the_views_on_every_real_pod():
    count = 0
    for path in sorted(SHARED.rglob("*.json")):
        if "pod" not in path.name:
            continue
        for pod in pods_from([path]):
            assert pod_facts(pod) == reference_facts(pod), (path.name, pod["metadata"]["name"])
            count += 1
    assert count > 100
