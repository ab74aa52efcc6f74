"""``python -m bot.privacy.train``: fit the per-word name model on ``bot/labelled/pii.train*.jsonl``.

Every word of every message is an example: inside a labelled person name (not a particle or an
initial, those join names by rule) or not. Logistic regression over the features of
``names.features``; the threshold is picked on 5-fold out-of-fold probabilities for word
recall >= RECALL while keeping most words that are no names. The held-out set is never read.
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import numpy as np

from .lexicons import key, lexicons
from .names import PARTICLES, WEIGHTS, features, tokens
from bot.labels import files_digest

from .score import LABELLED, read

RECALL = 0.975  # per word, out of fold; names are then completed by particles, initials and shapes


def training_files() -> list[Path]:
    return sorted(LABELLED.glob("pii.train*.jsonl"))
C = 1.0


def examples(rows: list[dict]):
    lex = lexicons()
    X, y, groups = [], [], []
    for n, r in enumerate(rows):
        text = r["text"]
        spans = []
        for item in r.get("pii", []):
            if item["type"] != "person_name":
                continue
            for m in re.finditer(re.escape(item["text"]), text):
                spans.append((m.start(), m.end()))
        other = []
        for item in r.get("pii", []):
            if item["type"] != "person_name":
                for m in re.finditer(re.escape(item["text"]), text):
                    other.append((m.start(), m.end()))
        toks = tokens(text)
        for i, (s, e, w) in enumerate(toks):
            word = w.rstrip(".")
            if len(word) < 2 or (key(word) in PARTICLES and word.islower()):
                continue
            if any(a <= s < b for a, b in other):  # inside an e-mail or handle: not the name model's job
                continue
            X.append(features(text, toks, i, lex))
            y.append(int(any(a <= s < b for a, b in spans)))
            groups.append(n)
    return X, np.array(y), np.array(groups)


def fit(rows: list[dict], recall: float = RECALL) -> dict[str, float]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    X, y, groups = examples(rows)
    vec = DictVectorizer()
    M = vec.fit_transform(X)
    oof = np.zeros(len(y))
    folds = groups % 5
    for f in range(5):
        tr, te = folds != f, folds == f
        lr = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(M[tr], y[tr])
        oof[te] = lr.predict_proba(M[te])[:, 1]
    pos = np.sort(oof[y == 1])
    threshold = float(pos[int((1 - recall) * len(pos))]) - 1e-6
    lr = LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(M, y)
    weights = {name: float(w) for name, w in zip(vec.get_feature_names_out(), lr.coef_.ravel()) if abs(w) > 1e-4}
    weights["bias"] = weights.get("bias", 0.0) + float(lr.intercept_[0])
    weights["__threshold__"] = threshold
    weights["__join__"] = threshold * 0.5
    neg_rate = float((oof[y == 0] >= threshold).mean())
    print(f"words={len(y)} names={int(y.sum())} threshold={threshold:.3f} out-of-fold word recall={recall:.3f} "
          f"non-names marked={neg_rate:.3f}")
    return weights


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.privacy.train")
    ap.add_argument("--out", type=Path, default=WEIGHTS)
    args = ap.parse_args(argv)
    files = training_files()
    rows = [r for path in files for r in read(path)]
    weights = fit(rows)
    weights["__data_sha256__"] = files_digest(files)
    args.out.write_text(json.dumps(dict(sorted(weights.items())), ensure_ascii=False, indent=0), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
