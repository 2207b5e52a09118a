"""A `/` keystroke, `s` or `u` re-filters the rows as derived, without deriving every
pod's row again (at 100,000 pods that took seconds a keystroke), and never shows rows
older than the store: a table whose screen was covered derives them anew."""

from __future__ import annotations

import gc
import weakref

import pytest

import podwatch.ui.widgets.pod_table as pod_table_module
from podwatch.model.store import Changes
from podwatch.model.view import pod_row, row_labels
from podwatch.ui.screens.main import MainScreen
from tests.ui.pilot import table, wait_until

WIDE = (120, 40)


def expected_keys(app) -> set:
    """What a full derivation would show under the table's filter."""
    store = app.source.store
    t = table(app)
    keys = [*store.pods, *store.tombstones, *store.events_only_pods()]
    out = set()
    for key in keys:
        row = pod_row(store, key)
        if row is not None and t.view.matches(row, row_labels(store, key)):
            out.add(key)
    return out


def expected_order(app) -> list:
    """The order a full derivation would show the filtered rows in."""
    store = app.source.store
    t = table(app)
    return [k for _s, k in sorted((t._sort_key(pod_row(store, k)), k) for k in expected_keys(app))]


def fresh(app) -> dict:
    """Every shown row as derived now from the store."""
    store = app.source.store
    return {key: pod_row(store, key) for key in table(app).keys}


def held(app) -> dict:
    t = table(app)
    return {key: t._rows[key] for key in t.keys}


@pytest.fixture
def derivations(monkeypatch) -> list:
    """Every call the table makes to derive a row."""
    calls: list = []

    def counting(store, key):
        calls.append(key)
        return pod_row(store, key)

    monkeypatch.setattr(pod_table_module, "pod_row", counting)
    return calls


async def test_keystrokes_filter_the_derived_rows_without_deriving_again(
    demo_app, derivations
) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        everything = set(table(app).keys)
        assert len(everything) > 5 and derivations  # the first sync derived them
        derivations.clear()
        counts = []
        for typed in ("p", "po", "pod", "pod-", "pod-r", "pod-re"):
            await pilot.press(*(["slash"] if typed == "p" else []), typed[-1])
            await pilot.pause()
            assert table(app).keys == expected_order(app), typed
            counts.append(table(app).row_count)
        assert counts[-1] < counts[0] <= len(everything)  # typing on did narrow the table
        await pilot.press("backspace", "backspace", "backspace")  # "pod": wider again
        await pilot.pause()
        assert table(app).keys == expected_order(app)
        assert table(app).row_count == counts[2]
        await pilot.press("enter")
        for key in ("s", "s", "u", "d", "u"):
            await pilot.press(key)
            await pilot.pause()
            assert table(app).keys == expected_order(app), key
        await pilot.press("escape")
        await pilot.pause()
        assert table(app).keys == expected_order(app)
        assert derivations == []  # no row derived again for any of it
        assert held(app) == fresh(app)


async def test_a_label_filter_matches_live_and_gone_pods_from_the_model(demo_app) -> None:
    app = demo_app(150)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"-l app", "enter")
        await pilot.pause()
        shown = set(table(app).keys)
        assert shown and shown == expected_keys(app)
        assert all(row_labels(app.source.store, k).get("app") for k in shown)


async def test_a_covered_table_derives_its_rows_anew_before_filtering(
    demo_app, fake_clock, derivations
) -> None:
    app = demo_app(100, paused=False)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        before = held(app)
        await pilot.press("question_mark")  # the help covers the table
        assert await wait_until(pilot, lambda: not isinstance(app.screen, MainScreen))
        start = app.source.store.now
        fake_clock.advance(90)  # the replay plays on while the table is covered
        assert await wait_until(pilot, lambda: app.source.store.now >= start + 60)
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        derivations.clear()
        await pilot.press("slash", "p", "o", "d")
        await pilot.pause()
        assert derivations  # derived again, not the rows held from before
        now = fresh(app)
        assert held(app) == now
        assert set(table(app).keys) == expected_keys(app)
        # and the replay did change rows meanwhile, so stale rows would have shown
        assert any(before.get(k) != row for k, row in now.items())


async def test_rows_changed_under_a_filter_are_narrowed_by_what_they_say_now(
    demo_app, fake_clock
) -> None:
    """Sorted by name, a pod whose status changes keeps its place in the order: what `/`
    looks in must change with it all the same."""
    app = demo_app(300, paused=False)  # before the node goes
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("s")  # by name: a status change moves no row
        await pilot.press("slash", "m")  # every row: its namespace is "demo"
        await pilot.pause()
        assert table(app).keys == expected_order(app)
        before = {k: r.summary.status for k, r in held(app).items()}
        start = app.source.store.now
        fake_clock.advance(150)  # statuses change while the filter stands
        assert await wait_until(pilot, lambda: app.source.store.now >= start + 120)
        await pilot.pause()
        after = {k: r.summary.status for k, r in held(app).items()}
        # a word a row says now and did not before (a stale haystack would drop it)
        changed = sorted(
            (k, v.lower().split()[0])
            for k, v in after.items()
            if k in before and v.lower().split()[0] not in before[k].lower()
        )
        assert changed, (before, after)
        _key, word = changed[0]
        await pilot.press("space", *word)  # "m WORD": narrower at each key
        await pilot.pause()
        assert table(app).keys == expected_order(app)
        assert _key in table(app).keys
        assert held(app) == fresh(app)


async def test_the_table_lets_a_replaced_store_go(demo_app) -> None:
    """A seek back makes a new store; the rows' cache must not keep the old one (and
    its histories) alive: at 1,000,000 events that was 100 MB more at every seek."""
    app = demo_app(300)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        old = weakref.ref(app.source.store)
        app.source.step_back()  # a new store, from a checkpoint; the screen not yet told
        assert app.source.store is not old()
        gc.collect()
        assert old() is None  # while the replay builds the new one, the old is gone
        app.apply_changes(Changes(reset=True))
        await pilot.pause()
        await pilot.press("slash", "p")  # and filtering still works from the new one
        await pilot.pause()
        assert table(app).keys == expected_order(app)


async def test_the_table_catches_up_on_what_it_missed_while_covered(demo_app, fake_clock) -> None:
    """Batches applied while help (or a prompt, a view) covers the table reach it when it
    is shown again, without waiting for those pods to change once more."""
    app = demo_app(100, paused=False)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        before = held(app)
        await pilot.press("question_mark")
        assert await wait_until(pilot, lambda: not isinstance(app.screen, MainScreen))
        start = app.source.store.now
        fake_clock.advance(90)
        assert await wait_until(pilot, lambda: app.source.store.now >= start + 60)
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await pilot.pause()
        now = fresh(app)
        assert any(before.get(k) != row for k, row in now.items())  # rows did change
        assert held(app) == now
        assert set(table(app).keys) == expected_keys(app)


async def test_widening_places_again_only_the_rows_changed_since(demo_app, fake_clock) -> None:
    """`backspace` and `esc` pick from the rows kept in order (`_base`): no sort key made
    again when nothing changed; when rows changed meanwhile, those are placed again, and
    the table says what they say now."""
    app = demo_app(300, paused=False)  # every pod there: the changes are changes
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        t = table(app)
        await pilot.press("slash", *"pod-l")
        await pilot.pause()
        narrowed = t.row_count
        placed: list = []
        sort_key = t._sort_key
        t._sort_key = lambda row: placed.append(row.summary.key) or sort_key(row)
        await pilot.press("backspace", "backspace")  # "pod": wider
        await pilot.pause()
        assert placed == [] and t.row_count > narrowed  # nothing sorted again
        start = app.source.store.now
        fake_clock.advance(150)  # rows change under the filter
        assert await wait_until(pilot, lambda: app.source.store.now >= start + 120)
        await pilot.pause()
        changed = set(t._stale)
        assert changed and len(changed) < len(t._base[1])  # to place again: those only
        await pilot.press("escape")  # every row again
        await pilot.pause()
        assert not t._stale
        t._sort_key = sort_key
        assert t.keys == expected_order(app)
        assert held(app) == fresh(app)


async def test_esc_after_rows_changed_and_the_words_widened_shows_what_they_say_now(
    demo_app, fake_clock
) -> None:
    """Rows change while words narrow the table, the words widen (`backspace`), then
    `esc`: every row as it is now, in order (the tables kept from before the words must
    not bring back a row's old state)."""
    app = demo_app(300, paused=False)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"pod-l")
        await pilot.pause()
        start = app.source.store.now
        fake_clock.advance(150)
        assert await wait_until(pilot, lambda: app.source.store.now >= start + 120)
        await pilot.pause()
        await pilot.press("backspace", "backspace")
        await pilot.pause()
        assert table(app).keys == expected_order(app)
        await pilot.press("escape")
        await pilot.pause()
        assert table(app).keys == expected_order(app)
        assert held(app) == fresh(app)
        widths = {k: table(app)._measured[k] for k in table(app).keys}
        assert widths == {k: pod_table_module._widths_of(r) for k, r in fresh(app).items()}
