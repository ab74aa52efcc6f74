"""The console's error pages in one place: what a route or dependency raises becomes a Dutch page here.

Routes and dependencies raise (NotLoggedIn, Forbidden, CsrfFailed, HTTPException, a database error);
they never build an error response themselves, so every page fails the same way.
"""
from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.i18n import text as T
from bot.observability.outages import OUTAGE_CLASSES, RETRY_AFTER_S, is_outage

from .security import CsrfFailed, Forbidden, NotLoggedIn
from .views import render

log = logging.getLogger(__name__)


def _page(key: str) -> dict:
    """An error page's title and message (prompts/console.nl.yaml, console.page.<key>.*)."""
    return {"title": T(f"console.page.{key}.title"), "message": T(f"console.page.{key}.message")}


async def not_logged_in(request: Request, exc: NotLoggedIn):
    # A page asked for comes back after the login; a form posted without a session cannot be replayed.
    if request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)
    return render(request, "error.html", 401, **_page("not_logged_in"))


async def forbidden(request: Request, exc: Forbidden):
    return render(request, "error.html", 403, actor=exc.actor, **_page("forbidden"))


async def csrf_failed(request: Request, exc: CsrfFailed):
    return render(request, "error.html", 403, **_page("csrf"))


async def database_down(request: Request, exc: Exception):
    # A restarting database is seconds of "try again", not a 500 with a stack trace (the API says the same).
    if not is_outage(exc):
        raise exc
    log.error("console: database unavailable (%s)", type(exc).__name__)
    response = render(request, "error.html", 503, **_page("unavailable"))
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


async def http_error(request: Request, exc: StarletteHTTPException):
    known = exc.status_code in (404, 405)
    return render(request, "error.html", exc.status_code, title=T("console.page.error.title"),
                  message=T(f"console.page.error.{exc.status_code if known else 'other'}"))


HANDLERS = {NotLoggedIn: not_logged_in, Forbidden: forbidden, CsrfFailed: csrf_failed,
            StarletteHTTPException: http_error, **dict.fromkeys(OUTAGE_CLASSES, database_down)}


def install(app: FastAPI) -> None:
    for exc_class, handler in HANDLERS.items():
        app.add_exception_handler(exc_class, handler)
