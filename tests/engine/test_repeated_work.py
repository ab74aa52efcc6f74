"""Per-message work done once: triage (asked twice per message) and the sentences of a passage."""
from __future__ import annotations

import bot.triage as triage_mod
from bot.engine import compose as compose_mod
from bot.engine.compose import compose
from bot.triage import triage
from bot.retrieval.passage import Passage

TEXTS = [
    "Er staan nu mannen voor de deur van onze moskee en ze bedreigen de bezoekers!",
    "Hoe bereiden we ons voor op bedreigingen tegen ons gebedshuis?",
    "Een leerling zegt dat hij er niet meer wil zijn.",
    "Wat doet de ESS voor gemeenten?",
]


def test_triage_of_the_same_text_is_computed_once_and_equal():
    for text in TEXTS:
        first = triage(text)
        assert triage(text) is first and first == triage_mod._triage(text)
    assert triage(TEXTS[0]).urgent and not triage(TEXTS[1]).urgent and triage(TEXTS[2]).urgent
    assert all(isinstance(k, bytes) for k in triage_mod._memo)  # digests, not message text
    assert len(triage_mod._memo) <= triage_mod._MEMO_SIZE


def _passage(text: str) -> Passage:
    return Passage(chunk_id="c", doc_id="d", title="T", collection="x", source="s.md", url=None, published=None,
                   language="nl", heading_path=("T",), page=None, text=text, score=1.0)


def test_compose_gives_the_same_answer_from_remembered_sentences():
    passages = [_passage("Spreek af wie het woord voert als journalisten bellen. Kies één woordvoerder.\n\n"
                         "Het bestuur bereidt een korte verklaring voor. Houd die feitelijk en rustig."),
                _passage("Een training helpt bestuursleden om met de pers te praten. Oefen de gesprekken vooraf.")]
    question = "Wie moet er met journalisten praten als ze ons moskeebestuur bellen?"
    compose_mod._analysed.cache_clear()
    cold = compose(question, "pers media", passages)
    assert compose_mod._analysed.cache_info().misses == 2
    warm = compose(question, "pers media", passages)
    assert compose_mod._analysed.cache_info().hits == 2
    assert warm == cold and cold.lead and cold.lead.startswith("Spreek af wie het woord voert")
