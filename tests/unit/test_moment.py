"""The moments a user types for `--at` and the `g` key: every form, the recording's own
day and time zone, and one clear refusal naming the span for anything outside it."""

from __future__ import annotations

import math
import re
import time
from datetime import UTC, datetime

import pytest

from podwatch.model.k8s import format_clock
from podwatch.moment import MomentError, format_offset, moment_offset, parse_moment, span

STARTED = datetime(2026, 11, 30, 7, 40, 0, tzinfo=UTC).timestamp()
DURATION = 447.0


@pytest.fixture
def tz(monkeypatch):
    """`tz("Europe/Berlin")`: local time as the process sees it, restored afterwards."""

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def at(text: str, started: float = STARTED, duration: float = DURATION) -> float:
    return parse_moment(text, started=started, duration=duration)


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("0", 0.0),
        ("90", 90.0),
        ("90.5", 90.5),
        (" 447 ", 447.0),
        ("1:30", 90.0),
        ("0:05", 5.0),
        ("7:27", 447.0),
        ("1:30.5", 90.5),
        ("2026-11-30T07:41:30Z", 90.0),
        ("2026-11-30t07:41:30z", 90.0),
        ("2026-11-30T07:41:30.250Z", 90.25),
        ("2026-11-30T08:41:30+01:00", 90.0),
        ("2026-11-30T02:11:30-05:30", 90.0),
    ],
)
def test_offsets_and_rfc3339(text, offset):
    assert at(text) == offset


def test_wall_clock_is_local_time_on_the_recordings_day(tz):
    tz("UTC")
    assert at("07:41:30") == 90.0
    assert at("07:41:30.5") == 90.5
    tz("Europe/Berlin")  # UTC+1 in November: the same moment reads an hour later
    assert at("08:41:30") == 90.0
    with pytest.raises(MomentError, match="07:41:30 is outside the recording"):
        at("07:41:30")
    tz("America/New_York")  # UTC-5: the recording's day is still 2026-11-30 there
    assert at("02:47:27") == 447.0


def test_wall_clock_across_midnight_picks_the_date_inside_the_recording(tz):
    tz("Asia/Tokyo")  # UTC+9, no daylight saving time
    started = datetime(2026, 11, 30, 14, 58, 0, tzinfo=UTC).timestamp()  # 23:58 in Tokyo
    assert at("23:59:00", started, 600) == 60.0
    assert at("00:03:00", started, 600) == 300.0  # the next day, in the recording
    with pytest.raises(MomentError, match="outside the recording"):
        at("00:09:00", started, 600)  # past its end on the next day too
    with pytest.raises(MomentError) as caught:
        at("23:57:00", started, 600)
    assert "2026-11-30 23:58:00 JST to 2026-12-01 00:08:00 JST" in str(caught.value)


def test_a_time_given_to_the_second_names_that_whole_second(tz):
    """A recording that started at 07:40:00.4 can be asked for at 07:40:00."""
    tz("UTC")
    started = STARTED + 0.4
    assert at("07:40:00", started) == 0.0
    assert at("2026-11-30T07:40:00Z", started) == 0.0
    with pytest.raises(MomentError, match="outside"):
        at("2026-11-30T07:40:00.1Z", started)  # a tenth of a second before the start
    with pytest.raises(MomentError, match="outside"):
        at("07:39:59", started)


@pytest.mark.parametrize("text", ["-5", "-0.5", "-1:30"])
def test_negative_times_are_refused(text, tz):
    tz("UTC")
    with pytest.raises(MomentError) as caught:
        at(text)
    assert str(caught.value).startswith(f"{text} is negative; the recording spans 0s to 447s")


@pytest.mark.parametrize(
    "text",
    [
        "447.5",
        "7:28",
        "08:00:00",
        "2026-11-30T07:47:28Z",
        "2026-11-30T07:39:59Z",
        "2026-12-01T07:41:30Z",
    ],
)
def test_times_outside_the_recording_are_refused(text, tz):
    tz("UTC")
    with pytest.raises(MomentError, match=f"^{re.escape(text)} is outside the recording; "):
        at(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "soon",
        "1:5",
        "1:60",
        "24:00:00",
        "7:41:30:00",
        "1e3",
        "nan",
        "inf",
        "+5",
        "2026-11-30T07:41:30",  # no zone: which one would be a guess
        "2026-11-30",
        "2026-11-30T07:41:30+0100",
    ],
)
def test_anything_else_is_not_a_time(text):
    with pytest.raises(MomentError, match=r"^not a time: .*; use seconds .*, start or end; "):
        at(text)


@pytest.mark.parametrize("text", ["end", "End", " END "])
def test_start_and_end_name_the_recordings_bounds(text):
    """`--at end` and `g end` (and `G`): a capture of months opens at its empty start."""
    assert at(text) == DURATION
    assert at(text.lower().replace("end", "start")) == 0.0
    # Streamed to its end, the length is not known yet: every event is wanted.
    assert moment_offset(text, started=STARTED) == math.inf


def test_the_error_names_the_span_in_every_form(tz):
    tz("Europe/Berlin")
    with pytest.raises(MomentError) as caught:
        at("500")
    message = str(caught.value)
    assert message == (
        "500 is outside the recording; the recording spans 0s to 447s (0:00 to 7:27), "
        "2026-11-30 08:40:00 CET to 08:47:27 CET, "
        "2026-11-30T07:40:00Z to 2026-11-30T07:47:27Z"
    )
    assert "\n" not in message


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "Pacific/Chatham"])
@pytest.mark.parametrize("started_fraction", [0.0, 0.4, 0.999])
def test_every_bound_the_message_names_is_accepted_back(tz, zone, started_fraction):
    """A user copies a bound from the error into the next try: each one works."""
    tz(zone)
    started = STARTED + started_fraction
    message = span(started, 447.9)
    bounds = re.findall(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"
        r"|(?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}:\d{2} [A-Z+-]\w*"  # as written, zone and all
        r"|\d+:\d{2}|\d+(?=s)",
        message,
    )
    assert len(bounds) == 8, message
    offsets = [at(b, started, 447.9) for b in bounds]
    assert all(0 <= o <= 447.9 for o in offsets)
    assert offsets[0] == 0.0 and max(offsets) >= 447.0


@pytest.mark.parametrize(
    ("length", "said", "ends"),
    [
        (3599.5, "0s to 3599s (0:00 to 59:59)", ("3599s", "59:59")),
        (3725.2, "0s to 1h02m05s (3725s)", ("1h02m05s", "3725s")),
        # the real captures of ../shared/recordings/real-objects replayed together
        (17_458_169.8, "0s to 202d01h29m29s (17458169s)", ("202d01h29m29s", "17458169s")),
    ],
)
def test_a_long_recordings_span_is_said_as_its_header_says_it(tz, length, said, ends):
    """Not `0:00 to 290969:29`: from an hour on, the end is written as the replay's
    header writes offsets, and each form given is accepted back."""
    tz("UTC")
    message = span(STARTED, length)
    assert message.startswith(f"the recording spans {said}, "), message
    assert all(at(end, STARTED, length) == math.floor(length) for end in ends)


@pytest.mark.parametrize("text", ["9" * 400, "9" * 400 + ":00"])
def test_absurdly_large_times_are_outside_not_a_crash(text):
    with pytest.raises(MomentError, match="…"):  # no OverflowError
        at(text)


def test_long_input_is_cut_in_the_message():
    with pytest.raises(MomentError) as caught:
        at("x" * 500)
    message = str(caught.value)
    assert "x" * 40 + "…" in message and "x" * 41 not in message


def test_moment_offset_checks_the_start_only():
    """For a recording streamed to its end: the offset is known before the length."""
    assert moment_offset("9000", started=STARTED) == 9000.0
    with pytest.raises(MomentError, match="is negative; the recording starts at 0s"):
        moment_offset("-1", started=STARTED)
    with pytest.raises(MomentError, match="9000 is outside"):
        at("9000")


def test_moment_error_is_a_value_error():
    assert issubclass(MomentError, ValueError)


# ------------------------------------------------- issue 13 item 2: what the header shows


def test_a_date_before_the_wall_clock_is_the_local_date(tz):
    tz("Europe/Berlin")  # the recording starts at 08:40:00 CET on 2026-11-30
    assert at("2026-11-30 08:41:30") == 90.0
    assert at("11-30 08:41:30") == 90.0
    assert at("11-30 08:41:30.5") == 90.5
    with pytest.raises(MomentError, match=r"^11-29 08:41:30 is outside the recording"):
        at("11-29 08:41:30")
    with pytest.raises(MomentError, match=r"^2025-11-30 08:41:30 is outside the recording"):
        at("2025-11-30 08:41:30")


def test_the_zone_as_format_clock_writes_it_is_accepted_and_utc_too(tz):
    tz("Europe/Berlin")
    assert at("08:41:30 CET") == 90.0
    assert at("2026-11-30 08:41:30 CET") == 90.0
    assert at("11-30 08:41:30 CET") == 90.0
    assert at("07:41:30 UTC") == 90.0  # UTC is never a guess
    assert at("2026-11-30 07:41:30 UTC") == 90.0
    with pytest.raises(MomentError) as caught:
        at("08:41:30 EST")  # not this machine's zone: which offset is a guess
    assert str(caught.value) == (
        "08:41:30 EST: EST is not the local time zone (CET); give the time in CET or UTC, "
        "or in RFC 3339 with an offset"
    )
    tz("UTC")
    with pytest.raises(MomentError, match=r"\(UTC\); give the time in UTC, or in RFC 3339"):
        at("07:41:30 CET")


def test_a_month_and_day_without_a_year_across_new_year(tz):
    tz("UTC")
    started = datetime(2026, 12, 31, 23, 58, 0, tzinfo=UTC).timestamp()
    assert at("12-31 23:59:00", started, 600) == 60.0
    assert at("01-01 00:03:00", started, 600) == 300.0  # the next year, in the recording


@pytest.mark.parametrize("text", ["02-30 07:41:30", "13-01 07:41:30", "2026-11-30T07:41:30 CET"])
def test_a_date_that_does_not_exist_is_not_a_time(text, tz):
    tz("UTC")
    with pytest.raises(MomentError, match=r"^not a time: "):
        at(text)


@pytest.mark.parametrize(
    ("text", "offset"),
    [("90s", 90.0), ("1m30s", 90.0), ("1m", 60.0), ("2h", 7200.0), ("1h04m05s", 3845.0)],
)
def test_days_hours_minutes_seconds_from_the_start(text, offset):
    assert at(text, duration=10_000) == offset


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "00:00"),
        (421.9, "07:01"),
        (3599, "59:59"),
        (3600, "1h00m00s"),
        (3845, "1h04m05s"),
        (376815, "4d08h40m15s"),
    ],
)
def test_an_offset_as_the_header_writes_it_is_read_back(seconds, text):
    assert format_offset(seconds) == text
    assert at(text, duration=400_000) == int(seconds)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "Pacific/Chatham", "America/Sao_Paulo"])
def test_every_clock_form_format_clock_writes_is_read_back(tz, zone):
    """The replay header shows the moment with format_clock (plain, with the date, with
    the year and zone): typed into `g` or `--at`, each names that moment."""
    tz(zone)
    started = STARTED + 0.4
    for offset in (0, 90, 447):
        epoch = started + offset
        for form in (
            format_clock(epoch),
            format_clock(epoch, zone=True),
            format_clock(epoch, date=True),
            format_clock(epoch, date=True, zone=True),
            format_clock(epoch, year=True),
            format_clock(epoch, year=True, zone=True),
        ):
            assert at(form, started, 447.9) == pytest.approx(max(0.0, offset - 0.4)), form


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90", 90.0),
        ("1.5", 1.5),
        ("45s", 45.0),
        ("30m", 1800.0),
        ("1h", 3600.0),
        ("48h", 172800.0),
        ("2d", 172800.0),
        ("1h30m", 5400.0),
        (" 2H ", 7200.0),
    ],
)
def test_parse_duration_takes_seconds_and_units(text, seconds):
    from podwatch.moment import parse_duration

    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "0h", "-1h", "1x", "h", "1h-", "1 h", "nan", "1e3"])
def test_parse_duration_refuses_what_is_not_a_length(text):
    from podwatch.moment import parse_duration

    with pytest.raises(MomentError, match="not a length of time > 0"):
        parse_duration(text)
