"""Events forgotten at their TTL through `model/expiry.Expiry`: never early, at most a
second late, oldest first, and a key filed again is covered by its later filing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from podwatch.model.expiry import Expiry, due_second
from podwatch.model.store import Store
from tests.factories import T0, event, feed


@given(st.lists(st.tuples(st.floats(0, 10_000, allow_nan=False), st.integers(0, 50)), max_size=60))
def test_pops_come_oldest_first_each_within_a_second_of_its_time(filings):
    expiry: Expiry[int] = Expiry()
    for at, key in filings:
        expiry.push(at, key)
    assert len(expiry) == len(filings) and bool(expiry) == bool(filings)
    popped = []
    while expiry:
        first = expiry.first()
        second, key = expiry.pop()
        assert second == first
        popped.append((second, key))
    assert expiry.first() is None and len(expiry) == 0
    assert [s for s, _ in popped] == sorted(s for s, _ in popped)
    # every filing comes back once, filed under the whole second at or after its time
    assert sorted(popped) == sorted((due_second(at), key) for at, key in filings)
    assert all(0 <= due_second(at) - at <= 1 for at, _ in filings)


def test_an_event_is_kept_until_its_ttl_has_passed_and_not_a_second_more():
    store = Store(event_ttl=600)
    feed(store, event("web.1", "web", "Pulled", "x", last=0, etype="Normal"))
    store.now = T0 + 599.5
    store._expire_events()
    assert ("default", "web.1") in store.events  # never early
    store.now = T0 + 601.01
    store._expire_events()
    assert ("default", "web.1") not in store.events  # at most a second late


def test_an_event_seen_again_is_kept_to_its_later_ttl():
    store = Store(event_ttl=600)
    feed(store, event("web.1", "web", "Pulled", "x", count=1, last=0, etype="Normal"))
    feed(
        store,
        event("web.1", "web", "Pulled", "x", count=2, last=500, etype="Normal"),
        etype="MODIFIED",
        at=500,
    )
    store.now = T0 + 700
    store._expire_events()
    assert ("default", "web.1") in store.events  # the first filing is covered
    store.now = T0 + 1102
    store._expire_events()
    assert store.events == {}


def test_beyond_the_cap_the_oldest_go_first():
    store = Store(max_events=3)
    for n in range(6):
        feed(store, event(f"e{n}", "web", "Pulled", "x", last=n * 10, etype="Normal"), at=n * 10)
    assert set(store.events) == {("default", f"e{n}") for n in (3, 4, 5)}
