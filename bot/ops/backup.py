"""`essbot backup`: the queue database, the index, the embedding cache and the reviewed answers.

Everything is written into a hidden work folder next to the destination and renamed into place
only when the manifest (written last) is complete, so a backup that exists is a whole backup.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import sqlite3
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

from bot.config import Settings
from bot.storage.db import database_url
from bot.index.store import Index, IndexBusy

from . import IndexLocked, database, manifest
from .files import copy_tree, pack, sqlite_copy

CATALOG = "index/catalog.sqlite"
BM25 = "index/bm25"
CHROMA = "index/chroma"
CACHE = "cache/embeddings.sqlite"
REVIEWED = "reviewed"


@dataclass
class BackupResult:
    path: Path
    files: int
    bytes: int
    seconds: float
    manifest: dict


def cache_path(settings: Settings) -> Path:
    return settings.data_dir / "cache" / "embeddings.sqlite"


def key_check(secret_key: str) -> str:
    """Tells at restore time whether ESSBOT_SECRET_KEY (pseudonyms, sealed chat ids) is still the same,
    without putting the key or anything that helps guess it in the backup."""
    return hmac.new(secret_key.encode(), b"essbot-backup-key-check", hashlib.sha256).hexdigest()[:16]


def essbot_version() -> str:
    try:
        return metadata.version("ess-kennisbot")
    except metadata.PackageNotFoundError:
        return "unknown"


@contextmanager
def index_write_lock(index_dir: Path, timeout: float):
    """The ingest lock (Index.write_lock) without opening the index: a backup must not need the
    embedding model or a reachable Chroma server, because it is most wanted when something is broken."""
    index_dir.mkdir(parents=True, exist_ok=True)
    try:
        with Index.write_lock(SimpleNamespace(dir=index_dir), timeout=timeout):  # it only reads .dir
            yield
    except IndexBusy:
        raise IndexLocked(f"er loopt een ingest; na {timeout:g} s wachten opgegeven, probeer het later opnieuw / an "
                          f"ingest is running; gave up after waiting {timeout:g} s, try again later") from None


def create_backup(settings: Settings, dest: Path, archive: bool = False, lock_timeout: float = 600,
                  now: datetime | None = None) -> BackupResult:
    started = time.perf_counter()
    now = now or datetime.now(timezone.utc)
    dest.mkdir(parents=True, exist_ok=True)
    final = _free_name(dest, f"essbot-backup-{now:%Y%m%dT%H%M%SZ}", ".tar.gz" if archive else "")
    work = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=dest))  # mode 0700: it holds personal data
    stage = work / final.name.removesuffix(".tar.gz")
    stage.mkdir(mode=0o700)
    try:
        info = {"created_at": now.isoformat(timespec="seconds"), "essbot_version": essbot_version(),
                "secret_key_check": key_check(settings.secret_key),
                "database": database.dump(database_url(settings), stage)}
        info["index"] = _copy_index(settings, stage, lock_timeout)
        if settings.reviewed_dir.is_dir():
            copy_tree(settings.reviewed_dir, stage / REVIEWED)
        info["paths"] = _paths(settings)
        written = manifest.write(stage, info)
        if archive:
            pack(stage, final)
        else:
            os.rename(stage, final)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    size = sum(f["bytes"] for f in written["files"].values())
    return BackupResult(final, len(written["files"]) + 1, size, time.perf_counter() - started, written)


def _free_name(dest: Path, stem: str, suffix: str) -> Path:
    path, n = dest / f"{stem}{suffix}", 1
    while path.exists():  # two backups in one second
        n += 1
        path = dest / f"{stem}-{n}{suffix}"
    return path


def _paths(settings: Settings) -> dict:
    """Ingested roots as recorded in the catalog, so a restore elsewhere can re-point them."""
    return {"reviewed_dir": str(Path(settings.reviewed_dir).resolve()),
            "knowledge_dir": str(Path(settings.knowledge_dir).resolve())}


def _copy_index(settings: Settings, stage: Path, lock_timeout: float) -> dict | None:
    """Catalog, BM25, embedded Chroma and the embedding cache, taken while no ingest can run."""
    index_dir = settings.index_dir
    if not (index_dir / "catalog.sqlite").exists():
        return None
    with index_write_lock(index_dir, lock_timeout):
        sqlite_copy(index_dir / "catalog.sqlite", stage / CATALOG)
        if (index_dir / "bm25").is_dir():
            copy_tree(index_dir / "bm25", stage / BM25)
        vectors = "rebuild"  # a Chroma server's vectors are rebuilt from the catalog on restore
        if settings.chroma_mode == "embedded" and (index_dir / "chroma").is_dir():
            copy_tree(index_dir / "chroma", stage / CHROMA)
            vectors = "copied"
        if cache_path(settings).exists():
            sqlite_copy(cache_path(settings), stage / CACHE)
    con = sqlite3.connect(str(stage / CATALOG))
    try:
        meta = dict(con.execute("SELECT key, value FROM meta"))
        chunks = con.execute("SELECT count(*) FROM chunks").fetchone()[0]
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        con.close()
    return {"catalog_version": int(meta.get("version", 0)), "embedding_model": meta.get("embedding_model"),
            "documents": documents, "chunks": chunks, "chroma_mode": settings.chroma_mode, "vectors": vectors,
            "chroma_collection": settings.chroma_collection}
