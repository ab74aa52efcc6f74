"""The learning loop in the console: propose an answer as a knowledge entry, edit, approve, retract."""
from __future__ import annotations

import logging

from fastapi import APIRouter, Form, HTTPException, Request

from bot.handover import queries
from bot.i18n import text as T
from bot.handover.learning import EntryError, citation_title
from bot.storage.db import Database

from .deps import AdvisorAction, AdvisorPage, DbDep, DeskDep, EditorAction
from .views import redirect, render

router = APIRouter()
log = logging.getLogger(__name__)


@router.get("/knowledge")
def knowledge_list(request: Request, db: DbDep, actor: AdvisorPage):
    with db.session() as s:
        return render(request, "knowledge_list.html", actor=actor, groups=queries.knowledge_by_status(s),
                      citation_title=citation_title)


@router.get("/knowledge/new")
def knowledge_new(request: Request, db: DbDep, actor: AdvisorPage, ticket: str = ""):
    with db.session() as s:
        form = queries.proposal_from(s, ticket, actor.id)
    return render(request, "knowledge_new.html", actor=actor, ticket=form.ticket, question=form.question,
                  answer=form.answer, theme=form.theme or "", error=None)


@router.post("/knowledge")
def knowledge_propose(request: Request, desk: DeskDep, actor: AdvisorAction, question: str = Form(""),
                      answer: str = Form(""), ticket: str = Form(""), theme: str = Form("")):
    try:
        entry = desk.propose(actor.id, question, answer, ticket_ref=ticket or None, theme=theme.strip() or None)
    except EntryError as exc:
        return render(request, "knowledge_new.html", 400, actor=actor, ticket=ticket, question=question,
                      answer=answer, theme=theme, error=str(exc))
    return redirect(request, f"/knowledge/{entry.id}",
                    T("console.flash.entry_proposed"))


@router.get("/knowledge/{entry_id}")
def knowledge_entry(entry_id: int, request: Request, db: DbDep, actor: AdvisorPage):
    with db.session() as s:
        view = queries.entry_view(s, entry_id, actor.id)
        if view is None:
            raise HTTPException(404)
        return render(request, "knowledge_entry.html", actor=actor, e=view.entry, ticket=view.ticket,
                      can_edit=view.can_edit, title=view.title, version=view.version, can_approve=view.can_approve)


@router.post("/knowledge/{entry_id}/edit")
def knowledge_edit(entry_id: int, request: Request, db: DbDep, desk: DeskDep, actor: AdvisorAction,
                   question: str = Form(""), answer: str = Form("")):
    url = f"/knowledge/{entry_id}"
    with db.session() as s:
        if queries.entry_status(s, entry_id) is None:
            raise HTTPException(404)
    try:  # KnowledgeDesk.edit enforces author-or-editor and says so
        desk.edit(entry_id, actor.id, question, answer)
    except EntryError as exc:
        return redirect(request, url, str(exc), error=True)
    return redirect(request, url, T("console.flash.entry_saved"))


@router.post("/knowledge/{entry_id}/approve")
def knowledge_approve(entry_id: int, request: Request, db: DbDep, desk: DeskDep, actor: EditorAction,
                      version: str = Form("")):
    url = f"/knowledge/{entry_id}"
    try:  # the version the editor read: a text changed since is not approved unseen (learning.version)
        desk.approve(entry_id, actor.id, seen_version=version or None)
    except EntryError as exc:
        return redirect(request, url, str(exc), error=True)
    except Exception:
        return _index_failed(request, db, entry_id, "published")
    return redirect(request, url, T("console.flash.entry_approved"))


@router.post("/knowledge/{entry_id}/retract")
def knowledge_retract(entry_id: int, request: Request, db: DbDep, desk: DeskDep, actor: EditorAction):
    url = f"/knowledge/{entry_id}"
    try:
        desk.retract(entry_id, actor.id)
    except EntryError as exc:
        return redirect(request, url, str(exc), error=True)
    except Exception:
        return _index_failed(request, db, entry_id, "retracted")
    return redirect(request, url, T("console.flash.entry_retracted"))


def _index_failed(request: Request, db: Database, entry_id: int, wanted: str):
    """The desk commits before it ingests: tell apart a saved change with a stale index from a failure."""
    log.exception("knowledge entry %s: change to %s failed", entry_id, wanted)
    with db.session() as s:
        saved = queries.entry_status(s, entry_id) == wanted
    message = T("console.flash.index_stale" if saved else "console.flash.change_failed")
    return redirect(request, f"/knowledge/{entry_id}", message, error=True)
