"""Extractive answers: the few sentences of the best passages that answer the question.

Deterministic and offline. Sentences are scored by how many of the question's
content words (and glossary expansions, at half weight) they contain, weighted
by how rare the word is in the retrieved passages, with a prior for better-ranked
passages; the best two to four (at most three from one passage, 700 characters in all) form the
answer, in passage order, each with its [n] citation. The sentence after the best
one comes along: advice often follows the sentence that names the situation; and a
question asking what to do favours sentences that say what to do.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from bot.index import text as T
from bot.retrieval.passage import Passage
from ingest.chunking import split_sentences

MAX_SENTENCES = 4
MAX_CHARS = 700
MIN_SENTENCE_CHARS = 25
ADVICE_BOOST = 1.6
# A question asking what to do is answered by sentences that say what to do.
_ASKS_ADVICE = re.compile(
    r"\b(raadt|raad|advies|adviseert|aanpak|wat (moet|moeten|kan|kunnen|doe|doen)|hoe (kan|kunnen|pak|ga|gaan|moet)|"
    r"what should|what can|how (do|can|should)|advice|recommend)\b", re.I)
_GIVES_ADVICE = re.compile(
    r"\b(beter|raden|raadt|advies|advise|kies|richt|zorg|spreek|maak|bel|vraag|betrek|begin|gebruik|deel|houd|"
    r"zoek|verleg|vermijd|laat|blijf|schakel|is het (goed|verstandig|belangrijk)|should|best|avoid|focus)\b", re.I)


@dataclass
class Extract:
    sentences: list[tuple[str, int]]  # (sentence, index of its passage in the given list)

    @property
    def used(self) -> list[int]:
        seen: list[int] = []
        for _, i in self.sentences:
            if i not in seen:
                seen.append(i)
        return seen


def _clean(sentence: str) -> str:
    s = " ".join(sentence.replace("**", "").split())
    return s.lstrip("-•* ")


def _sentences(text: str) -> list[str]:
    return [s for para in text.split("\n\n") for s in split_sentences(para)]


@lru_cache(maxsize=2048)
def _answer_sentences(text: str) -> tuple[tuple[int, str, frozenset[str]], ...]:
    """(position, sentence, its tokens) of a passage's sentences that can answer. Passages are knowledge-base
    text, the same few for many questions: split and tokenised once, not per question."""
    out = []
    for si, s in enumerate(_sentences(text)):
        s = _clean(s)
        if len(s) < MIN_SENTENCE_CHARS or not s.rstrip(")\"'’”").endswith((".", "!", "?", ":", ";")):
            continue  # headings, table rows and fragments do not answer
        out.append((si, s, frozenset(T.tokens(s))))
    return tuple(out)


def extract(question: str, expansion: str, passages: list[Passage], max_passages: int = 3) -> Extract:
    pool = passages[:max_passages]
    q_terms = Counter(T.tokens(question))
    for t in T.tokens(expansion):
        q_terms[t] = max(q_terms[t], 0.5)
    candidates: list[tuple[float, int, int, str]] = []  # (score, passage idx, position, sentence)
    sentence_tokens: dict[tuple[int, int], frozenset[str]] = {}
    df: Counter = Counter()
    for pi, p in enumerate(pool):
        for si, s, toks in _answer_sentences(p.text):
            sentence_tokens[(pi, si)] = toks
            df.update(toks)
            candidates.append((0.0, pi, si, s))
    n = max(len(candidates), 1)
    wants_advice = bool(_ASKS_ADVICE.search(question))
    scored = []
    for _, pi, si, s in candidates:
        toks = sentence_tokens[(pi, si)]
        overlap = sum(w * math.log(1 + n / df[t]) for t, w in q_terms.items() if t in toks)
        length_norm = math.sqrt(max(len(toks), 4))
        score = overlap / length_norm * (1.0 / (1 + 0.35 * pi))
        if wants_advice and _GIVES_ADVICE.search(s):
            score *= ADVICE_BOOST
        scored.append((score, pi, si, s))
    scored.sort(key=lambda x: -x[0])
    by_position = {(pi, si): s for _, pi, si, s in candidates}
    chosen: list[tuple[float, int, int, str]] = []
    per_passage: Counter = Counter()
    total = 0

    def take(score, pi, si, s) -> bool:
        nonlocal total
        if (pi, si) in {(c[1], c[2]) for c in chosen} or per_passage[pi] >= 3:
            return False
        if chosen and total + len(s) > MAX_CHARS:
            return False
        chosen.append((score, pi, si, s))
        per_passage[pi] += 1
        total += len(s)
        return True

    for score, pi, si, s in scored:
        if score <= 0 or len(chosen) >= MAX_SENTENCES:
            break
        if take(score, pi, si, s) and len(chosen) == 1 and (pi, si + 1) in by_position:
            # the best sentence often sets up the advice that follows it: keep them together
            take(score, pi, si + 1, by_position[(pi, si + 1)])
    if not chosen and pool:
        first = next((c for c in candidates if c[1] == 0), None)
        if first:
            chosen = [first]
    chosen.sort(key=lambda x: (x[1], x[2]))
    return Extract([(s, pi) for _, pi, _, s in chosen])
