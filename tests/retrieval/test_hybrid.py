"""The hybrid retriever on a small knowledge base it indexes for real."""
from __future__ import annotations

import pytest

from bot.index.store import Index
from bot.retrieval.hybrid import HybridRetriever, RetrievalConfig, join_overlapping
from bot.retrieval.query import QueryAnalyser
from ingest.pipeline import ingest_paths
from tests.conftest import write

DOCS = {
    "depolarisatie/midden.md": """# Depolarisatie in de praktijk

## Richt je op het midden
Bij twee groepen die elkaar uitschelden helpt het niet om telkens tussen de twee kopstukken te bemiddelen.
Richt je op de middengroep die nog niet gekozen heeft, en verleg het gesprek naar hun eigen vragen.

## Verlaat de identiteitsdiscussie
Discussies over wie wij en zij zijn maken de tegenstelling groter. Praat over gedeelde zorgen in de wijk.
""",
    "veilige-moskee/media.md": """# Veilige moskee

## Omgaan met de media
Spreek als moskeebestuur af wie de woordvoerder is wanneer journalisten bellen over een aangekondigde demonstratie.
Het kennisnetwerk organiseert bijeenkomsten over externe communicatie en de omgang met de pers.
""",
    "ondermijning/fondsen.md": """# Weerbare gemeenschappen

## Financiering
Gemeenten kregen hulp bij het vinden van geschikte fondsen voor hun aanpak van ondermijning en bij het
schrijven van aanvragen. De regie blijft bij de gemeente.
""",
}


@pytest.fixture
def retriever(settings, embeddings, tmp_path):
    root = tmp_path / "kb"
    for rel, text in DOCS.items():
        write(root / rel, text)
    write(root / "sources.yaml", """
collections: {depolarisatie: {title: D}, veilige-moskee: {title: V}, ondermijning: {title: O}}
documents:
  - {file: veilige-moskee/media.md, audience: [mosque_board], url: "https://voorbeeld.invalid/media"}
  - {file: ondermijning/fondsen.md, audience: [municipal_official], language: nl}
""")
    index = Index(settings, embeddings=embeddings)
    ingest_paths([root], settings, index=index)
    return HybridRetriever(index), root, settings, index


def test_finds_the_answering_passage_with_citation(retriever):
    r, *_ = retriever
    res = r.search("Twee kampen in mijn jongerencentrum schelden elkaar uit. Wat raadt de depolarisatie-aanpak aan?")
    top = res.passages[0]
    assert top.source == "depolarisatie/midden.md"
    assert top.heading_path == ("Depolarisatie in de praktijk", "Richt je op het midden")
    assert top.citation() == "Depolarisatie in de praktijk — Richt je op het midden"
    assert "middengroep" in top.text and 0 < res.confidence <= 1
    assert res.passages == sorted(res.passages, key=lambda p: -p.score)


def test_english_question_finds_dutch_passage(retriever):
    r, *_ = retriever
    res = r.search("Journalists keep calling our mosque board about a demonstration. Who should talk to the press?")
    assert res.passages[0].source == "veilige-moskee/media.md"
    assert res.passages[0].url == "https://voorbeeld.invalid/media"


def test_filters_on_collection_audience_and_language(retriever):
    r, *_ = retriever
    q = "Hoe vinden we geld voor onze aanpak?"
    only = r.search(q, collections=["veilige-moskee"])
    assert only.passages and {p.collection for p in only.passages} == {"veilige-moskee"}
    aud = r.search(q, audiences=["mosque_board"])
    # documents for everyone ("all") stay visible; those for other audiences do not
    assert "ondermijning/fondsen.md" not in {p.source for p in aud.passages}
    assert "veilige-moskee/media.md" in {p.source for p in aud.passages}
    assert r.search(q, languages=["en"]).passages == []


def test_confidence_is_lower_for_an_unrelated_question(retriever):
    r, *_ = retriever
    good = r.search("Wie voert het woord als journalisten het moskeebestuur bellen?")
    bad = r.search("Wat is het recept voor appeltaart met kaneel?")
    assert good.confidence > bad.confidence


def test_new_ingest_is_served_without_restart(retriever):
    r, root, settings, index = retriever
    r.search("warm")
    write(root / "depolarisatie/nieuw.md", "# Nieuw\n\n## Buurtbemiddeling\nBuurtbemiddeling helpt bij burenruzies over geluidsoverlast.")
    ingest_paths([root], settings, index=index)
    r._checked = 0  # skip the 2 s re-check interval
    res = r.search("Helpt buurtbemiddeling bij geluidsoverlast?")
    assert res.passages[0].source == "depolarisatie/nieuw.md"


def test_neighbour_context_and_dedup(settings, embeddings, tmp_path):
    root = tmp_path / "kb2"
    paras = "\n\n".join(f"Alinea {i} over de aanpak van spanningen in wijk {i}. " + "Extra uitleg. " * 20
                        for i in range(8))
    write(root / "lang.md", f"# Lang\n\n## Deel\n{paras}")
    index = Index(settings, embeddings=embeddings)
    ingest_paths([root], settings.model_copy(update={"chunk_size": 400, "chunk_overlap": 0}), index=index)
    r = HybridRetriever(index, RetrievalConfig(neighbours=1))
    res = r.search("aanpak van spanningen in wijk 4", k=3)
    top = res.passages[0]
    assert top.core_text in top.text and len(top.text) > len(top.core_text)
    # no two results share a chunk
    chunks = index.catalog.all_chunks()
    cores = [next(c.ordinal for c in chunks if c.chunk_id == p.chunk_id) for p in res.passages]
    assert all(abs(a - b) > 1 for i, a in enumerate(cores) for b in cores[i + 1:])


def test_join_overlapping_drops_the_repeated_sentence():
    assert join_overlapping(["Een. Twee drie vier vijf zes zeven.", "Twee drie vier vijf zes zeven. Acht."]) == \
        "Een. Twee drie vier vijf zes zeven. Acht."
    assert join_overlapping(["A b c.", "D e f."]) == "A b c.\n\nD e f."  # no repeat: the cut was between paragraphs
    assert join_overlapping(["Een. Twee drie vier vijf zes zeven.", "Twee drie vier vijf zes zeven.\n\nAcht."]) == \
        "Een. Twee drie vier vijf zes zeven.\n\nAcht."


def test_query_analysis_expands_english_and_bridges_vocabularies():
    qa = QueryAnalyser.default()
    exp = qa.expansions("How can a youth worker deal with polarisation?")
    assert "jongerenwerker jongerenwerk" in exp and "polarisatie" in exp
    bridged = qa.expansions("Hoe versterken we de sociale stabiliteit in de wijk?")
    assert "cohesie" in bridged
    analysed = qa.analyse("How can a youth worker deal with polarisation?")
    assert analysed.dense_texts == ["How can a youth worker deal with polarisation?"]
    assert "jongerenwerker" in analysed.expansion_text
    assert qa.analyse("appeltaart bakken").expansion_text == ""
