"""The chunk catalog: which documents are indexed, with which content hash, and their chunks.

SQLite in the index folder. It is the source of truth for what is indexed: the
BM25 index is rebuilt from it and Chroma is kept in step with it, so a crash
between the two is repaired by the next ingest (the document's hash won't match).
"""
from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.index.model import Chunk, DocumentMeta

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    root TEXT NOT NULL,
    source TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    meta TEXT NOT NULL,
    n_chunks INTEGER NOT NULL,
    indexed_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    heading_path TEXT NOT NULL,
    page INTEGER,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, ordinal);
"""


@dataclass(frozen=True)
class IndexedDocument:
    doc_id: str
    root: str
    source: str
    content_hash: str
    meta: DocumentMeta
    n_chunks: int


def meta_to_json(meta: DocumentMeta) -> str:
    d = dict(meta.__dict__)
    d["audience"] = list(meta.audience)
    d["published"] = meta.published.isoformat() if meta.published else None
    return json.dumps(d, ensure_ascii=False, sort_keys=True)


def meta_from_json(s: str) -> DocumentMeta:
    d = json.loads(s)
    d["audience"] = tuple(d.get("audience") or ("all",))
    d["published"] = date.fromisoformat(d["published"]) if d.get("published") else None
    return DocumentMeta(**d)


class Catalog:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(str(path), timeout=60, check_same_thread=False)
        self._wal()
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)

    def _wal(self) -> None:
        # Two processes opening a new catalog at once: switching to WAL can fail with "locked" at once,
        # without SQLite's busy timeout (seen in CI); the other process finishes the switch in milliseconds.
        for attempt in range(100):
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 99:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        self.db.close()

    # --- meta ---------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def version(self) -> int:
        return int(self.get_meta("version") or 0)

    def bump_version(self) -> int:
        v = self.version() + 1
        self.set_meta("version", str(v))
        return v

    # --- documents ------------------------------------------------------------
    def documents(self) -> dict[str, IndexedDocument]:
        rows = self.db.execute("SELECT doc_id, root, source, content_hash, meta, n_chunks FROM documents")
        return {r[0]: IndexedDocument(r[0], r[1], r[2], r[3], meta_from_json(r[4]), r[5]) for r in rows}

    def chunk_ids(self, doc_id: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT chunk_id FROM chunks WHERE doc_id=? ORDER BY ordinal", (doc_id,))]

    def replace_document(self, root: str, content_hash: str, meta: DocumentMeta, chunks: list[Chunk]) -> None:
        with self.db:
            self.db.execute("DELETE FROM documents WHERE doc_id=?", (meta.doc_id,))
            self.db.execute(
                "INSERT INTO documents (doc_id, root, source, content_hash, meta, n_chunks) VALUES (?,?,?,?,?,?)",
                (meta.doc_id, root, meta.source, content_hash, meta_to_json(meta), len(chunks)),
            )
            self.db.executemany(
                "INSERT INTO chunks (chunk_id, doc_id, ordinal, heading_path, page, text) VALUES (?,?,?,?,?,?)",
                [(c.chunk_id, meta.doc_id, c.ordinal, json.dumps(list(c.heading_path), ensure_ascii=False), c.page, c.text)
                 for c in chunks],
            )

    def delete_document(self, doc_id: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))

    def all_chunks(self) -> list[Chunk]:
        metas = {d.doc_id: d.meta for d in self.documents().values()}
        rows = self.db.execute(
            "SELECT chunk_id, doc_id, ordinal, heading_path, page, text FROM chunks ORDER BY doc_id, ordinal"
        )
        return [
            Chunk(chunk_id=r[0], doc=metas[r[1]], ordinal=r[2], heading_path=tuple(json.loads(r[3])), page=r[4], text=r[5])
            for r in rows
        ]
