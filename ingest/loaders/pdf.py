"""PDF (pypdf, BSD): text per page, headings where the layout shows them.

A line is a heading when it is short, has no final period and is set in a font
clearly larger than the body text (the most common size by characters); the
distinct heading sizes, largest first, become levels 1-3. Sections never span
pages, so every chunk cites its page.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from ..model import LoadedFile, LoadError
from .common import SectionBuilder

_HYPHEN = re.compile(r"(\w)-\n(?=[a-zà-ÿ])")
HEADING_RATIO = 1.15


def _page_lines(page) -> list[tuple[str, float]]:
    """(line, font size) pairs in reading order."""
    lines: list[tuple[str, float]] = []
    current: list[str] = []
    size = 0.0

    def visitor(text, cm, tm, font_dict, font_size):
        nonlocal current, size
        scale = max(abs(tm[3]), abs(tm[0]), 1e-6) * max(abs(cm[3]), abs(cm[0]), 1e-6)
        eff = round(float(font_size) * scale, 1)
        parts = text.split("\n")
        for n, part in enumerate(parts):
            if n > 0:
                lines.append(("".join(current), size))
                current, size = [], 0.0
            if part.strip():
                current.append(part)
                size = max(size, eff)

    page.extract_text(visitor_text=visitor)
    if current:
        lines.append(("".join(current), size))
    return [(" ".join(t.split()), s) for t, s in lines if t.strip()]


def load(path: Path) -> LoadedFile:
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise LoadError("versleutelde PDF / encrypted PDF")
        pages = [_page_lines(p) for p in reader.pages]
    except (FileNotDecryptedError,) as exc:
        raise LoadError("versleutelde PDF / encrypted PDF") from exc
    except PdfReadError as exc:
        raise LoadError(f"beschadigde PDF: {str(exc)[:100]} / corrupt PDF") from exc

    sizes = Counter()
    for lines in pages:
        for text, size in lines:
            sizes[size] += len(text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    heading_sizes = sorted({s for s in sizes if body and s >= body * HEADING_RATIO}, reverse=True)[:3]
    level_of = {s: n + 1 for n, s in enumerate(heading_sizes)}

    builder = SectionBuilder()
    title = None
    for number, lines in enumerate(pages, start=1):
        builder.new_page(number)
        para: list[str] = []
        for text, size in lines:
            level = level_of.get(size)
            if level and len(text) < 120 and not text.endswith("."):
                if para:
                    builder.paragraph(_HYPHEN.sub(r"\1", "\n".join(para)))
                    para = []
                if title is None and level == 1:
                    title = text
                builder.heading(level, text)
            else:
                para.append(text)
        if para:
            builder.paragraph(_HYPHEN.sub(r"\1", "\n".join(para)))
    meta_title = None
    try:
        meta_title = (reader.metadata.title or "").strip() if reader.metadata else None
    except Exception:
        meta_title = None
    return LoadedFile(title=meta_title or title, sections=builder.finish())
