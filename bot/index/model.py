"""What the index holds: documents and the chunks cut from them (ingest makes them, retrieval reads them)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class DocumentMeta:
    """Per-document metadata from ``knowledge/sources.yaml`` or defaults."""

    doc_id: str
    title: str
    collection: str
    source: str  # file name relative to the ingested root
    audience: tuple[str, ...] = ("all",)
    language: str = "nl"
    published: date | None = None
    url: str | None = None
    sample: bool = False


@dataclass(frozen=True)
class Chunk:
    """The unit that is embedded and retrieved."""

    chunk_id: str
    doc: DocumentMeta
    heading_path: tuple[str, ...]
    text: str
    page: int | None
    ordinal: int  # position within the document, for neighbour context
    extra: dict = field(default_factory=dict, compare=False)


def index_texts(chunks: list[Chunk]) -> list[str]:
    """What is embedded and indexed for each chunk (in document order): its text, with the heading in front
    of a section's first chunk, in one line (layout never changes a vector or the embedding cache's key)."""
    out = []
    previous: tuple[str, tuple[str, ...]] | None = None
    for c in chunks:
        place = (c.doc.doc_id, c.heading_path)
        text = c.text
        if c.heading_path and place != previous:
            text = f"{c.heading_path[-1]}\n\n{text}"
        previous = place
        out.append(" ".join(text.split()))
    return out
