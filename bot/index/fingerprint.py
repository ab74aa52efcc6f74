"""Near-identical text: word 5-gram shingles compared by overlap.

Two editions of a report, or two audit reports written from one template, hold
the same passages; a search should return such a passage once, and ingest
should say that a document is nearly a copy of another. Shingles are over the
words as the evaluation normalises text (lower case, punctuation and markup
ignored), so layout and markup never make two copies look different.
"""
from __future__ import annotations

import re
from zlib import crc32

N = 5
NEAR_IDENTICAL = 0.75  # shared shingles over the larger set: two chunks that say the same thing
_WORD = re.compile(r"[^\W_]+")


def shingles(text: str, n: int = N) -> frozenset[int]:
    words = _WORD.findall(text.lower())
    if len(words) < n:
        return frozenset([crc32(" ".join(words).encode())]) if words else frozenset()
    return frozenset(crc32(" ".join(words[i:i + n]).encode()) for i in range(len(words) - n + 1))


def overlap(a: frozenset[int], b: frozenset[int]) -> float:
    """Shared shingles over the larger set (1.0: the same text)."""
    if not a or not b:
        return 0.0
    return len(a & b) / max(len(a), len(b))


def contained(a: frozenset[int], b: frozenset[int]) -> float:
    """Share of ``a``'s shingles that ``b`` has (a document inside another)."""
    return len(a & b) / len(a) if a else 0.0


def near_identical(a: frozenset[int], b: frozenset[int], threshold: float = NEAR_IDENTICAL) -> bool:
    return overlap(a, b) >= threshold
