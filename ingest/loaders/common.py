"""Helpers shared by the loaders: decoding, whitespace, and building sections from a heading stream."""
from __future__ import annotations

import re
from pathlib import Path

from ..model import LoadError, RawSection

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b]+")


def read_text(path: Path) -> str:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise LoadError("tekstcodering onbekend / undecodable text encoding")


def clean(text: str) -> str:
    """Collapse spaces within lines, strip lines, keep paragraph breaks."""
    lines = [_SPACES.sub(" ", ln).strip() for ln in text.splitlines()]
    out = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", out).strip()


class SectionBuilder:
    """Collects paragraphs under the current heading path; a heading closes the open section."""

    def __init__(self):
        self.sections: list[RawSection] = []
        self.path: list[tuple[int, str]] = []  # (level, heading)
        self.paragraphs: list[str] = []
        self.page: int | None = None

    def heading(self, level: int, title: str) -> None:
        self.flush()
        title = " ".join(title.split())
        while self.path and self.path[-1][0] >= level:
            self.path.pop()
        self.path.append((level, title))

    def paragraph(self, text: str) -> None:
        text = clean(text)
        if text:
            self.paragraphs.append(text)

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
