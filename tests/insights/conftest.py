"""Synthetic insight streams: InsightEvent rows written directly, with controlled times and askers."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest

from bot.storage.db import Database
from bot.storage.models import InsightEvent
from bot.insights.aggregate import TZ
from tests.handover.conftest import db, db_url, pg_url  # noqa: F401  (SQLite and PostgreSQL)

FIRST_WEEK = date(2026, 8, 31)  # a Monday; 12 weeks of history follow
WEEKS = 12
SPIKE_WEEK = FIRST_WEEK + timedelta(weeks=10)  # ISO week 2026-W46
SPIKE = ("polarisatie", "Utrecht")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), TZ)


def question(day, asker, theme, region, outcome="answer", channel="web", gap=None, hour=10) -> InsightEvent:
    return InsightEvent(at=at(day, hour), kind="question", channel=channel, asker_key=asker, theme=theme,
                        region=region, outcome=outcome, confidence=0.8, gap_question=gap)


def stream(spike: bool = True, seed: int = 7) -> list[InsightEvent]:
    """Steady themes with Poisson-like noise, one spike, and a rare theme/region with 3 askers."""
    rng = random.Random(seed)
    events = []
    steady = {("polarisatie", "Utrecht"): 8, ("polarisatie", "Groningen"): 6, ("radicalisering", "Utrecht"): 10,
              ("dialoog", None): 7}
    for w in range(WEEKS):
        monday = FIRST_WEEK + timedelta(weeks=w)
        for (theme, region), mean in steady.items():
            n = max(0, round(rng.gauss(mean, mean ** 0.5)))
            if spike and monday == SPIKE_WEEK and (theme, region) == SPIKE:
                n = 30
            for i in range(n):
                outcome = "urgent" if i == 0 and theme == "radicalisering" else ("handover" if i % 3 == 0 else "answer")
                events.append(question(monday + timedelta(days=i % 5), f"{theme}-{region}-{w}-{i}", theme, region,
                                       outcome))
    for i in range(3):  # three people from a small island: must never be visible
        events.append(question(FIRST_WEEK + timedelta(weeks=9, days=i), f"rare-{i}", "subsidie", "Ameland"))
    for i in range(15):  # feedback: 9 helpful, 6 not
        events.append(InsightEvent(at=at(FIRST_WEEK + timedelta(weeks=5, days=i % 5)), kind="feedback", channel="web",
                                   asker_key=f"fb-{i}", theme="dialoog", region=None, helpful=i < 9))
    return events


def add(database: Database, events) -> None:
    with database.session() as s:
        s.add_all(events)


@pytest.fixture
def sqlite_db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'insights.sqlite'}")
    yield database
    database.dispose()
