"""Urgent triage: does a message say that someone is in danger now?

Recall first. A learned model over the bundled e5 embeddings and word/character n-grams, trained
on labelled messages (``bot/labelled``), decides; transparent rules on word stems add what they
know (explicit danger, distance: fiction, the past, a protocol). Two tiers, both the decision
``urgent``:

- ``clear``: the model is sure, or a rule found explicit danger -> 112/113 guidance and an urgent ticket;
- ``possible``: the model is not sure -> the emergency lines first, then the answer, and an urgent
  ticket marked "mogelijk acuut" for an advisor to check.

Triage runs on redacted text in the engine, and on the raw text (in memory only) before rate and
size limits in the channels, so that a limited or refused message still gets the emergency lines.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass

from .data import CATEGORIES

log = logging.getLogger(__name__)

CLEAR, POSSIBLE, NONE = "clear", "possible", "none"


@dataclass(frozen=True)
class Triage:
    urgent: bool
    tier: str  # clear | possible | none
    category: str | None  # one of CATEGORIES when urgent
    score: float  # the model's probability
    cues: tuple[str, ...]  # categories the rules found explicit danger for

    @property
    def categories(self) -> tuple[str, ...]:
        return (self.category,) if self.category else ()


_MEMO_SIZE = 2048
_memo: OrderedDict[bytes, Triage] = OrderedDict()  # keyed by a hash of the text: no message text is kept
_memo_lock = threading.Lock()


def triage(text: str) -> Triage:
    """Asked more than once per message (channel guard, waiting ticket, decision): the repeats are free."""
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    with _memo_lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
            return found
    result = _triage(text)
    with _memo_lock:
        _memo[key] = result
        if len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return result


def _triage(text: str) -> Triage:
    from .model import default_model
    from .rules import clear_hits
    from .text import degenerate, without_placeholders

    text = without_placeholders(text or "")
    if not text or not text.strip():
        return Triage(False, NONE, None, 0.0, ())
    if degenerate(text):
        hits = [h for h in clear_hits(text) if h.net]
        return (Triage(True, CLEAR, hits[0].category, 1.0, (hits[0].category,)) if hits
                else Triage(False, NONE, None, 0.0, ()))
    model = default_model()
    v = model.score(text)
    t = model.thresholds
    if not v.urgent(t):
        return Triage(False, NONE, None, v.p, v.rule_categories)
    tier = CLEAR if v.p >= t["clear"] or v.rule_categories else POSSIBLE
    # a stated plan to die is self-harm whatever else the message says (113 must be in the reply)
    category = "self_harm" if "self_harm" in v.rule_categories else v.category
    return Triage(True, tier, category, max(v.p, v.p_window), v.rule_categories)


def warm() -> None:
    """Loads the model and the embedder now, not on the first message."""
    triage("warm-up: is er iemand in gevaar?")


__all__ = ["Triage", "triage", "warm", "CATEGORIES", "CLEAR", "POSSIBLE", "NONE"]
