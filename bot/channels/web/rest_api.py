"""The partner REST API under ``/api/v1``: the same engine as the widget, for server-to-server use.

A partner authenticates with ``X-API-Key``; only the SHA-256 of each key is configured
(``api_keys``). A partner's own conversation ids are namespaced ``api:<partner>:<id>``, so partners
can never reach each other's conversations or replies. Bodies and their documentation: models.py.
"""
from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response, Security
from fastapi.openapi.utils import get_openapi
from fastapi.security import APIKeyHeader

from bot.channels.gateway import Gateway
from bot.channels.ratelimit import RateLimiter
from bot.i18n import text as T

from . import live, sse
from .deps import ApiLimitDep, GatewayDep, PartnersDep, SettingsDep, WebChannel, message_body_limit
from .errors import ApiError, ErrorCode, admit, call_gateway, error_responses, guarded_route, hit
from .models import (CONVERSATION, D, S, AdvisorIn, FeedbackIn, HandedOver, MaybeOutcome, MessageIn,
                     OutcomeOut, Replies)

CHANNEL = WebChannel.API
api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description=D("api.doc.api_key"))


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


def authenticated(partners: PartnersDep, key: Annotated[str | None, Security(api_key)]) -> str:
    """The partner whose key this is."""
    if key:
        digest = _digest(key)
        # compare with every partner, so timing says nothing about which digest almost matched
        matches = [name for name, d in partners.items() if hmac.compare_digest(d, digest)]
        if matches:
            return matches[0]
    raise ApiError(ErrorCode.UNAUTHORIZED, headers={"WWW-Authenticate": "X-API-Key"})


def counted(name: Annotated[str, Depends(authenticated)], limit: ApiLimitDep) -> str:
    """The partner, counted against its limit (a message counts later: an urgent one is not held to it)."""
    hit(limit, name)
    return name


Partner = Annotated[str, Depends(authenticated)]
CountedPartner = Annotated[str, Depends(counted)]
ConversationId = Annotated[str, Path(pattern=CONVERSATION, description=D("api.doc.conversation_id"))]


def ids(gateway: Gateway, name: str, conversation: str) -> tuple[str, str]:
    """(asker pseudonym, conversation id) for a partner's own conversation id."""
    return gateway.asker(CHANNEL, f"{name}:{conversation}"), f"{CHANNEL}:{name}:{conversation}"


async def answer(request: Request, body: MessageIn, name: str, max_chars: int, gateway: Gateway,
                 limit: RateLimiter):
    request.state.lang = body.language
    # a message about danger is not held to the partner's limit nor refused for its length
    if not await admit(request, body.text, body.language, max_chars):
        hit(limit, name)
    asker, conversation = ids(gateway, name, body.conversation_id)
    return await call_gateway(gateway.ask, CHANNEL, asker, conversation, body.text, language=body.language,
                              role=body.role, region=body.region)


router = APIRouter(prefix="/api/v1", route_class=guarded_route(message_body_limit))
common = error_responses(400, 401, 413, 422, 429, 503)


@router.post("/messages", response_model=OutcomeOut, responses=common, summary=S("api.doc.summary.messages"),
             description=D("api.doc.messages"))
async def messages(request: Request, body: MessageIn, name: Partner, settings: SettingsDep, gateway: GatewayDep,
                   limit: ApiLimitDep) -> dict:
    return sse.outcome_dict(await answer(request, body, name, settings.max_message_chars, gateway, limit))


@router.post("/messages/stream", response_class=Response, summary=S("api.doc.summary.stream"),
             description=D("api.doc.stream"),
             responses={200: {"content": {sse.EVENT_STREAM: {"schema": sse.EVENT_SCHEMA}},
                              "description": D("api.doc.stream_events")},
                        **error_responses(400, 401, 413, 422, 429, 503, stream=True)})
async def messages_stream(request: Request, body: MessageIn, name: Partner, settings: SettingsDep,
                          gateway: GatewayDep, limit: ApiLimitDep) -> Response:
    return sse.stream(sse.outcome_events(await answer(request, body, name, settings.max_message_chars, gateway,
                                                      limit)))


@router.post("/conversations/{conversation_id}/feedback", response_model=MaybeOutcome, responses=common,
             summary=S("api.doc.summary.feedback"), description=D("api.doc.feedback"))
async def feedback(request: Request, body: FeedbackIn, conversation_id: ConversationId, name: CountedPartner,
                   gateway: GatewayDep) -> dict:
    request.state.lang = body.language
    asker, conversation = ids(gateway, name, conversation_id)
    outcome = await call_gateway(gateway.feedback, CHANNEL, asker, conversation, body.helpful,
                                 language=body.language)
    return {"outcome": sse.outcome_dict(outcome) if outcome else None}


@router.post("/conversations/{conversation_id}/advisor", response_model=HandedOver,
             responses={**common, **error_responses(409)}, summary=S("api.doc.summary.advisor"),
             description=D("api.doc.advisor"))
async def advisor(request: Request, conversation_id: ConversationId, name: Partner, settings: SettingsDep,
                  gateway: GatewayDep, limit: ApiLimitDep, body: AdvisorIn | None = Body(None)) -> dict:
    body = body or AdvisorIn()
    request.state.lang = body.language
    # no text: the last question goes over
    if not await admit(request, body.text, body.language, settings.max_message_chars, required=False):
        hit(limit, name)
    asker, conversation = ids(gateway, name, conversation_id)
    outcome = await call_gateway(gateway.ask_advisor, CHANNEL, asker, conversation, body.text,
                                 language=body.language, role=body.role, region=body.region)
    if outcome is None:
        raise ApiError(ErrorCode.NOTHING_TO_HAND_OVER)
    return {"outcome": sse.outcome_dict(outcome)}


@router.get("/conversations/{conversation_id}/replies", response_model=Replies,
            responses=error_responses(400, 401, 422, 429, 503), summary=S("api.doc.summary.replies"),
            description=D("api.doc.replies"))
async def replies(conversation_id: ConversationId, name: CountedPartner, gateway: GatewayDep,
                  after: int = Query(0, ge=0, le=2**62, description=D("api.doc.after"))) -> dict:
    rows = await call_gateway(gateway.replies, ids(gateway, name, conversation_id)[1], after=after)
    return {"replies": [live.reply_dict(r) for r in rows]}


@lru_cache(maxsize=4)
def api_schema(public_url: str) -> dict:
    return get_openapi(title=T("api.doc.title", "nl"), version="1.0.0", description=D("api.doc.intro"),
                       routes=router.routes, servers=[{"url": public_url}])


@router.get("/openapi.json", include_in_schema=False)
def openapi(settings: SettingsDep) -> dict:
    return api_schema(settings.public_url)
