"""Stateless API replicas: two `essbot serve` processes and a separate `essbot worker` on one PostgreSQL,
one Redis and one shared data folder, as compose runs them.

- an advisor's reply reaches a widget whose live stream is connected to the *other* replica, woken
  through Redis (the stream's own database re-read is set to an hour, so only the bus can deliver it);
- a rate limit holds across replicas (Redis), not per process;
- after an ingest, every replica serves the new index (catalog and BM25 on the shared volume, reloaded
  when the catalog version changes; vectors in the Chroma server).
Plus the pieces on their own: the Redis limiter, its fallback when Redis is gone, the bus.
"""
from __future__ import annotations

import asyncio
import json
import os
import queue
import secrets
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from bot.channels.bus import LocalBus, RedisBus
from bot.channels.ratelimit import RateLimited, RateLimiter, RedisRateLimiter
from bot.channels.web.sse import parse
from bot.config import Settings
from bot.storage.db import Database
from bot.handover.service import QueueService
from bot.index.store import Index
from ingest.pipeline import ingest_paths
from tests.conftest import write
from tests.faults.app import serve_env
from tests.handover.conftest import pg_url  # noqa: F401  (fixture)
from tests.handover.helpers import advisor, team
from tests.index.test_chroma_server import chroma_server  # noqa: F401  (fixture)
from tests.services import free_port, running

REDIS_URL = os.environ.get("ESSBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ORIGIN = "https://www.gemeente-a.nl"
KB = """# Depolarisatie

## Richt je op het midden
Bij twee groepen die elkaar uitschelden helpt het om je te richten op de middengroep die nog niet gekozen heeft.
Verleg het gesprek naar de vragen die bij die middengroep leven.
"""
NEW_DOC = """# Veilige moskee

## Camerabeelden bewaren
Een moskeebestuur dat camerabeelden maakt, bewaart die beelden hooguit vier weken en legt vast wie ze mag inzien.
Hang bij de ingang een bord dat er camera's hangen en wie de beelden beheert.
"""


@pytest.fixture
def redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({type(exc).__name__}); start it or set "
                    "ESSBOT_TEST_REDIS_URL")
    yield client
    client.close()


# --- the pieces ---------------------------------------------------------------------------------------
def test_a_redis_limit_is_one_window_for_every_replica(redis_client):
    name = "t-" + secrets.token_hex(4)
    replica_a, replica_b = (RedisRateLimiter(redis_client, name, 3, 60) for _ in range(2))
    replica_a.hit("asker-1")
    replica_b.hit("asker-1")
    replica_a.hit("asker-1")
    with pytest.raises(RateLimited) as refused:
        replica_b.hit("asker-1")
    assert 0 < refused.value.retry_after <= 60
    replica_b.hit("asker-2")  # per key
    assert redis_client.ttl(f"essbot:rl:{name}:asker-1") <= 60  # nothing stays behind


def test_without_redis_the_limit_falls_back_to_the_process():
    import redis

    dead = redis.Redis(host="127.0.0.1", port=free_port(), socket_connect_timeout=0.5)
    limiter = RedisRateLimiter(dead, "t", 2, 60)
    limiter.hit("k")
    limiter.hit("k")  # answered, not refused: Redis being down must not lock everyone out
    with pytest.raises(RateLimited):
        limiter.hit("k")  # ... yet the per-process window still holds


def test_the_bus_wakes_a_stream_on_another_process(redis_client):
    a, b = RedisBus(REDIS_URL), RedisBus(REDIS_URL)
    try:
        assert a.wait_subscribed() and b.wait_subscribed()

        async def wait_on_b():
            with b.listen("conv-x") as woken, b.listen("conv-y") as other:
                await asyncio.sleep(0.2)
                a.notify("conv-x")  # published by "replica A"
                await asyncio.wait_for(woken.wait(), 10)
                return other.is_set()

        assert asyncio.run(wait_on_b()) is False  # only the conversation concerned is woken
    finally:
        a.close()
        b.close()


def test_the_local_bus_forgets_closed_streams():
    bus = LocalBus()

    async def listen_once():
        with bus.listen("c") as woken:
            bus.notify("c")
            await asyncio.wait_for(woken.wait(), 1)

    asyncio.run(listen_once())
    assert bus.wake("c") == 0


# --- two replicas -------------------------------------------------------------------------------------
class Replicas:
    def __init__(self, tmp_path: Path, database_url: str, site: str, chroma_port: int):
        self.tmp, self.site = tmp_path, site
        self.ports = [free_port(), free_port()]
        self.data, self.database_url, self.chroma_port = tmp_path / "data", database_url, chroma_port

    def env(self, port: int) -> dict[str, str]:
        return serve_env(self.data, self.database_url, port, redis_url=REDIS_URL,
                         widget_sites=json.dumps({self.site: [ORIGIN]}),
                         live_poll_seconds=3600,  # a stream re-reading the inbox would hide a dead bus
                         asker_messages_per_minute=3, secure_cookies="false",
                         # vectors in a Chroma server, as in compose: an embedded Chroma is one process's own
                         chroma_mode="http", chroma_port=self.chroma_port)

    def url(self, i: int) -> str:
        return f"http://127.0.0.1:{self.ports[i]}"

    def serve(self, i: int):
        cmd = [sys.executable, "-m", "bot.cli", "serve", "--no-worker"]
        return running(cmd, self.url(i) + "/readyz", self.tmp / f"replica-{i}.log", timeout=120,
                       env=self.env(self.ports[i]))

    def worker(self):
        cmd = [sys.executable, "-m", "bot.cli", "worker", "--interval", "0.2"]
        return running(cmd, None, self.tmp / "worker.log", env=self.env(free_port()))

    def token(self, client: httpx.Client, i: int) -> str:
        r = client.post(self.url(i) + "/widget/conversations", json={"site": self.site})
        assert r.status_code == 201, r.text
        return r.json()["token"]

    def ask(self, client: httpx.Client, i: int, token: str, text: str) -> httpx.Response:
        return client.post(f"{self.url(i)}/widget/conversations/{token}/messages?site={self.site}",
                           json={"text": text, "language": "nl"})


def _stream_replies(url: str, found: queue.Queue, stop: threading.Event, opened: threading.Event) -> None:
    try:
        _read_stream(url, found, stop, opened)
    except httpx.HTTPError:  # the replica stopped at the end of the test
        pass


def _read_stream(url: str, found: queue.Queue, stop: threading.Event, opened: threading.Event) -> None:
    with httpx.Client(timeout=httpx.Timeout(5, read=None), headers={"Origin": ORIGIN}) as c:
        with c.stream("GET", url) as r:
            if r.status_code != 200:
                found.put(("error", r.status_code))
                return
            buffer = ""
            for chunk in r.iter_text():
                opened.set()
                buffer += chunk
                while "\n\n" in buffer:
                    block, buffer = buffer.split("\n\n", 1)
                    for name, data in parse(block + "\n\n"):
                        found.put((name, data))
                if stop.is_set():
                    return


@pytest.mark.slow
def test_two_replicas_share_replies_limits_and_the_index(tmp_path, pg_url, embeddings, redis_client,  # noqa: F811
                                                         chroma_server):  # noqa: F811
    site = "site-" + secrets.token_hex(3)
    rep = Replicas(tmp_path, pg_url, site, chroma_port=chroma_server[0])
    kb = tmp_path / "kb"
    write(kb / "depolarisatie" / "midden.md", KB)
    settings = Settings(data_dir=tmp_path / "data", knowledge_dir=kb, chroma_mode="http",  # the replicas' index
                        chroma_port=chroma_server[0])
    ingest_paths([kb], settings, index=Index(settings, embeddings=embeddings))
    db = Database(pg_url)
    queue_service = QueueService(db)
    adv = advisor(db, "adviseur@example.org", team(db, "Team", default=True))

    with rep.serve(0), rep.serve(1), rep.worker(), httpx.Client(timeout=60, headers={"Origin": ORIGIN}) as c:
        # 1. A widget live on replica B; the question asked and handed over on replica A.
        token = rep.token(c, 0)
        found: queue.Queue = queue.Queue()
        stop, opened = threading.Event(), threading.Event()
        events_url = f"{rep.url(1)}/widget/conversations/{token}/events?site={site}"
        listener = threading.Thread(target=_stream_replies, args=(events_url, found, stop, opened), daemon=True)
        listener.start()
        assert opened.wait(30), "the live stream on replica B did not open"
        asked = rep.ask(c, 0, token, "Ik wil graag een adviseur spreken over spanningen tussen twee groepen.")
        assert asked.status_code == 200
        meta = dict(parse(asked.text))["meta"]
        assert meta["kind"] == "handover"
        queue_service.claim(meta["ticket_ref"], adv)
        queue_service.reply(meta["ticket_ref"], adv, "Begin bij de middengroep; bel ons gerust.")
        name, data = found.get(timeout=30)  # the worker delivered; Redis woke replica B's stream
        stop.set()
        assert name == "reply" and "middengroep" in data["text"] and data["ticket_ref"] == meta["ticket_ref"]

        # 2. One asker, three messages a minute, spread over both replicas: the fourth is refused.
        limited = rep.token(c, 1)
        codes = [rep.ask(c, i % 2, limited, "Hoe richt ik me op de middengroep?").status_code for i in range(4)]
        assert codes == [200, 200, 200, 429]

        # 3. An ingest while both run: each replica answers from the new document.
        write(kb / "veilige-moskee" / "camera.md", NEW_DOC)
        ingest_paths([kb], settings, index=Index(settings, embeddings=embeddings))
        for i in (0, 1):
            deadline, answer = time.monotonic() + 30, None
            while time.monotonic() < deadline:
                out = rep.ask(c, i, rep.token(c, i), "Hoe lang mag een moskeebestuur camerabeelden bewaren?")
                events = dict(parse(out.text))
                text = "".join(d["text"] for n, d in parse(out.text) if n == "delta")
                if events["meta"]["kind"] == "answer" and "vier weken" in text:
                    answer = text
                    break
                time.sleep(1)
            assert answer, f"replica {i} still serves the old index: {out.status_code} {out.text[:600]}"
    db.dispose()
