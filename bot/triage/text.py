"""Text handling shared by the triage rules and the learned model: folding and units.

Rules look at one unit (a sentence, or a window of an overlong one) at a time, so a distancing
cue ("in de film") only excuses its own or its neighbour's sentence. The model embeds a message
whole, as retrieval does (so the vector is computed once for both), and each of its units.
"""
from __future__ import annotations

import re
import unicodedata

MAX_UNIT_WORDS = 28  # longer sentences (chat without punctuation) are cut into windows of this size
WINDOW_STEP = 14
MAX_UNITS = 24  # a 4,000-character message has about this many sentences; beyond, windows get wider


def fold(text: str) -> str:
    """Lower case, accents removed, letters repeated 3+ times collapsed ("heeeelp" -> "help"), punctuation
    dropped except the apostrophe: the form rules and n-grams are matched on."""
    t = unicodedata.normalize("NFKD", text.lower())
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = t.replace("ı", "i").replace("ł", "l").replace("ø", "o").replace("ß", "ss")
    t = re.sub(r"(\w)\1{2,}", r"\1", t)
    t = re.sub(r"[^\w\s']", " ", t)
    return " ".join(t.split())


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+|\s+[-–—]\s+|(?<=[.!?])(?=[A-Z])")


def units(text: str) -> list[str]:
    """Sentences, overlong ones as overlapping word windows; at most MAX_UNITS (wider windows beyond)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
    out: list[str] = []
    for p in parts:
        words = p.split()
        if len(words) <= MAX_UNIT_WORDS:
            out.append(p)
            continue
        for start in range(0, len(words) - WINDOW_STEP, WINDOW_STEP):
            out.append(" ".join(words[start:start + MAX_UNIT_WORDS]))
    if len(out) > MAX_UNITS:  # merge neighbours until it fits: nothing is skipped
        group = -(-len(out) // MAX_UNITS)
        out = [" ".join(out[i:i + group]) for i in range(0, len(out), group)]
    return [u for u in out if re.search(r"\w", u)] or [text.strip()]


CHUNK_CHARS = 1200  # about 300 e5 tokens: well inside its 512-token window


def degenerate(text: str) -> bool:
    """Nothing to read: one or a few words repeated, or no words at all. The model is not asked about such
    text (it was never shown any and guesses); the rules still are."""
    words = fold(text).split()
    if not words:
        return True
    return len(words) >= 8 and len(set(words)) <= max(3, len(words) // 20)
