"""Small modal screens: help, and a one-line prompt for `:` commands and `g` go-to."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Label, Static

from podwatch.layout import Column, Grid
from podwatch.ui.widgets.scrolling import SCROLL_BINDINGS, ScrollKeys

KEYS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Pods",
        (
            ("j / k, ↓ / ↑", "move in the pod table; inside a pane, scroll it"),
            ("pgup / pgdn, home / end", "a page up or down; first or last"),
            (
                "enter",
                "the selected pod's details (full screen on small terminals; esc returns)",
            ),
            ("tab / shift+tab", "next / previous pane (or tab on small screens)"),
            (
                "/",
                "filter: words match name, namespace, node, status; -l SELECTOR "
                "matches labels as kubectl does (-l app in (web,api),tier!=db); "
                "enter keeps it, esc clears it",
            ),
            ("u", "unhealthy and at-risk pods only (toggle); gone ones evicted or unhealthy"),
            (
                "d",
                "hide / show the pods that are gone (deleted or evicted, marked †): kept "
                "live for --keep-deleted (15 min), in a replay for the whole recording",
            ),
            ("s", "cycle sort: health, name, age, restarts, node"),
            (
                "A / !",
                "alerts on / off (bell and desktop notification when a pod turns NotReady, "
                "restarts, is evicted or gets an eviction deadline; --alert starts with "
                "them on) / list the last alerts",
            ),
            (
                "l",
                "the selected pod's container log: the last 200 lines (64 KB at most) of the "
                "container that crashed or is not ready, and for one that restarted what its "
                "previous instance printed; f follow it (f again stops), c the next "
                "container, r read again (live: needs get on pods/log; a replay shows the "
                "previous logs recorded with record --logs)",
            ),
            (
                "y",
                "copy the selected pod's why line and details as plain text to the clipboard "
                "(OSC 52: works over SSH in most terminals; tmux needs set-clipboard on)",
            ),
            ("esc", "back: close a view, clear the filter, return to the table"),
        ),
    ),
    (
        "Views and commands",
        (
            (
                ":svc",
                "Services view: ready and NotReady addresses; j/k move, enter lists the "
                "Service's pods (esc clears that filter)",
            ),
            (
                ":deploy",
                "Workloads view: Deployments (new and old ReplicaSets under each), "
                "StatefulSets, DaemonSets, CronJobs and Jobs: desired / updated / ready / "
                "available and the rollout state (ProgressDeadlineExceeded); enter lists "
                "the workload's pods",
            ),
            (
                ":nodes",
                "Nodes view: conditions and taints; j/k move, enter lists the node's pods",
            ),
            (
                ":events",
                "Events view: every Event in scope (pods, ReplicaSets, quotas, HPAs, nodes), "
                "newest first, Warnings marked ⚠; / filters by words; enter on an Event about "
                "a pod selects that pod",
            ),
            (":pods", "back to the pod view"),
            (":ns NAME", "only that namespace (live: watch it); :ns alone: all namespaces"),
            (":ctx NAME", "only that context (with several); :ctx alone: every context"),
            ("?", "this help"),
            ("ctrl+l", "redraw the whole screen (if something else drew on the terminal)"),
            ("q, ctrl+c, :q", "quit"),
        ),
    ),
    (
        "Replay",
        (
            ("space", "pause / play"),
            ("+ / -", "faster / slower"),
            (". / ,", "step one event forward / back (pauses)"),
            ("[ / ]", "seek 10 s back / forward"),
            (
                "> / <",
                "the selected pod's next / previous change (pauses there): an update of "
                "the pod, its deletion, a new or repeated Event about it",
            ),
            (
                "w / W",
                "next / previous Warning Event in the namespace shown or about a node; "
                "selects its pod",
            ),
            (
                "g",
                "go to a time: seconds, m:ss, 1h04m05s, HH:MM:SS, MM-DD HH:MM:SS (the "
                "header's clock), RFC 3339, start or end; G the end",
            ),
        ),
    ),
    (
        "Marks",
        (
            ("✓", "healthy"),
            (
                "⚠",
                "at risk: liveness failures in the last 5 minutes below the threshold, a "
                "restart in the last 10 minutes, Ready flipping, an eviction deadline "
                "running, its node not Ready (the why line says which)",
            ),
            ("✗", "unhealthy: not ready, crashing, failed, not scheduled (bold: failing)"),
            ("·", "finished (a Job's pod that succeeded), or known only from Normal Events"),
            (
                "†",
                "gone: Evicted 12s ago (its status or Events say evicted) or deleted 3m ago; "
                "dimmed, after the live pods, its panes as they were when it went",
            ),
        ),
    ),
    (
        "Columns",
        (
            (
                "narrow terminals",
                "columns give way first to last: QOS, PHASE, restart age, PROBE, AGE, "
                "NODE, then NAMESPACE and STATUS shrink; NAME is cut last, in the middle, "
                "keeping its unique suffix",
            ),
        ),
    ),
)
"""Every key, grouped; the help screen and the README's keys table say the same."""


def keys_grid() -> Grid:
    grid = Grid(Column("KEY", ""), Column("WHAT", ""))
    for section, keys in KEYS:
        grid.add_row(Text(section, style="bold underline"), Text(""))
        for key, what in keys:
            grid.add_row(Text(key, style="bold"), Text(what))
    return grid


class HelpScreen(ScrollKeys, Screen[None]):
    """Every key, full width, scrolling (j/k, arrows, page keys)."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close"), *SCROLL_BINDINGS]
    DEFAULT_CSS = """
    HelpScreen #help { height: 1fr; padding: 0 1; }
    HelpScreen #help-title { height: 1; background: $panel; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Label("podwatch keys — esc, q or ? to close; j/k to scroll", id="help-title")
        with VerticalScroll(id="help"):
            yield Static(keys_grid())
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#help").focus()

    def scroll_target(self) -> VerticalScroll:
        return self.query_one("#help", VerticalScroll)

    def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)


class PromptScreen(ModalScreen[str | None]):
    """One line of input; returns the text, or None on esc."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    PromptScreen { align: center bottom; }
    PromptScreen > Vertical { height: auto; width: 100%; background: $surface; padding: 0 1; }
    """

    def __init__(self, prompt: str, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.placeholder = placeholder
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.prompt)
            yield Input(value=self.value, placeholder=self.placeholder, id="prompt")

    def on_mount(self) -> None:
        self.set_focus(self.query_one(Input))
        release = getattr(self.app, "release_typeahead", None)
        if release is not None:
            release()  # what was typed after `:` before this prompt was up

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
