"""What the widget and the REST API take and give: request and response bodies, and their enums.

Fields typed ``Literal[<enum members>]`` validate to the enum but keep the OpenAPI schema inline
(``{"enum": [...], "type": "string"}``), as it was; the values are the strings clients send. The
documentation texts of the REST schema live in prompts/widget.<lang>.yaml (``api.doc.*``), Dutch first.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from bot.channels.junk import HAS_WORD
from bot.engine.messages import Kind
from bot.i18n import text as T


class Language(StrEnum):
    NL = "nl"
    EN = "en"


class Role(StrEnum):
    """Who a partner's asker is (the REST API's ``role``)."""

    YOUTH_WORKER = "youth_worker"
    MUNICIPAL_OFFICIAL = "municipal_official"
    MOSQUE_BOARD = "mosque_board"
    TEACHER = "teacher"
    COMMUNITY_MEMBER = "community_member"


Lang = Literal[Language.NL, Language.EN]
Roles = Literal[Role.YOUTH_WORKER, Role.MUNICIPAL_OFFICIAL, Role.MOSQUE_BOARD, Role.TEACHER, Role.COMMUNITY_MEMBER]

CONVERSATION = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"  # a partner's own conversation id
ADVISOR_TEXT = "^[ \t\r\n]*$|" + HAS_WORD  # nothing (hand over the last question), or words


def D(key: str) -> str:
    """A schema description: Dutch, then English."""
    return f"{T(key, 'nl')}\n\n{T(key, 'en')}"


def S(key: str) -> str:
    """A short schema text (summary, status) on one line: Dutch / English."""
    return f"{T(key, 'nl')} / {T(key, 'en')}"


def clean_text(value: str) -> str:
    """NUL bytes cannot be stored (PostgreSQL) and lone surrogates cannot be encoded: neither is text."""
    return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


class _Text(BaseModel):
    """A body with the asker's ``text``, cleaned here; whether it is empty or too long is checked once, by
    bot/engine/rejections.check_text (after triage: urgent text is never refused for its length)."""

    @field_validator("text", check_fields=False)
    @classmethod
    def _clean(cls, v: str) -> str:
        return clean_text(v)


# --- the widget (not in the OpenAPI schema) ---------------------------------------------
class Start(BaseModel):
    site: str | None = Field(None, max_length=100)


class Message(_Text):
    text: str
    language: Lang | None = None


class Feedback(BaseModel):
    helpful: bool
    language: Lang | None = None


class Advisor(_Text):
    text: str = ""
    language: Lang | None = None


# --- the REST API ----------------------------------------------------------------------
class MessageIn(_Text):
    conversation_id: str = Field(pattern=CONVERSATION, description=D("api.doc.conversation_id"))
    text: str = Field(pattern=HAS_WORD, description=D("api.doc.text"))  # a word: no blank or junk message
    language: Lang | None = Field(None, description=D("api.doc.language"))
    role: Roles | None = Field(None, description=D("api.doc.role"))
    region: str | None = Field(None, max_length=80, description=D("api.doc.region"))


class FeedbackIn(BaseModel):
    helpful: bool = Field(description=D("api.doc.helpful"))
    language: Lang | None = Field(None, description=D("api.doc.language"))


class AdvisorIn(_Text):
    text: str = Field("", pattern=ADVISOR_TEXT, description=D("api.doc.advisor_text"))
    language: Lang | None = Field(None, description=D("api.doc.language"))
    role: Roles | None = Field(None, description=D("api.doc.role"))
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
    kind: Literal[Kind.ANSWER, Kind.HANDOVER, Kind.URGENT] = Field(description=D("api.doc.kind"))
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
