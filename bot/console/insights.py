"""Anonymised insights in the console: trends, rates, feedback, rising themes and content gaps.

Every figure comes through bot.insights.privacy; editors turn a gap cluster into a task (audit log).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from bot.insights.aggregate import TZ, Filters
from bot.insights.charts import bar_chart
from bot.insights.gaps import close_task, create_task, open_tasks
from bot.insights.privacy import Guard
from bot.insights.report import build_report, collect, theme_week_charts

from .security import Actor, action, page
from .views import redirect, render

router = APIRouter()
DEFAULT_WEEKS = 12


def _embeddings(request: Request):
    """The e5 model, loaded once per app on first use (tests put theirs on app.state beforehand)."""
    state = request.app.state
    if getattr(state, "insight_embeddings", None) is None:
        from bot.index.embeddings import make_embeddings

        s = state.settings
        state.insight_embeddings = make_embeddings(s.embedding_backend, s.embedding_model,
                                                   s.data_dir / "cache" / "embeddings.sqlite")
    return state.insight_embeddings


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


@router.get("/insights")
def insights_page(request: Request, start: str = "", end: str = "", theme: str = "", region: str = "",
                  channel: str = "", actor: Actor = Depends(page())):
    filters = _filters(start, end, theme, region, channel)
    ins = collect(request.app.state.db, Guard.from_settings(request.app.state.settings), _embeddings(request),
                  filters)
    ov = ins.overview
    charts = {"themes": Markup(bar_chart("Vragen per thema", ov.by_theme)),
              "regions": Markup(bar_chart("Vragen per regio", ov.by_region)),
              "channels": Markup(bar_chart("Vragen per kanaal", ov.by_channel)),
              "weeks": theme_week_charts(ov)}
    with request.app.state.db.session() as s:
        tasks = open_tasks(s)
    return render(request, "insights.html", actor=actor, ins=ins, ov=ov, f=filters, charts=charts, tasks=tasks,
                  task_keys={t.key for t in tasks})


@router.post("/insights/gaps/task")
async def insights_gap_task(request: Request, key: str = Form(""), start: str = Form(""), end: str = Form(""),
                            theme: str = Form(""), region: str = Form(""), channel: str = Form(""),
                            actor: Actor = Depends(action("editor"))):
    # The cluster is recomputed, never taken from the form: a task can only hold what the guard let through.
    filters = _filters(start, end, theme, region, channel)
    state = request.app.state
    ins = await run_in_threadpool(collect, state.db, Guard.from_settings(state.settings), _embeddings(request),
                                  filters)
    gap = next((g for g in ins.gaps.gaps if g.key == key), None)
    if gap is None:
        return redirect(request, "/insights", "Dit cluster bestaat niet (meer) in deze periode.", error=True)
    with state.db.session() as s:
        made = create_task(s, actor.id, gap, f"{filters.start} – {filters.end}")
    return redirect(request, "/insights#tasks", "Redactietaak aangemaakt." if made else
                    "Voor dit cluster staat al een open redactietaak.")


@router.post("/insights/tasks/{task_id}/done")
def insights_task_done(task_id: int, request: Request, actor: Actor = Depends(action("editor"))):
    with request.app.state.db.session() as s:
        done = close_task(s, actor.id, task_id)
    return redirect(request, "/insights#tasks", "Taak afgerond." if done else "Deze taak is niet (meer) open.",
                    error=not done)


@router.get("/insights/report")
def insights_report(request: Request, period: str = "week", start: str = "", format: str = "html",
                    actor: Actor = Depends(page())):
    if period not in ("week", "month") or format not in ("html", "pdf"):
        raise HTTPException(400)
    html, pdf = build_report(request.app.state.db, request.app.state.settings, period, _date(start),
                             _embeddings(request))
    name = f"essbot-{period}rapport.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "pdf":
        return Response(pdf, media_type="application/pdf", headers=headers)
    return Response(html, media_type="text/html; charset=utf-8", headers=headers)
