"""A moment of a recording, as a user types it for `--at` and the dashboard's `g` key.

One parser for both, so that the command line and the dashboard agree on what a
time means. A moment is given as:

- seconds from the start: `90`, `90.5`;
- minutes and seconds from the start: `1:30`, `1:30.5`;
- a wall-clock time `HH:MM:SS` on the recording's own day, in local time as
  `time.localtime` gives it (so `TZ` is honoured); for a recording that crosses
  midnight, the first date that puts the moment inside the recording;
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
from datetime import date, timedelta

from podwatch.model.k8s import format_clock, format_rfc3339, parse_time

_SECONDS = re.compile(r"(-)?(\d+(?:\.\d+)?)")
_MINUTES = re.compile(r"(-)?(\d+):([0-5]\d(?:\.\d+)?)")
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d+)?")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")
FORMS = "seconds (90), m:ss (1:30), HH:MM:SS (07:44:51) or RFC 3339 (2026-11-30T07:44:51Z)"
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
    return None


def _absolute(value: str, started: float) -> tuple[float, float] | None:
    """A wall-clock or RFC 3339 time as (epoch seconds, the resolution it was given
    to); None if `value` is in neither form."""
    match = _CLOCK.fullmatch(value)
    if match:
        hours, minutes, seconds = (int(match.group(i)) for i in (1, 2, 3))
        fraction = match.group(4)
        resolution = _resolution(fraction)
        day = date.fromtimestamp(started)  # local, as time.localtime gives it
        for _ in range(3):  # the start's day, else the next (a day later is always past it)
            moment = _local_epoch(day, hours, minutes, seconds) + float(fraction or 0)
            if moment + resolution > started:
                return moment, resolution
            day += timedelta(days=1)
        return None
    match = _RFC3339.fullmatch(value)
    if match:
        moment = parse_time(value[:10] + "T" + value[11:].upper())
        if moment is not None:
            return moment, _resolution(match.group(1))
    return None


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
    return (
        f"the recording spans 0s to {length}s (0:00 to {_mmss(length)}), "
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


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNIT_SECONDS = {"s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
DURATION_FORMS = "seconds (90), or with units s, m, h, d (30m, 1h, 48h, 2d, 1h30m)"


def parse_duration(text: str) -> float:
    """A length of time as an option takes it (`--duration`, `--rotate`, `--keep`):
    plain seconds (`90`), or numbers with units `s`, `m`, `h`, `d`, one after the
    other (`30m`, `1h`, `2d`, `1h30m`). Raises `MomentError` for anything else and
    for a length that is not > 0."""
    value = text.strip().lower()
    seconds: float | None = None
    if _SECONDS.fullmatch(value) and not value.startswith("-"):
        seconds = float(value)
    elif value and re.fullmatch(r"(?:\d+(?:\.\d+)?[smhd])+", value):
        seconds = sum(float(n) * _UNIT_SECONDS[unit] for n, unit in _DURATION_PART.findall(value))
    if seconds is None or not (math.isfinite(seconds) and seconds > 0):
        raise MomentError(f"not a length of time > 0: {_echo(text)}; use {DURATION_FORMS}")
    return seconds
