"""Hashed word and character n-grams of folded text: stems, typos and spelling variants share
features ("steken", "gestoken", "stekk"), which a phrase list cannot do.

The same function builds the features at training and at run time; the hash is stable across
processes and Python versions (blake2b, not ``hash()``).
"""
from __future__ import annotations

import hashlib
import math

from .text import fold

DIM = 1 << 18


def _h(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=4).digest(), "little") % DIM


def features(text: str) -> dict[int, float]:
    """Sparse, l2-normalised log-counts of word 1-2-grams and in-word character 3-5-grams."""
    words = fold(text).split()
    counts: dict[int, float] = {}

    def add(key: str) -> None:
        i = _h(key)
        counts[i] = counts.get(i, 0.0) + 1.0

    for i, w in enumerate(words):
        add("w:" + w)
        if i:
            add("b:" + words[i - 1] + " " + w)
        padded = f" {w} "
        for n in (3, 4, 5):
            for j in range(max(1, len(padded) - n + 1)):
                add("c:" + padded[j:j + n])
    for k, v in counts.items():
        counts[k] = 1.0 + math.log(v)
    norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
    return {k: v / norm for k, v in counts.items()}
