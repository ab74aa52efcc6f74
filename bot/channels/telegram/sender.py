"""Delivers advisor replies from the outbox to Telegram chats, through python-telegram-bot's Bot.

``send`` is synchronous: the delivery worker calls it from its own thread. Each reply runs on an event loop of
its own (``asyncio.run``) with a Bot and HTTP client of its own, opened and closed there: PTB's HTTPXRequest
holds an httpx.AsyncClient, whose connections belong to the loop that opened them, so a client shared across
loops breaks. Replies are human-paced; a connection per reply costs nothing that matters.

Raises DeliveryError on failure so the outbox worker retries later with backoff. Error texts name only status
codes and error classes: the worker stores and logs them, so no chat id, token or reply text may appear in
them. PTB's own messages can hold the token (InvalidToken) or Telegram's description, so they are never
passed on.
"""
from __future__ import annotations

import asyncio
import threading

from telegram import Bot, LinkPreviewOptions
from telegram.error import (BadRequest, ChatMigrated, Forbidden, InvalidToken, NetworkError, RetryAfter,
                            TelegramError, TimedOut)
from telegram.request import HTTPXRequest

from bot.handover.senders import DeliveryError, OutgoingReply
from bot.i18n import text as T

from .bot import bot_api
from .render import split_text


class TelegramSender:
    def __init__(self, settings, gateway, *, max_wait: float = 30.0, server_retries: int = 3,
                 backoff: float = 0.5, timeout: float = 15.0):
        self.api = bot_api(settings)  # raises without a token
        self.gateway = gateway
        self.max_wait, self.server_retries, self.backoff, self.timeout = max_wait, server_retries, backoff, timeout
        # Telegram has no idempotency key: remember how many parts of a reply went out, so a retry in this
        # process neither repeats a delivered reply nor the first half of a split one.
        self._sent_parts: dict[str, int] = {}
        self._lock = threading.Lock()

    def send(self, reply: OutgoingReply) -> None:
        chat_id = self.gateway.address(reply.conversation_id)
        if chat_id is None:
            raise DeliveryError(T("console.delivery_error.no_address"))
        parts = split_text(reply.text)
        with self._lock:
            done = self._sent_parts.get(reply.idempotency_key, 0)
        if done < len(parts):
            asyncio.run(self._send(chat_id, parts, done, reply.idempotency_key))

    async def _send(self, chat_id: str, parts: list[str], done: int, key: str) -> None:
        request = HTTPXRequest(connection_pool_size=1, connect_timeout=self.timeout, read_timeout=self.timeout,
                               write_timeout=self.timeout, pool_timeout=self.timeout)
        # getUpdates is never called here: both slots get the one client, so no second one is left unclosed
        bot = Bot(**self.api, request=request, get_updates_request=request)
        await request.initialize()  # not bot.initialize(): that also calls getMe, a request per reply for nothing
        try:
            for i in range(done, len(parts)):
                await self._post(bot, chat_id, parts[i])
                with self._lock:
                    self._sent_parts[key] = i + 1
                    if len(self._sent_parts) > 10_000:  # bounded: the oldest keys are long done
                        for old in list(self._sent_parts)[:5_000]:
                            del self._sent_parts[old]
        finally:
            await request.shutdown()

    async def _post(self, bot: Bot, chat_id: str, text: str) -> None:
        failures = 0
        while True:
            try:
                await bot.send_message(chat_id, text, link_preview_options=LinkPreviewOptions(is_disabled=True))
                return
            except RetryAfter as exc:
                wait = _seconds(exc)
                if wait > self.max_wait:
                    raise DeliveryError(T("console.delivery_error.rate_limited", seconds=wait)) from None
                await asyncio.sleep(wait)
                continue
            except Forbidden:  # blocked by the user, or removed from the group: retrying now changes nothing
                raise DeliveryError(T("console.delivery_error.blocked")) from None
            except ChatMigrated:  # a group became a supergroup under a new id, which this address does not know
                raise DeliveryError(T("console.delivery_error.migrated")) from None
            except InvalidToken:
                raise DeliveryError(T("console.delivery_error.token")) from None
            except BadRequest:  # a subclass of NetworkError, but Telegram refused this message: no retry
                raise DeliveryError("Telegram HTTP 400") from None
            except NetworkError as exc:  # 5xx, no connection, or a timeout (TimedOut)
                if failures >= self.server_retries:
                    key = "timeout" if isinstance(exc, TimedOut) else "unreachable"
                    raise DeliveryError(T(f"console.delivery_error.{key}", error=type(exc).__name__,
                                          attempts=failures + 1)) from None
                await asyncio.sleep(self.backoff * 2 ** failures)
                failures += 1
            except TelegramError as exc:  # 409 and anything PTB adds later
                raise DeliveryError(T("console.delivery_error.other", error=type(exc).__name__)) from None


def _seconds(exc: RetryAfter) -> float:
    """Telegram's retry_after in seconds. Read as PTB's own rate limiter does: the public ``retry_after`` is an
    int or a timedelta depending on PTB_TIMEDELTA, and warns about that on every read."""
    value = getattr(exc, "_retry_after", None)
    if value is None:
        value = exc.retry_after
    return max(0.0, value.total_seconds() if hasattr(value, "total_seconds") else float(value))
