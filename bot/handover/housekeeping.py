"""What runs without an advisor: reminders and escalation of overdue tickets, closing answered ones nobody
reacted to, and an asker's rights (export, erasure, the retention period)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select

from bot.insights.events import asker_key
from bot.storage.audit import audit
from bot.storage.models import ANSWERED, CLOSED, OPEN_STATES, Ticket

from . import askerdata
from .policy import QueuePart


class Housekeeping(QueuePart):
    """The worker's periodic jobs and the privacy requests of askers."""

    def remind_overdue(self) -> list[str]:
        """Flags overdue tickets: reminded once per interval and escalated to the backup team."""
        now = self.clock()
        again = now - timedelta(minutes=self.policy.remind_every_minutes)
        with self.db.session() as s:
            tickets = s.scalars(select(Ticket).where(
                Ticket.status.in_(OPEN_STATES), Ticket.deadline < now,
                or_(Ticket.reminded_at.is_(None), Ticket.reminded_at < again)).with_for_update(skip_locked=True)).all()
            for t in tickets:
                t.reminded_at, t.escalated = now, True
                audit(s, None, "ticket.reminded", t, overdue_minutes=int((now - t.deadline).total_seconds() // 60))
            return [t.ref for t in tickets]

    def close_stale(self, answered_days: int = 7) -> int:
        """Answered tickets with no reaction for a week are closed (the asker can still reopen them)."""
        cutoff = self.clock() - timedelta(days=answered_days)
        with self.db.session() as s:
            tickets = s.scalars(select(Ticket).where(Ticket.status == ANSWERED, Ticket.updated_at < cutoff)
                                .with_for_update(skip_locked=True)).all()
            for t in tickets:
                t.status, t.closed_at = CLOSED, self.clock()
                audit(s, None, "ticket.closed", t, auto=True)
            return len(tickets)

    def export_asker(self, asker: str, secret: str) -> dict:
        """Right of access: everything kept about one asker (all of it already redacted), as plain data.
        ``secret``: the settings' secret key, which links insight events to the asker (askerdata.py)."""
        with self.db.session() as s:
            return askerdata.export(s, asker, asker_key(secret, asker))

    def erase_asker(self, asker: str, secret: str) -> dict[str, int]:
        """Right to erasure: every table that holds something of the asker (askerdata.COVERAGE); tickets and
        insight events stay only as anonymous records so the statistics still add up."""
        with self.db.session() as s:
            counts = askerdata.erase(s, asker, asker_key(secret, asker), self.clock())
        askerdata.checkpoint(self.db)
        return counts

    def apply_retention(self, days: int) -> dict[str, int]:
        """Storage limitation: what is older than ``days`` keeps no trace of the asker (askerdata.retain)."""
        with self.db.session() as s:
            counts = askerdata.retain(s, days, self.clock())
        if any(counts.values()):
            askerdata.checkpoint(self.db)
        return counts

    def all(self) -> list[dict]:
        """Every ticket as a plain dict (oldest first): for exports and tests."""
        with self.db.session() as s:
            rows = s.scalars(select(Ticket).order_by(Ticket.id)).all()
            return [{c.name: getattr(t, c.name) for c in Ticket.__table__.columns} for t in rows]
