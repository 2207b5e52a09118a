"""A moment of a recording, as a user types it for `--at` and the dashboard's `g` key.

One parser for both, so that the command line and the dashboard agree on what a
time means. A moment is given as:

- seconds from the start: `90`, `90.5`;
- minutes and seconds from the start: `1:30`, `1:30.5`;
- days, hours, minutes and seconds from the start, as the replay header writes an
  offset of an hour or more: `1h04m05s`, `4d08h40m15s`, `90s`, `2h`;
- a wall-clock time `HH:MM:SS` on the recording's own day, in local time as
  `time.localtime` gives it (so `TZ` is honoured); for a recording that crosses
  midnight, the first date that puts the moment inside the recording;
- the same with a date, `MM-DD HH:MM:SS` (the recording's year, or the next one
  for a recording that crosses New Year) or `YYYY-MM-DD HH:MM:SS`;
- any wall-clock form followed by the local zone's name as `format_clock` writes
  it (`07:44:51 CET`, `2026-11-30 07:44:51 CET`), or by `UTC`: exactly what the
  replay header and the error messages show can be typed back;
- an RFC 3339 date and time with `Z` or an offset: `2026-11-30T07:44:51Z`.

A time given to the second (wall clock or RFC 3339 without a fraction) names
that whole second: `07:40:00` is accepted for a recording that started at
07:40:00.4 and means its start. Every bound shown in an error message is itself
accepted, so a user can copy it back.

Pure Python (no Textual, no Rich): the offset or a `MomentError` whose message
is the one line to show the user.
"""

from __future__ import annotations

import math
import re
import time
from datetime import UTC, date, datetime, timedelta

from podwatch.model.k8s import format_clock, format_rfc3339, parse_time

_SECONDS = re.compile(r"(-)?(\d+(?:\.\d+)?)")
_MINUTES = re.compile(r"(-)?(\d+):([0-5]\d(?:\.\d+)?)")
_UNITS = re.compile(r"(-)?(?=\d)(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?")
_CLOCK = re.compile(
    r"(?:(?:(\d{4})-)?(\d{2})-(\d{2}) )?"  # a date: YYYY-MM-DD or MM-DD
    r"([01]?\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d+)?"
    r"(?: ([A-Za-z]{1,6}|[+-]\d{2}(?:\d{2})?))?"  # a zone's name: CET, UTC, +0545
)
UTC_NAMES = frozenset({"UTC", "GMT", "Z"})
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
FORMS = (
    "seconds (90), m:ss (1:30), units (1h04m05s, 2d), HH:MM:SS (07:44:51), "
    "MM-DD HH:MM:SS (11-30 07:44:51), RFC 3339 (2026-11-30T07:44:51Z), start or end"
)
"""The accepted forms, with an example each, for prompts and error messages."""
ECHO_LIMIT = 40
"""Characters of the user's text repeated in an error message."""


class MomentError(ValueError):
    """A moment that cannot be used: its message is one line for the user, naming the
    recording's span in every accepted form."""


def parse_moment(text: str, *, started: float, duration: float) -> float:
    """The offset in seconds from the recording's start that `text` names.

    `started` is the recording's start (epoch seconds), `duration` its length in
    seconds. Raises `MomentError` for text that is not a time, a negative time, or a
    time outside the recording.
    """
    offset = moment_offset(text, started=started, duration=duration)
    if offset > duration:
        raise MomentError(f"{_echo(text)} is outside the recording; {span(started, duration)}")
    return offset


def moment_offset(text: str, *, started: float, duration: float = math.inf) -> float:
    """The offset `text` names, checked against the start only: usable before the
    recording's length is known (a recording streamed to its end), where
    `parse_moment` checks the end too. With an unknown `duration` (infinite), an error
    message names the start alone."""
    value = text.strip()
    word = value.lower()
    if word == "start":
        return 0.0
    if word == "end":
        return duration  # of one still streamed to its end: infinity, every event wanted
    relative = _relative(value)
    if relative is not None:
        if relative < 0:
            raise MomentError(f"{_echo(value)} is negative; {span(started, duration)}")
        return relative
    absolute = _absolute(value, started)
    if absolute is None:
        raise MomentError(f"not a time: {_echo(value)}; use {FORMS}; {span(started, duration)}")
    moment, resolution = absolute
    if moment + resolution <= started:
        raise MomentError(f"{_echo(value)} is outside the recording; {span(started, duration)}")
    return max(0.0, moment - started)


def _echo(text: str) -> str:
    """What the user typed, as the message repeats it: a pasted screenful is cut."""
    text = text.strip()
    return text if len(text) <= ECHO_LIMIT else text[:ECHO_LIMIT] + "…"


def _relative(value: str) -> float | None:
    """Seconds or m:ss from the start (negative if written with a minus); None if
    `value` is in neither form."""
    match = _SECONDS.fullmatch(value)
    if match:
        seconds = float(match.group(2))
        return -seconds if match.group(1) else seconds
    match = _MINUTES.fullmatch(value)
    if match:
        seconds = float(match.group(2)) * 60 + float(match.group(3))
        return -seconds if match.group(1) else seconds
    match = _UNITS.fullmatch(value)
    if match and any(match.group(i) for i in (2, 3, 4, 5)):
        days, hours, minutes = (int(match.group(i) or 0) for i in (2, 3, 4))
        seconds = ((days * 24 + hours) * 60 + minutes) * 60 + float(match.group(5) or 0)
        return -seconds if match.group(1) else seconds
    return None


def _absolute(value: str, started: float) -> tuple[float, float] | None:
    """A wall-clock or RFC 3339 time as (epoch seconds, the resolution it was given
    to); None if `value` is in neither form."""
    match = _CLOCK.fullmatch(value)
    if match:
        return _wall_clock(value, match, started)
    match = _RFC3339.fullmatch(value)
    if match:
        moment = parse_time(value[:10] + "T" + value[11:].upper())
        if moment is not None:
            return moment, _resolution(match.group(1))
    return None


def _wall_clock(value: str, match: re.Match[str], started: float) -> tuple[float, float] | None:
    """`[[YYYY-]MM-DD ]HH:MM:SS[.f][ ZONE]`: in local time, or in UTC if ZONE says so; a
    missing date is the first that puts the moment past the start (the start's day or
    the next; its year or the next). A zone that is neither local nor UTC is refused:
    converting from it would be a guess about which zone an abbreviation means."""
    year, month, day = match.group(1), match.group(2), match.group(3)
    hours, minutes, seconds = (int(match.group(i)) for i in (4, 5, 6))
    fraction, zone = match.group(7), match.group(8)
    resolution = _resolution(fraction)
    utc = zone is not None and zone.upper() in UTC_NAMES
    first = datetime.fromtimestamp(started, UTC).date() if utc else date.fromtimestamp(started)
    if year is not None:
        days = [_date(int(year), int(month), int(day))]
    elif month is not None:
        days = [_date(first.year + n, int(month), int(day)) for n in (0, 1)]
    else:
        days = [first + timedelta(days=n) for n in range(3)]  # a day later is always past it
    moment = None
    for candidate in days:
        if candidate is None:
            continue
        moment = _epoch(candidate, hours, minutes, seconds, utc) + float(fraction or 0)
        if moment + resolution > started:
            break
    if moment is None:
        return None  # no such date (02-30)
    if zone is not None and not utc:
        local = format_clock(moment, zone=True).rpartition(" ")[2]
        if zone != local:
            either = local if local in UTC_NAMES else f"{local} or UTC"
            raise MomentError(
                f"{_echo(value)}: {zone} is not the local time zone ({local}); give the time "
                f"in {either}, or in RFC 3339 with an offset"
            )
    return moment, resolution


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _epoch(day: date, hours: int, minutes: int, seconds: int, utc: bool) -> float:
    if utc:
        return datetime(
            day.year, day.month, day.day, hours, minutes, seconds, tzinfo=UTC
        ).timestamp()
    return _local_epoch(day, hours, minutes, seconds)


def _resolution(fraction: str | None) -> float:
    """How long a time written to the second, or to a fraction, lasts."""
    return 1.0 if not fraction else 10.0 ** -(len(fraction) - 1)


def _local_epoch(day: date, hours: int, minutes: int, seconds: int) -> float:
    """Epoch seconds of a local wall-clock time on `day`; `mktime` picks the offset in
    force then (daylight saving time included)."""
    return time.mktime((day.year, day.month, day.day, hours, minutes, seconds, 0, 0, -1))


def span(started: float, duration: float) -> str:
    """The recording's span in every accepted form: offsets, local wall clock and
    RFC 3339. Each bound is rounded down to the second, so each is a valid moment."""
    if not math.isfinite(duration):
        first = math.floor(started)
        return (
            f"the recording starts at 0s (0:00), {wall_clock(first, with_date=True)}, "
            f"{format_rfc3339(first)}"
        )
    last = math.floor(started + duration)
    first = min(math.floor(started), last)
    length = math.floor(duration)
    same_day = time.localtime(first)[:3] == time.localtime(last)[:3]
    if length < 3600:
        offsets = f"0s to {length}s (0:00 to {_mmss(length)})"
    else:  # as the header writes it (`1h04m05s`, `202d01h29m29s`), not 290969:29
        offsets = f"0s to {format_offset(length)} ({length}s)"
    return (
        f"the recording spans {offsets}, "
        f"{wall_clock(first, with_date=True)} to {wall_clock(last, with_date=not same_day)}, "
        f"{format_rfc3339(first)} to {format_rfc3339(last)}"
    )


def wall_clock(epoch: float, *, with_date: bool = True) -> str:
    """Local wall-clock time with its zone's name, and its date when it is needed: the
    form `HH:MM:SS` moments are read in."""
    return format_clock(epoch, year=with_date, zone=True)


def _mmss(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{minutes}:{rest:02d}"


def format_offset(seconds: float) -> str:
    """An offset into a recording as the replay header writes it, in a form `g` reads
    back: `07:01` (m:ss) under an hour, then `1h04m05s`, then `4d08h40m15s`."""
    seconds = max(0, int(seconds))
    if seconds < 3600:
        return f"{seconds // 60:02d}:{seconds % 60:02d}"
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h{minutes:02d}m{secs:02d}s"


DURATION_FORMS = "seconds (90), or with units d, h, m, s (30m, 1h, 48h, 2d, 1h30m)"


def parse_duration(text: str) -> float:
    """A length of time as an option takes it (`--duration`, `--rotate`, `--keep`),
    written as an offset into a recording is (`_relative`: `90`, `1:30`, `30m`, `1h`,
    `2d`, `1h30m`), one rule for both. Raises `MomentError` for anything else and for
    a length that is not > 0."""
    value = text.strip().lower()
    seconds = None if value.startswith("-") else _relative(value)
    if seconds is None or not (math.isfinite(seconds) and seconds > 0):
        raise MomentError(f"not a length of time > 0: {_echo(text)}; use {DURATION_FORMS}")
    return seconds
