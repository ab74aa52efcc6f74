"""Hand-over tickets: the interface the advisor queue implements, and a simple store.

The engine only needs to create a ticket and tell the asker when to expect an
answer; the queue (claiming, routing, replies) lives elsewhere and implements
``TicketSink``. ``SqliteTickets`` makes the engine usable on its own.
"""
from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

WORK_START, WORK_END = 9, 17


@dataclass(frozen=True)
class TicketRequest:
    priority: str  # "urgent" | "normal"
    reason: str  # low_confidence | asked_for_human | out_of_scope | negative_feedback | urgent:<category> | unavailable
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


@dataclass(frozen=True)
class TicketRef:
    ref: str
    deadline: datetime


class TicketSink(Protocol):
    def create(self, request: TicketRequest) -> TicketRef: ...


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


def deadline_for(priority: str, now: datetime, urgent_minutes: int, normal_hours: int) -> datetime:
    if priority == "urgent":
        return now + timedelta(minutes=urgent_minutes)
    return add_working_hours(now.astimezone(OFFICE_TZ), normal_hours).astimezone(timezone.utc)


class SqliteTickets:
    """A minimal ticket store: enough for the engine and its tests; the queue issue replaces it."""

    def __init__(self, path: Path, urgent_minutes: int = 15, normal_hours: int = 16):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS tickets (ref TEXT PRIMARY KEY, created_at TEXT, deadline TEXT, "
            "priority TEXT, reason TEXT, channel TEXT, asker TEXT, conversation_id TEXT, question TEXT, "
            "theme TEXT, region TEXT, role TEXT, language TEXT, context TEXT, status TEXT DEFAULT 'new')"
        )
        self._lock = threading.Lock()
        self.urgent_minutes = urgent_minutes
        self.normal_hours = normal_hours

    def create(self, request: TicketRequest) -> TicketRef:
        now = datetime.now(timezone.utc)
        deadline = deadline_for(request.priority, now, self.urgent_minutes, self.normal_hours)
        ref = ("U-" if request.priority == "urgent" else "T-") + secrets.token_hex(3).upper()
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO tickets (ref, created_at, deadline, priority, reason, channel, asker, conversation_id, "
                "question, theme, region, role, language, context) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (ref, now.isoformat(), deadline.isoformat(), request.priority, request.reason, request.channel,
                 request.asker, request.conversation_id, request.question, request.theme, request.region,
                 request.role, request.language, json.dumps(list(request.context), ensure_ascii=False)),
            )
        return TicketRef(ref, deadline)

    def all(self) -> list[dict]:
        cur = self._db.execute("SELECT * FROM tickets ORDER BY created_at")
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, row)) for row in cur]
