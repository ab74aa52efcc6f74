"""Counts, rates and rising-theme signals over synthetic streams; small cells never show."""
from __future__ import annotations

from datetime import timedelta

from bot.config import Settings
from bot.insights.aggregate import Filters, overview
from bot.insights.privacy import Guard, min_askers
from bot.insights.signals import detect, poisson_tail
from tests.conftest import TEST_SECRET

from .conftest import FIRST_WEEK, SPIKE, SPIKE_WEEK, WEEKS, add, question, stream

PERIOD = Filters(FIRST_WEEK, FIRST_WEEK + timedelta(weeks=WEEKS, days=-1))


def test_k_cannot_go_below_five(tmp_path):
    low = Settings(data_dir=tmp_path, environment="test", secret_key=TEST_SECRET, insights_min_askers=2)
    high = Settings(data_dir=tmp_path, environment="test", secret_key=TEST_SECRET, insights_min_askers=8)
    assert min_askers(low) == 5 and Guard.from_settings(low).k == 5
    assert min_askers(high) == 8
    assert Guard(1).k == 5
    assert Guard(5).count(7, 4).text == "<5" and Guard(5).count(7, 4).value is None
    assert Guard(5).count(7, 5).value == 7
    assert Guard(8).count(7, 7).text == "<8"


def test_overview_counts_and_suppresses(db):
    add(db, stream())
    ov = overview(db, Guard(5), PERIOD)
    themes = dict(ov.by_theme)
    assert themes["subsidie"].suppressed and themes["subsidie"].text == "<5"
    assert not themes["polarisatie"].suppressed and themes["polarisatie"].value > 100
    regions = dict(ov.by_region)
    assert "Ameland" not in regions  # the name itself would tell: pooled with other small regions
    assert regions["Overige regio's"].text == "<5"
    assert len(ov.weeks) == WEEKS and all(len(cells) == WEEKS for cells in ov.by_theme_week.values())
    assert all(c.suppressed for c in ov.by_theme_week["subsidie"] if c.text != "0")
    assert ov.urgent_rate.value is not None and 0 < ov.urgent_rate.value < 10
    assert ov.handover_rate.value is not None and 25 < ov.handover_rate.value < 45
    assert ov.helpful_share.text == "60,0 %"  # 9 of 15, both groups >= 5 askers
    assert "Ameland" not in ov.regions and "subsidie" not in ov.themes
    # Filtering down to a small group hides everything about it, the total included.
    small = overview(db, Guard(5), Filters(PERIOD.start, PERIOD.end, theme="subsidie"))
    assert small.total.text == "<5" and small.handover_rate.suppressed
    # A higher K hides more: 6 "not helpful" askers is now a small group.
    assert overview(db, Guard(7), PERIOD).helpful_share.suppressed


def test_spike_is_the_only_signal(db):
    add(db, stream())
    found = detect(db, Guard(5), FIRST_WEEK + timedelta(weeks=8), SPIKE_WEEK + timedelta(weeks=1))
    assert [(s.week, s.theme, s.region) for s in found] == [("2026-W46", *SPIKE)]
    s = found[0]
    assert s.askers == 30 and s.factor >= 2.5 and s.p < 1e-6 and s.z > 4


def test_no_spike_no_signal(sqlite_db):
    for seed in range(5):  # several noisy streams: the threshold must hold on all of them
        with sqlite_db.session() as s:
            s.query(type(stream()[0])).delete()
        add(sqlite_db, stream(spike=False, seed=seed))
        assert detect(sqlite_db, Guard(5), FIRST_WEEK + timedelta(weeks=8), SPIKE_WEEK + timedelta(weeks=1)) == []


def test_small_spike_is_suppressed(sqlite_db):
    # A theme new to a small region: 4 askers in one week is "unusual" but below K, so it stays silent.
    add(sqlite_db, [question(SPIKE_WEEK - timedelta(weeks=9), "early", "dialoog", None)])  # recording began
    add(sqlite_db, [question(SPIKE_WEEK, f"n-{i}", "nieuw", "Vlieland") for i in range(4)])
    assert detect(sqlite_db, Guard(5), SPIKE_WEEK, SPIKE_WEEK) == []
    add(sqlite_db, [question(SPIKE_WEEK, f"m-{i}", "nieuw", "Vlieland") for i in range(4)])
    assert [(s.theme, s.askers) for s in detect(sqlite_db, Guard(5), SPIKE_WEEK, SPIKE_WEEK)] == [("nieuw", 8)]


def test_no_signals_before_recording_began(sqlite_db):
    # The first weeks of a new installation have no past: they are not all "spikes".
    add(sqlite_db, [question(SPIKE_WEEK, f"a-{i}", "dialoog", "Utrecht") for i in range(20)])
    assert detect(sqlite_db, Guard(5), SPIKE_WEEK, SPIKE_WEEK) == []


def test_poisson_tail():
    assert poisson_tail(0, 3.0) == 1.0
    assert abs(poisson_tail(1, 2.0) - (1 - 2.718281828 ** -2)) < 1e-9
    assert 0 < poisson_tail(60, 5.0) < 1e-30
