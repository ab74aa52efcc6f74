"""What the parts of the queue share: the policy (reply targets, reopen window, reminders), the database
and the clock, the error advisors read, and when a ticket is overdue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from bot.engine.tickets import deadline_for
from bot.storage.db import Database
from bot.storage.models import OPEN_STATES, Priority, Ticket, utcnow


class TicketError(Exception):
    """An action that the ticket's state or the advisor's rights do not allow; ``str`` is Dutch for the UI."""


@dataclass
class QueuePolicy:
    urgent_minutes: int = 15
    normal_hours: int = 16  # working hours
    reopen_days: int = 14  # an asker writing within this after an answer reopens the ticket
    remind_every_minutes: int = 60

    @classmethod
    def from_settings(cls, s) -> "QueuePolicy":
        return cls(s.reply_target_urgent_minutes, s.reply_target_normal_hours, s.reopen_window_days,
                   s.reminder_interval_minutes)


class QueuePart:
    """One job of the queue (intake, advisor actions, housekeeping) on the shared database, policy and clock.
    Each part stands alone; ``QueueService`` is all of them in one object."""

    def __init__(self, db: Database, policy: QueuePolicy | None = None, clock: Callable[[], datetime] = utcnow):
        self.db = db
        self.policy = policy or QueuePolicy()
        self.clock = clock

    def _deadline(self, priority: Priority, now: datetime) -> datetime:
        return deadline_for(priority, now, self.policy.urgent_minutes, self.policy.normal_hours)


def is_overdue(ticket: Ticket, now: datetime | None = None) -> bool:
    return ticket.status in OPEN_STATES and ticket.deadline is not None and ticket.deadline < (now or utcnow())
