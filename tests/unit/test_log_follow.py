"""Following a log: the stream cut into whole lines (bounded), and the stamps that let a
reconnect skip what was already shown (model/logs.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from podwatch.model.logs import LineSplitter, StampCursor, clean_line, stamp_of


def _stamp(second: int, nanos: int = 0) -> bytes:
    return b"2026-12-01T10:00:%02d.%09dZ" % (second, nanos)


def test_lines_are_whole_whatever_the_chunks():
    splitter = LineSplitter()
    assert splitter.feed(b"a\nb") == [b"a"]
    assert splitter.feed(b"c") == []
    assert splitter.feed(b"\n\nd\n") == [b"bc", b"", b"d"]
    assert splitter.flush() == []
    assert splitter.feed(b"tail") == [] and splitter.flush() == [b"tail"]


@given(st.lists(st.binary(max_size=30), max_size=20))
def test_any_chunking_gives_the_same_lines(chunks):
    data = b"".join(chunks)
    splitter = LineSplitter(max_pending=10_000)
    got = [line for chunk in chunks for line in splitter.feed(chunk)] + splitter.flush()
    expected = data.split(b"\n")
    if expected[-1] == b"":
        expected.pop()
    assert got == expected


def test_a_line_without_end_is_held_only_up_to_the_bound():
    splitter = LineSplitter(max_pending=100)
    for _ in range(1000):
        assert splitter.feed(b"x" * 1000) == []
    assert len(splitter._pending) == 100  # not a megabyte
    line, after = splitter.feed(b"end\nnext\n")
    assert line == b"x" * 100 + b" [cut]" and after == b"next"


def test_stamps_are_read_only_where_the_kubelet_puts_them():
    assert stamp_of(_stamp(5) + b" hello") == _stamp(5)
    assert stamp_of(b"hello world, not a stamp at all!") == b""
    assert stamp_of(b"") == b""


def test_a_reconnect_from_the_same_second_skips_exactly_the_lines_shown():
    cursor = StampCursor()
    first = [_stamp(1), _stamp(2), _stamp(2)]  # two lines in second 2 shown
    assert [cursor.fresh(s) for s in first] == [True, True, True]
    assert cursor.since() == "2026-12-01T10:00:02Z"
    cursor.reconnected()  # sinceTime=…:02: the server sends second 2 again, and more
    again = [_stamp(2), _stamp(2), _stamp(2), _stamp(3)]
    assert [cursor.fresh(s) for s in again] == [False, False, True, True]
    cursor.reconnected()
    assert [cursor.fresh(s) for s in [_stamp(3), _stamp(4)]] == [False, True]


def test_lines_without_a_stamp_are_shown_and_nothing_is_skipped_before_any_stamp():
    cursor = StampCursor()
    assert cursor.since() == "" and cursor.fresh(b"") and cursor.fresh(b"")


def test_a_line_is_made_safe_as_in_a_read():
    assert clean_line(b"\x1b]0;title\x07hi") == "\\x1b]0;title\\x07hi"


def test_a_stamp_is_shown_as_the_local_clock_with_milliseconds(monkeypatch):
    import time

    from podwatch.model.logs import shown_line

    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        assert shown_line("2026-12-01T10:00:04.123456789Z GET /") == "11:00:04.123 GET /"
        assert shown_line("2026-07-01T23:59:59.000000000Z x") == "01:59:59.000 x"  # summer time
        for other in (
            "plain text",
            "2026-12-01T10:00:04.123456789",
            "2026-1x-01T10:00:04.123456789Z y",
            "",
        ):
            assert shown_line(other) == other
    finally:
        monkeypatch.undo()
        time.tzset()
