"""Data passed between loaders, chunker and index."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


class LoadError(Exception):
    """A file that cannot be indexed; ``reason`` is shown to the operator."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RawSection:
    """What a loader finds: text under a heading path, on a page when known."""

    heading_path: tuple[str, ...]
    text: str
    page: int | None = None


@dataclass
class LoadedFile:
    """A loader's result: the title the file gives itself (if any) and its sections; for paged formats the
    number of pages and those without text."""

    title: str | None
    sections: list[RawSection]
    pages: int | None = None
    empty_pages: list[int] = field(default_factory=list)


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
class Section:
    """A loaded section with the document's identity attached."""

    doc: DocumentMeta
    heading_path: tuple[str, ...]
    text: str
    page: int | None = None


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
