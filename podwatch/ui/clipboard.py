"""`y`: the selected pod's why line and details, as plain text, to the clipboard.

Through the terminal (OSC 52, Textual's `copy_to_clipboard`), so that it works over SSH
from a bastion, where no clipboard of the operator's machine is in reach otherwise. Most
terminals accept it; tmux passes it on with `set-clipboard on`. The toast says where the
text went, and how long it is, since nothing on screen shows that it arrived.
"""

from __future__ import annotations

from textual.app import App

from podwatch.model.k8s import Key
from podwatch.model.store import Store
from podwatch.report import pod_text


def copy_pod(app: App, store: Store, key: Key | None) -> None:
    text = pod_text(store, key) if key is not None else None
    if text is None:
        app.notify("No pod selected: nothing copied.", title="Copy", severity="warning")
        return
    app.copy_to_clipboard(text)
    lines = text.count("\n")
    app.notify(
        f"{key[0]}/{key[1]}: why and details, {lines} lines, sent to the terminal's clipboard "
        "(OSC 52; in tmux: set-clipboard on).",
        title="Copied",
        markup=False,
    )
