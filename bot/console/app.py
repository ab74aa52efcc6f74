"""The console's FastAPI application: routers, security headers, error pages (errors.py); served by bot.server."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

from bot.storage.db import Database
from bot.handover.learning import KnowledgeDesk
from bot.handover.service import QueueService

from . import admin, auth, errors, insights, knowledge, live, saved_replies, tickets

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
            # Case data must not linger in browser caches; a route that may be cached sets its own header.
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    errors.install(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz():
        return {"status": "ok"}

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (auth, tickets, knowledge, insights, admin, saved_replies, live):
        app.include_router(module.router)
    return app
