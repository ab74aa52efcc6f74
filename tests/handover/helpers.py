"""Seeding teams, advisors and hand-overs through the real APIs."""
from __future__ import annotations

import threading

from bot.engine.tickets import TicketRequest
from bot.handover.accounts import create_advisor
from bot.handover.senders import OutgoingReply
from bot.storage.models import Reason, Team

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
        priority=priority, reason=Reason.URGENT if priority == "urgent" else Reason.LOW_CONFIDENCE,
        detail="violence" if priority == "urgent" else None, channel=channel,
        asker=asker, conversation_id=conversation, question=question or f"Vraag over {theme} [NAAM]",
        theme=theme, region=region, context=({"title": "Handreiking", "section": "Aanpak", "page": 3,
                                              "source": "h.pdf", "url": None, "score": 0.8},),
        draft="Begin met een gesprek met beide groepen. [1]"))


class InboxSender:
    """Keeps what each asker would see, dropping repeats of a key the way a real channel adapter must."""

    def __init__(self):
        self._lock = threading.Lock()
        self.received: list[OutgoingReply] = []  # every attempt that reached us
        self._seen: set[str] = set()
        self.inbox: dict[str, list[str]] = {}  # asker -> texts, once each

    def send(self, reply: OutgoingReply) -> None:
        with self._lock:
            self.received.append(reply)
            if reply.idempotency_key in self._seen:
                return
            self._seen.add(reply.idempotency_key)
            self.inbox.setdefault(reply.asker, []).append(reply.text)
