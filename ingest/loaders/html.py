"""HTML: the main content only (no navigation, scripts or page furniture), headings h1-h6 as path."""
from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from .. import titles
from ..model import LoadedFile
from .common import SectionBuilder, read_text

_DROP = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template", "svg", "iframe",
         "button"]
_BLOCKS = {"p", "li", "blockquote", "pre", "dd", "dt", "figcaption", "caption", "address"}
_HEADING = re.compile(r"^h([1-6])$")


def _main(soup: BeautifulSoup) -> Tag:
    for sel in ("main", "[role=main]", "article", "body"):
        found = soup.select_one(sel)
        if found is not None:
            return found
    return soup


def _text(el: Tag) -> str:
    return " ".join(el.get_text(" ", strip=True).split())


def _walk(el: Tag, builder: SectionBuilder) -> None:
    for child in el.children:
        if isinstance(child, NavigableString):
            if child.strip() and child.parent is el and el.name not in _BLOCKS:
                builder.paragraph(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        m = _HEADING.match(child.name or "")
        if m:
            builder.heading(int(m.group(1)), _text(child))
        elif child.name == "table":
            rows = [" | ".join(_text(c) for c in tr.find_all(["td", "th"])) for tr in child.find_all("tr")]
            builder.paragraph("\n".join(r for r in rows if r.strip(" |")))
        elif child.name in _BLOCKS:
            prefix = "- " if child.name == "li" else ""
            # a list item may hold a nested list: take its own text, then walk the nested blocks
            nested = child.find(["ul", "ol", "table"])
            if nested is None:
                builder.paragraph(prefix + _text(child))
            else:
                own = " ".join(s.strip() for s in child.find_all(string=True, recursive=False) if s.strip())
                if own:
                    builder.paragraph(prefix + own)
                _walk(child, builder)
        else:
            _walk(child, builder)


def parse(markup: str) -> LoadedFile:
    soup = BeautifulSoup(markup, "lxml")
    title = None
    if soup.title and soup.title.string:
        title = soup.title.string.strip()
        for sep in (" | ", " - ", " – "):
            if sep in title and title.split(sep)[0].strip():
                title = title.split(sep)[0].strip()
                break
    for el in soup.find_all(_DROP):
        el.decompose()
    for el in soup.select("[hidden], [aria-hidden=true]"):
        el.decompose()
    for el in soup.find_all("sup"):  # a footnote marker (a number or symbol) is no text; "1<sup>e</sup>" is
        if re.fullmatch(r"[\d\s,*†‡§]*", el.get_text()):
            el.decompose()
    main = _main(soup)
    builder = SectionBuilder()
    _walk(main, builder)
    h1 = main.find("h1")
    return LoadedFile(title=titles.pick([title, _text(h1) if h1 else None]), sections=builder.finish())


def load(path: Path) -> LoadedFile:
    return parse(read_text(path))
