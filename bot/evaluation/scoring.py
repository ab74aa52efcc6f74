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
