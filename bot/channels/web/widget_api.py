"""The chat widget's API under ``/widget``: the script, conversations, streamed answers, feedback,
hand-over, advisor replies and the conversation so far. Every call (preflight included) must come from an
origin listed for its site key. The server never stores a conversation token, only its SHA-256."""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path as PathParam, Query, Request, Response
from sqlalchemy import select

from bot.channels.ratelimit import FairLimit, RateLimited
from bot.engine.messages import Citation
from bot.i18n import keys, text as T
from bot.storage.models import Message as StoredMessage

from . import live, sse
from .deps import (BusDep, GatewayDep, ReadLimitDep, SettingsDep, SiteLimitDep, SitesDep, WebChannel,
                   message_body_limit, widget)
from .errors import ApiError, ErrorCode, admit, call_gateway, guarded_route, hit, rate_limited
from .models import Advisor, Feedback, Language, Message, Start
from .sites import Sites, conversation_id, cors_headers, preflight_headers, token_hash

STATIC = Path(__file__).parent / "static"
HISTORY_MAX = 200  # the newest messages a reloaded widget shows; retention deletes older ones anyway
SCRIPT_MAX_AGE = 300  # short, so a new widget reaches every site within minutes; ETag avoids re-downloads
CHANNEL = WebChannel.WIDGET


def widget_script(max_chars: int, retention_days: int) -> bytes:
    """``static/widget.js`` with its texts (from prompts/widget.*.yaml) and limits filled in; the other
    {placeholders} are filled in by the script itself."""
    texts = {lang.value: {k.removeprefix("widget.ui."): T(k, lang).replace("{retention}", str(int(retention_days)))
                          for k in keys("widget.ui.")} for lang in Language}
    # Escaped so no text can close the script or break a JS string literal.
    blob = json.dumps(texts, ensure_ascii=True).replace("</", "<\\/")
    source = (STATIC / "widget.js").read_text(encoding="utf-8")
    return source.replace("__TEXTS__", blob).replace("__MAX_CHARS__", str(int(max_chars))).encode()


@lru_cache(maxsize=4)
def served_script(max_chars: int, retention_days: int) -> tuple[bytes, str]:
    """The script and its ETag, built once per configuration."""
    script = widget_script(max_chars, retention_days)
    return script, '"' + hashlib.sha256(script).hexdigest()[:20] + '"'


def site_hint(request: Request) -> str | None:
    return request.query_params.get("site") or request.headers.get("x-site-key")


def decorate(request: Request, response: Response) -> None:
    """CORS headers on every answer to a listed origin, refusals included (the widget can read why)."""
    origin = request.headers.get("origin")
    site = getattr(request.state, "site", None) or site_hint(request)
    if request.method != "OPTIONS" and widget(request).sites.origin_ok(site, origin):
        response.headers.update(cors_headers(origin))


def site_of(request: Request, sites: Sites, site: str | None = None) -> str:
    """The request's site key, refused unless the request comes from one of its origins."""
    site = site or site_hint(request)
    sites.check(site, request.headers.get("origin"))
    request.state.site = site
    return site


def hit_site(limit: FairLimit, request: Request, site: str) -> None:
    # the address as the proxy saw it (uvicorn's proxy_headers; FORWARDED_ALLOW_IPS names the proxy)
    try:
        limit.hit(site, request.client.host if request.client else "-")
    except RateLimited as exc:
        raise rate_limited(exc.retry_after) from None


def conversation(request: Request, sites: SitesDep, token: Annotated[str, PathParam()]) -> str:
    """The conversation token of the path, signed for the request's site."""
    # no pattern: a damaged token must be "unknown" (404), so the widget starts a new conversation
    sites.verify(token, site_of(request, sites))
    return token


Token = Annotated[str, Depends(conversation)]


def stored_history(gateway, conversation_id: str) -> list[dict]:
    """The conversation as stored, oldest first: the asker's questions and the bot's answers (redacted, from
    ``messages``) and the advisors' replies as delivered (``inbox``, whose ids the widget's live stream
    continues from). An answer comes back whole with its citations, as it was given; one stored before they were
    kept (revision 0008) comes back shortened to 500 characters and without them, marked ``shortened``."""
    with gateway.db.session() as s:
        rows = s.scalars(select(StoredMessage).where(StoredMessage.conversation_id == conversation_id,
                                                     StoredMessage.author.in_(("asker", "assistant")))
                         .order_by(StoredMessage.at.desc(), StoredMessage.id.desc()).limit(HISTORY_MAX)).all()
        said = [(m.at, m.id, _said(m)) for m in rows]
    # advisors' replies come from the inbox (what the asker was sent), not their copy in messages
    replied = [(r.created_at, r.id, {"author": "advisor", "id": r.id, "ticket_ref": r.ticket_ref, "text": r.text,
                                     "at": r.created_at.isoformat()}) for r in gateway.replies(conversation_id)]
    merged = sorted(said + replied, key=lambda row: (row[0], row[2]["author"] == "advisor", row[1]))
    return [row[2] for row in merged[-HISTORY_MAX:]]


def _said(m: StoredMessage) -> dict:
    if m.author == "asker":
        return {"author": "asker", "text": m.text, "at": m.at.isoformat()}
    kind, text, shortened = m.turn()
    # the same citation fields as a fresh answer's, so the widget shows an earlier answer the same way
    citations = [sse.citation_dict(Citation(c["n"], c["title"], c.get("section") or "", c.get("page"), c.get("url"),
                                            "", c.get("published"))) for c in m.citations or []]
    return {"author": "bot", "kind": kind, "text": text + ("…" if shortened else ""), "citations": citations,
            "shortened": shortened, "at": m.at.isoformat()}


router = APIRouter(prefix="/widget", route_class=guarded_route(message_body_limit, decorate), include_in_schema=False)


@router.get("/widget.js")
def widget_js(request: Request, settings: SettingsDep) -> Response:
    script, etag = served_script(settings.max_message_chars, settings.retention_days)
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={SCRIPT_MAX_AGE}",
               "Cross-Origin-Resource-Policy": "cross-origin", "X-Content-Type-Options": "nosniff"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(script, media_type="application/javascript; charset=utf-8", headers=headers)


@router.options("/{path:path}")
def preflight(request: Request, path: str, sites: SitesDep) -> Response:
    origin = request.headers.get("origin")
    sites.check_preflight(site_hint(request), origin)
    return Response(status_code=204, headers=preflight_headers(origin))


@router.post("/conversations", status_code=201)
def start(request: Request, settings: SettingsDep, sites: SitesDep, limit: SiteLimitDep,
          body: Start | None = Body(None)) -> dict:
    site = site_of(request, sites, body.site if body else None)
    hit_site(limit, request, site)
    return {"token": sites.issue(site), "max_chars": settings.max_message_chars}


@router.post("/conversations/{token}/messages")
async def ask(request: Request, body: Message, token: Token, settings: SettingsDep, gateway: GatewayDep,
              limit: SiteLimitDep) -> Response:
    request.state.lang = body.language
    # a message about danger is not held to the site's limit nor refused for its length
    if not await admit(request, body.text, body.language, settings.max_message_chars):
        hit_site(limit, request, request.state.site)
    outcome = await call_gateway(gateway.ask, CHANNEL, gateway.asker(CHANNEL, token_hash(token)),
                                 conversation_id(token), body.text, language=body.language)
    return sse.stream(sse.outcome_events(outcome))


@router.post("/conversations/{token}/feedback")
async def feedback(request: Request, body: Feedback, token: Token, gateway: GatewayDep, limit: SiteLimitDep) -> dict:
    request.state.lang = body.language
    hit_site(limit, request, request.state.site)
    outcome = await call_gateway(gateway.feedback, CHANNEL, gateway.asker(CHANNEL, token_hash(token)),
                                 conversation_id(token), body.helpful, language=body.language)
    return {"outcome": sse.outcome_dict(outcome) if outcome else None}


@router.post("/conversations/{token}/advisor")
async def advisor(request: Request, token: Token, settings: SettingsDep, gateway: GatewayDep, limit: SiteLimitDep,
                  body: Advisor | None = Body(None)) -> dict:
    body = body or Advisor()
    request.state.lang = body.language
    # no text: the last question goes over
    if not await admit(request, body.text, body.language, settings.max_message_chars, required=False):
        hit_site(limit, request, request.state.site)
    outcome = await call_gateway(gateway.ask_advisor, CHANNEL, gateway.asker(CHANNEL, token_hash(token)),
                                 conversation_id(token), body.text, language=body.language)
    if outcome is None:
        raise ApiError(ErrorCode.NOTHING_TO_HAND_OVER)
    return {"outcome": sse.outcome_dict(outcome)}


@router.get("/conversations/{token}/replies")
async def replies(token: Token, gateway: GatewayDep, limit: ReadLimitDep,
                  after: int = Query(0, ge=0, le=2**62)) -> dict:
    hit(limit, token_hash(token))
    rows = await call_gateway(gateway.replies, conversation_id(token), after=after)
    return {"replies": [live.reply_dict(r) for r in rows]}


@router.get("/conversations/{token}/history")
async def history(token: Token, gateway: GatewayDep, limit: ReadLimitDep) -> dict:
    """What a reloaded widget shows again: only for the holder of the token, only within retention (the token
    expires with it, the messages are deleted with it)."""
    hit(limit, token_hash(token))
    return {"messages": await call_gateway(stored_history, gateway, conversation_id(token))}


@router.get("/conversations/{token}/events")
async def events(request: Request, token: Token, settings: SettingsDep, gateway: GatewayDep, bus: BusDep,
                 limit: ReadLimitDep, after: int = Query(0, ge=0, le=2**62)) -> Response:
    """Advisor replies live (text/event-stream), on whichever replica the widget is connected to."""
    hit(limit, token_hash(token))
    return sse.stream(live.reply_events(request, gateway, bus, conversation_id(token),
                                        live.resume_point(request, after), settings.live_poll_seconds,
                                        settings.live_stream_seconds))
