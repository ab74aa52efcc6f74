"""The scoring rule of ``shared/eval/README.md``, implemented once."""
from __future__ import annotations

import re


def normalise(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def is_hit(passage_text: str, passage_doc: str, gold_doc: str, gold_quote: str) -> bool:
    """A passage hits when it is from the gold document and holds the quote or either half."""
    if passage_doc != gold_doc:
        return False
    p, q = normalise(passage_text), normalise(gold_quote)
    half = len(q) // 2
    return q in p or q[:half] in p or q[half:] in p


def first_hit_rank(passages: list[tuple[str, str]], gold_doc: str, gold_quote: str, k: int = 10) -> int | None:
    """1-based rank of the first hit among (doc, text) pairs, or None."""
    for rank, (doc, text) in enumerate(passages[:k], start=1):
        if is_hit(text, doc, gold_doc, gold_quote):
            return rank
    return None


def _words(text: str) -> list[str]:
    return [w for w in normalise(text).split() if len(w) > 2]


def answer_proxy(reply_text: str, gold_quote: str) -> dict[str, float]:
    """Does the reply say what the gold passage says? Not a reader's judgement, a check that can be run in bulk:
    ``lead_in_gold``: most words of the opening statement (the reply's first paragraph) are in the gold passage;
    ``gold_coverage``: the share of the gold passage's words the reply contains."""
    lead = re.sub(r"\s*\[\d+\]\s*$", "", reply_text.strip().split("\n\n")[0])
    gold = set(_words(gold_quote))
    lead_words = _words(lead)
    body = set(_words(reply_text))
    inside = sum(1 for w in lead_words if w in gold) / len(lead_words) if lead_words else 0.0
    return {"lead_in_gold": float(inside >= 0.8),
            "gold_coverage": sum(1 for w in gold if w in body) / len(gold) if gold else 0.0}
