"""SQLAlchemy 2 models. Every text about an asker is stored redacted; askers are pseudonyms.

The Alembic revisions in ``migrations/versions`` create exactly this schema
(tests compare them); change both together.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from enum import StrEnum

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite keeps no time zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=timezone.utc) if value is not None else None


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict: JSON, list: JSON}


class Status(StrEnum):
    """A ticket's state. "needs_info" waits for the asker; "reopened" is back in the queue after the asker wrote."""
    NEW = "new"
    CLAIMED = "claimed"
    NEEDS_INFO = "needs_info"
    ANSWERED = "answered"
    CLOSED = "closed"
    REOPENED = "reopened"


# Short names: the queue and the console compare states on nearly every line.
NEW, CLAIMED, NEEDS_INFO, ANSWERED, CLOSED, REOPENED = Status
OPEN_STATES = (NEW, CLAIMED, REOPENED)  # states in which the reply target runs


class Priority(StrEnum):
    URGENT = "urgent"
    NORMAL = "normal"


class Reason(StrEnum):
    """Why a question went to an advisor: tickets.reason, insight events and metrics labels store it.
    Some carry a detail (``format_reason``): out_of_scope:<scope>, not_in_sources:<kind of answer missing>,
    urgent:<triage category>, urgent_possible:<triage category>."""
    LOW_CONFIDENCE = "low_confidence"
    ASKED_FOR_HUMAN = "asked_for_human"
    OUT_OF_SCOPE = "out_of_scope"
    NOT_IN_SOURCES = "not_in_sources"
    NEGATIVE_FEEDBACK = "negative_feedback"
    UNAVAILABLE = "unavailable"
    URGENT = "urgent"
    URGENT_POSSIBLE = "urgent_possible"
    INTERRUPTED = "interrupted"  # the process answering it died; the worker handed it over
    ASKER_REPLY = "asker_reply"  # an outcome only: the asker answered an advisor's question, no new ticket


def format_reason(reason: Reason, detail: str | None = None) -> str:
    """The stored form of a reason and its detail ("out_of_scope:legal"): the one place it is written."""
    return f"{reason}:{detail}" if detail else str(reason)


def parse_reason(stored: str) -> tuple[Reason | str, str | None]:
    """A stored reason back as (reason, detail), for reading rows. A reason this version does not know (an
    old row) stays the string it was."""
    base, _, detail = stored.partition(":")
    return Reason._value2member_map_.get(base, base), detail or None
ROLES = ("advisor", "editor", "admin")  # each includes the rights of the ones before it


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    themes: Mapped[list] = mapped_column(default=list)  # collections / triage categories it takes; "*" = any
    regions: Mapped[list] = mapped_column(default=list)  # municipalities or regions; empty = any
    backup_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    backup: Mapped["Team | None"] = relationship(remote_side=[id])
    members: Mapped[list["Advisor"]] = relationship(back_populates="team")


class Advisor(Base):
    __tablename__ = "advisors"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="advisor")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team | None] = relationship(back_populates="members")

    def has_role(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


class Conversation(Base):
    __tablename__ = "conversations"
    id: Mapped[str] = mapped_column(String(128), primary_key=True)  # channel-scoped, pseudonymous
    channel: Mapped[str] = mapped_column(String(32))
    asker: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8), default="nl")
    region: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


TURN_CHARS = 8000  # safety cap on a stored bot turn; answers are bounded by the composer long before this
OLD_TURN_CHARS = 500  # before revision 0008 a bot turn was stored as "[kind] " + its first 500 characters
_OLD_TURN_TAG = re.compile(r"\[(answer|handover|urgent)\] ?")


class Message(Base):
    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), index=True)
    author: Mapped[str] = mapped_column(String(16))  # asker | assistant | advisor
    text: Mapped[str] = mapped_column(Text)  # redacted
    at: Mapped[datetime] = mapped_column(default=utcnow)
    # set while the question is being answered; still set long after = the answering process died
    pending_since: Mapped[datetime | None] = mapped_column(index=True)
    kind: Mapped[str | None] = mapped_column(String(16))  # a bot turn: answer | handover | urgent (Kind)
    # a bot turn's citations (n, title, section, page, url, published): handbook passages, nothing of the asker
    citations: Mapped[list | None] = mapped_column()

    def turn(self) -> tuple[str | None, str, bool]:
        """A bot turn as (kind, text, shortened). Rows from before revision 0008 have no kind: the text starts
        with "[kind] " and keeps only the first 500 characters. This is the one place that reads that form."""
        if self.author != "assistant":
            return None, self.text, False
        if self.kind is not None:
            return self.kind, self.text, len(self.text) >= TURN_CHARS
        tag = _OLD_TURN_TAG.match(self.text)
        if tag is None:
            return None, self.text, False
        body = self.text[tag.end():]
        return tag.group(1), body, len(body) >= OLD_TURN_CHARS


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_queue", "status", "priority", "deadline"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=Status.NEW)
    priority: Mapped[str] = mapped_column(String(8), default=Priority.NORMAL)
    reason: Mapped[str] = mapped_column(String(80))  # format_reason
    theme: Mapped[str | None] = mapped_column(String(80))
    region: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8), default="nl")
    channel: Mapped[str] = mapped_column(String(32))
    asker: Mapped[str] = mapped_column(String(128))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)  # redacted
    context: Mapped[list] = mapped_column(default=list)  # retrieved passages: citation data and scores
    draft: Mapped[str | None] = mapped_column(Text)  # extractive draft from the knowledge base
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id", ondelete="SET NULL"), index=True)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)  # overdue: visible to the backup team too
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column()  # None while waiting for the asker
    claimed_at: Mapped[datetime | None] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column()
    closed_at: Mapped[datetime | None] = mapped_column()
    reminded_at: Mapped[datetime | None] = mapped_column()

    team: Mapped[Team | None] = relationship()
    assignee: Mapped[Advisor | None] = relationship()
    replies: Mapped[list["Reply"]] = relationship(back_populates="ticket", order_by="Reply.id")


class Reply(Base):
    __tablename__ = "replies"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))  # answer | question (needs more information)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="replies")
    advisor: Mapped[Advisor | None] = relationship()


class Delivery(Base):
    """Transactional outbox: written in the same transaction as the reply, sent by the worker."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id", ondelete="SET NULL"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    asker: Mapped[str] = mapped_column(String(128))
    conversation_id: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()


class Feedback(Base):
    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    helpful: Mapped[bool] = mapped_column(Boolean)
    theme: Mapped[str | None] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"), index=True)
    detail: Mapped[dict] = mapped_column(default=dict)  # never message text

    actor: Mapped[Advisor | None] = relationship()


class KnowledgeEntry(Base):
    """A reviewed question and answer: proposed by an advisor, approved by a second person (editor)."""

    __tablename__ = "knowledge_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    theme: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | published | retracted
    author_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id", ondelete="SET NULL"))
    # four eyes: the approver is neither the author nor the last editor (nor anyone who edited it)
    last_editor_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id", ondelete="SET NULL"))
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column()
    retracted_at: Mapped[datetime | None] = mapped_column()

    author: Mapped[Advisor | None] = relationship(foreign_keys=[author_id])
    last_editor: Mapped[Advisor | None] = relationship(foreign_keys=[last_editor_id])
    approver: Mapped[Advisor | None] = relationship(foreign_keys=[approver_id])


class WebSession(Base):
    __tablename__ = "web_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # the cookie holds the token, we its hash
    advisor_id: Mapped[int] = mapped_column(ForeignKey("advisors.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of the lower-cased e-mail
    address: Mapped[str | None] = mapped_column(String(64), index=True)  # keyed hash of the client address
    ok: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ChannelAddress(Base):
    """Where to deliver a reply (a Telegram chat id): encrypted, and kept only while it is needed."""

    __tablename__ = "channel_addresses"
    conversation_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(512))  # AES-GCM ciphertext, base64
    expires_at: Mapped[datetime] = mapped_column(index=True)


class InboxMessage(Base):
    """Replies for askers who fetch them (web widget, REST API): delivered = written here, once per key."""

    __tablename__ = "inbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(128), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    ticket_ref: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InsightEvent(Base):
    """One question or feedback, for anonymised insights: no message text, except the redacted question
    of what the knowledge base could not answer (content gaps). Region and role only as the asker gave them."""

    __tablename__ = "insight_events"
    __table_args__ = (Index("ix_insight_events_theme_at", "theme", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # question | feedback
    channel: Mapped[str] = mapped_column(String(32))
    asker_key: Mapped[str] = mapped_column(String(32))  # a keyed hash of the pseudonym: counts distinct askers only
    theme: Mapped[str | None] = mapped_column(String(80))
    region: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(40))
    outcome: Mapped[str | None] = mapped_column(String(16))  # answer | handover | urgent
    reason: Mapped[str | None] = mapped_column(String(80))
    confidence: Mapped[float | None] = mapped_column()
    helpful: Mapped[bool | None] = mapped_column(Boolean)
    gap_question: Mapped[str | None] = mapped_column(Text)  # redacted; only for hand-overs and "niet nuttig"


class SavedReply(Base):
    """A team's reusable reply text (greeting, referral, standard explanation): advisors insert it in the reply
    box and edit it there; the reply's personal-data check applies when it is sent, as for anything typed."""

    __tablename__ = "saved_replies"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("advisors.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team] = relationship()
    author: Mapped[Advisor | None] = relationship()


__all__ = [n for n in dir() if n[0].isupper()]
