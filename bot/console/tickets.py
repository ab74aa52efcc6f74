"""Queues, the ticket page with its actions, and reply deliveries."""
from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from bot.handover import deliveries, queries, saved_replies
from bot.handover.service import QUEUES, PersonalDataInReply, TicketError, is_overdue
from bot.i18n import text as T
from bot.storage.db import Database

from .deps import AdvisorAction, AdvisorPage, DbDep, QueueDep
from .security import Actor
from .views import redirect, render

router = APIRouter()


def _ticket_url(ref: str) -> str:
    return f"/tickets/{ref}"


@router.get("/")
def home(actor: AdvisorPage):
    return RedirectResponse("/queue/mine", status_code=303)


@router.get("/queue/{name}")
def queue_page(name: str, request: Request, db: DbDep, queue: QueueDep, actor: AdvisorPage):
    if name not in QUEUES:
        raise HTTPException(404)
    with db.session() as s:
        advisor = queries.advisor(s, actor.id)
        return render(request, "queue.html", actor=actor, name=name, counts=queue.counts(s, advisor),
                      tickets=queue.queue(s, advisor, name), queues=QUEUES, is_overdue=is_overdue)


@router.post("/queue/claim-next")
def claim_next(request: Request, queue: QueueDep, actor: AdvisorAction):
    ref = queue.claim_next(actor.id)
    if ref is None:
        return redirect(request, "/queue/team", T("console.flash.next_none"))
    return redirect(request, _ticket_url(ref), T("console.flash.next_assigned", ref=ref))


def _citation(source: dict) -> str:
    text = f"[{source['n']}] {source.get('title') or T('console.source.untitled')}"
    if source.get("section"):
        text += f" — {source['section']}"
    if source.get("page"):
        text += f", p. {source['page']}"
    return text


@router.get("/tickets/{ref}")
def ticket_page(ref: str, request: Request, db: DbDep, actor: AdvisorPage):
    return _ticket_page(ref, request, db, actor)


def _ticket_page(ref: str, request: Request, db: Database, actor: Actor, draft_reply: dict | None = None,
                 warning: str | None = None):
    """The ticket page; ``draft_reply`` puts a refused reply back in the form, so nothing typed is lost."""
    with db.session() as s:
        try:
            view = queries.ticket_view(s, ref, actor.id)
        except PermissionError as exc:
            return render(request, "error.html", 403, actor=actor, title=T("console.page.forbidden.title"),
                          message=str(exc))
        if view is None:
            raise HTTPException(404)
        return render(request, "ticket.html", actor=actor, t=view.ticket, summary=view.summary, citation=_citation,
                      overdue=is_overdue(view.ticket), deliveries=view.deliveries, timeline=view.timeline,
                      teams=view.teams, advisors=view.advisors, can_claim=view.can_claim,
                      can_release=view.can_release, can_reply=view.can_reply, can_transfer=view.can_transfer,
                      can_close=view.can_close, answered=view.answered, draft_reply=draft_reply,
                      reply_warning=warning, not_searched=view.not_searched,
                      saved_replies=saved_replies.for_advisor(s, actor.id) if view.can_reply else [])


def _do(request: Request, ref: str, fn, done: str):
    """Runs one service action and returns to the ticket with its outcome as a Dutch message."""
    try:
        fn()
    except TicketError as exc:
        return redirect(request, _ticket_url(ref), str(exc), error=True)
    return redirect(request, _ticket_url(ref), done)


@router.post("/tickets/{ref}/claim")
def claim(ref: str, request: Request, queue: QueueDep, actor: AdvisorAction):
    try:
        claimed = queue.claim(ref, actor.id)
    except TicketError as exc:
        return redirect(request, _ticket_url(ref), str(exc), error=True)
    if not claimed:
        return redirect(request, _ticket_url(ref), T("console.flash.claim_failed"), error=True)
    return redirect(request, _ticket_url(ref), T("console.flash.claimed"))


@router.post("/tickets/{ref}/release")
def release(ref: str, request: Request, queue: QueueDep, actor: AdvisorAction):
    return _do(request, ref, lambda: queue.release(ref, actor.id),
               T("console.flash.released"))


@router.post("/tickets/{ref}/reply")
def reply(ref: str, request: Request, db: DbDep, queue: QueueDep, actor: AdvisorAction, text: str = Form(""),
          kind: str = Form("answer"), confirm_personal: str = Form("")):
    done = T("console.flash.answer_saved" if kind == "answer" else "console.flash.question_saved")
    try:
        queue.reply(ref, actor.id, text, kind, personal_data_confirmed=confirm_personal == "1")
    except PersonalDataInReply as exc:  # the page again, with the text and a confirmation box: nothing is lost
        response = _ticket_page(ref, request, db, actor, draft_reply={"text": text, "kind": kind}, warning=str(exc))
        response.status_code = 422
        return response
    except TicketError as exc:
        return redirect(request, _ticket_url(ref), str(exc), error=True)
    return redirect(request, _ticket_url(ref), done)


def _optional_id(value: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise TicketError(T("console.flash.invalid_choice"))
    return int(value)


@router.post("/tickets/{ref}/transfer")
def transfer(ref: str, request: Request, queue: QueueDep, actor: AdvisorAction, team_id: str = Form(""),
             advisor_id: str = Form(""), note: str = Form("")):
    def run():
        queue.transfer(ref, actor.id, team_id=_optional_id(team_id), advisor_id=_optional_id(advisor_id), note=note)

    return _do(request, ref, run, T("console.flash.transferred"))


@router.post("/tickets/{ref}/close")
def close(ref: str, request: Request, queue: QueueDep, actor: AdvisorAction):
    return _do(request, ref, lambda: queue.close(ref, actor.id), T("console.flash.closed"))


@router.get("/deliveries")
def deliveries_page(request: Request, db: DbDep, actor: AdvisorPage):
    with db.session() as s:
        return render(request, "deliveries.html", actor=actor, rows=deliveries.for_advisor(s, actor.id))


@router.post("/deliveries/{delivery_id}/retry")
def retry(delivery_id: int, request: Request, db: DbDep, actor: AdvisorAction):
    try:
        retried, ref = deliveries.retry(db, delivery_id, actor.id)
    except PermissionError as exc:
        return redirect(request, "/deliveries", str(exc), error=True)
    back = _ticket_url(ref) if ref else "/deliveries"
    if not retried:
        return redirect(request, back, T("console.flash.retry_only_failed"), error=True)
    return redirect(request, back, T("console.flash.retried"))
