"""`essbot bench-queue`: queue operations per second with concurrent advisors, and console page latency.

Runs on a scratch database (a new PostgreSQL database on the given server, or a
temporary SQLite file) that is dropped afterwards, so it never touches real tickets.
"""
from __future__ import annotations

import statistics
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from bot.engine.tickets import TicketRequest

from .scratch import scratch_postgres


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else 0.0


@contextmanager
def scratch_database(url: str | None):
    if url and url.startswith("postgresql"):
        with scratch_postgres(url, "essbot_bench_") as scratch_url:
            yield scratch_url
    else:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.sqlite'}"


def _threads(n: int, fn) -> list:
    out = [None] * n
    ts = [threading.Thread(target=lambda i=i: out.__setitem__(i, fn(i))) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def run_queue_bench(settings, database_url: str | None, tickets: int = 2000, advisors: int = 8,
                    page_requests: int = 400) -> int:
    from bot.handover.accounts import create_advisor, start_session
    from bot.storage.db import Database
    from bot.storage.models import Advisor, Team
    from bot.handover.outbox import DeliveryWorker
    from bot.handover.service import QueueService

    with scratch_database(database_url) as url:
        db = Database(url, pool_size=advisors + 4) if url.startswith("postgresql") else Database(url)
        print(f"database: {db.engine.dialect.name}, {advisors} concurrent advisors, {tickets} tickets")
        with db.session() as s:
            team = Team(name="Bench", themes=["*"], regions=[], is_default=True)
            s.add(team)
            s.flush()
            ids = [create_advisor(s, f"a{i}@bench.invalid", f"A{i}", "bench-wachtwoord-123", team=team).id
                   for i in range(advisors)]
        queue = QueueService(db)

        # 1. hand-overs arriving from the engine (4 channels at once)
        per = tickets // 4
        t0 = time.perf_counter()
        _threads(4, lambda w: [queue.create(TicketRequest(
            "urgent" if i % 20 == 0 else "normal", "low_confidence", "web", f"p{w}-{i}", f"c{w}-{i}",
            "Vraag over spanningen in de wijk [NAAM]", theme="depolarisatie")) for i in range(per)])
        create_s = time.perf_counter() - t0
        print(f"create: {4 * per / create_s:.0f} tickets/s")

        # 2. advisors taking the next ticket and answering it, all at once
        latencies: list[list[float]] = [[] for _ in ids]

        def work(i):
            while True:
                t = time.perf_counter()
                ref = queue.claim_next(ids[i])
                if ref is None:
                    return
                queue.reply(ref, ids[i], "Antwoord van de adviseur.")
                latencies[i].append((time.perf_counter() - t) * 1e3)

        t0 = time.perf_counter()
        _threads(advisors, work)
        work_s = time.perf_counter() - t0
        flat = [x for lat in latencies for x in lat]
        print(f"claim+reply: {len(flat) / work_s:.0f} tickets/s ({2 * len(flat) / work_s:.0f} operations/s), "
              f"per ticket p50 {_pct(flat, .5):.1f} ms p95 {_pct(flat, .95):.1f} ms; "
              f"spread over advisors min {min(map(len, latencies))} max {max(map(len, latencies))}")

        # 3. the outbox worker delivering the replies
        inbox = _Received()
        worker = DeliveryWorker(db, {"web": inbox})
        t0 = time.perf_counter()
        while worker.run_once(limit=200):
            pass
        print(f"deliveries: {len(inbox.received) / (time.perf_counter() - t0):.0f}/s ({len(inbox.received)} sent)")

        # 4. console pages under concurrent advisors, through a real HTTP server
        _console_bench(settings, db, ids, advisors, page_requests, start_session, Advisor)
        db.dispose()
    return 0


def _console_bench(settings, db, ids, advisors, page_requests, start_session, Advisor) -> None:
    import httpx
    import uvicorn

    from bot.console.app import create_app
    from bot.console.security import SESSION_COOKIE
    from bot.storage.models import Ticket
    from sqlalchemy import select

    from bot.runtime import build_runtime

    settings = settings.model_copy(update={"secure_cookies": False})
    rt = build_runtime(settings, db=db)
    app = create_app(settings, db=rt.db, queue=rt.queue, desk=rt.desk)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    with db.session() as s:
        tokens = [start_session(s, s.get(Advisor, i), 1)[0] for i in ids]
        refs = list(s.scalars(select(Ticket.ref).order_by(Ticket.id).limit(200)))
    pages = {"queue": "/queue/answered", "ticket": None}  # a queue of 100 rows; a ticket with its case summary

    for concurrent in (1, advisors):
        times: dict[str, list[float]] = {k: [] for k in pages}

        def client(i):
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", cookies={SESSION_COOKIE: tokens[i]},
                              timeout=60) as c:
                for n in range(page_requests // concurrent):
                    for name, path in pages.items():
                        t = time.perf_counter()
                        r = c.get(path or f"/tickets/{refs[(i * 31 + n) % len(refs)]}")
                        times[name].append((time.perf_counter() - t) * 1e3)
                        if r.status_code != 200:
                            raise RuntimeError(f"{name} page: HTTP {r.status_code}")

        t0 = time.perf_counter()
        _threads(concurrent, client)
        wall = time.perf_counter() - t0
        for name, vals in times.items():
            print(f"console {name} page, {concurrent} advisor(s) at once: n={len(vals)} "
                  f"p50 {statistics.median(vals):.1f} ms p95 {_pct(vals, .95):.1f} ms")
        print(f"console throughput, {concurrent} advisor(s): {sum(map(len, times.values())) / wall:.0f} pages/s")
    server.should_exit = True
    thread.join(10)


class _Received:
    """A channel that only counts: the benchmark measures the outbox, not a transport."""

    def __init__(self):
        self.received = []

    def send(self, reply) -> None:
        self.received.append(reply)
