"""Everything kept about one asker, table by table: export (right of access), erasure and retention.

``COVERAGE`` names every table of the schema with what it holds of an asker and how export, erasure and
retention treat it; ``NO_ASKER_DATA`` names the tables that hold nothing of an asker, and why. A test
compares both with the migrated database (tests/trust/test_asker_data.py), so a new table cannot be
forgotten: whoever adds one must say here what happens to it.

Insight events know an asker only by a keyed hash of the pseudonym (``bot.insights.events``), so export
and erasure need the secret. On SQLite deleted content is zeroed (``secure_delete``, db.py) and the WAL is
checkpointed afterwards, so the erased text is not left in the database's files.
"""
from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.i18n import text as T
from bot.storage.audit import audit
from bot.storage.models import (CLOSED, AuditEntry, ChannelAddress, Conversation, Delivery, Feedback, InboxMessage,
                     InsightEvent, Message, Reply, Ticket)

COVERAGE = {
    "conversations": "pseudonym, region, role: exported; deleted on erasure; deleted after retention once no "
                     "ticket refers to them",
    "messages": "the conversation (redacted; the bot's turns with their kind and citations, which name handbook "
                "passages only): exported; deleted on erasure and after retention",
    "tickets": "question, context, draft, region, pseudonym: exported; anonymised on erasure and, once closed, "
               "after retention",
    "replies": "advisors' replies to the asker: exported with the tickets; blanked with their ticket",
    "deliveries": "reply text, pseudonym, conversation: cancelled and blanked on erasure; blanked and unlinked "
                  "after retention",
    "feedback": "per conversation: exported; deleted on erasure; unlinked after retention",
    "channel_addresses": "sealed chat id: deleted on erasure and when expired",
    "inbox": "replies fetched by the widget or API: exported; deleted on erasure and after retention",
    "insight_events": "keyed hash of the pseudonym, region, unanswered question: exported; question and region "
                      "dropped and the key made unlinkable on erasure, question dropped and key unlinkable after "
                      "retention",
    "audit_log": "transfer notes on a ticket, editor tasks quoting unanswered questions: the notes on the "
                 "asker's tickets and the quotes of their questions go on erasure, all of them after retention",
}
NO_ASKER_DATA = {
    "teams": "routing configuration",
    "advisors": "advisors' accounts",
    "web_sessions": "advisors' console sessions",
    "login_attempts": "advisors' login attempts (hashed account and address)",
    "knowledge_entries": "advisors' reviewed text, refused when it names anyone (learning.py); only a ticket id",
    "saved_replies": "teams' reusable reply texts, written by advisors; no ticket or asker link",
    "alembic_version": "the schema revision",
}

ERASED, EXPIRED = "gewist", "verlopen"  # placeholders that anonymous rows point at instead of the asker


def _unlinkable_key() -> str:
    # "r" is no hex digit: a re-keyed event is never taken for a live asker key, and is skipped next time
    return "r" + secrets.token_hex(16)[:31]


def _placeholder_conversation(s: Session, name: str, now: datetime) -> str:
    """Anonymous tickets keep a foreign key: they point at one placeholder conversation."""
    if s.get(Conversation, name) is None:
        s.add(Conversation(id=name, channel=name, asker=name, created_at=now, last_seen_at=now))
        s.flush()
    return name


def export(s: Session, asker: str, insight_key: str) -> dict:
    convs = s.scalars(select(Conversation).where(Conversation.asker == asker).order_by(Conversation.created_at)).all()
    tickets = s.scalars(select(Ticket).where(Ticket.asker == asker).order_by(Ticket.id)).all()
    conv_ids = sorted({c.id for c in convs} | {t.conversation_id for t in tickets})
    messages = s.scalars(select(Message).where(Message.conversation_id.in_(conv_ids), Message.author != "reset")
                         .order_by(Message.at, Message.id)).all()
    feedback = s.scalars(select(Feedback).where(Feedback.conversation_id.in_(conv_ids))).all()
    inbox = s.scalars(select(InboxMessage).where(InboxMessage.conversation_id.in_(conv_ids))
                      .order_by(InboxMessage.id)).all()
    events = s.scalars(select(InsightEvent).where(InsightEvent.asker_key == insight_key)
                       .order_by(InsightEvent.at, InsightEvent.id)).all()
    notes = s.scalars(select(AuditEntry).where(AuditEntry.ticket_id.in_([t.id for t in tickets]),
                                               AuditEntry.action == "ticket.transferred")).all()
    return {
        "asker": asker,
        "conversations": [{"id": c.id, "channel": c.channel, "language": c.language, "region": c.region,
                           "role": c.role, "created_at": c.created_at.isoformat(),
                           "last_seen_at": c.last_seen_at.isoformat()} for c in convs],
        "messages": [_message(m) for m in messages],
        "tickets": [{"ref": t.ref, "status": t.status, "priority": t.priority, "question": t.question,
                     "region": t.region, "role": t.role, "theme": t.theme, "created_at": t.created_at.isoformat(),
                     "replies": [{"kind": r.kind, "text": r.text, "at": r.created_at.isoformat()}
                                 for r in t.replies]} for t in tickets],
        "transfer_notes": [{"ticket": next(t.ref for t in tickets if t.id == n.ticket_id),
                            "note": n.detail["note"], "at": n.at.isoformat()} for n in notes if n.detail.get("note")],
        "feedback": [{"helpful": f.helpful, "at": f.at.isoformat()} for f in feedback],
        "inbox": [{"ticket_ref": i.ticket_ref, "text": i.text, "at": i.created_at.isoformat()} for i in inbox],
        "insight_events": [{"kind": e.kind, "channel": e.channel, "theme": e.theme, "region": e.region,
                            "role": e.role, "outcome": e.outcome, "helpful": e.helpful,
                            "unanswered_question": e.gap_question, "at": e.at.isoformat()} for e in events],
    }


def _message(m: Message) -> dict:
    kind, text, _ = m.turn()  # a bot turn as it reads, stored tagged (before revision 0008) or not
    return {"conversation_id": m.conversation_id, "author": m.author, "kind": kind, "text": text,
            "citations": m.citations or [], "at": m.at.isoformat()}


def erase(s: Session, asker: str, insight_key: str, now: datetime) -> dict[str, int]:
    conv_ids = list(s.scalars(select(Conversation.id).where(Conversation.asker == asker)))
    tickets = s.scalars(select(Ticket).where(Ticket.asker == asker).with_for_update()).all()
    conv_ids = sorted(set(conv_ids) | {t.conversation_id for t in tickets})
    quoted = {t.question for t in tickets}
    for t in tickets:
        t.question, t.context, t.draft, t.asker, t.region = T("console.erased.question"), [], None, ERASED, None
        if t.status != CLOSED:
            t.status, t.closed_at, t.deadline = CLOSED, now, None
        audit(s, None, "ticket.erased", t)
    ticket_ids = [t.id for t in tickets]
    if ticket_ids:
        s.execute(update(Reply).where(Reply.ticket_id.in_(ticket_ids)).values(text=T("console.erased.text"))
                  .execution_options(synchronize_session=False))
    cancelled = s.execute(update(Delivery).where(Delivery.asker == asker, Delivery.status != "sent")
                          .values(status="cancelled", text="", last_error=ERASED)
                          .execution_options(synchronize_session=False)).rowcount
    s.execute(update(Delivery).where(Delivery.asker == asker).values(text="", asker=ERASED, conversation_id=ERASED)
              .execution_options(synchronize_session=False))
    counts = {"tickets": len(tickets), "deliveries_cancelled": cancelled}
    for model, name in ((Message, "messages"), (ChannelAddress, "addresses"), (InboxMessage, "inbox"),
                        (Feedback, "feedback")):
        counts[name] = s.execute(delete(model).where(model.conversation_id.in_(conv_ids))
                                 .execution_options(synchronize_session=False)).rowcount
    for t in tickets:
        t.conversation_id = _placeholder_conversation(s, ERASED, now)
    counts["conversations"] = s.execute(delete(Conversation).where(Conversation.id.in_(conv_ids))
                                        .execution_options(synchronize_session=False)).rowcount
    # insight events: still counted (the figures add up), no longer theirs
    quoted |= set(s.scalars(select(InsightEvent.gap_question).where(InsightEvent.asker_key == insight_key,
                                                                    InsightEvent.gap_question.is_not(None))))
    counts["insight_events"] = s.execute(
        update(InsightEvent).where(InsightEvent.asker_key == insight_key)
        .values(asker_key=_unlinkable_key(), gap_question=None, region=None)
        .execution_options(synchronize_session=False)).rowcount
    counts["audit_entries"] = _scrub_audit(s, AuditEntry.ticket_id.in_(ticket_ids) if ticket_ids else None, quoted)
    audit(s, None, "asker.erased", **counts)
    return counts


def _scrub_audit(s: Session, notes_where, quoted: set[str]) -> int:
    """Drops the transfer notes matching ``notes_where`` and, from editor tasks, quotes of the ``quoted``
    questions. Returns how many entries changed."""
    from bot.insights.gaps import TASK

    changed = 0
    if notes_where is not None:
        for e in s.scalars(select(AuditEntry).where(notes_where, AuditEntry.action == "ticket.transferred")):
            if "note" in e.detail:
                e.detail = {k: v for k, v in e.detail.items() if k != "note"}
                changed += 1
    if quoted:
        for e in s.scalars(select(AuditEntry).where(AuditEntry.action == TASK)):
            examples = e.detail.get("examples", [])
            keep = [x for x in examples if x not in quoted]
            if keep != examples or e.detail.get("summary") in quoted:
                summary = T("console.erased.text") if e.detail.get("summary") in quoted else e.detail.get("summary")
                e.detail = {**e.detail, "examples": keep, "summary": summary}
                changed += 1
    return changed


def retain(s: Session, days: int, now: datetime) -> dict[str, int]:
    """Storage limitation: what is older than ``days`` (written, or closed) keeps no trace of the asker."""
    cutoff = now - timedelta(days=days)
    done = dict.fromkeys(("inbox", "deliveries", "feedback", "conversations", "addresses", "insight_events",
                          "audit_entries"), 0)
    done["messages"] = s.execute(delete(Message).where(Message.at < cutoff)
                                 .execution_options(synchronize_session=False)).rowcount
    old = s.scalars(select(Ticket).where(Ticket.status == CLOSED, Ticket.closed_at < cutoff,
                                         Ticket.asker.not_in((EXPIRED, ERASED))).with_for_update(skip_locked=True)).all()
    for t in old:
        t.question, t.context, t.draft, t.asker = "[verlopen bewaartermijn]", [], None, EXPIRED
        t.conversation_id = _placeholder_conversation(s, EXPIRED, now)
    if old:
        s.execute(update(Reply).where(Reply.ticket_id.in_([t.id for t in old])).values(text="[verlopen]")
                  .execution_options(synchronize_session=False))
    done["tickets_anonymised"] = len(old)
    done["inbox"] = s.execute(delete(InboxMessage).where(InboxMessage.created_at < cutoff)
                              .execution_options(synchronize_session=False)).rowcount
    done["deliveries"] = s.execute(
        update(Delivery).where(Delivery.created_at < cutoff, Delivery.status.in_(("sent", "failed", "cancelled")),
                               Delivery.asker.not_in((EXPIRED, ERASED)))
        .values(text="", asker=EXPIRED, conversation_id=EXPIRED).execution_options(synchronize_session=False)).rowcount
    done["feedback"] = s.execute(update(Feedback).where(Feedback.at < cutoff, Feedback.conversation_id != EXPIRED)
                                 .values(conversation_id=EXPIRED).execution_options(synchronize_session=False)).rowcount
    done["addresses"] = s.execute(delete(ChannelAddress).where(ChannelAddress.expires_at < now)
                                  .execution_options(synchronize_session=False)).rowcount
    referenced = select(Ticket.conversation_id).distinct()
    done["conversations"] = s.execute(
        delete(Conversation).where(Conversation.last_seen_at < cutoff, Conversation.id.not_in(referenced),
                                   Conversation.id.not_in((EXPIRED, ERASED)))
        .execution_options(synchronize_session=False)).rowcount
    # insight events: figures stay, the text and the link to a person go (one new key per old key, so the
    # distinct-asker counts of the old period do not change)
    keys = s.scalars(select(InsightEvent.asker_key).where(InsightEvent.at < cutoff,
                                                          InsightEvent.asker_key.not_like("r%")).distinct()).all()
    for key in keys:
        done["insight_events"] += s.execute(
            update(InsightEvent).where(InsightEvent.asker_key == key, InsightEvent.at < cutoff)
            .values(asker_key=_unlinkable_key(), gap_question=None).execution_options(synchronize_session=False)
        ).rowcount
    done["audit_entries"] = _scrub_old_audit(s, cutoff)
    if any(done.values()):
        audit(s, None, "retention.applied", days=days, **done)
    return done


def _scrub_old_audit(s: Session, cutoff: datetime) -> int:
    from bot.insights.gaps import TASK

    changed = 0
    for e in s.scalars(select(AuditEntry).where(AuditEntry.at < cutoff,
                                                AuditEntry.action.in_(("ticket.transferred", TASK)))):
        if e.action == "ticket.transferred" and "note" in e.detail:
            e.detail = {k: v for k, v in e.detail.items() if k != "note"}
            changed += 1
        elif e.action == TASK and (e.detail.get("examples") or e.detail.get("summary") not in (None, "[verlopen]")):
            e.detail = {**e.detail, "examples": [], "summary": "[verlopen]"}
            changed += 1
    return changed


def checkpoint(db) -> None:
    """SQLite: write the WAL back into the database file and empty it, so erased text is not left in the WAL
    (deleted content itself is zeroed: ``secure_delete``). PostgreSQL reclaims dead rows by (auto)vacuum."""
    if db.engine.dialect.name != "sqlite":
        return
    raw = db.engine.raw_connection()  # outside any transaction: SQLite refuses a checkpoint inside one
    try:
        cur = raw.cursor()
        for _ in range(20):  # a reader in the middle of a transaction makes it busy: try again shortly
            busy = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            if not busy:
                return
            time.sleep(0.1)
    finally:
        raw.close()
