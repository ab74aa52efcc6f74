"""The kind of answer a question expects, and the hand-over when the handbooks hold no answer of that kind."""
from __future__ import annotations

import pytest

from bot.engine import asktype
from bot.engine.answerability import expect, pattern_kind
from bot.engine.messages import InboundMessage, Kind
from bot.engine.train_asktype import TRAIN
from bot.labels import files_digest
from tests.engine.kb import engine_over

# Written for this test, apart from the labelled sets: other wordings, chat style, English and typos.
TYPED = [
    ("wat kost zo'n training depolarisatie eigenlijk per deelnemer?", "amount"),
    ("How much funding can a municipality get for a dialogue project?", "amount"),
    ("tot wanneer kunnen we ons aanmelden voor de volgende kennisdag", "date"),
    ("In which year did the ministry start the expertise unit?", "date"),
    ("welk deel van de gemeenten gebruikt de toolkit al, in procenten?", "percentage"),
    ("hoeveel moskeebesturen deden mee aan de pilot", "count"),
    ("wat is het mailadres van de adviseur voor regio oost?", "contact"),
    ("mogen wij volgens de AVG foto's van een demonstratie bewaren?", "legal"),
    ("is het strafbaar om een oproep tot geweld te delen in een appgroep?", "legal"),
    ("mijn leerling zegt rare dingen over ongelovigen, is hij aan het radicaliseren?", "diagnosis"),
    ("welke interventie werkt beter, mentorprogramma's of weerbaarheidstrainingen?", "ranking"),
    ("bestaat het meldpunt voor moskeebesturen nog steeds?", "current_status"),
    ("moeten wij onze iftar-avond afzeggen nu er spanningen zijn in de wijk?", "operational"),
    # wordings the patterns miss (written in one go: the model reads all 11 that the patterns miss at confidence
    # 0.5, and 9 at the engine's 0.85)
    ("Kunnen jullie me het nummer sturen van iemand die verstand heeft van moskeebeveiliging?", "contact"),
    ("Is die jongen uit mijn klas gevaarlijk geworden denk je?", "diagnosis"),
    ("Which approach gives the best results in polarised classrooms?", "ranking"),
    ("wat is het budget dat gemeenten krijgen voor sociale stabiliteit", "amount"),
    ("In welk stadje begon het project met sleutelfiguren?", "which_place"),
    ("per wanneer gaat de nieuwe regeling in?", "date"),
    ("hoe groot is het aandeel jongeren dat online extremistische content ziet", "percentage"),
    ("met hoeveel mensen werkt het team van de ESS", "count"),
    ("wie moet ik bellen bij de gemeente als er een demonstratie bij ons gebedshuis komt", "contact"),
    ("kan iemand van jullie volgende week dinsdag bij ons bestuur aanschuiven?", "operational"),
    ("is the helpdesk for mosque boards still running?", "current_status"),
    ("zijn wij als school verplicht om dit te melden bij de politie?", "legal"),
    ("which town had the first local approach to polarisation?", "which_place"),
    ("wat levert het op qua euro's als we meedoen aan het programma", "amount"),
    ("wat is beter: eerst de ouders of eerst de jongeren spreken?", "ranking"),
]
PROSE = [
    "Hoe begin ik een gesprek met twee groepen jongeren die elkaar uitschelden?",
    "what does the handbook advise when rumours spread after an incident",
    "Welke signalen van polarisatie kan een docent in de klas opmerken?",
    "Waarom is het belangrijk om de middengroep te betrekken bij depolarisatie?",
]


def test_shipped_weights_were_fitted_on_the_labelled_files_of_this_checkout():
    assert asktype.WEIGHTS.exists(), "fit with python -m bot.engine.train_asktype"
    assert asktype.metadata()["data_sha256"] == files_digest(TRAIN), \
        "a labelled file changed: refit with python -m bot.engine.train_asktype"


def test_typed_questions_are_recognised():
    """At the confidence the engine uses (asktype.MIN_PROB = 0.85) 26 of these 28 are read right."""
    wrong = [(q, k, expect(q).kind) for q, k in TYPED if expect(q).kind != k]
    assert len(wrong) <= 2, wrong


@pytest.mark.parametrize("question", PROSE)
def test_questions_that_ask_for_prose_expect_no_kind(question):
    assert expect(question).kind is None


def test_the_model_reads_what_the_patterns_miss():
    """The reason for a learned component: wordings no pattern lists."""
    missed = [(q, k) for q, k in TYPED if pattern_kind(q) != k]
    assert len(missed) >= 10, "the cases no longer test the model: write new ones the patterns miss"
    read = [q for q, k in missed if expect(q).kind == k]
    assert len(read) >= 0.8 * len(missed), [q for q, _ in missed if q not in read]


KB = """# Veilige moskee

## Camera's en verlichting
Een moskeebestuur dat camera's overweegt, bespreekt eerst met de wijkagent welke plekken kwetsbaar zijn. Hang
camera's zo op dat alleen het eigen terrein in beeld is, en zet een bord bij de ingang.

## Trainingen
De training weerbaar bestuur duurt twee dagdelen en is kosteloos voor moskeebesturen. Aanmelden kan tot
1 maart 2027.
"""


@pytest.fixture
def engine(settings, embeddings, tmp_path):
    return engine_over({"veilige-moskee/camera.md": KB}, tmp_path / "kb", settings, embeddings)


def ask(engine, text, conv):
    return engine.handle(InboundMessage(channel="test", asker="a", conversation_id=conv, text=text))


def test_a_question_for_an_amount_the_handbook_lacks_is_handed_over_with_related_reading(engine):
    out = ask(engine, "Hoeveel subsidie krijgt een moskeebestuur voor camera's bij de ingang?", "t1")
    assert out.kind is Kind.HANDOVER and out.reason == "not_in_sources", (out.reason, out.text)
    # what the handbook does say, as reading: pointed at in the text, labelled once in the sources list
    assert out.ticket_ref and any("Camera's en verlichting" in c.label() for c in out.citations)
    assert "[1]" in out.text and "Camera's en verlichting" not in out.text
    twin = ask(engine, "Waar moet een moskeebestuur op letten bij het ophangen van camera's?", "t2")
    assert twin.kind is Kind.ANSWER, twin.text


def test_an_amount_or_date_the_handbook_holds_is_answered(engine):
    out = ask(engine, "Wat kost de training weerbaar bestuur voor een moskeebestuur?", "t3")
    assert out.kind is Kind.ANSWER and "kosteloos" in out.text, (out.reason, out.text)
    out = ask(engine, "Tot wanneer kan een moskeebestuur zich aanmelden voor de training weerbaar bestuur?", "t4")
    assert out.kind is Kind.ANSWER and "1 maart 2027" in out.text, (out.reason, out.text)
