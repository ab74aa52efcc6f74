"""The grounding guard on answers written for the test: faithful paraphrases pass, invented,
unsupported, uncited or mis-cited sentences never do. The GOOD and BAD sets are the examples
the threshold was tuned on (GOOD >= 67 % support, BAD <= 33 %, SUPPORT = 60 %)."""
from __future__ import annotations

import time

import pytest

from bot.engine.grounding import SUPPORT, check_grounding
from bot.retrieval.passage import Passage


def P(text: str, lang: str = "nl", title: str = "Handreiking") -> Passage:
    return Passage(chunk_id="c", doc_id="d", title=title, collection="c", source="s.md", url=None, published=None,
                   language=lang, heading_path=(title,), page=None, text=text, score=1.0)


SOURCES = [
    P("Richt je als jongerenwerker op de middengroep in plaats van op de twee kopstukken. "
      "Verleg het gesprek naar de vragen die in de middengroep leven. Polarisatie draait om identiteit: wij tegen zij."),
    P("Een moskeebestuur dat bedreigd wordt, doet aangifte bij de politie en neemt contact op met de gemeente. "
      "De gemeente kan samen met de politie een veiligheidsscan laten uitvoeren. Bij acuut gevaar belt u 112."),
    P("Signalen van radicalisering zijn op zichzelf geen bewijs. Bespreek uw zorgen eerst met collega's en de "
      "ketenpartners in het zorg- en veiligheidshuis. Ongeveer 2.100 professionals volgden de training, "
      "in groepen van 10 tot 15 deelnemers."),
]

GOOD = [
    "Richt je op de middengroep en niet op de kopstukken [1].",
    "Als jongerenwerker kun je het beste het gesprek verleggen naar de vragen van de middengroep [1].",
    "Bij polarisatie gaat het om identiteit, een wij-zij-denken [1].",
    "Het bestuur van de moskee doet aangifte bij de politie [2].",  # compound written apart
    "Neem als moskeebestuur contact op met de gemeente en doe aangifte [2].",
    "De gemeente en de politie kunnen samen een scan van de veiligheid laten doen [2].",
    "Bel bij acuut gevaar 112 [2].",
    "Signalen van radicalisering bewijzen op zichzelf niets [3].",
    "Bespreek je zorgen eerst met collega's en ketenpartners [3].",
    "Zo'n 2100 professionals volgden de training in groepen van 10 tot 15 mensen [3].",
    "U kunt uw zorgen over radicalisering het beste eerst bespreken in het Zorg- en Veiligheidshuis [3].",
    "De jongerenwerker richt zich op de middengroep [1], en een bedreigd moskeebestuur doet aangifte [2].",
]

BAD = [
    "De burgemeester moet direct een noodverordening afkondigen en de wijk afsluiten [1].",
    "Jongeren die radicaliseren moeten worden gemeld bij de AIVD [3].",
    "Moslimjongeren zijn vaak vatbaar voor extremisme [3].",  # a stigmatising invention
    "De gemeente betaalt de beveiliging van de moskee volledig [2].",
    "Het moskeebestuur moet camera's ophangen en bewakers inhuren [2].",
    "Ontsla de kopstukken direct uit het jongerencentrum [1].",
    "Polarisatie ontstaat vooral door sociale media en armoede [1].",
    "Blorp frabbel zingwut tromzak [1].",  # gibberish
    "Het jongerenwerk is de een die het ding doet met de dingen voor het werk [1].",  # broken Dutch, no content
    "Politie gemeente scan doen ding groot mooi altijd [2].",  # word salad around two source words
    "The police and the municipality will do a safety scan [2].",  # another language than the source
]


@pytest.mark.parametrize("answer", GOOD)
def test_faithful_paraphrases_pass(answer):
    g = check_grounding(answer, SOURCES)
    assert g.ok, g.reasons
    assert g.sentences == 1


@pytest.mark.parametrize("answer", BAD)
def test_unsupported_sentences_with_a_real_citation_fail(answer):
    g = check_grounding(answer, SOURCES)
    assert not g.ok
    assert any("not supported" in r for r in g.reasons), g.reasons


def test_threshold_is_between_the_sets():
    assert 0.33 < SUPPORT < 0.67


def test_faithful_multi_sentence_answer_passes():
    answer = ("Richt je als jongerenwerker op de middengroep in plaats van op de kopstukken [1]. "
              "Verleg het gesprek naar de vragen die daar leven [1].\n\n"
              "Kortom:\n"
              "- Ongeveer 2.100 professionals volgden de training [3].\n"
              "- Bespreek zorgen eerst met collega's. [3]")  # citation after the full stop counts
    g = check_grounding(answer, SOURCES)
    assert g.ok, g.reasons
    assert g.sentences == 4  # "Kortom:" states nothing


def test_missing_citation_fails():
    g = check_grounding("Richt je op de middengroep [1]. Verleg het gesprek naar de vragen in de middengroep.",
                        SOURCES)
    assert not g.ok
    assert g.reasons == ["sentence 2 has no citation"]


def test_citation_that_does_not_exist_fails():
    g = check_grounding("Richt je op de middengroep en niet op de kopstukken [9].", SOURCES)
    assert not g.ok
    assert g.reasons == ["sentence 1: citation [9] does not exist"]
    assert not check_grounding("Richt je op de middengroep [0].", SOURCES).ok


def test_support_must_come_from_the_cited_passage():
    # true in [2], but cited as [1]
    g = check_grounding("Een bedreigd moskeebestuur doet aangifte bij de politie [1].", SOURCES)
    assert not g.ok and "not supported by [1]" in g.reasons[0]
    assert check_grounding("Een bedreigd moskeebestuur doet aangifte bij de politie [1][2].", SOURCES).ok


@pytest.mark.parametrize("answer", [
    "Ongeveer 5.000 professionals volgden de training [3].",
    "Ongeveer 2.100 professionals volgden de training, in groepen van 20 tot 25 deelnemers [3].",
    "Bij acuut gevaar belt u 113 [2].",
    "Bij acuut gevaar belt u 11 [2].",  # "11" is in "112", but not as a number
])
def test_numbers_must_come_from_the_source(answer):
    g = check_grounding(answer, SOURCES)
    assert not g.ok
    assert any("numbers" in r for r in g.reasons), g.reasons


def test_number_written_with_or_without_separator_is_the_same():
    assert check_grounding("Ongeveer 2100 professionals volgden de training [3].", SOURCES).ok
    assert check_grounding("Ongeveer 2.100 professionals volgden de training [3].", SOURCES).ok


@pytest.mark.parametrize("answer", [
    "Dat staat niet in de bronnen.",
    "De bronnen zeggen hier niets over.",
    "Het spijt me, dat weet ik niet.",
    "The sources do not say.",
    "I don't know.",
    "",
    "Het het de de een een [1] [2].",
])
def test_no_answer_is_not_an_answer(answer):
    g = check_grounding(answer, SOURCES)
    assert not g.ok
    assert g.reasons[0] == "no answer"


def test_partial_answer_that_admits_the_rest_is_missing_passes():
    g = check_grounding("Een bedreigd moskeebestuur doet aangifte bij de politie [2]. "
                        "Over subsidie staat niets in de bronnen; dat staat niet in de bronnen.", SOURCES)
    assert g.ok, g.reasons


def test_english_answers_are_only_grounded_against_english_passages():
    # A lexical check cannot compare languages: an English sentence citing a Dutch passage is refused,
    # even when faithful, and the engine falls back to the extractive answer.
    g = check_grounding("A threatened mosque board reports it to the police [2].", SOURCES, language="en")
    assert not g.ok and "cannot check" in g.reasons[0]
    # A Dutch answer citing an English passage likewise.
    english = [P("A mosque board that is threatened reports it to the police and contacts the municipality. "
                 "The municipality and the police can have a security scan carried out.", lang="en")]
    assert not check_grounding("Het moskeebestuur doet aangifte bij de politie [1].", english).ok
    # Against English passages, English answers are checked like Dutch ones.
    assert check_grounding("A threatened mosque board should report it to the police [1]. "
                           "The police and the municipality can have a security scan done [1].",
                           english, language="en").ok
    bad = check_grounding("The mosque board must hire private guards and install cameras [1].", english,
                          language="en")
    assert not bad.ok and "not supported" in bad.reasons[0]


def test_fast_and_deterministic():
    answer = " ".join(GOOD[:5])
    first = check_grounding(answer, SOURCES)
    started = time.perf_counter()
    for _ in range(20):
        assert check_grounding(answer, SOURCES) == first
    assert (time.perf_counter() - started) / 20 < 0.005
