"""Findings 3 and 4 of issue 14: what is kept about an asker is exported, erased and retained table by table.

Before: the REST API's free-text region was stored raw and survived erasure; insight events kept the asker's
unanswered question under their key after `erase-user` and after retention though `/vergeet` said all was
gone; export missed both; and after erasure the SQLite WAL still held the erased text.
"""
from __future__ import annotations

import json
import os
import time
from datetime import timedelta

import requests
import sqlalchemy as sa
from sqlalchemy import func, select

from bot.channels.identity import pseudonym
from bot.engine.tickets import TicketRequest
from bot.handover import askerdata
from bot.handover.conversations import DbConversations
from bot.storage.db import Database, make_engine, migrate
from bot.storage.models import (AuditEntry, ChannelAddress, Conversation, Delivery, Feedback, InboxMessage,
                                 InsightEvent, Message, Ticket, utcnow)
from bot.handover.service import QueuePolicy, QueueService
from bot.insights.events import asker_key
from bot.insights.gaps import Gap, create_task
from tests.conftest import TEST_SECRET
from tests.faults.app import API_KEY, essbot_serve
from tests.handover.conftest import Clock
from tests.handover.helpers import advisor, team

from .conftest import SERVE, api, dump, essbot

MARKER = "Buurtbarbecuebudget"  # a made-up compound: kept by the redactor, found nowhere else
QUESTION = f"Ik wil een adviseur spreken over het {MARKER} en de spanningen rond het buurthuis."
REGION = "Jan de Vries 0612345678"


def test_every_table_is_covered_by_export_erasure_and_retention(db_url):
    """A new table must be named in askerdata.COVERAGE (what happens to it) or NO_ASKER_DATA (why nothing)."""
    migrate(db_url)
    engine = make_engine(db_url)
    tables = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    named = set(askerdata.COVERAGE) | set(askerdata.NO_ASKER_DATA)
    assert tables == named, f"not covered: {sorted(tables - named)}; gone: {sorted(named - tables)}"
    assert not set(askerdata.COVERAGE) & set(askerdata.NO_ASKER_DATA)


def _files(db_url: str) -> bytes:
    path = db_url.removeprefix("sqlite:///")
    return b"".join(open(p, "rb").read() for p in (path, path + "-wal") if os.path.exists(p))


def test_export_and_erasure_reach_every_table(tmp_path, db_url):
    db = Database(db_url)
    helper = advisor(db, "a@ess.test", team(db, "Team", default=True))
    conversation, asker = "case-erase", pseudonym(TEST_SECRET, "api", "partner-f:case-erase")
    with essbot_serve(tmp_path, tmp_path / "data", db_url, **SERVE) as (base, _):
        out = api(base, conversation, QUESTION, region=REGION)
        assert out.status_code == 200 and out.json()["kind"] == "handover", out.text
        ref = out.json()["ticket_ref"]
        queue = QueueService(db)
        queue.claim(ref, helper)
        queue.transfer(ref, helper, advisor_id=helper, note=f"Zie het {MARKER}")
        queue.reply(ref, helper, f"Over het {MARKER}: begin met een gesprek met het buurthuis.")
        for _ in range(100):  # the server's worker delivers it to the inbox
            api_replies = requests.get(f"{base}/api/v1/conversations/{conversation}/replies",
                                       headers={"X-API-Key": API_KEY}, timeout=30).json()["replies"]
            if api_replies:
                break
            time.sleep(0.2)
        assert MARKER in api_replies[0]["text"]
        with db.session() as s:
            gap = s.scalar(select(InsightEvent.gap_question)
                           .where(InsightEvent.asker_key == asker_key(TEST_SECRET, asker)))
            assert gap and MARKER in gap
            create_task(s, None, Gap("k" * 16, 5, "polarisatie", (gap, "Een andere vraag"), gap), "periode")
        stored = dump(db_url)
        assert MARKER in stored and asker in stored  # so the checks below can fail
        assert "0612345678" not in stored and "Jan de Vries" not in stored  # the region, redacted before storage
        assert "[TELEFOON]" in stored

        exported = essbot(tmp_path, db_url, "export-user", "--channel", "api", "--id", "partner-f:case-erase")
        assert exported.returncode == 0, exported.stderr
        data = json.loads(exported.stdout)
        assert [t["ref"] for t in data["tickets"]] == [ref] and "[TELEFOON]" in data["tickets"][0]["region"]
        assert any(MARKER in (e["unanswered_question"] or "") for e in data["insight_events"])
        [said] = [m for m in data["messages"] if m["author"] == "assistant"]  # what the asker was told, whole
        assert said["kind"] == "handover" and ref in said["text"] and said["citations"] == []
        assert data["inbox"] and MARKER in data["inbox"][0]["text"] and MARKER in data["transfer_notes"][0]["note"]

        with db.session() as s:
            before = {m: s.scalar(select(func.count()).select_from(m)) for m in (Ticket, InsightEvent)}
        erased = essbot(tmp_path, db_url, "erase-user", "--channel", "api", "--id", "partner-f:case-erase", "--yes")
        assert erased.returncode == 0, erased.stderr
        stored = dump(db_url)
        for trace in (MARKER, asker, asker_key(TEST_SECRET, asker), conversation, "[TELEFOON]"):
            assert trace not in stored, trace
        with db.session() as s:  # the figures still add up
            assert {m: s.scalar(select(func.count()).select_from(m)) for m in (Ticket, InsightEvent)} == before
        if db_url.startswith("sqlite"):  # nor in the files: zeroed free pages, an emptied WAL
            assert MARKER.encode() not in _files(db_url)
    db.dispose()


def test_retention_leaves_no_trace_in_any_table(db_url):
    clock = Clock()
    db = Database(db_url)
    queue = QueueService(db, QueuePolicy(), clock=clock)
    helper = advisor(db, "a@ess.test", team(db, "Team", default=True))
    asker, conv = "api-" + "a" * 32, "api:partner:old"
    DbConversations(db).append(conv, "user", QUESTION, channel="api", asker=asker)
    ref = queue.create(TicketRequest(priority="normal", reason="low_confidence", channel="api", asker=asker,
                                     conversation_id=conv, question=QUESTION, theme="polarisatie",
                                     region="[NAAM] [TELEFOON]", context=({"title": MARKER},), draft=MARKER)).ref
    queue.claim(ref, helper)
    queue.transfer(ref, helper, advisor_id=helper, note=MARKER)
    queue.reply(ref, helper, f"Over het {MARKER}.")
    queue.close(ref, helper)
    old = clock.now
    with db.session() as s:
        s.add(InboxMessage(conversation_id=conv, idempotency_key="k1", ticket_ref=ref, text=MARKER, created_at=old))
        s.add(Feedback(conversation_id=conv, helpful=False, at=old))
        s.add(ChannelAddress(conversation_id=conv, channel="api", address=MARKER, expires_at=old + timedelta(days=30)))
        s.add(InsightEvent(at=old, kind="question", channel="api", asker_key=asker_key(TEST_SECRET, asker),
                           theme="polarisatie", region="Utrecht", outcome="handover", gap_question=QUESTION))
        s.execute(sa.update(Delivery).values(status="sent", created_at=old))
        for m in s.scalars(select(Message)):
            m.at = old
        s.get(Conversation, conv).last_seen_at = old
        create_task(s, None, Gap("k" * 16, 5, "polarisatie", (QUESTION,), QUESTION), "periode")
    with db.session() as s:
        s.execute(sa.update(AuditEntry).values(at=old))
    assert MARKER in dump(db_url) and asker in dump(db_url)
    clock.advance(days=181)
    counts = queue.apply_retention(180)
    stored = dump(db_url)
    for trace in (MARKER, asker, asker_key(TEST_SECRET, asker), conv):
        assert trace not in stored, (trace, counts)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(InsightEvent)) == 1  # counted, no longer anyone's
    assert not any(queue.apply_retention(180).values())  # idempotent
    db.dispose()


def test_an_expired_chat_address_is_deleted_by_the_workers_housekeeping(tmp_path):
    """A sealed chat id is kept `address_retention_days` after the asker's last message, not the 180 days of
    retention: the worker's regular housekeeping deletes it as soon as it expires (docs/channels.md)."""
    from bot.config import Settings
    from bot.handover.worker import Worker

    settings = Settings(environment="test", secret_key=TEST_SECRET, data_dir=tmp_path,
                        database_url=f"sqlite:///{tmp_path / 'q.sqlite'}")
    db = Database(settings.database_url)
    now = utcnow()
    with db.session() as s:
        s.add(Conversation(id="telegram:1", channel="telegram", asker="a", created_at=now, last_seen_at=now))
        s.add(Conversation(id="telegram:2", channel="telegram", asker="b", created_at=now, last_seen_at=now))
        s.flush()
        s.add(ChannelAddress(conversation_id="telegram:1", channel="telegram", address="sealed-1",
                             expires_at=now - timedelta(minutes=1)))
        s.add(ChannelAddress(conversation_id="telegram:2", channel="telegram", address="sealed-2",
                             expires_at=now + timedelta(days=1)))
    Worker(settings, db, {}).housekeeping()
    with db.session() as s:
        assert list(s.scalars(select(ChannelAddress.conversation_id))) == ["telegram:2"]
    db.dispose()
