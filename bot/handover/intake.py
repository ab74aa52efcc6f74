"""Tickets in: the engine's hand-overs, the asker's follow-ups and feedback, questions whose answering was
interrupted.

A hand-over becomes a new ticket, or joins the conversation's open one, or reopens one answered lately;
urgent is always a ticket of its own. This part implements the engine's ``TicketSink``.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.engine import language as lang_mod
from bot.engine.tickets import TicketRef, TicketRequest
from bot.storage.audit import audit
from bot.storage.models import (ANSWERED, CLOSED, NEEDS_INFO, NEW, OPEN_STATES, REOPENED, Conversation, Delivery,
                                Feedback, Message, Priority, Reason, Ticket)
from bot.triage import triage

from . import routing
from .policy import QueuePart

# The same question again this soon after its ticket was made, still unanswered, is a retry (the first
# response was lost): it gets that ticket back, not a second one. Once answered, the same question again
# reopens the ticket like any message after an answer (a retry cannot be told from a repeat there).
RETRY_WINDOW = timedelta(minutes=15)


class Intake(QueuePart):
    """The engine's ``TicketSink``, and the recovery of interrupted questions."""

    def create(self, request: TicketRequest) -> TicketRef:
        now = self.clock()
        with self.db.session() as s:
            return self._create(s, request, now)[0]

    def _create(self, s: Session, request: TicketRequest, now: datetime) -> tuple[TicketRef, Ticket]:
        conv = self._conversation(s, request.channel, request.asker, request.conversation_id,
                                  request.language, request.region, request.role)
        if request.pending_id is not None:  # handed over: the question is no longer waiting for an answer
            s.execute(update(Message).where(Message.id == request.pending_id).values(pending_since=None))
        same = self._same_question(s, conv.id, request, now)
        if same is not None:  # the asker sent it again (a retry after an error): one question, one ticket
            return TicketRef(same.ref, same.deadline), same
        reason = request.stored_reason
        if request.priority != Priority.URGENT:
            # A second hand-over while the first is still open (typed "ik wil een adviseur" and then the
            # button) joins it: one conversation, one advisor, one reply. The text is in the conversation.
            joined = self._open_normal(s, conv.id)
            if joined is not None:
                joined.updated_at = now
                audit(s, None, "ticket.joined", joined, reason=reason)
                return TicketRef(joined.ref, joined.deadline), joined
            reopened = self._reopen_recent(s, conv.id, request.question, now)
            if reopened is not None:
                return TicketRef(reopened.ref, reopened.deadline), reopened
        deadline = self._deadline(request.priority, now)
        team = routing.route(s, request.theme, request.region)
        ticket = Ticket(
            ref=_new_ref(request.priority), status=NEW, priority=request.priority, reason=reason,
            theme=request.theme, region=request.region, role=request.role, language=request.language,
            channel=request.channel, asker=request.asker, conversation_id=conv.id, question=request.question,
            context=list(request.context), draft=request.draft,
            team_id=team.id if team else None, created_at=now, updated_at=now, deadline=deadline)
        s.add(ticket)
        s.flush()
        audit(s, None, "ticket.created", ticket, reason=reason, priority=request.priority,
              team=team.name if team else None)
        return TicketRef(ticket.ref, deadline), ticket

    def record_feedback(self, conversation_id: str, helpful: bool, theme: str | None = None,
                        ticket_ref: str | None = None) -> None:
        """"Nuttig / niet nuttig" on an answer: counted for insights, no text stored."""
        with self.db.session() as s:
            ticket_id = s.scalar(select(Ticket.id).where(Ticket.ref == ticket_ref)) if ticket_ref else None
            s.add(Feedback(conversation_id=conversation_id, helpful=helpful, theme=theme, ticket_id=ticket_id,
                           at=self.clock()))

    def recover_interrupted(self, older_than: timedelta, notice: Callable[[str, str, str | None], str],
                            limit: int = 50) -> list[str]:
        """Questions a process began answering and never finished (it died, or the database went away before
        the answer was recorded) become tickets, and the asker is told on their channel. Each question is
        taken, handed over and told in one transaction, so two workers never recover it twice.

        ``notice(language, ticket_ref, urgent_category)`` gives the text for the asker. Returns the refs."""
        now = self.clock()
        cutoff = now - older_than
        with self.db.session() as s:
            ids = list(s.scalars(select(Message.id).where(Message.pending_since < cutoff)
                                 .order_by(Message.id).limit(limit)))
        refs = []
        for message_id in ids:
            with self.db.session() as s:
                m = s.scalars(select(Message).where(Message.id == message_id, Message.pending_since < cutoff)
                              .with_for_update(skip_locked=True)).first()
                if m is None:  # finished late after all, or another worker has it
                    continue
                conv = s.get(Conversation, m.conversation_id)
                tri = triage(m.text)
                category = tri.category if tri.urgent else None
                lang = lang_mod.detect(m.text)
                ref, ticket = self._create(s, TicketRequest(
                    priority=Priority.URGENT if tri.urgent else Priority.NORMAL,
                    reason=Reason.URGENT if tri.urgent else Reason.INTERRUPTED, detail=category,
                    channel=conv.channel, asker=conv.asker, conversation_id=conv.id, question=m.text,
                    theme=category, region=conv.region, role=conv.role, language=lang), now)
                m.pending_since = None
                text = notice(lang, ref.ref, category)
                s.add(Message(conversation_id=conv.id, ticket_id=ticket.id, author="assistant", text=text,
                              kind="handover", citations=[], at=now))
                s.add(Delivery(idempotency_key=f"interrupted-{m.id}", ticket_id=ticket.id, channel=conv.channel,
                               asker=conv.asker, conversation_id=conv.id, text=text, created_at=now,
                               next_attempt_at=now))
                audit(s, None, "ticket.recovered", ticket, message=m.id)
                refs.append(ref.ref)
        return refs

    def asker_followup(self, conversation_id: str, redacted_text: str) -> TicketRef | None:
        """The asker answers a question an advisor asked: the text joins the ticket, which is reopened."""
        now = self.clock()
        with self.db.session() as s:
            ticket = s.scalars(select(Ticket).where(Ticket.conversation_id == conversation_id,
                                                    Ticket.status == NEEDS_INFO)
                               .order_by(Ticket.updated_at.desc()).limit(1).with_for_update()).first()
            if ticket is None:
                return None
            self._reopen(s, ticket, redacted_text, now)
            return TicketRef(ticket.ref, ticket.deadline)

    @staticmethod
    def _same_question(s: Session, conversation_id: str, request: TicketRequest, now: datetime) -> Ticket | None:
        return s.scalars(select(Ticket).where(
            Ticket.conversation_id == conversation_id, Ticket.question == request.question,
            Ticket.priority == request.priority, Ticket.status.in_(OPEN_STATES),
            Ticket.created_at >= now - RETRY_WINDOW).order_by(Ticket.id.desc()).limit(1)).first()

    @staticmethod
    def _open_normal(s: Session, conversation_id: str) -> Ticket | None:
        return s.scalars(select(Ticket).where(
            Ticket.conversation_id == conversation_id, Ticket.priority == Priority.NORMAL,
            Ticket.status.in_(OPEN_STATES)).order_by(Ticket.id.desc()).limit(1).with_for_update()).first()

    def _reopen_recent(self, s: Session, conversation_id: str, text: str, now: datetime) -> Ticket | None:
        cutoff = now - timedelta(days=self.policy.reopen_days)
        ticket = s.scalars(select(Ticket).where(
            Ticket.conversation_id == conversation_id, Ticket.priority == Priority.NORMAL,
            Ticket.status.in_((NEEDS_INFO, ANSWERED, CLOSED)), Ticket.updated_at >= cutoff)
            .order_by(Ticket.updated_at.desc()).limit(1).with_for_update()).first()
        if ticket is not None:
            self._reopen(s, ticket, text, now)
        return ticket

    def _reopen(self, s: Session, ticket: Ticket, text: str, now: datetime) -> None:
        # The asker's text itself is in the conversation (the engine stores every turn).
        ticket.status = REOPENED
        ticket.deadline = self._deadline(ticket.priority, now)
        ticket.updated_at = now
        ticket.closed_at = None
        ticket.reminded_at = None
        ticket.escalated = False
        audit(s, None, "ticket.reopened", ticket)

    def _conversation(self, s: Session, channel, asker, conversation_id, language, region, role) -> Conversation:
        conv = s.get(Conversation, conversation_id)
        now = self.clock()
        if conv is None:
            conv = Conversation(id=conversation_id, channel=channel, asker=asker, language=language,
                                region=region, role=role, created_at=now, last_seen_at=now)
            s.add(conv)
            s.flush()
        else:
            conv.last_seen_at = now
        return conv


def _new_ref(priority: Priority) -> str:
    return ("U-" if priority == Priority.URGENT else "T-") + secrets.token_hex(4).upper()
