"""The case summary an advisor reads first: question, conversation, what was found, why handed over, a draft."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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


@dataclass
class CaseSummary:
    ref: str
    question: str
    reason: str
    conversation: list[tuple[datetime, str, str]] = field(default_factory=list)  # (aware UTC time, author, redacted text)
    sources: list[dict] = field(default_factory=list)  # numbered citation data with scores
    draft: str | None = None


def case_summary(s: Session, ticket: Ticket, turns: int = 20) -> CaseSummary:
    rows = s.scalars(select(Message).where(Message.conversation_id == ticket.conversation_id,
                                           Message.author != "reset")
                     .order_by(Message.at.desc(), Message.id.desc()).limit(turns)).all()
    conversation = [(m.at, m.author, m.text) for m in reversed(rows)]
    sources = [dict(c, n=i) for i, c in enumerate(ticket.context or [], 1)]
    return CaseSummary(ticket.ref, ticket.question, reason_nl(ticket.reason), conversation, sources, ticket.draft)
