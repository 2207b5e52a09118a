"""Small modal screens: help, and a one-line prompt for `:` commands and `g` go-to."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

KEYS = (
    ("Pods", ""),
    ("j / k, ↓ / ↑", "move in the pod table"),
    ("enter", "focus the selected pod's details"),
    ("tab / shift+tab", "next / previous pane (or tab on small screens)"),
    ("/", "filter: words match name, namespace, node, status; -l key=value for labels"),
    ("u", "unhealthy pods only (toggle)"),
    ("s", "cycle sort: health, name, age, restarts, node"),
    (":", "command: :pods  :svc  :nodes  :ns NAME  :ns (all)  :q"),
    ("esc", "back: close a view, clear the filter, return to the table"),
    ("?", "this help"),
    ("q", "quit"),
    ("Replay", ""),
    ("space", "pause / play"),
    ("+ / -", "faster / slower"),
    (".", "step one event (pauses)"),
    ("[ / ]", "seek 10 s back / forward"),
    ("g", "go to a time (seconds or m:ss)"),
    ("Marks", ""),
    (
        "✓ · ⚠ ✗",
        "healthy, finished, at risk (recent probe failures or restart, flapping, eviction due),"
        " unhealthy (bold ✗: failing); colour repeats the mark",
    ),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: auto; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 0 1; background: $surface; }
    """

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for key, what in KEYS:
            if not what:
                table.add_row(Text(key, style="bold underline"), "")
            else:
                table.add_row(key, what)
        with Vertical():
            yield Static(table)
            yield Label("esc, q or ? to close")

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
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
