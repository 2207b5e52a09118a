"""`--once -o json` and `-o markdown` (issue 15, item 4): the JSON report validated against
its versioned schema on the demo at several moments, saying what the table and the
panes say; the committed JSON Schema kept equal to the definition; cluster strings
carried exactly in JSON and escaped in Markdown."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import pytest

from podwatch import cli, handoff
from podwatch.cli import demo_path
from podwatch.kube.source import ReplaySource
from podwatch.model.store import Store
from podwatch.model.view import pod_detail, pod_rows
from podwatch.recording import read_recording
from tests.hostile_pods import store_with_message

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "report.schema.json"
MARK = {0: "healthy", 1: "finished", 2: "at risk", 3: "unhealthy", 4: "failing"}


def once(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["demo", "--once", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def store_at(at: float) -> Store:
    source = ReplaySource(read_recording(demo_path()), paused=True)
    source.seek(at)
    return source.store


def test_the_committed_schema_is_the_definition() -> None:
    committed = json.loads(SCHEMA.read_text())
    assert committed == json.loads(json.dumps(handoff.schema()))
    assert handoff.VERSION == 1


@pytest.mark.parametrize("at", ["0:30", "1:30", "3:00", "5:00", "7:27"])
def test_json_at_several_moments_is_valid_and_says_what_the_table_says(capsys, at) -> None:
    code, out, err = once(capsys, "--at", at, "-o", "json")
    assert code == 0 and err == ""
    rep = msgspec.json.decode(out, type=handoff.Report, strict=True)  # the schema, enforced
    raw = json.loads(out)
    assert raw["version"] == 1 and raw["kind"] == "PodwatchReport"
    assert set(raw) == set(handoff.Report.__struct_fields__)  # nothing outside the schema
    store = store_at(_seconds(at))
    rows = pod_rows(store)
    assert [(p.namespace, p.name) for p in rep.pods] == [r.summary.key[:2] for r in rows]
    for p, r in zip(rep.pods, rows, strict=True):
        assert (p.status, p.ready, p.total, p.restarts) == (
            r.summary.status,
            r.summary.ready,
            r.summary.total,
            r.summary.restarts,
        )
        assert p.health == MARK[int(r.health)]
        assert (p.gone is not None) == (r.gone is not None)
        detail = pod_detail(store, r.summary.key)
        assert p.why == detail.why
        assert [c.type for c in p.conditions] == [c.type for c in detail.conditions]
        assert [c.name for c in p.containers] == [c.name for c in detail.containers]
        assert [(e.service, e.state) for e in p.endpoints] == [
            (f"{m.service[0]}/{m.service[1]}", m.state) for m in detail.memberships
        ]
        assert [t.taint for t in p.taints] == [t.taint.text for t in detail.taints]


def _seconds(at: str) -> float:
    minutes, seconds = at.split(":")
    return int(minutes) * 60 + int(seconds)


def test_pod_narrows_the_report_and_exit_code_still_judges(capsys) -> None:
    code, out, _err = once(capsys, "--at", "3:00", "-o", "json", "--pod", "false-pod")
    rep = msgspec.json.decode(out, type=handoff.Report)
    assert code == 0 and [p.name for p in rep.pods] == ["false-pod"]
    assert rep.pods[0].health == "failing" and rep.pods[0].restarts > 0
    assert "CrashLoopBackOff" in rep.pods[0].why
    code, out, err = once(capsys, "--at", "3:00", "-o", "json", "--exit-code")
    assert code == 3 and json.loads(out)["pods"] and "unhealthy" in err
    code, out, err = once(capsys, "-o", "json", "--pod", "nope")
    assert code == 1 and out == "" and "no pod named" in err


def test_markdown_lists_every_pod_and_details_those_that_need_a_look(capsys) -> None:
    code, out, _err = once(capsys, "--at", "3:00", "-o", "markdown")
    assert code == 0
    rows = pod_rows(store_at(180))
    table = [line for line in out.splitlines() if line.startswith("| demo/")]
    assert len(table) == len(rows)
    assert "#### demo/false-pod: CrashLoopBackOff" in out
    assert "**Why:** Container false-pod-container is CrashLoopBackOff" in out
    assert "#### demo/pod1:" not in out  # healthy: in the table only


def test_cluster_strings_are_exact_in_json_and_inert_in_markdown() -> None:
    """An Event-ish message with Markdown, a table pipe and an escape sequence: JSON keeps
    it as it was (escaped by JSON), Markdown shows it and never renders it."""
    hostile = "[click](http://evil.example) | `rm -rf` *now* <b>x</b> \x1b[31mred"
    store = store_with_message(hostile)
    rep = handoff.report(store, "test")
    messages = [c.message for c in rep.pods[0].conditions]
    assert hostile in messages  # exact in the model of the report
    decoded = json.loads(handoff.to_json(rep))
    assert hostile in [c["message"] for c in decoded["pods"][0]["conditions"]]
    text = handoff.md(hostile)
    assert "\\[click\\]" in text and "\\|" in text and "\\`" in text and "\\<b\\>" in text
    assert "\x1b" not in text and "\\x1b" in text
    md_out = handoff.to_markdown(rep)
    why = next(line for line in md_out.splitlines() if line.startswith("**Why:**"))
    assert text in why  # the why line carries the message, escaped
    assert "\x1b" not in md_out and "[click](" not in md_out


@pytest.mark.parametrize(
    ("argv", "report"),
    [
        ([], False),
        (["--once"], True),
        (["-o", "json"], True),
        (["-o", "markdown"], True),
        (["--exit-code"], True),
        (["-o", "table"], False),
    ],
)
def test_json_markdown_and_exit_code_imply_once_on_a_terminal(monkeypatch, argv, report) -> None:
    """On a terminal the dashboard starts unless the report is asked for; `-o json` is."""
    monkeypatch.setattr(cli.sys.stdout, "isatty", lambda: True, raising=False)
    for parser in (cli.build_parser(), cli.build_sub_parser("replay")):
        extra = ["rec.jsonl"] if parser.prog.endswith("replay") else []
        assert cli._wants_once(parser.parse_args([*extra, *argv])) is report


def test_json_and_markdown_name_each_pods_owners_and_a_stuck_rollout(capsys) -> None:
    """On the lab's real rollout recording: the new ReplicaSet's pod, its Deployment
    stuck (ProgressDeadlineExceeded), and an old ReplicaSet's pod, still serving."""
    lab = Path(__file__).resolve().parents[1] / "data/recordings/lab-rollout/rollout-stuck.jsonl.gz"
    assert cli.main(["replay", str(lab), "--once", "-o", "json"]) == 0
    rep = msgspec.json.decode(capsys.readouterr().out, type=handoff.Report, strict=True)
    pods = {p.name: p for p in rep.pods}
    new = pods["checkout-686b9c6c9d-tfd68"].owners
    assert [(o.kind, o.name, o.role) for o in new] == [
        ("ReplicaSet", "checkout-686b9c6c9d", "new, revision 2"),
        ("Deployment", "checkout", ""),
    ]
    assert new[1].stuck and new[1].settled is False
    assert new[1].state.endswith("ProgressDeadlineExceeded")
    old = pods["checkout-d56b64bf9-5k5t9"].owners
    assert old[0].role == "old, revision 1" and old[0].settled is True and not old[0].stuck
    assert cli.main(["replay", str(lab), "--once", "-o", "markdown"]) == 0
    text = capsys.readouterr().out
    owner = "**Owner:** Deployment checkout → ReplicaSet checkout-686b9c6c9d (new, revision 2)"
    assert owner in text
    assert "- Deployment checkout: 3 desired, 1 updated, 3 ready, 3 available;" in text
