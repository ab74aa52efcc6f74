"""Hand-overs that did not search left the ticket without sources or a draft (issue 16: the console showed
"De kennisbot vond geen bronnen" after an answer that cited them). The engine now searches for the advisor
when the asker asks for a person or finds an answer not useful; the asker is answered as before."""
from __future__ import annotations

import pytest

from bot.engine.messages import InboundMessage, Kind
from bot.privacy import get_redactor
from tests.engine.kb import engine_over

KB = {
    "depolarisatie/midden.md": """# Depolarisatie in de praktijk

## Richt je op het midden
Bij twee groepen die elkaar steeds harder uitschelden helpt het niet om telkens tussen de twee kopstukken te bemiddelen.
Richt je als jongerenwerker op de middengroep die nog niet gekozen heeft. Verleg het gesprek naar de vragen die bij die
middengroep leven en laat de identiteitsdiscussie los.
""",
}
QUESTION = "In mijn jongerencentrum schelden twee groepen elkaar steeds harder uit. Wat raadt de depolarisatie-aanpak aan?"


@pytest.fixture
def engine(settings, embeddings, tmp_path):
    return engine_over(KB, tmp_path / "kb", settings, embeddings, get_redactor())


def _msg(conv: str, text: str = "") -> InboundMessage:
    return InboundMessage(channel="web", asker="asker-hash", conversation_id=conv, text=text)


def _ticket(engine, ref: str) -> dict:
    return next(t for t in engine.tickets.all() if t["ref"] == ref)


def test_not_useful_hands_over_with_the_answers_sources_and_a_draft(engine):
    answer = engine.handle(_msg("fb", QUESTION))
    assert answer.kind is Kind.ANSWER and answer.citations
    out = engine.feedback(_msg("fb"), helpful=False)
    ticket = _ticket(engine, out.ticket_ref)
    assert ticket["context"] and ticket["context"][0]["title"] == answer.citations[0].title
    assert ticket["draft"] and "middengroep" in ticket["draft"]


def test_asking_for_a_person_after_a_question_carries_that_questions_sources(engine):
    engine.handle(_msg("p1", QUESTION))
    out = engine.handle(_msg("p1", "Ik wil graag met een adviseur spreken."))
    assert out.kind is Kind.HANDOVER and out.reason == "asked_for_human"
    ticket = _ticket(engine, out.ticket_ref)
    assert ticket["context"] and ticket["draft"] and "middengroep" in ticket["draft"]
    assert "middengroep" not in out.text  # the asker is told about the hand-over, not answered from them


def test_the_advisor_button_hands_over_the_last_question_with_its_sources(engine):
    engine.handle(_msg("p2", QUESTION))
    out = engine.request_advisor(_msg("p2"))
    ticket = _ticket(engine, out.ticket_ref)
    assert ticket["reason"] == "asked_for_human" and ticket["draft"] and ticket["context"]


def test_a_bare_request_for_a_person_gets_no_unrelated_draft(engine):
    out = engine.handle(_msg("p3", "Ik wil graag met een adviseur spreken."))
    ticket = _ticket(engine, out.ticket_ref)
    # the one-document index finds its passage for anything, but nothing in it answers this: no draft
    assert ticket["draft"] is None
