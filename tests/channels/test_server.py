"""`essbot serve` composition: API, widget, console and worker share one runtime and one address space."""
from __future__ import annotations

from fastapi.testclient import TestClient

from bot.handover.worker import Worker
from bot.server import Runtime, channel_senders, create_server

from .world import API_KEY, ORIGIN, QUESTION, World


def test_one_app_serves_api_widget_and_console_and_replies_reach_the_api(settings, embeddings, tmp_path):
    w = World(settings, embeddings, tmp_path)
    rt = Runtime(w.settings, w.db, w.queue, w.engine, w.gateway)
    with TestClient(create_server(w.settings, rt)) as c:
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
        worker = Worker(w.settings, w.db, channel_senders(w.settings, w.db))
        assert worker.run_once() == 1 and worker.run_once() == 0
        replies = c.get("/api/v1/conversations/case-1/replies", headers=headers).json()["replies"]
        assert len(replies) == 1 and "Begin bij de middengroep." in replies[0]["text"]
    w.close()
