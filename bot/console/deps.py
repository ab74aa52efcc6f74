"""What console routes need, as typed dependencies (the shape of the FastAPI full-stack template's api/deps.py).

create_app puts the runtime's parts on ``app.state``; only the providers here read it. A route declares what it
uses (``db: DbDep, actor: AdvisorPage``) and a test replaces any provider with
``app.dependency_overrides[get_queue] = ...``.

Who may do what: ``*Page`` for GET pages (a logged-in advisor with at least that role), ``*Action`` for POSTs
(the same, and the form's ``csrf`` field equals the session's token). Both raise; errors.py makes the page.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from bot.config import Settings
from bot.handover.learning import KnowledgeDesk
from bot.handover.service import QueueService
from bot.storage.db import Database

from .security import SESSION_COOKIE, Actor, CsrfFailed, Forbidden, NotLoggedIn, csrf_ok, load_actor


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Database:
    return request.app.state.db


def get_queue(request: Request) -> QueueService:
    return request.app.state.queue


def get_desk(request: Request) -> KnowledgeDesk:
    return request.app.state.desk


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbDep = Annotated[Database, Depends(get_db)]
QueueDep = Annotated[QueueService, Depends(get_queue)]
DeskDep = Annotated[KnowledgeDesk, Depends(get_desk)]


def get_embeddings(request: Request, settings: SettingsDep):
    """The e5 model for the insights, loaded once per app on first use (tests put theirs on app.state beforehand)."""
    state = request.app.state
    if getattr(state, "insight_embeddings", None) is None:
        from bot.index.embeddings import make_embeddings  # the model's libraries load only when insights are read

        state.insight_embeddings = make_embeddings(settings.embedding_backend, settings.embedding_model,
                                                   settings.data_dir / "cache" / "embeddings.sqlite")
    return state.insight_embeddings


EmbeddingsDep = Annotated[object, Depends(get_embeddings)]  # LangChain Embeddings, not imported before first use


def get_actor(request: Request, db: DbDep) -> Actor | None:
    """The logged-in advisor, or None (no cookie, session expired or ended, account deactivated)."""
    return load_actor(db, request.cookies.get(SESSION_COOKIE))


MaybeActor = Annotated[Actor | None, Depends(get_actor)]


def _with_role(actor: Actor | None, role: str) -> Actor:
    if actor is None:
        raise NotLoggedIn()
    if not actor.has_role(role):
        raise Forbidden(actor)
    return actor


async def _posted_by(request: Request, actor: Actor | None, role: str) -> Actor:
    actor = _with_role(actor, role)
    if not csrf_ok(actor, (await request.form()).get("csrf")):
        raise CsrfFailed()
    return actor


# Role checks are async: they only compare values, so they need no worker thread of their own.
async def advisor_page(actor: MaybeActor) -> Actor:
    return _with_role(actor, "advisor")


async def admin_page(actor: MaybeActor) -> Actor:
    return _with_role(actor, "admin")


async def advisor_action(request: Request, actor: MaybeActor) -> Actor:
    return await _posted_by(request, actor, "advisor")


async def editor_action(request: Request, actor: MaybeActor) -> Actor:
    return await _posted_by(request, actor, "editor")


async def admin_action(request: Request, actor: MaybeActor) -> Actor:
    return await _posted_by(request, actor, "admin")


AdvisorPage = Annotated[Actor, Depends(advisor_page)]
AdminPage = Annotated[Actor, Depends(admin_page)]
AdvisorAction = Annotated[Actor, Depends(advisor_action)]
EditorAction = Annotated[Actor, Depends(editor_action)]
AdminAction = Annotated[Actor, Depends(admin_action)]
