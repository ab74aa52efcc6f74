"""The grounding guard: an LLM answer is sent only when every statement cites a retrieved
passage, every citation exists, and each sentence is supported by what it cites.

Support is lexical and deterministic: most of a sentence's content words (Dutch-stemmed)
and all of its numbers must occur in the passages it cites. That is strict for
paraphrase and cannot judge an English sentence against a Dutch source, so English
answers from Dutch sources are refused here and the engine falls back to the extractive
answer, which quotes the source and says it is Dutch only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.index import text as T
from bot.retrieval.passage import Passage
from ingest.chunking import split_sentences

_CITE = re.compile(r"\[(\d+)\]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NO_ANSWER = re.compile(r"(staat niet in de bronnen|weet ik niet|kan ik niet beantwoorden|"
                        r"sources do not say|i don'?t know|cannot answer)", re.I)
SUPPORT = 0.6  # share of a sentence's content stems found in its cited passages
MIN_CONTENT = 2  # fewer content words than this is not a statement


@dataclass
class Grounding:
    ok: bool
    reasons: list[str] = field(default_factory=list)
    sentences: int = 0


def _sentences(answer: str) -> list[str]:
    out = []
    for line in answer.splitlines():
        line = line.strip().lstrip("-•* ").strip()
        if line:
            out.extend(split_sentences(line))
    # a citation after the full stop belongs to the sentence before it
    merged: list[str] = []
    for s in out:
        if merged and _CITE.fullmatch(s.replace(" ", "")):
            merged[-1] += " " + s
        else:
            merged.append(s)
    return merged


def check_grounding(answer: str, passages: list[Passage], language: str = "nl") -> Grounding:
    reasons: list[str] = []
    if _NO_ANSWER.search(answer):
        return Grounding(False, ["no answer"], 0)
    if language != "nl" and any(p.language == "nl" for p in passages):
        return Grounding(False, ["cannot verify a translated answer against Dutch sources"], 0)
    sentences = _sentences(answer)
    statements = 0
    for i, s in enumerate(sentences, 1):
        cited = [int(n) for n in _CITE.findall(s)]
        body = _CITE.sub(" ", s)
        content = set(T.tokens(body))
        if len(content) < MIN_CONTENT:
            continue  # connectives ("Kortom:") and citation-only fragments state nothing
        statements += 1
        if not cited:
            reasons.append(f"sentence {i} has no citation")
            continue
        missing = [n for n in cited if not 1 <= n <= len(passages)]
        if missing:
            reasons.append(f"sentence {i} cites [{missing[0]}], which does not exist")
            continue
        source = " ".join(passages[n - 1].text for n in cited)
        source_tokens = set(T.tokens(source))
        share = len(content & source_tokens) / len(content) if content else 1.0
        if share < SUPPORT:
            reasons.append(f"sentence {i} not supported by {cited} ({share:.0%} of its words)")
        numbers = [n for n in _NUMBER.findall(body) if n not in source]
        if numbers:
            reasons.append(f"sentence {i} has numbers not in its sources: {numbers[:3]}")
    if statements == 0:
        reasons.append("no statements")
    return Grounding(not reasons, reasons, statements)
