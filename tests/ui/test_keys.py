"""Pilot tests: every key of issue 4, over the demo replay at fixed times with a fixed
clock, asserting what the screen shows (rows, panes, status line, screens)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.text import Text
from textual.content import Content
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Input

from podwatch.layout import Grid
from podwatch.model.k8s import format_clock
from podwatch.ui.screens.main import MainScreen
from podwatch.ui.screens.modals import HelpScreen, PromptScreen
from podwatch.ui.screens.views import NodesScreen, ServicesScreen
from podwatch.ui.widgets.details import Pane
from podwatch.ui.widgets.pod_table import PodTable
from tests.ui.pilot import command, status, table
from tests.ui.textshot import screen_lines

WIDE = (120, 40)
SMALL = (80, 24)
SIZES = pytest.mark.parametrize("size", [WIDE, SMALL], ids=["120x40", "80x24"])

# The demo at 150 s, health order: failing and unhealthy (✗) first, then at risk (⚠: the
# liveness pod restarted 29 s ago), finished (·), healthy.
AT_150_HEALTH = [
    "false-pod",
    "job-fails",
    "pod-imagepull",
    "pod-startup-slow",
    "pod-liveness-httpget1",
    "hello-world2",
]
AT_150_ALL = 12


# --------------------------------------------------------------------- helpers


def text_of(obj: object, width: int = 200) -> str:
    """Plain text of a widget's content or of any Rich renderable."""
    if isinstance(obj, Widget):
        obj = getattr(obj, "content", None) or obj.render()
    if isinstance(obj, str):
        return obj
    if isinstance(obj, Text | Content):
        return obj.plain
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(obj)
    return console.export_text()


def names(app) -> list[str]:
    t = table(app)
    return [str(t.cells_at(i)["name"]) for i in range(t.row_count)]


def marks(app) -> list[str]:
    t = table(app)
    return [str(t.cells_at(i)["mark"]) for i in range(t.row_count)]


def cell(app, pod: str, column: str) -> str:
    return str(table(app).cells_of(f"demo/{pod}")[column])


def summary(app) -> str:
    return text_of(app.screen.query_one("#summary"))


def view_table(app) -> Grid:
    content = app.screen.query_one("#table").content
    assert isinstance(content, Grid)
    return content


def grid_column(grid: Grid, header: str) -> list[str]:
    index = [c.header for c in grid.columns].index(header)
    return [cells[index].plain for cells, _notes in grid.rows]


def row_of(grid: Grid, first_header: str, first_value: str) -> dict[str, str]:
    """A row's cells by header, and its notes (the lines under it) as "notes"."""
    firsts = grid_column(grid, first_header)
    index = next(i for i, v in enumerate(firsts) if first_value in v)
    cells, notes = grid.rows[index]
    row = {c.header: cell.plain for c, cell in zip(grid.columns, cells, strict=True)}
    row["notes"] = "\n".join(n.plain for n in notes)
    return row


async def select(pilot, pod: str) -> None:
    """Move the cursor with `j` until `pod` is selected."""
    app = pilot.app
    for _ in range(table(app).row_count):
        if table(app).selected_key == ("demo", pod):
            return
        await pilot.press("j")
    assert table(app).selected_key == ("demo", pod)


# --------------------------------------------------------------------- layout


async def test_wide_screen_shows_stacked_panes_for_the_selected_pod(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.query_one("#details").mode == "stack"
        stack = screen.query_one("#detail-stack")
        ids = [p.id for p in stack.query(Pane)]
        assert ids == [
            "pane-conditions",
            "pane-containers",
            "pane-probes",
            "pane-endpoints",
            "pane-node",
            "pane-timeline",
        ]
        assert names(app) == ["pod-readiness-exec1", "pod1"]
        assert marks(app) == ["✗", "✓"]
        assert cell(app, "pod-readiness-exec1", "ready") == "0/1"
        assert cell(app, "pod-readiness-exec1", "probes") == "3/0/0"
        assert table(app).selected_key == ("demo", "pod-readiness-exec1")
        text = summary(app)
        assert "demo/pod-readiness-exec1" in text
        assert "why: Readiness probe failing" in text
        assert "NotReady in Service svc-readiness" in text
        moment = format_clock(app.source.started + 35, year=True, zone=True)
        assert f"replay demo  {moment}  00:35 / 07:27  ×1  ⏸ paused" in status(app)
        assert "sort: health" in status(app)


async def test_small_screen_puts_panes_in_tabs_and_keeps_the_why_line_visible(
    demo_app,
) -> None:
    app = demo_app(35)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        screen = app.screen
        details = screen.query_one("#details")
        assert details.mode == "tabs"
        assert screen.query_one("#detail-tabs").active == "tab-conditions"
        assert not screen.query("#detail-stack")
        # The table and the summary are both on screen, the summary whole.
        assert table(app).region.height >= 3
        sm = screen.query_one("#summary")
        assert Region(0, 0, 80, 24).contains_region(sm.region)
        lines = [strip.text for strip in sm.render_lines(Region(0, 0, *sm.size))]
        shown = "\n".join(lines)
        assert "demo/pod-readiness-exec1" in shown
        assert any("why: Readiness probe failing" in line for line in lines), shown


# --------------------------------------------------------------------- moving


@SIZES
async def test_j_and_k_move_the_selection_and_the_summary_follows(demo_app, size) -> None:
    app = demo_app(150)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert names(app)[: len(AT_150_HEALTH)] == AT_150_HEALTH
        assert table(app).selected_key == ("demo", "false-pod")
        assert "demo/false-pod" in summary(app)
        assert "CrashLoopBackOff" in summary(app)
        await pilot.press("j")
        await pilot.pause()
        assert table(app).selected_key == ("demo", "job-fails")
        assert "demo/job-fails" in summary(app)
        assert "demo/false-pod" not in summary(app)
        await pilot.press("j", "j")
        await pilot.pause()
        assert table(app).selected_key == ("demo", "pod-startup-slow")
        assert "demo/pod-startup-slow" in summary(app)
        await pilot.press("k")
        await pilot.pause()
        assert table(app).selected_key == ("demo", "pod-imagepull")
        assert "demo/pod-imagepull" in summary(app)
        assert "ImagePullBackOff" in summary(app)


async def test_arrow_keys_move_the_selection(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("down", "down")
        await pilot.pause()
        assert table(app).selected_key == ("demo", "pod-imagepull")
        assert "demo/pod-imagepull" in summary(app)
        await pilot.press("up")
        await pilot.pause()
        assert table(app).selected_key == ("demo", "job-fails")
        assert "demo/job-fails" in summary(app)


@SIZES
async def test_enter_focuses_the_details(demo_app, size) -> None:
    app = demo_app(35)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, PodTable)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.focused, Pane)
        assert app.focused.id == "pane-conditions"


async def test_tab_moves_between_panes_and_escape_returns_to_the_table(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        # From the table, tab walks the panes in order, with no stop in between.
        seen = []
        for _ in range(2):
            await pilot.press("tab")
            await pilot.pause()
            seen.append(app.focused.id)
        assert seen == ["pane-conditions", "pane-containers"]
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused.id == "pane-probes"
        # The focused pane shows the selected pod's probes.
        assert "readiness" in text_of(app.focused)
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.focused.id == "pane-containers"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, PodTable)
        assert isinstance(app.screen, MainScreen)
        # Past the last pane, tab comes back to the table.
        for _ in range(7):
            await pilot.press("tab")
        await pilot.pause()
        assert isinstance(app.focused, PodTable)


async def test_tab_moves_between_panes_when_tabbed(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        tabs = app.screen.query_one("#detail-tabs")
        app.screen.query_one("#pane-conditions", Pane).focus()
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        assert tabs.active == "tab-containers"
        assert isinstance(app.focused, Pane)
        assert app.focused.id == "pane-containers"


# --------------------------------------------------------------------- filter


async def test_slash_filters_by_text_and_enter_closes_the_filter(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        field = app.screen.query_one("#filter", Input)
        assert not field.display
        await pilot.press("slash")
        await pilot.pause()
        assert field.display
        assert app.focused is field
        await pilot.press(*"live")
        await pilot.pause()
        assert names(app) == ["pod-liveness-httpget1"]  # pod2 is app=liveness, not named so
        assert "filter: live" in status(app)
        assert "demo/pod-liveness-httpget1" in summary(app)
        await pilot.press("enter")
        await pilot.pause()
        assert not field.display
        assert isinstance(app.focused, PodTable)
        assert names(app) == ["pod-liveness-httpget1"]  # the filter stays


async def test_typing_a_filter_does_not_trigger_other_keys(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        # q, s, g, u and space are all bound elsewhere; in the field they are text.
        await pilot.press("slash", *"qos-gu ", "enter")
        await pilot.pause()
        assert names(app) == ["qos-guaranteed"]
        assert app.is_running
        assert isinstance(app.screen, MainScreen)
        assert app.source.paused
        assert table(app).sort_mode == "health"
        assert not table(app).view.unhealthy_only


async def test_slash_filters_by_label(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"-l app=readiness", "enter")
        await pilot.pause()
        assert sorted(names(app)) == ["pod-readiness-exec1", "pod1"]
        assert "filter: -l app=readiness" in status(app)
        assert app.source.paused  # the space went into the field, not to `pause`


async def test_escape_in_the_filter_prompt_clears_it_at_once(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        field = app.screen.query_one("#filter", Input)
        await pilot.press("slash", *"crash")  # a status word
        await pilot.pause()
        assert names(app) == ["false-pod"]
        assert "demo/false-pod" in summary(app)
        await pilot.press("escape")  # drops what was typed and closes the field
        await pilot.pause()
        assert not field.display
        assert isinstance(app.focused, PodTable)
        assert len(names(app)) == AT_150_ALL
        assert "filter:" not in status(app)
        # Typed again, the prompt starts empty.
        await pilot.press("slash")
        await pilot.pause()
        assert field.value == ""


async def test_enter_keeps_the_filter_and_escape_then_clears_it(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        field = app.screen.query_one("#filter", Input)
        await pilot.press("slash", *"crash", "enter")
        await pilot.pause()
        assert not field.display
        assert names(app) == ["false-pod"]
        assert "filter:" in status(app)
        await pilot.press("escape")  # from the table: clears the kept filter
        await pilot.pause()
        assert len(names(app)) == AT_150_ALL
        assert "filter:" not in status(app)


# --------------------------------------------------------------------- u and s


async def test_u_toggles_unhealthy_only(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await select(pilot, "hello-world2")  # Completed: finished, not unhealthy
        assert "demo/hello-world2" in summary(app)
        await pilot.press("u")
        await pilot.pause()
        assert names(app) == AT_150_HEALTH[:-1]  # at risk stays, finished goes
        assert marks(app) == ["✗", "✗", "✗", "✗", "⚠"]
        assert "filter: unhealthy or at risk" in status(app)
        # hello-world2 is gone from the table, so the summary shows a pod that is there.
        key = table(app).selected_key
        assert key is not None and key[1] in names(app)
        assert f"demo/{key[1]}" in summary(app)
        assert "hello-world2" not in summary(app)
        await pilot.press("u")
        await pilot.pause()
        assert len(names(app)) == AT_150_ALL
        assert "unhealthy or at risk" not in status(app)


async def test_s_cycles_sort_modes(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        health = names(app)
        assert health[: len(AT_150_HEALTH)] == AT_150_HEALTH
        await select(pilot, "job-fails")
        await pilot.press("s")
        await pilot.pause()
        assert "sort: name" in status(app)
        by_name = names(app)
        assert by_name == sorted(health)
        assert by_name != health
        assert table(app).selected_key == ("demo", "job-fails")  # the selection stays
        await pilot.press("s")
        await pilot.pause()
        assert "sort: age" in status(app)
        assert set(names(app)[-2:]) == {"pod-readiness-exec1", "pod1"}  # the oldest
        await pilot.press("s")
        await pilot.pause()
        assert "sort: restarts" in status(app)
        restarts = [int(cell(app, n, "restarts").split()[0]) for n in names(app)]
        assert restarts == sorted(restarts, reverse=True)
        assert restarts[0] > 0
        await pilot.press("s")
        await pilot.pause()
        assert "sort: node" in status(app)
        nodes = [cell(app, n, "node") for n in names(app)]
        assert nodes == sorted(nodes)
        await pilot.press("s")
        await pilot.pause()
        assert "sort: health" in status(app)
        assert names(app) == health


# --------------------------------------------------------------------- : commands


async def test_colon_svc_shows_the_notready_endpoint(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await command(pilot, "svc")
        assert isinstance(app.screen, ServicesScreen)
        services = view_table(app)
        row = row_of(services, "SERVICE", "svc-readiness")
        assert "demo/svc-readiness" in row["SERVICE"]
        assert (row["READY"], row["NOT READY"]) == ("1", "1")
        assert "✗ NotReady 10.244.1.2 → pod-readiness-exec1 @ worker-1" in row["notes"]
        assert "✓ ready 10.244.3.2 → pod1 @ worker-3" in row["notes"]
        assert "view: Services" in status(app)


async def test_services_view_follows_a_seek_and_pods_catches_up(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await command(pilot, "svc")
        await pilot.press("]", "]", "]", "]")
        await pilot.pause()
        assert app.source.position == 75.0
        row = row_of(view_table(app), "SERVICE", "svc-readiness")
        assert "✓ ready 10.244.1.2 → pod-readiness-exec1" in row["notes"]
        assert "NotReady" not in row["notes"] and row["NOT READY"] == "0"
        assert "01:15" in status(app)
        await command(pilot, "pods")
        assert isinstance(app.screen, MainScreen)
        assert cell(app, "pod-readiness-exec1", "ready") == "1/1"
        assert "why: Ready" in summary(app)


async def test_colon_nodes_shows_the_taint_and_who_it_keeps_out(demo_app) -> None:
    app = demo_app(195)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await command(pilot, "nodes")
        assert isinstance(app.screen, NodesScreen)
        nodes = view_table(app)
        assert grid_column(nodes, "NODE") == ["worker-1", "worker-2", "worker-3"]
        row = row_of(nodes, "NODE", "worker-1")
        taints = row["notes"]
        assert "taint hw=gpu:NoSchedule" in taints
        assert "keeps out pod-without-toleration" in taints
        assert row_of(nodes, "NODE", "worker-2")["notes"] == ""
        assert "view: Nodes" in status(app)


async def test_nodes_view_at_380_shows_the_unreachable_node(demo_app) -> None:
    app = demo_app(380)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await command(pilot, "nodes")
        row = row_of(view_table(app), "NODE", "worker-3")
        assert row["STATUS"].strip() == "Unknown"
        assert "node.kubernetes.io/unreachable:NoExecute" in row["notes"]


async def test_one_view_replaces_another_and_escape_goes_back(demo_app) -> None:
    app = demo_app(195)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await command(pilot, "nodes")
        assert isinstance(app.screen, NodesScreen)
        await command(pilot, "svc")
        assert isinstance(app.screen, ServicesScreen)
        assert len(app.screen_stack) == 3
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen_stack) == 2
        assert isinstance(app.focused, PodTable)
        assert "pod-without-toleration" in names(app)
        assert "sort: health" in status(app)


async def test_colon_ns_filters_the_namespace_and_ns_alone_clears(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await command(pilot, "ns demo")
        assert table(app).view.namespace == "demo"
        assert "filter: ns demo" in status(app)
        assert len(names(app)) == AT_150_ALL  # every demo pod is in demo
        await command(pilot, "ns prod")
        assert table(app).view.namespace == "prod"
        assert table(app).row_count == 0
        assert "No pod matches: ns prod" in summary(app)
        await command(pilot, "ns")
        assert table(app).view.namespace is None
        assert len(names(app)) == AT_150_ALL
        assert "filter:" not in status(app)
        assert "demo/false-pod" in summary(app)


async def test_unknown_command_notifies_and_escape_cancels_the_prompt(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await command(pilot, "bogus")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert names(app) == ["pod-readiness-exec1", "pod1"]
        toasts = [text_of(t) for t in app.screen.query("Toast")]
        assert any("unknown command: bogus" in t for t in toasts), toasts
        await pilot.press("colon", *"svc")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert len(app.screen_stack) == 2  # no view was opened


async def test_unknown_command_with_brackets_is_shown_literally(demo_app, monkeypatch) -> None:
    # If the app crashes, Textual renders a traceback with every local (seconds of
    # CPU); a plain one keeps this test fast and changes nothing it asserts.
    monkeypatch.setattr("rich.traceback.Traceback", lambda **_kw: Text("crashed"))
    app = demo_app(35)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await command(pilot, "x[/]")
        await pilot.pause()
        assert app.is_running
        toasts = [text_of(t) for t in app.screen.query("Toast")]
        assert any("unknown command: x[/]" in t for t in toasts), toasts


# --------------------------------------------------------------------- ? and q


async def test_question_mark_opens_a_full_width_help_that_scrolls_to_every_key(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        first = "\n".join(screen_lines(app))
        # Full width: a description runs past the middle of the terminal.
        assert max(len(line) for line in screen_lines(app)) > 60
        assert "move in the pod table" in first
        assert "step one event" not in first  # the replay keys are further down
        seen = first
        for _ in range(6):
            await pilot.press("pagedown")
            await pilot.pause()
            seen += "\n".join(screen_lines(app))
        for words in ("step one event", "at-risk pods only", "cycle sort", ":svc", "HH:MM:SS"):
            assert words in seen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_q_quits(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert app.is_running
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


# --------------------------------------------------------------------- replay


async def test_space_toggles_pause_and_play_follows_the_clock(demo_app, fake_clock) -> None:
    app = demo_app(35)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert "⏸ paused" in status(app)
        await pilot.press("space")
        await pilot.pause()
        assert not app.source.paused
        assert "▶ playing" in status(app)
        assert "⏸" not in status(app)
        fake_clock.advance(40.0)
        app.drain()  # what the drain timer does, without waiting for it
        await pilot.pause()
        assert app.source.position == 75.0
        assert "01:15" in status(app)
        assert cell(app, "pod-readiness-exec1", "ready") == "1/1"
        await pilot.press("space")
        await pilot.pause()
        assert app.source.paused
        assert "⏸ paused" in status(app)
        fake_clock.advance(100.0)
        app.drain()
        await pilot.pause()
        assert app.source.position == 75.0


async def test_plus_and_minus_change_the_speed(demo_app, fake_clock) -> None:
    app = demo_app(35)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert "×1 " in status(app)
        await pilot.press("+")
        await pilot.pause()
        assert app.source.speed == 2.0
        assert "×2 " in status(app)
        await pilot.press("+")
        await pilot.pause()
        assert "×4 " in status(app)
        await pilot.press("-", "-", "-")
        await pilot.pause()
        assert app.source.speed == 0.5
        assert "×0.5 " in status(app)
        await pilot.press("+", "+")
        await pilot.pause()
        assert "×2 " in status(app)
        # At ×2, ten seconds of clock play twenty seconds of recording.
        await pilot.press("space")
        await pilot.pause()
        fake_clock.advance(10.0)
        app.drain()
        await pilot.pause()
        assert app.source.position == 55.0
        assert "00:55" in status(app)


async def test_full_stop_steps_one_event(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        source = app.source
        before = source.next_index
        assert f"event {before}/{source.event_count}" in status(app)
        await pilot.press(".")
        await pilot.pause()
        assert source.next_index == before + 1
        assert source.position == source.times[before]
        assert source.position > 35.0
        assert source.paused
        assert f"event {before + 1}/{source.event_count}" in status(app)
        await pilot.press(".")
        await pilot.pause()
        assert source.next_index == before + 2


async def test_square_brackets_seek_ten_seconds_and_the_table_follows(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        source = app.source
        await pilot.press("]")
        await pilot.pause()
        assert source.position == 45.0
        assert "00:45 / 07:27" in status(app)
        await pilot.press("[")
        await pilot.pause()
        assert source.position == 35.0
        assert "00:35 / 07:27" in status(app)
        assert cell(app, "pod-readiness-exec1", "ready") == "0/1"
        await pilot.press("]", "]", "]", "]")
        await pilot.pause()
        assert source.position == 75.0
        assert cell(app, "pod-readiness-exec1", "ready") == "1/1"
        assert marks(app) == ["✓", "✓"]
        assert "why: Ready" in summary(app)
        # Back past the change: the store is rebuilt and the table shows it again.
        await pilot.press("[", "[", "[", "[")
        await pilot.pause()
        assert source.position == 35.0
        assert cell(app, "pod-readiness-exec1", "ready") == "0/1"
        assert "why: Readiness probe failing" in summary(app)


async def test_g_goes_to_a_time(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"1:15", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.source.position == 75.0
        assert "01:15 / 07:27" in status(app)
        assert cell(app, "pod-readiness-exec1", "ready") == "1/1"
        await pilot.press("g", *"195", "enter")
        await pilot.pause()
        assert app.source.position == 195.0
        assert len(names(app)) == 14
        assert cell(app, "pod-without-toleration", "status") == "Pending"
        # Back before most pods existed: their rows go.
        await pilot.press("g", *"70", "enter")
        await pilot.pause()
        assert app.source.position == 70.0
        assert names(app) == ["pod-readiness-exec1", "pod1"]
        # Not a time: a notice, and the position stays.
        await pilot.press("g", *"soon", "enter")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.source.position == 70.0
        toasts = [text_of(t) for t in app.screen.query("Toast")]
        assert any("not a time: soon" in t for t in toasts), toasts
