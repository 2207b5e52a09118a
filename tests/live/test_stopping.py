"""Stopping a recording live source: once or twice, from the dashboard's exit or from
`podwatch record`, the recording ends closed, readable and complete (every event the
watches delivered before the stop), and no second stop writes into the closed file.

Through the real kubernetes client against the API server double."""

from __future__ import annotations

from pathlib import Path

from podwatch.kube.config import connect
from podwatch.kube.source import LiveSource
from podwatch.model.watch import KINDS
from podwatch.recording import RecordingWriter, read_recording
from podwatch.ui.app import PodwatchApp
from tests.apiserver import ApiServerDouble
from tests.live.conftest import FAST, pod_obj, seed_web_service
from tests.ui.pilot import table, wait_until

PODS = 12


def populate(double: ApiServerDouble) -> set[str]:
    seed_web_service(double)
    names = {"web-1"}
    for n in range(2, PODS + 1):
        double.create(pod_obj(f"web-{n}", ip=f"10.0.0.{n}"))
        names.add(f"web-{n}")
    return names


def recording_source(double: ApiServerDouble, tmp_path: Path, **kw) -> LiveSource:
    cluster, scope = connect(kubeconfig=str(double.write_kubeconfig(tmp_path / "kc")))
    recorder = RecordingWriter(
        tmp_path / "rec.jsonl", context=cluster.context, scope=scope.as_dict()
    )
    return LiveSource(cluster, scope, settings=FAST, recorder=recorder, **kw).start()


def all_watching(source: LiveSource) -> bool:
    return all(st.state == "watching" for st in source.statuses().values())


def assert_complete(path: Path, source: LiveSource, pods: set[str]) -> None:
    """Closed, readable, and holding every event the source took in."""
    assert path.read_bytes().endswith(b"\n"), "the last line was not written whole"
    recording = read_recording(path)
    assert recording.warnings == [] and recording.skipped_lines == 0
    assert len(recording.events) == source.received, "events received but not recorded"
    assert {e.kind for e in recording.events if e.type == "RELIST"} == set(KINDS)
    recorded_pods = {
        e.object["metadata"]["name"]
        for e in recording.events
        if e.kind == "Pod" and e.type == "ADDED"
    }
    assert recorded_pods == pods


def test_stopping_twice_keeps_one_complete_recording(double, tmp_path):
    """More events waiting than one poll takes (max_batch): the first stop records all
    of them, the second does nothing."""
    pods = populate(double)
    source = recording_source(double, tmp_path, max_batch=5)
    try:
        assert double.wait_for(lambda: all_watching(source), timeout=10)
        source.stop()
        source.stop()  # raised ValueError (write to closed file) when stop was not idempotent
        assert_complete(tmp_path / "rec.jsonl", source, pods)
        assert all(st.state == "stopped" for st in source.statuses().values())
    finally:
        source.stop()
        source.cluster.close()


async def test_leaving_the_dashboard_then_stopping_keeps_one_complete_recording(double, tmp_path):
    """As `podwatch --record FILE`: the dashboard runs over a recording source, `q`
    leaves it, then its owner (the cli) stops the source and closes the cluster."""
    pods = populate(double)
    source = recording_source(double, tmp_path, max_batch=1)
    app = PodwatchApp(source, poll_interval=60.0)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            assert await wait_until(pilot, lambda: table(app).row_count >= 1)
            assert await wait_until(pilot, lambda: all_watching(source))
            await pilot.press("q")
        assert app.return_code in (0, None)
        source.stop()
        assert_complete(tmp_path / "rec.jsonl", source, pods)
    finally:
        source.stop()
        source.cluster.close()
