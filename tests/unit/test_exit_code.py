"""`--once --exit-code` (issue 15, item 4): the same report, then exit 3 when a pod shown
is unhealthy (✗), naming them on stderr, for scripts and CI gates; 0 otherwise. At risk
(⚠) and gone (†) pods are not failures."""

from __future__ import annotations

from podwatch import cli
from podwatch.cli import demo_path
from podwatch.kube.source import ReplaySource
from podwatch.model.pods import Health
from podwatch.model.view import pod_rows
from podwatch.recording import read_recording
from podwatch.report import unhealthy_pods


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["demo", "--once", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def store_at(at: float):
    source = ReplaySource(read_recording(demo_path()), paused=True)
    source.seek(at)
    return source.store


def test_unhealthy_pods_fail_the_run_after_the_same_report(capsys) -> None:
    plain_code, plain_out, _ = run(capsys, "--at", "3:00")
    code, out, err = run(capsys, "--at", "3:00", "--exit-code")
    assert plain_code == 0 and code == cli.EXIT_UNHEALTHY == 3
    assert out == plain_out  # the report is not changed by the flag
    bad = unhealthy_pods(store_at(180))
    assert bad and "demo/false-pod" in {f"{k[0]}/{k[1]}" for k in bad}
    assert err.startswith(f"podwatch: {len(bad)} unhealthy: ")
    assert "demo/false-pod" in err


def test_the_verdict_is_the_table_marks_live_pods_only() -> None:
    store = store_at(447)
    rows = pod_rows(store)
    marked = {r.summary.key for r in rows if r.gone is None and r.health >= Health.UNHEALTHY}
    assert set(unhealthy_pods(store)) == marked
    at_risk = {r.summary.key for r in rows if r.health == Health.AT_RISK}
    gone = {r.summary.key for r in rows if r.gone is not None}
    assert not (at_risk | gone) & set(unhealthy_pods(store))
    assert gone, "the demo's end has pods that went: they must not fail the run"


def test_pod_narrows_the_verdict_to_that_pod(capsys) -> None:
    code, _out, err = run(capsys, "--at", "3:00", "--pod", "pod1", "--exit-code")
    assert code == 0 and err == ""
    code, _out, err = run(capsys, "--at", "3:00", "--pod", "demo/false-pod", "--exit-code")
    assert code == 3 and err == "podwatch: 1 unhealthy: demo/false-pod\n"
    code, _out, err = run(capsys, "--pod", "no-such-pod", "--exit-code")
    assert code == 1 and "no pod named" in err  # a typo is an error, not a verdict


def test_a_long_list_is_cut_on_stderr(capsys) -> None:
    code, _out, err = run(capsys, "--exit-code")
    bad = unhealthy_pods(store_at(447))
    assert code == 3 and len(bad) > 5
    assert err.strip().endswith(f"and {len(bad) - 5} more")
