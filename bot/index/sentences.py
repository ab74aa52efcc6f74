"""Sentence boundaries in Dutch prose: the chunker cuts at them, the composer and the grounding check quote
whole sentences."""
from __future__ import annotations

import re

# A sentence ends at . ! ? (or ; :) followed by space and an upper-case letter, digit or quote.
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[A-Z0-9À-Ý‘“\"'(\[•-])")


# Dutch abbreviations that end in a period without ending the sentence.
_ABBREVIATIONS = {
    "art", "bijv", "bv", "blz", "ca", "dhr", "mevr", "dr", "drs", "e.a", "enz", "etc", "evt", "jl", "m.b.t",
    "mr", "nl", "nr", "o.a", "p", "pag", "prof", "resp", "t.a.v", "t.o.v", "vgl", "zgn", "z.g.a.n", "ir", "ing",
}


def split_sentences(text: str) -> list[str]:
    parts = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    out: list[str] = []
    for part in parts:
        if out and _ends_with_abbreviation(out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def _ends_with_abbreviation(sentence: str) -> bool:
    if not sentence.endswith("."):
        return False
    last = sentence[:-1].rsplit(" ", 1)[-1].lower()
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())
