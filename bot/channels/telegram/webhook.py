"""Running the bot: behind a webhook in the web service, or by polling for local use."""
from __future__ import annotations

import asyncio
import hmac
import logging
import threading
from contextlib import asynccontextmanager

from fastapi import APIRouter, Header, HTTPException, Request
from telegram import Update
from telegram.ext import Application

from bot.channels.jsonsafe import loads
from bot.config import ConfigError

from .bot import build_application

log = logging.getLogger(__name__)

PATH = "/telegram/webhook"
# An update carries one message (at most 4,096 characters, escaped up to 12 bytes each) and its metadata.
MAX_BODY = 256 * 1024
WEBHOOK_SECRET_MISSING = ("ESSBOT_TELEGRAM_WEBHOOK_SECRET ontbreekt: zonder dat geheim kan iedereen nep-berichten "
                          "sturen. / ESSBOT_TELEGRAM_WEBHOOK_SECRET is not set: without it anyone could post fake "
                          "updates. Set it, or use `essbot telegram` (polling) for local use.")
ALLOWED_UPDATES = ["message", "callback_query"]


def router(settings, application: Application, register: bool = True) -> APIRouter:
    """POST /telegram/webhook, for ``app.include_router``. The router's lifespan starts the bot and, with
    ``register``, tells Telegram to send updates to ``settings.public_url`` + PATH with the secret."""
    secret = settings.telegram_webhook_secret
    if not secret:
        raise ConfigError(WEBHOOK_SECRET_MISSING)

    @asynccontextmanager
    async def lifespan(_app):
        await application.initialize()
        await application.start()
        if register:
            await application.bot.set_webhook(settings.public_url.rstrip("/") + PATH, secret_token=secret,
                                              allowed_updates=ALLOWED_UPDATES)
        try:
            yield
        finally:
            await application.stop()
            await application.shutdown()

    r = APIRouter(lifespan=lifespan)

    @r.post(PATH, include_in_schema=False)
    async def webhook(request: Request, x_telegram_bot_api_secret_token: str | None = Header(None)):
        if not hmac.compare_digest((x_telegram_bot_api_secret_token or "").encode(), secret.encode()):
            raise HTTPException(403, "forbidden")
        body = await _read_capped(request, MAX_BODY)
        try:
            update = Update.de_json(loads(body), application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):  # BadJson is a ValueError
            raise HTTPException(400, "not an update") from None
        # Answer Telegram at once; the application works through its queue.
        await application.update_queue.put(update)
        return {"ok": True}

    return r


async def _read_capped(request: Request, limit: int) -> bytes:
    """The body, refused with 413 beyond ``limit`` bytes (declared or streamed): nothing larger is read."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, "too large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, "too large")
        chunks.append(chunk)
    return b"".join(chunks)


def run_polling(settings, gateway, stop: threading.Event | None = None, poll_interval: float = 0.0) -> None:
    """Local use without a public URL (`essbot telegram`): blocks until Ctrl-C, or until ``stop`` is set."""
    application = build_application(settings, gateway)
    if stop is None:
        application.run_polling(allowed_updates=ALLOWED_UPDATES, poll_interval=poll_interval)
        return
    asyncio.run(_poll_until(application, stop, poll_interval))


async def _poll_until(application: Application, stop: threading.Event, poll_interval: float) -> None:
    async with application:  # initialize and shutdown
        await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES, poll_interval=poll_interval)
        await application.start()
        try:
            while not stop.is_set():
                await asyncio.sleep(0.05)
        finally:
            await application.updater.stop()
            await application.stop()
