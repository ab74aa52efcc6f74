"""The audit log: who viewed or changed what, when. Never message text."""
from __future__ import annotations

from sqlalchemy.orm import Session

from .models import AuditEntry, utcnow


def audit(s: Session, actor_id: int | None, action: str, ticket=None, **detail) -> None:
    s.add(AuditEntry(at=utcnow(), actor_id=actor_id, action=action,
                     ticket_id=getattr(ticket, "id", None),
                     detail={k: v for k, v in detail.items() if v is not None}))
