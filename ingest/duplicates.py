"""Documents that are nearly a copy of one already indexed.

Both are indexed (each may be cited for its own title and date); the operator
is told, and retrieval returns a passage that both hold only once
(``bot.retrieval.hybrid``). Compared by word shingles over the whole text.
"""
from __future__ import annotations

from collections import defaultdict

from bot.index.catalog import Catalog
from bot.index.fingerprint import contained, shingles

NEARLY_A_COPY = 0.8  # share of a document's shingles that another document holds


class DuplicateDocuments:
    def __init__(self, catalog: Catalog):
        self._catalog = catalog
        self._docs: dict[str, tuple[str, frozenset[int]]] | None = None  # doc_id -> (source, shingles)

    def _load(self) -> dict[str, tuple[str, frozenset[int]]]:
        if self._docs is None:
            texts: dict[str, list[str]] = defaultdict(list)
            sources = {}
            for c in self._catalog.all_chunks():
                texts[c.doc.doc_id].append(c.text)
                sources[c.doc.doc_id] = c.doc.source
            self._docs = {d: (sources[d], shingles("\n".join(t))) for d, t in texts.items()}
        return self._docs

    def copy_of(self, doc_id: str, texts: list[str]) -> tuple[str, float] | None:
        """The other document (its file) that holds most of this text, and the share it holds."""
        mine = shingles("\n".join(texts))
        best = None
        for other, (source, theirs) in self._load().items():
            if other == doc_id:
                continue
            share = contained(mine, theirs)
            if share >= NEARLY_A_COPY and (best is None or share > best[1]):
                best = (source, share)
        return best

    def add(self, doc_id: str, source: str, texts: list[str]) -> None:
        self._load()[doc_id] = (source, shingles("\n".join(texts)))
