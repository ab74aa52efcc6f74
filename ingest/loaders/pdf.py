"""PDF (pypdf, BSD): text per page, headings where the layout shows them.

A line is a heading when it is short, has no final period and is set in a font
clearly larger than the body text (the most common size by characters); the
distinct heading sizes, largest first, become levels 1-3. Sections never span
pages, so every chunk cites its page. Running headers, footers and page numbers
are dropped (``ingest.layout``); pages without text are counted for the ingest
report. The title: the metadata title, else the first large heading, each only
when ``ingest.titles`` accepts it (a table of contents on page 1 is no title).
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from .. import titles
from ..layout import furniture
from ..model import LoadedFile, LoadError
from .common import SectionBuilder

HEADING_RATIO = 1.15
MIN_PAGE_CHARS = 20  # a page with less text than this is a page without text (a scan, an image)


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

    drop = furniture([[t for t, _ in lines] for lines in pages])
    pages = [[ln for i, ln in enumerate(lines) if i not in drop[n]] for n, lines in enumerate(pages)]
    # counted without the furniture: a scanned page still carries the running header of its template
    empty_pages = [n for n, lines in enumerate(pages, start=1) if sum(len(t) for t, _ in lines) < MIN_PAGE_CHARS]

    sizes = Counter()
    for lines in pages:
        for text, size in lines:
            sizes[size] += len(text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    heading_sizes = sorted({s for s in sizes if body and s >= body * HEADING_RATIO}, reverse=True)[:3]
    level_of = {s: n + 1 for n, s in enumerate(heading_sizes)}

    builder = SectionBuilder()
    headings: list[str] = []  # level-1 headings in order: title candidates
    for number, lines in enumerate(pages, start=1):
        builder.new_page(number)
        para: list[str] = []
        full = max((len(t) for t, _ in lines), default=0)
        for text, size in lines:
            level = level_of.get(size)
            if level and len(text) < 120 and not text.endswith("."):
                if para:
                    builder.paragraph("\n".join(para))
                    para = []
                if level == 1:
                    headings.append(text)
                builder.heading(level, text)
            else:
                if para and _ends_paragraph(para[-1], full):
                    para.append("")  # a blank line: the cleaner closes the paragraph there
                para.append(text)
        if para:
            builder.paragraph("\n".join(para))
    meta_title = None
    try:
        meta_title = (reader.metadata.title or "").strip() if reader.metadata else None
    except Exception:
        meta_title = None
    title = titles.pick([meta_title, *headings[:5]])
    return LoadedFile(title=title, sections=builder.finish(), pages=len(pages), empty_pages=empty_pages)


def _ends_paragraph(line: str, full: int) -> bool:
    """A line that ends a sentence well short of the page's full line width ends its paragraph."""
    return line.rstrip().endswith((".", "!", "?", ":")) and len(line) < 0.85 * full
