"""Administration (role admin): advisor accounts and teams with their routing."""
from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request

from bot.handover import queries, staff
from bot.handover.accounts import AccountError
from bot.handover.staff import AdminError
from bot.i18n import text as T
from bot.storage.models import ROLES

from .deps import AdminAction, AdminPage, DbDep
from .views import redirect, render

router = APIRouter(prefix="/admin")


@router.get("/advisors")
def advisors_page(request: Request, db: DbDep, actor: AdminPage):
    with db.session() as s:
        return render(request, "admin_advisors.html", actor=actor, roles=ROLES, advisors=queries.advisors(s),
                      teams=queries.teams(s))


@router.post("/advisors")
def advisor_create(request: Request, db: DbDep, actor: AdminAction, email: str = Form(""), name: str = Form(""),
                   password: str = Form(""), role: str = Form("advisor"), team_id: str = Form("")):
    try:
        staff.add_advisor(db, actor.id, email, name, password, role, team_id)
    except (AccountError, AdminError) as exc:
        return redirect(request, "/admin/advisors", str(exc), error=True)
    return redirect(request, "/admin/advisors", T("console.flash.account_created"))


@router.post("/advisors/{advisor_id}")
def advisor_update(advisor_id: int, request: Request, db: DbDep, actor: AdminAction, role: str = Form(...),
                   team_id: str = Form(""), active: str = Form(""), password: str = Form("")):
    try:
        found = staff.update_advisor(db, actor.id, advisor_id, role, team_id, bool(active), password)
    except (AccountError, AdminError) as exc:
        return redirect(request, "/admin/advisors", str(exc), error=True)
    if not found:
        raise HTTPException(404)
    return redirect(request, "/admin/advisors", T("console.flash.account_updated"))


@router.get("/teams")
def teams_page(request: Request, db: DbDep, actor: AdminPage):
    with db.session() as s:
        return render(request, "admin_teams.html", actor=actor, teams=queries.teams(s))


@router.post("/teams")
def team_create(request: Request, db: DbDep, actor: AdminAction, name: str = Form(""), themes: str = Form(""),
                regions: str = Form(""), backup_team_id: str = Form(""), is_default: str = Form("")):
    try:
        staff.add_team(db, actor.id, name, themes, regions, backup_team_id, bool(is_default))
    except AdminError as exc:
        return redirect(request, "/admin/teams", str(exc), error=True)
    return redirect(request, "/admin/teams", T("console.flash.team_created"))


@router.post("/teams/{team_id}")
def team_update(team_id: int, request: Request, db: DbDep, actor: AdminAction, name: str = Form(""),
                themes: str = Form(""), regions: str = Form(""), backup_team_id: str = Form(""),
                is_default: str = Form(""), active: str = Form("")):
    try:
        found = staff.update_team(db, actor.id, team_id, name, themes, regions, backup_team_id, bool(is_default),
                                  bool(active))
    except AdminError as exc:
        return redirect(request, "/admin/teams", str(exc), error=True)
    if not found:
        raise HTTPException(404)
    return redirect(request, "/admin/teams", T("console.flash.team_updated"))
