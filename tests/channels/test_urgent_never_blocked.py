"""Urgent is never blocked: a message about danger that is rate-limited, longer than the limit, or meets a
database that is down, still gets the 112/113 lines, on the widget, the REST API and Telegram (emulator).

Triage runs on the raw text before limits and storage (bot/channels/urgent.py). "Down" here is real: the
engine's database is a PostgreSQL URL on a port where nothing listens (connection refused)."""
from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient

from bot.channels.telegram import run_polling
from bot.channels.web.sse import parse
from bot.storage.db import Database
from bot.privacy import get_redactor
from bot.retrieval.hybrid import HybridRetriever
from bot.runtime import build_runtime
from tests.services import free_port

from .telegram_emulator import telegram_emulator  # noqa: F401 (fixture)
from .world import API_KEY, ORIGIN, QUESTION, SITE, World

SELF_HARM = "mijn leerling appte net dat ze vanavond een eind aan haar leven gaat maken, ze heeft de pillen al"
VIOLENCE = "Er staan nu jongeren met messen voor het buurthuis, ze gaan elkaar te lijf!"
# A long message whose danger is its last sentence (longer than the test's 300-character limit).
LONG_URGENT = ("Goedemiddag, ik ben jongerenwerker in Utrecht-Overvecht. We draaien sinds september een meidengroep en "
               "een jongensgroep. Volgende maand willen we een training over polarisatie volgen voor ons team van zes "
               "mensen. Zijn daar kosten aan verbonden en kan dat op locatie? Ook zoeken we materiaal voor "
               "ouderavonden. Terwijl ik dit typ staan er jongeren met messen voor het buurthuis, ze gaan elkaar te "
               "lijf.")
LONG_ROUTINE = ("Goedemiddag, ik ben jongerenwerker in Utrecht-Overvecht. We draaien sinds september een meidengroep en "
                "een jongensgroep. Volgende maand willen we een training over polarisatie volgen voor ons team van zes "
                "mensen. Zijn daar kosten aan verbonden en kan dat op locatie? Ook zoeken we materiaal voor "
                "ouderavonden en voor een gesprek met de buurt.")


@pytest.fixture
def world(settings, embeddings, tmp_path):
    # the site limit counts the conversation too: one conversation and one message a minute
    w = World(settings, embeddings, tmp_path, asker_messages_per_minute=1, site_messages_per_minute=2,
              api_messages_per_minute=1, max_message_chars=300)
    yield w
    w.close()


def widget_ask(client, token, text):
    return client.post(f"/widget/conversations/{token}/messages?site={SITE}", json={"text": text, "language": "nl"},
                       headers={"Accept": "text/event-stream"})


def api_ask(client, conversation, text):
    return client.post("/api/v1/messages", json={"conversation_id": conversation, "text": text, "language": "nl"},
                       headers={"X-API-Key": API_KEY})


def streamed(r) -> tuple[dict, str]:
    events = parse(r.text)
    return events[0][1], "".join(d["text"] for n, d in events if n == "delta")


def test_widget_rate_limited_and_oversized_urgent_messages_still_get_the_urgent_flow(world):
    with TestClient(world.app(), headers={"Origin": ORIGIN}) as client:
        token = client.post("/widget/conversations", json={"site": SITE}).json()["token"]
        assert widget_ask(client, token, QUESTION).status_code == 200  # the site's one message this minute
        limited = widget_ask(client, token, QUESTION)
        assert limited.status_code == 429 and "emergency" not in parse(limited.text)[0][1]
        meta, text = streamed(widget_ask(client, token, SELF_HARM))  # over the limit, but urgent
        assert meta["kind"] == "urgent" and "113" in text and "0800-0113" in text and meta["ticket_ref"]
        assert len(LONG_URGENT) > world.settings.max_message_chars
        meta, text = streamed(widget_ask(client, token, LONG_URGENT))
        assert meta["kind"] == "urgent" and "112" in text
        too_long = widget_ask(client, token, LONG_ROUTINE)
        assert too_long.status_code == 413 and "emergency" not in parse(too_long.text)[0][1]
    urgent_tickets = [t for t in world.queue.all() if t["priority"] == "urgent"]
    assert len(urgent_tickets) == 2


def test_rest_api_rate_limited_and_oversized_urgent_messages_still_get_the_urgent_flow(world):
    with TestClient(world.app()) as client:
        assert api_ask(client, "c1", QUESTION).status_code == 200  # the partner's one message this minute
        assert api_ask(client, "c1", QUESTION).status_code == 429
        r = api_ask(client, "c2", SELF_HARM)
        assert r.status_code == 200 and r.json()["kind"] == "urgent" and "113" in r.json()["text"]
        r = api_ask(client, "c3", LONG_URGENT)
        assert r.status_code == 200 and r.json()["kind"] == "urgent" and "112" in r.json()["text"]


def test_the_urgent_limit_itself_answers_with_the_emergency_lines(world):
    world.gateway.urgent_limit.limit = 1
    with TestClient(world.app()) as client:
        assert api_ask(client, "c1", SELF_HARM).json()["kind"] == "urgent"
        r = api_ask(client, "c1", SELF_HARM)
        assert r.status_code == 429
        err = r.json()["error"]
        assert err["code"] == "rate_limited" and "113" in err["emergency"] and "0800-0113" in err["emergency"]


@pytest.fixture
def down_world(world):
    """The same world, but the engine's database is a PostgreSQL server that does not answer."""
    dead = Database(f"postgresql://postgres@127.0.0.1:{free_port()}/test", migrate_on_start=False)
    rt = build_runtime(world.settings, db=dead, retriever=HybridRetriever(world.index), redactor=get_redactor())
    world.engine, world.gateway = rt.engine, rt.gateway
    yield world
    dead.dispose()


def test_database_down_widget_and_api_answer_503_with_the_emergency_lines(down_world):
    with TestClient(down_world.app(), headers={"Origin": ORIGIN}) as client:
        r = api_ask(client, "c1", SELF_HARM)
        assert r.status_code == 503 and r.headers["retry-after"]
        err = r.json()["error"]
        assert err["code"] == "unavailable" and "113" in err["emergency"] and "112" in err["emergency"]
        plain = api_ask(client, "c2", QUESTION)
        assert plain.status_code == 503 and "emergency" not in plain.json()["error"]

        token = client.post("/widget/conversations", json={"site": SITE}).json()["token"]
        r = widget_ask(client, token, VIOLENCE)
        assert r.status_code == 503
        [(name, err), _] = parse(r.text)
        assert name == "error" and err["code"] == "unavailable" and "Bel direct 112" in err["emergency"]


def test_telegram_rate_limited_and_database_down_urgent_messages_get_the_emergency_lines(
        world, telegram_emulator, down_world):
    settings = world.settings.model_copy(update={"telegram_token": telegram_emulator.token,
                                                 "telegram_base_url": telegram_emulator.base_url})
    stop = threading.Event()
    thread = threading.Thread(target=run_polling, args=(settings, down_world.gateway, stop, 0.05), daemon=True)
    thread.start()
    try:
        user = telegram_emulator.user(4801)
        user.say(SELF_HARM)  # the database is down: the lines, then the error text
        replies = [r["message"]["text"] for r in user.replies(2)]
        assert replies[0].startswith("Is iemands leven nu in gevaar? Bel direct 112.") and "0800-0113" in replies[0]

        down_world.gateway.urgent_limit.limit = 1  # used by the first message: limited, the lines, then the wait
        user.say(VIOLENCE)
        replies = [r["message"]["text"] for r in user.replies(2)]
        assert replies[0].startswith("Is er nu gevaar? Bel direct 112.")
        assert any(r.startswith("U stuurt veel berichten") for r in replies)

        user.say(QUESTION)  # an ordinary message meeting the outage gets only the error text
        replies = [r["message"]["text"] for r in user.replies()]
        assert replies and not any(r.startswith("Is ") for r in replies)
    finally:
        stop.set()
        thread.join(15)
