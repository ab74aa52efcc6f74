"""Hand-over tickets: what the engine asks of the queue, and advisors' office hours for deadlines.

The engine only needs to create a ticket and tell the asker when to expect an
answer; the advisor queue implements ``bot.engine.ports.TicketSink``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.storage.models import Priority, Reason, format_reason

WORK_START, WORK_END = 9, 17


@dataclass(frozen=True)
class TicketRequest:
    priority: Priority
    reason: Reason
    channel: str
    asker: str  # pseudonymous reference
    conversation_id: str
    question: str  # redacted
    theme: str | None = None
    region: str | None = None
    role: str | None = None
    language: str = "nl"
    context: tuple[dict, ...] = ()  # what the assistant retrieved: citation data and scores, no personal data
    draft: str | None = None  # an extractive draft from the knowledge base, for the advisor to start from
    pending_id: int | None = None  # the question's stored message: handed over = no longer pending, atomically
    detail: str | None = None  # out_of_scope: the scope; not_in_sources: the kind of answer; urgent: the category

    @property
    def stored_reason(self) -> str:
        """What the ticket keeps as its reason ("out_of_scope:legal")."""
        return format_reason(self.reason, self.detail)


@dataclass(frozen=True)
class TicketRef:
    ref: str
    deadline: datetime


def add_working_hours(start: datetime, hours: int) -> datetime:
    """Deadline counted in office hours (Mon-Fri, 9-17), the way advisors can actually answer."""
    t = start
    remaining = timedelta(hours=hours)
    while remaining > timedelta(0):
        if t.weekday() >= 5 or t.hour >= WORK_END:
            t = (t + timedelta(days=1)).replace(hour=WORK_START, minute=0, second=0, microsecond=0)
            continue
        if t.hour < WORK_START:
            t = t.replace(hour=WORK_START, minute=0, second=0, microsecond=0)
        end_of_day = t.replace(hour=WORK_END, minute=0, second=0, microsecond=0)
        step = min(remaining, end_of_day - t)
        t += step
        remaining -= step
    return t


OFFICE_TZ = ZoneInfo("Europe/Amsterdam")  # advisors' office hours are Dutch local time


def deadline_for(priority: Priority, now: datetime, urgent_minutes: int, normal_hours: int) -> datetime:
    if priority == Priority.URGENT:
        return now + timedelta(minutes=urgent_minutes)
    return add_working_hours(now.astimezone(OFFICE_TZ), normal_hours).astimezone(timezone.utc)
