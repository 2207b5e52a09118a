"""Messages that cross from the watch threads into the app."""

from __future__ import annotations

from textual.message import Message


class EventsArrived(Message):
    """Watch events are waiting in the source's queue. Posted from a watch thread
    (`post_message` is thread-safe) when an event finds the queue empty, so a burst of
    events costs one message, not one per event; two watch threads that find it empty
    together post two, which Textual folds into one (`can_replace`)."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, EventsArrived)


class TypeaheadEnd(Message):
    """Every key read before a prompt was focused has been captured: replay them now."""
