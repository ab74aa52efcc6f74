"""Is a loaded document's text fit to quote? A defective text layer and pages without text.

Some PDFs carry a text layer that every extractor reads the same wrong way: a
font without a proper character map drops a letter everywhere ("Hetzelde",
"platorm", "steekproe" for the f), or yields mojibake; scanned pages have no
text at all. Indexed silently, such text is quoted to practitioners and found by
no query that uses the lost letter. The signals:

- the share of lower-case words (names are capitalised) that are no Dutch word
  (word list, wordfreq, compounds of two list words): high for mojibake;
- a dropped letter: unknown words that become dictionary words when one letter
  (or ligature: fi, fl, ff, ft) is put back, concentrated on that one letter,
  which is also rarer in the text than Dutch would have it;
- the share of PDF pages without text.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from . import vocabulary
from .model import LoadedFile

MAX_UNKNOWN_SHARE = 0.15  # the five reports: 0.001-0.003; with every f dropped: ~0.04 (docs/ingest.md)
MIN_REPAIRED_SHARE = 0.01  # a dropped letter repairs at least this share of all words ...
MIN_REPAIRED_TYPES = 5  # ... in this many different words
MAX_EMPTY_PAGE_SHARE = 0.5  # more pages without text than this: a scan, not a text document
SAMPLE_WORDS = 30_000
_CANDIDATES = tuple("abcdefghijklmnopqrstuvwxyz") + ("fi", "fl", "ff", "ft", "ffi")
# How common each letter is in Dutch prose (share of letters), to tell a dropped letter from a rare one.
_DUTCH_LETTER_SHARE = {"f": 0.008, "e": 0.19, "n": 0.10, "a": 0.075, "t": 0.068, "i": 0.065, "r": 0.064,
                       "o": 0.06, "d": 0.059, "s": 0.037, "l": 0.036, "g": 0.034, "v": 0.028, "h": 0.024,
                       "k": 0.022, "m": 0.022, "u": 0.02, "b": 0.016, "p": 0.016, "w": 0.015, "j": 0.015,
                       "z": 0.014, "c": 0.012}
_LOWER_WORD = re.compile(r"(?<![\w-])[a-zà-ÿ]{4,}(?![\w-])")


@dataclass
class TextQuality:
    words: int = 0
    unknown_share: float = 0.0
    dropped: str | None = None  # the letter (or ligature) the text layer drops
    examples: list[str] = field(default_factory=list)  # unknown words that the dropped letter repairs
    pages: int | None = None
    empty_pages: tuple[int, ...] = ()

    @property
    def defective(self) -> bool:
        """Not fit to index: what would be quoted is garbled, or most pages have no text."""
        return bool(self.dropped) or self.unknown_share > MAX_UNKNOWN_SHARE or self.mostly_empty

    @property
    def mostly_empty(self) -> bool:
        return bool(self.pages) and len(self.empty_pages) / self.pages > MAX_EMPTY_PAGE_SHARE

    def problems(self) -> list[str]:
        """Each problem in a line an operator can act on (Dutch / English)."""
        out = []
        if self.dropped:
            out.append(f"tekstlaag mist de letter(s) '{self.dropped}' (bijv. {', '.join(self.examples[:3])}) / "
                       f"text layer drops '{self.dropped}': supply another copy or OCR it")
        if self.unknown_share > MAX_UNKNOWN_SHARE:
            out.append(f"tekstlaag onleesbaar: {self.unknown_share:.0%} onbekende woorden / text layer garbled")
        if self.empty_pages:
            pages = ", ".join(str(p) for p in self.empty_pages[:10]) + (" ..." if len(self.empty_pages) > 10 else "")
            out.append(f"{len(self.empty_pages)} van {self.pages} pagina's zonder tekst (p. {pages}) / "
                       f"pages without text (scanned?)")
        return out


def assess(loaded: LoadedFile) -> TextQuality:
    text = "\n".join(s.text for s in loaded.sections)
    quality = TextQuality(pages=loaded.pages, empty_pages=tuple(loaded.empty_pages))
    tokens = _LOWER_WORD.findall(text)[:SAMPLE_WORDS]
    if not tokens:
        return quality
    counts = Counter(tokens)
    unknown = {w: n for w, n in counts.items() if not vocabulary.known(w)}
    quality.words = len(tokens)
    quality.unknown_share = sum(unknown.values()) / len(tokens)
    dropped, repaired = _dropped_letter(unknown)
    if dropped and sum(unknown[w] for w in repaired) >= MIN_REPAIRED_SHARE * len(tokens) \
            and len(repaired) >= MIN_REPAIRED_TYPES and _rarer_than_dutch(dropped, text):
        quality.dropped = dropped
        quality.examples = sorted(repaired, key=lambda w: -unknown[w])[:5]
    return quality


def _dropped_letter(unknown: dict[str, int]) -> tuple[str | None, list[str]]:
    """The letter whose insertion turns the most unknown words (by count) into list words, when it explains
    at least three times as many as any other letter."""
    words = vocabulary.wordlist()
    repaired: dict[str, list[str]] = {}
    for w in unknown:
        for c in _CANDIDATES:
            if any(w[:i] + c + w[i:] in words for i in range(len(w) + 1)):
                repaired.setdefault(c, []).append(w)
    if not repaired:
        return None, []
    weight = {c: sum(unknown[w] for w in ws) for c, ws in repaired.items()}
    ranked = sorted(weight, key=weight.get, reverse=True)
    best = ranked[0]
    # a dropped ligature "fi" also shows as a dropped "f" or "i": compare with letters it does not contain
    rivals = [weight[c] for c in ranked[1:] if not (set(c) <= set(best) or set(best) <= set(c))]
    if rivals and weight[best] < 3 * max(rivals):
        return None, []
    return best, repaired[best]


def _rarer_than_dutch(dropped: str, text: str) -> bool:
    """A letter that is really missing is rarer than Dutch prose has it (a single letter only)."""
    expected = _DUTCH_LETTER_SHARE.get(dropped)
    if expected is None:  # a ligature: the letter still occurs outside it
        return True
    letters = sum(c.isalpha() for c in text) or 1
    return text.lower().count(dropped[0]) / letters < expected / 2
