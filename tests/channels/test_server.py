"""`essbot serve` composition: API, widget, console and worker share one runtime and one address space."""
from __future__ import annotations

from fastapi.testclient import TestClient

from bot.channels.registry import CHANNELS
from bot.runtime import build_runtime
from bot.server import create_server

from .world import API_KEY, ORIGIN, QUESTION, World


def test_one_app_serves_api_widget_and_console_and_replies_reach_the_api(settings, embeddings, tmp_path):
    w = World(settings, embeddings, tmp_path)
    with TestClient(create_server(w.settings, w.rt)) as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        login = c.get("/login")
        assert login.status_code == 200 and "name=\"password\"" in login.text
        assert c.get("/queue/mine", follow_redirects=False).status_code == 303  # console still guarded
        js = c.get("/widget/widget.js", headers={"Origin": ORIGIN})
        assert js.status_code == 200 and "no-store" not in js.headers.get("cache-control", "")
        schema = c.get("/api/v1/openapi.json").json()
        assert "/api/v1/messages" in schema["paths"]
        missing = c.get("/api/v1/nope")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"

        headers = {"X-API-Key": API_KEY}
        out = c.post("/api/v1/messages", headers=headers,
                     json={"conversation_id": "case-1", "text": "Ik wil een adviseur spreken over " + QUESTION})
        assert out.status_code == 200 and out.json()["kind"] == "handover"
        ref = out.json()["ticket_ref"]
        w.queue.reply(ref, w.advisor, "Begin bij de middengroep.")
        worker = w.rt.worker()
        assert worker.run_once() == 1 and worker.run_once() == 0
        replies = c.get("/api/v1/conversations/case-1/replies", headers=headers).json()["replies"]
        assert len(replies) == 1 and "Begin bij de middengroep." in replies[0]["text"]
    w.close()


def test_every_process_delivers_to_every_configured_channel(settings, embeddings, tmp_path):
    """serve, console, worker and telegram all take their worker from the runtime: with Telegram configured
    it has the widget's, the API's and Telegram's sender (the console's worker once had webhooks only)."""
    w = World(settings, embeddings, tmp_path, telegram_token="123:abc", telegram_base_url="http://127.0.0.1:9/bot",
              delivery_webhooks={"partner": "https://partner.example/replies"})
    rt = build_runtime(w.settings, db=w.db)
    assert set(rt.worker().deliveries.senders) == {channel.name for channel in CHANNELS} | {"partner"}
    assert set(w.rt.worker().deliveries.senders) == {"web", "api", "telegram", "partner"}
    w.close()
