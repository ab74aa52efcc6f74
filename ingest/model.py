"""Data passed between loaders, chunker and index."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.index.model import DocumentMeta  # noqa: F401  (sections carry it; loaders and the manifest make it)


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
class Section:
    """A loaded section with the document's identity attached."""

    doc: DocumentMeta
    heading_path: tuple[str, ...]
    text: str
    page: int | None = None
