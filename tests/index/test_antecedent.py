"""Sentences that lean on what came before, or announce what follows, are never quoted alone."""
from __future__ import annotations

import pytest

from bot.index.antecedent import cue, leads_in, opens_in_context, quotable_span, sentences

PASSAGE = """Gemeenten werken met sleutelfiguren uit de wijk. Dit laatste geldt vooral voor kleine gemeenten.

De handreiking geeft drie aanwijzingen:

Luister eerst.

Vraag door.

Maak afspraken.

Deze handreiking is bedoeld voor moskeebesturen. Het volgende figuur laat de stappen zien.

Het programma heeft vier doelen:

Bewustwording."""


@pytest.mark.parametrize("sentence", [
    "Dit laatste geldt vooral voor kleine gemeenten.", "Daarnaast is er een training.",
    "Deze aanpak werkt ook elders.", "Bovendien helpt het.", "Hierdoor ontstaat vertrouwen.",
    "Het volgende figuur laat de stappen zien.", "Zoals eerder genoemd, is de rol klein.",
    "Zij spreken de groep daarna aan.", "Moreover, it works.",
    "In die zin hangt het af van toeval.",
    "In deze brochure vindt de doelgroep het hele aanbod.", "Voor deze professionals is er een training.",
    "Volgens hen werkt het niet.", "Op die manier groeit vertrouwen.",
])
def test_leaning_sentences(sentence):
    assert cue(sentence)


@pytest.mark.parametrize("sentence", [
    "Gemeenten werken met sleutelfiguren uit de wijk.", "Deze handreiking is bedoeld voor moskeebesturen.",
    "Het is belangrijk om eerst te luisteren.", "De gemeente voert de regie.",
    "Zo snel mogelijk bellen is belangrijk.", "De gemeente organiseert deze week een avond.",
    "Zo houdt de unit in de gaten of informatie beschikbaar komt.",
    "In dit rapport staat de aanpak.",
])
def test_sentences_that_stand_alone(sentence):
    assert cue(sentence) is None


def test_quotable_span_keeps_the_antecedent_and_the_announced_list():
    sents = sentences(PASSAGE)
    texts = [s.text for s in sents]
    dit = texts.index("Dit laatste geldt vooral voor kleine gemeenten.")
    assert quotable_span(sents, dit) == (dit - 1, dit + 1)  # with the sentence it leans on
    lead = texts.index("De handreiking geeft drie aanwijzingen:")
    assert sents[lead].leans_forward
    assert quotable_span(sents, lead) == (lead, lead + 4)  # the lead-in with its three items
    assert quotable_span(sents, texts.index("Het volgende figuur laat de stappen zien.")) is None  # no figure
    assert quotable_span(sents, texts.index("Het programma heeft vier doelen:")) is None  # one of four items
    standalone = texts.index("Deze handreiking is bedoeld voor moskeebesturen.")
    assert quotable_span(sents, standalone) == (standalone, standalone + 1)


def test_a_passage_that_opens_leaning_cannot_be_quoted_from_its_start():
    sents = sentences("Daarnaast werkt de ESS met gemeenten. Zij bieden advies.")
    assert quotable_span(sents, 0) is None and quotable_span(sents, 1) is None
    assert opens_in_context("Daarnaast werkt de ESS met gemeenten.")
    assert not opens_in_context("De ESS werkt met gemeenten. Daarnaast met scholen.")


def test_lead_ins():
    assert leads_in("Het gaat om de volgende stappen:") and leads_in("Dat werkt als volgt")
    assert not leads_in("Dat werkt goed.")
