"""What the engine needs from the outside world, as complete protocols (ports).

The advisor queue implements ``TicketSink`` (bot.handover.service.QueueService), the conversation store
``ConversationStore`` (bot.handover.conversations.DbConversations), insights ``EventSink``
(bot.insights.events.EventRecorder). The composition root (bot.runtime) plugs them in; the engine imports
none of them.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .conversation import Turn
    from .messages import Citation, InboundMessage, Outcome
    from .tickets import TicketRef, TicketRequest


class TicketSink(Protocol):
    def create(self, request: "TicketRequest") -> "TicketRef":
        """A hand-over: a new ticket, or the open one of the conversation it joins; its deadline."""

    def asker_followup(self, conversation_id: str, redacted_text: str) -> "TicketRef | None":
        """The asker answers an advisor's question: the text joins that ticket. None when none waits."""

    def record_feedback(self, conversation_id: str, helpful: bool, theme: str | None = None,
                        ticket_ref: str | None = None) -> None:
        """"Nuttig / niet nuttig" on an answer, counted without text."""


class ConversationStore(Protocol):
    """Where the engine keeps redacted turns."""

    def append(self, conversation_id: str, role: str, redacted_text: str, **channel) -> None: ...

    def begin(self, conversation_id: str, redacted_text: str, **channel) -> int | None:
        """Stores the question before it is answered; returns a handle for ``finish``."""

    def finish(self, conversation_id: str, pending_id: int | None, assistant_text: str, kind: str,
               citations: Sequence["Citation"] = (), extra=()) -> None:
        """Records the bot's turn whole: its text, its kind (a Kind value) and its citations, so it can be shown
        again as it was given (and ``extra`` rows, e.g. its insight event), and ends the question's pending state,
        atomically."""

    def history(self, conversation_id: str, limit: int = 6,
                within: timedelta | None = None) -> list["Turn"]:
        """The latest turns since the last reset, oldest first; a bot turn carries its kind."""

    def reset(self, conversation_id: str) -> None: ...


class EventSink(Protocol):
    """Anonymised insight events: what was asked about, how it ended; no text but gap questions (redacted)."""

    def question_event(self, msg: "InboundMessage", outcome: "Outcome") -> Any:
        """The event for one answered question, unsaved: the conversation store writes it with the answer."""

    def feedback(self, msg: "InboundMessage", helpful: bool, redacted_question: str | None,
                 theme: str | None = None) -> None: ...
