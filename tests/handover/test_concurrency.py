"""Concurrent advisors: one winner per ticket, never a ticket claimed twice (real threads, real connections)."""
from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from bot.storage.db import Database
from bot.storage.models import AuditEntry, Ticket
from bot.handover.service import QueueService

from .helpers import advisor, handover, team


def _race(n, fn):
    barrier = threading.Barrier(n)
    results = [None] * n
    errors = []

    def run(i):
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:  # reported below, so a crash is not mistaken for a lost race
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return results


@pytest.mark.postgres
def test_concurrent_claims_of_one_ticket_have_one_winner(pg_url):
    db = Database(pg_url, pool_size=10)
    t = team(db, "Team", default=True)
    advisors = [advisor(db, f"a{i}@example.org", t) for i in range(8)]
    queue = QueueService(db)
    for round_ in range(10):
        ref = handover(queue, f"c{round_}").ref
        wins = _race(8, lambda i: queue.claim(ref, advisors[i]))
        assert wins.count(True) == 1, wins
        with db.session() as s:
            ticket = s.scalars(select(Ticket).where(Ticket.ref == ref)).one()
            assert ticket.assignee_id == advisors[wins.index(True)]
            claims = s.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.ticket_id == ticket.id, AuditEntry.action == "ticket.claimed"))
            assert claims == 1
    db.dispose()


@pytest.mark.postgres
def test_concurrent_claim_next_hands_out_each_ticket_once(pg_url):
    """SKIP LOCKED: eight advisors taking "the next ticket" in a loop never get the same one."""
    db = Database(pg_url, pool_size=10)
    t = team(db, "Team", default=True)
    advisors = [advisor(db, f"a{i}@example.org", t) for i in range(8)]
    queue = QueueService(db)
    refs = {handover(queue, f"c{i}", priority="urgent" if i % 5 == 0 else "normal").ref for i in range(60)}

    def take_all(i):
        got = []
        while (ref := queue.claim_next(advisors[i])) is not None:
            got.append(ref)
        return got

    taken = [r for got in _race(8, take_all) for r in got]
    assert Counter(taken).most_common(1)[0][1] == 1  # nobody got a ticket twice
    assert set(taken) == refs
    db.dispose()


def test_concurrent_claims_on_sqlite_also_have_one_winner(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'q.sqlite'}")
    t = team(db, "Team", default=True)
    advisors = [advisor(db, f"a{i}@example.org", t) for i in range(4)]
    queue = QueueService(db)
    ref = handover(queue, "first").ref
    assert _race(4, lambda i: queue.claim(ref, advisors[i])).count(True) == 1
    refs = {handover(queue, f"c{i}").ref for i in range(20)}
    taken = [r for got in _race(4, lambda i: [r for r in iter(lambda: queue.claim_next(advisors[i]), None)])
             for r in got]
    assert sorted(taken) == sorted(refs)
    db.dispose()
