"""Half a day of churn in compressed time, through the store and the app: what must
stay bounded stays bounded once the timeline's 6-hour window has filled (bench/soak.py
runs a whole day at a larger size)."""

from __future__ import annotations

from bench.soak import run_soak
from podwatch.model.timeline import DEFAULT_WINDOW


def test_simulated_hours_keep_memory_events_and_the_timeline_bounded():
    samples = run_soak(hours=12, pods=40, step=300.0, with_app=True)
    assert len(samples) == 13  # the start and every simulated hour
    day = samples[-1]
    assert day["hour"] == 12
    assert day["sent"] > 1_000  # it did churn
    for s in samples[1:]:
        # The pods, and the tombstones of the last 15 minutes' deletions (3 a step of 5
        # minutes: at most 4 steps' worth), counted apart.
        assert s["pods"] == 40 and s["table_rows"] == 40 + s["tombstones"]
        assert 0 < s["tombstones"] <= 4 * 3
        assert s["summaries"] == s["pods"]  # no live summary kept for deleted pods
        # A deleted pod's Events stay until they expire (an hour: 12 steps of 3 deletions).
        assert s["pod_event_index"] <= s["pods"] + 13 * 3
        # Events expire: what is held stays near an hour's worth (10 a step), not a day's.
        assert s["events_held"] <= 13 * 10
        assert s["expiry_heap"] <= 4 * max(s["events_held"], 1024)
        # The timeline keeps only its window (plus one step of slack).
        assert s["timeline_oldest_h"] <= DEFAULT_WINDOW / 3600 + 300 / 3600
    # Once the window has filled (6 h), memory levels off instead of growing with time:
    # hour 12 holds no more than hour 8.
    assert day["traced_mb"] <= samples[8]["traced_mb"] * 1.25 + 1.0
    assert day["timeline_entries"] <= samples[8]["timeline_entries"] * 1.25 + 50
