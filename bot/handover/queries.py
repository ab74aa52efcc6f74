"""What the advisor console reads: a page's rows and what the advisor may do there, as named reads.

Every read runs in the caller's session: templates walk relationships (a ticket's replies, an entry's author)
while they render, so the console renders inside the same ``with db.session()``.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage.audit import audit
from bot.storage.models import (CLAIMED, CLOSED, NEW, OPEN_STATES, REOPENED, Advisor, AuditEntry, Delivery,
                                KnowledgeEntry, Message, Reason, Team, Ticket, parse_reason, utcnow)

from . import access
from .learning import citation_title, has_edited, version
from .summary import CaseSummary, case_summary

TIMELINE = 100  # audit entries on a ticket page, newest first
ENTRY_STATES = ("draft", "published", "retracted")


def advisor(s: Session, advisor_id: int) -> Advisor | None:
    return s.get(Advisor, advisor_id)


def teams(s: Session, active_only: bool = False) -> list[Team]:
    q = select(Team).order_by(Team.name)
    return list(s.scalars(q.where(Team.active) if active_only else q))


def advisors(s: Session, active_only: bool = False) -> list[Advisor]:
    q = select(Advisor).order_by(Advisor.name)
    return list(s.scalars(q.where(Advisor.active) if active_only else q))


@dataclass
class TicketView:
    """A ticket as its page shows it, and which of its actions the advisor gets offered."""

    ticket: Ticket
    summary: CaseSummary
    deliveries: list[Delivery]
    timeline: list[AuditEntry]
    teams: list[Team]
    advisors: list[Advisor]
    can_claim: bool
    can_release: bool
    can_reply: bool
    can_transfer: bool
    can_close: bool
    answered: bool
    not_searched: bool = False  # handed over without a search (older tickets, search down): no sources to show


def ticket_view(s: Session, ref: str, advisor_id: int) -> TicketView | None:
    """The ticket ``ref`` (None: no such ticket), its view audited (an admin's outside scope as an override).

    Raises PermissionError (Dutch) for another team's ticket, unless the advisor is an admin."""
    ticket = s.scalars(select(Ticket).where(Ticket.ref == ref)).first()
    if ticket is None:
        return None
    me = s.get(Advisor, advisor_id)
    override = not access.may_view(s, ticket, me)
    if override and not me.has_role("admin"):
        raise PermissionError(access.NOT_YOUR_TEAM)
    audit(s, me.id, "ticket.viewed", ticket, override=override or None)
    s.flush()  # the timeline below shows this view too
    mine_or_free = ticket.assignee_id in (None, me.id)
    return TicketView(
        ticket=ticket, summary=case_summary(s, ticket),
        deliveries=list(s.scalars(select(Delivery).where(Delivery.ticket_id == ticket.id).order_by(Delivery.id))),
        timeline=list(s.scalars(select(AuditEntry).where(AuditEntry.ticket_id == ticket.id)
                                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(TIMELINE))),
        teams=teams(s, active_only=True), advisors=advisors(s, active_only=True),
        can_claim=ticket.status in (NEW, REOPENED) and mine_or_free,
        can_release=ticket.status in (CLAIMED, REOPENED) and ticket.assignee_id == me.id,
        can_reply=ticket.status in OPEN_STATES and mine_or_free,
        can_transfer=ticket.status in OPEN_STATES and (mine_or_free or me.has_role("admin")),
        can_close=ticket.status != CLOSED and (mine_or_free or me.has_role("admin")),
        answered=any(r.kind == "answer" for r in ticket.replies),
        not_searched=not ticket.context and parse_reason(ticket.reason)[0] in UNSEARCHED)


# Hand-overs that did not search: the asker asked for a person or disliked an answer (before the engine searched
# for those too), the search was down, clear danger (the emergency lines come first) or a recovered question.
UNSEARCHED = (Reason.ASKED_FOR_HUMAN, Reason.NEGATIVE_FEEDBACK, Reason.UNAVAILABLE, Reason.URGENT, Reason.INTERRUPTED)


def queue_stamp(s: Session) -> tuple:
    """Changes whenever a ticket is created, changes hands or state, or is reminded or escalated: what the
    console's live view (/live) compares every few seconds. One aggregate row, cheap on any backend."""
    return tuple(s.execute(select(func.count(Ticket.id), func.max(Ticket.id), func.max(Ticket.updated_at),
                                  func.max(Ticket.reminded_at), func.count(Ticket.id).filter(Ticket.escalated))).one())


def ticket_stamp(s: Session, ref: str, advisor_id: int) -> tuple | None:
    """Changes when the ticket changes or a message, reply or delivery is added or moves on; None for a ticket
    that does not exist or the advisor may not read (the stream then says nothing about it). Not audited: it
    reads no content."""
    ticket = s.scalars(select(Ticket).where(Ticket.ref == ref)).first()
    me = s.get(Advisor, advisor_id)
    if ticket is None or me is None or not (me.has_role("admin") or access.may_view(s, ticket, me)):
        return None
    messages = s.scalar(select(func.count(Message.id)).where(Message.conversation_id == ticket.conversation_id))
    deliveries = tuple(s.execute(select(Delivery.id, Delivery.status).where(Delivery.ticket_id == ticket.id)
                                 .order_by(Delivery.id)).all())
    return (ticket.status, ticket.assignee_id, ticket.updated_at, messages, len(ticket.replies), deliveries)


def knowledge_by_status(s: Session) -> dict[str, list[KnowledgeEntry]]:
    """Every knowledge entry, newest first, grouped by draft, published and retracted."""
    entries = s.scalars(select(KnowledgeEntry).order_by(KnowledgeEntry.id.desc())).all()
    return {status: [e for e in entries if e.status == status] for status in ENTRY_STATES}


@dataclass(frozen=True)
class Proposal:
    """A new entry's form, filled from a ticket: its question and the last answer given."""

    ticket: str = ""
    question: str = ""
    answer: str = ""
    theme: str | None = None


def proposal_from(s: Session, ref: str, advisor_id: int) -> Proposal:
    """The form for ticket ``ref``, or an empty one: no such ticket, or one the advisor may not read (another
    team's case text is not copied into a form)."""
    ticket = s.scalars(select(Ticket).where(Ticket.ref == ref)).first() if ref else None
    if ticket is None:
        return Proposal()
    me = s.get(Advisor, advisor_id)
    if not (me.has_role("admin") or access.may_view(s, ticket, me)):
        return Proposal()
    answers = [r for r in ticket.replies if r.kind == "answer"]
    return Proposal(ticket.ref, ticket.question, answers[-1].text if answers else "", ticket.theme)


@dataclass
class EntryView:
    entry: KnowledgeEntry
    ticket: Ticket | None
    title: str  # how it is (or would be) cited
    version: str  # what an approval says it read
    can_edit: bool
    can_approve: bool


def entry_view(s: Session, entry_id: int, advisor_id: int) -> EntryView | None:
    """The entry (None: none with this id) and what the advisor may do with it: edit a draft as its author or
    an editor; approve as an editor who neither wrote nor ever edited it (four eyes, learning.py)."""
    entry = s.get(KnowledgeEntry, entry_id)
    if entry is None:
        return None
    me = s.get(Advisor, advisor_id)
    draft = entry.status == "draft"
    return EntryView(
        entry=entry, ticket=s.get(Ticket, entry.ticket_id) if entry.ticket_id else None,
        title=citation_title(entry.published_at or utcnow()), version=version(entry),
        can_edit=draft and (entry.author_id == me.id or me.has_role("editor")),
        can_approve=(draft and me.has_role("editor") and me.id not in (entry.author_id, entry.last_editor_id)
                     and not has_edited(s, entry.id, me.id)))


def entry_status(s: Session, entry_id: int) -> str | None:
    """The entry's status; None when there is no such entry."""
    return s.scalar(select(KnowledgeEntry.status).where(KnowledgeEntry.id == entry_id))
