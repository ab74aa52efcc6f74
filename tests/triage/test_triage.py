"""Urgent triage: danger now is flagged in every category and language, also after generated changes of
word order, inserted words and typos; danger at a distance (fiction, the past, a protocol, a joke) is not.

The cases below were written for these tests, apart from the labelled training sets.
"""
from __future__ import annotations

import random

import pytest

from bot.labels import files_digest
from bot.triage import CATEGORIES, CLEAR, POSSIBLE, triage
from bot.triage import _memo as memo
from bot.triage.data import training_files
from bot.triage.model import metadata
from bot.triage.rules import clear_hits, distanced

URGENT = [
    # (message, category, language)
    ("Mijn vriendin appte net dat ze alle pillen heeft verzameld en dat het vannacht gaat gebeuren", "self_harm", "nl"),
    ("ik trek het niet meer, morgen zijn jullie van me af", "self_harm", "nl"),
    ("A pupil just messaged me 'thanks for everything, this is goodbye' and now she doesn't answer", "self_harm", "en"),
    ("abi ben bitmişim, ik wil echt niet meer leven", "self_harm", "mixed"),
    ("er ligt een jongen op straat met een steekwond, hij bloedt heel erg, nu bij het winkelcentrum", "violence_now", "nl"),
    ("HELP ze trappen iemand in elkaar achter de sporthal", "violence_now", "nl"),
    ("someone is waving a gun around in the youth centre right now", "violence_now", "en"),
    ("wallah ze zijn hem nu aan het slaan met een stok voor de shoarmatent", "violence_now", "mixed"),
    ("Die gast wordt vanavond na de training gestoken, ze hebben al een mes geregeld", "violence_planned", "nl"),
    ("in de groepsapp: morgen om 10 uur gaat hij de leraar neerschieten", "violence_planned", "nl"),
    ("They're planning to jump him after Friday prayer, three of them, one has a knife", "violence_planned", "en"),
    ("bro ze gaan die jongen vannacht pakken, ze weten waar hij pitten", "violence_planned", "mixed"),
    ("Er is net een brief bezorgd bij onze moskee: tijdens het gebed van vrijdag gaat er een bom af", "place_of_worship", "nl"),
    ("Twee mannen gieten nu benzine tegen de deur van de synagoge", "place_of_worship", "nl"),
    ("Someone called the church office saying the Easter service will be attacked tomorrow", "place_of_worship", "en"),
    ("hocam cami'nin önünde adamlar var, ze gooien stenen en er zijn nog kinderen binnen", "place_of_worship", "mixed"),
    ("Een meisje uit groep 6 vertelde dat haar oom haar aanraakt en ze moet vanavond bij hem slapen", "child_in_danger", "nl"),
    ("leerling van 15 zegt dat ze morgen naar het buitenland wordt gebracht om te trouwen, haar paspoort is weg",
     "child_in_danger", "nl"),
    ("A boy of 12 in my team says his dad beats him and he's scared to go home tonight", "child_in_danger", "en"),
    ("mijn neefje van 9 is alleen thuis en zijn vader is dronken en slaat hem, habibi wat moet ik doen",
     "child_in_danger", "mixed"),
    ("Er staan twee mannen bij de kapper die zeggen dat hij vandaag 10.000 euro moet betalen anders steken ze de zaak "
     "in brand", "extortion_threat", "nl"),
    ("vannacht een kogel in de brievenbus van mijn oom met een briefje: betalen of de volgende is voor jou",
     "extortion_threat", "nl"),
    ("my son is being blackmailed with photos, they want 300 euro within the hour", "extortion_threat", "en"),
    ("ze bellen mijn moeder al de hele dag, yemin ederim ze staan nu beneden voor het geld", "extortion_threat",
     "mixed"),
    ("een groep van honderd man loopt nu met fakkels richting het azc", "crowd_unrest", "nl"),
    ("Op Telegram roepen ze op om vanavond het gemeentehuis te bestormen, ze nemen vuurwerkbommen mee", "crowd_unrest",
     "nl"),
    ("a mob is gathering outside the mayor's house right now and they're throwing bottles", "crowd_unrest", "en"),
    ("jongeren verzamelen zich nu bij het station, ze willen naar de opvang, echt chaos man", "crowd_unrest", "mixed"),
    ("Mijn adres staat sinds vanochtend op een Facebookpagina met 'hier woont de verrader, ga maar langs'",
     "doxxing_threat", "nl"),
    ("ze hebben de school van mijn dochters online gezet met 'weet je wat je moet doen', en er staat nu een auto voor "
     "ons huis", "doxxing_threat", "nl"),
    ("My home address was posted in a Telegram group with 'pay him a visit tonight'", "doxxing_threat", "en"),
    ("adresim paylaşıldı! mijn adres staat online met 'wij komen zaterdag'", "doxxing_threat", "mixed"),
]

NOT_URGENT = [
    "Hoe herken ik signalen van suïcidaliteit bij jongeren in mijn groep?",
    "In het toneelstuk roept de hoofdpersoon 'ik steek je neer' — is dat geschikt voor twaalfjarigen?",
    "Vorig jaar is onze moskee beklad met hakenkruizen; hoe hebben andere besturen daarna het contact met de buurt "
    "hersteld?",
    "Wat moet er in ons draaiboek staan voor het geval er ooit een bommelding komt?",
    "ik ga dood van de hitte in dit lokaal haha",
    "we gaan ze zaterdag helemaal afmaken op het voetbalveld",
    "Hoeveel kinderen worden er jaarlijks uitgehuwelijkt volgens de cijfers?",
    "Our youth group wants to discuss the riots from last summer; any guidance on how to run that session?",
    "Een jongen in mijn klas kijkt veel filmpjes over wapens, maar hij heeft niets gedreigd. Hoe begin ik het gesprek?",
    "Welke training is er voor jongerenwerkers over afpersing in winkelstraten?",
    "De demonstratie bij het azc is vorige week rustig verlopen; hoe evalueren we dat met de buurt?",
    "Tips voor een afscheidsfeest voor onze imam die na 30 jaar stopt?",
    "Hoe kan ik als wethouder voorkomen dat mijn adres online komt?",
    "Wat zegt de handreiking over de rol van sleutelfiguren bij spanningen in de wijk?",
    "How do I talk with my students about a stabbing in the news in another city?",
    "die nieuwe drill track gaat echt hard, alle jongens in het buurthuis draaien hem",
]


def _variants(text: str, seed: int) -> list[str]:
    """Word order, inserted words and typos generated from one case."""
    rng = random.Random(seed)
    words = text.split()
    out = []
    # word order: the last clause first, or two neighbouring words swapped
    if "," in text:
        head, _, tail = text.partition(",")
        out.append(f"{tail.strip()}, {head.strip()}")
    else:
        i = rng.randrange(max(1, len(words) - 1))
        swapped = words[:]
        swapped[i], swapped[i + 1 if i + 1 < len(words) else i] = swapped[i + 1 if i + 1 < len(words) else i], swapped[i]
        out.append(" ".join(swapped))
    # inserted words
    filled = words[:]
    for filler in ("echt", "gewoon"):
        filled.insert(rng.randrange(1, len(filled) + 1), filler)
    out.append(" ".join(filled))
    # typos in two longer words, no capitals, no punctuation
    typo = words[:]
    long_ones = [i for i, w in enumerate(typo) if len(w) >= 6]
    for i in rng.sample(long_ones, min(2, len(long_ones))):
        w = typo[i]
        j = rng.randrange(1, len(w) - 1)
        typo[i] = w[:j] + w[j + 1:]
    out.append(" ".join(typo).lower().replace(",", "").replace(".", ""))
    return out


@pytest.mark.parametrize("message,category,lang", URGENT, ids=[f"{c}-{l}-{i}" for i, (_, c, l) in enumerate(URGENT)])
def test_urgent_in_every_category_and_language(message, category, lang):
    t = triage(message)
    assert t.urgent and t.tier in (CLEAR, POSSIBLE), f"not flagged: {message!r} ({t})"
    assert t.category in CATEGORIES


@pytest.mark.parametrize("message,category,lang", URGENT, ids=[f"{c}-{l}-{i}" for i, (_, c, l) in enumerate(URGENT)])
def test_urgent_survives_word_order_inserted_words_and_typos(message, category, lang):
    missed = [v for v in _variants(message, seed=len(message)) if not triage(v).urgent]
    assert not missed, missed


def test_categories_steer_the_guidance():
    """Self-harm must get 113, a child Veilig Thuis: the category of the plainest cases is right."""
    assert triage("ik wil dood, ik heb de pillen al klaarliggen").category == "self_harm"
    assert triage("Twee mannen gieten nu benzine tegen de deur van de moskee").category == "place_of_worship"


def test_danger_at_a_distance_is_not_urgent():
    flagged = [m for m in NOT_URGENT if triage(m).urgent]
    assert len(flagged) <= 1, flagged


def test_rules_match_stems_with_words_between_and_respect_distance():
    assert [h.category for h in clear_hits("ik wil er echt gewoon helemaal een eind aan maken")] == ["self_harm"]
    assert clear_hits("hij zei dat hij zichzelf vanavond iets gaat aandoen")
    assert not clear_hits("in de film wil de hoofdpersoon er een eind aan maken")
    assert distanced("Vorig jaar werd er geschoten") and not distanced("Er wordt nu geschoten")
    assert not clear_hits("Hoe vaak worden wethouders bedreigd?")  # a general question, not a report


def test_a_plain_self_harm_statement_is_urgent_whatever_the_model_says():
    t = triage("ik wil dood")
    assert t.urgent and t.tier == CLEAR and t.category == "self_harm"


def test_the_same_text_is_judged_once_and_only_hashes_are_kept():
    text = "er wordt nu geschoten bij de kerk"
    first = triage(text)
    assert triage(text) is first
    assert all(isinstance(k, bytes) for k in memo) and len(memo) <= 2048


def test_shipped_weights_were_fitted_on_the_labelled_files_of_this_checkout():
    """Change a labelled file without `essbot train-triage` and this fails."""
    assert metadata()["data_sha256"] == files_digest(training_files())


def test_redacted_contact_details_say_nothing_of_danger():
    """Texts that exist only redacted (stored questions, recovery) reach triage with placeholders: a sentence
    that only gives contact details or signs off is left out, other placeholders get a neutral stand-in."""
    from bot.triage.text import without_placeholders

    question = "Twee groepen schelden elkaar uit, wat raadt de depolarisatie-aanpak aan?"
    for tail in ("Mail mij op [EMAIL].", "Groet, [NAAM]", "Bel me op [TELEFOON] of mail [EMAIL]."):
        assert without_placeholders(f"{question} {tail}") == question
        assert not triage(f"{question} {tail}").urgent, tail
    assert triage("Ik wil dood. Bel me op [TELEFOON].").urgent
    assert triage("Ze hebben het adres van [NAAM] gepost: [ADRES]. Ze komen vanavond.").urgent
    assert "[" not in without_placeholders("Er staat iemand met een mes voor [ADRES]!")
