"""The queue by job: each part stands alone (the worker runs intake and housekeeping without the rest), and a
hand-over's reason travels as a ``Reason`` with its detail, stored in the form it always had."""
from __future__ import annotations

from datetime import timedelta
from itertools import combinations

import pytest
from sqlalchemy import select, update

from bot.engine.tickets import TicketRequest
from bot.handover.actions import AdvisorActions
from bot.handover.conversations import DbConversations
from bot.handover.housekeeping import Housekeeping
from bot.handover.intake import Intake
from bot.handover.service import QueueService
from bot.handover.summary import case_summary, reason_nl
from bot.handover.worker import Worker
from bot.storage.models import Delivery, Message, Priority, Reason, Ticket, utcnow


def _own(cls) -> set[str]:
    return {name for name in vars(cls) if not name.startswith("__")}


def test_the_parts_share_no_names_so_the_combined_service_hides_none():
    for a, b in combinations((Intake, AdvisorActions, Housekeeping), 2):
        assert not _own(a) & _own(b), (a.__name__, b.__name__, _own(a) & _own(b))
    assert not _own(QueueService)  # all behaviour lives in the parts


@pytest.mark.parametrize("reason, detail, stored, summary", [
    (Reason.OUT_OF_SCOPE, "legal", "out_of_scope:legal", "De vraag valt buiten wat de ESS doet. (juridisch advies)"),
    (Reason.NOT_IN_SOURCES, "amount", "not_in_sources:amount",
     "De handreikingen gaan over het onderwerp, maar bevatten niet wat gevraagd wordt. (een bedrag)"),
    (Reason.LOW_CONFIDENCE, None, "low_confidence", "De kennisbank gaf geen betrouwbaar antwoord."),
    (Reason.URGENT, "self_harm", "urgent:self_harm",
     "Urgent: suïcide of zelfbeschadiging. De vrager kreeg direct 112/113-informatie."),
    (Reason.URGENT_POSSIBLE, "child_in_danger", "urgent_possible:child_in_danger",
     "Mogelijk acuut: kind in gevaar. Controleer of er gevaar is; de vrager kreeg 112/113-informatie en daarna "
     "het antwoord uit de kennisbank."),
])
def test_a_reason_and_its_detail_are_stored_as_one_string_and_read_back_for_the_advisor(db, reason, detail,
                                                                                       stored, summary):
    priority = Priority.URGENT if reason in (Reason.URGENT, Reason.URGENT_POSSIBLE) else Priority.NORMAL
    ref = Intake(db).create(TicketRequest(priority=priority, reason=reason, detail=detail, channel="api",
                                          asker="asker-1", conversation_id="c1", question="Vraag [NAAM]"))
    with db.session() as s:
        ticket = s.scalars(select(Ticket).where(Ticket.ref == ref.ref)).one()
        assert ticket.reason == stored and ticket.priority == priority
        assert case_summary(s, ticket).reason == summary


def test_reasons_of_older_rows_still_read():
    assert reason_nl("urgent:violence,weapon").startswith("Urgent: dreigend geweld, wapens.")
    assert reason_nl("urgent:").startswith("Urgent: acute situatie.")
    assert reason_nl("retired_reason:legal") == "retired_reason (juridisch advies)"


def test_the_worker_recovers_and_keeps_house_with_its_parts(settings, db):
    conversations = DbConversations(db)
    conversations.begin("c-lost", "Hoe richt ik me op de middengroep bij spanningen?", channel="web", asker="p-1")
    with db.session() as s:  # the answering process died long ago
        s.execute(update(Message).values(pending_since=utcnow() - timedelta(hours=1)))
    month_ago = utcnow() - timedelta(days=30)
    late = QueueService(db, clock=lambda: month_ago).create(TicketRequest(
        priority=Priority.NORMAL, reason=Reason.LOW_CONFIDENCE, channel="api", asker="p-2", conversation_id="c-late",
        question="Vraag"))

    worker = Worker(settings, db, {})
    [recovered] = worker.recover()
    worker.housekeeping()

    with db.session() as s:
        ticket = s.scalars(select(Ticket).where(Ticket.ref == recovered)).one()
        assert (ticket.reason, ticket.priority, ticket.conversation_id) == ("interrupted", "normal", "c-lost")
        assert s.scalars(select(Delivery).where(Delivery.ticket_id == ticket.id)).one().channel == "web"
        overdue = s.scalars(select(Ticket).where(Ticket.ref == late.ref)).one()
        assert overdue.escalated and overdue.reminded_at is not None
