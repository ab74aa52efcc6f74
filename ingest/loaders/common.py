"""Helpers shared by the loaders: decoding, and building clean sections from a heading stream.

Every paragraph and heading a loader finds passes through ``ingest.cleaning``, so
no loader can let markup, footnote markers or list symbols through.
"""
from __future__ import annotations

from pathlib import Path

from ..cleaning import inline, paragraphs
from ..model import LoadError, RawSection


def read_text(path: Path) -> str:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise LoadError("tekstcodering onbekend / undecodable text encoding")


class SectionBuilder:
    """Collects paragraphs under the current heading path; a heading closes the open section."""

    def __init__(self):
        self.sections: list[RawSection] = []
        self.path: list[tuple[int, str]] = []  # (level, heading)
        self.paragraphs: list[str] = []
        self.page: int | None = None

    def heading(self, level: int, title: str) -> None:
        title = inline(title)
        if not title:
            return
        self.flush()
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, title))

    def paragraph(self, text: str) -> None:
        self.paragraphs.extend(paragraphs(text))

    def new_page(self, page: int) -> None:
        self.flush()
        self.page = page

    def flush(self) -> None:
        if self.paragraphs:
            self.sections.append(RawSection(tuple(h for _, h in self.path), "\n\n".join(self.paragraphs), self.page))
        self.paragraphs = []

    def finish(self) -> list[RawSection]:
        self.flush()
        return self.sections
