"""Ticket lifecycle and routing rules, on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.storage.models import AuditEntry, Advisor, Delivery, Ticket
from bot.handover.service import QueuePolicy, QueueService, TicketError

from .helpers import advisor, handover, team


@pytest.fixture
def queue(db, clock):
    return QueueService(db, QueuePolicy(urgent_minutes=15, normal_hours=16, reopen_days=14,
                                        remind_every_minutes=60), clock=clock)


def _ticket(db, ref) -> Ticket:
    with db.session() as s:
        return s.scalars(select(Ticket).where(Ticket.ref == ref)).one()


def _queue(queue, advisor_id, name):
    with queue.db.session() as s:
        return [t.ref for t in queue.queue(s, s.get(Advisor, advisor_id), name)]


def test_routing_prefers_theme_and_region_and_skips_unstaffed_teams(db, queue):
    general = team(db, "Algemeen", default=True)
    depol = team(db, "Depolarisatie", themes=["depolarisatie"])
    depol_noord = team(db, "Depolarisatie Noord", themes=["depolarisatie"], regions=["Groningen"])
    moskee = team(db, "Veilige Moskee", themes=["veilige-moskee"], backup=general)
    for t in (general, depol, depol_noord):
        advisor(db, f"a{t}@example.org", t)
    assert _ticket(db, handover(queue, "r1", "depolarisatie", "Groningen").ref).team_id == depol_noord
    assert _ticket(db, handover(queue, "r2", "depolarisatie", "Utrecht").ref).team_id == depol
    assert _ticket(db, handover(queue, "r3", "ondermijning").ref).team_id == general
    # Veilige Moskee has nobody (yet): its backup takes the ticket, no ticket waits on an empty team.
    assert _ticket(db, handover(queue, "r4", "veilige-moskee").ref).team_id == general
    advisor(db, "moskee@example.org", moskee)
    assert _ticket(db, handover(queue, "r5", "veilige-moskee").ref).team_id == moskee
    # A team whose only member left (inactive) is unstaffed again.
    with db.session() as s:
        s.scalars(select(Advisor).where(Advisor.email == "moskee@example.org")).one().active = False
    assert _ticket(db, handover(queue, "r6", "veilige-moskee").ref).team_id == general


def test_full_lifecycle_with_question_back_to_the_asker(db, queue, clock):
    t = team(db, "Team", default=True)
    a, b = advisor(db, "a@example.org", t), advisor(db, "b@example.org", t)
    ref = handover(queue).ref
    tk = _ticket(db, ref)
    assert tk.status == "new" and tk.deadline == clock.now + timedelta(days=2)  # 16 office hours later
    assert ref in _queue(queue, a, "team") and ref in _queue(queue, b, "team")

    assert queue.claim(ref, a) and not queue.claim(ref, b)
    assert _queue(queue, a, "mine") == [ref] and ref not in _queue(queue, b, "team")
    with pytest.raises(TicketError):
        queue.reply(ref, b, "Ik neem het over.")  # not b's ticket

    clock.advance(hours=1)
    queue.reply(ref, a, "Om welke gemeente gaat het?", kind="question")
    tk = _ticket(db, ref)
    assert tk.status == "needs_info" and tk.deadline is None  # the clock stops while the asker is asked
    assert _queue(queue, a, "waiting") == [ref]

    clock.advance(hours=2)
    again = queue.asker_followup("c1", "Het gaat om een middelgrote gemeente.")
    assert again.ref == ref
    tk = _ticket(db, ref)
    assert tk.status == "reopened" and tk.assignee_id == a and tk.deadline > clock.now
    assert _queue(queue, a, "mine") == [ref]
    assert not queue.claim(ref, b)  # reopened stays with its advisor

    queue.reply(ref, a, "Begin met een gesprek met beide groepen.")
    assert _ticket(db, ref).status == "answered"
    queue.close(ref, a)
    assert _ticket(db, ref).status == "closed"
    with db.session() as s:
        deliveries = s.scalars(select(Delivery).order_by(Delivery.id)).all()
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert [d.status for d in deliveries] == ["pending", "pending"]
    assert deliveries[0].text.startswith("Een ESS-adviseur heeft een vraag") and ref in deliveries[1].text
    assert len({d.idempotency_key for d in deliveries}) == 2
    assert actions == ["advisor.created", "advisor.created", "ticket.created", "ticket.claimed",
                       "ticket.asked_info", "ticket.reopened", "ticket.answered", "ticket.closed"]


def test_asker_writing_after_an_answer_reopens_instead_of_a_new_ticket(db, queue, clock):
    t = team(db, "Team", default=True)
    a = advisor(db, "a@example.org", t)
    ref = handover(queue, "conv").ref
    queue.reply(ref, a, "Antwoord.")  # replying to a new ticket claims it
    clock.advance(days=3)
    assert handover(queue, "conv").ref == ref and _ticket(db, ref).status == "reopened"
    # Urgent is never folded into an old ticket.
    urgent = handover(queue, "conv", priority="urgent").ref
    assert urgent != ref and urgent.startswith("U-")
    # After the reopen window a new ticket starts.
    queue.reply(ref, a, "Nog een antwoord.")
    clock.advance(days=15)
    assert handover(queue, "conv").ref != ref


def test_transfer_release_and_permissions(db, queue):
    t1, t2 = team(db, "Een", default=True), team(db, "Twee")
    a, b, c = advisor(db, "a@example.org", t1), advisor(db, "b@example.org", t2), advisor(db, "c@example.org", t2)
    ref = handover(queue).ref
    assert queue.claim(ref, a)
    queue.transfer(ref, a, team_id=t2, note="Regio Twee")
    tk = _ticket(db, ref)
    assert (tk.status, tk.team_id, tk.assignee_id) == ("new", t2, None)
    assert ref in _queue(queue, b, "team") and ref not in _queue(queue, a, "team")
    queue.transfer(ref, b, advisor_id=c)
    assert _queue(queue, c, "mine") == [ref]
    with pytest.raises(TicketError):
        queue.release(ref, b)
    queue.release(ref, c)
    assert _ticket(db, ref).status == "new"
    with pytest.raises(TicketError):
        queue.transfer(ref, a)
    # Team Twee's ticket: a (team Een) may not close it (before this rule, a could) nor take it to itself
    with pytest.raises(TicketError, match="hoort niet bij uw team"):
        queue.close(ref, a)
    with pytest.raises(TicketError, match="hoort niet bij uw team"):
        queue.transfer(ref, a, advisor_id=a)
    queue.close(ref, b)
    with pytest.raises(TicketError):
        queue.transfer(ref, a, team_id=t1)
    with pytest.raises(TicketError):
        queue.reply(ref, a, "te laat")
    with pytest.raises(TicketError):
        queue.reply(handover(queue, "x").ref, a, "   ")


def test_urgent_first_overdue_reminders_and_escalation_to_backup(db, queue, clock):
    backup = team(db, "Achtervang")
    main = team(db, "Hoofd", default=True, backup=backup)
    a, z = advisor(db, "a@example.org", main), advisor(db, "z@example.org", backup)
    normal = handover(queue, "n1").ref
    clock.advance(minutes=1)
    urgent = handover(queue, "u1", priority="urgent").ref
    assert _queue(queue, a, "team") == [urgent, normal]  # urgent first, whatever the order of arrival
    assert _queue(queue, a, "urgent") == [urgent] and _queue(queue, z, "urgent") == [urgent]
    assert urgent not in _queue(queue, z, "team")

    clock.advance(minutes=16)
    assert _queue(queue, a, "overdue") == [urgent]
    assert queue.remind_overdue() == [urgent]
    assert queue.remind_overdue() == []  # not again within the interval
    assert urgent in _queue(queue, z, "team")  # escalated: the backup team sees it now
    clock.advance(minutes=61)
    assert queue.remind_overdue() == [urgent]
    assert queue.claim_next(a) == urgent
    assert queue.claim_next(a) == normal and queue.claim_next(a) is None


def test_stale_answered_tickets_close_themselves(db, queue, clock):
    t = team(db, "Team", default=True)
    a = advisor(db, "a@example.org", t)
    ref = handover(queue).ref
    queue.reply(ref, a, "Antwoord.")
    clock.advance(days=6)
    assert queue.close_stale() == 0
    clock.advance(days=2)
    assert queue.close_stale() == 1 and _ticket(db, ref).status == "closed"


def test_unrouted_tickets_are_visible_to_every_team(db, queue):
    ref = handover(queue).ref  # no teams at all yet
    assert _ticket(db, ref).team_id is None
    t = team(db, "Team")
    a = advisor(db, "a@example.org", t)
    assert ref in _queue(queue, a, "team")


def test_retention_deletes_old_messages_and_anonymises_old_closed_tickets(db, queue, clock):
    from bot.handover.conversations import DbConversations
    from bot.storage.models import Message, Reply

    t = team(db, "Team", default=True)
    a = advisor(db, "a@example.org", t)
    conversations = DbConversations(db)
    ref = handover(queue, "old").ref
    conversations.append("old", "user", "Oude vraag over de wijk")
    queue.reply(ref, a, "Oud antwoord.")
    queue.close(ref, a)
    open_ref = handover(queue, "recent").ref
    assert not any(queue.apply_retention(30).values())
    clock.advance(days=31)
    conversations.append("recent", "user", "Nieuwe vraag")
    with db.session() as s:  # DbConversations stamps with the real clock: put both on the test's clock
        for m in s.scalars(select(Message)):
            m.at = clock.now - timedelta(days=31) if m.conversation_id == "old" else clock.now
    counts = queue.apply_retention(30)
    assert counts["messages"] >= 1 and counts["tickets_anonymised"] == 1 and counts["deliveries"] == 0
    with db.session() as s:
        old = s.scalars(select(Ticket).where(Ticket.ref == ref)).one()
        assert old.question == "[verlopen bewaartermijn]" and old.context == [] and old.draft is None
        assert [r.text for r in s.scalars(select(Reply).where(Reply.ticket_id == old.id))] == ["[verlopen]"]
        assert s.scalars(select(Ticket).where(Ticket.ref == open_ref)).one().question.startswith("Vraag over")
        texts = [m.text for m in s.scalars(select(Message))]
    assert "Oude vraag over de wijk" not in texts and "Nieuwe vraag" in texts
    assert queue.apply_retention(30)["tickets_anonymised"] == 0  # idempotent


def test_the_same_question_sent_again_soon_is_one_ticket(db, queue, clock):
    """A client that lost the response (a 503 after the ticket was made) sends the question again: it gets
    the same ticket; a different conversation is a new ticket; after an answer it reopens as usual."""
    t = team(db, "Team", default=True)
    a = advisor(db, "a@example.org", t)
    question = "Hoe organiseer ik een wijkavond? [NAAM]"
    ref = handover(queue, "conv", question=question).ref
    clock.advance(minutes=1)
    assert handover(queue, "conv", question=question).ref == ref
    assert _ticket(db, ref).status == "new"
    assert handover(queue, "other-conv", question=question).ref != ref
    queue.reply(ref, a, "Antwoord.")
    assert handover(queue, "conv", question=question).ref == ref and _ticket(db, ref).status == "reopened"
    with db.session() as s:
        assert len(s.scalars(select(Ticket).where(Ticket.conversation_id == "conv")).all()) == 1
