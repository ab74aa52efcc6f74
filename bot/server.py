"""`essbot serve`: one process with the REST API, the widget, the advisor console, the delivery worker
and, when a bot token is configured, the Telegram webhook. `essbot telegram` polls instead (local use).

Everything shares one database, one engine and one gateway; the worker delivers advisors' replies to
every channel (widget and API askers fetch them, Telegram gets them pushed).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from bot.channels.bus import LocalBus, make_bus
from bot.channels.gateway import Gateway, StoredReplySender
from bot.engine.engine import Engine
from bot.handover.conversations import DbConversations
from bot.handover.db import Database, open_database
from bot.handover.service import QueuePolicy, QueueService


@dataclass
class Runtime:
    settings: object
    db: Database
    queue: QueueService
    engine: Engine
    gateway: Gateway
    bus: LocalBus = field(default_factory=LocalBus)


def build_runtime(settings, retriever=None, redactor=None) -> Runtime:
    db = open_database(settings)
    queue = QueueService(db, QueuePolicy.from_settings(settings))
    engine = Engine(settings, retriever=retriever, tickets=queue, conversations=DbConversations(db), redactor=redactor)
    return Runtime(settings, db, queue, engine, Gateway(settings, engine, db, queue), make_bus(settings))


def channel_senders(settings, db: Database, gateway: Gateway | None = None, bus: LocalBus | None = None) -> dict:
    """Every channel's sender for the delivery worker; a worker on its own needs only the gateway's
    address book, not the engine, and a bus to wake the API replicas' live streams."""
    from bot.handover.worker import build_senders

    bus = bus or make_bus(settings)
    extra = {"web": StoredReplySender(db, bus), "api": StoredReplySender(db, bus)}
    if settings.telegram_token:
        from bot.channels.telegram import TelegramSender

        extra["telegram"] = TelegramSender(settings, gateway or Gateway(settings, None, db, None))
    return build_senders(settings, extra)


def create_server(settings, rt: Runtime | None = None) -> FastAPI:
    from bot.channels.web.rest_api import api_router
    from bot.channels.web.widget_api import widget_router
    from bot.console.app import create_app

    rt = rt or build_runtime(settings)
    # The REST API documents itself at /api/v1/openapi.json; the shell app adds nothing to document.
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.runtime = rt
    app.include_router(api_router(settings, rt.gateway))
    app.include_router(widget_router(settings, rt.gateway, rt.bus))
    if settings.telegram_token:
        from bot.channels.telegram import build_application, router

        app.include_router(router(settings, build_application(settings, rt.gateway)))
    @app.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    @app.api_route("/widget/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def not_found(rest: str):  # machine clients get JSON, not the console's HTML error page
        return JSONResponse({"error": {"code": "not_found", "message_nl": "Onbekend adres.",
                                       "message_en": "Unknown path."}}, status_code=404)

    from bot.observability import install  # observability: /metrics, /readyz, request metrics

    install(app, settings, rt.db)
    # The console last: it answers every path the API does not (/, /login, /queue/..., /healthz).
    app.mount("/", create_app(settings, db=rt.db, queue=rt.queue))
    return app


def app_factory() -> FastAPI:
    """For uvicorn's worker processes (`serve --workers N`): each builds its own runtime from the environment."""
    from bot.config import get_settings

    return create_server(get_settings())


def check_config(settings) -> None:
    """Settings `serve` cannot run with, found before anything is loaded (ConfigError: one line, exit 2)."""
    if settings.telegram_token and not settings.telegram_webhook_secret:
        from bot.channels.telegram.webhook import WEBHOOK_SECRET_MISSING
        from bot.config import ConfigError

        raise ConfigError(WEBHOOK_SECRET_MISSING)


def serve(settings, with_worker: bool = True, workers: int = 1) -> None:
    import uvicorn

    from bot.handover.worker import Worker

    check_config(settings)

    # URLs carry widget tokens: no access log. Behind a proxy: trust its X-Forwarded-* headers.
    from bot.observability.logs import uvicorn_log_config

    opts = dict(host=settings.console_host, port=settings.console_port, proxy_headers=True,
                server_header=False, log_level="warning", access_log=False)
    if uvicorn_log_config() is not None:  # JSON logs: uvicorn's tracebacks as JSON lines too
        opts["log_config"] = uvicorn_log_config()
    stop = threading.Event()
    if workers > 1:
        # uvicorn spawns the workers (fresh interpreters); this process supervises and runs the one worker
        if with_worker:
            db = open_database(settings)  # migrates once, before the workers race to
            Worker(settings, db, channel_senders(settings, db)).start_thread(stop)
        try:
            uvicorn.run("bot.server:app_factory", factory=True, workers=workers, **opts)
        finally:
            stop.set()
        return
    rt = build_runtime(settings)
    app = create_server(settings, rt)
    if with_worker:
        Worker(settings, rt.db, channel_senders(settings, rt.db, rt.gateway, rt.bus)).start_thread(stop)
    try:
        uvicorn.run(app, **opts)
    finally:
        stop.set()


def telegram_polling(settings, with_worker: bool = True) -> None:
    from bot.channels.telegram import run_polling
    from bot.handover.worker import Worker

    if not settings.telegram_token:
        raise SystemExit("ESSBOT_TELEGRAM_TOKEN is not set / is niet ingesteld")
    rt = build_runtime(settings)
    stop = threading.Event()
    if with_worker:
        Worker(settings, rt.db, channel_senders(settings, rt.db, rt.gateway, rt.bus)).start_thread(stop)
    try:
        run_polling(settings, rt.gateway)
    finally:
        stop.set()
