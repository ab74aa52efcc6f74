"""`essbot restore`: check everything first, then replace database, index, cache and reviewed answers.

Order: verify checksums and compatibility (nothing changed yet) -> stage the index and reviewed folder
beside their targets -> restore the database (one transaction / one rename) -> rename the staged
folders into place -> merge the embedding cache -> make the vector store match the catalog.
"""
from __future__ import annotations

import shutil
import sqlite3
import tarfile
import tempfile
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from bot.storage.db import database_url
from bot.index.embeddings import make_embeddings
from bot.index.store import Index
from bot.index.vectors import ChromaVectors
from bot.index.model import index_texts

from . import BackupDamaged, OpsError, RestoreRefused, database, manifest
from .backup import BM25, CACHE, CATALOG, CHROMA, REVIEWED, _paths, cache_path, index_write_lock, key_check
from .files import copy_tree, replace_dir, sqlite_copy, unpack

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz")


@dataclass
class RestoreResult:
    manifest: dict
    vectors_rebuilt: int = 0  # chunks put into the vector store again (0: the copied store matched)
    newly_embedded: int = 0  # of those, vectors the cache did not have (computed by the local model)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@contextmanager
def opened(source: Path, scratch: Path):
    """The backup folder; an archive is unpacked into ``scratch`` first and removed afterwards."""
    if source.is_dir():
        yield source
        return
    if not source.is_file():
        raise OpsError(f"back-up niet gevonden / backup not found: {source}")
    if not source.name.endswith(ARCHIVE_SUFFIXES):
        raise OpsError(f"geen back-upmap of .tar.gz / not a backup folder or .tar.gz: {source}")
    scratch.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".restore-", dir=scratch))
    try:
        try:
            root = unpack(source, tmp)
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise BackupDamaged(f"het archief is beschadigd; er is niets gewijzigd / the archive is damaged; nothing "
                                f"was changed ({type(exc).__name__})") from None
        yield root
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def check_backup(source: Path, scratch: Path) -> dict:
    """Verify checksums only (for monitoring and restore drills); changes nothing."""
    with opened(source, scratch) as root:
        return manifest.verify(root)


def restore_backup(settings: Settings, source: Path, yes: bool = False, lock_timeout: float = 60,
                   embeddings=None) -> RestoreResult:
    started = time.perf_counter()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with opened(source, settings.data_dir) as root:
        m = manifest.verify(root)
        result = RestoreResult(m)
        url = database_url(settings)
        db_info, idx_info = m.get("database"), m.get("index")
        if db_info:
            database.check_kind(url, db_info)
            database.check_revision(url, {**db_info, "essbot_version": m.get("essbot_version")})
        if idx_info and settings.chroma_mode == "http":
            _require_chroma_server(settings)  # fail now, before anything is replaced
        if not yes:
            _refuse_overwrite(settings, url, db_info, idx_info)
        if idx_info:
            embeddings = embeddings or make_embeddings(settings.embedding_backend, settings.embedding_model,
                                                       cache_path(settings), settings.embedding_batch)
            _check_model(idx_info, embeddings)
        if m.get("secret_key_check") != key_check(settings.secret_key):
            result.warnings.append(
                "ESSBOT_SECRET_KEY is anders dan bij de back-up: bestaande vragers worden nieuwe pseudoniemen en "
                "bewaarde chat-id's zijn niet te openen / ESSBOT_SECRET_KEY differs from the one at backup time: "
                "existing askers get new pseudonyms and stored chat ids cannot be opened")

        reviewed = Path(settings.reviewed_dir)
        staged_index = staged_reviewed = None
        try:
            with index_write_lock(settings.index_dir, lock_timeout):  # no ingest while we replace
                staged_index = _stage_index(settings, root, m) if idx_info else None
                staged_reviewed = _stage(reviewed, root / REVIEWED)
                if db_info:
                    database.restore(url, root, db_info)
                if staged_index is not None:
                    replace_dir(staged_index, settings.index_dir)
                replace_dir(staged_reviewed, reviewed)
        finally:  # left over only when something failed before its rename
            for path in (staged_index, staged_reviewed):
                if path is not None:
                    shutil.rmtree(path, ignore_errors=True)
        if idx_info:
            with index_write_lock(settings.index_dir, lock_timeout):  # the restored folder's own lock
                if (root / CACHE).exists():
                    merge_cache(root / CACHE, cache_path(settings))
                result.vectors_rebuilt, result.newly_embedded = _sync_vectors(settings, idx_info, embeddings)
    result.seconds = time.perf_counter() - started
    return result


def _check_model(idx_info: dict, embeddings) -> None:
    saved = idx_info.get("embedding_model")
    if saved and saved != embeddings.model_id:
        raise RestoreRefused(f"de index in de back-up is gemaakt met {saved!r}, geconfigureerd is "
                             f"{embeddings.model_id!r}; zet ESSBOT_EMBEDDING_BACKEND/MODEL zoals bij de back-up / the "
                             f"backup's index was built with {saved!r}, the configured model is "
                             f"{embeddings.model_id!r}; configure the model used at backup time")


def _refuse_overwrite(settings: Settings, url: str, db_info, idx_info) -> None:
    found = []
    tables = database.nonempty_tables(url) if db_info else []
    if tables:
        found.append("database (" + ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "") + ")")
    if idx_info and index_has_content(settings.index_dir):
        found.append(f"index ({settings.index_dir})")
    if found:
        raise RestoreRefused("er staan al gegevens, die door de back-up vervangen zouden worden: " + "; ".join(found)
                             + ". Herhaal met --yes om ze te overschrijven; er is niets gewijzigd. / data present "
                             "that the backup would replace; repeat with --yes to overwrite; nothing was changed.")


def index_has_content(index_dir: Path) -> bool:
    catalog = index_dir / "catalog.sqlite"
    if not catalog.exists():
        return False
    con = sqlite3.connect(str(catalog), timeout=60)
    try:
        return bool(con.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:  # no tables yet
        return False
    finally:
        con.close()


def _stage(target: Path, saved: Path | None = None) -> Path:
    """A copy of ``saved`` beside ``target`` (same file system, so the swap is a rename); empty when the
    backup has none, because the restored state had none."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{target.name}.restoring-", dir=target.parent))
    if saved is not None and saved.is_dir():
        copy_tree(saved, staged)
    return staged


def _stage_index(settings: Settings, root: Path, m: dict) -> Path:
    staged = _stage(settings.index_dir)
    sqlite_copy(root / CATALOG, staged / "catalog.sqlite")
    if (root / BM25).is_dir():
        copy_tree(root / BM25, staged / "bm25")
    if settings.chroma_mode == "embedded" and (root / CHROMA).is_dir():
        copy_tree(root / CHROMA, staged / "chroma")
    _repoint_roots(staged / "catalog.sqlite", m.get("paths") or {}, _paths(settings))
    return staged


def _repoint_roots(catalog: Path, saved: dict, current: dict) -> None:
    """Documents are keyed to the folder they were ingested from; restored under another data or
    knowledge folder, they must follow, or the next ingest would index them twice and never delete them."""
    con = sqlite3.connect(str(catalog))
    try:
        with con:
            for key, new in current.items():
                old = saved.get(key)
                if old and old != new:
                    con.execute("UPDATE documents SET root=? WHERE root=?", (new, old))
    finally:
        con.close()


def merge_cache(saved: Path, target: Path) -> int:
    """Add the saved vectors to the cache (keyed by model and text, so merging can never give a wrong one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(str(target), timeout=60)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB NOT NULL)")
        con.execute("ATTACH DATABASE ? AS saved", (str(saved),))
        with con:
            added = con.execute("INSERT OR IGNORE INTO vec (key, v) SELECT key, v FROM saved.vec").rowcount
        con.execute("DETACH DATABASE saved")
        return added
    finally:
        con.close()


def _chroma(settings: Settings) -> ChromaVectors:
    return ChromaVectors(settings.chroma_mode, settings.index_dir / "chroma", settings.chroma_host,
                         settings.chroma_port, settings.chroma_collection)


def _require_chroma_server(settings: Settings) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    try:
        chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port,
                            settings=ChromaSettings(anonymized_telemetry=False)).heartbeat()
    except Exception as exc:  # chroma raises several types for "not reachable"
        raise RestoreRefused(f"Chroma-server {settings.chroma_host}:{settings.chroma_port} niet bereikbaar; start hem "
                             f"eerst, er is niets gewijzigd / Chroma server unreachable; start it first, nothing "
                             f"was changed ({type(exc).__name__})") from None


def _forget_chroma_clients() -> None:
    """Chroma keeps one client system per path per process; one opened before the swap would show
    the replaced folder."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def _sync_vectors(settings: Settings, idx_info: dict, embeddings) -> tuple[int, int]:
    """Keep a copied embedded store that holds exactly the catalog's chunks; otherwise rebuild."""
    _forget_chroma_clients()
    if settings.chroma_mode == "embedded" and idx_info.get("vectors") == "copied":
        index = Index(settings, embeddings=embeddings)
        try:
            held = set(index.vectors._col.get(include=[])["ids"])
            if held == {c.chunk_id for c in index.catalog.all_chunks()}:
                return 0, 0
        finally:
            index.close()
    return rebuild_vectors(settings, embeddings)


def rebuild_vectors(settings: Settings, embeddings, batch: int = 256) -> tuple[int, int]:
    """Refill the vector store from the catalog's chunks (vectors from the embedding cache)."""
    _chroma(settings).drop()  # whatever the store held (another model, other chunks) goes
    index = Index(settings, embeddings=embeddings)  # creates the collection and binds the model
    try:
        chunks = index.catalog.all_chunks()  # in document order, as index_texts needs them
        texts = index_texts(chunks)  # what ingest embedded (a section's heading before its first chunk)
        misses_before = getattr(embeddings, "misses", 0)
        for i in range(0, len(chunks), batch):
            part = chunks[i : i + batch]
            index.vectors.upsert(part, embeddings.embed_documents_np(texts[i : i + batch]))
        if index.vectors.count() != len(chunks):
            raise OpsError(f"vectoropslag heeft {index.vectors.count()} van {len(chunks)} chunks / vector store "
                           f"holds {index.vectors.count()} of {len(chunks)} chunks")
        return len(chunks), getattr(embeddings, "misses", 0) - misses_before
    finally:
        index.close()
