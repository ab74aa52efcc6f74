"""A real Bot API peer for tests: the npm package ``telegram-test-api``, started and stopped per test.

The bot talks to it exactly as to api.telegram.org; a simulated user sends messages and reads the bot's
replies through the emulator's client endpoints (/sendMessage, /sendCommand, /sendCallback, /getUpdates).

A small launcher adds what the emulator lacks and a real Telegram does: ``sendChatAction``, the webhook
secret header, ``is_bot`` in getMe, ``chat_instance`` in callback queries, editMessageReplyMarkup, sent messages as the Bot API returns them, and (on request of a test) a 429 or 5xx answer.
"""
from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import CACHE_DIR
from tests.services import free_port, running

PACKAGE = "telegram-test-api@4"
PREFIX = CACHE_DIR / "telegram-test-api"
TOKEN = "123456:essbot-test-token"
BOT_ID, BOT_USERNAME = 666, "TestNameBot"  # what the emulator's getMe answers

LAUNCHER = r"""
const TelegramServer = require('telegram-test-api');
const { routes } = require('telegram-test-api/lib/routes/index');
const axios = require('axios');

const port = Number(process.argv[2]);
const chatActions = [];
const faults = [];  // {method, status, retry_after, description}: answered once each, in order

routes.unshift((app, server) => {
  app.get('/test/ready', (req, res) => res.json({ ok: true }));
  app.post('/test/fault', (req, res) => { faults.push(req.body); res.json({ ok: true }); });
  app.get('/test/chatActions', (req, res) => res.json({ ok: true, result: chatActions }));
  app.all('/bot:token/:method', (req, res, next) => {
    const i = faults.findIndex((f) => f.method === req.params.method);
    if (i !== -1) {
      const f = faults.splice(i, 1)[0];
      const body = { ok: false, error_code: f.status, description: f.description || 'injected by the test' };
      if (f.retry_after !== undefined) body.parameters = { retry_after: f.retry_after };
      res.status(f.status).json(body);
      return;
    }
    if (req.params.method === 'getMe') {  // the emulator leaves out is_bot, which the Bot API always sends
      res.json({ ok: true, result: { id: 666, is_bot: true, first_name: 'Test First name', username: 'TestNameBot' } });
      return;
    }
    if (req.params.method === 'editMessageReplyMarkup') {  // answers null, and cannot remove a keyboard
      const body = TelegramServer.normalizeMessage(req.body);
      const stored = server.storage.botMessages.find((u) => String(u.messageId) === String(body.message_id)
        && String(u.message.chat_id) === String(body.chat_id));
      if (stored) stored.message.reply_markup = body.reply_markup;
      res.json({ ok: true, result: true });
      return;
    }
    if (req.params.method === 'sendChatAction') {
      chatActions.push({ chat_id: String(req.body.chat_id), action: req.body.action });
      res.json({ ok: true, result: true });
      return;
    }
    next();
  });
});

// The emulator echoes form-encoded objects back as JSON strings, and dates in milliseconds; the Bot API
// answers with objects and seconds.
const addBotMessage = TelegramServer.prototype.addBotMessage;
TelegramServer.prototype.addBotMessage = function (raw, token) {
  for (const key of ['link_preview_options', 'reply_parameters', 'entities']) {
    if (typeof raw[key] === 'string') raw[key] = JSON.parse(raw[key]);
  }
  const msg = addBotMessage.call(this, raw, token);
  msg.date = Math.floor(msg.date / 1000);
  return msg;
};

// Callback queries lack chat_instance, which the Bot API always sends.
const formatUpdate = TelegramServer.formatUpdate;
TelegramServer.formatUpdate = function (update) {
  const out = formatUpdate(update);
  if (out.callback_query) out.callback_query.chat_instance = String(out.callback_query.message.chat.id);
  return out;
};

// Webhook delivery with the secret header, as Telegram sends it.
TelegramServer.prototype.addUserUpdate = async function (update) {
  const webhook = this.webhooks[update.botToken];
  if (webhook) {
    const headers = webhook.secret_token ? { 'X-Telegram-Bot-Api-Secret-Token': webhook.secret_token } : {};
    await axios({ url: webhook.url, method: 'POST', headers, data: TelegramServer.formatUpdate(update) });
  } else {
    this.storage.userMessages.push(update);
  }
  this.updateId++;
};

const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
server.start().then(() => console.log('telegram-test-api listening on ' + port));
process.on('SIGTERM', () => server.stop().then(() => process.exit(0)));
"""


def install() -> Path:
    """The emulator in the test cache (installed once); fails with what to do when it cannot be had."""
    package = PREFIX / "node_modules" / "telegram-test-api"
    if not (package / "package.json").is_file():
        if shutil.which("node") is None or shutil.which("npm") is None:
            pytest.fail("The Telegram tests need Node.js and npm (apt-get install nodejs npm) to run the "
                        "telegram-test-api emulator.")
        PREFIX.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(PREFIX), PACKAGE],
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            pytest.fail(f"`npm install {PACKAGE}` failed (is the npm registry reachable?):\n{done.stderr[-2000:]}")
    launcher = PREFIX / "essbot-emulator.js"
    if not launcher.is_file() or launcher.read_text() != LAUNCHER:
        launcher.write_text(LAUNCHER)
    return launcher


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
    launcher = install()
    port = free_port()
    cmd = ["node", str(launcher), str(port)]
    with running(cmd, f"http://127.0.0.1:{port}/test/ready", tmp_path / "emulator.log", timeout=30):
        em = Emulator(port)
        try:
            yield em
        finally:
            em.http.close()
