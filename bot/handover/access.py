"""Who may see and act on a ticket: the advisor's teams and the claimant; admins may override, audited.

The rule (docs/queue.md, "Ticket access"):
- an advisor sees and takes tickets *in scope*: of their own team, unrouted ones, urgent ones (everyone's),
  overdue ones escalated from a team theirs backs up, and tickets assigned to them;
- a claimed ticket is the claimant's: only they reply, release, close or transfer it;
- an explicit transfer to an advisor makes it theirs, whatever their team;
- an admin may act outside that (a colleague is ill, a ticket is stuck); every such override is audited
  as ``ticket.override`` with the action, so it can be reviewed.
"""
from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from bot.i18n import text as T
from bot.storage.audit import audit
from bot.storage.models import Advisor, Reply, Team, Ticket

# Raised as the service's TicketError (imported lazily there to avoid a cycle); Dutch, for the console.
NOT_YOUR_TEAM = T("console.refusal.not_your_team")
NOT_YOURS = T("console.refusal.not_yours")


def in_scope(s: Session, ticket: Ticket, advisor: Advisor) -> bool:
    """The ticket belongs to the advisor's work (without any admin override)."""
    if ticket.assignee_id == advisor.id or ticket.priority == "urgent" or ticket.team_id is None:
        return True
    if advisor.team_id is not None and ticket.team_id == advisor.team_id:
        return True
    if ticket.escalated and advisor.team_id is not None:
        backup = s.scalar(select(Team.backup_team_id).where(Team.id == ticket.team_id))
        return backup == advisor.team_id
    return False


def scope_filter(advisor: Advisor):
    """The same rule as SQL, for lists (queues, deliveries)."""
    backed = select(Team.id).where(Team.backup_team_id == advisor.team_id)
    return or_(Ticket.assignee_id == advisor.id, Ticket.priority == "urgent", Ticket.team_id.is_(None),
               Ticket.team_id == advisor.team_id, and_(Ticket.escalated, Ticket.team_id.in_(backed)))


def may_view(s: Session, ticket: Ticket, advisor: Advisor) -> bool:
    """Scope, or the advisor answered it before (a ticket transferred on stays readable to them)."""
    if in_scope(s, ticket, advisor):
        return True
    return s.scalar(select(Reply.id).where(Reply.ticket_id == ticket.id, Reply.advisor_id == advisor.id)
                    .limit(1)) is not None


def authorise(s: Session, ticket: Ticket, advisor: Advisor | None, action: str, *, claimant_only: bool) -> None:
    """Raises PermissionError (Dutch) unless ``advisor`` may do ``action``; audits an admin's override.

    ``claimant_only``: a ticket claimed by someone else is theirs (reply, release, close, transfer);
    otherwise scope is enough (claim, view)."""
    if advisor is None or not advisor.active:
        raise PermissionError(T("console.refusal.actor_unknown"))
    claimed_by_other = ticket.assignee_id is not None and ticket.assignee_id != advisor.id
    allowed = in_scope(s, ticket, advisor) and not (claimant_only and claimed_by_other)
    if allowed:
        return
    if advisor.has_role("admin"):
        audit(s, advisor.id, "ticket.override", ticket, overrides=action, assignee=ticket.assignee_id,
              team=ticket.team_id)
        return
    raise PermissionError(NOT_YOURS if claimed_by_other and in_scope(s, ticket, advisor) else NOT_YOUR_TEAM)
