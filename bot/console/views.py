"""Rendering: the Jinja2 environment (autoescaped: message text is user content), flashes and redirects."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.handover.service import STATUS_NL
from bot.i18n import labels

from . import present
from .deps import get_settings
from .security import FLASH_COOKIE, seal, unseal

TZ = ZoneInfo("Europe/Amsterdam")  # advisors work in Dutch local time; the database keeps UTC

# Dutch labels by stored value (prompts/console.nl.yaml); the templates read them as globals.
QUEUE_NL = labels("console.queue")
ROLE_NL = labels("console.role")
DELIVERY_NL = labels("console.delivery")
AUTHOR_NL = labels("console.author")
ENTRY_NL = labels("console.entry")
ACTION_NL = labels("console.action")


def local(value: datetime | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
    return value.astimezone(TZ).strftime(fmt) if value is not None else "–"


_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True,
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_env.filters["local"] = local
present.install(_env)  # human words: channels, themes, turn tags, waiting times, cut at a word
_env.globals.update(STATUS_NL=STATUS_NL, QUEUE_NL=QUEUE_NL, ROLE_NL=ROLE_NL, DELIVERY_NL=DELIVERY_NL,
                    AUTHOR_NL=AUTHOR_NL, ENTRY_NL=ENTRY_NL, ACTION_NL=ACTION_NL)


# render and redirect also serve the error handlers, which get no dependencies: they ask the provider directly.
def render(request: Request, template: str, status: int = 200, actor=None, **context) -> HTMLResponse:
    secret = get_settings(request).secret_key
    flash = unseal(secret, request.cookies.get(FLASH_COOKIE))
    html = _env.get_template(template).render(request=request, actor=actor, flash=flash, **context)
    response = HTMLResponse(html, status_code=status)
    if flash is not None:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(request: Request, url: str, message: str | None = None, error: bool = False) -> RedirectResponse:
    """303 after a POST, with an optional one-time message for the next page (a signed cookie)."""
    response = RedirectResponse(url, status_code=303)
    if message:
        settings = get_settings(request)
        response.set_cookie(FLASH_COOKIE, seal(settings.secret_key, {"text": message, "error": error}),
                            httponly=True, samesite="strict", secure=bool(settings.secure_cookies), path="/")
    return response
