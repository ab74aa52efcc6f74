"""Seeding teams, advisors and hand-overs through the real APIs."""
from __future__ import annotations

from bot.engine.tickets import TicketRequest
from bot.handover.accounts import create_advisor
from bot.handover.models import Team

PASSWORD = "een-lang-testwachtwoord"


def team(db, name, themes=("*",), regions=(), backup=None, default=False) -> int:
    with db.session() as s:
        t = Team(name=name, themes=list(themes), regions=list(regions), is_default=default,
                 backup_team_id=backup)
        s.add(t)
        s.flush()
        return t.id


def advisor(db, email, team_id=None, role="advisor", active=True) -> int:
    with db.session() as s:
        t = s.get(Team, team_id) if team_id else None
        a = create_advisor(s, email, email.split("@")[0].title(), PASSWORD, role=role, team=t)
        a.active = active
        return a.id


def handover(queue, conversation="c1", theme="depolarisatie", region=None, priority="normal", question=None,
             channel="api", asker="asker-1"):
    return queue.create(TicketRequest(
        priority=priority, reason="urgent:violence" if priority == "urgent" else "low_confidence", channel=channel,
        asker=asker, conversation_id=conversation, question=question or f"Vraag over {theme} [NAAM]",
        theme=theme, region=region, context=({"title": "Handreiking", "section": "Aanpak", "page": 3,
                                              "source": "h.pdf", "url": None, "score": 0.8},),
        draft="Begin met een gesprek met beide groepen. [1]"))
