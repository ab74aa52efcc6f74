"""The partner REST API on a real engine, queue and index: JSON and streamed answers, hand-over and the
advisor's reply, keys, partner separation, limits and every error shape."""
from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from bot.channels.web.deps import get_gateway
from bot.channels.web.errors import STATUS, ErrorCode
from bot.channels.web.sse import parse
from bot.engine.rejections import Rejection

from .world import QUESTION, SOURCE_URL, URGENT, TooLongForTheEngine, World

KEY_A, KEY_B = "partner-a-key-" + "a" * 24, "partner-b-key-" + "b" * 24
KEYS = {"partner-a": hashlib.sha256(KEY_A.encode()).hexdigest(),
        "partner-b": hashlib.sha256(KEY_B.encode()).hexdigest().upper()}  # case of the hex does not matter


@pytest.fixture
def world(settings, embeddings, tmp_path):
    w = World(settings, embeddings, tmp_path, api_keys=KEYS)
    yield w
    w.close()


@pytest.fixture
def client(world):
    with TestClient(world.app(), headers={"X-API-Key": KEY_A}) as c:
        yield c


def error(r) -> dict:
    body = r.json()
    assert set(body["error"]) == {"code", "message_nl", "message_en"}, body
    return body["error"]


def test_answer_as_json_and_as_stream(client):
    r = client.post("/api/v1/messages", json={"conversation_id": "c-1", "text": QUESTION, "role": "youth_worker",
                                              "region": "Utrecht"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["kind"] == "answer" and "[1]" in out["text"] and out["ticket_ref"] is None
    assert out["citations"][0]["url"] == SOURCE_URL and out["citations"][0]["n"] == 1

    s = client.post("/api/v1/messages/stream", json={"conversation_id": "c-2", "text": QUESTION},
                    headers={"Accept": "text/event-stream"})
    assert s.status_code == 200 and s.headers["content-type"].startswith("text/event-stream")
    events = parse(s.text)
    assert events[0] == ("meta", {"kind": "answer", "ticket_ref": None, "language": "nl"})
    assert "".join(d["text"] for n, d in events if n == "delta") == out["text"]
    assert events[-2][1] == out["citations"] and events[-1][0] == "done"


def test_urgent(client):
    out = client.post("/api/v1/messages", json={"conversation_id": "u-1", "text": URGENT}).json()
    assert out["kind"] == "urgent" and out["ticket_ref"] in out["text"] and "112" in out["text"]


def test_hand_over_reply_once_and_partners_are_separated(client, world):
    client.post("/api/v1/messages", json={"conversation_id": "c-9", "text": QUESTION})
    r = client.post("/api/v1/conversations/c-9/advisor", json={})
    assert r.status_code == 200, r.text
    ref = r.json()["outcome"]["ticket_ref"]
    assert r.json()["outcome"]["kind"] == "handover" and ref

    world.queue.reply(ref, world.advisor, "Begin met een gesprek met de middengroep.")
    assert world.deliver() == 1 and world.deliver() == 0
    got = client.get("/api/v1/conversations/c-9/replies").json()["replies"]
    assert len(got) == 1 and got[0]["ticket_ref"] == ref and got[0]["text"].endswith("middengroep.")
    assert client.get(f"/api/v1/conversations/c-9/replies?after={got[0]['id']}").json() == {"replies": []}
    # the same conversation id of another partner is another conversation
    other = client.get("/api/v1/conversations/c-9/replies", headers={"X-API-Key": KEY_B})
    assert other.status_code == 200 and other.json() == {"replies": []}
    empty = client.post("/api/v1/conversations/c-9/advisor", json={}, headers={"X-API-Key": KEY_B})
    assert empty.status_code == 409 and error(empty)["code"] == "nothing_to_hand_over"


def test_feedback(client):
    client.post("/api/v1/messages", json={"conversation_id": "f-1", "text": QUESTION})
    assert client.post("/api/v1/conversations/f-1/feedback", json={"helpful": True}).json() == {"outcome": None}
    out = client.post("/api/v1/conversations/f-1/feedback", json={"helpful": False}).json()["outcome"]
    assert out["kind"] == "handover" and out["ticket_ref"]


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, {"X-API-Key": KEYS["partner-a"]}])
def test_missing_or_wrong_key_is_401(world, headers):
    with TestClient(world.app()) as client:
        for method, path in [("post", "/api/v1/messages"), ("get", "/api/v1/conversations/c-1/replies")]:
            kw = {"json": {"conversation_id": "c-1", "text": QUESTION}} if method == "post" else {}
            r = getattr(client, method)(path, headers=headers, **kw)
            assert r.status_code == 401 and error(r)["code"] == "unauthorized"
            assert "X-API-Key" in error(r)["message_nl"] and "X-API-Key" in error(r)["message_en"]


def test_bad_requests_have_status_and_both_languages(world):
    world.settings.max_message_chars = 200
    with TestClient(world.app(), headers={"X-API-Key": KEY_A}) as client:
        too_long = client.post("/api/v1/messages", json={"conversation_id": "c", "text": "woord " * 40})
        assert too_long.status_code == 413 and "200" in error(too_long)["message_en"]
        huge = client.post("/api/v1/messages", content=b'{"text":"' + b"x" * 50_000 + b'"}',
                           headers={"Content-Type": "application/json"})
        assert huge.status_code == 413 and error(huge)["code"] == "body_too_large"
        broken = client.post("/api/v1/messages", content=b'{"text": ', headers={"Content-Type": "application/json"})
        assert broken.status_code == 400 and error(broken)["code"] == "invalid_json"
        bad_id = client.post("/api/v1/messages", json={"conversation_id": "met spaties", "text": QUESTION})
        assert bad_id.status_code == 422 and error(bad_id)["code"] == "invalid_request"
        blank = client.post("/api/v1/messages", json={"conversation_id": "c", "text": "   "})
        assert blank.status_code == 422 and error(blank)["code"] == "empty"
        streamed = client.post("/api/v1/messages/stream", json={"conversation_id": "c", "text": "woord " * 40},
                               headers={"Accept": "text/event-stream"})
        assert streamed.status_code == 413 and parse(streamed.text)[0][1]["code"] == "too_long"


def test_rate_limit_per_key(world):
    with TestClient(world.app(per_minute=3), headers={"X-API-Key": KEY_A}) as client:
        for i in range(3):
            assert client.get(f"/api/v1/conversations/c-{i}/replies").status_code == 200
        r = client.get("/api/v1/conversations/c-9/replies")
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and error(r)["code"] == "rate_limited"
        assert client.get("/api/v1/conversations/c-9/replies", headers={"X-API-Key": KEY_B}).status_code == 200


def test_storage_outage_is_503(client, world):
    world.db.dispose()
    world.db_path.unlink()  # the next connection finds an empty database without tables
    r = client.post("/api/v1/messages", json={"conversation_id": "c-1", "text": QUESTION})
    assert r.status_code == 503 and error(r)["code"] == "unavailable"


def test_openapi_documents_every_operation_in_dutch_and_english(client):
    schema = client.get("/api/v1/openapi.json", headers={"X-API-Key": ""}).json()
    assert set(schema["paths"]) == {"/api/v1/messages", "/api/v1/messages/stream",
                                    "/api/v1/conversations/{conversation_id}/feedback",
                                    "/api/v1/conversations/{conversation_id}/advisor",
                                    "/api/v1/conversations/{conversation_id}/replies"}
    assert schema["components"]["securitySchemes"]["APIKeyHeader"] == {
        "type": "apiKey", "in": "header", "name": "X-API-Key", "description": schema["components"][
            "securitySchemes"]["APIKeyHeader"]["description"]}
    text_doc = schema["components"]["schemas"]["MessageIn"]["properties"]["text"]["description"]
    assert "persoonsgegevens" in text_doc.lower() and "personal data" in text_doc.lower()
    post = schema["paths"]["/api/v1/messages"]["post"]
    assert {"401", "413", "422", "429", "503"} <= set(post["responses"])


def test_each_refused_message_has_its_own_code(world):
    world.settings.max_message_chars = 200
    with TestClient(world.app(), headers={"X-API-Key": KEY_A}) as client:
        for text, status, code in [(" \t", 422, "empty"), ("?!? \u200b", 422, "no_words"),
                                   ("woord " * 40, 413, "too_long")]:
            r = client.post("/api/v1/messages", json={"conversation_id": "c", "text": text})
            assert (r.status_code, error(r)["code"]) == (status, code), (text, r.text)
        long_handover = client.post("/api/v1/conversations/c/advisor", json={"text": "woord " * 40})
        assert long_handover.status_code == 413 and error(long_handover)["code"] == "too_long"
        assert "200" in error(long_handover)["message_nl"]
    assert world.queue.all() == []  # nothing refused became a ticket
    # every reason the engine or the gateway refuses a message for is a documented API error code
    assert {ErrorCode(r) for r in Rejection} <= set(STATUS)


def test_the_gateway_is_a_dependency_and_a_refusal_behind_it_keeps_its_code(world):
    app = world.app()
    app.dependency_overrides[get_gateway] = lambda: TooLongForTheEngine(world.gateway)
    with TestClient(app, headers={"X-API-Key": KEY_A}) as client:
        r = client.post("/api/v1/messages", json={"conversation_id": "c-1", "text": QUESTION})
    assert r.status_code == 413 and error(r)["code"] == "too_long" and "123" in error(r)["message_en"]
