"""`record --logs`: each restart's previous log read through pods/log and recorded, so
that a replay shows what the crashed container printed (issue 15, item 1)."""

from __future__ import annotations

from podwatch.kube.source import ReplaySource
from podwatch.model.logs import LOG_KIND
from podwatch.recording import read_recording
from podwatch.recording.writer import RecordingWriter
from tests.live.conftest import pod_obj, pump
from tests.live.test_live_cli import cli_env, file_lines, run


def crashing(name: str, restarts: int) -> dict:
    pod = pod_obj(name, labels={"app": "api"}, ready=False)
    status = pod["status"]["containerStatuses"][0]
    status.update(restartCount=restarts, ready=False)
    return pod


def recorded_logs(path) -> list[dict]:
    return [line["object"] for line in file_lines(path)[1:] if line["kind"] == LOG_KIND]


def test_each_restart_records_the_previous_log_once_and_replay_holds_it(double, live, tmp_path):
    double.create(crashing("api-1", 1))  # restarted before the recording began
    double.create(pod_obj("web-1"))  # never restarted: nothing read
    double.set_log("default", "api-1", "app", "boot 1\npanic: first\n", previous=True)
    path = tmp_path / "rec.jsonl"
    writer = RecordingWriter(str(path), context="double", scope={})
    source = live(recorder=writer, restart_logs=True)
    assert pump(source, lambda: len(source.store.logs) == 1)
    double.set_log("default", "api-1", "app", "boot 2\n\x1b[2Jpanic: second\n", previous=True)
    double.update(crashing("api-1", 2))  # the second restart
    assert pump(source, lambda: len(source.store.logs) == 2)
    labels = pod_obj("api-1", labels={"app": "api", "x": "y"}, ready=False)
    labels["status"]["containerStatuses"][0].update(restartCount=2, ready=False)
    double.update(labels)  # no restart: nothing read
    assert pump(source, lambda: "y" in str(source.store.pods.get(("default", "api-1"))))
    pump(source, lambda: False, timeout=1.0)  # time for a read that must not come
    source.stop()

    logs = recorded_logs(path)
    assert [(o["metadata"]["name"], o["container"], o["restartCount"]) for o in logs] == [
        ("api-1", "app", 1),
        ("api-1", "app", 2),
    ]
    assert logs[0]["text"].endswith("panic: first") and logs[0]["previous"] is True
    assert "\x1b" not in logs[1]["text"]  # recorded already made safe
    reads = [r for r in double.requests if r.kind == "pods/log"]
    assert len(reads) == 2 and all(r.query.get("previous") == "true" for r in reads)
    assert all(r.query["tailLines"] == "200" and r.query["limitBytes"] == "65536" for r in reads)

    replay = ReplaySource(read_recording(str(path)))
    replay.run_to_end()
    held = replay.store.logs.of(("default", "api-1"), "app")
    assert [log.restarts for log in held] == [1, 2]
    assert held[-1].text.splitlines()[-1].endswith("panic: second")


def test_without_the_grant_one_refusal_is_recorded_and_nothing_more_is_asked(
    double, live, tmp_path
):
    double.forbid_logs()
    double.create(crashing("api-1", 1))
    double.create(crashing("api-2", 4))
    path = tmp_path / "rec.jsonl"
    source = live(
        recorder=RecordingWriter(str(path), context="double", scope={}), restart_logs=True
    )
    assert pump(source, lambda: len(source.store.logs) >= 1)
    double.update(crashing("api-1", 2))
    pump(source, lambda: False, timeout=1.0)
    source.stop()
    logs = recorded_logs(path)
    assert len(logs) == 1 and logs[0]["error"].startswith("not permitted")
    assert len([r for r in double.requests if r.kind == "pods/log"]) == 1


def test_podwatch_record_logs_from_the_command_line(double, kubeconfig, tmp_path):
    double.create(crashing("api-1", 3))
    double.set_log("default", "api-1", "app", "out of memory\n", previous=True)
    path = tmp_path / "rec.jsonl"
    result = run(
        ["record", str(path), "--logs", "--duration", "2"], cli_env(kubeconfig, tmp_path), tmp_path
    )
    assert result.returncode == 0, result.stderr
    logs = recorded_logs(path)
    assert len(logs) == 1 and logs[0]["text"].endswith("out of memory")
    plain = run(
        ["record", str(tmp_path / "b.jsonl"), "--duration", "1"],
        cli_env(kubeconfig, tmp_path),
        tmp_path,
    )
    assert plain.returncode == 0 and recorded_logs(tmp_path / "b.jsonl") == []
    usage = run(["--logs", "-n", "default"], cli_env(kubeconfig, tmp_path), tmp_path)
    assert usage.returncode == 2 and "--logs needs --record" in usage.stderr


def test_after_five_failed_reads_in_a_row_nothing_more_is_asked(double, live, tmp_path):
    # No previous log kept by the kubelet: each read fails (HTTP 400), as every read does
    # on a cluster whose kubelets cannot be reached.
    for n in range(7):
        double.create(crashing(f"api-{n}", 1))
    path = tmp_path / "rec.jsonl"
    source = live(
        recorder=RecordingWriter(str(path), context="double", scope={}), restart_logs=True
    )
    assert pump(source, lambda: source.restart_logs.given_up != "")
    pump(source, lambda: False, timeout=1.0)
    source.stop()
    logs = recorded_logs(path)
    assert len(logs) == 5 and all(o["error"].startswith("HTTP 400") for o in logs)
    assert len([r for r in double.requests if r.kind == "pods/log"]) == 5
    assert "previous terminated container" in source.restart_logs.given_up
