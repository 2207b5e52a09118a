"""A pod whose container (and Ready condition) carries a message chosen by a test: how
the hand-off and clipboard tests put hostile cluster text where podwatch shows it."""

from __future__ import annotations

from podwatch.model.store import Store
from podwatch.model.watch import WatchEvent

KEY = ("shop", "web-1")


def store_with_message(message: str) -> Store:
    """A store holding `shop/web-1`, waiting (reason Boom) with `message`, NotReady."""
    store = Store()
    pod = {
        "metadata": {"name": KEY[1], "namespace": KEY[0], "uid": "u1"},
        "spec": {"nodeName": "n1", "containers": [{"name": "app", "image": "app:1"}]},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "False", "reason": "x", "message": message}],
            "containerStatuses": [
                {
                    "name": "app",
                    "ready": False,
                    "restartCount": 0,
                    "state": {"waiting": {"reason": "Boom", "message": message}},
                }
            ],
        },
    }
    store.apply(WatchEvent(0.0, "Pod", "ADDED", pod), 1_000_000.0)
    return store
