"""The Telegram bot: commands, questions and buttons, all through the gateway.

Handlers never log message text or Telegram ids; the gateway turns ids into
keyed pseudonyms before anything is stored. The gateway is synchronous (engine,
database), so it runs in worker threads while the event loop keeps serving.
"""
from __future__ import annotations

import asyncio
import html
import logging
import math
import re
import traceback
from contextlib import asynccontextmanager
from dataclasses import dataclass

from telegram import LinkPreviewOptions, MessageEntity, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes,
                          MessageHandler, filters)

from bot.channels.ratelimit import RateLimited
from bot.channels.urgent import static_guidance
from bot.engine.engine import MessageRejected
from bot.engine.messages import Outcome
from bot.i18n import text as T

from . import render
from .updates import PerChatUpdateProcessor

log = logging.getLogger(__name__)

CHANNEL = "telegram"
TYPING_EVERY = 4.0  # Telegram shows "typing" for 5 s
REFUSED = object()  # a gateway call the asker was already told about (rate limit, rejected message)


@dataclass(frozen=True)
class Who:
    chat_id: int
    asker: str  # pseudonym of the user
    conversation_id: str  # "tg:" + pseudonym of the chat
    lang: str


def language(code: str | None) -> str:
    return "en" if (code or "").lower().startswith("en") else "nl"


def file_url(base_url: str) -> str:
    """Bot API file URL beside ``base_url`` (".../bot" -> ".../file/bot")."""
    return base_url[:-len("bot")] + "file/bot" if base_url.endswith("/bot") else base_url.rstrip("/") + "/file/bot"


class TelegramBot:
    def __init__(self, settings, gateway):
        self.settings, self.gateway = settings, gateway

    # --- who and where ----------------------------------------------------------------
    def who(self, chat_id: int, user) -> Who:
        return Who(chat_id=chat_id, asker=self.gateway.asker(CHANNEL, user.id),
                   conversation_id="tg:" + self.gateway.asker(CHANNEL, chat_id),
                   lang=language(getattr(user, "language_code", None)))

    async def remember(self, who: Who) -> None:
        await asyncio.to_thread(self.gateway.remember_address, who.conversation_id, CHANNEL, str(who.chat_id))

    # --- sending ----------------------------------------------------------------------
    async def send(self, context, chat_id: int, html_text: str, keyboard=None) -> None:
        await context.bot.send_message(chat_id, html_text, parse_mode=ParseMode.HTML, reply_markup=keyboard,
                                       link_preview_options=LinkPreviewOptions(is_disabled=True))

    async def say(self, context, who: Who, key: str, **fmt) -> None:
        await self.send(context, who.chat_id, html.escape(T(key, who.lang, **fmt)))

    async def send_outcome(self, context, who: Who, outcome: Outcome) -> None:
        for chunk in render.render(outcome):
            await self.send(context, who.chat_id, chunk.text, chunk.keyboard)

    async def call(self, context, who: Who, fn, *args, text: str | None = None, **kw):
        """Runs a gateway call with the typing indicator; tells the asker when they are limited or refused,
        and then returns REFUSED. A refused ``text`` that reads as urgent gets the emergency lines first."""
        try:
            async with typing(context.bot, who.chat_id):
                return await asyncio.to_thread(fn, *args, **kw)
        except RateLimited as exc:
            await self.emergency(context, who, text)
            await self.say(context, who, "telegram.rate_limited", seconds=max(1, math.ceil(exc.retry_after)))
        except MessageRejected as exc:
            await self.emergency(context, who, text)
            await self.send(context, who.chat_id, html.escape(exc.text))
        return REFUSED

    async def emergency(self, context, who: Who, text: str | None) -> None:
        lines = await asyncio.to_thread(static_guidance, text, who.lang)
        if lines:
            await self.send(context, who.chat_id, html.escape(lines))

    # --- commands ---------------------------------------------------------------------
    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.say(context, self.who_of(update), "telegram.welcome", days=self.settings.address_retention_days,
                       retention=self.settings.retention_days)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.say(context, self.who_of(update), "telegram.help", bot=context.bot.username)

    async def privacy(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.say(context, self.who_of(update), "telegram.privacy", days=self.settings.address_retention_days,
                       retention=self.settings.retention_days)

    async def reset(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        who = self.who_of(update)
        await asyncio.to_thread(self.gateway.reset, who.conversation_id, who.lang)
        await self.say(context, who, "reset_done")

    async def forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        who = self.who_of(update)
        await self.send(context, who.chat_id, html.escape(T("telegram.erase_confirm", who.lang)),
                        render.erase_keyboard(who.lang))

    async def advisor(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        who = self.who_of(update)
        text = command_argument(update.effective_message)
        outcome = await self.call(context, who, self.gateway.ask_advisor, CHANNEL, who.asker, who.conversation_id,
                                  text, language=who.lang, text=text)
        if outcome is REFUSED:
            return
        if outcome is None:
            await self.say(context, who, "telegram.nothing_to_hand_over")
            return
        await self.remember(who)
        await self.send_outcome(context, who, outcome)

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message.chat.type != ChatType.PRIVATE and not names_this_bot(message, context.bot.username):
            return  # in a group, "/x" may be meant for another bot: answer only "/x@ThisBot"
        await self.say(context, self.who_of(update), "telegram.unknown_command")

    # --- questions --------------------------------------------------------------------
    async def question(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        text = message.text or ""
        if message.chat.type != ChatType.PRIVATE:
            if not addressed(message, context.bot):
                return
            text = strip_mention(text, context.bot.username)
        who = self.who_of(update)
        outcome = await self.call(context, who, self.gateway.ask, CHANNEL, who.asker, who.conversation_id, text,
                                  language=who.lang, text=text)
        if outcome is REFUSED:
            return
        await self.remember(who)
        await self.send_outcome(context, who, outcome)

    # --- buttons ----------------------------------------------------------------------
    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        chat_id = query.message.chat.id if query.message else query.from_user.id
        who = self.who(chat_id, query.from_user)
        await query.answer()
        if query.data in (render.ERASE_YES, render.ERASE_NO):
            await drop_buttons(query)
            if query.data == render.ERASE_YES:
                await asyncio.to_thread(self.gateway.erase, who.asker)
            await self.say(context, who, "telegram.erase_done" if query.data == render.ERASE_YES
                           else "telegram.erase_cancelled")
            return
        if query.data in (render.HELPFUL, render.NOT_HELPFUL):
            await drop_buttons(query)  # one vote per answer
            outcome = await self.call(context, who, self.gateway.feedback, CHANNEL, who.asker, who.conversation_id,
                                      query.data == render.HELPFUL, language=who.lang)
            if outcome is None:
                await self.say(context, who, "telegram.feedback_thanks")
                return
        elif query.data == render.ADVISOR:
            outcome = await self.call(context, who, self.gateway.ask_advisor, CHANNEL, who.asker,
                                      who.conversation_id, "", language=who.lang)
            if outcome is None:
                await self.say(context, who, "telegram.nothing_to_hand_over")
                return
        else:
            return  # a button of an older version: nothing to do
        if outcome is REFUSED:
            return
        await self.remember(who)
        await self.send_outcome(context, who, outcome)

    def who_of(self, update: Update) -> Who:
        return self.who(update.effective_chat.id, update.effective_user)


# --- helpers ----------------------------------------------------------------------------
@asynccontextmanager
async def typing(bot, chat_id: int):
    """Shows "typing" until the block ends; a failing indicator never costs the answer."""
    async def keep_typing():
        while True:
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError:
                pass
            await asyncio.sleep(TYPING_EVERY)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()


async def drop_buttons(query) -> None:
    try:
        await query.edit_message_reply_markup(None)
    except TelegramError:
        pass  # the message may be too old to edit; the choice still counts


def command_argument(message) -> str:
    """What follows the command, line breaks kept (context.args would split them away)."""
    text = message.text or ""
    for entity in message.entities or ():
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            return text[entity.length:].strip()
    return text.partition(" ")[2].strip()


def names_this_bot(message, username: str | None) -> bool:
    """"/cmd@ThisBot" (not "/cmd", not "/cmd@OtherBot")."""
    command = (message.text or "").split(maxsplit=1)[0] if message.text else ""
    _, at, target = command.partition("@")
    return bool(at and username) and username.lower() == target.lower()


def addressed(message, bot) -> bool:
    """In a group: a reply to the bot, or a mention of it."""
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot.id:
        return True
    if any(e.type == MessageEntity.TEXT_MENTION and e.user and e.user.id == bot.id for e in message.entities or ()):
        return True
    pattern = _mention(bot.username)
    return bool(pattern and pattern.search(message.text or ""))


def _mention(username: str | None) -> re.Pattern | None:
    return re.compile(rf"@{re.escape(username)}\b", re.IGNORECASE) if username else None


def strip_mention(text: str, username: str | None) -> str:
    pattern = _mention(username)
    return pattern.sub("", text).strip() if pattern else text


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the error's type only (the update holds message text and ids), and tells the asker."""
    where = traceback.extract_tb(context.error.__traceback__)[-1:] if context.error else []
    log.error("telegram handler failed: %s at %s", type(context.error).__name__,
              " ".join(f"{f.filename}:{f.lineno}" for f in where) or "?")
    if isinstance(update, Update) and update.effective_chat is not None:
        lang = language(update.effective_user.language_code if update.effective_user else None)
        message = update.effective_message
        try:
            # a message that reads as urgent gets the emergency lines even when nothing else works
            lines = await asyncio.to_thread(static_guidance, message.text if message else None, lang)
        except Exception:  # the triage model itself failing must not cost the error reply
            lines = None
        try:
            if lines:
                await context.bot.send_message(update.effective_chat.id, html.escape(lines), parse_mode=ParseMode.HTML)
            await context.bot.send_message(update.effective_chat.id, html.escape(T("telegram.error", lang)),
                                           parse_mode=ParseMode.HTML)
        except TelegramError:
            pass


def bot_api(settings) -> dict:
    """Token and URLs of the Bot API, as keyword arguments of ``telegram.Bot``: ``settings.telegram_base_url``
    is Telegram, or an emulator in tests. The application and the outbox sender both build their Bot from it."""
    if not settings.telegram_token:
        raise ValueError("ESSBOT_TELEGRAM_TOKEN is not set: get a token from @BotFather")
    # httpx logs every request URL at INFO, and a Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger("httpx").level))
    return {"token": settings.telegram_token, "base_url": settings.telegram_base_url,
            "base_file_url": file_url(settings.telegram_base_url)}


def build_application(settings, gateway) -> Application:
    """The bot, pointed at ``settings.telegram_base_url`` (Telegram, or an emulator in tests)."""
    api = bot_api(settings)
    application = (ApplicationBuilder().token(api["token"]).base_url(api["base_url"])
                   .base_file_url(api["base_file_url"])
                   .concurrent_updates(PerChatUpdateProcessor()).build())
    tg = TelegramBot(settings, gateway)
    application.bot_data["essbot"] = tg
    for names, handler in ((["start"], tg.start), (["help", "hulp"], tg.help), (["privacy"], tg.privacy),
                           (["reset"], tg.reset), (["vergeet", "forget"], tg.forget),
                           (["adviseur", "advisor"], tg.advisor)):
        application.add_handler(CommandHandler(names, handler, filters=filters.UpdateType.MESSAGE))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, tg.unknown_command))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND,
                                           tg.question))
    application.add_handler(CallbackQueryHandler(tg.button))
    application.add_error_handler(on_error)
    return application
