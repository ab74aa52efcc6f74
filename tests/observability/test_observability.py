"""Metrics, readiness and JSON logs on the real `essbot serve` app (create_server over a test world)."""
from __future__ import annotations

import dataclasses
import io
import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from fastapi.testclient import TestClient

from bot.channels.gateway import StoredReplySender
from bot.storage.db import Database
from bot.storage.models import utcnow
from bot.handover.outbox import DeliveryWorker, retry_delivery
from bot.handover.senders import DeliveryError
from bot.observability.logs import JsonFormatter, json_handler
from bot.observability.metrics import REGISTRY
from bot.server import create_server
from tests.channels.world import API_KEY, ORIGIN, QUESTION, SITE, World
from tests.services import free_port


METRICS_TOKEN = "metrics-" + "m" * 24


@pytest.fixture
def world(settings, embeddings, tmp_path):
    # /metrics is not public: the test scrapes as Prometheus would, with the token (tests/trust for refusals)
    w = World(settings, embeddings, tmp_path, metrics_token=METRICS_TOKEN)
    yield w
    w.close()


def server(world, settings=None, db=None):
    rt = dataclasses.replace(world.rt, db=db) if db is not None else world.rt
    return TestClient(create_server(settings or world.settings, rt),
                      headers={"Origin": ORIGIN, "Authorization": f"Bearer {METRICS_TOKEN}"})


def sample(name, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def closed_port() -> int:
    return free_port()  # free now, and nothing will listen on it


def test_requests_outcomes_and_deliveries_are_counted_under_route_templates(world):
    api = {"X-API-Key": API_KEY}
    replies_route = "/widget/conversations/{token}/replies"
    before = {
        "replies": sample("essbot_http_requests_total", method="GET", route=replies_route, status="200"),
        "latency": sample("essbot_http_request_duration_seconds_count", route=replies_route),
        "outcome": sample("essbot_engine_outcomes_total", kind="handover", reason="asked_for_human"),
        "engine": sample("essbot_engine_duration_seconds_count"),
        "handover": sample("essbot_handovers_total", reason="asked_for_human"),
        "retry": sample("essbot_deliveries_total", channel="api", result="retry"),
        "failed": sample("essbot_deliveries_total", channel="api", result="failed"),
        "sent": sample("essbot_deliveries_total", channel="api", result="sent"),
    }
    with server(world) as c:
        out = c.post("/api/v1/messages", headers=api,
                     json={"conversation_id": "case-1", "text": "Ik wil een adviseur spreken over " + QUESTION})
        assert out.status_code == 200 and out.json()["kind"] == "handover"
        token = c.post("/widget/conversations", json={"site": SITE}).json()["token"]
        assert c.get(f"/widget/conversations/{token}/replies?site={SITE}").status_code == 200
        assert c.get("/api/v1/no-such-thing-xyz").status_code == 404
        assert c.get("/no-such-page-xyz").status_code == 404

        open_now = c.get("/metrics").text
        ref = out.json()["ticket_ref"]
        w = world
        w.queue.reply(ref, w.advisor, "Eerste antwoord.")
        down = {"api": _Down()}
        assert DeliveryWorker(w.db, down).run_once() == 0  # the channel fails: retried later
        later = lambda: utcnow() + timedelta(days=1)  # noqa: E731 -- past any backoff
        assert DeliveryWorker(w.db, down, max_attempts=2, clock=later).run_once() == 0  # gives up
        assert retry_delivery(w.db, 1)
        assert DeliveryWorker(w.db, {"api": StoredReplySender(w.db)}, clock=later).run_once() == 1

        body = c.get("/metrics")
    assert body.status_code == 200 and body.headers["content-type"].startswith("text/plain")
    text = body.text
    assert sample("essbot_http_requests_total", method="GET", route=replies_route, status="200") == \
        before["replies"] + 1
    assert sample("essbot_http_request_duration_seconds_count", route=replies_route) == before["latency"] + 1
    assert sample("essbot_engine_outcomes_total", kind="handover", reason="asked_for_human") == before["outcome"] + 1
    assert sample("essbot_engine_duration_seconds_count") == before["engine"] + 1
    assert sample("essbot_handovers_total", reason="asked_for_human") == before["handover"] + 1
    assert sample("essbot_deliveries_total", channel="api", result="retry") == before["retry"] + 1
    assert sample("essbot_deliveries_total", channel="api", result="failed") == before["failed"] + 1
    assert sample("essbot_deliveries_total", channel="api", result="sent") == before["sent"] + 1
    assert 'essbot_open_tickets{priority="normal"} 1.0' in open_now  # collected from this app's database
    assert 'essbot_open_tickets{priority="normal"} 0.0' not in text and "essbot_open_tickets" in text
    assert f'route="{replies_route}"' in text and 'route="/api/{rest}"' in text
    assert 'route="<unmatched>"' in text
    # Raw paths, tokens and message text never become labels.
    for secret in (token, token.split(".")[0], "no-such-thing-xyz", "no-such-page-xyz", QUESTION, "case-1"):
        assert secret not in text


def test_urgent_outcomes_have_their_own_counter(world):
    before = sample("essbot_urgent_total")
    with server(world) as c:
        from tests.channels.world import URGENT

        out = c.post("/api/v1/messages", headers={"X-API-Key": API_KEY},
                     json={"conversation_id": "case-2", "text": URGENT})
        assert out.json()["kind"] == "urgent"
    assert sample("essbot_urgent_total") == before + 1


def test_readyz_is_ready_when_database_and_index_are(world):
    with server(world) as c:
        r = c.get("/readyz")
        assert c.get("/healthz").json() == {"status": "ok"}  # liveness untouched
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "ready" and set(body["checks"]) == {"database", "index"}
    assert body["checks"]["index"]["version"] > 0


def test_readyz_fails_when_postgres_refuses(world):
    url = f"postgresql://essbot:s3cretpw@127.0.0.1:{closed_port()}/essbot"
    db = Database(url, migrate_on_start=False)
    with server(world, db=db) as c:
        r = c.get("/readyz")
    db.dispose()
    assert r.status_code == 503
    checks = r.json()["checks"]
    assert checks["database"]["ok"] is False and checks["index"]["ok"] is True
    assert "s3cretpw" not in r.text and "127.0.0.1" not in r.text and "Traceback" not in r.text


def test_readyz_fails_when_the_chroma_server_is_unreachable(world):
    settings = world.settings.model_copy(update={"chroma_mode": "http", "chroma_port": closed_port()})
    with server(world, settings=settings) as c:
        r = c.get("/readyz")
    assert r.status_code == 503
    checks = r.json()["checks"]
    assert checks["index"]["ok"] is False and checks["database"]["ok"] is True


class _Models(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 -- http.server's naming
        ok = self.path == "/v1/models"
        self.send_response(200 if ok else 404)
        self.end_headers()
        self.wfile.write(b'{"data": []}' if ok else b"")

    def log_message(self, *args):
        pass


def test_readyz_in_llm_mode_checks_the_llm_endpoint(world):
    live = HTTPServer(("127.0.0.1", 0), _Models)
    threading.Thread(target=live.serve_forever, daemon=True).start()
    try:
        up = world.settings.model_copy(update={
            "answer_mode": "llm", "llm_base_url": f"http://127.0.0.1:{live.server_port}/v1"})
        down = up.model_copy(update={"llm_base_url": f"http://127.0.0.1:{closed_port()}/v1"})
        with server(world, settings=up) as c:
            ready = c.get("/readyz")
        with server(world, settings=down) as c:
            dead = c.get("/readyz")
    finally:
        live.shutdown()
    assert ready.status_code == 200 and ready.json()["checks"]["llm"] == {"ok": True}
    assert dead.status_code == 503 and dead.json()["checks"]["llm"]["ok"] is False
    assert dead.json()["checks"]["database"]["ok"] is True


def test_json_logs_are_one_object_per_line_without_message_text():
    stream = io.StringIO()
    log = logging.getLogger("essbot.test.jsonlogs")
    log.propagate, log.level = False, logging.INFO
    log.addHandler(json_handler(stream))
    try:
        log.info("outcome kind=%s", "handover", extra={"question": QUESTION, "ticket": "T-1", "ms": 12.5})
        log.warning("answer ready", extra={"answer": "Begin bij de middengroep.", "text": QUESTION})
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("delivery failed")
    finally:
        log.handlers.clear()
    lines = stream.getvalue().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 3
    assert records[0]["message"] == "outcome kind=handover" and records[0]["level"] == "INFO"
    assert records[0]["logger"] == "essbot.test.jsonlogs" and records[0]["ticket"] == "T-1"
    assert records[0]["ms"] == 12.5 and records[0]["question"] == "[redacted]" and "time" in records[0]
    assert records[2]["exc_type"] == "ValueError"
    assert QUESTION not in stream.getvalue() and "middengroep" not in stream.getvalue()


def test_the_formatter_redacts_text_fields_even_without_the_filter():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "reply stored", None, None)
    record.reply, record.channel = "Begin bij de middengroep.", "web"
    out = json.loads(JsonFormatter().format(record))
    assert out["reply"] == "[redacted]" and out["channel"] == "web"


class _Down:
    """A channel that cannot be reached."""

    def send(self, reply) -> None:
        raise DeliveryError("kanaal onbereikbaar")
