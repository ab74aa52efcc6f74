"""The queue with the real engine and index: a hand-over reaches an advisor, the asker's reply joins the
ticket, and a reviewed advisor answer becomes citable knowledge (and disappears when retracted)."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from bot.engine.messages import InboundMessage, Kind
from bot.privacy import get_redactor
from bot.engine.tickets import OFFICE_TZ
from bot.storage.db import Database
from bot.handover.learning import EntryError, KnowledgeDesk, citation_title
from bot.storage.models import Ticket
from bot.handover.outbox import DeliveryWorker
from tests.handover.helpers import InboxSender
from bot.handover.summary import case_summary
from bot.index.store import Index
from bot.retrieval.hybrid import HybridRetriever
from bot.runtime import build_runtime
from ingest.pipeline import ingest_paths
from tests.conftest import write

from .helpers import advisor, team

KB = """# Depolarisatie

## Richt je op het midden
Bij twee groepen die elkaar uitschelden helpt het om je te richten op de middengroep die nog niet gekozen heeft.
Verleg het gesprek naar de vragen die bij die middengroep leven.
"""


@pytest.fixture
def world(settings, embeddings, tmp_path):
    write(tmp_path / "kb" / "depolarisatie" / "midden.md", KB)
    index = Index(settings, embeddings=embeddings)
    ingest_paths([tmp_path / "kb"], settings, index=index)
    db = Database(f"sqlite:///{tmp_path / 'queue.sqlite'}")
    rt = build_runtime(settings, db=db, retriever=HybridRetriever(index), redactor=get_redactor())
    yield rt.engine, rt.queue, db, index
    db.dispose()


def ask(engine, text, conv="c1"):
    return engine.handle(InboundMessage(channel="web", asker="p-123", conversation_id=conv, text=text))


def test_handover_reaches_the_advisor_with_a_case_summary_and_the_reply_reaches_the_asker(world):
    engine, queue, db, _ = world
    t = team(db, "Team", default=True)
    a = advisor(db, "a@example.org", t)
    out = ask(engine, "Ik wil een adviseur spreken over spanningen tussen twee groepen, bel 06-12345678.")
    assert out.kind is Kind.HANDOVER and out.ticket_ref in out.text and "uiterlijk" in out.text
    with db.session() as s:
        ticket = s.scalars(select(Ticket).where(Ticket.ref == out.ticket_ref)).one()
        summary = case_summary(s, ticket)
    assert "06-12345678" not in summary.question and "[TELEFOON]" in summary.question
    assert summary.reason == "De vrager wil iemand spreken."
    assert [(said.author, said.kind) for said in summary.conversation] == [("asker", None), ("assistant", "handover")]

    queue.reply(out.ticket_ref, a, "Over welke groepen gaat het?", kind="question")
    followup = ask(engine, "Twee groepen jongeren uit dezelfde wijk.")
    assert followup.kind is Kind.HANDOVER and followup.reason == "asker_reply"
    assert followup.ticket_ref == out.ticket_ref and "aanvulling" in followup.text
    with db.session() as s:
        ticket = s.scalars(select(Ticket).where(Ticket.ref == out.ticket_ref)).one()
        assert ticket.status == "reopened"
        texts = [said.text for said in case_summary(s, ticket).conversation]
    assert "Twee groepen jongeren uit dezelfde wijk." in texts and "Over welke groepen gaat het?" in texts

    inbox = InboxSender()
    assert DeliveryWorker(db, {"web": inbox}).run_once() == 1
    assert "Over welke groepen gaat het?" in inbox.inbox["p-123"][0]

    # An urgent message from the same asker is not swallowed by the waiting ticket.
    queue.reply(out.ticket_ref, a, "Kunt u de wijk noemen?", kind="question")
    urgent = ask(engine, "Er staan nu jongeren met messen voor het buurthuis, ze gaan elkaar te lijf!")
    assert urgent.kind is Kind.URGENT and urgent.ticket_ref != out.ticket_ref


def test_low_confidence_handover_carries_sources_and_a_draft(world):
    engine, queue, db, _ = world
    out = ask(engine, "Hoe vraag ik subsidie aan voor een buurtfeest met een springkussen?")
    assert out.kind is Kind.HANDOVER
    ticket = [t for t in queue.all() if t["ref"] == out.ticket_ref][0]
    assert ticket["context"] and ticket["context"][0]["title"]


def test_reviewed_answer_becomes_citable_and_retracting_removes_it(world, settings):
    engine, queue, db, index = world
    t = team(db, "Team", default=True)
    author = advisor(db, "a@example.org", t, role="editor")  # an editor too: still needs a second person
    editor = advisor(db, "e@example.org", t, role="editor")
    other_advisor = advisor(db, "b@example.org", t)
    desk = KnowledgeDesk(db, settings, get_redactor(),
                         ingest=lambda folder: ingest_paths([folder], settings, index=index))
    question = "Mag een moskeebestuur camerabeelden van de ingang bewaren na bekladding van de gevel?"
    answer = ("Ja, kort en met een duidelijk doel: bewaar beelden van een incident alleen zolang aangifte of "
              "herstel dat nodig maakt en meld het cameratoezicht met een bord bij de ingang.")
    with pytest.raises(EntryError, match="persoonsgegevens"):
        desk.propose(author, question, answer + " Bel Piet op 06-12345678.")
    entry = desk.propose(author, question, answer)
    with pytest.raises(EntryError, match="tweede persoon"):
        desk.approve(entry.id, author)
    with pytest.raises(EntryError, match="redacteur"):
        desk.approve(entry.id, other_advisor)
    assert not HybridRetriever(index).search(question, k=3).passages[0].title.startswith("ESS-adviseur")

    published = desk.approve(entry.id, editor)
    top = HybridRetriever(index).search("camerabeelden bewaren moskee bekladding", k=3).passages[0]
    local = published.published_at.astimezone(OFFICE_TZ)  # the Dutch date, also just after midnight
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
              "november", "december"]
    assert top.title == citation_title(published.published_at) == (
        f"ESS-adviseur, {local.day} {months[local.month - 1]} {local.year}")
    assert top.section == question and "aangifte" in top.text and top.collection == "adviseur-antwoorden"

    desk.retract(entry.id, editor)
    titles = [p.title for p in HybridRetriever(index).search("camerabeelden bewaren moskee bekladding", k=5).passages]
    assert not any(t.startswith("ESS-adviseur") for t in titles)
    assert not list(settings.reviewed_dir.glob("*.md"))
    assert isinstance(published.published_at, datetime)


def test_feedback_is_counted_and_not_useful_goes_to_an_advisor(world):
    from bot.storage.models import Feedback

    engine, queue, db, _ = world
    ask(engine, "Twee groepen schelden elkaar uit, wat raadt de depolarisatie-aanpak aan?", conv="fb")
    msg = InboundMessage(channel="web", asker="p-123", conversation_id="fb", text="")
    assert engine.feedback(msg, helpful=True) is None
    out = engine.feedback(msg, helpful=False)
    assert out.kind is Kind.HANDOVER and out.reason == "negative_feedback"
    with db.session() as s:
        rows = s.scalars(select(Feedback).order_by(Feedback.id)).all()
        ticket = s.scalars(select(Ticket).where(Ticket.ref == out.ticket_ref)).one()
        assert [(f.helpful, f.ticket_id) for f in rows] == [(True, None), (False, ticket.id)]


def test_insight_events_carry_counts_not_text(world):
    from bot.storage.models import InsightEvent

    engine, queue, db, _ = world
    ask(engine, "Twee groepen schelden elkaar uit, wat raadt de depolarisatie-aanpak aan?", conv="i1")
    ask(engine, "Hoe vraag ik subsidie aan voor een buurtfeest? Mail jan.jansen@example.org", conv="i2")
    ask(engine, "Er staan nu jongeren met messen voor het buurthuis, ze gaan elkaar te lijf!", conv="i3")
    engine.feedback(InboundMessage(channel="web", asker="p-123", conversation_id="i1", text=""), helpful=False)
    with db.session() as s:
        events = s.scalars(select(InsightEvent).order_by(InsightEvent.id)).all()
    questions = [e for e in events if e.kind == "question"]
    assert [e.outcome for e in questions][:3] == ["answer", "handover", "urgent"]
    answer, handover, urgent = questions[:3]
    assert answer.gap_question is None and urgent.gap_question is None and answer.theme and urgent.theme
    assert "[EMAIL]" in handover.gap_question and "jan.jansen" not in handover.gap_question
    feedback = [e for e in events if e.kind == "feedback"][0]
    assert feedback.helpful is False and "depolarisatie" in feedback.gap_question
    assert len({e.asker_key for e in events}) == 1 and "p-123" not in {e.asker_key for e in events}


class _Dies(Exception):
    """The process 'dies' while the question is being answered."""


def test_a_question_whose_answering_died_is_handed_over_and_the_asker_told(world, settings, monkeypatch):
    engine, queue, db, _ = world
    from datetime import timedelta

    from bot.engine.engine import interrupted_notice
    from bot.storage.models import Delivery, Message

    def die(*a, **kw):
        raise _Dies()

    monkeypatch.setattr(engine, "_decide", die)
    with pytest.raises(_Dies):
        ask(engine, "Hoe richt ik me op de middengroep bij spanningen?", conv="c-died")
    monkeypatch.undo()
    # too young to be called lost: a slow answer is not a dead one
    assert queue.recover_interrupted(timedelta(seconds=60), interrupted_notice) == []
    refs = queue.recover_interrupted(timedelta(0), interrupted_notice)
    assert len(refs) == 1
    assert queue.recover_interrupted(timedelta(0), interrupted_notice) == []  # taken once
    with db.session() as s:
        ticket = s.scalars(select(Ticket).where(Ticket.ref == refs[0])).one()
        assert (ticket.reason, ticket.channel, ticket.asker) == ("interrupted", "web", "p-123")
        assert "middengroep" in ticket.question
        notice = s.scalars(select(Delivery).where(Delivery.ticket_id == ticket.id)).one()
        assert refs[0] in notice.text and "storing" in notice.text
        assert s.scalars(select(Message).where(Message.pending_since.is_not(None))).all() == []
    # the conversation goes on normally, and the recovered question is part of its history
    out = ask(engine, "Hoe richt ik me op de middengroep?", conv="c-died")
    assert out.kind is Kind.ANSWER


def test_an_urgent_question_whose_answering_died_gets_urgent_guidance(world, monkeypatch):
    engine, queue, db, _ = world
    from datetime import timedelta

    from bot.engine.engine import interrupted_notice
    from bot.storage.models import Delivery

    monkeypatch.setattr(engine, "_decide", lambda *a, **kw: (_ for _ in ()).throw(_Dies()))
    with pytest.raises(_Dies):
        ask(engine, "Er staat nu iemand met een mes voor de moskee en hij bedreigt mensen", conv="c-urgent")
    monkeypatch.undo()
    [ref] = queue.recover_interrupted(timedelta(0), interrupted_notice)
    with db.session() as s:
        ticket = s.scalars(select(Ticket).where(Ticket.ref == ref)).one()
        assert ticket.priority == "urgent"
        notice = s.scalars(select(Delivery).where(Delivery.ticket_id == ticket.id)).one()
        assert "112" in notice.text and "storing" in notice.text


def test_a_finished_answer_leaves_nothing_pending(world):
    engine, queue, db, _ = world
    from datetime import timedelta

    from bot.engine.engine import interrupted_notice

    ask(engine, "Hoe richt ik me op de middengroep bij spanningen?", conv="c-ok")
    assert queue.recover_interrupted(timedelta(0), interrupted_notice) == []


def test_a_second_handover_while_the_first_is_open_joins_it(world):
    """Typed "ik wil een adviseur" and the button a few seconds later: one ticket (issue 16)."""
    engine, queue, db, _ = world
    first = ask(engine, "Ik wil graag iemand van de ESS spreken over spanningen op onze school.", conv="twice")
    assert first.kind is Kind.HANDOVER and first.ticket_ref
    second = engine.request_advisor(InboundMessage(channel="web", asker="p-123", conversation_id="twice", text=""))
    assert second is not None and second.ticket_ref == first.ticket_ref
    third = ask(engine, "Hoe vraag ik subsidie aan voor een buurtfeest met een springkussen?", conv="twice")
    assert third.kind is Kind.HANDOVER and third.ticket_ref == first.ticket_ref
    assert [t["ref"] for t in queue.all() if t["ref"] == first.ticket_ref] == [first.ticket_ref]
    assert len(queue.all()) == 1
    # danger is never folded into an open ticket: it gets its own urgent one
    urgent = ask(engine, "Er staat nu iemand met een mes voor de school!", conv="twice")
    assert urgent.kind is Kind.URGENT and urgent.ticket_ref != first.ticket_ref
