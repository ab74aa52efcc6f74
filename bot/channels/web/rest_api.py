"""The partner REST API under ``/api/v1``: the same engine as the widget, for server-to-server use.

A partner authenticates with ``X-API-Key``; only the SHA-256 of each key is configured
(``api_keys``). A partner's own conversation ids are namespaced ``api:<partner>:<id>``, so partners
can never reach each other's conversations or replies. The documentation texts of the schema live in
prompts/widget.<lang>.yaml (``api.doc.*``), Dutch first.
"""
from __future__ import annotations

import hashlib
import hmac
from typing import Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response, Security
from fastapi.openapi.utils import get_openapi
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field, field_validator

from bot.channels.junk import HAS_WORD
from bot.channels.ratelimit import make_limiter
from bot.engine.texts import text as T

from . import live, sse
from .errors import (ApiError, call_gateway, check_urgent, clean_text, error_responses, guarded_route,
                     hit)
from .widget_api import body_limit

CONVERSATION = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
ADVISOR_TEXT = "^[ \t\r\n]*$|" + HAS_WORD  # nothing (hand over the last question), or words
Role = Literal["youth_worker", "municipal_official", "mosque_board", "teacher", "community_member"]


def D(key: str) -> str:
    """A schema description: Dutch, then English."""
    return f"{T(key, 'nl')}\n\n{T(key, 'en')}"


class _Text(BaseModel):
    @field_validator("text", check_fields=False)
    @classmethod
    def _clean(cls, v: str) -> str:
        return clean_text(v)


class MessageIn(_Text):
    conversation_id: str = Field(pattern=CONVERSATION, description=D("api.doc.conversation_id"))
    text: str = Field(pattern=HAS_WORD, description=D("api.doc.text"))  # a word: no blank or junk message
    language: Literal["nl", "en"] | None = Field(None, description=D("api.doc.language"))
    role: Role | None = Field(None, description=D("api.doc.role"))
    region: str | None = Field(None, max_length=80, description=D("api.doc.region"))


class FeedbackIn(BaseModel):
    helpful: bool = Field(description=D("api.doc.helpful"))
    language: Literal["nl", "en"] | None = Field(None, description=D("api.doc.language"))


class AdvisorIn(_Text):
    text: str = Field("", pattern=ADVISOR_TEXT, description=D("api.doc.advisor_text"))
    language: Literal["nl", "en"] | None = Field(None, description=D("api.doc.language"))
    role: Role | None = Field(None, description=D("api.doc.role"))
    region: str | None = Field(None, max_length=80, description=D("api.doc.region"))


class CitationOut(BaseModel):
    n: int
    title: str
    section: str | None
    page: int | None
    url: str | None = Field(description=D("api.doc.citation_url"))
    published: str | None
    label: str


class OutcomeOut(BaseModel):
    kind: Literal["answer", "handover", "urgent"] = Field(description=D("api.doc.kind"))
    text: str = Field(description=D("api.doc.answer_text"))
    citations: list[CitationOut]
    ticket_ref: str | None = Field(description=D("api.doc.ticket_ref"))
    language: str


class MaybeOutcome(BaseModel):
    outcome: OutcomeOut | None


class HandedOver(BaseModel):
    outcome: OutcomeOut


class ReplyOut(BaseModel):
    id: int
    ticket_ref: str | None
    text: str
    created_at: str


class Replies(BaseModel):
    replies: list[ReplyOut]


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


def api_router(settings, gateway, per_minute: int | None = None) -> APIRouter:
    partners = {name: digest.strip().lower() for name, digest in settings.api_keys.items()}
    limit = per_minute or settings.api_messages_per_minute
    key_limit = make_limiter(settings, "api", limit)
    max_chars = settings.max_message_chars
    api_key = APIKeyHeader(name="X-API-Key", auto_error=False, description=D("api.doc.api_key"))
    router = APIRouter(prefix="/api/v1", route_class=guarded_route(body_limit(max_chars)))
    common = error_responses(400, 401, 413, 422, 429, 503)

    def authenticated(key: str | None = Security(api_key)) -> str:
        if key:
            digest = _digest(key)
            # compare with every partner, so timing says nothing about which digest almost matched
            matches = [name for name, d in partners.items() if hmac.compare_digest(d, digest)]
            if matches:
                return matches[0]
        raise ApiError("unauthorized", headers={"WWW-Authenticate": "X-API-Key"})

    def partner(name: str = Depends(authenticated)) -> str:
        hit(key_limit, name)
        return name

    def ids(name: str, conversation: str) -> tuple[str, str]:
        """(asker pseudonym, conversation id) for a partner's own conversation id."""
        return gateway.asker("api", f"{name}:{conversation}"), f"api:{name}:{conversation}"

    async def answer(request: Request, body: MessageIn, name: str):
        request.state.lang = body.language
        if not body.text.strip():
            raise ApiError("empty")
        # urgent first: a message about danger is not held to the partner's limit nor refused for its length
        urgent = await check_urgent(request, body.text, body.language)
        if len(body.text) > max_chars and not urgent:
            raise ApiError("too_long", max=max_chars)
        if not urgent:
            hit(key_limit, name)
        asker, conversation = ids(name, body.conversation_id)
        return await call_gateway(gateway.ask, "api", asker, conversation, body.text, language=body.language,
                                  role=body.role, region=body.region)

    path_id = Path(pattern=CONVERSATION, description=D("api.doc.conversation_id"))

    @router.post("/messages", response_model=OutcomeOut, responses=common, summary="Vraag stellen / Ask",
                 description=D("api.doc.messages"))
    async def messages(request: Request, body: MessageIn, name: str = Depends(authenticated)) -> dict:
        return sse.outcome_dict(await answer(request, body, name))

    @router.post("/messages/stream", response_class=Response, summary="Vraag stellen, gestreamd / Ask, streamed",
                 description=D("api.doc.stream"),
                 responses={200: {"content": {"text/event-stream": {"schema": sse.EVENT_SCHEMA}},
                                  "description": D("api.doc.stream_events")},
                            **error_responses(400, 401, 413, 422, 429, 503, stream=True)})
    async def messages_stream(request: Request, body: MessageIn, name: str = Depends(authenticated)) -> Response:
        return sse.stream(sse.outcome_events(await answer(request, body, name)))

    @router.post("/conversations/{conversation_id}/feedback", response_model=MaybeOutcome, responses=common,
                 summary="Feedback / Feedback", description=D("api.doc.feedback"))
    async def feedback(request: Request, body: FeedbackIn, conversation_id: str = path_id,
                       name: str = Depends(partner)) -> dict:
        request.state.lang = body.language
        asker, conversation = ids(name, conversation_id)
        outcome = await call_gateway(gateway.feedback, "api", asker, conversation, body.helpful,
                                     language=body.language)
        return {"outcome": sse.outcome_dict(outcome) if outcome else None}

    @router.post("/conversations/{conversation_id}/advisor", response_model=HandedOver,
                 responses={**common, **error_responses(409)}, summary="Naar een adviseur / To an advisor",
                 description=D("api.doc.advisor"))
    async def advisor(request: Request, body: AdvisorIn | None = Body(None), conversation_id: str = path_id,
                      name: str = Depends(authenticated)) -> dict:
        body = body or AdvisorIn()
        request.state.lang = body.language
        urgent = await check_urgent(request, body.text, body.language)
        if len(body.text) > max_chars and not urgent:
            raise ApiError("too_long", max=max_chars)
        if not urgent:
            hit(key_limit, name)
        asker, conversation = ids(name, conversation_id)
        outcome = await call_gateway(gateway.ask_advisor, "api", asker, conversation, body.text,
                                     language=body.language, role=body.role, region=body.region)
        if outcome is None:
            raise ApiError("nothing_to_hand_over")
        return {"outcome": sse.outcome_dict(outcome)}

    @router.get("/conversations/{conversation_id}/replies", response_model=Replies,
                responses=error_responses(400, 401, 422, 429, 503), summary="Antwoorden van adviseurs / "
                "Advisor replies", description=D("api.doc.replies"))
    async def replies(conversation_id: str = path_id,
                      after: int = Query(0, ge=0, le=2**62, description=D("api.doc.after")),
                      name: str = Depends(partner)) -> dict:
        rows = await call_gateway(gateway.replies, ids(name, conversation_id)[1], after=after)
        return {"replies": [live.reply_dict(r) for r in rows]}

    schema: dict = {}

    @router.get("/openapi.json", include_in_schema=False)
    def openapi() -> dict:
        if not schema:
            schema.update(get_openapi(title=T("api.doc.title", "nl"), version="1.0.0", description=D("api.doc.intro"),
                                      routes=router.routes, servers=[{"url": settings.public_url}]))
        return schema

    return router
