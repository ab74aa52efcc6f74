"""Counts over insight_events by theme, ISO week, region and channel, with filters; all guarded.

Rows are grouped in Python rather than SQL: ISO weeks in local time are not portable between SQLite
and PostgreSQL, and the filtered period is small enough (one row per question) to read once.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.i18n import text as T
from bot.storage.models import InsightEvent

from .privacy import Cell, Guard

TZ = ZoneInfo("Europe/Amsterdam")  # weeks start on Monday in Dutch local time
NO_THEME = T("insights.no_theme")  # a label, and the filter value that selects rows without a theme
NO_REGION = T("insights.no_region")


@dataclass(frozen=True)
class Filters:
    start: date | None = None  # inclusive, local date
    end: date | None = None  # inclusive, local date
    theme: str | None = None
    region: str | None = None
    channel: str | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        lo = datetime.combine(self.start, time(), TZ) if self.start else None
        hi = datetime.combine(self.end + timedelta(days=1), time(), TZ) if self.end else None
        return lo, hi


@dataclass(frozen=True)
class Row:
    """One event without any text: what the counts need."""

    at: datetime
    kind: str
    channel: str
    asker: str
    theme: str
    region: str
    outcome: str | None
    helpful: bool | None


def week_of(at: datetime) -> str:
    year, week, _ = at.astimezone(TZ).isocalendar()
    return f"{year}-W{week:02d}"


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def weeks_between(start: date, end: date) -> list[str]:
    out, d = [], week_start(start)
    while d <= end:
        year, week, _ = d.isocalendar()
        out.append(f"{year}-W{week:02d}")
        d += timedelta(days=7)
    return out


def load_rows(db, filters: Filters, kinds: tuple[str, ...] = ("question", "feedback")) -> list[Row]:
    lo, hi = filters.bounds()
    q = select(InsightEvent.at, InsightEvent.kind, InsightEvent.channel, InsightEvent.asker_key, InsightEvent.theme,
               InsightEvent.region, InsightEvent.outcome, InsightEvent.helpful).where(InsightEvent.kind.in_(kinds))
    if lo is not None:
        q = q.where(InsightEvent.at >= lo)
    if hi is not None:
        q = q.where(InsightEvent.at < hi)
    if filters.channel:
        q = q.where(InsightEvent.channel == filters.channel)
    if filters.theme:
        q = q.where(InsightEvent.theme == filters.theme) if filters.theme != NO_THEME else \
            q.where(InsightEvent.theme.is_(None))
    if filters.region:
        q = q.where(InsightEvent.region == filters.region) if filters.region != NO_REGION else \
            q.where(InsightEvent.region.is_(None))
    with db.session() as s:
        return [Row(r.at, r.kind, r.channel, r.asker_key, r.theme or NO_THEME, r.region or NO_REGION, r.outcome,
                    r.helpful) for r in s.execute(q.order_by(InsightEvent.at, InsightEvent.id))]


class _Tally:
    """Questions and distinct askers of one group."""

    __slots__ = ("n", "askers")

    def __init__(self):
        self.n = 0
        self.askers: set[str] = set()

    def add(self, asker: str) -> None:
        self.n += 1
        self.askers.add(asker)


def _share(guard: Guard, rows: list[Row], is_part) -> Cell:
    part = [r for r in rows if is_part(r)]
    rest = [r for r in rows if not is_part(r)]
    return guard.share(len(part), len(rows), len({r.asker for r in part}), len({r.asker for r in rest}),
                       len({r.asker for r in rows}))


@dataclass
class Overview:
    """Everything the page and the report show, already through the guard."""

    k: int
    weeks: list[str]
    total: Cell
    by_theme_week: dict[str, list[Cell]] = field(default_factory=dict)
    by_theme: list[tuple[str, Cell]] = field(default_factory=list)
    by_region: list[tuple[str, Cell]] = field(default_factory=list)
    by_channel: list[tuple[str, Cell]] = field(default_factory=list)
    handover_rate: Cell | None = None
    urgent_rate: Cell | None = None
    rates_by_theme: list[tuple[str, Cell, Cell]] = field(default_factory=list)  # theme, hand-over, urgent
    feedback_total: Cell | None = None
    helpful_share: Cell | None = None
    themes: list[str] = field(default_factory=list)  # filter choices: only values with >= K askers
    regions: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)


OTHER_REGIONS = T("insights.other_regions")


def _grouped(guard: Guard, rows: list[Row], key, merge_small: bool = False) -> list[tuple[str, Cell]]:
    tallies: dict[str, _Tally] = defaultdict(_Tally)
    for r in rows:
        tallies[key(r)].add(r.asker)
    if merge_small:  # the name of a small municipality with one asker is itself a clue: pool them
        other = _Tally()
        for name in [n for n, t in tallies.items() if not guard.allows(len(t.askers))]:
            t = tallies.pop(name)
            other.n += t.n
            other.askers |= t.askers
        if other.n:
            tallies[OTHER_REGIONS] = other
    ordered = sorted(tallies.items(), key=lambda kv: (kv[0] == OTHER_REGIONS, -len(kv[1].askers)
                                                      if guard.allows(len(kv[1].askers)) else 1, kv[0]))
    cells = guard.counts([(t.n, t.askers) for _, t in ordered])  # with complementary suppression
    return [(name, cell) for (name, _), cell in zip(ordered, cells)]


def choices(guard: Guard, db, filters: Filters) -> tuple[list[str], list[str], list[str]]:
    """Themes, regions and channels to filter on: a rare value (a small municipality) is itself a clue."""
    rows = load_rows(db, Filters(filters.start, filters.end), ("question",))
    out = []
    for attr in ("theme", "region", "channel"):
        askers: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            askers[getattr(r, attr)].add(r.asker)
        out.append(sorted(v for v, a in askers.items() if guard.allows(len(a))))
    return out[0], out[1], out[2]


def overview(db, guard: Guard, filters: Filters) -> Overview:
    rows = load_rows(db, filters)
    questions = [r for r in rows if r.kind == "question"]
    feedback = [r for r in rows if r.kind == "feedback"]
    if filters.start and filters.end:
        weeks = weeks_between(filters.start, filters.end)
    else:
        weeks = sorted({week_of(r.at) for r in questions})
    ov = Overview(k=guard.k, weeks=weeks,
                  total=guard.count(len(questions), len({r.asker for r in questions})))

    per_tw: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    for r in questions:
        per_tw[(r.theme, week_of(r.at))].add(r.asker)
    ov.by_theme = _grouped(guard, questions, lambda r: r.theme)
    for theme, _ in ov.by_theme:  # a theme's weeks add up to its total, which is shown: suppressed together
        ov.by_theme_week[theme] = guard.counts([(per_tw[(theme, w)].n, per_tw[(theme, w)].askers)
                                                if (theme, w) in per_tw else (0, set()) for w in weeks])
    ov.by_region = _grouped(guard, questions, lambda r: r.region, merge_small=True)
    ov.by_channel = _grouped(guard, questions, lambda r: r.channel)

    def handover(r: Row) -> bool:
        return r.outcome in ("handover", "urgent")

    ov.handover_rate = _share(guard, questions, handover)
    ov.urgent_rate = _share(guard, questions, lambda r: r.outcome == "urgent")
    for theme, _ in ov.by_theme:
        of_theme = [r for r in questions if r.theme == theme]
        ov.rates_by_theme.append((theme, _share(guard, of_theme, handover),
                                  _share(guard, of_theme, lambda r: r.outcome == "urgent")))
    rated = [r for r in feedback if r.helpful is not None]
    ov.feedback_total = guard.count(len(rated), len({r.asker for r in rated}))
    ov.helpful_share = _share(guard, rated, lambda r: bool(r.helpful))
    ov.themes, ov.regions, ov.channels = choices(guard, db, filters)
    return ov
