"""The periodic report (week or month): one self-contained HTML file and a PDF with the same figures.

Both are built from ``collect``, whose every figure has passed the privacy guard; the PDF draws its
bars from the same cells, so suppressed values never reach either file.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from bot.i18n import labels, text as T

from .aggregate import TZ, Filters, Overview, overview, week_start
from .charts import bar_chart
from .gaps import GapReport, find_gaps
from .privacy import Cell, Guard
from .signals import Signal, detect

PERIOD_NL = labels("insights.period")
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu: Unicode text in the PDF


@dataclass
class Insights:
    filters: Filters
    overview: Overview
    signals: list[Signal]
    gaps: GapReport


def period_bounds(period: str, start: date | None, today: date | None = None) -> tuple[date, date]:
    """The period containing ``start``; without it the last complete week or month."""
    today = today or datetime.now(TZ).date()
    if period == "week":
        first = week_start(start) if start else week_start(today) - timedelta(days=7)
        return first, first + timedelta(days=6)
    if period == "month":
        if start is None:
            last_month = today.replace(day=1) - timedelta(days=1)
            start = last_month
        first = start.replace(day=1)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    raise ValueError(f"unknown period {period!r}: week or month")


def collect(db, guard: Guard, embeddings, filters: Filters) -> Insights:
    first = filters.start or filters.end or datetime.now(TZ).date()
    last = filters.end or datetime.now(TZ).date()
    gaps = find_gaps(db, guard, embeddings, filters) if embeddings is not None else GapReport([], 0)
    return Insights(filters, overview(db, guard, filters), detect(db, guard, first, last, filters), gaps)


def theme_week_charts(ov: Overview, limit: int = 8) -> list[Markup]:
    return [Markup(bar_chart(T("insights.chart.theme_weeks", theme=theme), list(zip(ov.weeks, cells))))
            for theme, cells in list(ov.by_theme_week.items())[:limit]]


_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_html(title: str, ins: Insights) -> str:
    ov = ins.overview
    charts = {"themes": Markup(bar_chart(T("insights.chart.themes"), ov.by_theme)),
              "regions": Markup(bar_chart(T("insights.chart.regions"), ov.by_region)),
              "weeks": theme_week_charts(ov)}
    return _env.get_template("report.html").render(title=title, ins=ins, ov=ov, charts=charts,
                                                    made=datetime.now(TZ).strftime("%d-%m-%Y %H:%M"))


def _pdf_text(pdf, unicode_font: bool, text: str) -> str:
    return text if unicode_font else text.encode("latin-1", "replace").decode("latin-1")


def render_pdf(title: str, ins: Insights) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    unicode_font = (FONT_DIR / "DejaVuSans.ttf").is_file()
    family = "DejaVu" if unicode_font else "Helvetica"
    if unicode_font:
        pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    t = lambda s: _pdf_text(pdf, unicode_font, s)  # noqa: E731

    def heading(text: str, size: int = 13) -> None:
        pdf.set_font(family, "B", size)
        pdf.ln(2)
        pdf.multi_cell(0, 7, t(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 10)

    def bars(items: list[tuple[str, Cell]], unit: str = "") -> None:
        top = max([c.value for _, c in items if c.value is not None] or [0])
        for label, cell in items:
            if pdf.get_y() > 275:
                pdf.add_page()
            y = pdf.get_y()
            pdf.set_xy(10, y)
            pdf.cell(60, 6, t(label[:34]))
            if cell.value is not None and top:
                pdf.set_fill_color(20, 80, 140)
                pdf.rect(72, y + 1, max(0.5, 95 * cell.value / top), 4, style="F")
            pdf.set_xy(170, y)
            pdf.cell(30, 6, t(cell.text + (unit if cell.value is not None else " " + T("insights.pdf.hidden"))))
            pdf.ln(6)

    ov = ins.overview
    heading(title, 16)
    pdf.multi_cell(0, 5, t(T("insights.pdf.anonymised", k=ov.k)), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, t(T("insights.pdf.totals", total=ov.total.text, handover=ov.handover_rate.text,
                             urgent=ov.urgent_rate.text, feedback=ov.feedback_total.text,
                             helpful=ov.helpful_share.text)), new_x="LMARGIN", new_y="NEXT")
    heading(T("insights.chart.themes"))
    bars(ov.by_theme)
    heading(T("insights.chart.regions"))
    bars(ov.by_region)
    for theme, cells in list(ov.by_theme_week.items())[:8]:
        heading(T("insights.chart.theme_weeks", theme=theme), 11)
        bars(list(zip(ov.weeks, cells)))
    heading(T("insights.pdf.rates_heading"))
    for theme, handover, urgent in ov.rates_by_theme:
        pdf.cell(0, 6, t(T("insights.pdf.rates", theme=theme, handover=handover.text, urgent=urgent.text)),
                 new_x="LMARGIN", new_y="NEXT")
    heading(T("insights.pdf.signals_heading"))
    if not ins.signals:
        pdf.cell(0, 6, t(T("insights.pdf.no_signals")), new_x="LMARGIN", new_y="NEXT")
    for s in ins.signals:
        pdf.multi_cell(0, 5, t(T("insights.pdf.signal", week=s.week, theme=s.theme, region=s.region, askers=s.askers,
                                 factor=s.factor, baseline=s.baseline, z=s.z, p=s.p)), new_x="LMARGIN", new_y="NEXT")
    heading(T("insights.pdf.gaps_heading"))
    if not ins.gaps.gaps:
        pdf.cell(0, 6, t(T("insights.pdf.no_gaps")), new_x="LMARGIN", new_y="NEXT")
    for g in ins.gaps.gaps:
        pdf.set_font(family, "B", 10)
        pdf.multi_cell(0, 5, t(T("insights.pdf.gap", theme=g.theme, askers=g.askers)), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 10)
        for example in g.examples:
            pdf.multi_cell(0, 5, t(f"– {example}"), new_x="LMARGIN", new_y="NEXT")
    if ins.gaps.hidden:
        pdf.multi_cell(0, 5, t(T("insights.pdf.hidden_clusters", hidden=ins.gaps.hidden, k=ov.k)),
                       new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def build_report(db, settings, period: str, start: date | None, embeddings) -> tuple[str, bytes]:
    first, last = period_bounds(period, start)
    ins = collect(db, Guard.from_settings(settings), embeddings, Filters(first, last))
    title = T("insights.report.title", period=PERIOD_NL[period], first=f"{first:%d-%m-%Y}", last=f"{last:%d-%m-%Y}")
    return render_html(title, ins), render_pdf(title, ins)
