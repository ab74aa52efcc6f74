"""The learning loop: an advisor's reply becomes a reviewed, citable knowledge entry.

An advisor proposes an entry (edited question and answer); a second person with
the editor role approves it. Four eyes: the approver is neither the author nor anyone who edited the
text (the last editor included), and approves the version they read (``version``). Approval writes it as Markdown to the reviewed
folder, with its own ``sources.yaml`` so it is cited as "ESS-adviseur, <datum>",
and ingests that folder incrementally; retracting deletes the file and ingests
again, which removes it from the index. Text with personal data is refused.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Callable

import hashlib

import yaml
from sqlalchemy import select

from bot.engine.tickets import OFFICE_TZ

from bot.i18n import text as T
from bot.storage.audit import audit
from bot.storage.db import Database
from bot.storage.models import Advisor, AuditEntry, KnowledgeEntry, Ticket, utcnow

from .actions import KIND_NL

COLLECTION = "adviseur-antwoorden"
MONTHS_NL = [T(f"knowledge.month.{i}") for i in range(1, 13)]


class EntryError(ValueError):
    """Dutch message for the console."""


def version(entry: KnowledgeEntry) -> str:
    """What the approver read: the approval form carries it, so a text changed meanwhile is not approved."""
    return hashlib.sha256(f"{entry.question}\x00{entry.answer}".encode()).hexdigest()[:16]


def has_edited(s, entry_id: int, advisor_id: int) -> bool:
    """Did this advisor ever change the entry's text (the audit log keeps every edit)?"""
    edits = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "knowledge.edited",
                                                      AuditEntry.actor_id == advisor_id)).all()
    return any(d.get("entry") == entry_id and d.get("changed", True) for d in edits)  # older rows: any edit


def citation_title(day: datetime) -> str:
    day = day.astimezone(OFFICE_TZ)  # the date the advisor saw, not the UTC one
    return T("knowledge.citation_title", day=day.day, month=MONTHS_NL[day.month - 1], year=day.year)


class KnowledgeDesk:
    def __init__(self, db: Database, settings, redactor=None, ingest: Callable[[Path], object] | None = None):
        self.db, self.settings, self._redactor = db, settings, redactor
        self.folder: Path = Path(settings.reviewed_dir)
        self._ingest = ingest or self._default_ingest

    @property
    def redactor(self):
        """Loaded on first use: deduce takes seconds and much memory, and most console pages never need it."""
        if self._redactor is None:
            from bot.privacy import get_redactor

            self._redactor = get_redactor()
        return self._redactor

    def _default_ingest(self, folder: Path):
        from ingest.pipeline import ingest_paths

        return ingest_paths([folder], self.settings, lock_timeout=120)

    def _check_clean(self, *texts: str) -> None:
        found = []
        for t in texts:
            found += [s.kind for s in self.redactor.redact(t).spans]
        if found:
            kinds = sorted({KIND_NL.get(k.upper(), k.lower()) for k in found})
            raise EntryError(T("console.refusal.entry_personal_data", kinds=", ".join(kinds)))

    def propose(self, author_id: int, question: str, answer: str, ticket_ref: str | None = None,
                theme: str | None = None) -> KnowledgeEntry:
        question, answer = (question or "").strip(), (answer or "").strip()
        if len(question) < 10 or len(answer) < 20:
            raise EntryError(T("console.refusal.entry_incomplete"))
        self._check_clean(question, answer)
        with self.db.session() as s:
            ticket = s.scalars(select(Ticket).where(Ticket.ref == ticket_ref)).first() if ticket_ref else None
            entry = KnowledgeEntry(question=question, answer=answer, theme=theme or (ticket.theme if ticket else None),
                                   ticket_id=ticket.id if ticket else None, author_id=author_id, status="draft",
                                   created_at=utcnow())
            s.add(entry)
            s.flush()
            audit(s, author_id, "knowledge.proposed", ticket, entry=entry.id)
            return entry

    def edit(self, entry_id: int, actor_id: int, question: str, answer: str) -> None:
        self._check_clean(question, answer)
        with self.db.session() as s:
            entry = self._get(s, entry_id)
            actor = s.get(Advisor, actor_id)
            if actor is None or (entry.author_id != actor_id and not actor.has_role("editor")):
                raise EntryError(T("console.refusal.entry_edit_not_allowed"))
            if entry.status != "draft":
                raise EntryError(T("console.refusal.entry_edit_not_draft"))
            changed = (entry.question, entry.answer) != (question.strip(), answer.strip())
            entry.question, entry.answer = question.strip(), answer.strip()
            if changed:
                entry.last_editor_id = actor_id
            audit(s, actor_id, "knowledge.edited", entry=entry.id, changed=changed)

    def approve(self, entry_id: int, approver_id: int, seen_version: str | None = None) -> KnowledgeEntry:
        """Publishes the draft. ``seen_version`` (the console always sends it): the text the approver read."""
        with self.db.session() as s:
            entry = self._get(s, entry_id, lock=True)
            approver = s.get(Advisor, approver_id)
            if approver is None or not approver.has_role("editor"):
                raise EntryError(T("console.refusal.approve_not_editor"))
            if entry.author_id == approver_id:
                raise EntryError(T("console.refusal.approve_own_proposal"))
            if entry.last_editor_id == approver_id or has_edited(s, entry.id, approver_id):
                raise EntryError(T("console.refusal.approve_own_edit"))
            if entry.status != "draft":
                raise EntryError(T("console.refusal.approve_not_draft"))
            if seen_version is not None and seen_version != version(entry):
                raise EntryError(T("console.refusal.approve_changed"))
            self._check_clean(entry.question, entry.answer)
            entry.status, entry.approver_id, entry.published_at = "published", approver_id, utcnow()
            audit(s, approver_id, "knowledge.published", entry=entry.id)
            self._write(s)
        self._ingest(self.folder)  # after commit: a failed ingest is repaired by the next one
        return entry

    def retract(self, entry_id: int, actor_id: int) -> None:
        with self.db.session() as s:
            entry = self._get(s, entry_id, lock=True)
            actor = s.get(Advisor, actor_id)
            if actor is None or not actor.has_role("editor"):
                raise EntryError(T("console.refusal.retract_not_editor"))
            if entry.status != "published":
                raise EntryError(T("console.refusal.retract_not_published"))
            entry.status, entry.retracted_at = "retracted", utcnow()
            audit(s, actor_id, "knowledge.retracted", entry=entry.id)
            self._write(s)
        self._ingest(self.folder)

    def _get(self, s, entry_id: int, lock: bool = False) -> KnowledgeEntry:
        entry = s.get(KnowledgeEntry, entry_id, with_for_update=lock)
        if entry is None:
            raise EntryError(T("console.refusal.entry_not_found"))
        return entry

    def _write(self, s) -> None:
        """The folder mirrors the published entries: one Markdown file each plus the manifest."""
        self.folder.mkdir(parents=True, exist_ok=True)
        published = s.scalars(select(KnowledgeEntry).where(KnowledgeEntry.status == "published")
                              .order_by(KnowledgeEntry.id)).all()
        wanted = {}
        docs = []
        for e in published:
            name = f"ess-adviseur-{e.id}.md"
            wanted[name] = f"# {_one_line(e.question)}\n\n{e.answer.strip()}\n"
            docs.append({"file": name, "title": citation_title(e.published_at), "collection": COLLECTION,
                         "audience": ["all"], "language": "nl", "published": e.published_at.astimezone(OFFICE_TZ).date().isoformat()})
        manifest = {"defaults": {"collection": COLLECTION, "audience": ["all"], "language": "nl"},
                    "collections": {COLLECTION: {"title": T("knowledge.collection.title"),
                                                 "description": T("knowledge.collection.description")}},
                    "documents": docs}
        _atomic_write(self.folder / "sources.yaml", yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False))
        for name, text in wanted.items():
            path = self.folder / name
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                _atomic_write(path, text)
        for path in self.folder.glob("ess-adviseur-*.md"):
            if path.name not in wanted:
                path.unlink()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name("." + path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
