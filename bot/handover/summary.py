"""The case summary an advisor reads first: question, conversation, what was found, why handed over, a draft."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import labels, text as T
from bot.storage.models import Message, Reason, Ticket, parse_reason

# Dutch labels by stored value (prompts/console.nl.yaml); an unknown value shows as stored.
REASONS_NL = labels("console.reason")
SCOPES_NL = labels("console.scope")
URGENT_NL = labels("console.urgent")


def reason_nl(stored: str) -> str:
    reason, detail = parse_reason(stored)
    if reason in (Reason.URGENT, Reason.URGENT_POSSIBLE):
        # older tickets may list several categories, comma-separated
        cats = ", ".join(URGENT_NL.get(c, c) for c in (detail or "").split(",") if c)
        case = "urgent" if reason == Reason.URGENT else "possible"
        return T(f"console.urgent_case.{case}",
                 categories=cats or T(f"console.urgent_case.{case}_none"))
    text = REASONS_NL.get(reason, reason)
    if detail:
        text += f" ({SCOPES_NL.get(detail, detail)})"
    return text


class Said(NamedTuple):
    """One stored turn of the conversation, as the advisor reads it."""
    at: datetime  # aware UTC
    author: str  # asker | assistant | advisor
    kind: str | None  # a bot turn's kind (answer | handover | urgent)
    text: str  # redacted; a bot turn without its kind
    shortened: bool  # stored cut (older bot turns kept 500 characters)


@dataclass
class CaseSummary:
    ref: str
    question: str
    reason: str
    conversation: list[Said] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)  # numbered citation data with scores
    draft: str | None = None


def case_summary(s: Session, ticket: Ticket, turns: int = 20) -> CaseSummary:
    rows = s.scalars(select(Message).where(Message.conversation_id == ticket.conversation_id,
                                           Message.author != "reset")
                     .order_by(Message.at.desc(), Message.id.desc()).limit(turns)).all()
    conversation = [Said(m.at, m.author, *m.turn()) for m in reversed(rows)]
    sources = [dict(c, n=i) for i, c in enumerate(ticket.context or [], 1)]
    return CaseSummary(ticket.ref, ticket.question, reason_nl(ticket.reason), conversation, sources, ticket.draft)
