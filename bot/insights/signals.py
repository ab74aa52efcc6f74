"""Rising themes: distinct askers per theme × region per week against that cell's own recent past.

Baseline: the previous ``baseline_weeks`` weeks (missing weeks count as 0). A week is a signal when
its count is very unlikely under a Poisson with the baseline mean (p below ``alpha``), it is at least
``min_factor`` times that mean, and it rests on at least K distinct askers (the privacy guard).
Distinct askers, not questions: one person asking twenty times is not a trend.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from bot.storage.models import InsightEvent

from .aggregate import Filters, load_rows, week_of, week_start, weeks_between
from .privacy import Guard

BASELINE_WEEKS = 8
ALPHA = 1e-3
MIN_FACTOR = 2.0
MIN_RATE = 1.0  # a theme new to a region is compared with one asker a week, not with zero


@dataclass(frozen=True)
class Signal:
    week: str
    theme: str
    region: str
    askers: int
    baseline: float  # mean distinct askers per week over the baseline
    spread: float  # standard deviation over the baseline weeks
    z: float  # (askers - mean) / max(spread, sqrt(mean)): robust against a flat baseline
    p: float  # Poisson upper tail P(X >= askers | mean)
    factor: float


def poisson_tail(k: int, lam: float) -> float:
    """P(X >= k) for X ~ Poisson(lam), summed in log space (k can be large)."""
    if k <= 0:
        return 1.0
    below = sum(math.exp(i * math.log(lam) - lam - math.lgamma(i + 1)) for i in range(k))
    if below < 0.999:
        return max(0.0, 1.0 - below)
    # 1 - below loses precision when the tail is tiny: sum the tail itself instead.
    tail, i = 0.0, k
    while True:
        term = math.exp(i * math.log(lam) - lam - math.lgamma(i + 1))
        tail += term
        if term < tail * 1e-12 or i > k + 10_000:
            return tail
        i += 1


def _first_recorded(db) -> str | None:
    with db.session() as s:
        first = s.scalar(select(func.min(InsightEvent.at)))
    return week_of(first) if first is not None else None


def detect(db, guard: Guard, first_week: date, last_week: date, filters: Filters = Filters(),
           baseline_weeks: int = BASELINE_WEEKS, alpha: float = ALPHA, min_factor: float = MIN_FACTOR) -> list[Signal]:
    """Signals for every week from ``first_week`` to ``last_week`` (dates inside those weeks)."""
    first, last = week_start(first_week), week_start(last_week)
    rows = load_rows(db, Filters(first - timedelta(weeks=baseline_weeks), last + timedelta(days=6), filters.theme,
                                 filters.region, filters.channel), ("question",))
    askers: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for r in rows:
        askers[(r.theme, r.region, week_of(r.at))].add(r.asker)
    cells = sorted({(t, reg) for t, reg, _ in askers})
    all_weeks = weeks_between(first - timedelta(weeks=baseline_weeks), last)
    recorded_from = _first_recorded(db)
    signals = []
    for i in range(baseline_weeks, len(all_weeks)):
        week, past = all_weeks[i], all_weeks[i - baseline_weeks:i]
        if recorded_from is None or past[0] < recorded_from:
            continue  # before recording began a quiet past is missing data, not a baseline of zero
        for theme, region in cells:
            x = len(askers.get((theme, region, week), ()))
            if not guard.allows(x):
                continue
            history = [len(askers.get((theme, region, w), ())) for w in past]
            mean = sum(history) / len(history)
            spread = math.sqrt(sum((h - mean) ** 2 for h in history) / len(history))
            lam = max(mean, MIN_RATE)
            p = poisson_tail(x, lam)
            factor = x / lam
            if p < alpha and factor >= min_factor:
                z = (x - mean) / max(spread, math.sqrt(lam))
                signals.append(Signal(week, theme, region, x, round(mean, 2), round(spread, 2), round(z, 1), p,
                                      round(factor, 1)))
    return sorted(signals, key=lambda s: (s.week, s.p))
