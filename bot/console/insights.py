"""Anonymised insights in the console: trends, rates, feedback, rising themes and content gaps.

Every figure comes through bot.insights.privacy; editors turn a gap cluster into a task (audit log).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from bot.i18n import text as T
from bot.insights.aggregate import TZ, Filters
from bot.insights.charts import bar_chart
from bot.insights.gaps import close_task, create_task, open_tasks
from bot.insights.privacy import Guard
from bot.insights.report import build_report, collect, theme_week_charts

from .deps import AdvisorPage, DbDep, EditorAction, EmbeddingsDep, SettingsDep
from .present import channel_nl, theme_nl
from .views import redirect, render

router = APIRouter()
DEFAULT_WEEKS = 12

# Dates a filter may name: the bot's own lifetime, with room. Beyond it a week or a day more overflows
# Python's date (9999-12-31 + 1 day) and was a 500; now it is a 400 like any malformed date.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def _date(value: str) -> date | None:
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        raise HTTPException(400) from None
    if day is not None and not FIRST_DAY <= day <= LAST_DAY:
        raise HTTPException(400)
    return day


def _filters(start: str, end: str, theme: str, region: str, channel: str) -> Filters:
    last = _date(end) or datetime.now(TZ).date()
    first = _date(start) or last - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1)
    if first > last:
        first, last = last, first
    return Filters(first, last, theme.strip() or None, region.strip() or None, channel.strip() or None)


# The parameters are dependencies declared before EmbeddingsDep: a malformed date is a 400 before the model loads.
def query_filters(start: str = "", end: str = "", theme: str = "", region: str = "", channel: str = "") -> Filters:
    return _filters(start, end, theme, region, channel)


def form_filters(start: str = Form(""), end: str = Form(""), theme: str = Form(""), region: str = Form(""),
                 channel: str = Form("")) -> Filters:
    return _filters(start, end, theme, region, channel)


@dataclass(frozen=True)
class ReportRequest:
    period: str
    start: date | None
    format: str


def report_request(period: str = "week", start: str = "", format: str = "html") -> ReportRequest:
    if period not in ("week", "month") or format not in ("html", "pdf"):
        raise HTTPException(400)
    return ReportRequest(period, _date(start), format)


@router.get("/insights")
def insights_page(request: Request, db: DbDep, settings: SettingsDep, actor: AdvisorPage,
                  filters: Annotated[Filters, Depends(query_filters)], embeddings: EmbeddingsDep):
    ins = collect(db, Guard.from_settings(settings), embeddings, filters)
    ov = ins.overview
    # the bars in the words the rest of the console uses ("wapens", "Telegram"), not the stored codes
    charts = {"themes": Markup(bar_chart(T("insights.chart.themes"), [(theme_nl(k), c) for k, c in ov.by_theme])),
              "regions": Markup(bar_chart(T("insights.chart.regions"), ov.by_region)),
              "channels": Markup(bar_chart(T("insights.chart.channels"),
                                           [(channel_nl(k), c) for k, c in ov.by_channel])),
              "weeks": theme_week_charts(ov)}
    with db.session() as s:
        tasks = open_tasks(s)
    return render(request, "insights.html", actor=actor, ins=ins, ov=ov, f=filters, charts=charts, tasks=tasks,
                  task_keys={t.key for t in tasks})


@router.post("/insights/gaps/task")
async def insights_gap_task(request: Request, db: DbDep, settings: SettingsDep, actor: EditorAction,
                            filters: Annotated[Filters, Depends(form_filters)], embeddings: EmbeddingsDep,
                            key: str = Form("")):
    # The cluster is recomputed, never taken from the form: a task can only hold what the guard let through.
    ins = await run_in_threadpool(collect, db, Guard.from_settings(settings), embeddings, filters)
    gap = next((g for g in ins.gaps.gaps if g.key == key), None)
    if gap is None:
        return redirect(request, "/insights", T("console.flash.cluster_gone"), error=True)
    with db.session() as s:
        made = create_task(s, actor.id, gap, f"{filters.start} – {filters.end}")
    return redirect(request, "/insights#tasks", T("console.flash.task_made" if made else "console.flash.task_exists"))


@router.post("/insights/tasks/{task_id}/done")
def insights_task_done(task_id: int, request: Request, db: DbDep, actor: EditorAction):
    with db.session() as s:
        done = close_task(s, actor.id, task_id)
    return redirect(request, "/insights#tasks", T("console.flash.task_done" if done else "console.flash.task_not_open"),
                    error=not done)


@router.get("/insights/report")
def insights_report(db: DbDep, settings: SettingsDep, actor: AdvisorPage,
                    wanted: Annotated[ReportRequest, Depends(report_request)], embeddings: EmbeddingsDep):
    html, pdf = build_report(db, settings, wanted.period, wanted.start, embeddings)
    name = f"essbot-{wanted.period}rapport.{wanted.format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if wanted.format == "pdf":
        return Response(pdf, media_type="application/pdf", headers=headers)
    return Response(html, media_type="text/html; charset=utf-8", headers=headers)
