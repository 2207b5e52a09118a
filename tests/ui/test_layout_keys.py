"""Pilot tests of the layout keys (issue 10): j/k scroll a focused pane, enter opens the
pod full screen on a small terminal and esc comes back, and at 80x24 the answer (why
line and problem facts) is on screen without scrolling."""

from __future__ import annotations

from textual.containers import VerticalScroll

from podwatch.ui.screens.main import MainScreen
from podwatch.ui.screens.pod import PodScreen
from podwatch.ui.widgets.details import Pane
from podwatch.ui.widgets.pod_table import PodTable
from tests.ui.pilot import wait_until
from tests.ui.textshot import screen_lines

SMALL = (80, 24)


def shown(app) -> str:
    return "\n".join(screen_lines(app))


STACK = (120, 40)


async def select(pilot, name: str) -> None:
    table = pilot.app.screen.query_one(PodTable)
    table.select(("demo", name))
    await pilot.pause()


async def test_at_80x24_the_why_line_and_the_false_conditions_are_on_screen(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await select(pilot, "pod-readiness-exec1")
        shown = "\n".join(screen_lines(app))
        assert "why: Readiness probe failing on readiness" in shown
        assert "✗ Ready False (ContainersNotReady)" in shown
        assert "✗ NotReady in svc-readiness" in shown
        # The table takes the rows it needs: two pods, a header, no blank rows under.
        table = app.screen.query_one(PodTable)
        assert table.size.height == 3


async def test_enter_on_a_small_terminal_opens_the_pod_full_screen_and_esc_returns(
    demo_app,
) -> None:
    app = demo_app(35)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await select(pilot, "pod-readiness-exec1")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PodScreen)
        assert app.screen.key == ("demo", "pod-readiness-exec1")
        # Full width: a pane's content is the terminal less border, padding, scrollbar.
        assert app.screen.query_one("#pane-conditions").size.width >= 80 - 6
        stack = app.screen.query_one("#detail-stack", VerticalScroll)
        assert stack.scroll_y == 0 and stack.max_scroll_y > 0
        for _ in range(5):
            await pilot.press("j")
        await pilot.pause()
        assert stack.scroll_y == 5
        await pilot.press("k")
        await pilot.pause()
        assert stack.scroll_y == 4
        await pilot.press("end")
        await pilot.pause()
        assert stack.scroll_y == stack.max_scroll_y
        assert "first seen: status" in "\n".join(screen_lines(app))  # the oldest entry
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.screen.table.selected_key == ("demo", "pod-readiness-exec1")


async def test_the_pod_screen_follows_the_replay(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await select(pilot, "pod-readiness-exec1")
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: "Readiness probe failing" in shown(app))
        for _ in range(4):
            await pilot.press("right_square_bracket")  # 40 s on: the file appeared
        assert await wait_until(pilot, lambda: "why: Ready" in shown(app))


async def test_enter_on_a_large_terminal_focuses_the_panes_in_place(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=STACK) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert isinstance(app.focused, Pane)


async def test_j_and_k_scroll_a_focused_pane_and_leave_the_pod_cursor_alone(demo_app) -> None:
    app = demo_app(35)
    async with app.run_test(size=STACK) as pilot:
        await pilot.pause()
        await select(pilot, "pod-readiness-exec1")
        table = app.screen.query_one(PodTable)
        await pilot.press("tab")  # the first pane
        await pilot.pause()
        assert isinstance(app.focused, Pane)
        stack = app.screen.query_one("#detail-stack", VerticalScroll)
        assert stack.max_scroll_y > 3
        before = table.selected_key
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert stack.scroll_y == 3
        assert table.selected_key == before
        await pilot.press("k")
        await pilot.pause()
        assert stack.scroll_y == 2 and table.selected_key == before
        # Back on the table, j moves the cursor again.
        await pilot.press("escape", "j")
        await pilot.pause()
        assert isinstance(app.focused, PodTable) and table.selected_key != before


async def test_j_and_k_scroll_the_tab_a_pane_is_in_on_a_small_terminal(demo_app) -> None:
    app = demo_app(217)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await select(pilot, "pod1-with-no-execute")
        for _ in range(6):  # tab to the Timeline tab, the longest
            await pilot.press("tab")
        await pilot.pause()
        pane = app.focused
        assert isinstance(pane, Pane) and pane.id == "pane-timeline"
        scroller = next(a for a in pane.ancestors if isinstance(a, VerticalScroll))
        assert scroller.max_scroll_y > 2
        await pilot.press("j", "j")
        await pilot.pause()
        assert scroller.scroll_y == 2


def type_at_once(app, text: str) -> None:
    """Keys as a slow link or a fast typist delivers them: all read before the app has
    handled the first (Pilot's `press` waits between keys, which hides the race)."""
    from textual import events

    names = {"/": "slash", ":": "colon", "\r": "enter"}
    for ch in text:
        key = events.Key(names.get(ch, ch), None if ch == "\r" else ch)
        key.set_sender(app)
        app._driver.send_message(key)


async def test_keys_typed_at_once_after_slash_reach_the_filter(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        type_at_once(app, "/crash")
        field = app.screen.query_one("#filter")
        assert await wait_until(pilot, lambda: field.value == "crash")
        assert app.screen.table.sort_mode == "health"  # the `s` was text, not a sort
        assert [str(app.screen.table.cells_at(0)["name"])] == ["false-pod"]
        type_at_once(app, "/x")  # a `/` inside the prompt is text too
        assert await wait_until(pilot, lambda: field.value == "crash/x")


async def test_a_command_typed_at_once_after_colon_runs(demo_app) -> None:
    from podwatch.ui.screens.views import ServicesScreen

    app = demo_app(150)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        type_at_once(app, ":svc\r")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ServicesScreen))
        type_at_once(app, ":pods\r")
        assert await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.screen.table.sort_mode == "health"


async def test_at_80x24_a_crowded_table_leaves_the_answer_on_screen() -> None:
    """25 real pods: the table stops at its share of the screen, and the selected pod's
    why line and problem facts are still drawn, without scrolling."""
    from tests.scenes import SCENES, build_app, prepare

    scene = next(s for s in SCENES if s.name == "real-80x24")
    app = build_app(scene)
    async with app.run_test(size=SMALL) as pilot:
        await prepare(pilot, scene)
        table = app.screen.query_one(PodTable)
        assert table.row_count > 20 and table.size.height <= 24 * 0.3
        shown = "\n".join(screen_lines(app))
        assert "why: Container app is CrashLoopBackOff" in shown
        assert "✗ Ready False (ContainersNotReady)" in shown


async def test_a_long_message_does_not_push_the_answer_off_a_small_screen() -> None:
    """A 4 KB waiting message: the why line is cut in the summary (the Containers pane
    has it whole), so the problem facts and the tabs stay on an 80x24 screen."""
    from podwatch.kube.source import ReplaySource
    from podwatch.model.store import WatchEvent
    from podwatch.recording import Recording
    from podwatch.ui.app import PodwatchApp
    from tests.factories import pod, ready_conditions, waiting

    message = " ".join(f"back-off{i}" for i in range(500))
    crashy = pod(
        "crashy",
        statuses=[waiting(reason="CreateContainerConfigError", message=message)],
        conditions=ready_conditions(False),
    )
    recording = Recording(header={}, events=[WatchEvent(1.0, "Pod", "ADDED", crashy)], started=0)
    source = ReplaySource(recording, clock=lambda: 0.0, paused=True)
    source.seek(1.0)
    app = PodwatchApp(source)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        shown = "\n".join(screen_lines(app))
        assert "why: Container app is CreateContainerConfigError" in shown
        assert "✗ Ready False (ContainersNotReady)" in shown
        assert "Conditions  Containers" in shown  # the tab bar is still there


async def test_a_tick_while_the_panes_are_not_there_does_not_crash(demo_app) -> None:
    """The clock's tick can come while the pod view is still composing its panes (a
    loaded machine) or taking them down as the app exits: it waits for the next."""
    from podwatch.ui.widgets.details import PodDetails

    app = demo_app(35)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await app.screen.query_one(PodDetails).remove()
        app.tick()
        await pilot.pause()
        assert app.is_running


async def test_a_resize_that_switches_stack_and_tabs_keeps_the_pod_shown(demo_app) -> None:
    """Growing past the tabs' size recomposes the panes (stack), shrinking back makes
    tabs again: the selected pod's summary and panes come with them, not "No pod
    selected" until the next key."""
    from podwatch.ui.widgets.details import PodDetails

    app = demo_app(35)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        await select(pilot, "pod-readiness-exec1")
        details = app.screen.query_one(PodDetails)
        assert details.mode == "tabs"
        for size, mode in [(STACK, "stack"), (SMALL, "tabs")]:
            await pilot.resize_terminal(*size)
            assert await wait_until(pilot, lambda m=mode: details.mode == m)
            await pilot.pause()
            text = shown(app)
            assert "why: Readiness probe failing on readiness" in text, (size, text)
            assert "No pod selected" not in text
            assert any("TYPE" in line and "REASON" in line for line in text.splitlines())


def summary_title(app) -> str:
    """The summary's title as drawn on its top border."""
    line = next(line for line in screen_lines(app) if line.lstrip("─").startswith("Summary"))
    return line.strip("─ ")


async def test_at_80x24_the_summary_says_how_much_of_it_is_below_and_enter_shows_it() -> None:
    """The stuck rollout's pod has more problems than half the panes' height holds (its
    ProgressDeadlineExceeded last): the summary's title counts the lines out of sight;
    a pod whose summary fits, or a terminal where it is not cut, says nothing more."""
    from tests.scenes import SCENES, build_app, prepare

    scene = next(s for s in SCENES if s.name == "rollout-80x24")
    app = build_app(scene)
    async with app.run_test(size=SMALL) as pilot:
        await prepare(pilot, scene)
        assert "ProgressDeadlineExceeded" not in shown(app)
        # Under the two problem lines shown: the two Services not listing it (side by
        # side), their ports (two lines each), the Deployment's stuck rollout (two).
        cut = "Summary · 7 more lines below (enter)"
        assert await wait_until(pilot, lambda: summary_title(app) == cut), summary_title(app)
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, PodScreen))
        assert "ProgressDeadlineExceeded" in shown(app)  # the whole pod, full screen
        assert summary_title(app) == "Summary"
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.press("j")  # a failed Job's pod: its summary fits
        assert await wait_until(pilot, lambda: summary_title(app) == "Summary")
        await pilot.press("k")
        assert await wait_until(pilot, lambda: summary_title(app) == cut)
        await pilot.resize_terminal(96, 24)  # still tabs; wider, the rollout takes one line
        wider = "Summary · 6 more lines below (enter)"
        assert await wait_until(pilot, lambda: summary_title(app) == wider), summary_title(app)
        await pilot.resize_terminal(120, 40)  # stacked: nothing cut
        assert await wait_until(pilot, lambda: summary_title(app) == "Summary")


async def test_a_tick_or_a_drain_due_as_the_app_exits_does_nothing(demo_app, fake_clock) -> None:
    """The timers may fire once more while the app takes its screens down (a full CI
    run caught the tick's: ScreenStackError)."""
    app = demo_app(35, paused=False)
    async with app.run_test(size=STACK) as pilot:
        await pilot.pause()
        ticks, position = app._ticks, app.source.replay.position
    assert not app.screen_stack
    app.tick()
    assert app._ticks == ticks + 1
    fake_clock.advance(60)  # events are due: a drain would apply and show them
    app.drain()
    assert app.source.replay.position == position
