"""Saved replies: a team's reusable texts that advisors put in the reply box (greetings, referrals, standard
explanations).

Who manages them: the members of the team (they write and use them every day, like Intercom's and Chatwoot's
canned responses) and admins, for any team. Anyone who may reply reads their own team's. A saved reply is
never sent as it is: it lands in the reply box, and the reply's personal-data check runs when that is sent.
Every change is audited (title only, never the text).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import text as T
from bot.storage.audit import audit
from bot.storage.models import Advisor, SavedReply, Team, utcnow

TITLE_MAX = 120
TEXT_MAX = 4000


class SavedReplyError(ValueError):
    """Dutch message for the form."""


def for_team(s: Session, team_id: int | None) -> list[SavedReply]:
    if team_id is None:
        return []
    return list(s.scalars(select(SavedReply).where(SavedReply.team_id == team_id).order_by(SavedReply.title)))


def for_advisor(s: Session, advisor_id: int) -> list[SavedReply]:
    """The saved replies an advisor picks from on a ticket: their own team's."""
    me = s.get(Advisor, advisor_id)
    return for_team(s, me.team_id if me else None)


def may_manage(me: Advisor, team_id: int | None) -> bool:
    return team_id is not None and (me.has_role("admin") or me.team_id == team_id)


def _team_for(s: Session, me: Advisor, team_id: int | None) -> int:
    team_id = me.team_id if team_id is None else team_id
    if team_id is None:
        raise SavedReplyError(T("console.saved.no_team"))
    if s.get(Team, team_id) is None:
        raise SavedReplyError(T("console.saved.not_found"))
    if not may_manage(me, team_id):
        raise SavedReplyError(T("console.saved.not_allowed"))
    return team_id


def save(s: Session, advisor_id: int, title: str, text: str, team_id: int | None = None,
         reply_id: int | None = None) -> SavedReply:
    """Adds (``reply_id`` None) or changes a saved reply of ``team_id`` (default: the advisor's team).

    Raises SavedReplyError (Dutch) for an empty or too long text, another team's reply, or one that is gone."""
    me = s.get(Advisor, advisor_id)
    title, text = (title or "").strip(), (text or "").strip()
    if not title or not text:
        raise SavedReplyError(T("console.saved.empty"))
    if len(title) > TITLE_MAX or len(text) > TEXT_MAX:
        raise SavedReplyError(T("console.saved.too_long"))
    if reply_id is None:
        row = SavedReply(team_id=_team_for(s, me, team_id), title=title, text=text, author_id=me.id)
        s.add(row)
    else:
        row = s.get(SavedReply, reply_id)
        if row is None:
            raise SavedReplyError(T("console.saved.not_found"))
        _team_for(s, me, row.team_id)
        row.title, row.text, row.updated_at = title, text, utcnow()
    s.flush()
    audit(s, me.id, "saved_reply.saved", saved_reply=row.id, team=row.team_id, title=title)
    return row


def delete(s: Session, advisor_id: int, reply_id: int) -> None:
    """Raises SavedReplyError (Dutch) when it is gone or another team's."""
    me = s.get(Advisor, advisor_id)
    row = s.get(SavedReply, reply_id)
    if row is None:
        raise SavedReplyError(T("console.saved.not_found"))
    _team_for(s, me, row.team_id)
    audit(s, me.id, "saved_reply.deleted", saved_reply=row.id, team=row.team_id, title=row.title)
    s.delete(row)
