"""Is this a Dutch word? The Dutch word list (OpenTaal, Debian's ``wdutch``) and ``wordfreq``.

Ingest asks it to judge a text layer (a share of unknown words, letters that
have gone missing) and whether a title page line is a person's name. Loaded once
per process, on first use; without the word list every check falls back to
wordfreq alone.
"""
from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path

WORDLIST = Path(os.environ.get("ESSBOT_WORDLIST", "/usr/share/dict/nederlands"))
MIN_ZIPF = 1.0  # wordfreq knows a word at this frequency (per 10^9 words: 10) or more
_lock = threading.Lock()
_lower: frozenset[str] | None = None


def _load() -> frozenset[str]:
    global _lower
    with _lock:
        if _lower is None:
            words = set()
            if WORDLIST.exists():
                for line in WORDLIST.read_text(encoding="utf-8", errors="ignore").splitlines():
                    w = line.strip()
                    if w and w.islower() and " " not in w:
                        words.add(w)
            _lower = frozenset(words)
        return _lower


def wordlist() -> frozenset[str]:
    """The lower-case entries of the Dutch word list (empty when it is not installed)."""
    return _load()


def in_wordlist(word: str) -> bool:
    """The word list has it in lower case: a common noun, verb, adjective ("dijk"), not only a name ("Bram")."""
    return word.lower() in _load()


@lru_cache(maxsize=100_000)
def zipf(word: str, lang: str = "nl") -> float:
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        return 0.0
    return zipf_frequency(word, lang)


@lru_cache(maxsize=200_000)
def known(word: str) -> bool:
    """A Dutch (or common English) word, or a compound of two Dutch words (Dutch glues words at will)."""
    w = word.lower()
    if w in _load() or zipf(w) >= MIN_ZIPF or zipf(w, "en") >= 3.0:
        return True
    return _compound(w)


def _compound(w: str) -> bool:
    words = _load()
    if len(w) < 7:
        return False
    for i in range(3, len(w) - 2):
        left, right = w[:i], w[i:]
        if left in words or (left.endswith("s") and left[:-1] in words):
            if right in words or zipf(right) >= 2.5:
                return True
    return False

