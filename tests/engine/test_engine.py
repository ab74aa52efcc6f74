"""The answer engine end to end on a small knowledge base: answers, urgent replies, hand-overs."""
from __future__ import annotations

import logging
import re

import pytest

from bot.engine.engine import MessageRejected, render
from bot.engine.messages import InboundMessage, Kind
from bot.privacy import get_redactor
from bot.index.vectors import VectorStoreUnavailable
from tests.engine.kb import engine_over

KB = {
    "depolarisatie/midden.md": """---
title: Depolarisatie in de praktijk
---
# Depolarisatie in de praktijk

## Richt je op het midden
Bij twee groepen die elkaar steeds harder uitschelden helpt het niet om telkens tussen de twee kopstukken te bemiddelen.
Richt je als jongerenwerker op de middengroep die nog niet gekozen heeft. Verleg het gesprek naar de vragen die bij die
middengroep leven en laat de identiteitsdiscussie los.

## Moskeebesturen
Voor moskeebesturen geldt hetzelfde principe: spreek de brede achterban aan en niet alleen de luidste stemmen.
Een moskeebestuur kan samen met de gemeente een bijeenkomst voor de wijk organiseren.
""",
    "veilige-moskee/media.md": """# Veilige moskee

## Omgaan met de media
Spreek als moskeebestuur vooraf af wie de woordvoerder is wanneer journalisten bellen over een aangekondigde demonstratie.
Het kennisnetwerk organiseert bijeenkomsten over externe communicatie en de omgang met de pers.
""",
}


@pytest.fixture(scope="module")
def redactor():
    return get_redactor()


@pytest.fixture
def engine(settings, embeddings, tmp_path, redactor):
    sources = """
documents:
  - {file: veilige-moskee/media.md, title: Handreiking Veilige Moskee, url: "https://voorbeeld.invalid/vm", published: 2019-06-01}
"""
    return engine_over({**KB, "sources.yaml": sources}, tmp_path / "kb", settings, embeddings, redactor)


def ask(engine, text, conv="c1", **kw):
    return engine.handle(InboundMessage(channel="test", asker="asker-hash", conversation_id=conv, text=text, **kw))


def test_answer_is_short_extractive_and_cites_existing_passages(engine):
    out = ask(engine, "In mijn jongerencentrum schelden twee groepen elkaar steeds harder uit. "
                      "Wat raadt de depolarisatie-aanpak aan?")
    assert out.kind is Kind.ANSWER
    opening = out.text.split("\n\n")[0]
    assert "middengroep" in opening and re.search(r"\[\d\]$", opening)  # the advice first, with its source
    assert "middengroep" in out.text and len(out.text) < 1400
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", out.text)}
    assert cited and cited <= {c.n for c in out.citations}
    assert out.citations[0].title == "Depolarisatie in de praktijk"
    assert out.citations[0].section == "Richt je op het midden"
    # every quoted line comes from a retrieved passage
    quoted = [line for block in out.text.split("\n\n")[1:] if re.search(r"\[\d+\]:\n", block)
              for line in block.splitlines()[1:]]
    assert quoted
    # verbatim, but for an omission marked [...] (the opening, said above its quote, is not said twice)
    pieces = [piece for line in quoted for piece in line.split(" […]")] + [re.sub(r"\s*\[\d+\]$", "", opening)]
    for line in pieces:
        assert any(" ".join(line.removeprefix("• ").split()) in " ".join(p.text.split()) for p in out.passages), line
    assert "Bronnen" in render(out)
    assert "een dienst van de overheid" in out.text and "adviseur spreken" in out.text  # who speaks, and the way to a person


def test_english_asker_gets_english_frame_and_dutch_only_note(engine):
    out = ask(engine, "Journalists keep calling our mosque board about a demonstration. Who should talk to the press?")
    assert out.kind is Kind.ANSWER and out.language == "en"
    assert "woordvoerder" in out.text.split("\n\n")[0]
    assert "only available in Dutch" in out.text
    assert "2019" in out.text  # the source's date is shown when the situation may have changed
    assert out.citations[0].url == "https://voorbeeld.invalid/vm"


def test_follow_up_uses_the_conversation(engine):
    ask(engine, "Wat raadt de depolarisatie-aanpak aan bij twee groepen die elkaar uitschelden?", conv="f")
    out = ask(engine, "En voor moskeebesturen?", conv="f")
    assert out.kind is Kind.ANSWER
    assert "moskeebestu" in out.text.lower()
    assert out.passages[0].source == "depolarisatie/midden.md"  # the depolarisation context carried over


def test_search_text_joins_only_real_follow_ups():
    from bot.engine.conversation import Turn, search_text

    history = [Turn("user", "Wat raadt de depolarisatie-aanpak aan?"), Turn("assistant", "…", "answer")]
    assert search_text("En voor moskeebesturen?", history) == "Wat raadt de depolarisatie-aanpak aan? En voor moskeebesturen?"
    assert search_text("and for teachers?", history).startswith("Wat raadt")
    new = "Hoe organiseer ik een bijeenkomst over veiligheid voor het bestuur van een moskee?"
    assert search_text(new, history) == new
    assert search_text("En voor moskeebesturen?", []) == "En voor moskeebesturen?"


def test_reset_forgets_the_conversation(engine):
    ask(engine, "Wat raadt de depolarisatie-aanpak aan?", conv="r")
    assert engine.conversations.history("r")
    assert "gewist" in engine.reset("r")
    assert engine.conversations.history("r") == []


def test_urgent_message_gets_guidance_first_and_an_urgent_ticket(engine):
    out = ask(engine, "HELP er staan nu mannen met stenen voor onze moskee en er zijn kinderen binnen!!")
    assert out.kind is Kind.URGENT
    assert out.text.splitlines()[0].startswith("Wordt uw gebedshuis") and "112" in out.text.splitlines()[0]
    assert out.ticket_ref and out.ticket_ref.startswith("U-") and out.ticket_ref in out.text
    tickets = engine.tickets.all()
    assert tickets[-1]["priority"] == "urgent" and tickets[-1]["ref"] == out.ticket_ref
    self_harm = ask(engine, "een jongere appt me net dat hij niet meer wil leven")
    assert self_harm.kind is Kind.URGENT and "113" in self_harm.text and "0800-0113" in self_harm.text
    minor = ask(engine, "een jongen van 16 vertelde me net dat zijn vader hem slaat en hij durft niet naar huis")
    assert minor.kind is Kind.URGENT and "Veilig Thuis" in minor.text and "0800-2000" in minor.text


def test_asking_for_a_person_hands_over_with_ticket_and_deadline(engine):
    out = ask(engine, "Ik wil graag met een adviseur spreken over onze situatie.")
    assert out.kind is Kind.HANDOVER and out.reason == "asked_for_human"
    assert out.ticket_ref in out.text and "uiterlijk" in out.text


def test_negative_feedback_hands_the_question_over(engine):
    ask(engine, "Wat raadt de depolarisatie-aanpak aan bij twee groepen?", conv="fb")
    msg = InboundMessage(channel="test", asker="asker-hash", conversation_id="fb", text="")
    assert engine.feedback(msg, helpful=True) is None
    out = engine.feedback(msg, helpful=False)
    assert out.kind is Kind.HANDOVER and out.reason == "negative_feedback" and out.ticket_ref in out.text
    ticket = engine.tickets.all()[-1]
    assert ticket["reason"] == "negative_feedback" and "depolarisatie" in ticket["question"]
    assert engine.feedback(InboundMessage("test", "x", "nobody", ""), helpful=False) is None


def test_out_of_scope_says_what_ess_does_not_do(engine):
    out = ask(engine, "Wat is het 06-nummer van de adviseur in Zeeland? Ik wil haar morgen bellen.")
    assert out.kind is Kind.HANDOVER and out.reason == "out_of_scope"
    assert "geen" in out.text and "contactgegevens" in out.text and out.ticket_ref in out.text


def test_unrelated_question_is_handed_over(engine):
    out = ask(engine, "Wat is het beste recept voor appeltaart met kaneel en rozijnen?")
    assert out.kind is Kind.HANDOVER and out.reason == "low_confidence"


def test_personal_data_never_reaches_storage_tickets_or_logs(engine, caplog):
    caplog.set_level(logging.DEBUG)
    out = ask(engine, "Ik ben Yusuf Kaya (06-12345678), ik wil een adviseur spreken over de moskee.")
    stored = " ".join(t.text for t in engine.conversations.history("c1"))
    ticket = engine.tickets.all()[-1]
    for leaked in ("Yusuf", "Kaya", "06-12345678"):
        assert leaked not in stored and leaked not in ticket["question"] and leaked not in caplog.text
        assert leaked not in out.redacted_question
    assert "[NAAM]" in ticket["question"] and "[TELEFOON]" in ticket["question"]


def test_too_long_and_empty_messages_are_refused_clearly(engine, settings):
    with pytest.raises(MessageRejected, match="te lang"):
        ask(engine, "Wat raadt de handreiking aan bij spanningen in de wijk? " * 80)
    with pytest.raises(MessageRejected, match="leeg"):
        ask(engine, "   ")


def test_dead_vector_store_hands_over_and_loses_nothing(engine):
    class Dead:
        def search(self, *a, **kw):
            raise VectorStoreUnavailable("down")

        analyser = engine.retriever.analyser

    engine._retriever = Dead()
    out = ask(engine, "Wat raadt de depolarisatie-aanpak aan?")
    assert out.kind is Kind.HANDOVER and "lukt op dit moment niet" in out.text
    assert engine.tickets.all()[-1]["reason"] == "unavailable"


def test_ticket_deadlines_follow_working_hours(tmp_path):
    from datetime import datetime, timezone

    from bot.engine.tickets import add_working_hours, deadline_for

    friday_4pm = datetime(2026, 11, 27, 16, 0, tzinfo=timezone.utc)
    assert add_working_hours(friday_4pm, 16) == datetime(2026, 12, 1, 16, 0, tzinfo=timezone.utc)
    assert deadline_for("urgent", friday_4pm, 15, 16) == datetime(2026, 11, 27, 16, 15, tzinfo=timezone.utc)
    # Normal deadlines count Dutch office hours: Friday 16:00 UTC is 17:00 in Amsterdam (winter time),
    # so two working days end on Tuesday 17:00 local, 16:00 UTC.
    assert deadline_for("normal", friday_4pm, 15, 16) == datetime(2026, 12, 1, 16, 0, tzinfo=timezone.utc)
    monday_8am_local = datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)
    assert deadline_for("normal", monday_8am_local, 15, 8) == datetime(2026, 11, 30, 16, 0, tzinfo=timezone.utc)
    from bot.engine.tickets import TicketRequest

    from bot.storage.db import Database
    from bot.handover.service import QueuePolicy, QueueService

    store = QueueService(Database(f"sqlite:///{tmp_path / 't.sqlite'}"), QueuePolicy(urgent_minutes=15))
    before = datetime.now(timezone.utc)
    ref = store.create(TicketRequest("urgent", "urgent:self_harm", "test", "a", "c", "vraag"))
    assert ref.ref.startswith("U-") and 14 * 60 <= (ref.deadline - before).total_seconds() <= 15 * 60 + 5
    assert store.all()[0]["deadline"] == ref.deadline


def test_possible_danger_gets_the_lines_first_then_the_answer_and_a_ticket_to_check(engine, monkeypatch):
    """The "possible" tier: emergency lines, then what the knowledge base says, and an urgent ticket marked
    "mogelijk acuut" for an advisor to check. The tier is forced here; which texts land there is tested in
    tests/triage."""
    import bot.engine.engine as engine_mod
    from bot.triage import POSSIBLE, Triage

    monkeypatch.setattr(engine_mod, "triage", lambda text: Triage(True, POSSIBLE, "self_harm", 0.3, ()))
    out = ask(engine, "In mijn jongerencentrum schelden twee groepen elkaar steeds harder uit. Wat raadt de "
                      "depolarisatie-aanpak aan?")
    assert out.kind is Kind.URGENT and out.reason == "urgent_possible:self_harm"
    lead, _, rest = out.text.partition("113")
    assert lead.startswith("Uw bericht kan gaan over iemand die nu in gevaar is") and "112" in lead
    assert "Wat de kennisbank over uw vraag zegt" in rest and "middengroep" in rest
    assert out.citations and out.ticket_ref and out.ticket_ref.startswith("U-")
    ticket = next(t for t in engine.tickets.all() if t["ref"] == out.ticket_ref)
    assert ticket["priority"] == "urgent" and ticket["reason"] == "urgent_possible:self_harm"
    assert ticket["draft"] and "middengroep" in ticket["draft"]  # the advisor sees what the asker was told


def test_askers_read_the_deadline_in_dutch_time_whatever_the_servers_zone(monkeypatch):
    """The console shows advisors Dutch time; the asker must read the same hour (issue 16)."""
    import time as time_mod
    from datetime import datetime, timezone

    from bot.engine.engine import _format_deadline

    monkeypatch.setenv("TZ", "UTC")
    time_mod.tzset()
    try:
        tuesday_16_utc = datetime(2026, 12, 1, 16, 0, tzinfo=timezone.utc)  # 17:00 in Amsterdam (winter time)
        assert _format_deadline(tuesday_16_utc, "nl") == "dinsdag 1 december 17:00"
        assert _format_deadline(datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc), "nl").endswith("10:00")  # summer
    finally:
        monkeypatch.undo()
        time_mod.tzset()
