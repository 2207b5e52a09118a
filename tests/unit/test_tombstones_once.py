"""Tombstones in `--once` (issue 13, item 1): `--once` lists the pods that are gone,
marked and counted apart, and `--pod NAME` finds one after it went; `--keep-deleted`."""

from __future__ import annotations

import pytest

from podwatch.cli import build_parser, main
from podwatch.model.tombstones import DEFAULT_KEEP_DELETED
from tests.recordings import recordings_dir

SEED = recordings_dir() / "seed-demo"
AFTER_EVICTIONS = "2026-11-22T07:45:30Z"
"""After the NoExecute taint (07:44:51) evicted the pods on worker-2, and after the
tolerating pod's 30 s ran out (07:45:21)."""


def once(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def seed_files() -> list[str]:
    return sorted(str(p) for p in SEED.glob("*.json"))


def test_once_at_a_moment_after_the_eviction_finds_the_evicted_pod(capsys):
    code, out, err = once(
        capsys, "replay", *seed_files(), "--once", "--at", AFTER_EVICTIONS,
        "--pod", "pod2-without-no-execute",
    )  # fmt: skip
    assert (code, err) == (0, "")
    summary = next(line for line in out.splitlines() if line.startswith("† seed-demo/"))
    assert summary.startswith("† seed-demo/pod2-without-no-execute  Evicted 39s ago")
    assert "why: Evicted 39s ago (TaintManagerEviction: Marking for deletion" in out
    timeline = out[out.index("\nTimeline\n") :]
    assert "pod: deleted" in timeline and "first seen: status Pending" in timeline
    assert "event Normal TaintManagerEviction: Marking for deletion" in timeline


def test_once_lists_the_pods_that_are_gone_marked_and_counted_apart(capsys):
    code, out, _ = once(capsys, "replay", *seed_files(), "--once", "--at", AFTER_EVICTIONS)
    assert code == 0
    lines = out.splitlines()
    title = next(line for line in lines if line.startswith("Pods ("))
    start = lines.index(title) + 2
    table = lines[start : lines.index("", start)]
    pods = sum(1 for line in table if line[:1] in "✓✗⚠·")
    assert title == f"Pods ({pods}, 5 gone)"
    gone = [line.split()[1:4] for line in table if line.startswith("† ")]
    assert sorted(g[0] for g in gone) == sorted(
        [
            "pod1-with-no-execute",
            "pod2-without-no-execute",
            "pod-readiness-exec1",
            "pod-liveness-httpget1",
            "qos-guaranteed",
        ]
    )
    assert {g[1] for g in gone} == {"Evicted"}
    # Below every live pod, the latest gone first.
    assert len(table) == pods + 5
    assert all(line.startswith("† ") for line in table[pods:])
    assert table[pods].split()[1] == "pod1-with-no-execute"


def test_demo_once_pod_finds_the_evicted_pod(capsys):
    """The streamed `--once` path (one podwatch recording) keeps them too."""
    code, out, err = once(
        capsys, "demo", "--once", "--at", "300", "--pod", "pod2-without-no-execute"
    )
    assert (code, err) == (0, "")
    assert "† demo/pod2-without-no-execute  Evicted 84s ago" in out
    code, _out, err = once(
        capsys, "demo", "--once", "--at", "210", "--pod", "pod2-without-no-execute"
    )
    assert code == 0  # still running at 210 s
    code, _out, err = once(
        capsys, "demo", "--once", "--at", "100", "--pod", "pod2-without-no-execute"
    )
    assert code == 1 and "no pod named 'pod2-without-no-execute'" in err


def test_keep_deleted_takes_a_duration(capsys):
    parse = build_parser().parse_args
    assert parse([]).keep_deleted == DEFAULT_KEEP_DELETED
    assert [parse(["--keep-deleted", v]).keep_deleted for v in ("90", "15m", "1h30m", "0")] == [
        90,
        900,
        5400,
        0,
    ]
    for bad in ("-5", "soon", "15x", ""):
        with pytest.raises(SystemExit) as exc:
            parse(["--keep-deleted", bad])
        assert exc.value.code == 2
    assert "--keep-deleted" in capsys.readouterr().err
