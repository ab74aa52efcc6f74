"""The engine's conversation history in the queue database, so advisors see the same conversation.

Implements ``bot.engine.conversation.ConversationStore``. ``reset`` writes a
marker instead of deleting: the history the engine uses starts afresh, while a
ticket already handed over keeps its context for the advisor.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .db import Database
from .models import Conversation, Message, utcnow

_AUTHOR = {"user": "asker", "assistant": "assistant"}
_ROLE = {v: k for k, v in _AUTHOR.items()}


class DbConversations:
    def __init__(self, db: Database):
        self.db = db

    def append(self, conversation_id: str, role: str, redacted_text: str, channel: str = "unknown",
               asker: str = "unknown") -> None:
        now = utcnow()
        with self.db.session() as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None:
                s.add(Conversation(id=conversation_id, channel=channel, asker=asker, created_at=now, last_seen_at=now))
                s.flush()
            else:
                conv.last_seen_at = now
            s.add(Message(conversation_id=conversation_id, author=_AUTHOR.get(role, role), text=redacted_text, at=now))

    def history(self, conversation_id: str, limit: int = 6, within: timedelta | None = None) -> list[tuple[str, str]]:
        with self.db.session() as s:
            q = (select(Message).where(Message.conversation_id == conversation_id,
                                       Message.author.in_(("asker", "assistant", "reset")))
                 .order_by(Message.at.desc(), Message.id.desc()).limit(limit))
            if within is not None:
                q = q.where(Message.at >= utcnow() - within)
            rows = s.scalars(q).all()
        out = []
        for m in rows:  # newest first: stop at the last reset
            if m.author == "reset":
                break
            out.append((_ROLE[m.author], m.text))
        return list(reversed(out))

    def reset(self, conversation_id: str) -> None:
        with self.db.session() as s:
            if s.get(Conversation, conversation_id) is not None:
                s.add(Message(conversation_id=conversation_id, author="reset", text="", at=utcnow()))
