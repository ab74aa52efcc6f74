"""Query analysis: what to search for in a practitioner's long, informal message.

- The lexical query is the message itself plus expansions from a glossary that
  maps English terms to the handbooks' Dutch and bridges the two vocabularies of
  the field (social domain: "cohesie"; public order: "polarisatie, onrust").
- The dense query is the message as typed. Adding the expansions to it helped
  dense search alone (MRR 0.39 -> 0.44) but not the hybrid, where BM25 already
  carries them; embedding only the question sentence made results worse
  (docs/retrieval.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.index import text as T

GLOSSARY = Path(__file__).with_name("glossary.yaml")

@dataclass
class AnalysedQuery:
    text: str
    lexical_text: str
    expansion_text: str
    dense_texts: list[str]


class QueryAnalyser:
    def __init__(self, phrases: dict[str, str], bridges: list[list[str]]):
        # longest phrases first so "youth worker" wins over "worker"
        self.phrases = sorted(((k.lower(), v) for k, v in phrases.items()), key=lambda kv: -len(kv[0]))
        self.bridges = [[w.lower() for w in group] for group in bridges]
        # Folded, compiled and stemmed once here, not per question: this runs on every request.
        self._patterns = [(T.fold(phrase), re.compile(rf"(?<![\w]){re.escape(T.fold(phrase))}(?![\w])"), target)
                          for phrase, target in self.phrases]
        self._bridge_stems = [[(w, T.stem(T.fold(w)) if " " not in w else None) for w in group]
                              for group in self.bridges]

    @classmethod
    def load(cls, path: Path) -> "QueryAnalyser":
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
        data = data or {}
        return cls(data.get("phrases") or {}, data.get("bridges") or [])

    @classmethod
    def default(cls) -> "QueryAnalyser":
        return cls.load(GLOSSARY)

    def expansions(self, text: str) -> list[str]:
        low = f" {T.fold(text)} "
        out: list[str] = []
        for folded, pattern, target in self._patterns:
            if folded in low and pattern.search(low):  # the substring test skips most regexes
                out.append(target)
        stems = set(T.tokens(text))
        for group in self._bridge_stems:
            if any(stem in stems for _, stem in group if stem is not None):
                # a phrase (stem None) is never among the asker's stems, so it is always added
                out.extend(w for w, stem in group if stem is None or stem not in stems)
        return out

    def analyse(self, text: str) -> AnalysedQuery:
        expansion = " ".join(self.expansions(text))
        return AnalysedQuery(text=text, lexical_text=text, expansion_text=expansion, dense_texts=[text])
