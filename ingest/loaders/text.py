"""Plain text, including reports converted from PDF to text.

Such text marks headings in several ways: Markdown '#', a line that is wholly
bold ('**...**'), numbered headings ('2.3 Aanpak') and 'HOOFDSTUK 7' lines. Only a
block of one short line can be a heading, so numbered lists stay text. Tables of
contents and bare page numbers are dropped; nothing else is.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..model import LoadedFile
from .common import SectionBuilder, read_text

_MD = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_BOLD = re.compile(r"^\*\*(.+?)\*\*$")
_CHAPTER = re.compile(r"^(HOOFDSTUK|Hoofdstuk)\s+\d+\b")
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+[A-ZÀ-Ý]")
_TOC = re.compile(r"(\t\s*\d{1,3}\s*$)|(\.{4,}\s*\d{1,3}\s*$)")
_PAGE_NO = re.compile(r"^\d{1,3}$")
_BLOCKS = re.compile(r"\n[ \t]*\n")


def _heading_level(line: str, base_level: int) -> tuple[int, str] | None:
    if len(line) > 120:
        return None
    m = _MD.match(line)
    if m:
        return len(m.group(1)), m.group(2).strip("* ")
    m = _BOLD.match(line)
    if m and not m.group(1).rstrip().endswith((".", ",", ":", ";")) and len(m.group(1)) < 100:
        return min(base_level + 1, 6), m.group(1).strip()
    if _CHAPTER.match(line):
        return 1, line
    m = _NUMBERED.match(line)
    if m and not line.endswith((".", ",", ";", ":")) and len(line) < 100:
        return min(m.group(1).count(".") + 1, 4), line
    return None


def parse(text: str) -> LoadedFile:
    builder = SectionBuilder()
    title = None
    base_level = 1  # level of the last structural heading; a bold line goes one below it
    for block in _BLOCKS.split(text.replace("\r\n", "\n")):
        lines = [ln.strip() for ln in block.strip().splitlines()]
        lines = [ln for ln in lines if ln and not _TOC.search(ln) and not _PAGE_NO.match(ln)]
        if not lines:
            continue
        if len(lines) == 1:
            found = _heading_level(lines[0], base_level)
            if found:
                level, heading = found
                if not _BOLD.match(lines[0]):
                    base_level = level
                if title is None and lines[0].startswith("# "):
                    title = heading
                builder.heading(level, heading)
                continue
        if title is None and len(lines[0]) < 150:
            title = lines[0].strip("*# ")
        builder.paragraph("\n".join(lines))
    return LoadedFile(title=title, sections=builder.finish())


def load(path: Path) -> LoadedFile:
    return parse(read_text(path))
