"""The status line, as a pure function of the source (so it is testable without a screen).

At 80 columns everything does not fit. The line is built from parts, each with
forms from fullest to shortest (an empty form drops the part), and shrunk one
step at a time in a fixed order, least useful first, until it fits: what the
operator acts on (the view, the filter, the sort, the replay's wall clock and pause
state, the kinds that are not watching) is shortened last or never.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text

from podwatch.cut import cut_halves
from podwatch.kube.listwatch import KindStatus
from podwatch.kube.source import ReplayControls, Source, SourceStatus
from podwatch.kube.states import WatchState
from podwatch.model.k8s import format_clock
from podwatch.moment import format_offset
from podwatch.safe import clean, plain

STATE_MARK: dict[str, tuple[str, str]] = {
    WatchState.WATCHING: ("✓", "green"),
    WatchState.LISTING: ("…", "yellow"),
    WatchState.CONNECTING: ("…", "yellow"),
    WatchState.RECONNECTING: ("⟳", "bold yellow"),
    WatchState.FORBIDDEN: ("✗", "red"),
    WatchState.UNAVAILABLE: ("-", "dim"),
    WatchState.FAILED: ("✗", "bold red"),
    WatchState.STOPPED: ("■", "dim"),
}
"""A symbol with every state colour: meaning never rests on colour alone."""

SEPARATOR = "  "

CONTEXT_CUTS = (40, 32, 24, 16)
"""Cells left to a long context name, step by step (its scope shortened beside it)."""
LIVE_SHRINK = (
    ("kinds", "kinds", "rate")
    + ("where",) * len(CONTEXT_CUTS)
    + ("kinds", "kinds", "kinds", "where", "gone", "filter", "filter")
)
"""Live: the kinds watching fine folded into one "12 kinds ✓" (the others grouped by
state), then the others' states to marks only, then no events per second, then a
shorter context and scope; then the kinds are counted by state ("12 kinds ⟳": the
stale banner under the line names them), and said no more when all watch fine (the
context matters more at 80 columns); then no context; last, the filter text is cut."""
REPLAY_SHRINK = (
    "event",
    "clock",
    "where",
    "pause",
    "where",
    "offset",
    "speed",
    "where",
    "offset",
    "gone",
    "filter",
    "filter",
)
"""Replay: the event counter first, then the clock's year and zone (`11-22 09:01:30`
stays), the recording's name, the pause word (its mark stays), the offset and length
closer together, the speed, the name, then the offset and length, then the count of
pods that are gone; the wall clock of the moment and the pause state always remain."""


@dataclass
class _Part:
    """One piece of the line and its shorter forms (`Text()`: dropped)."""

    forms: Sequence[Text]
    level: int = 0

    @property
    def text(self) -> Text:
        return self.forms[min(self.level, len(self.forms) - 1)]


def _join(parts: dict[str, _Part]) -> Text:
    shown = [p.text for p in parts.values() if p.text.plain]
    return Text(SEPARATOR).join(shown)


def _fit(parts: dict[str, _Part], shrink: Sequence[str], width: int | None) -> Text:
    """Shorten parts in `shrink` order until the line fits `width` cells, then give
    back, most useful first, each step the room left allows (a short filter need not
    have been cut for the kinds that were counted after it); as a last resort the
    line is cut at its end."""

    def fits() -> bool:
        return width is None or cell_len(_join(parts).plain) <= width

    taken: list[str] = []
    for name in shrink:
        if fits():
            break
        if name in parts:
            parts[name].level += 1
            taken.append(name)
    for name in reversed(taken):
        parts[name].level -= 1
        if not fits():
            parts[name].level += 1
    line = _join(parts)
    if width is not None and cell_len(line.plain) > width:
        line.truncate(width, overflow="ellipsis")
    return line


def _kind_text(kind: str, st: KindStatus) -> Text:
    """`Pod ✓`, `Pod ⟳reconnecting 3 since 10:02:11`."""
    mark, style = STATE_MARK.get(st.state, ("?", ""))
    text = Text(f"{kind} {mark}", style=style)
    if st.state is not WatchState.WATCHING:
        text.append(st.state, style=style)
        if st.state is WatchState.RECONNECTING:
            text.append(f" {st.attempt} since {format_clock(st.since)}", style=style)
    return text


def _kinds_count(count: int, state: str) -> Text:
    mark, style = STATE_MARK.get(state, ("?", ""))
    return Text(f"{count} kind{'s' if count != 1 else ''} {mark}", style=style)


def _kinds_forms(statuses: Mapping[str, KindStatus]) -> list[Text]:
    """The kinds' watch states, fullest first:
    - every kind with its state (`Pod ⟳reconnecting 3 since 10:02:11`);
    - the kinds watching fine folded into one count, the others grouped by state
      (`5 kinds ✓ Event ✗forbidden`): the state word stays, the details go to the banner;
    - the same with marks only (`5 kinds ✓ Event ✗`): a stale kind stays named;
    - every state counted, its word kept (`12 kinds ⟳reconnecting`), then without it
      (`12 kinds ⟳`), for when nothing else is left to give;
    - nothing, when every kind watches fine (nothing to say), else those counts."""
    full = Text(" ").join(_kind_text(k, st) for k, st in statuses.items())
    by_state: dict[str, list[str]] = {}
    for kind, st in statuses.items():
        by_state.setdefault(st.state, []).append(kind)
    fine = len(by_state.pop(WatchState.WATCHING, []))
    folded = [_kinds_count(fine, WatchState.WATCHING)] if fine else []
    grouped, marked = list(folded), list(folded)
    for state, kinds in by_state.items():
        mark, style = STATE_MARK.get(state, ("?", ""))
        grouped.append(Text(f"{' '.join(kinds)} {mark}{state}", style=style))
        marked += [Text(f"{kind} {mark}", style=style) for kind in kinds]
    counted = Counter(st.state for st in statuses.values())
    worded = Text(" ").join(
        _kinds_count(n, state).append(state if state is not WatchState.WATCHING else "")
        for state, n in counted.items()
    )
    counts = Text(" ").join(_kinds_count(n, state) for state, n in counted.items())
    quiet = Text() if set(counted) == {WatchState.WATCHING} else counts
    return [full, Text(" ").join(grouped), Text(" ").join(marked), worded, counts, quiet]


def _short_scope(scope: str) -> str:
    """`namespace default` → `ns default`, `all namespaces` → `all ns`."""
    return scope.replace("all namespaces", "all ns").replace("namespace ", "ns ")


def _live_parts(status: SourceStatus) -> dict[str, _Part]:
    context = clean(status.where, 253)
    scope = clean(status.scope, 400)

    def where(ctx_limit: int, scope_limit: int, short: bool) -> Text:
        text = plain(cut_halves(context, ctx_limit), "bold")
        text.append(" ▸ ")
        text.append_text(plain(cut_halves(_short_scope(scope) if short else scope, scope_limit)))
        return text

    rate = status.rate
    return {
        "where": _Part(
            [where(253, 400, False), *(where(n, n, True) for n in CONTEXT_CUTS), Text()]
        ),
        "kinds": _Part(_kinds_forms(status.kinds)),
        "rate": _Part([Text(rate_text(rate)), Text()]),
    }


RATE_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)


def rate_text(rate: float) -> str:
    """Events per second to the nearest step below (`<1`, `~2`, `~5`, `~10`, `~20`, ...):
    the order of magnitude an operator reads, and a text that stays the same while the
    rate wobbles, so the status line is not redrawn (sent over SSH) for every event."""
    if rate < 1:
        return "<1 ev/s"
    step = max(s for s in RATE_STEPS if s <= rate)
    return f"~{step} ev/s"


def needs_date(started: float, duration: float, now: float) -> bool:
    """A replay's clock shows the date when the recording spans days or is not today's
    (local dates, as `format_clock` writes times)."""
    first, last, today = (time.localtime(t)[:3] for t in (started, started + duration, now))
    return not first == last == today


def _replay_parts(status: SourceStatus, replay: ReplayControls, now: float) -> dict[str, _Part]:
    name = clean(status.where, 253)

    def where(limit: int) -> Text:
        text = Text("replay ", style="bold")
        text.append_text(plain(cut_halves(name, limit)))
        return text

    pause_mark, pause_word = ("⏸", "paused") if replay.paused else ("▶", "playing")
    end = "  (end)" if replay.finished else ""
    moment = replay.started + replay.position
    dated = needs_date(replay.started, replay.duration, now)
    offset, length = format_offset(replay.position), format_offset(replay.duration)
    return {
        "where": _Part([where(253), where(16), Text("replay", style="bold"), Text()]),
        # The moment as the one clock format writes it, in a form `g` reads back.
        "clock": _Part(
            [
                Text(format_clock(moment, year=dated, zone=True), style="bold"),
                Text(format_clock(moment, date=dated), style="bold"),
            ]
        ),
        "offset": _Part([Text(f"{offset} / {length}"), Text(f"{offset}/{length}"), Text()]),
        "speed": _Part([Text(f"×{replay.speed:g}"), Text()]),
        "pause": _Part(
            [
                Text(f"{pause_mark} {pause_word}{end}", style="bold"),
                Text(f"{pause_mark}{' end' if end else ''}", style="bold"),
            ]
        ),
        "event": _Part([Text(f"event {replay.next_index}/{replay.event_count}"), Text()]),
    }


def _view_parts(
    filter_text: str, sort: str, view: str, gone: int = 0, gone_hidden: bool = False
) -> dict[str, _Part]:
    parts: dict[str, _Part] = {}
    if view:
        parts["view"] = _Part([Text(f"view: {view}", style="bold")])
    if gone:
        # Counted apart from the pods: a pod that went is not an unhealthy one.
        if gone_hidden:
            parts["gone"] = _Part(
                [Text(f"† {gone} gone, hidden (d)", style="bold"), Text(f"† {gone} hidden")]
            )
        else:
            parts["gone"] = _Part([Text(f"† {gone} gone"), Text(f"†{gone}")])
    if filter_text:
        text = clean(filter_text)
        parts["filter"] = _Part(
            [
                Text("filter: ") + plain(text, "bold"),
                Text("filter: ") + plain(cut_halves(text, 24), "bold"),
                Text("filter: ") + plain(cut_halves(text, 12), "bold"),
            ]
        )
    if sort:
        parts["sort"] = _Part([Text(f"sort: {sort}")])
    return parts


def status_line(
    source: Source,
    *,
    width: int | None = None,
    filter_text: str = "",
    sort: str = "",
    view: str = "",
    now: float | None = None,
    gone: int = 0,
    gone_hidden: bool = False,
) -> Text:
    """Context and scope, per-kind watch state, events per second (live) or the wall
    clock of the moment shown, offset, length, speed and pause state (replay); then the
    view, the pods that are gone (`gone`, tombstones; `gone_hidden` by `d`), its filter
    and sort; in at most `width` cells (None: no limit), shortened by priority (see
    LIVE_SHRINK, REPLAY_SHRINK). `now` (default: the time) decides whether a replay's
    clock needs its date."""
    replay = source.replay
    if replay is None:
        parts, shrink = _live_parts(source.status()), LIVE_SHRINK
    else:
        now = time.time() if now is None else now
        parts, shrink = _replay_parts(source.status(), replay, now), REPLAY_SHRINK
    parts.update(_view_parts(filter_text, sort, view, gone, gone_hidden))
    return _fit(parts, shrink, width)


def stale_banner(source: Source) -> Text | None:
    """A visible "STALE since HH:MM:SS" when watches that were live are down, naming
    them and their own error (not another kind's: a 404 for EndpointSlice on a server
    without discovery.k8s.io/v1 says nothing about Events)."""
    stale = source.stale_kinds()  # none in a recording
    if not stale:
        return None
    since = min(st.since for st in stale.values())
    down = list(stale)
    errors = {st.last_error for st in stale.values() if st.last_error}
    text = Text(f" ⚠ STALE since {format_clock(since)} ", style="bold reverse red")
    text.append(f" not watching: {', '.join(down)}", style="bold")
    if errors:
        text.append("  ")
        text.append_text(plain(sorted(errors)[0], limit=160))
    return text
