"""A passage that two near-identical documents hold is indexed for both, reported, and returned once."""
from __future__ import annotations

from bot.index.store import Index
from bot.retrieval.hybrid import HybridRetriever
from ingest.pipeline import ingest_paths
from tests.conftest import write

SHARED = """## Bevindingen

De website van de gemeente is op twaalf pagina's onderzocht. Formulieren missen labels, zodat een
schermlezer niet voorleest welk veld welke gegevens vraagt. Afbeeldingen hebben geen tekstalternatief.

## Aanbevelingen

Geef elk formulierveld een label en elke afbeelding een korte beschrijving van wat erop staat. Test de
pagina's daarna met een schermlezer en met bezoekers die er een gebruiken.
"""


def test_near_identical_reports_are_reported_and_their_shared_passage_is_returned_once(settings, embeddings,
                                                                                        tmp_path):
    root = tmp_path / "kb"
    write(root / "rapport-noord.md", "# Toegankelijkheid website Noord\n\n" + SHARED)
    write(root / "rapport-zuid.md", "# Toegankelijkheid website Zuid\n\n" + SHARED)
    write(root / "anders.md", "# Moskeebesturen\n\n## Media\n\nSpreek een woordvoerder af voor de pers.\n")
    index = Index(settings, embeddings=embeddings)
    report = ingest_paths([root], settings, index=index)
    assert report.indexed == 3
    assert [p for p, m in report.warnings if "nearly a copy of rapport-noord.md" in m] == ["rapport-zuid.md"]
    passages = HybridRetriever(index).search("Welke formuliervelden missen een label voor de schermlezer?",
                                             k=5).passages
    texts = [" ".join(p.core_text.split()) for p in passages]
    assert any("Formulieren missen labels" in t for t in texts)
    assert sum("Formulieren missen labels" in t for t in texts) == 1
    index.close()
