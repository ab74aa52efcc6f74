"""The console's FastAPI application: routers, security headers, error pages (served by bot.server)."""
from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.storage.db import Database
from bot.handover.learning import KnowledgeDesk
from bot.handover.service import QueueService

from . import admin, auth, insights, knowledge, tickets
from .security import CsrfFailed, Forbidden, NotLoggedIn, load_actor
from .views import render

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = {
    # No inline script or style anywhere: what an asker writes can never run here.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def create_app(settings, db: Database, queue: QueueService, desk: KnowledgeDesk) -> FastAPI:
    app = FastAPI(title="ESS kennisbot – console", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.db = db
    app.state.queue = queue
    app.state.desk = desk

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")  # routes that may be cached say so  # case data must not linger in browser caches
        return response

    @app.exception_handler(NotLoggedIn)
    async def not_logged_in(request: Request, exc: NotLoggedIn):
        if request.method in ("GET", "HEAD"):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)
        return render(request, "error.html", 401, title="Niet ingelogd",
                      message="U bent niet (meer) ingelogd. Log opnieuw in.")

    @app.exception_handler(Forbidden)
    def forbidden(request: Request, exc: Forbidden):
        return render(request, "error.html", 403, actor=load_actor(request), title="Geen toegang",
                      message="U heeft niet de rol die voor deze pagina nodig is.")

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed):
        return render(request, "error.html", 403, title="Formulier verlopen",
                      message="De beveiligingscode van het formulier klopt niet. Laad de pagina opnieuw en "
                              "probeer het nog eens.")

    @app.exception_handler(OperationalError)
    async def database_down(request: Request, exc: OperationalError):
        # A restarting database is seconds of "try again", not a 500 with a stack trace.
        log.error("console: database unavailable (%s)", type(exc).__name__)
        response = render(request, "error.html", 503, title="Even niet beschikbaar",
                          message="De database is even niet bereikbaar. Probeer het over enkele seconden opnieuw. "
                                  "/ The database is briefly unavailable; try again in a few seconds.")
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        messages = {404: "Deze pagina bestaat niet.", 405: "Deze actie is hier niet mogelijk."}
        return render(request, "error.html", exc.status_code, title="Fout",
                      message=messages.get(exc.status_code, "Er ging iets mis."))

    @app.get("/healthz", include_in_schema=False)
    def healthz():
        return {"status": "ok"}

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, tickets, knowledge, insights, admin):
        app.include_router(module.router)
    return app
