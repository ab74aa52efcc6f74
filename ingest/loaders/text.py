"""Plain text, including reports converted from PDF to text.

Such text marks headings in several ways: Markdown '#', a line that is wholly
bold ('**...**'), numbered headings ('2.3 Aanpak') and 'HOOFDSTUK 7' lines. Only a
block of one short line can be a heading, so numbered lists stay text. Tables of
contents and bare page numbers are dropped; nothing else is. A bare chapter line
('HOOFDSTUK 4') takes the title on the line after it ('Hoofdstuk 4: Bekendheid ...'),
so a citation names the chapter. The title is read from the title page (the lines
before the first heading), by the rules of ``ingest.titles``.
"""
from __future__ import annotations

import re
from pathlib import Path

from .. import titles
from ..model import LoadedFile
from .common import SectionBuilder, read_text

_MD = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_BOLD = re.compile(r"^\*\*(.+?)\*\*$")
_CHAPTER = re.compile(r"^(HOOFDSTUK|Hoofdstuk)\s+\d+\b")
_BARE_CHAPTER = re.compile(r"^(HOOFDSTUK|Hoofdstuk)\s+(\d+)\s*:?\s*$")
_DATE = re.compile(r"^\d{1,2}\s+(januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
                   r"december)\s+\d{4}$", re.I)
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+[A-ZÀ-Ý]")
_TOC = re.compile(r"(\t\s*\d{1,3}\s*$)|(\.{4,}\s*\d{1,3}\s*$)|(→\s*\d{1,3}\s*$)")
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
    if m and _DATE.match(line):
        return None  # '4 januari 2024' on a title page
    if m and not line.endswith((".", ",", ";", ":")) and len(line) < 100:
        return min(m.group(1).count(".") + 1, 4), line
    return None


def parse(text: str) -> LoadedFile:
    builder = SectionBuilder()
    md_title = None
    front: list[str] = []  # title-page lines: everything before the first heading
    in_front = True
    base_level = 1  # level of the last structural heading; a bold line goes one below it
    blocks = [b for b in (_lines(b) for b in _BLOCKS.split(text.replace("\r\n", "\n"))) if b]
    i = 0
    while i < len(blocks):
        lines = blocks[i]
        i += 1
        if len(lines) == 1:
            found = _heading_level(lines[0], base_level)
            if found:
                level, heading = found
                chapter = _BARE_CHAPTER.match(lines[0])
                if chapter and i < len(blocks) and len(blocks[i]) == 1 and _chapter_title(blocks[i][0]):
                    heading = f"Hoofdstuk {chapter.group(2)}: {blocks[i][0]}"
                    i += 1
                if not _BOLD.match(lines[0]):
                    base_level = level
                if md_title is None and in_front and lines[0].startswith("# "):
                    md_title = heading
                in_front = in_front and _BOLD.match(lines[0]) is not None
                builder.heading(level, heading)
                continue
        if in_front:
            front.extend(lines)
        builder.paragraph("\n".join(lines))
    title = titles.pick([md_title]) or titles.from_title_page(front[:60])
    return LoadedFile(title=title, sections=builder.finish())


def _lines(block: str) -> list[str]:
    lines = [ln.strip() for ln in block.strip().splitlines()]
    return [ln for ln in lines if ln and not _TOC.search(ln) and not _PAGE_NO.match(ln)]


def _chapter_title(line: str) -> bool:
    """The line after 'HOOFDSTUK 4' is its title when it reads like one: short, no sentence, no heading itself."""
    return len(line) < 120 and not line.endswith((".", ",", ";", ":")) and _heading_level(line, 1) is None


def load(path: Path) -> LoadedFile:
    return parse(read_text(path))
