"""Recorded container logs in the store: read defensively from a recording, bounded per
container and in all, shown made safe (model/logs.py)."""

from __future__ import annotations

from podwatch.model.logs import (
    LIMIT_BYTES,
    LOG_KIND,
    PER_CONTAINER,
    RecordedLog,
    RecordedLogs,
    recorded_log,
    shown_log,
)
from podwatch.model.store import Store
from podwatch.model.watch import WatchEvent


def obj(pod="api-1", container="app", restarts=1, text="boom", **extra):
    return {
        "metadata": {"namespace": "shop", "name": pod, "uid": "u1"},
        "container": container,
        "previous": True,
        "restartCount": restarts,
        "text": text,
        **extra,
    }


def test_the_store_keeps_the_last_instances_of_each_container_in_order():
    store = Store()
    for n in range(1, PER_CONTAINER + 3):
        store.apply(WatchEvent(float(n), LOG_KIND, "ADDED", obj(restarts=n)), 1000.0 + n)
    held = store.logs.of(("shop", "api-1"), "app")
    assert [log.restarts for log in held] == list(range(3, PER_CONTAINER + 3))
    assert held[-1].at == 1000.0 + PER_CONTAINER + 2  # when it was read: the store's clock
    assert store.logs.of(("shop", "api-1"), "sidecar") == []
    assert store.logs.containers(("shop", "api-1")) == ["app"]


def test_in_all_the_least_recently_recorded_container_goes_first():
    logs = RecordedLogs(limit=4)
    for n in range(3):
        logs.add(("ns", f"p{n}"), RecordedLog("app", 1, 0.0, "x"))
    logs.add(("ns", "p0"), RecordedLog("app", 2, 0.0, "x"))  # p0 recorded again: recent
    logs.add(("ns", "p3"), RecordedLog("app", 1, 0.0, "x"))
    assert len(logs) == 4
    assert logs.of(("ns", "p1"), "app") == []  # the oldest container went, whole
    assert [log.restarts for log in logs.of(("ns", "p0"), "app")] == [1, 2]


def test_a_hostile_or_broken_object_is_read_defensively():
    assert recorded_log({"metadata": {"name": "p"}}, 0.0) is None  # no container
    assert recorded_log(obj(container=["app"]), 0.0) is None
    _, log = recorded_log(obj(restarts=True, text=7, truncated="yes", error=None), 0.0)
    assert (log.restarts, log.text, log.truncated, log.error) == (0, "", False, "")
    _, big = recorded_log(obj(text="a" * (LIMIT_BYTES + 10) + "END"), 0.0)
    assert len(big.text) == LIMIT_BYTES and big.text.endswith("END")  # the tail is kept
    store = Store()
    store.apply(WatchEvent(0.0, LOG_KIND, "ADDED", {"text": "no pod"}), 1.0)
    assert len(store.logs) == 0 and store.ignored == 1


def test_shown_made_safe_and_said_where_it_comes_from():
    log = RecordedLog("app", 3, 0.0, "ok\n\x1b[2Jgone\x07\n", error="")
    shown = shown_log(log, "10:04:12")
    assert shown.title == "app (previous instance, recorded at restart 3, 10:04:12)"
    assert shown.lines == ["ok", "\\x1b[2Jgone\\x07"]


RECORDING = "tests/data/recordings/record-logs/crashloop-logs.jsonl"
POD = "checkout-api-7d9f8b6c5d-x2x9q"


def test_once_pod_prints_what_the_crashed_container_printed(capsys):
    from pathlib import Path

    from podwatch import cli

    path = str(Path(__file__).resolve().parents[2] / RECORDING)
    assert cli.main(["replay", path, "--once", "--pod", POD]) == 0
    out = capsys.readouterr().out
    assert "logs 2 recorded" in out  # among the pod's facts
    tail = out[out.index("Recorded logs") :]
    assert "api (previous instance, recorded at restart 2," in tail
    assert "panic: assignment to entry in nil map" in tail
    assert "connection refused" not in tail  # the last instance only: restart 1's is not
    assert cli.main(["replay", path, "--once", "--at", "0:01", "--pod", POD]) == 0
    early = capsys.readouterr().out
    assert "logs 1 recorded" in early and "connection refused" in early  # as of then
    assert cli.main(["replay", path, "--once"]) == 0
    assert "Recorded logs" not in capsys.readouterr().out  # only when a pod is asked for
