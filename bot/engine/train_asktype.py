"""Fit the expected-answer-type model (``asktype.py``) and measure it.

    python -m bot.engine.train_asktype            # five-fold CV figures per C and per way of combining, then fit
    python -m bot.engine.train_asktype --holdout  # figures on answertype.holdout.jsonl only (never fitted on)

Labels: ``bot/labelled/answertype.train.jsonl`` and ``answerability.train.jsonl`` (its answer types mapped:
list, definition, reason, procedure, specific case and other expect prose, "none").
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

from bot.labels import LABELLED, files_digest, read_jsonl

from .asktype import MIN_PROB, NONE, WEIGHTS

TRAIN = [LABELLED / "answertype.train.jsonl", LABELLED / "answerability.train.jsonl"]
HOLDOUT = LABELLED / "answertype.holdout.jsonl"
_PROSE = {"specific_case", "list", "definition", "reason", "procedure", "other"}
C = 64.0  # the best CV accuracy and typed recall of 1 / 4 / 16 / 64 (combined with the patterns)


def load(paths) -> tuple[list[str], np.ndarray]:
    qs, ys = [], []
    for p in paths:
        for d in read_jsonl(p):
            qs.append(d["question"])
            ys.append(NONE if d["answer_type"] in _PROSE else d["answer_type"])
    return qs, np.array(ys)


def embed_all(questions: list[str]) -> np.ndarray:
    from .asktype import _embed

    return np.vstack([_embed(q) for q in questions]).astype(np.float64)


def combine(model_kind: np.ndarray, model_p: np.ndarray, pattern_kind: np.ndarray, how: str) -> np.ndarray:
    if how == "model":
        return model_kind
    if how == "patterns":
        return pattern_kind
    confident = (model_kind != NONE) & (model_p >= MIN_PROB)
    return np.where(confident, model_kind, pattern_kind)  # "model, else patterns"


def report(name: str, pred: np.ndarray, gold: np.ndarray) -> None:
    typed_gold, typed_pred = gold != NONE, pred != NONE
    tp = np.sum(typed_gold & typed_pred & (pred == gold))
    print(f"{name:32s} accuracy {np.mean(pred == gold):.3f}  typed recall {tp / max(typed_gold.sum(), 1):.3f}  "
          f"typed-as-none {np.mean(~typed_pred[typed_gold]):.3f}  none typed {np.mean(typed_pred[~typed_gold]):.3f}")


def _patterns(questions: list[str]) -> np.ndarray:
    from .answerability import pattern_kind

    return np.array([pattern_kind(q) or NONE for q in questions])


def _fit(X, y, c):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000).fit(X, y)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.engine.train_asktype")
    ap.add_argument("--holdout", action="store_true", help="figures on the kept-apart set only")
    args = ap.parse_args(argv)
    if args.holdout:
        from .asktype import default_model

        qs, y = load([HOLDOUT])
        model = default_model()
        if model is None:
            print("no asktype.npz: fit first", file=sys.stderr)
            return 2
        pk = _patterns(qs)
        pred = [model.predict(q) for q in qs]
        mk, mp = np.array([k for k, _ in pred]), np.array([p for _, p in pred])
        for how in ("patterns", "model", "model, else patterns"):
            report(f"held out ({len(qs)}): {how}", combine(mk, mp, pk, how), y)
        return 0

    from sklearn.model_selection import StratifiedKFold

    qs, y = load(TRAIN)
    X = embed_all(qs)
    pk = _patterns(qs)
    folds = list(StratifiedKFold(5, shuffle=True, random_state=7).split(X, y))
    print(f"{len(qs)} questions; classes: {dict(zip(*np.unique(y, return_counts=True)))}")
    report("patterns", pk, y)
    for c in (1.0, 4.0, 16.0, 64.0):
        mk, mp = np.empty(len(y), dtype=object), np.zeros(len(y))
        for tr, te in folds:
            m = _fit(X[tr], y[tr], c)
            P = m.predict_proba(X[te])
            mk[te], mp[te] = m.classes_[P.argmax(1)], P.max(1)
        mk = mk.astype(str)
        for how in ("model", "model, else patterns"):
            report(f"CV C={c:g}: {how}", combine(mk, mp, pk, how), y)
    m = _fit(X, y, C)
    np.savez(WEIGHTS, coef=m.coef_, intercept=m.intercept_, classes=np.array(m.classes_, dtype=str),
             data_sha256=np.array(files_digest(TRAIN)))
    print(f"wrote {WEIGHTS} (C={C:g})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
