"""Reply deliveries as advisors see them: the list (scoped as their queues) and offering a failed one again."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.audit import audit
from bot.storage.db import Database
from bot.storage.models import Advisor, Delivery, Ticket

from . import access
from .outbox import retry_delivery


def for_advisor(s: Session, advisor_id: int, limit: int = 200) -> list:
    """(delivery, ticket ref) rows, newest first: all for an admin, an advisor's those of tickets in scope
    (access.py)."""
    me = s.get(Advisor, advisor_id)
    q = select(Delivery, Ticket.ref).outerjoin(Ticket, Ticket.id == Delivery.ticket_id)
    if not me.has_role("admin"):
        q = q.where(access.scope_filter(me))
    return list(s.execute(q.order_by(Delivery.id.desc()).limit(limit)).all())


def retry(db: Database, delivery_id: int, advisor_id: int) -> tuple[bool, str | None]:
    """Offers a failed delivery again, audited: (whether it was failed and is now pending, its ticket's ref).

    Raises PermissionError (Dutch) for a delivery of a ticket outside the advisor's scope, unless an admin."""
    with db.session() as s:
        delivery = s.get(Delivery, delivery_id)
        ticket = s.get(Ticket, delivery.ticket_id) if delivery and delivery.ticket_id else None
        me = s.get(Advisor, advisor_id)
        if ticket is not None and not me.has_role("admin") and not access.in_scope(s, ticket, me):
            raise PermissionError(access.NOT_YOUR_TEAM)
    retried = retry_delivery(db, delivery_id)  # its own transaction, locking the row
    with db.session() as s:
        delivery = s.get(Delivery, delivery_id)
        ticket = s.get(Ticket, delivery.ticket_id) if delivery and delivery.ticket_id else None
        if retried:
            audit(s, advisor_id, "delivery.retried", ticket, delivery=delivery_id)
        return retried, ticket.ref if ticket else None
