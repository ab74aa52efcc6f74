"""Errors of the widget and partner API: one shape, both languages, the right status.

Every refusal is an ``ApiError``; ``GuardedRoute`` turns it (and FastAPI's own validation errors)
into ``{"error": {"code", "message_nl", "message_en"}}`` or, for a client reading a stream, into an
SSE ``error`` event. It also enforces the body byte limit before FastAPI parses anything. A database or
Chroma outage, wherever a handler meets it, is 503 ``unavailable`` with Retry-After: clients retry, not a 500.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Callable

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from psycopg import OperationalError as PgOperationalError
from pydantic import BaseModel
from starlette.exceptions import HTTPException
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.channels.ratelimit import RateLimited
from bot.engine.rejections import MessageRejected
from bot.engine.texts import text as T
from bot.index.vectors import VectorStoreUnavailable

from .sse import EVENT_SCHEMA, event

log = logging.getLogger(__name__)

# Code -> (status, text key). Texts live in prompts/widget.<lang>.yaml.
ERRORS: dict[str, tuple[int, str]] = {
    "invalid_json": (400, "api.error.invalid_json"),
    "empty": (422, "api.error.empty"),
    "no_words": (422, "api.error.no_words"),
    "unauthorized": (401, "api.error.unauthorized"),
    "unknown_site": (403, "api.error.unknown_site"),
    "origin_refused": (403, "api.error.origin_refused"),
    "unknown_conversation": (404, "api.error.unknown_conversation"),
    "nothing_to_hand_over": (409, "api.error.nothing_to_hand_over"),
    "too_long": (413, "api.error.too_long"),
    "body_too_large": (413, "api.error.body_too_large"),
    "invalid_request": (422, "api.error.invalid_request"),
    "rate_limited": (429, "api.error.rate_limited"),
    "unavailable": (503, "api.error.unavailable"),
}


class ApiError(Exception):
    def __init__(self, code: str, headers: dict[str, str] | None = None, **fmt):
        super().__init__(code)
        self.code, self.headers, self.fmt = code, headers or {}, fmt
        self.status = ERRORS[code][0]

    def payload(self, lang: str | None = None) -> dict:
        key = ERRORS[self.code][1]
        body = {"code": self.code, "message_nl": T(key, "nl", **self.fmt), "message_en": T(key, "en", **self.fmt)}
        if lang:
            body["message"] = body["message_en"] if lang == "en" else body["message_nl"]
        return body


# A database or Chroma restart takes seconds: clients (and proxies) wait this long before trying again.
UNAVAILABLE_RETRY_AFTER_S = 5


def unavailable() -> ApiError:
    return ApiError("unavailable", headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_S)})


def is_unavailable(exc: BaseException) -> bool:
    """The database or the vector store cannot be reached right now: worth retrying, not a bug (500)."""
    # psycopg's own error: raised where SQLAlchemy does not wrap it; connection_invalidated: SQLAlchemy saw a
    # disconnect, whatever class the driver gave it.
    return (isinstance(exc, (VectorStoreUnavailable, OperationalError, PgOperationalError))
            or (isinstance(exc, DBAPIError) and exc.connection_invalidated))


def rate_limited(retry_after: float) -> ApiError:
    seconds = max(1, math.ceil(retry_after))
    return ApiError("rate_limited", headers={"Retry-After": str(seconds)}, seconds=seconds)


class ErrorBody(BaseModel):
    code: str
    message_nl: str
    message_en: str
    emergency: str | None = None  # the emergency lines, when the refused message reads as urgent


class ErrorResponse(BaseModel):
    """Every error: a stable code and the message in Dutch and English. / Elke fout: een vaste code en de
    melding in het Nederlands en het Engels."""

    error: ErrorBody


def error_responses(*statuses: int, stream: bool = False) -> dict[int, dict]:
    """OpenAPI ``responses``; ``stream``: a client asking for text/event-stream gets the error as an event."""
    descriptions = {400: "Ongeldig verzoek / Bad request", 401: "Geen of onjuiste API-sleutel / Missing or wrong "
                    "API key", 403: "Niet toegestaan / Forbidden", 404: "Onbekend gesprek / Unknown conversation",
                    409: "Niets om door te zetten / Nothing to hand over", 413: "Te groot / Too large",
                    422: "Ongeldige velden / Invalid fields", 429: "Te veel verzoeken / Too many requests",
                    503: "Tijdelijk niet beschikbaar / Temporarily unavailable"}
    extra = {"content": {"text/event-stream": {"schema": EVENT_SCHEMA}}} if stream else {}
    return {s: {"model": ErrorResponse, "description": descriptions[s], **extra} for s in statuses}


def render(request: Request, err: ApiError) -> Response:
    lang = getattr(request.state, "lang", None)
    payload = err.payload(lang if lang or "text/event-stream" not in request.headers.get("accept", "") else "nl")
    # a refused message that reads as urgent still carries the emergency lines (bot/channels/urgent.py)
    emergency = getattr(request.state, "emergency", None)
    if emergency:
        payload["emergency"] = emergency
    if "text/event-stream" in request.headers.get("accept", ""):
        return Response(event("error", payload) + event("done", {}), status_code=err.status,
                        media_type="text/event-stream", headers=err.headers)
    return JSONResponse({"error": payload}, status_code=err.status, headers=err.headers)


async def check_urgent(request: Request, text: str | None, lang: str | None) -> bool:
    """Before limits and storage: does the raw text read as urgent? Remembers the static emergency lines on
    the request, so any refusal from here on carries them."""
    from bot.channels.urgent import static_guidance

    request.state.emergency = await run_in_threadpool(static_guidance, text, lang)
    return bool(request.state.emergency)


def _from_validation(exc: RequestValidationError) -> ApiError:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return ApiError("invalid_json")
    if errors and all(e.get("loc", ())[-1:] == ("text",) and e.get("type") in ("string_pattern_mismatch",
                                                                               "string_too_short") for e in errors):
        blank = all(not str(e.get("input") or "").strip(" \t\r\n") for e in errors)
        return ApiError("empty" if blank else "no_words")
    return ApiError("invalid_request")


async def _read_capped(request: Request, limit: int) -> None:
    """Reads the body once, refusing beyond ``limit`` bytes; FastAPI then reuses the cached body."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError("body_too_large", limit=limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError("body_too_large", limit=limit)
        chunks.append(chunk)
    request._body = b"".join(chunks)  # Starlette's own cache for request.body()


def guarded_route(max_body: int, decorate: Callable[[Request, Response], None] | None = None) -> type[APIRoute]:
    """A route class with the byte limit, the error shape and (for the widget) CORS headers on every answer."""

    class GuardedRoute(APIRoute):
        def get_route_handler(self):
            handler = super().get_route_handler()

            async def guarded(request: Request) -> Response:
                try:
                    if request.method in ("POST", "PUT", "PATCH"):
                        await _read_capped(request, max_body)
                    response = await handler(request)
                except ApiError as err:
                    response = render(request, err)
                except RequestValidationError as exc:
                    response = render(request, _from_validation(exc))
                except HTTPException as exc:
                    if exc.status_code != 400:
                        raise
                    response = render(request, ApiError("invalid_json"))  # FastAPI could not parse the body
                except Exception as exc:  # a dependency that is down, wherever the handler touched it
                    if not is_unavailable(exc):
                        raise
                    log.error("unavailable: %s", type(exc).__name__)  # the type only: never message text
                    response = render(request, unavailable())
                if decorate is not None:
                    decorate(request, response)
                return response

            return guarded

    return GuardedRoute


# "Contains something that is not blank" in every regex dialect (Python, Rust, ECMAScript): every
# character any of them calls whitespace, and the controls, are excluded.
NOT_BLANK = r"[^\s\x00-\x20\x7f-\xa0]"


def clean_text(value: str) -> str:
    """NUL bytes cannot be stored (PostgreSQL) and lone surrogates cannot be encoded: neither is text."""
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


async def call_gateway(fn, *args, **kw):
    """Runs a (blocking) gateway call in the thread pool, turning its refusals into ``ApiError``s."""
    try:
        return await run_in_threadpool(fn, *args, **kw)
    except RateLimited as exc:
        raise rate_limited(exc.retry_after) from None
    except MessageRejected as exc:  # empty, too long, no words: each with its own code
        raise ApiError(exc.code, **exc.fmt) from None
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        log.error("gateway unavailable: %s", type(exc).__name__)  # the type only: never message text
        raise unavailable() from None


def hit(limiter, key: str) -> None:
    try:
        limiter.hit(key)
    except RateLimited as exc:
        raise rate_limited(exc.retry_after) from None
