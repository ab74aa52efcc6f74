"""What advisors do with tickets: claim, take the next, reply or ask back, release, transfer, close, and the
queues they work from. Every action checks the advisor's rights (``access``) in its own transaction; a
reply and its outbox delivery are written together, so a reply is never lost nor sent twice.
"""
from __future__ import annotations

import secrets

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from bot.i18n import labels, text as T
from bot.privacy import get_redactor
from bot.storage.audit import audit
from bot.storage.models import (ANSWERED, CLAIMED, CLOSED, NEEDS_INFO, NEW, OPEN_STATES, REOPENED, Advisor, Delivery,
                                Message, Priority, Reply, Team, Ticket)

from . import access
from .policy import QueuePart, TicketError

QUEUES = ("mine", "team", "urgent", "overdue", "waiting", "answered")

STATUS_NL = labels("console.status")  # status value -> Dutch label
KIND_NL = labels("console.kind")  # the redactor's kind (NAAM, EMAIL, ...) -> Dutch label


class PersonalDataInReply(TicketError):
    """An advisor's reply names personal data (of the asker or of someone else). Nothing is stored; the advisor
    rewrites it, or confirms that it is meant (e.g. the asker's own details, an organisation's address)."""

    def __init__(self, kinds: list[str]):
        self.kinds = kinds
        super().__init__(T("console.refusal.personal_data", kinds=", ".join(kinds)))


class AdvisorActions(QueuePart):
    """The ticket lifecycle from the advisor's side: claimed -> answered | needs_info, release, transfer, close."""

    def claim(self, ref: str, advisor_id: int) -> bool:
        """Atomic: of two advisors claiming at once exactly one wins (a conditional UPDATE). Only a ticket
        in the advisor's scope (``access``); TicketError otherwise."""
        now = self.clock()
        with self.db.session() as s:
            self._authorise(s, self.get(s, ref), advisor_id, "claim", claimant_only=False)
            res = s.execute(update(Ticket).where(
                Ticket.ref == ref,
                or_(Ticket.status == NEW,
                    and_(Ticket.status == REOPENED,
                         or_(Ticket.assignee_id.is_(None), Ticket.assignee_id == advisor_id))))
                .values(status=CLAIMED, assignee_id=advisor_id, claimed_at=now, updated_at=now)
                .execution_options(synchronize_session=False))
            if res.rowcount != 1:
                return False
            ticket = s.scalars(select(Ticket).where(Ticket.ref == ref)).one()
            audit(s, advisor_id, "ticket.claimed", ticket)
            return True

    def claim_next(self, advisor_id: int) -> str | None:
        """The most pressing ticket of the advisor's queues; concurrent callers each get a different one
        (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the database-wide write lock on SQLite)."""
        now = self.clock()
        with self.db.session() as s:
            advisor = s.get(Advisor, advisor_id)
            q = (select(Ticket).where(Ticket.status == NEW, self._team_filter(s, advisor))
                 .order_by(_priority_order(), Ticket.deadline, Ticket.id).limit(1))
            q = q.with_for_update(skip_locked=True)
            ticket = s.scalars(q).first()
            if ticket is None:
                return None
            if not access.in_scope(s, ticket, advisor):  # an admin without a team takes from every queue
                self._authorise(s, ticket, advisor_id, "claim", claimant_only=False)
            ticket.status, ticket.assignee_id, ticket.claimed_at, ticket.updated_at = CLAIMED, advisor_id, now, now
            audit(s, advisor_id, "ticket.claimed", ticket, next=True)
            return ticket.ref

    def reply(self, ref: str, advisor_id: int, text: str, kind: str = "answer", personal_data_confirmed: bool = False
              ) -> Reply:
        """An answer (-> answered) or a question back to the asker (-> needs_info), and its delivery. A reply
        with personal data in it is refused (PersonalDataInReply) unless the advisor confirmed it; the
        confirmation is audited."""
        text = (text or "").strip()
        if not text:
            raise TicketError(T("console.refusal.reply_empty"))
        if kind not in ("answer", "question"):
            raise TicketError(T("console.refusal.reply_kind"))
        found = personal_data_kinds(text)
        if found and not personal_data_confirmed:
            raise PersonalDataInReply(found)
        now = self.clock()
        with self.db.session() as s:
            ticket = self._locked(s, ref)
            if ticket.status == NEW or (ticket.status == REOPENED and ticket.assignee_id is None):
                self._authorise(s, ticket, advisor_id, "reply", claimant_only=False)
                ticket.assignee_id, ticket.claimed_at = advisor_id, now  # replying claims
            elif ticket.status not in (CLAIMED, REOPENED):
                raise TicketError(T("console.refusal.reply_status", status=_status_nl(ticket.status)))
            elif ticket.assignee_id != advisor_id:  # no override here: an admin takes it over first (transfer)
                raise TicketError(access.NOT_YOURS)
            reply = Reply(ticket_id=ticket.id, advisor_id=advisor_id, kind=kind, text=text, created_at=now)
            s.add(reply)
            s.flush()
            s.add(Message(conversation_id=ticket.conversation_id, ticket_id=ticket.id, author="advisor", text=text,
                          at=now))
            s.add(Delivery(idempotency_key=f"reply-{reply.id}-{secrets.token_hex(8)}", reply_id=reply.id,
                           ticket_id=ticket.id, channel=ticket.channel, asker=ticket.asker,
                           conversation_id=ticket.conversation_id, text=_with_ref(text, ticket, kind),
                           created_at=now, next_attempt_at=now))
            if kind == "answer":
                ticket.status, ticket.answered_at, ticket.deadline = ANSWERED, now, None
            else:
                ticket.status, ticket.deadline = NEEDS_INFO, None  # the clock stops while the asker is asked
            ticket.updated_at, ticket.escalated = now, False
            audit(s, advisor_id, "ticket.answered" if kind == "answer" else "ticket.asked_info", ticket,
                  reply=reply.id)
            if found:  # which kinds, never the values
                audit(s, advisor_id, "reply.personal_data_confirmed", ticket, reply=reply.id, kinds=",".join(found))
            return reply

    def release(self, ref: str, advisor_id: int) -> None:
        with self.db.session() as s:
            ticket = self._locked(s, ref)
            if ticket.status not in (CLAIMED, REOPENED) or ticket.assignee_id is None:
                raise TicketError(T("console.refusal.release_not_yours"))
            if ticket.assignee_id != advisor_id:
                advisor = s.get(Advisor, advisor_id)
                if advisor is None or not advisor.has_role("admin"):
                    raise TicketError(T("console.refusal.release_not_yours"))
                self._authorise(s, ticket, advisor_id, "release", claimant_only=True)
            ticket.status, ticket.assignee_id, ticket.updated_at = NEW, None, self.clock()
            audit(s, advisor_id, "ticket.released", ticket)

    def transfer(self, ref: str, actor_id: int, team_id: int | None = None, advisor_id: int | None = None,
                 note: str = "") -> None:
        """To another team (back in its queue) or straight to another advisor (claimed for them)."""
        if team_id is None and advisor_id is None:
            raise TicketError(T("console.refusal.transfer_target"))
        with self.db.session() as s:
            ticket = self._locked(s, ref)
            if ticket.status not in OPEN_STATES:
                raise TicketError(T("console.refusal.transfer_status", status=_status_nl(ticket.status)))
            self._authorise(s, ticket, actor_id, "transfer", claimant_only=True)
            now = self.clock()
            if advisor_id is not None:
                target = s.get(Advisor, advisor_id)
                if target is None or not target.active:
                    raise TicketError(T("console.refusal.advisor_inactive"))
                ticket.assignee_id, ticket.status, ticket.claimed_at = target.id, CLAIMED, now
                ticket.team_id = target.team_id or ticket.team_id
            else:
                team = s.get(Team, team_id)
                if team is None or not team.active:
                    raise TicketError(T("console.refusal.team_inactive"))
                ticket.team_id, ticket.assignee_id, ticket.status = team.id, None, NEW
            ticket.updated_at, ticket.escalated = now, False
            audit(s, actor_id, "ticket.transferred", ticket, team=team_id, advisor=advisor_id,
                  note=get_redactor().redact(note or "").text[:300])

    def close(self, ref: str, actor_id: int | None) -> None:
        with self.db.session() as s:
            ticket = self._locked(s, ref)
            if ticket.status == CLOSED:
                raise TicketError(T("console.refusal.already_closed"))
            if actor_id is not None:  # None: the system (housekeeping)
                self._authorise(s, ticket, actor_id, "close", claimant_only=True)
            now = self.clock()
            ticket.status, ticket.closed_at, ticket.updated_at, ticket.deadline = CLOSED, now, now, None
            audit(s, actor_id, "ticket.closed", ticket)

    # ------------------------------------------------------------------ reading
    def get(self, s: Session, ref: str) -> Ticket:
        ticket = s.scalars(select(Ticket).where(Ticket.ref == ref)).first()
        if ticket is None:
            raise TicketError(T("console.refusal.ticket_not_found"))
        return ticket

    def queue(self, s: Session, advisor: Advisor, name: str, limit: int = 100) -> list[Ticket]:
        q = self._queue_query(s, advisor, name, select(Ticket).options(joinedload(Ticket.team),
                                                                       joinedload(Ticket.assignee)))
        return list(s.scalars(q.order_by(_priority_order(), Ticket.deadline.is_(None), Ticket.deadline,
                                         Ticket.id).limit(limit)))

    def counts(self, s: Session, advisor: Advisor) -> dict[str, int]:
        return {name: s.scalar(self._queue_query(s, advisor, name, select(func.count()).select_from(Ticket)))
                for name in QUEUES}

    def _queue_query(self, s: Session, advisor: Advisor, name: str, base):
        now = self.clock()
        if name == "mine":
            q = base.where(Ticket.assignee_id == advisor.id, Ticket.status.in_((CLAIMED, REOPENED)))
        elif name == "team":
            q = base.where(Ticket.status.in_(OPEN_STATES), Ticket.assignee_id.is_(None), self._team_filter(s, advisor))
        elif name == "urgent":
            q = base.where(Ticket.priority == Priority.URGENT, Ticket.status.in_(OPEN_STATES))
        elif name == "overdue":
            q = base.where(Ticket.status.in_(OPEN_STATES), Ticket.deadline < now, self._team_filter(s, advisor))
        elif name == "waiting":
            q = base.where(Ticket.status == NEEDS_INFO, self._team_filter(s, advisor))
        elif name == "answered":
            q = base.where(Ticket.status == ANSWERED, self._team_filter(s, advisor))
        else:
            raise TicketError(T("console.refusal.queue_unknown"))
        return q

    def _team_filter(self, s: Session, advisor: Advisor):
        """An advisor's team queue: own team, unrouted tickets, and overdue ones escalated from teams it backs."""
        if advisor.has_role("admin") and advisor.team_id is None:
            return Ticket.id.is_not(None)
        backed = select(Team.id).where(Team.backup_team_id == advisor.team_id)
        return or_(Ticket.team_id == advisor.team_id, Ticket.team_id.is_(None),
                   and_(Ticket.escalated, Ticket.team_id.in_(backed)))

    @staticmethod
    def _authorise(s: Session, ticket: Ticket, advisor_id: int, action: str, claimant_only: bool) -> None:
        try:
            access.authorise(s, ticket, s.get(Advisor, advisor_id), action, claimant_only=claimant_only)
        except PermissionError as exc:
            raise TicketError(str(exc)) from None

    def _locked(self, s: Session, ref: str) -> Ticket:
        ticket = s.scalars(select(Ticket).where(Ticket.ref == ref).with_for_update()).first()
        if ticket is None:
            raise TicketError(T("console.refusal.ticket_not_found"))
        return ticket


def personal_data_kinds(text: str) -> list[str]:
    """The kinds of personal data in a text, in Dutch (no values)."""
    return sorted({KIND_NL.get(s.kind, s.kind.lower()) for s in get_redactor().find(text)})


def _priority_order():
    return case((Ticket.priority == Priority.URGENT, 0), else_=1)


def _status_nl(status: str) -> str:
    return STATUS_NL.get(status, status)


def _with_ref(text: str, ticket: Ticket, kind: str) -> str:
    """What the asker receives: the advisor's text, headed by the ticket it answers."""
    lang = "en" if ticket.language == "en" else "nl"
    if kind == "answer":
        return f"{T('queue.reply.answer', lang, ref=ticket.ref)}\n\n{text}"
    return f"{T('queue.reply.ask', lang, ref=ticket.ref)}\n\n{text}\n\n{T('queue.reply.ask_tail', lang)}"
