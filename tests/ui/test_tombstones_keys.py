"""Pilot tests of tombstones in the dashboard (issue 13, item 1): over the demo, the pods
the NoExecute taint evicts at 215 s stay in the table, marked, with their panes; the
selection follows its pod to its tombstone; `d` hides and shows them."""

from __future__ import annotations

from podwatch.ui.screens.main import MainScreen
from podwatch.ui.screens.modals import KEYS, HelpScreen
from podwatch.ui.screens.pod import PodScreen
from tests.ui.pilot import status, table
from tests.ui.test_keys import SMALL, WIDE, names, select, summary, text_of

EVICTED_AT_300 = ["pod1-with-no-execute", "pod-imagepull", "pod2-without-no-execute"]
"""Gone at 300 s, the latest first: pod1 when its 30 s ran out (245 s), the other two
at once (215 s)."""


def gone_rows(app) -> list[tuple[str, str, str]]:
    t = table(app)
    rows = [t.cells_at(i) for i in range(t.row_count)]
    return [
        (str(r["mark"]), str(r["name"]), str(r["status"])) for r in rows if str(r["mark"]) == "†"
    ]


async def test_an_evicted_pod_stays_with_its_timeline_and_the_selection_follows_it(demo_app):
    app = demo_app(210)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await select(pilot, "pod2-without-no-execute")
        assert gone_rows(app) == []
        await pilot.press("right_square_bracket")  # 220 s: evicted at 215 s
        await pilot.pause()
        key = table(app).selected_key
        assert key is not None and key[:2] == ("demo", "pod2-without-no-execute") and len(key) == 3
        # (the table's ages follow the clock every few seconds; the summary at once)
        assert [(m, n, s.split()[0]) for m, n, s in gone_rows(app)] == [
            ("†", "pod-imagepull", "Evicted"),
            ("†", "pod2-without-no-execute", "Evicted"),
        ]
        assert names(app)[-2:] == ["pod-imagepull", "pod2-without-no-execute"]  # after the live
        text = summary(app)
        assert "† demo/pod2-without-no-execute  Evicted 4s ago" in text
        assert "why: Evicted 4s ago (TaintManagerEviction: Marking for deletion" in text
        timeline = text_of(app.screen.query_one("#pane-timeline"))
        assert "pod: deleted" in timeline and "first seen" in timeline
        assert "TaintManagerEviction" in timeline
        node = text_of(app.screen.query_one("#pane-node"))
        assert "As the node was when the pod went." in node
        assert "† 2 gone" in status(app)


async def test_d_hides_and_shows_the_pods_that_are_gone(demo_app):
    app = demo_app(300)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert [name for _m, name, _s in gone_rows(app)] == EVICTED_AT_300
        assert names(app)[-3:] == EVICTED_AT_300
        live = len(names(app)) - 3
        assert "† 3 gone" in status(app)
        await pilot.press("d")
        await pilot.pause()
        assert gone_rows(app) == [] and len(names(app)) == live
        assert "† 3 gone, hidden (d)" in status(app)
        await pilot.press("escape")  # esc clears filters, not this choice
        await pilot.pause()
        assert gone_rows(app) == []
        await pilot.press("u")  # unhealthy: the evicted ones, once shown again
        await pilot.pause()
        assert gone_rows(app) == []
        await pilot.press("d")
        await pilot.pause()
        assert [name for _m, name, _s in gone_rows(app)] == EVICTED_AT_300
        assert "† 3 gone" in status(app) and "hidden" not in status(app)
        await pilot.press("u")
        await pilot.pause()
        assert len(names(app)) == live + 3


async def test_at_80x24_the_full_screen_pod_follows_it_to_its_tombstone(demo_app):
    app = demo_app(210)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await select(pilot, "pod2-without-no-execute")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PodScreen)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert isinstance(app.screen, PodScreen) and len(app.screen.key) == 3
        assert "Evicted 4s ago" in summary(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert table(app).selected_key == app.screen.table.selected_key
        assert len(status(app)) <= 80 and "†" in status(app)


async def test_help_names_the_key_and_the_mark(demo_app):
    said = {key: what for _section, keys in KEYS for key, what in keys}
    assert "gone" in said["d"] and "gone" in said["†"]
    app = demo_app(300)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "hide / show the pods that are gone" in text_of(app.screen.query_one("#help Static"))


def test_the_status_line_counts_them_apart_and_keeps_it_at_80_columns(demo_app):
    from podwatch.ui.status import status_line

    source = demo_app(300).source
    line = status_line(source, sort="health", gone=3).plain
    assert "† 3 gone" in line
    hidden = status_line(source, sort="health", gone=3, gone_hidden=True).plain
    assert "† 3 gone, hidden (d)" in hidden
    narrow = status_line(source, width=60, sort="health", filter_text="x", gone=3, gone_hidden=True)
    assert narrow.cell_len <= 60 and "† 3 hidden" in narrow.plain
    assert "gone" not in status_line(source, sort="health").plain
