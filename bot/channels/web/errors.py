"""Errors of the widget and partner API: one shape, both languages, the right status.

Every refusal is an ``ApiError``; ``GuardedRoute`` turns it (and FastAPI's own validation errors)
into ``{"error": {"code", "message_nl", "message_en"}}`` or, for a client reading a stream, into an
SSE ``error`` event. It also enforces the body byte limit before FastAPI parses anything. A database or
Chroma outage, wherever a handler meets it, is 503 ``unavailable`` with Retry-After: clients retry, not a 500.
A refused message keeps the code of its refusal (bot/engine/rejections.py: ``empty``, ``too_long``, ``no_words``).
"""
from __future__ import annotations

import logging
import math
from collections.abc import Callable
from enum import StrEnum

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from bot.channels.ratelimit import RateLimited
from bot.channels.urgent import static_guidance
from bot.engine.rejections import MessageRejected, Rejection, check_text
from bot.i18n import text as T
from bot.observability.outages import RETRY_AFTER_S, is_outage

from .models import Language, S
from .sse import EVENT_SCHEMA, EVENT_STREAM, Event, event

log = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    """The ``code`` of every error body: clients branch on it, so a value never changes."""

    INVALID_JSON = "invalid_json"
    EMPTY = Rejection.EMPTY.value
    NO_WORDS = Rejection.NO_WORDS.value
    UNAUTHORIZED = "unauthorized"
    UNKNOWN_SITE = "unknown_site"
    ORIGIN_REFUSED = "origin_refused"
    UNKNOWN_CONVERSATION = "unknown_conversation"
    NOTHING_TO_HAND_OVER = "nothing_to_hand_over"
    TOO_LONG = Rejection.TOO_LONG.value
    BODY_TOO_LARGE = "body_too_large"
    INVALID_REQUEST = "invalid_request"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"


# Code -> status; the texts are prompts/widget.<lang>.yaml's api.error.<code>.
STATUS: dict[ErrorCode, int] = {
    ErrorCode.INVALID_JSON: 400, ErrorCode.EMPTY: 422, ErrorCode.NO_WORDS: 422, ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.UNKNOWN_SITE: 403, ErrorCode.ORIGIN_REFUSED: 403, ErrorCode.UNKNOWN_CONVERSATION: 404,
    ErrorCode.NOTHING_TO_HAND_OVER: 409, ErrorCode.TOO_LONG: 413, ErrorCode.BODY_TOO_LARGE: 413,
    ErrorCode.INVALID_REQUEST: 422, ErrorCode.RATE_LIMITED: 429, ErrorCode.UNAVAILABLE: 503,
}


class ApiError(Exception):
    def __init__(self, code: ErrorCode | Rejection, headers: dict[str, str] | None = None, **fmt):
        self.code = ErrorCode(code)  # a Rejection has the same value
        super().__init__(self.code.value)
        self.headers, self.fmt = headers or {}, fmt
        self.status = STATUS[self.code]

    def payload(self, lang: str | None = None) -> dict:
        key = f"api.error.{self.code.value}"
        body = {"code": self.code.value, "message_nl": T(key, "nl", **self.fmt),
                "message_en": T(key, "en", **self.fmt)}
        if lang:
            body["message"] = body["message_en"] if lang == Language.EN else body["message_nl"]
        return body


UNAVAILABLE_RETRY_AFTER_S = RETRY_AFTER_S  # the console's 503 page says the same (bot.observability.outages)


def unavailable() -> ApiError:
    return ApiError(ErrorCode.UNAVAILABLE, headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_S)})


def rate_limited(retry_after: float) -> ApiError:
    seconds = max(1, math.ceil(retry_after))
    return ApiError(ErrorCode.RATE_LIMITED, headers={"Retry-After": str(seconds)}, seconds=seconds)


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
    extra = {"content": {EVENT_STREAM: {"schema": EVENT_SCHEMA}}} if stream else {}
    return {s: {"model": ErrorResponse, "description": S(f"api.doc.status.{s}"), **extra} for s in statuses}


def render(request: Request, err: ApiError) -> Response:
    lang = getattr(request.state, "lang", None)
    streaming = EVENT_STREAM in request.headers.get("accept", "")
    payload = err.payload(lang if lang or not streaming else "nl")
    # a refused message that reads as urgent still carries the emergency lines (bot/channels/urgent.py)
    emergency = getattr(request.state, "emergency", None)
    if emergency:
        payload["emergency"] = emergency
    if streaming:
        return Response(event(Event.ERROR, payload) + event(Event.DONE, {}), status_code=err.status,
                        media_type=EVENT_STREAM, headers=err.headers)
    return JSONResponse({"error": payload}, status_code=err.status, headers=err.headers)


async def check_urgent(request: Request, text: str | None, lang: str | None) -> bool:
    """Before limits and storage: does the raw text read as urgent? Remembers the static emergency lines on
    the request, so any refusal from here on carries them."""
    request.state.emergency = await run_in_threadpool(static_guidance, text, lang)
    return bool(request.state.emergency)


async def admit(request: Request, text: str, language: str | None, max_chars: int, *, required: bool = True) -> bool:
    """A message's text before the channel's limits: urgent first (never refused for its length, nor limited),
    then the one check of the text. Returns whether it reads as urgent."""
    urgent = await check_urgent(request, text, language)
    try:
        check_text(text, max_chars, urgent=urgent, language=language, required=required)
    except MessageRejected as exc:
        raise refused(exc) from None
    return urgent


def refused(exc: MessageRejected) -> ApiError:
    """A refused message, with its own code (``empty``, ``too_long``, ``no_words``) and the numbers in its text."""
    return ApiError(exc.code, **exc.fmt)


def _from_validation(exc: RequestValidationError) -> ApiError:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return ApiError(ErrorCode.INVALID_JSON)
    # the REST API's text pattern (a word) is its schema's way of saying "not empty, not junk"
    if errors and all(e.get("loc", ())[-1:] == ("text",) and e.get("type") in ("string_pattern_mismatch",
                                                                               "string_too_short") for e in errors):
        blank = all(not str(e.get("input") or "").strip(" \t\r\n") for e in errors)
        return ApiError(Rejection.EMPTY if blank else Rejection.NO_WORDS)
    return ApiError(ErrorCode.INVALID_REQUEST)


async def _read_capped(request: Request, limit: int) -> None:
    """Reads the body once, refusing beyond ``limit`` bytes; FastAPI then reuses the cached body."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(ErrorCode.BODY_TOO_LARGE, limit=limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(ErrorCode.BODY_TOO_LARGE, limit=limit)
        chunks.append(chunk)
    request._body = b"".join(chunks)  # Starlette's own cache for request.body()


def body_limit(max_chars: int) -> int:
    """The byte cap of a body carrying a message: JSON may escape a character to 6 bytes (\\uXXXX, twice for a
    surrogate pair)."""
    return max_chars * 12 + 4096


def guarded_route(max_body: int | Callable[[Request], int],
                  decorate: Callable[[Request, Response], None] | None = None) -> type[APIRoute]:
    """A route class with the byte limit, the error shape and (for the widget) CORS headers on every answer.
    ``max_body`` may depend on the request (the settings of the app it reached: bot/channels/web/deps.py)."""
    cap = max_body if callable(max_body) else lambda request: max_body

    class GuardedRoute(APIRoute):
        def get_route_handler(self):
            handler = super().get_route_handler()

            async def guarded(request: Request) -> Response:
                try:
                    if request.method in ("POST", "PUT", "PATCH"):
                        await _read_capped(request, cap(request))
                    response = await handler(request)
                except ApiError as err:
                    response = render(request, err)
                except RequestValidationError as exc:
                    response = render(request, _from_validation(exc))
                except HTTPException as exc:
                    if exc.status_code != 400:
                        raise
                    response = render(request, ApiError(ErrorCode.INVALID_JSON))  # FastAPI could not parse the body
                except Exception as exc:  # a dependency that is down, wherever the handler touched it
                    if not is_outage(exc):
                        raise
                    log.error("unavailable: %s", type(exc).__name__)  # the type only: never message text
                    response = render(request, unavailable())
                if decorate is not None:
                    decorate(request, response)
                return response

            return guarded

    return GuardedRoute


async def call_gateway(fn, *args, **kw):
    """Runs a (blocking) gateway call in the thread pool, turning its refusals into ``ApiError``s."""
    try:
        return await run_in_threadpool(fn, *args, **kw)
    except RateLimited as exc:
        raise rate_limited(exc.retry_after) from None
    except MessageRejected as exc:  # empty, too long, no words (the engine checks again): each its own code
        raise refused(exc) from None
    except Exception as exc:
        if not is_outage(exc):
            raise
        log.error("gateway unavailable: %s", type(exc).__name__)  # the type only: never message text
        raise unavailable() from None


def hit(limiter, key: str) -> None:
    try:
        limiter.hit(key)
    except RateLimited as exc:
        raise rate_limited(exc.retry_after) from None
