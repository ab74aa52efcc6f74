"""What the retriever hands to the answer engine."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Passage:
    chunk_id: str
    doc_id: str
    title: str
    collection: str
    source: str  # file name relative to the ingested folder
    url: str | None
    published: date | None
    language: str
    heading_path: tuple[str, ...]
    page: int | None
    text: str  # the chunk, widened with neighbouring context when configured
    score: float  # fused score, comparable within one search
    lexical: float = 0.0  # BM25 score, normalised to the best of this search
    dense: float = 0.0  # cosine similarity to the query
    core_text: str = ""  # the matched chunk alone
    sample: bool = False

    @property
    def section(self) -> str:
        """The heading path, without the document title when it heads the path."""
        path = self.heading_path
        if path and path[0].strip().lower() == self.title.strip().lower():
            path = path[1:]
        return " › ".join(path)

    def citation(self) -> str:
        """'Titel — Sectie, p. 12' for display under an answer."""
        parts = [self.title]
        if self.section:
            parts.append(self.section)
        label = " — ".join(parts)
        return f"{label}, p. {self.page}" if self.page else label


@dataclass
class SearchResult:
    query: str
    passages: list[Passage]
    confidence: float  # 0..1: how likely the top passages answer the question
    timings_ms: dict[str, float] = field(default_factory=dict)
