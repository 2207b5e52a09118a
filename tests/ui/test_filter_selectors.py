"""The `/` filter's `-l` takes kubectl's selector syntax; a malformed one is an error on
screen, with the previous filter kept, never a silently empty table."""

from __future__ import annotations

from textual.widgets import Input

from tests.ui.pilot import status, table, toasts, wait_until
from tests.ui.textshot import screen_lines

WIDE = (120, 40)
# The demo at 150 s: labelled pods, by app.
READINESS = ["pod-readiness-exec1", "pod1"]
LIVENESS = ["pod-liveness-httpget1", "pod2"]
ALL = 12


def names(app) -> list[str]:
    t = table(app)
    return sorted(str(t.cells_at(i)["name"]) for i in range(t.row_count))


async def test_set_based_selectors_filter_the_table(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"-l app in (readiness, liveness)", "enter")
        await pilot.pause()
        assert names(app) == sorted(READINESS + LIVENESS)
        assert "filter: -l app in (liveness,readiness)" in status(app)
        assert not app.screen.query_one("#filter", Input).display  # applied, closed

        await pilot.press("escape")  # clears the kept filter
        await pilot.press("slash", *"-l app notin (readiness),app", "enter")
        await pilot.pause()
        assert names(app) == sorted([*LIVENESS, "pod-startup-slow"])

        await pilot.press("escape")
        await pilot.press("slash", *"-l app!=readiness", "enter")
        await pilot.pause()
        # != also keeps the pods without the label, as Kubernetes does
        assert len(names(app)) == ALL - len(READINESS)
        assert not set(READINESS) & set(names(app))

        await pilot.press("escape")
        await pilot.press("slash", *"-l !app", "enter")
        await pilot.pause()
        assert "pod1" not in names(app) and "qos-guaranteed" in names(app)
        assert len(names(app)) == ALL - 5


async def test_a_selector_with_spaces_is_followed_by_words(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"-l app in ( readiness , liveness ) exec", "enter")
        await pilot.pause()
        assert names(app) == ["pod-readiness-exec1"]
        assert "filter: exec -l app in (liveness,readiness)" in status(app)


async def test_a_malformed_selector_is_an_error_and_keeps_the_previous_filter(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        field = app.screen.query_one("#filter", Input)
        await pilot.press("slash", *"-l app=readiness", "enter")
        await pilot.pause()
        assert names(app) == READINESS

        await pilot.press("slash", "end", ")")  # -l app=readiness)
        await pilot.pause()
        assert field.has_class("-invalid")
        error = "-l: found ')', expected ',' or the end"
        assert any(error in line for line in screen_lines(app)[-4:]), screen_lines(app)[-4:]
        assert names(app) == READINESS  # the last filter that parsed, not an empty table

        await pilot.press("enter")
        assert await wait_until(pilot, lambda: any(error in t for t in toasts(app)))
        assert field.display and app.focused is field  # the prompt stays to be fixed
        assert names(app) == READINESS
        assert "filter: -l app=readiness" in status(app)

        await pilot.press("backspace", "enter")  # fixed: applied, the prompt closes
        await pilot.pause()
        assert not field.has_class("-invalid") and not field.display
        assert names(app) == READINESS


async def test_an_unclosed_set_says_what_is_missing(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"-l app in (x,y", "enter")
        expected = "-l: found end of text in 'app in (', expected ',' or ')'"
        assert await wait_until(pilot, lambda: any(expected in t for t in toasts(app)))
        field = app.screen.query_one("#filter", Input)
        assert field.display and field.has_class("-invalid")
        await pilot.press("escape")  # drops it: every pod again, no error left
        await pilot.pause()
        assert len(names(app)) == ALL
        assert not field.has_class("-invalid") and not field.display
