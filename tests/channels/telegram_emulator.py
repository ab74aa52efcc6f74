"""A real Bot API peer for tests: the npm package ``telegram-test-api``, started and stopped per test.

The bot talks to it exactly as to api.telegram.org; a simulated user sends messages and reads the bot's
replies through the emulator's client endpoints (/sendMessage, /sendCommand, /sendCallback, /getUpdates).

It runs as operators run it, by ``scripts/telegram-emulator.sh``, whose launcher (scripts/telegram-emulator.js)
adds what the emulator lacks and a real Telegram does: ``sendChatAction``, the webhook secret header, ``is_bot``
in getMe, ``chat_instance`` in callback queries, editMessageReplyMarkup, sent messages as the Bot API returns
them, and (on request of a test) a 429 or 5xx answer.
"""
from __future__ import annotations

import os
import subprocess
import time

import httpx
import pytest

from tests.conftest import CACHE_DIR, REPO
from tests.services import free_port, running

SCRIPT = REPO / "scripts" / "telegram-emulator.sh"
TOKEN = "123456:essbot-test-token"  # the emulator takes any token of this form
BOT_ID, BOT_USERNAME = 666, "TestNameBot"  # what the emulator's getMe answers


def script_env() -> dict:
    return {**os.environ, "ESSBOT_TEST_CACHE": str(CACHE_DIR)}  # the emulator installed in the test cache


def install() -> None:
    """The emulator in the test cache (installed once, here: npm can take longer than a start may);
    fails with what to do when it cannot be had."""
    done = subprocess.run([str(SCRIPT), "--install"], capture_output=True, text=True, timeout=600, env=script_env())
    if done.returncode != 0:
        pytest.fail(f"The Telegram tests need the telegram-test-api emulator:\n{done.stderr[-2000:]}")


class Emulator:
    def __init__(self, port: int):
        self.url = f"http://127.0.0.1:{port}"
        self.base_url = f"{self.url}/bot"  # settings.telegram_base_url
        self.token = TOKEN
        self.http = httpx.Client(base_url=self.url, timeout=10)

    def user(self, user_id: int, **kw) -> "User":
        return User(self, user_id, **kw)

    def fail_next(self, method: str, status: int, retry_after: float | None = None) -> None:
        body = {"method": method, "status": status}
        if retry_after is not None:
            body["retry_after"] = retry_after
        self.http.post("/test/fault", json=body).raise_for_status()

    def chat_actions(self) -> list[dict]:
        return self.http.get("/test/chatActions").json()["result"]


class User:
    """A Telegram user (or a user in a group) talking to the bot through the emulator's client API."""

    def __init__(self, emulator: Emulator, user_id: int, chat_id: int | None = None, chat_type: str = "private",
                 language_code: str = "nl"):
        self.em, self.user_id = emulator, user_id
        self.chat_id = chat_id if chat_id is not None else user_id
        self.chat_type, self.language_code = chat_type, language_code

    def _common(self) -> dict:
        return {"botToken": self.em.token, "date": int(time.time()),
                "from": {"id": self.user_id, "is_bot": False, "first_name": "Test", "language_code": self.language_code},
                "chat": {"id": self.chat_id, "type": self.chat_type, "title": "Testgroep"}}

    def say(self, text: str, **extra) -> None:
        message = {**self._common(), "text": text, **extra}
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
            self.em.http.post("/sendCommand", json=message).raise_for_status()
        else:
            self.em.http.post("/sendMessage", json=message).raise_for_status()

    def press(self, reply: dict, data: str) -> None:
        """Presses an inline button under one of the bot's messages (as returned by ``replies``)."""
        common = self._common()
        message = {"message_id": reply["messageId"], "date": common["date"], "chat": common["chat"],
                   "from": {"id": BOT_ID, "is_bot": True, "first_name": "Bot"}, "text": reply["message"]["text"]}
        callback = {"botToken": self.em.token, "from": common["from"], "message": message, "data": data}
        self.em.http.post("/sendCallback", json=callback).raise_for_status()

    def replies(self, count: int = 1, timeout: float = 30.0) -> list[dict]:
        """Waits for at least ``count`` new bot messages in this chat; each is the emulator's record
        ({messageId, message: {chat_id, text, parse_mode, reply_markup}})."""
        got: list[dict] = []
        deadline = time.monotonic() + timeout
        while len(got) < count:
            got += self._fetch()
            if len(got) >= count:
                break
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} bot message(s), got {len(got)}: "
                                     f"{[m['message'].get('text', '')[:80] for m in got]}")
            time.sleep(0.05)
        time.sleep(0.3)  # anything sent right behind them belongs to the same answer
        return got + self._fetch()

    def silence(self, wait: float = 2.0) -> list[dict]:
        """What the bot sent within ``wait`` seconds (expected: nothing)."""
        time.sleep(wait)
        return self._fetch()

    def _fetch(self) -> list[dict]:
        r = self.em.http.post("/getUpdates", json={"token": self.em.token, "chatId": self.chat_id})
        r.raise_for_status()
        return r.json()["result"]


@pytest.fixture
def telegram_emulator(tmp_path):
    install()
    port = free_port()
    with running([str(SCRIPT), str(port)], f"http://127.0.0.1:{port}/test/ready", tmp_path / "emulator.log",
                 timeout=30, env=script_env()):
        em = Emulator(port)
        try:
            yield em
        finally:
            em.http.close()
