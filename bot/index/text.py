"""Dutch text analysis for the lexical (BM25) index.

Lower-case, fold accents, drop Dutch stop words, Snowball-stem, and add the
parts of compounds ("jongerencentrum" -> "jongeren", "centrum") that occur as
words in the indexed vocabulary, because Dutch glues words that a question
may write apart.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# Words so common in questions to a chatbot that they only add noise.
_EXTRA_STOP = {
    "ess", "welke", "wat", "hoe", "waar", "wie", "waarom", "kan", "kunnen", "moet", "moeten",
    "ik", "wij", "we", "jullie", "onze", "ons", "mijn", "graag", "eigenlijk", "precies", "iets",
    "the", "and", "of", "to", "is", "in", "what", "how", "does", "do", "a", "an", "for", "are",
}
STOPWORDS = frozenset(STOPWORDS_DUTCH) | _EXTRA_STOP
_stemmer = Stemmer.Stemmer("dutch")


def fold(text: str) -> str:
    """Lower-case and strip diacritics ("ideeën" -> "ideeen")."""
    if text.isascii():  # most text: nothing to decompose, so skip the per-character pass
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def tokens(text: str) -> list[str]:
    """Stemmed content tokens, stop words removed."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


class CompoundSplitter:
    """Splits Dutch compounds into two known words (with optional linking s/e/en)."""

    MIN_PART = 4
    LINKS = ("", "s", "e", "en")

    def __init__(self, vocabulary: set[str]):
        self.vocab = {w for w in vocabulary if len(w) >= self.MIN_PART}

    def split(self, word: str) -> tuple[str, str] | None:
        if len(word) < 2 * self.MIN_PART + 1:
            return None
        best = None
        for i in range(self.MIN_PART, len(word) - self.MIN_PART + 1):
            head, tail = word[:i], word[i:]
            if tail not in self.vocab:
                continue
            for link in self.LINKS:
                if link and not head.endswith(link):
                    continue
                base = head[: len(head) - len(link)] if link else head
                if base in self.vocab:
                    # prefer the longest head: "veiligheidsregio" -> veiligheid + regio
                    if best is None or len(base) > len(best[0]):
                        best = (base, tail)
        return best

    def expand(self, ws: list[str]) -> list[str]:
        out = []
        for w in ws:
            out.append(w)
            parts = self.split(w)
            if parts:
                out.extend(parts)
        return out


def analyse(text: str, splitter: CompoundSplitter | None = None) -> list[str]:
    ws = [w for w in words(text) if w not in STOPWORDS and len(w) > 1]
    if splitter is not None:
        ws = splitter.expand(ws)
    return [stem(w) for w in ws if w not in STOPWORDS]
