// The telegram-test-api emulator as a Bot API server, with what it lacks and a real Telegram does:
// sendChatAction, the webhook secret header, is_bot in getMe, chat_instance in callback queries,
// editMessageReplyMarkup, sent messages as the Bot API returns them. For tests also /test/ready,
// /test/chatActions and /test/fault (answer the next call of a method once with a 429 or 5xx).
// Started by scripts/telegram-emulator.sh (operators) and tests/channels/telegram_emulator.py (tests).
// Usage: node telegram-emulator.js PORT   (telegram-test-api on NODE_PATH)
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
