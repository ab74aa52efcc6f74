"""Which team gets a ticket: by theme (collection or triage category) and region, with backups.

A team takes a theme when it lists it (or "*"), and a region when it lists it
(or lists none). The most specific match wins; a team without active members
passes its tickets to its backup, so no ticket waits on one person.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Advisor, Team


def _norm(v: str | None) -> str:
    return (v or "").strip().lower()


def score(team: Team, theme: str | None, region: str | None) -> int | None:
    themes = {_norm(t) for t in team.themes or []}
    regions = {_norm(r) for r in team.regions or []}
    if _norm(theme) in themes and theme:
        s = 4
    elif "*" in themes:
        s = 1
    else:
        return None
    if regions:
        if _norm(region) not in regions:
            return None
        s += 2
    return s


def staffed(session: Session, team: Team) -> bool:
    return session.scalar(select(Advisor.id).where(Advisor.team_id == team.id, Advisor.active).limit(1)) is not None


def route(session: Session, theme: str | None, region: str | None) -> Team | None:
    teams = session.scalars(select(Team).where(Team.active).order_by(Team.id)).all()
    ranked = sorted(((s, t.id, t) for t in teams if (s := score(t, theme, region)) is not None),
                    key=lambda x: (-x[0], not x[2].is_default, x[1]))  # ties: the default team first
    candidates = [t for _, _, t in ranked] + [t for t in teams if t.is_default]
    for team in candidates:
        seen = set()
        current = team
        while current is not None and current.id not in seen:  # follow backups, guarding against cycles
            if current.active and staffed(session, current):
                return current
            seen.add(current.id)
            current = current.backup
    return None
