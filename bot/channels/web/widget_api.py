"""The chat widget's API under ``/widget``: the script, conversations, streamed answers, feedback,
hand-over and advisor replies. Every call (preflight included) must come from an origin listed for
its site key. The server never stores a conversation token, only its SHA-256."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

import yaml
from fastapi import APIRouter, Body, Depends, Path as PathParam, Query, Request, Response
from pydantic import BaseModel, Field, field_validator

from bot.channels.bus import LocalBus
from bot.channels.ratelimit import FairLimit, RateLimited, make_limiter
from bot.engine.texts import PROMPTS, text as T

from . import live, sse
from .errors import ApiError, call_gateway, check_urgent, clean_text, guarded_route, hit, rate_limited
from .sites import Sites, conversation_id, cors_headers, preflight_headers, token_hash

STATIC = Path(__file__).parent / "static"
READS_PER_MINUTE = 30  # reply polling is every 30 s; this leaves room for reloads and several tabs
SCRIPT_MAX_AGE = 300  # short, so a new widget reaches every site within minutes; ETag avoids re-downloads


def body_limit(max_chars: int) -> int:
    """JSON may escape a character to 6 bytes (\\uXXXX, twice for a surrogate pair)."""
    return max_chars * 12 + 4096


class Start(BaseModel):
    site: str | None = Field(None, max_length=100)


class Message(BaseModel):
    text: str
    language: Literal["nl", "en"] | None = None

    @field_validator("text")
    @classmethod
    def _clean(cls, v: str) -> str:
        return clean_text(v)


class Feedback(BaseModel):
    helpful: bool
    language: Literal["nl", "en"] | None = None


class Advisor(BaseModel):
    text: str = ""
    language: Literal["nl", "en"] | None = None

    @field_validator("text")
    @classmethod
    def _clean(cls, v: str) -> str:
        return clean_text(v)


def _site_hint(request: Request) -> str | None:
    return request.query_params.get("site") or request.headers.get("x-site-key")


def widget_script(max_chars: int, retention_days: int) -> bytes:
    """``static/widget.js`` with its texts (from prompts/widget.*.yaml) and limits filled in; the other
    {placeholders} are filled in by the script itself."""
    keys = [k for k in yaml.safe_load((PROMPTS / "widget.nl.yaml").read_text(encoding="utf-8"))
            if k.startswith("widget.ui.")]
    texts = {lang: {k.removeprefix("widget.ui."): T(k, lang).replace("{retention}", str(int(retention_days)))
                    for k in keys} for lang in ("nl", "en")}
    # Escaped so no text can close the script or break a JS string literal.
    blob = json.dumps(texts, ensure_ascii=True).replace("</", "<\\/")
    source = (STATIC / "widget.js").read_text(encoding="utf-8")
    return source.replace("__TEXTS__", blob).replace("__MAX_CHARS__", str(int(max_chars))).encode()


def widget_router(settings, gateway, bus=None) -> APIRouter:
    bus = bus or LocalBus()
    sites = Sites(settings)
    # per client address first, then the site's budget, which degrades rather than locks (ratelimit.FairLimit)
    site_limit = FairLimit(settings, "site", settings.client_requests_per_minute, settings.site_messages_per_minute)
    read_limit = make_limiter(settings, "read", READS_PER_MINUTE)
    max_chars = settings.max_message_chars
    script = widget_script(max_chars, settings.retention_days)
    etag = '"' + hashlib.sha256(script).hexdigest()[:20] + '"'

    def decorate(request: Request, response: Response) -> None:
        origin = request.headers.get("origin")
        site = getattr(request.state, "site", None) or _site_hint(request)
        if request.method != "OPTIONS" and sites.origin_ok(site, origin):
            response.headers.update(cors_headers(origin))

    router = APIRouter(prefix="/widget", route_class=guarded_route(body_limit(max_chars), decorate),
                       include_in_schema=False)

    def hit_site(request: Request, site: str) -> None:
        # the address as the proxy saw it (uvicorn's proxy_headers; FORWARDED_ALLOW_IPS names the proxy)
        try:
            site_limit.hit(site, request.client.host if request.client else "-")
        except RateLimited as exc:
            raise rate_limited(exc.retry_after) from None

    def site_of(request: Request, site: str | None = None) -> str:
        site = site or _site_hint(request)
        sites.check(site, request.headers.get("origin"))
        request.state.site = site
        return site

    def conversation(request: Request, token: str = PathParam()) -> str:
        # no pattern: a damaged token must be "unknown" (404), so the widget starts a new conversation
        site = site_of(request)
        sites.verify(token, site)
        return token

    @router.get("/widget.js")
    def widget_js(request: Request) -> Response:
        headers = {"ETag": etag, "Cache-Control": f"public, max-age={SCRIPT_MAX_AGE}",
                   "Cross-Origin-Resource-Policy": "cross-origin", "X-Content-Type-Options": "nosniff"}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(script, media_type="application/javascript; charset=utf-8", headers=headers)

    @router.options("/{path:path}")
    def preflight(request: Request, path: str) -> Response:
        origin = request.headers.get("origin")
        sites.check_preflight(_site_hint(request), origin)
        return Response(status_code=204, headers=preflight_headers(origin))

    @router.post("/conversations", status_code=201)
    def start(request: Request, body: Start | None = Body(None)) -> dict:
        site = site_of(request, body.site if body else None)
        hit_site(request, site)
        return {"token": sites.issue(site), "max_chars": max_chars}

    @router.post("/conversations/{token}/messages")
    async def ask(request: Request, body: Message, token: str = Depends(conversation)) -> Response:
        request.state.lang = body.language
        if not body.text.strip():
            raise ApiError("empty")
        # urgent first: a message about danger is not held to the site's limit nor refused for its length
        urgent = await check_urgent(request, body.text, body.language)
        if len(body.text) > max_chars and not urgent:
            raise ApiError("too_long", max=max_chars)
        if not urgent:
            hit_site(request, request.state.site)
        outcome = await call_gateway(gateway.ask, "web", gateway.asker("web", token_hash(token)),
                                     conversation_id(token), body.text, language=body.language)
        return sse.stream(sse.outcome_events(outcome))

    @router.post("/conversations/{token}/feedback")
    async def feedback(request: Request, body: Feedback, token: str = Depends(conversation)) -> dict:
        request.state.lang = body.language
        hit_site(request, request.state.site)
        outcome = await call_gateway(gateway.feedback, "web", gateway.asker("web", token_hash(token)),
                                     conversation_id(token), body.helpful, language=body.language)
        return {"outcome": sse.outcome_dict(outcome) if outcome else None}

    @router.post("/conversations/{token}/advisor")
    async def advisor(request: Request, body: Advisor | None = Body(None),
                      token: str = Depends(conversation)) -> dict:
        body = body or Advisor()
        request.state.lang = body.language
        urgent = await check_urgent(request, body.text, body.language)
        if len(body.text) > max_chars and not urgent:
            raise ApiError("too_long", max=max_chars)
        if not urgent:
            hit_site(request, request.state.site)
        outcome = await call_gateway(gateway.ask_advisor, "web", gateway.asker("web", token_hash(token)),
                                     conversation_id(token), body.text, language=body.language)
        if outcome is None:
            raise ApiError("nothing_to_hand_over")
        return {"outcome": sse.outcome_dict(outcome)}

    @router.get("/conversations/{token}/replies")
    async def replies(token: str = Depends(conversation), after: int = Query(0, ge=0, le=2**62)) -> dict:
        hit(read_limit, token_hash(token))
        rows = await call_gateway(gateway.replies, conversation_id(token), after=after)
        return {"replies": [live.reply_dict(r) for r in rows]}

    @router.get("/conversations/{token}/events")
    async def events(request: Request, token: str = Depends(conversation),
                     after: int = Query(0, ge=0, le=2**62)) -> Response:
        """Advisor replies live (text/event-stream), on whichever replica the widget is connected to."""
        hit(read_limit, token_hash(token))
        return sse.stream(live.reply_events(request, gateway, bus, conversation_id(token),
                                            live.resume_point(request, after), settings.live_poll_seconds,
                                            settings.live_stream_seconds))

    return router
