"""The grounding guard on answers written for the test: faithful ones pass, the rest never."""
from __future__ import annotations

from bot.engine.grounding import check_grounding
from bot.retrieval.passage import Passage


def P(text: str, lang: str = "nl") -> Passage:
    return Passage(chunk_id="c", doc_id="d", title="T", collection="c", source="s.md", url=None, published=None,
                   language=lang, heading_path=("T",), page=None, text=text, score=1.0)


SOURCES = [
    P("Richt je als jongerenwerker op de middengroep in plaats van op de twee kopstukken. "
      "Verleg het gesprek naar de vragen die in de middengroep leven."),
    P("Ongeveer 2.100 professionals volgden de training, in groepen van 10 tot 15 deelnemers."),
]


def test_faithful_cited_answer_passes():
    g = check_grounding("Richt je op de middengroep in plaats van op de kopstukken [1]. "
                        "Ongeveer 2.100 professionals volgden de training [2].", SOURCES)
    assert g.ok, g.reasons
    assert g.sentences == 2


def test_missing_citation_fails():
    g = check_grounding("Richt je op de middengroep in plaats van op de kopstukken.", SOURCES)
    assert not g.ok and "no citation" in g.reasons[0]


def test_citation_that_does_not_exist_fails():
    g = check_grounding("Richt je op de middengroep [9].", SOURCES)
    assert not g.ok and "[9]" in g.reasons[0]


def test_unsupported_sentence_with_a_citation_fails():
    g = check_grounding("De burgemeester moet direct een noodverordening afkondigen en de wijk afsluiten [1].", SOURCES)
    assert not g.ok and "not supported" in g.reasons[0]


def test_numbers_must_come_from_the_source():
    g = check_grounding("Ongeveer 5.000 professionals volgden de training, in groepen van 10 tot 15 deelnemers [2].",
                        SOURCES)
    assert not g.ok and "numbers" in " ".join(g.reasons)


def test_gibberish_and_no_answer_fail():
    assert not check_grounding("Het het de de een een [1] [2].", SOURCES).ok
    assert not check_grounding("Dat staat niet in de bronnen.", SOURCES).ok
    assert not check_grounding("", SOURCES).ok


def test_english_answer_from_dutch_sources_is_not_trusted():
    g = check_grounding("Focus on the middle group rather than the two leaders [1].", SOURCES, language="en")
    assert not g.ok
    english = [P("Focus on the middle group rather than on the two leaders.", lang="en")]
    assert check_grounding("Focus on the middle group rather than the leaders [1].", english, language="en").ok
