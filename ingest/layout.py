"""Page furniture of paged documents: running headers and footers, page numbers.

A line at the top or bottom of a page that recurs on most pages (digits aside:
"Rapport ESS | 12", "Pagina 3 van 40") is the layout's, not the author's text;
so is a bare page number there. Lines in the body are never touched.
"""
from __future__ import annotations

import re
from collections import Counter

EDGE = 2  # lines at the top and at the bottom of a page that may be furniture
MIN_PAGES = 3  # fewer pages than this: nothing recurs enough to tell
MIN_SHARE = 0.5  # a running line recurs on at least this share of the pages
_PAGE_NUMBER = re.compile(r"^\W*(?:(?:pagina|page|blz\.?|p\.)\s*)?\d{1,4}(?:\s*(?:van|of|/)\s*\d{1,4})?\W*$", re.I)


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _edges(n: int) -> list[int]:
    return sorted(set(range(min(EDGE, n))) | set(range(max(n - EDGE, 0), n)))


def furniture(pages: list[list[str]]) -> list[set[int]]:
    """Per page, the positions of its lines that are running headers, footers or page numbers."""
    counts: Counter = Counter()
    for lines in pages:
        counts.update({_key(lines[i]) for i in _edges(len(lines))})
    running = set()
    if len(pages) >= MIN_PAGES:
        running = {k for k, n in counts.items() if n >= max(MIN_PAGES, MIN_SHARE * len(pages))}
    out = []
    for lines in pages:
        drop = {i for i in _edges(len(lines)) if _key(lines[i]) in running or _PAGE_NUMBER.match(lines[i])}
        out.append(drop)
    return out
