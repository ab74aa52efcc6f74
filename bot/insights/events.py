"""Recording insight events: counts, never message text (only redacted questions the handbooks missed)."""
from __future__ import annotations

import hashlib
import hmac
import logging

from bot.storage.db import Database
from bot.storage.models import InsightEvent, Reason, utcnow

log = logging.getLogger(__name__)


def asker_key(secret: str, asker: str) -> str:
    """Another keyed hash of the pseudonym: insights count distinct askers but cannot be joined to tickets
    without the secret (export and erasure have it: bot/handover/askerdata.py)."""
    key = hmac.new(secret.encode(), b"insights", hashlib.sha256).digest()
    return hmac.new(key, asker.encode(), hashlib.sha256).hexdigest()[:32]


class EventRecorder:
    def __init__(self, db: Database, secret: str):
        self.db, self._secret = db, secret

    def _asker_key(self, asker: str) -> str:
        return asker_key(self._secret, asker)

    def question_event(self, msg, outcome) -> InsightEvent:
        """The event for one answered question, unsaved: the engine stores it with the answer."""
        kind = outcome.kind.value
        return InsightEvent(
            at=utcnow(), kind="question", channel=msg.channel, asker_key=self._asker_key(msg.asker), theme=outcome.theme,
            region=msg.region, role=msg.role, outcome=kind, reason=outcome.reason,
            confidence=round(float(outcome.confidence or 0.0), 4),
            # A reply to an advisor's question is part of a case, not a gap in the handbooks.
            gap_question=outcome.redacted_question if kind == "handover" and outcome.reason != Reason.ASKER_REPLY
            else None)

    def feedback(self, msg, helpful: bool, redacted_question: str | None, theme: str | None = None) -> None:
        self._add(InsightEvent(
            kind="feedback", channel=msg.channel, asker_key=self._asker_key(msg.asker), theme=theme,
            region=msg.region, role=msg.role, helpful=helpful,
            gap_question=None if helpful else redacted_question))

    def _add(self, event: InsightEvent) -> None:
        event.at = utcnow()
        try:
            with self.db.session() as s:
                s.add(event)
        except Exception:  # insights must never cost an asker their answer
            log.exception("insight event not recorded")
