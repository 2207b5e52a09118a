"""The status line, as a pure function of the source (so it is testable without a screen)."""

from __future__ import annotations

import time
from typing import Any

from rich.text import Text

from podwatch.kube.source import LiveSource, ReplaySource
from podwatch.safe import plain

STATE_MARK = {
    "watching": ("✓", "green"),
    "listing": ("…", "yellow"),
    "connecting": ("…", "yellow"),
    "reconnecting": ("⟳", "bold yellow"),
    "forbidden": ("✗", "red"),
    "unavailable": ("-", "dim"),
    "failed": ("✗", "bold red"),
    "stopped": ("■", "dim"),
}
"""A symbol with every state colour: meaning never rests on colour alone."""


def clock_text(epoch: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(epoch))


def mmss(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def status_line(source: Any, *, filter_text: str = "", sort: str = "", view: str = "") -> Text:
    """Context and scope, per-kind watch state, events per second (live) or position,
    length, speed and pause state (replay); then the view's filter and sort."""
    text = Text()
    if isinstance(source, LiveSource):
        text.append_text(plain(source.cluster.context, "bold"))
        text.append(" ▸ ")
        text.append_text(plain(source.scope.describe()))
        text.append("  ")
        for kind, st in source.statuses().items():
            mark, style = STATE_MARK.get(st.state, ("?", ""))
            text.append(f"{kind} {mark}", style=style)
            if st.state != "watching":
                text.append(f"{st.state}", style=style)
                if st.state == "reconnecting":
                    text.append(f" {st.attempt} since {clock_text(st.since)}", style=style)
            text.append(" ")
        rate = source.rate.per_second(source.clock())
        text.append(f" {rate:.1f} ev/s")
    elif isinstance(source, ReplaySource):
        text.append("replay ", style="bold")
        text.append_text(plain(source.recording.header.get("context") or "recording"))
        text.append(f"  {mmss(source.position)} / {mmss(source.duration)}")
        text.append(f"  ×{source.speed:g}")
        text.append("  ⏸ paused" if source.paused else "  ▶ playing", style="bold")
        if source.finished:
            text.append("  (end)")
        text.append(f"  event {source.next_index}/{len(source.events)}")
    if view:
        text.append(f"  view: {view}", style="bold")
    if filter_text:
        text.append("  filter: ")
        text.append_text(plain(filter_text, "bold"))
    if sort:
        text.append(f"  sort: {sort}")
    return text


def stale_banner(source: Any) -> Text | None:
    """A visible "STALE since HH:MM:SS" when watches are down, naming them."""
    if not isinstance(source, LiveSource):
        return None
    since = source.stale_since
    if since is None:
        return None
    down = [
        k
        for k, st in source.statuses().items()
        if st.state in ("reconnecting", "connecting", "listing")
    ]
    errors = {st.last_error for st in source.statuses().values() if st.last_error}
    text = Text(f" ⚠ STALE since {clock_text(since)} ", style="bold reverse red")
    text.append(f" not watching: {', '.join(down)}", style="bold")
    if errors:
        text.append("  ")
        text.append_text(plain(sorted(errors)[0], limit=160))
    return text
