"""The Telegram channel against a real Bot API peer (the telegram-test-api emulator): a user asks, gets
answers with sources, hands over, receives an advisor's reply once, and erases their data."""
from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qs

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import func, select

from bot.channels.telegram import TelegramSender, build_application, router, run_polling
from bot.channels.telegram.render import ADVISOR, ERASE_NO, ERASE_YES, HELPFUL, LIMIT, NOT_HELPFUL, render
from bot.engine.messages import Citation, Kind, Outcome
from bot.privacy import get_redactor
from bot.i18n import text as T
from bot.storage.db import Database
from bot.storage.models import Conversation, Delivery, Message
from bot.handover.outbox import DeliveryWorker
from bot.handover.senders import DeliveryError, OutgoingReply
from bot.index.store import Index
from bot.retrieval.hybrid import HybridRetriever
from bot.runtime import build_runtime
from ingest.pipeline import ingest_paths
from tests.conftest import write
from tests.handover.helpers import advisor, team
from tests.services import free_port

from .telegram_emulator import BOT_ID, BOT_USERNAME, telegram_emulator  # noqa: F401 (fixture)

KB = """# Depolarisatie

## Richt je op het midden
Bij twee groepen die elkaar uitschelden helpt het om je te richten op de middengroep die nog niet gekozen heeft.
Verleg het gesprek naar de vragen die bij die middengroep leven.
"""
SOURCES = """documents:
  - file: depolarisatie/midden.md
    title: Polarisatie & <het midden>
    url: https://voorbeeld.ess-kennisbot.nl/depolarisatie/midden
"""
QUESTION = "Twee groepen schelden elkaar uit, wat raadt de depolarisatie-aanpak aan?"
URGENT = "Er staan nu jongeren met messen voor het buurthuis, ze gaan elkaar te lijf!"
SECRET = "webhook-secret-for-tests"


@pytest.fixture
def world(settings, embeddings, tmp_path, telegram_emulator):
    write(tmp_path / "kb" / "depolarisatie" / "midden.md", KB)
    write(tmp_path / "kb" / "sources.yaml", SOURCES)
    settings = settings.model_copy(update={
        "telegram_token": telegram_emulator.token, "telegram_base_url": telegram_emulator.base_url,
        "telegram_webhook_secret": SECRET})
    index = Index(settings, embeddings=embeddings)
    ingest_paths([tmp_path / "kb"], settings, index=index)
    db = Database(f"sqlite:///{tmp_path / 'queue.sqlite'}")
    rt = build_runtime(settings, db=db, retriever=HybridRetriever(index), redactor=get_redactor())
    advisor_id = advisor(db, "a@example.org", team(db, "Team", default=True))
    yield SimpleNamespace(settings=settings, gateway=rt.gateway, queue=rt.queue, db=db, em=telegram_emulator,
                          advisor=advisor_id, rt=rt)
    db.dispose()


@pytest.fixture
def polling(world):
    """The bot polling the emulator in its own thread, as `essbot telegram` runs it."""
    stop = threading.Event()
    errors = []

    def run():
        try:
            run_polling(world.settings, world.gateway, stop=stop, poll_interval=0.05)
        except Exception as exc:  # surfaced in the test below, not lost in the thread
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield world
    stop.set()
    thread.join(15)
    assert not thread.is_alive() and not errors


def buttons(reply: dict) -> list[tuple[str, str]]:
    markup = reply["message"].get("reply_markup") or {}
    return [(b["text"], b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]


def texts(replies: list[dict]) -> list[str]:
    return [r["message"]["text"] for r in replies]


def delivery_worker(world) -> DeliveryWorker:
    return DeliveryWorker(world.db, world.rt.senders)


def test_a_question_gets_an_answer_with_linked_sources_and_buttons(polling, caplog):
    caplog.set_level(logging.INFO)
    user = polling.em.user(4711)
    user.say("/start")
    welcome = texts(user.replies())[0]
    assert "ministerie van SZW" in welcome and "/vergeet" in welcome
    assert f"{polling.settings.address_retention_days} dagen" in welcome

    user.say(QUESTION)
    [answer] = user.replies()
    body = answer["message"]["text"]
    assert answer["message"]["parse_mode"] == "HTML"
    assert "[1]" in body.split("\n\n")[0] and "<b>Bronnen</b>" in body
    assert ('[1] <a href="https://voorbeeld.ess-kennisbot.nl/depolarisatie/midden">'
            "Polarisatie &amp; &lt;het midden&gt;") in body
    assert buttons(answer) == [("👍 Nuttig", HELPFUL), ("👎 Niet nuttig", NOT_HELPFUL),
                               ("Vraag een adviseur", ADVISOR)]
    assert {"chat_id": "4711", "action": "typing"} in polling.em.chat_actions()

    user.press(answer, HELPFUL)
    assert texts(user.replies()) == ["Dank voor uw reactie."]
    user.press(answer, NOT_HELPFUL)
    [handover] = user.replies()
    ticket = polling.queue.all()[-1]
    assert ticket["reason"] == "negative_feedback" and ticket["ref"] in handover["message"]["text"]
    assert not buttons(handover)

    # Nothing the user typed, and no Telegram id, reached the logs.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "schelden" not in logged and "4711" not in logged and polling.em.token not in logged


def test_urgent_message_gets_the_guidance_first_and_alone(polling):
    user = polling.em.user(4712)
    user.say(URGENT)
    replies = user.replies()
    assert len(replies) == 1
    first = replies[0]["message"]["text"]
    assert first.startswith("Is er nu gevaar? Bel direct 112.")
    ticket = polling.queue.all()[-1]
    assert ticket["priority"] == "urgent" and ticket["ref"] in first and not buttons(replies[0])


def test_adviseur_hands_over_and_the_advisor_reply_arrives_exactly_once(polling):
    user = polling.em.user(4713)
    user.say("/adviseur")
    assert texts(user.replies()) == [T("telegram.nothing_to_hand_over", "nl")]

    user.say("/adviseur Hoe bereid ik een bewonersavond voor na een incident?")
    [handover] = user.replies()
    ticket = polling.queue.all()[-1]
    assert ticket["reason"] == "asked_for_human" and ticket["ref"] in handover["message"]["text"]
    assert ticket["conversation_id"] == "tg:" + polling.gateway.asker("telegram", 4713)
    assert ticket["asker"] == polling.gateway.asker("telegram", 4713)

    polling.queue.reply(ticket["ref"], polling.advisor, "Nodig de buurt uit via de wijkagent & het buurthuis.")
    worker = delivery_worker(polling)
    assert worker.run_once() == 1
    assert worker.run_once() == 0
    [reply] = user.replies()
    assert ticket["ref"] in reply["message"]["text"]
    assert "Nodig de buurt uit via de wijkagent & het buurthuis." in reply["message"]["text"]
    assert user.silence(1.0) == []


def test_a_long_advisor_reply_is_split_at_paragraphs(polling):
    user = polling.em.user(4714)
    user.say("/adviseur Graag een uitgebreid stappenplan voor een gesprek tussen twee groepen.")
    user.replies()
    ref = polling.queue.all()[-1]["ref"]
    paragraphs = [f"Stap {i}: " + "overleg met partners in de wijk " * 30 for i in range(1, 11)]
    polling.queue.reply(ref, polling.advisor, "\n\n".join(paragraphs))
    assert delivery_worker(polling).run_once() == 1
    replies = user.replies(2)
    parts = texts(replies)
    assert len(parts) >= 2 and all(len(p) <= LIMIT for p in parts)
    received = "\n\n".join(parts)
    assert all(p.strip() in received for p in paragraphs)
    assert all(p.rstrip().endswith("wijk") for p in parts)  # cut between paragraphs, never inside one


def test_vergeet_erases_after_confirmation(polling):
    user = polling.em.user(4715)
    conversation = "tg:" + polling.gateway.asker("telegram", 4715)
    user.say(QUESTION)
    user.replies()
    assert polling.gateway.address(conversation) == "4715"

    user.say("/vergeet")
    [confirm] = user.replies()
    assert buttons(confirm) == [("Ja, wis alles", ERASE_YES), ("Nee", ERASE_NO)]
    user.press(confirm, ERASE_NO)
    assert texts(user.replies()) == ["Er is niets gewist."]
    with polling.db.session() as s:
        assert s.get(Conversation, conversation) is not None

    user.say("/vergeet")
    [confirm] = user.replies()
    user.press(confirm, ERASE_YES)
    assert texts(user.replies()) == [T("telegram.erase_done", "nl")]
    with polling.db.session() as s:
        assert s.get(Conversation, conversation) is None
        assert s.scalar(select(func.count()).select_from(Message)
                        .where(Message.conversation_id == conversation)) == 0
    assert polling.gateway.address(conversation) is None


def test_groups_get_an_answer_only_when_the_bot_is_addressed(polling):
    member = polling.em.user(4716, chat_id=-100200, chat_type="supergroup")
    member.say(QUESTION)
    member.say("/help@AnotherBot")
    member.say("/onbekend@AnotherBot")
    member.say("/onbekend")
    assert member.silence(2.0) == []

    member.say(f"@{BOT_USERNAME} {QUESTION}",
               entities=[{"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}])
    [answer] = member.replies()
    assert "[1]" in answer["message"]["text"]

    bot_message = {"message_id": answer["messageId"], "date": int(time.time()), "text": "…",
                   "chat": {"id": -100200, "type": "supergroup"},
                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "Bot", "username": BOT_USERNAME}}
    member.say("En als de middengroep al gekozen heeft?", reply_to_message=bot_message)
    assert len(member.replies()) == 1
    member.say(f"/help@{BOT_USERNAME}")
    assert "/adviseur" in texts(member.replies())[0]
    member.say(f"/onbekend@{BOT_USERNAME}")
    assert texts(member.replies()) == [T("telegram.unknown_command", "nl")]


def test_commands_language_and_unknown_commands(polling):
    dutch, english = polling.em.user(4717), polling.em.user(4718, language_code="en-GB")
    dutch.say("/bestaatniet")
    assert texts(dutch.replies()) == [T("telegram.unknown_command", "nl")]
    dutch.say("/privacy")
    privacy = texts(dutch.replies())[0]
    assert "ministerie van Sociale Zaken en Werkgelegenheid" in privacy and "30 dagen" in privacy
    assert "180 dagen" in privacy and "{retention}" not in privacy
    dutch.say("/reset")
    assert texts(dutch.replies()) == [T("reset_done", "nl")]
    dutch.say("lang " * 900)  # within Telegram's 4096, beyond the engine's limit: refused with its reason
    assert texts(dutch.replies()) == [T("error.too_long", "nl", max=polling.settings.max_message_chars)]

    english.say("/start")
    assert texts(english.replies())[0].startswith("Welcome to the knowledge bot")
    english.say("/help")
    assert "hand your question over" in texts(english.replies())[0]


def test_too_many_messages_get_a_wait_time(world, telegram_emulator):
    world.gateway.asker_limit.limit = 1  # the gateway's own limiter, at one message a minute
    stop = threading.Event()
    thread = threading.Thread(target=run_polling, args=(world.settings, world.gateway, stop, 0.05), daemon=True)
    thread.start()
    try:
        user = telegram_emulator.user(4719)
        user.say(QUESTION)
        user.replies()
        user.say(QUESTION)
        [limited] = texts(user.replies())
        assert limited.startswith("U stuurt veel berichten kort na elkaar.") and "seconden" in limited
    finally:
        stop.set()
        thread.join(15)


def test_sender_waits_out_429_retries_5xx_and_fails_for_the_worker_to_retry(world):
    em, gateway = world.em, world.gateway
    user = em.user(4720)
    conversation = "tg:" + gateway.asker("telegram", 4720)
    gateway.remember_address(conversation, "telegram", "4720")
    worker = delivery_worker(world)

    def advisor_replies(text):  # a new ticket each time: an answered ticket takes no second answer
        ref = gateway.ask_advisor("telegram", gateway.asker("telegram", 4720), conversation, "Graag advies.").ticket_ref
        world.queue.reply(ref, world.advisor, text)

    em.fail_next("sendMessage", 429, retry_after=1)
    advisor_replies("Eerste antwoord.")
    started = time.monotonic()
    assert worker.run_once() == 1
    assert time.monotonic() - started >= 1.0
    assert len(user.replies()) == 1

    em.fail_next("sendMessage", 502)
    em.fail_next("sendMessage", 500)
    advisor_replies("Tweede antwoord.")
    assert worker.run_once() == 1
    assert ["Tweede antwoord." in t for t in texts(user.replies())] == [True]

    em.fail_next("sendMessage", 429, retry_after=3600)  # longer than the sender waits: the worker retries later
    advisor_replies("Derde antwoord.")
    assert worker.run_once() == 0
    with world.db.session() as s:
        d = s.scalars(select(Delivery).order_by(Delivery.id.desc())).first()
        assert d.status == "pending" and "429" in d.last_error and "4720" not in d.last_error
    assert user.silence(1.0) == []

    # No address kept for a conversation: the sender says so instead of sending, and the worker retries later.
    stranger = gateway.asker("telegram", 4799)
    other = gateway.ask_advisor("telegram", stranger, "tg:" + stranger, "Nog een vraag.")
    world.queue.reply(other.ticket_ref, world.advisor, "Antwoord zonder adres.")
    assert worker.run_once() == 0
    with world.db.session() as s:
        d = s.scalars(select(Delivery).order_by(Delivery.id.desc())).first()
        assert d.status == "pending" and "adres" in d.last_error


def test_webhook_checks_the_secret_and_answers_through_the_emulator(world):
    port = free_port()
    settings = world.settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})
    app = FastAPI()
    app.include_router(router(settings, build_application(settings, world.gateway)))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}/telegram/webhook"
        update = {"update_id": 1, "message": {"message_id": 1, "date": int(time.time()), "text": "/start",
                                              "chat": {"id": 4721, "type": "private"},
                                              "from": {"id": 4721, "is_bot": False, "first_name": "X"}}}
        assert httpx.post(url, json=update).status_code == 403
        assert httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}).status_code == 403
        assert httpx.post(url, content=b"[1]", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET,
                                                        "Content-Type": "application/json"}).status_code == 400
        # issue 14: 100,000 levels deep was a RecursionError (500), 20 MB was read whole; now 400 and 413
        deep = b"[" * 100_000 + b"]" * 100_000
        assert httpx.post(url, content=deep, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}).status_code == 400
        huge = b'{"update_id": 1, "x": "' + b"x" * 20_000_000 + b'"}'
        assert httpx.post(url, content=huge, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
                          timeout=60).status_code == 413
        user = world.em.user(4721)
        assert user.silence(0.5) == []  # the forged updates were not handled

        user.say(QUESTION)  # the emulator posts it to the registered webhook, with the secret
        [answer] = user.replies()
        assert "[1]" in answer["message"]["text"] and buttons(answer)
    finally:
        server.should_exit = True
        thread.join(15)


def test_render_splits_long_answers_and_links_only_web_urls():
    paragraph = "Een zin over het gesprek met beide groepen & de buurt. " * 20
    outcome = Outcome(Kind.ANSWER, "\n\n".join([paragraph] * 8), language="nl", citations=[
        Citation(1, "Handreiking <A>", "Aanpak", 3, "https://example.org/a?x=1&y=2", "a.pdf", "2025-01-01"),
        Citation(2, "Notitie", "", None, "javascript:alert(1)", "b.md")])
    chunks = render(outcome)
    assert len(chunks) >= 2 and all(len(c.text) <= LIMIT for c in chunks)
    assert all(c.keyboard is None for c in chunks[:-1]) and chunks[-1].keyboard is not None
    assert "\n\n".join(c.text for c in chunks).count("&amp; de buurt") == 8 * 20
    assert all(c.text.split("\n\n")[0].startswith("Een zin") for c in chunks[:-1])
    last = chunks[-1].text
    assert '[1] <a href="https://example.org/a?x=1&amp;y=2">Handreiking &lt;A&gt; — Aanpak, p. 3 (2025)</a>' in last
    assert "[2] Notitie" in last and "javascript" not in last
    urgent = render(Outcome(Kind.URGENT, "Bel 112.\n\nKenmerk X.", language="nl"))
    assert [c.text for c in urgent] == ["Bel 112.\n\nKenmerk X."] and urgent[0].keyboard is None


def test_updates_of_one_chat_run_in_order_and_other_chats_do_not_wait():
    from datetime import datetime, timezone

    from telegram import Chat, Update
    from telegram import Message as TgMessage

    from bot.channels.telegram.updates import PerChatUpdateProcessor

    def update(n, chat_id):
        return Update(n, message=TgMessage(n, datetime.now(timezone.utc), Chat(chat_id, "private")))

    done: list[str] = []

    async def handle(name, seconds):
        await asyncio.sleep(seconds)
        done.append(name)

    async def main():
        processor = PerChatUpdateProcessor()
        await asyncio.gather(processor.process_update(update(1, 1), handle("chat1-first", 0.3)),
                             processor.process_update(update(2, 1), handle("chat1-second", 0.0)),
                             processor.process_update(update(3, 2), handle("chat2", 0.1)))
        return processor

    processor = asyncio.run(main())
    assert done == ["chat2", "chat1-first", "chat1-second"]
    assert not processor._locks and not processor._users  # forgotten once idle


class FakeBotApi:
    """A Bot API that answers sendMessage from a script of (status, body) pairs, then 200; records the texts."""

    def __init__(self, script: list[tuple[int, dict]]):
        self.script, self.texts, self.calls = list(script), [], 0
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                api.calls += 1
                status, body = api.script.pop(0) if api.script else (200, None)
                if status == 200:
                    api.texts.append(form["text"][0])
                    body = {"ok": True, "result": {"message_id": api.calls, "date": int(time.time()),
                                                   "chat": {"id": int(form["chat_id"][0]), "type": "private"},
                                                   "text": form["text"][0]}}
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}/bot"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def failure(status: int, **parameters) -> tuple[int, dict]:
    body = {"ok": False, "error_code": status, "description": "injected by the test"}
    return status, {**body, "parameters": parameters} if parameters else body


def test_sender_through_the_bot_resumes_split_replies_and_stops_at_a_blocked_chat(settings):
    script = [failure(429, retry_after=1), (200, None), failure(403)]
    api = FakeBotApi(script)
    settings = settings.model_copy(update={"telegram_token": "123456:fake-token", "telegram_base_url": api.base_url})
    sender = TelegramSender(settings, SimpleNamespace(address=lambda conversation: "4242"), backoff=0.01)
    paragraphs = [f"Deel {i}: " + "overleg met partners in de wijk " * 70 for i in range(1, 4)]
    reply = OutgoingReply("key-1", "telegram", "asker", "tg:x", "\n\n".join(paragraphs))
    try:
        started = time.monotonic()
        with pytest.raises(DeliveryError) as blocked:  # 429 waited out, part 1 sent, part 2: blocked
            sender.send(reply)
        assert time.monotonic() - started >= 1.0
        assert api.calls == 3 and len(api.texts) == 1 and api.texts[0].startswith("Deel 1")  # 403: no retry
        error = str(blocked.value)
        assert "403" in error and "4242" not in error and "fake-token" not in error and "Deel" not in error

        sender.send(reply)  # the worker's retry: the parts not yet sent, part 1 not again
        assert [t[:6] for t in api.texts] == ["Deel 1", "Deel 2", "Deel 3"]
        sender.send(reply)  # delivered already: nothing goes out
        assert api.calls == 5

        api.script += [failure(500)] * 4  # server errors: the first try and three retries, then the worker's turn
        with pytest.raises(DeliveryError) as down:
            sender.send(OutgoingReply("key-2", "telegram", "asker", "tg:x", "Kort antwoord."))
        assert api.calls == 9 and "Kort" not in str(down.value) and "4242" not in str(down.value)
    finally:
        api.server.shutdown()
        api.server.server_close()

    with pytest.raises(DeliveryError) as unreachable:  # the server is gone: retried, then given up
        sender.send(OutgoingReply("key-3", "telegram", "asker", "tg:x", "Nog een antwoord."))
    assert "onbereikbaar" in str(unreachable.value) and "fake-token" not in str(unreachable.value)
