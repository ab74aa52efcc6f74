"""The ticket lifecycle: created by the engine, claimed, answered, closed by advisors.

new -> claimed -> answered -> closed, and besides: claimed -> needs_info (a question
back to the asker), transfer to another team or advisor, release, and reopened
when the asker writes again. Every change is one transaction; a reply and its
outbox delivery are written together, so a reply is never lost nor sent twice.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from bot.engine.tickets import TicketRef, TicketRequest, deadline_for

from . import access, askerdata, routing
from bot.storage.audit import audit
from bot.storage.db import Database
from bot.storage.models import (ANSWERED, CLAIMED, CLOSED, NEEDS_INFO, NEW, OPEN_STATES, REOPENED, Advisor, Conversation,
                     Delivery, Feedback, Message, Priority, Reason, Reply, Team, Ticket, utcnow)


class TicketError(Exception):
    """An action that the ticket's state or the advisor's rights do not allow; ``str`` is Dutch for the UI."""


class PersonalDataInReply(TicketError):
    """An advisor's reply names personal data (of the asker or of someone else). Nothing is stored; the advisor
    rewrites it, or confirms that it is meant (e.g. the asker's own details, an organisation's address)."""

    def __init__(self, kinds: list[str]):
        self.kinds = kinds
        super().__init__("Uw antwoord bevat persoonsgegevens (" + ", ".join(kinds) + "). Haal ze weg, of bevestig "
                         "dat ze naar de vrager mogen (bijvoorbeeld de eigen gegevens van de vrager of het adres van "
                         "een organisatie). Gegevens van anderen horen niet in een antwoord.")


@dataclass
class QueuePolicy:
    urgent_minutes: int = 15
    normal_hours: int = 16  # working hours
    reopen_days: int = 14  # an asker writing within this after an answer reopens the ticket
    remind_every_minutes: int = 60

    @classmethod
    def from_settings(cls, s) -> "QueuePolicy":
        return cls(s.reply_target_urgent_minutes, s.reply_target_normal_hours, s.reopen_window_days,
                   s.reminder_interval_minutes)


QUEUES = ("mine", "team", "urgent", "overdue", "waiting", "answered")


# The same question again this soon after its ticket was made, still unanswered, is a retry (the first
# response was lost): it gets that ticket back, not a second one. Once answered, the same question again
# reopens the ticket like any message after an answer (a retry cannot be told from a repeat there).
RETRY_WINDOW = timedelta(minutes=15)


class QueueService:
    """Implements the engine's ``TicketSink`` and everything advisors do with tickets."""

    def __init__(self, db: Database, policy: QueuePolicy | None = None, clock: Callable[[], datetime] = utcnow):
        self.db = db
        self.policy = policy or QueuePolicy()
        self.clock = clock

    # ------------------------------------------------------------------ engine side
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
        if request.priority != "urgent":
            # A second hand-over while the first is still open (typed "ik wil een adviseur" and then the
            # button) joins it: one conversation, one advisor, one reply. The text is in the conversation.
            joined = self._open_normal(s, conv.id)
            if joined is not None:
                joined.updated_at = now
                audit(s, None, "ticket.joined", joined, reason=request.stored_reason)
                return TicketRef(joined.ref, joined.deadline), joined
            reopened = self._reopen_recent(s, conv.id, request.question, now)
            if reopened is not None:
                return TicketRef(reopened.ref, reopened.deadline), reopened
        deadline = self._deadline(request.priority, now)
        team = routing.route(s, request.theme, request.region)
        ticket = Ticket(
            ref=_new_ref(request.priority), status=NEW, priority=request.priority, reason=request.stored_reason,
            theme=request.theme, region=request.region, role=request.role, language=request.language,
            channel=request.channel, asker=request.asker, conversation_id=conv.id, question=request.question,
            context=list(request.context), draft=getattr(request, "draft", None),
            team_id=team.id if team else None, created_at=now, updated_at=now, deadline=deadline)
        s.add(ticket)
        s.flush()
        audit(s, None, "ticket.created", ticket, reason=request.stored_reason, priority=request.priority,
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
        from bot.engine import language as lang_mod
        from bot.triage import triage

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
                text = notice(lang, ref.ref, category if tri.urgent else None)
                s.add(Message(conversation_id=conv.id, ticket_id=ticket.id, author="assistant",
                              text=f"[handover] {text[:500]}", at=now))
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
            Ticket.conversation_id == conversation_id, Ticket.priority == "normal",
            Ticket.status.in_(OPEN_STATES)).order_by(Ticket.id.desc()).limit(1).with_for_update()).first()

    def _reopen_recent(self, s: Session, conversation_id: str, text: str, now: datetime) -> Ticket | None:
        cutoff = now - timedelta(days=self.policy.reopen_days)
        ticket = s.scalars(select(Ticket).where(
            Ticket.conversation_id == conversation_id, Ticket.priority == "normal",
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

    def _deadline(self, priority: str, now: datetime) -> datetime:
        return deadline_for(priority, now, self.policy.urgent_minutes, self.policy.normal_hours)

    # ------------------------------------------------------------------ advisor side
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
            raise TicketError("Het antwoord is leeg.")
        if kind not in ("answer", "question"):
            raise TicketError("Onbekend soort antwoord.")
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
                raise TicketError(f"Dit ticket kan niet beantwoord worden (status: {_status_nl(ticket.status)}).")
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
                raise TicketError("Alleen uw eigen geclaimde tickets kunt u teruggeven.")
            if ticket.assignee_id != advisor_id:
                advisor = s.get(Advisor, advisor_id)
                if advisor is None or not advisor.has_role("admin"):
                    raise TicketError("Alleen uw eigen geclaimde tickets kunt u teruggeven.")
                self._authorise(s, ticket, advisor_id, "release", claimant_only=True)
            ticket.status, ticket.assignee_id, ticket.updated_at = NEW, None, self.clock()
            audit(s, advisor_id, "ticket.released", ticket)

    def transfer(self, ref: str, actor_id: int, team_id: int | None = None, advisor_id: int | None = None,
                 note: str = "") -> None:
        """To another team (back in its queue) or straight to another advisor (claimed for them)."""
        if team_id is None and advisor_id is None:
            raise TicketError("Kies een team of een adviseur.")
        with self.db.session() as s:
            ticket = self._locked(s, ref)
            if ticket.status not in OPEN_STATES:
                raise TicketError(f"Dit ticket kan niet worden overgedragen (status: {_status_nl(ticket.status)}).")
            self._authorise(s, ticket, actor_id, "transfer", claimant_only=True)
            now = self.clock()
            if advisor_id is not None:
                target = s.get(Advisor, advisor_id)
                if target is None or not target.active:
                    raise TicketError("Deze adviseur bestaat niet of is niet actief.")
                ticket.assignee_id, ticket.status, ticket.claimed_at = target.id, CLAIMED, now
                ticket.team_id = target.team_id or ticket.team_id
            else:
                team = s.get(Team, team_id)
                if team is None or not team.active:
                    raise TicketError("Dit team bestaat niet of is niet actief.")
                ticket.team_id, ticket.assignee_id, ticket.status = team.id, None, NEW
            ticket.updated_at, ticket.escalated = now, False
            audit(s, actor_id, "ticket.transferred", ticket, team=team_id, advisor=advisor_id,
                  note=_redacted(note)[:300])

    def close(self, ref: str, actor_id: int | None) -> None:
        with self.db.session() as s:
            ticket = self._locked(s, ref)
            if ticket.status == CLOSED:
                raise TicketError("Dit ticket is al gesloten.")
            if actor_id is not None:  # None: the system (housekeeping)
                self._authorise(s, ticket, actor_id, "close", claimant_only=True)
            now = self.clock()
            ticket.status, ticket.closed_at, ticket.updated_at, ticket.deadline = CLOSED, now, now, None
            audit(s, actor_id, "ticket.closed", ticket)

    def close_stale(self, answered_days: int = 7) -> int:
        """Answered tickets with no reaction for a week are closed (the asker can still reopen them)."""
        cutoff = self.clock() - timedelta(days=answered_days)
        with self.db.session() as s:
            tickets = s.scalars(select(Ticket).where(Ticket.status == ANSWERED, Ticket.updated_at < cutoff)
                                .with_for_update(skip_locked=True)).all()
            for t in tickets:
                t.status, t.closed_at = CLOSED, self.clock()
                audit(s, None, "ticket.closed", t, auto=True)
            return len(tickets)

    def remind_overdue(self) -> list[str]:
        """Flags overdue tickets: reminded once per interval and escalated to the backup team."""
        now = self.clock()
        again = now - timedelta(minutes=self.policy.remind_every_minutes)
        with self.db.session() as s:
            tickets = s.scalars(select(Ticket).where(
                Ticket.status.in_(OPEN_STATES), Ticket.deadline < now,
                or_(Ticket.reminded_at.is_(None), Ticket.reminded_at < again)).with_for_update(skip_locked=True)).all()
            for t in tickets:
                t.reminded_at, t.escalated = now, True
                audit(s, None, "ticket.reminded", t, overdue_minutes=int((now - t.deadline).total_seconds() // 60))
            return [t.ref for t in tickets]

    # ------------------------------------------------------------------ reading
    def get(self, s: Session, ref: str) -> Ticket:
        ticket = s.scalars(select(Ticket).where(Ticket.ref == ref)).first()
        if ticket is None:
            raise TicketError("Ticket niet gevonden.")
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
            q = base.where(Ticket.priority == "urgent", Ticket.status.in_(OPEN_STATES))
        elif name == "overdue":
            q = base.where(Ticket.status.in_(OPEN_STATES), Ticket.deadline < now, self._team_filter(s, advisor))
        elif name == "waiting":
            q = base.where(Ticket.status == NEEDS_INFO, self._team_filter(s, advisor))
        elif name == "answered":
            q = base.where(Ticket.status == ANSWERED, self._team_filter(s, advisor))
        else:
            raise TicketError("Onbekende wachtrij.")
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
            raise TicketError("Ticket niet gevonden.")
        return ticket


    def export_asker(self, asker: str, secret: str) -> dict:
        """Right of access: everything kept about one asker (all of it already redacted), as plain data.
        ``secret``: the settings' secret key, which links insight events to the asker (askerdata.py)."""
        from bot.insights.events import asker_key

        with self.db.session() as s:
            return askerdata.export(s, asker, asker_key(secret, asker))

    def erase_asker(self, asker: str, secret: str) -> dict[str, int]:
        """Right to erasure: every table that holds something of the asker (askerdata.COVERAGE); tickets and
        insight events stay only as anonymous records so the statistics still add up."""
        from bot.insights.events import asker_key

        with self.db.session() as s:
            counts = askerdata.erase(s, asker, asker_key(secret, asker), self.clock())
        askerdata.checkpoint(self.db)
        return counts

    def apply_retention(self, days: int) -> dict[str, int]:
        """Storage limitation: what is older than ``days`` keeps no trace of the asker (askerdata.retain)."""
        with self.db.session() as s:
            counts = askerdata.retain(s, days, self.clock())
        if any(counts.values()):
            askerdata.checkpoint(self.db)
        return counts

    def all(self) -> list[dict]:
        """Every ticket as a plain dict (oldest first): for exports and tests."""
        with self.db.session() as s:
            rows = s.scalars(select(Ticket).order_by(Ticket.id)).all()
            return [{c.name: getattr(t, c.name) for c in Ticket.__table__.columns} for t in rows]


KIND_NL = {"NAAM": "naam", "TELEFOON": "telefoonnummer", "EMAIL": "e-mailadres", "BSN": "BSN", "IBAN": "IBAN",
           "ADRES": "adres", "POSTCODE": "postcode", "KENTEKEN": "kenteken", "GEBOORTEDATUM": "geboortedatum",
           "ACCOUNT": "account of gebruikersnaam", "SCHOOL": "school en klas van een kind"}


def _redacted(text: str) -> str:
    from bot.privacy import get_redactor

    return get_redactor().redact(text or "").text


def personal_data_kinds(text: str) -> list[str]:
    """The kinds of personal data in a text, in Dutch (no values)."""
    from bot.privacy import get_redactor

    return sorted({KIND_NL.get(s.kind, s.kind.lower()) for s in get_redactor().find(text)})


def is_overdue(ticket: Ticket, now: datetime | None = None) -> bool:
    return ticket.status in OPEN_STATES and ticket.deadline is not None and ticket.deadline < (now or utcnow())


def _priority_order():
    return case((Ticket.priority == "urgent", 0), else_=1)


def _new_ref(priority: str) -> str:
    return ("U-" if priority == "urgent" else "T-") + secrets.token_hex(4).upper()


STATUS_NL = {NEW: "nieuw", CLAIMED: "in behandeling", NEEDS_INFO: "wacht op vrager", ANSWERED: "beantwoord",
             CLOSED: "gesloten", REOPENED: "heropend"}


def _status_nl(status: str) -> str:
    return STATUS_NL.get(status, status)


def _with_ref(text: str, ticket: Ticket, kind: str) -> str:
    """What the asker receives: the advisor's text, headed by the ticket it answers."""
    if ticket.language == "en":
        head = (f"Reply from an ESS advisor to your question {ticket.ref}:" if kind == "answer" else
                f"An ESS advisor has a question about your question {ticket.ref}:")
        tail = "" if kind == "answer" else "\n\nJust reply to this message."
    else:
        head = (f"Antwoord van een ESS-adviseur op uw vraag {ticket.ref}:" if kind == "answer" else
                f"Een ESS-adviseur heeft een vraag over uw vraag {ticket.ref}:")
        tail = "" if kind == "answer" else "\n\nU kunt gewoon op dit bericht antwoorden."
    return f"{head}\n\n{text}{tail}"

