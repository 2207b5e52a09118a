"""The benchmark harness runs end to end at tiny sizes (numbers, not timings)."""

from __future__ import annotations

import math

from bench import run


def test_every_section_runs_and_reports_numbers(tmp_path):
    out = tmp_path / "RESULTS.md"
    results = run.main(["--smoke", "--out", str(out)])

    assert [s[0] for s in run.SECTIONS] == list(results)
    for name, sec in results.items():
        assert sec.ok, f"{name}: {sec.error}"
        assert sec.figures, name
        for key, value in sec.figures.items():
            assert isinstance(value, int | float), (name, key)
            assert not math.isnan(value), (name, key)

    ingest = results["ingest"].figures
    for key in ("client_models_eps", "raw_msgspec_eps", "podwatch_eps"):
        assert ingest[key] > 0
    assert results["cold"].figures["pods"] > 0
    churn = results["churn"].figures
    assert churn["sent"] > 0 and churn["seen"] > 0
    memory = results["memory"].figures
    assert memory["pods"] > 0 and 0 < memory["packed_mb"] < memory["rss_mb"]
    assert results["idle"].figures["wall_seconds"] > 0
    replay = results["replay"].figures
    assert replay["events"] == replay["whole_events"] > 0  # smoke: the whole file both ways
    seek = results["seek"].figures
    assert seek["events_2000"] == 2000  # the index holds every event of the recording
    assert seek["seek_max_s_2000"] > 0 and seek["peak_rss_mb_2000"] > 0

    scale = results["scale"].figures
    assert scale["pods"] == run.SIZES["smoke"]["scale_pods"]
    assert scale["sent"] > 0 and scale["seen"] == scale["sent"]
    assert scale["worst_key_ms"] > 0 and scale["rss_mb"] > 0
    assert scale["filter_rows"] < scale["pods"]  # the typed filter narrowed the table

    contexts = results["contexts"].figures
    assert contexts["lines_2"] > contexts["lines_1"] > 0  # two clusters' reports, not one
    assert contexts["cpu_2"] > 0 and contexts["cpu_1"] > 0
    assert contexts["rss_2"] > 0 and contexts["empty_rss"] > 0

    text = out.read_text()
    assert "Python" in text and "msgspec" in text
    assert "FAILED" not in text
