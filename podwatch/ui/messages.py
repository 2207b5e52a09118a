"""Messages that cross from the watch threads into the app."""

from __future__ import annotations

from textual.message import Message


class EventsArrived(Message):
    """Watch events are waiting in the source's queue. Posted from a watch thread
    (`post_message` is thread-safe) at most once per drain, so a burst of events costs
    one message, not one per event."""


class TypeaheadEnd(Message):
    """Every key read before a prompt was focused has been captured: replay them now."""
