"""The delivery worker: sends outbox rows to their channel, at least once, with backoff.

A row is leased (status "sending", ``lease_until``) in its own transaction
before it is sent; if the process dies mid-send, the lease runs out and another
worker sends it again with the same idempotency key, which the channel uses to
show the reply only once.
"""
from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import Callable

from sqlalchemy import and_, or_, select

from bot.observability import metrics

from bot.storage.db import Database
from bot.storage.models import Delivery, Ticket, utcnow
from .senders import OutgoingReply, Sender

log = logging.getLogger(__name__)


def backoff_seconds(attempt: int, cap: float = 3600.0) -> float:
    """Exponential with jitter: ~2 s, 4 s, 8 s ... capped at an hour."""
    return min(cap, 2.0 ** attempt) * random.uniform(0.8, 1.2)


class DeliveryWorker:
    def __init__(self, db: Database, senders: dict[str, Sender], max_attempts: int = 12, lease_seconds: int = 60,
                 clock: Callable = utcnow):
        self.db, self.senders = db, senders
        self.max_attempts, self.lease = max_attempts, timedelta(seconds=lease_seconds)
        self.clock = clock

    def _lease(self, limit: int) -> list[tuple[int, int, OutgoingReply]]:
        now = self.clock()
        with self.db.session() as s:
            # only channels this process can deliver to: another worker (with that channel's sender) takes the rest
            rows = s.scalars(select(Delivery).where(Delivery.channel.in_(list(self.senders)), or_(
                and_(Delivery.status == "pending", Delivery.next_attempt_at <= now),
                and_(Delivery.status == "sending", Delivery.lease_until < now)))
                .order_by(Delivery.id).limit(limit).with_for_update(skip_locked=True)).all()
            out = []
            for d in rows:
                d.status, d.lease_until, d.attempts = "sending", now + self.lease, d.attempts + 1
                ref = s.scalar(select(Ticket.ref).where(Ticket.id == d.ticket_id)) if d.ticket_id else None
                out.append((d.id, d.attempts, OutgoingReply(d.idempotency_key, d.channel, d.asker,
                                                            d.conversation_id, d.text, ref)))
            return out

    def run_once(self, limit: int = 20) -> int:
        """Sends what is due; returns how many were sent."""
        sent = 0
        for delivery_id, attempt, reply in self._lease(limit):
            error = None
            try:
                self.senders[reply.channel].send(reply)
            except Exception as exc:  # any failure of a channel is retried, never lost
                error = (str(exc) or type(exc).__name__)[:200]
            self._finish(delivery_id, attempt, error)
            if error is None:
                sent += 1
            else:
                log.warning("delivery %s attempt %d failed: %s", delivery_id, attempt, error)
        return sent

    def _finish(self, delivery_id: int, attempt: int, error: str | None) -> None:
        now = self.clock()
        with self.db.session() as s:
            d = s.get(Delivery, delivery_id, with_for_update=True)
            if d is None or d.attempts != attempt or d.status != "sending":
                return  # our lease ran out and another worker took over
            d.lease_until = None
            if error is None:
                d.status, d.sent_at, d.last_error = "sent", now, None
            elif d.attempts >= self.max_attempts:
                d.status, d.last_error = "failed", error
            else:
                d.status, d.last_error = "pending", error
                d.next_attempt_at = now + timedelta(seconds=backoff_seconds(d.attempts))
            metrics.delivery(d.channel, {"sent": "sent", "failed": "failed"}.get(d.status, "retry"))  # observability


def retry_delivery(db: Database, delivery_id: int, clock: Callable = utcnow) -> bool:
    with db.session() as s:
        d = s.get(Delivery, delivery_id, with_for_update=True)
        if d is None or d.status != "failed":
            return False
        d.status, d.attempts, d.next_attempt_at = "pending", 0, clock()
        return True
