"""Issue 14, finding 8: the total minus the visible channels gave the suppressed one back. Now the parts of a
shown whole are suppressed together until what is hidden rests on at least K askers (SQLite, PostgreSQL)."""
from __future__ import annotations

from datetime import date, timedelta

from bot.insights.aggregate import Filters, overview
from bot.insights.privacy import Guard

from .conftest import FIRST_WEEK, add, question


def test_total_minus_the_visible_parts_gives_no_hidden_figure(db):
    events = []
    for channel, askers in (("web", 10), ("api", 6), ("telegram", 2)):
        for i in range(askers):
            for day in range(2):  # two questions each, in two weeks
                events.append(question(FIRST_WEEK + timedelta(days=7 * day), f"{channel}-{i}", "polarisatie",
                                       "Utrecht", channel=channel))
    add(db, events)
    ov = overview(db, Guard(5), Filters(FIRST_WEEK, FIRST_WEEK + timedelta(days=13)))
    cells = dict(ov.by_channel)
    assert ov.total.value == 36
    assert cells["web"].value == 20 and cells["telegram"].suppressed
    # before: api was shown (12), and 36 - 20 - 12 = 4 questions from telegram's 2 askers
    assert cells["api"].suppressed
    visible = sum(c.value for c in cells.values() if not c.suppressed)
    assert ov.total.value - visible == 16  # what a reader can derive rests on 8 askers (>= 5)


def test_a_themes_weeks_are_suppressed_with_its_total_in_view(db):
    monday = date(2026, 9, 7)
    events = [question(monday, f"a{i}", "dialoog", None) for i in range(6)]  # week 1: 6 askers
    events += [question(monday + timedelta(days=7), f"b{i}", "dialoog", None) for i in range(5)]  # week 2: 5
    events += [question(monday + timedelta(days=14), "c0", "dialoog", None)]  # week 3: 1 asker
    add(db, events)
    ov = overview(db, Guard(5), Filters(monday, monday + timedelta(days=20)))
    row = ov.by_theme_week["dialoog"]
    assert dict(ov.by_theme)["dialoog"].value == 12
    assert row[2].suppressed and row[1].suppressed and row[0].value == 6  # 12 - 6 = 6 questions of 6 askers
