"""The timeline's window: kept only so long, whether or not a pod speaks again."""

from __future__ import annotations

from podwatch.model.timeline import Timeline

KEY = ("default", "quiet")


def test_a_quiet_pods_history_ages_out_of_view_and_is_pruned():
    timeline = Timeline(window=3600.0)
    timeline.note(KEY, 0.0, "pod", "started")
    timeline.note(KEY, 1800.0, "pod", "ready")
    # Nothing more is appended; an hour and a half on, the first entry is past the window.
    assert [e.t for e in timeline.entries(KEY, now=5400.0)] == [1800.0]
    assert len(timeline) == 2  # not yet swept
    assert timeline.prune(5400.0) == 1
    assert timeline.prune(9000.0) == 1
    assert timeline.pods == 0 and timeline.entries(KEY, now=9000.0) == []
