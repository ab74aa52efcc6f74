"""A document's title when knowledge/sources.yaml gives none.

A citation names the document by its title, so a wrong one misleads every
answer. Candidates (PDF or DOCX metadata, HTML <title>, the first large heading,
the lines of a title page) are taken in order of trust, and rejected when they
are what title pages and metadata also hold: a table of contents ("Inhoudsopgave"
or one of its lines), an all-caps running header ("RAPPORT", "HOOFDSTUK 12"), a
chapter heading, an author's name, a date, a place and date, contact details, or
a word processor's placeholder ("Microsoft Word - v3.docx").
"""
from __future__ import annotations

import re
from typing import Iterable

from . import vocabulary
from .cleaning import inline

_NOT_TITLES = {
    "inhoud", "inhoudsopgave", "inhoudstafel", "contents", "table of contents", "colofon", "voorwoord", "woord vooraf",
    "samenvatting", "managementsamenvatting", "bestuurlijke samenvatting", "summary", "inleiding", "introductie",
    "introduction", "conclusie", "conclusies", "aanbevelingen", "bijlage", "bijlagen", "literatuur", "bronnen",
    "literatuurlijst", "rapport", "report", "concept", "vertrouwelijk", "untitled", "naamloos", "titel", "title",
    "document", "voorpagina", "leeswijzer", "verantwoording", "over dit rapport",
}
_TOC_LINE = re.compile(r"(\.{3,}|…|\t|→|\s{3,})\s*\d{1,3}\s*$|\s\d{1,3}\s*$")
_CHAPTER = re.compile(r"^(hoofdstuk|chapter|deel|part|bijlage|annex|paragraaf|sectie)\b\s*[\dA-Z]*\b", re.I)
_NUMBERED = re.compile(r"^\d{1,2}(\.\d{1,2})*\.?\s")
_MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|"
           "january|february|march|june|july|august|october")
_DATE = re.compile(rf"\b({_MONTHS})\b\s*\d{{4}}|^\W*\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}\W*$|^\W*(19|20)\d\d\W*$", re.I)
_PLACEHOLDER = re.compile(r"^(microsoft (word|powerpoint)|word)\s*-|\.(docx?|pdf|pptx?|odt|indd|txt)$|^(document|"
                          r"presentatie|presentation|untitled|naamloos)\s*\d*$", re.I)
_CONTACT = re.compile(r"@|https?://|www\.|\b0\d[\d\s-]{7,}\b|\+\d{2}")
# Words that may stand lower-case in a person's name: particles, connectives, degrees.
_NAME_PARTICLES = {"van", "de", "der", "den", "ten", "ter", "te", "het", "in", "'t", "d'", "la", "le", "du", "von",
                   "zu", "bin", "al", "el", "en", "and", "e.a.", "&", "-", "–", "—"}
_DEGREES = {"msc", "ma", "ba", "bsc", "phd", "mba", "llm", "prof.", "dr.", "drs.", "mr.", "ir.", "ing.", "prof", "dr"}


def plausible(text: str | None) -> str | None:
    """The cleaned candidate when it can be a document's title, else None."""
    if not text:
        return None
    t = inline(" ".join(text.split())).strip(" -–—:|#")
    if not 4 <= len(t) <= 160:
        return None
    low = t.lower().rstrip(".: ")
    if low in _NOT_TITLES or _TOC_LINE.search(t) or _CHAPTER.match(t) or _NUMBERED.match(t):
        return None
    if _DATE.search(t) or _PLACEHOLDER.search(t) or _CONTACT.search(t):
        return None
    letters = [c for c in t if c.isalpha()]
    if not letters or (all(c.isupper() for c in letters) and len(t.split()) <= 3):
        return None  # a running header or a stamp: RAPPORT, CONCEPT, ESS
    if t.endswith(".") and len(t.split()) > 3 and not t.endswith("e.a."):
        return None  # a sentence, not a title
    if looks_like_names(t):
        return None
    return t


def looks_like_names(text: str) -> bool:
    """'Soenita M. Ganpat', 'Bram van Dijk, Paul van Soomeren en Mensje van Puffelen', 'Ilsa de Jong MSc';
    not 'Handreiking Veilige Moskee' (capitalised, but dictionary words)."""
    words = [w for w in re.split(r"[\s,;]+", text) if w]
    if not 2 <= len(words) <= 16:
        return False
    capitalised: list[str] = []
    strong = False  # initials, a degree, or a particle after a word that is no dictionary word
    for n, w in enumerate(words):
        lw = w.lower()
        if lw.strip(".") in _DEGREES or re.fullmatch(r"[A-ZÀ-Ý]\.(?:[A-ZÀ-Ý]\.)*", w):
            strong = True
            continue
        if lw in _NAME_PARTICLES:
            if lw not in {"en", "and", "&", "-", "–", "—"} and capitalised and n > 0 and words[n - 1] == capitalised[-1] \
                    and not vocabulary.in_wordlist(capitalised[-1]):
                strong = True
            continue
        if w[:1].isupper() and not w.isupper() and re.fullmatch(r"[\w'’.-]+", w):
            capitalised.append(w)
            continue
        return False  # a lower-case content word: prose or a title
    if not capitalised:
        return False
    # common English words count as words: titles mix in "Evidence Based", names rarely pass this bar
    unknown = sum(not (vocabulary.in_wordlist(w.strip(".")) or vocabulary.zipf(w.lower(), "en") >= 4.0)
                  for w in capitalised)
    return strong or unknown * 2 > len(capitalised)


def pick(candidates: Iterable[str | None]) -> str | None:
    """The first plausible candidate."""
    for c in candidates:
        found = plausible(c)
        if found:
            return found
    return None


def from_title_page(lines: list[str]) -> str | None:
    """A title from the lines before the body: one that the title page repeats (cover and inner title
    page), else the first plausible line."""
    seen: dict[str, int] = {}
    found = []
    for line in lines:
        t = plausible(line)
        if t:
            key = re.sub(r"\W+", " ", t.lower()).strip()
            seen[key] = seen.get(key, 0) + 1
            found.append((key, t))
    repeated = [(key, t) for key, t in found if seen[key] > 1]
    if repeated:  # of its spellings, the one with the least punctuation ("— Weerbare — ..." is layout)
        first = repeated[0][0]
        return min((t for key, t in repeated if key == first), key=lambda t: len(re.findall(r"[^\w\s]", t)))
    return found[0][1] if found else None
