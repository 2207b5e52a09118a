"""A kind's watch state, and the named groups of states the code acts on.

A `KindWatcher` is always in exactly one state; the status line shows it per kind,
the stale banner, `--once` and `podwatch record` act on the groups below. Being a
`StrEnum`, a state prints (and compares) as its word: "watching", "forbidden".
"""

from __future__ import annotations

from enum import StrEnum


class WatchState(StrEnum):
    CONNECTING = "connecting"
    """Not asked anything yet."""
    LISTING = "listing"
    """Listing (the first time, or again after 410 Gone / a refusal)."""
    WATCHING = "watching"
    """Listed, and watching from the list's resourceVersion: live."""
    RECONNECTING = "reconnecting"
    """A watch or list failed; retrying with back-off (401: after re-authenticating)."""
    FORBIDDEN = "forbidden"
    """403: RBAC refuses this kind; the others carry on; retried slowly."""
    UNAVAILABLE = "unavailable"
    """404: the API is not served (an old cluster without EndpointSlices)."""
    FAILED = "failed"
    """The request itself is wrong (400/422, e.g. a malformed selector): given up."""
    STOPPED = "stopped"
    """Ended by `stop()`."""


STALE = frozenset({WatchState.CONNECTING, WatchState.LISTING, WatchState.RECONNECTING})
"""Not watching, but trying to: a kind listed before and now in one of these shows data
that is going stale."""
NOT_SERVED = frozenset({WatchState.FORBIDDEN, WatchState.UNAVAILABLE})
"""The server will not serve the kind to us (RBAC, or no such API): not stale, refused;
retried slowly."""
REFUSED = NOT_SERVED | {WatchState.FAILED}
"""No list is coming (soon) for the kind: refused by the server or given up."""
