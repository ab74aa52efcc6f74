"""The engine's conversation history in the queue database, so advisors see the same conversation.

Implements ``bot.engine.conversation.ConversationStore``. ``reset`` writes a
marker instead of deleting: the history the engine uses starts afresh, while a
ticket already handed over keeps its context for the advisor.

A question is stored *before* it is answered (``begin``, marked pending) and
the answer is recorded with it in one transaction (``finish``): a process that
dies in between leaves a pending question, which the worker hands over
(``QueueService.recover_interrupted``) instead of losing it.

The bot's turn is kept whole, with its kind and citations in columns of their own, so a reloaded widget shows
it again as it was given; ``Message.turn`` also reads rows stored before that ("[kind] " + 500 characters).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select, update

from bot.engine.conversation import Turn
from bot.engine.messages import Citation
from bot.storage.db import Database
from bot.storage.models import TURN_CHARS, Conversation, Message, utcnow

_AUTHOR = {"user": "asker", "assistant": "assistant"}
_ROLE = {v: k for k, v in _AUTHOR.items()}


class DbConversations:
    def __init__(self, db: Database):
        self.db = db

    def append(self, conversation_id: str, role: str, redacted_text: str, channel: str = "unknown",
               asker: str = "unknown") -> None:
        now = utcnow()
        with self.db.session() as s:
            self._touch(s, conversation_id, channel, asker, now)
            s.add(Message(conversation_id=conversation_id, author=_AUTHOR.get(role, role), text=redacted_text, at=now))

    def begin(self, conversation_id: str, redacted_text: str, channel: str = "unknown",
              asker: str = "unknown") -> int:
        """Stores the asker's (redacted) question as pending; returns its id for ``finish``."""
        now = utcnow()
        with self.db.session() as s:
            self._touch(s, conversation_id, channel, asker, now)
            # The same question still pending in this conversation: a retry after an error, not a new question.
            m = s.scalars(select(Message).where(Message.conversation_id == conversation_id,
                                                Message.pending_since.is_not(None), Message.author == "asker",
                                                Message.text == redacted_text).limit(1)).first()
            if m is not None:
                m.pending_since = now
                return m.id
            m = Message(conversation_id=conversation_id, author="asker", text=redacted_text, at=now,
                        pending_since=now)
            s.add(m)
            s.flush()
            return m.id

    def finish(self, conversation_id: str, pending_id: int | None, assistant_text: str, kind: str,
               citations: Sequence[Citation] = (), extra=()) -> None:
        """The answer, the end of the question's pending state and ``extra`` rows (an insight event): one
        transaction, so the answer is either recorded completely or the question stays pending."""
        now = utcnow()
        with self.db.session() as s:
            if pending_id is not None:
                s.execute(update(Message).where(Message.id == pending_id).values(pending_since=None))
            s.add(Message(conversation_id=conversation_id, author="assistant", text=assistant_text[:TURN_CHARS],
                          kind=kind, citations=[stored_citation(c) for c in citations], at=now))
            s.add_all(list(extra))

    @staticmethod
    def _touch(s, conversation_id: str, channel: str, asker: str, now) -> None:
        conv = s.get(Conversation, conversation_id)
        if conv is None:
            s.add(Conversation(id=conversation_id, channel=channel, asker=asker, created_at=now, last_seen_at=now))
            s.flush()
        else:
            conv.last_seen_at = now

    def history(self, conversation_id: str, limit: int = 6, within: timedelta | None = None) -> list[Turn]:
        with self.db.session() as s:
            q = (select(Message).where(Message.conversation_id == conversation_id,
                                       Message.author.in_(("asker", "assistant", "reset")),
                                       Message.pending_since.is_(None))  # questions still being answered
                 .order_by(Message.at.desc(), Message.id.desc()).limit(limit))
            if within is not None:
                q = q.where(Message.at >= utcnow() - within)
            rows = s.scalars(q).all()
        out = []
        for m in rows:  # newest first: stop at the last reset
            if m.author == "reset":
                break
            kind, text, _ = m.turn()
            out.append(Turn(_ROLE[m.author], text, kind))
        return list(reversed(out))

    def reset(self, conversation_id: str) -> None:
        with self.db.session() as s:
            if s.get(Conversation, conversation_id) is not None:
                s.add(Message(conversation_id=conversation_id, author="reset", text="", at=utcnow()))


def stored_citation(c: Citation) -> dict:
    """What is kept of a citation to show it again: the handbook passage's place, never the index's file path."""
    return {"n": c.n, "title": c.title, "section": c.section, "page": c.page, "url": c.url, "published": c.published}
