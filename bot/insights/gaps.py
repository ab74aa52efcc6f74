"""Content gaps: questions the knowledge base could not answer, grouped by meaning, and editor tasks.

Only ``gap_question`` (redacted; set for hand-overs and "niet nuttig" feedback) is read. Texts are embedded
with the e5 model and grouped by average-linkage agglomerative clustering on cosine similarity, which is
deterministic (ties broken by index). Examples are shown only for clusters of at least K distinct askers.

Editor tasks are kept simple on purpose: no new table. A task is an audit-log entry with action
"gap.task" (detail: cluster summary and examples); marking it done adds "gap.done" naming the task.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import select

from bot.storage.audit import audit
from bot.storage.models import AuditEntry, InsightEvent

from .aggregate import NO_THEME, Filters
from .privacy import Guard

# e5 similarities are compressed (unrelated Dutch questions still score ~0.85); measured on paraphrase
# sets in tests/insights: same-topic pairs average ~0.91-0.94, different topics stay below this.
THRESHOLD = 0.90
MAX_TEXTS = 2000  # clustering is quadratic: the most recent gaps are the ones to act on
TASK, DONE = "gap.task", "gap.done"


@dataclass(frozen=True)
class Gap:
    key: str  # stable id of the cluster: a hash of its most central question
    askers: int
    theme: str
    examples: tuple[str, ...]  # at most 3, redacted; empty below K askers
    summary: str  # the most central question (only kept for clusters of >= K askers)


@dataclass(frozen=True)
class GapReport:
    gaps: list[Gap]  # clusters with >= K distinct askers, largest first
    hidden: int  # clusters below K: counted, never shown


def agglomerate(vectors: np.ndarray, threshold: float = THRESHOLD) -> list[list[int]]:
    """Average-linkage clusters of unit vectors; merging stops when no pair averages >= threshold."""
    n = len(vectors)
    if n == 0:
        return []
    sim = (vectors @ vectors.T).astype(np.float64)
    np.fill_diagonal(sim, -np.inf)
    members = {i: [i] for i in range(n)}
    active = np.ones(n, dtype=bool)
    while True:
        masked = np.where(active[:, None] & active[None, :], sim, -np.inf)
        flat = int(np.argmax(masked))  # first maximum: deterministic
        i, j = divmod(flat, n)
        if masked[i, j] < threshold:
            break
        a, b = min(i, j), max(i, j)
        na, nb = len(members[a]), len(members[b])
        # Lance-Williams for average linkage: the merged row is the size-weighted mean of both rows.
        row = (na * sim[a] + nb * sim[b]) / (na + nb)
        sim[a, :], sim[:, a] = row, row
        sim[a, a] = -np.inf
        active[b] = False
        members[a] = members[a] + members.pop(b)
    return sorted((sorted(m) for m in members.values()), key=lambda m: m[0])


def _unit(vectors) -> np.ndarray:
    v = np.asarray(vectors, dtype=np.float64)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def load_gap_questions(db, filters: Filters) -> list[tuple[str, str, str]]:
    """(text, asker, theme) of the most recent gap questions in the period."""
    lo, hi = filters.bounds()
    q = select(InsightEvent.gap_question, InsightEvent.asker_key, InsightEvent.theme).where(
        InsightEvent.gap_question.is_not(None))
    if lo is not None:
        q = q.where(InsightEvent.at >= lo)
    if hi is not None:
        q = q.where(InsightEvent.at < hi)
    for column, value in ((InsightEvent.theme, filters.theme), (InsightEvent.region, filters.region),
                          (InsightEvent.channel, filters.channel)):
        if value:
            q = q.where(column == value)
    with db.session() as s:
        rows = s.execute(q.order_by(InsightEvent.at.desc(), InsightEvent.id.desc()).limit(MAX_TEXTS)).all()
    return [(r.gap_question.strip(), r.asker_key, r.theme or NO_THEME) for r in rows if r.gap_question.strip()]


def find_gaps(db, guard: Guard, embeddings, filters: Filters = Filters(), threshold: float = THRESHOLD) -> GapReport:
    rows = load_gap_questions(db, filters)
    texts = sorted({t for t, _, _ in rows})  # identical questions are embedded once; sorted: deterministic
    if not texts:
        return GapReport([], 0)
    vectors = _unit(embeddings.embed_documents(texts))
    index = {t: i for i, t in enumerate(texts)}
    gaps, hidden = [], 0
    for cluster in agglomerate(vectors, threshold):
        inside = set(cluster)
        mine = [r for r in rows if index[r[0]] in inside]
        askers = {a for _, a, _ in mine}
        if not guard.allows(len(askers)):
            hidden += 1
            continue
        centre = vectors[cluster].mean(axis=0)
        central = sorted(cluster, key=lambda i: (-float(vectors[i] @ centre), i))
        examples, seen = [], set()
        for i in central:  # one example per asker: three people, not one person three times
            asker = next(a for t, a, _ in mine if t == texts[i])
            if asker not in seen:
                examples.append(texts[i])
                seen.add(asker)
            if len(examples) == 3:
                break
        theme = Counter(t for _, _, t in mine).most_common(1)[0][0]
        summary = texts[central[0]]
        gaps.append(Gap(hashlib.sha256(summary.encode()).hexdigest()[:16], len(askers), theme, tuple(examples),
                        summary))
    gaps.sort(key=lambda g: (-g.askers, g.key))
    return GapReport(gaps, hidden)


@dataclass(frozen=True)
class Task:
    id: int
    at: datetime
    actor: str
    key: str
    theme: str
    askers: int
    summary: str
    examples: tuple[str, ...]


def create_task(s, actor_id: int | None, gap: Gap, period: str) -> bool:
    """Records the task unless an open one for the same cluster exists; returns whether it was made."""
    if any(t.key == gap.key for t in open_tasks(s)):
        return False
    audit(s, actor_id, TASK, key=gap.key, theme=gap.theme, askers=gap.askers, summary=gap.summary,
          examples=list(gap.examples), period=period)
    return True


def close_task(s, actor_id: int | None, task_id: int) -> bool:
    if not any(t.id == task_id for t in open_tasks(s)):
        return False
    audit(s, actor_id, DONE, task=task_id)
    return True


def open_tasks(s) -> list[Task]:
    entries = s.scalars(select(AuditEntry).where(AuditEntry.action.in_((TASK, DONE))).order_by(AuditEntry.id)).all()
    done = {e.detail.get("task") for e in entries if e.action == DONE}
    return [Task(e.id, e.at, e.actor.name if e.actor else "–", e.detail.get("key", ""), e.detail.get("theme", ""),
                 int(e.detail.get("askers", 0)), e.detail.get("summary", ""), tuple(e.detail.get("examples", ())))
            for e in entries if e.action == TASK and e.id not in done]
