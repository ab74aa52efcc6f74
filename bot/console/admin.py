"""Administration (role admin): advisor accounts and teams with their routing."""
from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from sqlalchemy import delete, select

from bot.handover.accounts import AccountError, create_advisor, set_password
from bot.storage.audit import audit
from bot.storage.models import ROLES, Advisor, Team, WebSession

from .deps import AdminAction, AdminPage, DbDep
from .views import redirect, render

router = APIRouter(prefix="/admin")


class AdminError(ValueError):
    """Dutch message for the form."""


def _team(s, value: str) -> Team | None:
    value = (value or "").strip()
    if not value:
        return None
    team = s.get(Team, int(value)) if value.isdigit() else None
    if team is None:
        raise AdminError("Dit team bestaat niet.")
    return team


def _role(value: str) -> str:
    if value not in ROLES:
        raise AdminError("Onbekende rol.")
    return value


def _list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


@router.get("/advisors")
def advisors_page(request: Request, db: DbDep, actor: AdminPage):
    with db.session() as s:
        return render(request, "admin_advisors.html", actor=actor, roles=ROLES,
                      advisors=s.scalars(select(Advisor).order_by(Advisor.name)).all(),
                      teams=s.scalars(select(Team).order_by(Team.name)).all())


@router.post("/advisors")
def advisor_create(request: Request, db: DbDep, actor: AdminAction, email: str = Form(""), name: str = Form(""),
                   password: str = Form(""), role: str = Form("advisor"), team_id: str = Form("")):
    try:
        with db.session() as s:
            create_advisor(s, email, name, password, _role(role), _team(s, team_id), actor_id=actor.id)
    except (AccountError, AdminError) as exc:
        return redirect(request, "/admin/advisors", str(exc), error=True)
    return redirect(request, "/admin/advisors", "Account aangemaakt.")


@router.post("/advisors/{advisor_id}")
def advisor_update(advisor_id: int, request: Request, db: DbDep, actor: AdminAction, role: str = Form(...),
                   team_id: str = Form(""), active: str = Form(""), password: str = Form("")):
    try:
        with db.session() as s:
            advisor = s.get(Advisor, advisor_id)
            if advisor is None:
                raise HTTPException(404)
            role, team, is_active = _role(role), _team(s, team_id), bool(active)
            if advisor.id == actor.id and (role != "admin" or not is_active):
                raise AdminError("U kunt uw eigen beheerdersrechten niet intrekken.")  # no lock-out by accident
            advisor.role, advisor.team_id, advisor.active = role, team.id if team else None, is_active
            if password:
                set_password(s, advisor, password)
            elif not is_active:
                s.execute(delete(WebSession).where(WebSession.advisor_id == advisor.id))
            audit(s, actor.id, "advisor.updated", advisor_id=advisor.id, role=role, team=advisor.team_id,
                  active=is_active, password_changed=bool(password) or None)
    except (AccountError, AdminError) as exc:
        return redirect(request, "/admin/advisors", str(exc), error=True)
    return redirect(request, "/admin/advisors", "Account bijgewerkt.")


@router.get("/teams")
def teams_page(request: Request, db: DbDep, actor: AdminPage):
    with db.session() as s:
        return render(request, "admin_teams.html", actor=actor, teams=s.scalars(select(Team).order_by(Team.name)).all())


def _apply_team(s, team: Team, name: str, themes: str, regions: str, backup_team_id: str, is_default: str) -> None:
    name = name.strip()
    if not name:
        raise AdminError("Geef het team een naam.")
    clash = s.scalar(select(Team.id).where(Team.name == name, Team.id != team.id) if team.id else
                     select(Team.id).where(Team.name == name))
    if clash is not None:
        raise AdminError("Er bestaat al een team met deze naam.")
    backup = _team(s, backup_team_id)
    if backup is not None and team.id is not None and backup.id == team.id:
        raise AdminError("Een team kan niet zijn eigen reserveteam zijn.")
    team.name, team.themes, team.regions = name, _list(themes), _list(regions)
    team.backup_team_id, team.is_default = backup.id if backup else None, bool(is_default)


@router.post("/teams")
def team_create(request: Request, db: DbDep, actor: AdminAction, name: str = Form(""), themes: str = Form(""),
                regions: str = Form(""), backup_team_id: str = Form(""), is_default: str = Form("")):
    try:
        with db.session() as s:
            team = Team(active=True)
            _apply_team(s, team, name, themes, regions, backup_team_id, is_default)
            s.add(team)
            s.flush()
            audit(s, actor.id, "team.created", team_id=team.id)
    except AdminError as exc:
        return redirect(request, "/admin/teams", str(exc), error=True)
    return redirect(request, "/admin/teams", "Team aangemaakt.")


@router.post("/teams/{team_id}")
def team_update(team_id: int, request: Request, db: DbDep, actor: AdminAction, name: str = Form(""),
                themes: str = Form(""), regions: str = Form(""), backup_team_id: str = Form(""),
                is_default: str = Form(""), active: str = Form("")):
    try:
        with db.session() as s:
            team = s.get(Team, team_id)
            if team is None:
                raise HTTPException(404)
            _apply_team(s, team, name, themes, regions, backup_team_id, is_default)
            team.active = bool(active)
            audit(s, actor.id, "team.updated", team_id=team.id, active=team.active)
    except AdminError as exc:
        return redirect(request, "/admin/teams", str(exc), error=True)
    return redirect(request, "/admin/teams", "Team bijgewerkt.")
