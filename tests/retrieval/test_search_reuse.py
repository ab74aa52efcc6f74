"""Work the retriever no longer repeats per question: Chroma's answer for a vector, neighbour windows."""
from __future__ import annotations

import numpy as np

from bot.index.store import Index
from bot.retrieval.hybrid import HybridRetriever
from ingest.pipeline import ingest_paths
from tests.conftest import write

PARAS = "\n\n".join(f"Alinea {i} over spanningen tussen groepen jongeren in wijk {i}. " + "Meer uitleg. " * 15
                    for i in range(6))


def _index(settings, embeddings, tmp_path):
    root = tmp_path / "kb"
    write(root / "wijk.md", f"# Wijkaanpak\n\n## Spanningen\n{PARAS}\n\n## Media\nSpreek af wie de pers te woord staat.")
    write(root / "moskee.md", "# Veilige moskee\n\n## Pers\nHet bestuur kiest een woordvoerder voor journalisten.")
    index = Index(settings, embeddings=embeddings)
    ingest_paths([root], settings.model_copy(update={"chunk_size": 300}), index=index)
    return index, root


def test_a_repeated_question_asks_chroma_once_per_index_version(settings, embeddings, tmp_path):
    index, root = _index(settings, embeddings, tmp_path)
    calls = []
    real_query = index.vectors.query
    index.vectors.query = lambda *a, **kw: calls.append(1) or real_query(*a, **kw)  # counts, Chroma still answers
    r = HybridRetriever(index)
    q = "Wat doe je aan spanningen tussen groepen jongeren in de wijk?"
    first, again = r.search(q), r.search(q)
    assert len(calls) == 1
    assert [(p.chunk_id, p.score, p.dense, p.text) for p in first.passages] == \
        [(p.chunk_id, p.score, p.dense, p.text) for p in again.passages]
    assert first.confidence == again.confidence
    r.search(q, collections=["nergens"])  # another filter is another question to Chroma
    assert len(calls) == 2

    # a new ingest is a new index version: nothing remembered from the old one is used
    write(root / "nieuw.md", "# Nieuw\n\n## Buurtbemiddeling\nBuurtbemiddeling helpt bij spanningen tussen jongeren.")
    ingest_paths([root], settings.model_copy(update={"chunk_size": 300}), index=index)
    r._checked = 0  # skip the 2 s re-check interval
    assert "nieuw.md" in {p.source for p in r.search(q).passages}
    assert len(calls) == 3


def test_window_means_equal_the_mean_over_each_window(settings, embeddings, tmp_path):
    index, _ = _index(settings, embeddings, tmp_path)
    snap = HybridRetriever(index).snapshot()
    assert any(len(w) == 3 for w in snap.window) and any(len(w) < 3 for w in snap.window)
    sims = snap.vectors @ embeddings.embed_query_np("spanningen in de wijk")
    rows = np.arange(len(snap.chunks))
    means = snap.window_means(sims, rows)
    assert [float(m) for m in means] == [float(sims[w].mean()) for w in snap.window]  # bit for bit
