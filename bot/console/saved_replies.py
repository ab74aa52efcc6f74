"""Saved replies per team: the list to manage them (team members, admins for any team); the ticket page picks."""
from __future__ import annotations

from fastapi import APIRouter, Form, Request

from bot.handover import queries, saved_replies
from bot.handover.saved_replies import SavedReplyError
from bot.i18n import text as T

from .deps import AdvisorAction, AdvisorPage, DbDep
from .views import redirect, render

router = APIRouter(prefix="/saved-replies")


def _id(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _url(team_id: int | None) -> str:
    return f"/saved-replies?team={team_id}" if team_id else "/saved-replies"


@router.get("")
def saved_replies_page(request: Request, db: DbDep, actor: AdvisorPage, team: str = ""):
    with db.session() as s:
        me = queries.advisor(s, actor.id)
        # admins may open any team's list; others see their own team's, whatever the address says
        team_id = _id(team) if me.has_role("admin") and _id(team) else me.team_id
        teams = queries.teams(s, active_only=True) if me.has_role("admin") else []
        return render(request, "saved_replies.html", actor=actor, team_id=team_id, teams=teams,
                      team_name=next((t.name for t in queries.teams(s) if t.id == team_id), None),
                      replies=saved_replies.for_team(s, team_id),
                      can_manage=saved_replies.may_manage(me, team_id))


@router.post("")
def saved_reply_save(request: Request, db: DbDep, actor: AdvisorAction, title: str = Form(""), text: str = Form(""),
                     team_id: str = Form(""), reply_id: str = Form("")):
    try:
        with db.session() as s:
            row = saved_replies.save(s, actor.id, title, text, team_id=_id(team_id), reply_id=_id(reply_id))
            back = row.team_id
    except SavedReplyError as exc:
        return redirect(request, _url(_id(team_id)), str(exc), error=True)
    return redirect(request, _url(back), T("console.saved.saved"))


@router.post("/{reply_id}/delete")
def saved_reply_delete(reply_id: int, request: Request, db: DbDep, actor: AdvisorAction, team_id: str = Form("")):
    try:
        with db.session() as s:
            saved_replies.delete(s, actor.id, reply_id)
    except SavedReplyError as exc:
        return redirect(request, _url(_id(team_id)), str(exc), error=True)
    return redirect(request, _url(_id(team_id)), T("console.saved.deleted"))
