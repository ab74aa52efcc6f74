"""`essbot serve`: one process with the REST API, the widget, the advisor console, the delivery worker
and, when a bot token is configured, the Telegram webhook. `essbot telegram` polls instead (local use).

Everything shares one database, one engine and one gateway; the worker delivers advisors' replies to
every channel (widget and API askers fetch them, Telegram gets them pushed).
"""
from __future__ import annotations

import logging
import threading

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from bot.channels.registry import CHANNELS
from bot.i18n import text as T
from bot.runtime import Runtime, build_runtime

log = logging.getLogger(__name__)
SHUTDOWN_GRACE_S = 5


def create_server(settings, rt: Runtime | None = None) -> FastAPI:
    from bot.console.app import create_app

    rt = rt or build_runtime(settings)
    # The REST API documents itself at /api/v1/openapi.json; the shell app adds nothing to document.
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.runtime = rt
    for channel in CHANNELS:
        routes = channel.routes(rt)
        if routes is not None:
            app.include_router(routes)

    @app.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    @app.api_route("/widget/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    def not_found(rest: str):  # machine clients get JSON, not the console's HTML error page
        return JSONResponse({"error": {"code": "not_found", "message_nl": T("api.error.not_found", "nl"),
                                       "message_en": T("api.error.not_found", "en")}}, status_code=404)

    from bot.observability import install  # observability: /metrics, /readyz, request metrics

    install(app, settings, rt.db)
    # The console last: it answers every path the API does not (/, /login, /queue/..., /healthz).
    app.mount("/", create_app(settings, db=rt.db, queue=rt.queue, desk=rt.desk))
    return app


def app_factory() -> FastAPI:
    """For uvicorn's worker processes (`serve --workers N`): each builds its own runtime from the environment."""
    from bot.config import get_settings

    settings = get_settings()
    rt = build_runtime(settings)
    rt.warm()
    return create_server(settings, rt)


def check_config(settings) -> None:
    """Settings `serve` cannot run with, found before anything is loaded (ConfigError: one line, exit 2)."""
    if settings.telegram_token and settings.telegram_webhook and not settings.telegram_webhook_secret:
        from bot.channels.telegram.webhook import WEBHOOK_SECRET_MISSING
        from bot.config import ConfigError

        raise ConfigError(WEBHOOK_SECRET_MISSING)


def _uvicorn_options(settings) -> dict:
    from bot.observability.logs import uvicorn_log_config

    # URLs carry widget tokens: no access log. Behind a proxy: trust its X-Forwarded-* headers.
    # Live streams (widget, API, console) stay open for minutes: a stop waits this long for requests, then
    # ends them; the browsers reconnect to the next process.
    opts = dict(host=settings.console_host, port=settings.console_port, proxy_headers=True,
                server_header=False, log_level="warning", access_log=False,
                timeout_graceful_shutdown=SHUTDOWN_GRACE_S)
    if uvicorn_log_config() is not None:  # JSON logs: uvicorn's tracebacks as JSON lines too
        opts["log_config"] = uvicorn_log_config()
    return opts


def _announce(settings, what: str) -> None:
    """Operators see where it listens (uvicorn's own startup lines are quietened to warnings)."""
    url = f"http://{settings.console_host}:{settings.console_port}"
    print(f"essbot {what}: luistert op / listening on {url} (publiek adres / public URL {settings.public_url})",
          flush=True)
    log.info("%s listening on %s", what, url)


def serve(settings, with_worker: bool = True, workers: int = 1) -> None:
    import uvicorn

    check_config(settings)
    opts = _uvicorn_options(settings)
    stop = threading.Event()
    if workers > 1:
        # uvicorn spawns the workers (fresh interpreters); this process supervises and runs the one worker
        if with_worker:
            build_runtime(settings).start_worker(stop)  # migrates once, before the workers race to
        _announce(settings, f"serve ({workers} workers)")
        try:
            uvicorn.run("bot.server:app_factory", factory=True, workers=workers, **opts)
        finally:
            stop.set()
        return
    rt = build_runtime(settings)
    app = create_server(settings, rt)
    rt.warm()
    if with_worker:
        rt.start_worker(stop)
    _announce(settings, "serve")
    try:
        uvicorn.run(app, **opts)
    finally:
        stop.set()


def serve_console(settings, with_worker: bool = True) -> None:
    """The console alone on ``console_host:console_port`` (behind a TLS-terminating proxy in production), with
    the delivery worker in the same process unless it runs elsewhere; the worker delivers to every channel."""
    import uvicorn

    from bot.console.app import create_app

    rt = build_runtime(settings)
    app = create_app(settings, db=rt.db, queue=rt.queue, desk=rt.desk)
    stop = threading.Event()
    if with_worker:
        rt.start_worker(stop)
    _announce(settings, "console")
    try:
        uvicorn.run(app, **_uvicorn_options(settings))
    finally:
        stop.set()


def telegram_polling(settings, with_worker: bool = True) -> None:
    from bot.channels.telegram import run_polling

    if not settings.telegram_token:
        raise SystemExit("ESSBOT_TELEGRAM_TOKEN is not set / is niet ingesteld")
    rt = build_runtime(settings)
    rt.warm()
    stop = threading.Event()
    if with_worker:
        rt.start_worker(stop)
    try:
        run_polling(settings, rt.gateway)
    finally:
        stop.set()
