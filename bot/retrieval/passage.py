"""What the retriever hands to the answer engine, and one citation per place."""
from __future__ import annotations

import re
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

    @property
    def place(self) -> tuple[str, str, int | None]:
        """Where it stands: document, section, page. Two passages of one place are one citation."""
        return (self.doc_id, self.section, self.page)

    def citation(self) -> str:
        """'Titel — Sectie, p. 12' for display under an answer."""
        parts = [self.title]
        if self.section:
            parts.append(self.section)
        label = " — ".join(parts)
        return f"{label}, p. {self.page}" if self.page else label


def cite_places(passages: list[Passage]) -> tuple[list[Passage], list[int]]:
    """The passages to list as sources, one per place (first seen), and for each given passage the 1-based
    number of its place in that list. Numbering answer lines with these numbers, two sentences from two
    chunks of one section on one page cite [1] twice, not [1] and [2] for the same place."""
    places: list[Passage] = []
    at: dict[tuple, int] = {}
    numbers = []
    for p in passages:
        if p.place not in at:
            at[p.place] = len(places) + 1
            places.append(p)
        numbers.append(at[p.place])
    return places, numbers


def renumber(text: str, numbers: list[int]) -> str:
    """Rewrite '[n]' (n counting the given passages from 1) to its place's number from ``cite_places``;
    a marker repeated next to itself ('[1][1]', '[1] [1]') becomes one."""
    def sub(m: re.Match) -> str:
        n = int(m.group(1))
        return f"[{numbers[n - 1]}]" if 1 <= n <= len(numbers) else m.group(0)

    text = re.sub(r"\[(\d{1,3})\]", sub, text)
    return re.sub(r"(\[\d{1,3}\])(?:\s*\1)+", r"\1", text)


@dataclass
class SearchResult:
    query: str
    passages: list[Passage]
    confidence: float  # 0..1: how likely the top passages answer the question
    timings_ms: dict[str, float] = field(default_factory=dict)
