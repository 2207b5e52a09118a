"""The `/` filter field a screen opens at once: shared by the pod view and `:events`."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Input


class FilterField(Screen):
    """A screen with an `Input#filter` that `/` shows and focuses."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A `/` typed into the field is text (`demo/pod`), not the key.
        return not (action == "filter" and isinstance(self.focused, Input))

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        # At once, not on the next loop (as `focus()` does): a fast typist's or a slow
        # link's `/word` arrives in one read, and the word must reach the field.
        self.set_focus(field)
