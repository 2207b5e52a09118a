"""The virtual pod table on its own: what it draws, where the cursor goes, what it costs."""

from __future__ import annotations

import re

from textual.app import App, ComposeResult

from podwatch.model.store import Store
from podwatch.ui.widgets.pod_table import PodTable
from tests.factories import feed, pod, ready_conditions, running, waiting
from tests.ui.textshot import drawn_text, widget_lines


def healthy(i: int) -> dict:
    return pod(f"p{i:04}", statuses=[running()], conditions=ready_conditions())


def crashing(i: int) -> dict:
    return pod(
        f"p{i:04}",
        statuses=[waiting(reason="CrashLoopBackOff", restarts=4)],
        conditions=ready_conditions(False),
    )


class TableApp(App):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.highlighted: list[tuple[str, str] | None] = []
        self.selected: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield PodTable(id="pods")

    def on_mount(self) -> None:
        table = self.query_one(PodTable)
        table.focus()
        table.sync(self.store, None)

    def on_pod_table_highlighted(self, message: PodTable.Highlighted) -> None:
        self.highlighted.append(message.key)

    def on_pod_table_selected(self, message: PodTable.Selected) -> None:
        self.selected.append(message.key)


def store_of(n: int) -> Store:
    return feed(Store(), *(healthy(i) for i in range(n)))


def names_drawn(table: PodTable) -> list[str]:
    return [line.split()[1] for line in widget_lines(table)[1:] if line.strip()]


async def test_draws_a_header_and_only_the_rows_in_view_and_scrolls_with_the_cursor():
    app = TableApp(store_of(500))
    async with app.run_test(size=(120, 21)) as pilot:
        table = app.query_one(PodTable)
        await pilot.pause()
        lines = widget_lines(table)
        assert lines[0].split()[:3] == ["NAME", "STATUS", "PHASE"]
        assert names_drawn(table) == [f"p{i:04}" for i in range(20)]
        await pilot.press("end")
        await pilot.pause()
        assert table.selected_key == ("default", "p0499")
        assert names_drawn(table)[-1] == "p0499"
        await pilot.press("home", "pagedown")
        await pilot.pause()
        assert table.cursor_row == 20  # one page: the lines under the header
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == [("default", "p0020")]


async def test_only_the_lines_in_view_are_rendered():
    store = store_of(5000)
    app = TableApp(store)
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(PodTable)
        await pilot.pause()
        rendered: list[str] = []
        inner = table.cells_of

        def counting(rid: str):
            rendered.append(rid)
            return inner(rid)

        table.cells_of = counting
        feed(store, *(crashing(i) for i in range(0, 5000, 7)), etype="MODIFIED")
        table.sync(store, None)
        await pilot.pause()
        assert 0 < len(rendered) <= 2 * 29  # a repaint or two of 29 rows, not 5,000
        assert table.row_count == 5000


async def test_the_cursor_stays_on_its_pod_when_the_rows_resort_and_moves_on_when_it_goes():
    store = store_of(300)
    app = TableApp(store)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(PodTable)
        await pilot.pause()
        assert table.select(("default", "p0250"))
        await pilot.pause()
        app.highlighted.clear()
        feed(store, crashing(250), etype="MODIFIED")
        table.sync(store, {("default", "p0250")})
        await pilot.pause()
        # Unhealthy first: the pod moved to the top, and the cursor with it.
        assert table.selected_key == ("default", "p0250") and table.cursor_row == 0
        assert app.highlighted == []
        assert names_drawn(table)[0] == "p0250"
        feed(store, crashing(250), etype="DELETED")
        table.sync(store, {("default", "p0250")})
        await pilot.pause()
        assert table.selected_key == ("default", "p0000")
        assert app.highlighted == [("default", "p0000")]
        assert table.row_count == 299


LONG = "checkout-api-gateway-for-the-eu-west-region-7d9f8c6b5-x2k4q"


async def test_a_narrow_table_gives_the_name_room_first_and_then_keeps_its_suffix():
    store = feed(Store(), pod(LONG, statuses=[running()], conditions=ready_conditions()))
    app = TableApp(store)
    async with app.run_test(size=(120, 5)) as pilot:
        table = app.query_one(PodTable)
        await pilot.pause()
        row = widget_lines(table)[1]
        # 120 columns: the whole name, and the other columns as room allows.
        assert f"✓  {LONG}  Running" in row
        assert "node-1" in row
        await pilot.resize_terminal(60, 5)
        await pilot.pause()
        row = widget_lines(table)[1]
        # 60 columns: NODE, AGE, PROBE... have given way, then the name is cut in the
        # middle, keeping the part that tells ReplicaSet pods apart.
        assert row.startswith("✓  checkout-api") and "…-x2k4q" in row
        assert "node-1" not in row
        assert "Running" in row and "1/1" in row
        assert len(row) == table.scrollable_content_region.width


async def test_ages_on_screen_follow_the_clock_even_when_no_row_changes():
    store = store_of(3)
    app = TableApp(store)
    async with app.run_test(size=(120, 10)) as pilot:
        table = app.query_one(PodTable)
        await pilot.pause()
        assert re.search(r"node-1\s*0s\s*Best", drawn_text(app))
        store.now += 600  # a replay seek ten minutes on, with only Events in between
        table.sync(store, set())
        await pilot.pause()
        drawn = drawn_text(app)
        assert re.search(r"node-1\s*10m\s*Best", drawn) and not re.search(
            r"node-1\s*0s\s*Best", drawn
        )


async def test_the_app_freezes_the_collector_after_a_large_batch(demo_app, fake_clock):
    """The drain hands every batch's size to the GC policy: a replay jump of the whole
    demo is a batch large enough to freeze after."""
    from podwatch.gcpolicy import FreezePolicy

    app = demo_app(0.0, paused=False)
    async with app.run_test(size=(120, 40)) as pilot:
        frozen: list[int] = []
        app.gc_policy = FreezePolicy(after=100, freeze=lambda: frozen.append(1))
        fake_clock.advance(3600)  # the rest of the demo (300 events) in one drain
        app.drain()
        await pilot.pause()
        assert frozen == [1]
        app.drain()  # nothing new: nothing to freeze
        assert frozen == [1]
