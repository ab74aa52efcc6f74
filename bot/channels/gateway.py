"""The one place channels talk to: pseudonyms, limits, the engine, hand-overs, replies, erasure.

Telegram, the widget and the REST API differ in transport only; what a message
may do, how fast, and what is stored about the asker is decided here.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.engine.engine import Engine, MessageRejected
from bot.engine.messages import InboundMessage, Outcome
from bot.storage.db import Database
from bot.storage.models import ChannelAddress, InboxMessage, utcnow
from bot.handover.senders import OutgoingReply
from bot.handover.service import QueueService

from .identity import pseudonym, seal, unseal
from .junk import refuse_junk
from .ratelimit import make_limiter
from .urgent import URGENT_LIMIT_FACTOR, reads_urgent


class Gateway:
    def __init__(self, settings, engine: Engine, db: Database, queue: QueueService):
        self.settings, self.engine, self.db, self.queue = settings, engine, db, queue
        self.asker_limit = make_limiter(settings, "asker", settings.asker_messages_per_minute)
        self.urgent_limit = make_limiter(settings, "urgent", settings.asker_messages_per_minute * URGENT_LIMIT_FACTOR)

    def asker(self, channel: str, raw_id: str | int) -> str:
        return pseudonym(self.settings.secret_key, channel, raw_id)

    def _message(self, channel, asker, conversation_id, text, language=None, role=None, region=None):
        # free-text metadata passes the redactor too: "Jan de Vries 0612345678" is no region
        region = self.engine.redactor.redact(region.strip()).text[:80] if region and region.strip() else None
        return InboundMessage(channel=channel, asker=asker, conversation_id=conversation_id, text=text or "",
                              language=language, role=role, region=region)

    def limit(self, asker: str, text: str | None, language: str | None = None) -> None:
        """The asker's limit; a message that reads as urgent is held only to the (much higher) urgent limit.
        Then a message without a single word is refused (JunkMessage), never an urgent one."""
        urgent = reads_urgent(text)
        (self.urgent_limit if urgent else self.asker_limit).hit(asker)
        if not urgent:
            refuse_junk(text, language)

    def ask(self, channel: str, asker: str, conversation_id: str, text: str, **kw) -> Outcome:
        """Raises RateLimited or MessageRejected (its ``text`` is for the asker)."""
        self.limit(asker, text, kw.get("language"))
        return self.engine.handle(self._message(channel, asker, conversation_id, text, **kw))

    def ask_advisor(self, channel: str, asker: str, conversation_id: str, text: str = "", **kw) -> Outcome | None:
        self.limit(asker, text, kw.get("language"))
        return self.engine.request_advisor(self._message(channel, asker, conversation_id, text, **kw))

    def feedback(self, channel: str, asker: str, conversation_id: str, helpful: bool, **kw) -> Outcome | None:
        return self.engine.feedback(self._message(channel, asker, conversation_id, "", **kw), helpful)

    def reset(self, conversation_id: str, language: str = "nl") -> str:
        return self.engine.reset(conversation_id, language)

    def erase(self, asker: str) -> dict[str, int]:
        return self.queue.erase_asker(asker, self.settings.secret_key)

    # --- where replies go ---------------------------------------------------------------
    def remember_address(self, conversation_id: str, channel: str, address: str) -> None:
        """Kept sealed, and only ``address_retention_days`` after the asker's last message."""
        until = utcnow() + timedelta(days=self.settings.address_retention_days)
        sealed = seal(self.settings.secret_key, address)
        with self.db.session() as s:
            row = s.get(ChannelAddress, conversation_id)
            if row is None:
                s.add(ChannelAddress(conversation_id=conversation_id, channel=channel, address=sealed,
                                     expires_at=until))
            else:
                row.address, row.expires_at = sealed, until

    def address(self, conversation_id: str) -> str | None:
        with self.db.session() as s:
            row = s.get(ChannelAddress, conversation_id)
            if row is None or row.expires_at < utcnow():
                return None
            return unseal(self.settings.secret_key, row.address)

    def replies(self, conversation_id: str, after: int = 0) -> list[InboxMessage]:
        with self.db.session() as s:
            return list(s.scalars(select(InboxMessage).where(InboxMessage.conversation_id == conversation_id,
                                                             InboxMessage.id > after).order_by(InboxMessage.id)))


class StoredReplySender:
    """Delivery for channels whose askers come back for replies (widget, REST API): written once per key,
    then the live streams waiting for the conversation are woken (``bot.channels.bus``)."""

    def __init__(self, db: Database, bus=None):
        self.db, self.bus = db, bus

    def send(self, reply: OutgoingReply) -> None:
        with self.db.session() as s:
            exists = s.scalar(select(InboxMessage.id).where(InboxMessage.idempotency_key == reply.idempotency_key))
            if exists is None:
                s.add(InboxMessage(conversation_id=reply.conversation_id, idempotency_key=reply.idempotency_key,
                                   ticket_ref=reply.ticket_ref, text=reply.text, created_at=utcnow()))
        if self.bus is not None:  # after the commit: a woken stream must find the row
            self.bus.notify(reply.conversation_id)


__all__ = ["Gateway", "StoredReplySender", "MessageRejected"]
