"""Reply delivery: at least once with backoff, shown once, surviving a crash mid-delivery."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from bot.storage.models import Delivery
from bot.handover.outbox import DeliveryWorker, backoff_seconds, retry_delivery
from bot.handover.senders import DeliveryError, signature
from tests.handover.helpers import InboxSender
from bot.handover.service import QueueService
from tests.conftest import TEST_SECRET
from tests.services import free_port

from .helpers import advisor, handover, team


class Flaky:
    """Fails the first ``n`` sends, like a channel that is down for a while."""

    def __init__(self, n):
        self.n, self.calls, self.inbox = n, 0, InboxSender()

    def send(self, reply):
        self.calls += 1
        if self.calls <= self.n:
            raise DeliveryError("HTTP 502")
        self.inbox.send(reply)


def _answered(db, clock=None, channel="api"):
    t = team(db, "Team", default=True)
    a = advisor(db, "a@example.org", t)
    queue = QueueService(db, clock=clock) if clock else QueueService(db)
    ref = handover(queue, channel=channel).ref
    queue.reply(ref, a, "Begin met een gesprek met beide groepen.")
    return ref


def _deliveries(db):
    with db.session() as s:
        return s.scalars(select(Delivery).order_by(Delivery.id)).all()


def test_delivery_reaches_the_asker_once(db):
    ref = _answered(db)
    inbox = InboxSender()
    worker = DeliveryWorker(db, {"api": inbox})
    assert worker.run_once() == 1 and worker.run_once() == 0
    assert list(inbox.inbox) == ["asker-1"] and ref in inbox.inbox["asker-1"][0]
    d = _deliveries(db)[0]
    assert (d.status, d.attempts, d.last_error) == ("sent", 1, None) and d.sent_at is not None


def test_failures_back_off_then_fail_visibly_and_can_be_retried(db, clock):
    _answered(db, clock)
    flaky = Flaky(3)
    worker = DeliveryWorker(db, {"api": flaky}, max_attempts=3, clock=clock)
    assert worker.run_once() == 0
    d = _deliveries(db)[0]
    assert d.status == "pending" and d.last_error == "HTTP 502" and d.next_attempt_at > clock.now
    assert worker.run_once() == 0 and flaky.calls == 1  # not due yet: backoff
    for _ in range(2):
        clock.advance(hours=2)
        worker.run_once()
    d = _deliveries(db)[0]
    assert (d.status, d.attempts, flaky.calls) == ("failed", 3, 3)
    assert retry_delivery(db, d.id, clock=clock)
    assert worker.run_once() == 1 and flaky.inbox.inbox["asker-1"]
    assert 1.6 <= backoff_seconds(1) <= 2.4 and backoff_seconds(30) <= 3600 * 1.2


def test_a_worker_leaves_a_channel_it_cannot_deliver_to_for_one_that_can(db, clock):
    """A worker without the Telegram sender used to lease Telegram replies and fail them ("geen verzender");
    now it never takes them: no attempt spent, no error, and the worker that has the sender delivers at once."""
    _answered(db, clock, channel="telegram")
    without = DeliveryWorker(db, {"api": InboxSender()}, clock=clock)
    assert without.run_once() == 0
    d = _deliveries(db)[0]
    assert (d.status, d.attempts, d.last_error) == ("pending", 0, None)
    telegram = InboxSender()
    assert DeliveryWorker(db, {"telegram": telegram}, clock=clock).run_once() == 1
    assert _deliveries(db)[0].status == "sent" and telegram.inbox


def test_a_lease_that_ran_out_is_sent_again_with_the_same_key(db, clock):
    _answered(db, clock)
    inbox = InboxSender()
    dying = DeliveryWorker(db, {"api": inbox}, lease_seconds=30, clock=clock)
    leased = dying._lease(10)  # leased and sent, then the process "dies" before recording it
    inbox.send(leased[0][2])
    assert _deliveries(db)[0].status == "sending"
    other = DeliveryWorker(db, {"api": inbox}, lease_seconds=30, clock=clock)
    assert other.run_once() == 0  # the lease still holds
    clock.advance(seconds=31)
    assert other.run_once() == 1
    dying._finish(leased[0][0], leased[0][1], None)  # a late finish of the old lease changes nothing
    assert len(inbox.received) == 2 and inbox.received[0].idempotency_key == inbox.received[1].idempotency_key
    assert len(inbox.inbox["asker-1"]) == 1
    d = _deliveries(db)[0]
    assert (d.status, d.attempts) == ("sent", 2)


class _Receiver(BaseHTTPRequestHandler):
    """A channel endpoint: verifies the signature, records every POST, shows each key once."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        srv = self.server
        ok = self.headers["X-Essbot-Signature"] == signature(TEST_SECRET, body)
        key = self.headers["Idempotency-Key"]
        srv.posts.append((key, ok))
        if key not in srv.shown:
            srv.shown[key] = json.loads(body)["text"]
        if srv.kill_pid and len(srv.posts) == 1:
            os.kill(srv.kill_pid, signal.SIGKILL)  # the delivering process dies mid-delivery
            time.sleep(0.5)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *a):
        pass


@pytest.mark.parametrize("command", ["worker", "console"])
def test_process_killed_mid_delivery_delivers_exactly_once_after_restart(command, db_url, db, tmp_path):
    """Killed with SIGKILL after the channel received the reply, before it was recorded as sent: the
    standalone worker, and the console (API) process that runs the worker beside the web server."""
    _answered(db, channel="web")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.posts, server.shown, server.kill_pid = [], {}, None
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = dict(os.environ, ESSBOT_DATA_DIR=str(tmp_path / "data"), ESSBOT_DATABASE_URL=db_url,
               ESSBOT_ENVIRONMENT="test", ESSBOT_SECRET_KEY=TEST_SECRET, ESSBOT_DELIVERY_LEASE_SECONDS="2",
               ESSBOT_DELIVERY_WEBHOOKS=json.dumps({"web": f"http://127.0.0.1:{server.server_port}/replies"}),
               ESSBOT_CONSOLE_PORT=str(free_port()), ESSBOT_REDACT_WITH_DEDUCE="false")
    cmd = [sys.executable, "-m", "bot.cli"] + (["worker", "--interval", "0.2"] if command == "worker" else ["console"])
    first = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server.kill_pid = first.pid
    try:
        assert first.wait(60) == -signal.SIGKILL
        assert _deliveries(db)[0].status == "sending"  # sent, but the process died before recording it
        second = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while _deliveries(db)[0].status != "sent" and time.monotonic() < deadline:
            time.sleep(0.2)
        second.send_signal(signal.SIGTERM)
        # uvicorn re-raises SIGTERM after its graceful shutdown; the worker exits 0.
        assert second.wait(20) in (0, -signal.SIGTERM), second.stderr.read().decode()[-2000:]
    finally:
        if first.poll() is None:
            first.kill()
        server.shutdown()
    d = _deliveries(db)[0]
    assert (d.status, d.attempts) == ("sent", 2)
    assert [k for k, _ in server.posts] == [d.idempotency_key] * 2 and all(ok for _, ok in server.posts)
    assert len(server.shown) == 1 and "Begin met een gesprek" in server.shown[d.idempotency_key]


@pytest.mark.postgres
def test_queue_and_worker_survive_postgres_dropping_every_connection(pg_url):
    """What a PostgreSQL restart does to the clients: every connection is gone; nothing may be lost."""
    from sqlalchemy import text

    from bot.storage.db import Database, make_engine

    db = Database(pg_url)
    ref = _answered(db)
    inbox = InboxSender()
    worker = DeliveryWorker(db, {"api": inbox})
    admin = make_engine(pg_url.rsplit("/", 1)[0] + "/test", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        killed = c.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE datname = :d"), {"d": pg_url.rsplit("/", 1)[1]}).scalar()
    admin.dispose()
    assert killed >= 1
    assert worker.run_once() == 1 and ref in inbox.inbox["asker-1"][0]
    db.dispose()
