"""Administration of advisor accounts and teams (the console's admin pages), each change one audited transaction.

Team references come as the forms send them ('' for none, else an id): resolving one is one of the checks, in
the order the rules below run, so a refused change names its first problem.
"""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.i18n import text as T
from bot.storage.audit import audit
from bot.storage.db import Database
from bot.storage.models import ROLES, Advisor, Team, WebSession

from .accounts import create_advisor, set_password


class AdminError(ValueError):
    """Dutch message for the form."""


def _team(s: Session, value: str) -> Team | None:
    value = (value or "").strip()
    if not value:
        return None
    team = s.get(Team, int(value)) if value.isdigit() else None
    if team is None:
        raise AdminError(T("console.refusal.team_unknown"))
    return team


def _role(value: str) -> str:
    if value not in ROLES:
        raise AdminError(T("console.refusal.role_unknown"))
    return value


def _list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def add_advisor(db: Database, actor_id: int, email: str, name: str, password: str, role: str, team_id: str) -> None:
    """Raises AdminError or AccountError (Dutch)."""
    with db.session() as s:
        create_advisor(s, email, name, password, _role(role), _team(s, team_id), actor_id=actor_id)


def update_advisor(db: Database, actor_id: int, advisor_id: int, role: str, team_id: str, active: bool,
                   password: str) -> bool:
    """False when there is no such advisor. A deactivated advisor's sessions end; a new password ends them too
    (accounts.set_password). Raises AdminError or AccountError (Dutch)."""
    with db.session() as s:
        advisor = s.get(Advisor, advisor_id)
        if advisor is None:
            return False
        role, team = _role(role), _team(s, team_id)
        if advisor.id == actor_id and (role != "admin" or not active):
            raise AdminError(T("console.refusal.own_admin_rights"))  # no lock-out by accident
        advisor.role, advisor.team_id, advisor.active = role, team.id if team else None, active
        if password:
            set_password(s, advisor, password)
        elif not active:
            s.execute(delete(WebSession).where(WebSession.advisor_id == advisor.id))
        audit(s, actor_id, "advisor.updated", advisor_id=advisor.id, role=role, team=advisor.team_id,
              active=active, password_changed=bool(password) or None)
    return True


def _apply_team(s: Session, team: Team, name: str, themes: str, regions: str, backup_team_id: str,
                is_default: bool) -> None:
    name = name.strip()
    if not name:
        raise AdminError(T("console.refusal.team_name_missing"))
    clash = s.scalar(select(Team.id).where(Team.name == name, Team.id != team.id) if team.id else
                     select(Team.id).where(Team.name == name))
    if clash is not None:
        raise AdminError(T("console.refusal.team_name_taken"))
    backup = _team(s, backup_team_id)
    if backup is not None and team.id is not None and backup.id == team.id:
        raise AdminError(T("console.refusal.team_own_backup"))
    team.name, team.themes, team.regions = name, _list(themes), _list(regions)
    team.backup_team_id, team.is_default = backup.id if backup else None, is_default


def add_team(db: Database, actor_id: int, name: str, themes: str, regions: str, backup_team_id: str,
             is_default: bool) -> None:
    """``themes`` and ``regions`` comma-separated. Raises AdminError (Dutch)."""
    with db.session() as s:
        team = Team(active=True)
        _apply_team(s, team, name, themes, regions, backup_team_id, is_default)
        s.add(team)
        s.flush()
        audit(s, actor_id, "team.created", team_id=team.id)


def update_team(db: Database, actor_id: int, team_id: int, name: str, themes: str, regions: str,
                backup_team_id: str, is_default: bool, active: bool) -> bool:
    """False when there is no such team. Raises AdminError (Dutch)."""
    with db.session() as s:
        team = s.get(Team, team_id)
        if team is None:
            return False
        _apply_team(s, team, name, themes, regions, backup_team_id, is_default)
        team.active = active
        audit(s, actor_id, "team.updated", team_id=team.id, active=team.active)
    return True
