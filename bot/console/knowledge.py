"""The learning loop in the console: propose an answer as a knowledge entry, edit, approve, retract."""
from __future__ import annotations

import logging

from fastapi import APIRouter, Form, HTTPException, Request
from sqlalchemy import select

from bot.handover import access
from bot.handover.learning import EntryError, citation_title, has_edited, version
from bot.storage.models import Advisor, KnowledgeEntry, Ticket, utcnow

from bot.storage.db import Database

from .deps import AdvisorAction, AdvisorPage, DbDep, DeskDep, EditorAction
from .views import redirect, render

router = APIRouter()
log = logging.getLogger(__name__)


@router.get("/knowledge")
def knowledge_list(request: Request, db: DbDep, actor: AdvisorPage):
    with db.session() as s:
        entries = s.scalars(select(KnowledgeEntry).order_by(KnowledgeEntry.id.desc())).all()
        groups = {status: [e for e in entries if e.status == status] for status in ("draft", "published", "retracted")}
        return render(request, "knowledge_list.html", actor=actor, groups=groups, citation_title=citation_title)


@router.get("/knowledge/new")
def knowledge_new(request: Request, db: DbDep, actor: AdvisorPage, ticket: str = ""):
    question = answer = ""
    theme = None
    with db.session() as s:
        t = s.scalars(select(Ticket).where(Ticket.ref == ticket)).first() if ticket else None
        if t is not None and not (actor.has_role("admin") or access.may_view(s, t, s.get(Advisor, actor.id))):
            t = None  # another team's case text is not copied into a form
        if t is not None:
            answers = [r for r in t.replies if r.kind == "answer"]
            question, theme = t.question, t.theme
            answer = answers[-1].text if answers else ""
    return render(request, "knowledge_new.html", actor=actor, ticket=t.ref if t else "", question=question,
                  answer=answer, theme=theme or "", error=None)


@router.post("/knowledge")
def knowledge_propose(request: Request, desk: DeskDep, actor: AdvisorAction, question: str = Form(""),
                      answer: str = Form(""), ticket: str = Form(""), theme: str = Form("")):
    try:
        entry = desk.propose(actor.id, question, answer, ticket_ref=ticket or None, theme=theme.strip() or None)
    except EntryError as exc:
        return render(request, "knowledge_new.html", 400, actor=actor, ticket=ticket, question=question,
                      answer=answer, theme=theme, error=str(exc))
    return redirect(request, f"/knowledge/{entry.id}",
                    "Voorgesteld. Een redacteur (niet uzelf) moet het nog goedkeuren.")


@router.get("/knowledge/{entry_id}")
def knowledge_entry(entry_id: int, request: Request, db: DbDep, actor: AdvisorPage):
    with db.session() as s:
        entry = s.get(KnowledgeEntry, entry_id)
        if entry is None:
            raise HTTPException(404)
        ticket = s.get(Ticket, entry.ticket_id) if entry.ticket_id else None
        return render(request, "knowledge_entry.html", actor=actor, e=entry, ticket=ticket,
                      can_edit=entry.status == "draft" and (entry.author_id == actor.id or actor.has_role("editor")),
                      title=citation_title(entry.published_at or utcnow()), version=version(entry),
                      can_approve=(entry.status == "draft" and actor.has_role("editor")
                                   and actor.id not in (entry.author_id, entry.last_editor_id)
                                   and not has_edited(s, entry.id, actor.id)))


@router.post("/knowledge/{entry_id}/edit")
def knowledge_edit(entry_id: int, request: Request, db: DbDep, desk: DeskDep, actor: AdvisorAction,
                   question: str = Form(""), answer: str = Form("")):
    url = f"/knowledge/{entry_id}"
    with db.session() as s:
        if s.get(KnowledgeEntry, entry_id) is None:
            raise HTTPException(404)
    try:  # KnowledgeDesk.edit enforces author-or-editor and says so
        desk.edit(entry_id, actor.id, question, answer)
    except EntryError as exc:
        return redirect(request, url, str(exc), error=True)
    return redirect(request, url, "Wijzigingen opgeslagen.")


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
    return redirect(request, url, "Goedgekeurd en gepubliceerd; de kennisbot kan het nu citeren.")


@router.post("/knowledge/{entry_id}/retract")
def knowledge_retract(entry_id: int, request: Request, db: DbDep, desk: DeskDep, actor: EditorAction):
    url = f"/knowledge/{entry_id}"
    try:
        desk.retract(entry_id, actor.id)
    except EntryError as exc:
        return redirect(request, url, str(exc), error=True)
    except Exception:
        return _index_failed(request, db, entry_id, "retracted")
    return redirect(request, url, "Ingetrokken; het wordt niet meer geciteerd.")


def _index_failed(request: Request, db: Database, entry_id: int, wanted: str):
    """The desk commits before it ingests: tell apart a saved change with a stale index from a failure."""
    log.exception("knowledge entry %s: change to %s failed", entry_id, wanted)
    with db.session() as s:
        saved = s.scalar(select(KnowledgeEntry.status).where(KnowledgeEntry.id == entry_id)) == wanted
    message = ("De wijziging is opgeslagen, maar de zoekindex kon niet worden bijgewerkt. Dat gebeurt alsnog bij "
               "de volgende publicatie." if saved else
               "Er ging iets mis; er is niets gewijzigd. Probeer het later opnieuw.")
    return redirect(request, f"/knowledge/{entry_id}", message, error=True)
