"""Incremental, idempotent ingest: load -> sections -> chunks -> embed -> index.

A document is re-embedded only when its content hash (file bytes, its manifest
entry and the chunker settings) changed; documents whose file is gone from an
ingested folder are deleted. A file that cannot be loaded is reported and
skipped before anything of it is written. One ingest at a time holds the lock.

A loaded document's text is judged before it is indexed (``ingest.quality``): a
defective text layer (a dropped letter, garbled text, mostly pages without text)
is skipped with the reason, unless its entry in sources.yaml says
``text_layer: accept``; pages without text and near-copies of an indexed
document are indexed with a warning in the report.
"""
from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from bot.index.store import Index

from bot.index.model import index_texts

from .chunking import chunk_sections
from .duplicates import DuplicateDocuments
from .loaders import SUPPORTED_SUFFIXES, load_file
from .manifest import Manifest
from .model import LoadError, Section
from .quality import assess

log = logging.getLogger(__name__)

PIPELINE_VERSION = "2"  # bump when loaders or chunking change what they produce


@dataclass
class IngestReport:
    files: int = 0
    indexed: int = 0
    unchanged: int = 0
    deleted: int = 0
    sections: int = 0
    chunks: int = 0
    embedded: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # indexed, but the operator should look
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [
            f"bestanden/files: {self.files}  geïndexeerd/indexed: {self.indexed}  ongewijzigd/unchanged: {self.unchanged}  "
            f"verwijderd/deleted: {self.deleted}  overgeslagen/skipped: {len(self.skipped)}",
            f"secties/sections: {self.sections}  chunks: {self.chunks}  nieuw ingebed/newly embedded: {self.embedded}  "
            f"seconden/seconds: {self.seconds:.1f}",
        ]
        lines += [f"  overgeslagen/skipped {path}: {reason}" for path, reason in self.skipped]
        lines += [f"  waarschuwing/warning {path}: {message}" for path, message in self.warnings]
        return "\n".join(lines)


def discover(path: Path) -> tuple[Path, list[Path]]:
    """The root a path is relative to, and the candidate files under it (sorted)."""
    if path.is_file():
        return path.parent, [path]
    if not path.is_dir():
        raise FileNotFoundError(f"pad bestaat niet / path does not exist: {path}")
    files = []
    for p in sorted(path.rglob("*")):
        rel = p.relative_to(path)
        if not p.is_file() or any(part.startswith((".", "_")) for part in rel.parts):
            continue
        if p.name.lower() == "readme.md" or p.suffix.lower() in {".yaml", ".yml"}:
            continue
        files.append(p)
    return path, files


def content_hash(data: bytes, meta_json: str, settings: Settings) -> str:
    h = hashlib.sha256(data)
    h.update(meta_json.encode())
    h.update(f"|{PIPELINE_VERSION}|{settings.chunk_size}|{settings.chunk_overlap}".encode())
    return h.hexdigest()


def manifest_for(root: Path, settings: Settings) -> Manifest:
    own = root / "sources.yaml"
    if own.exists():
        return Manifest.load(own)
    if settings.sources_file and root.resolve() == settings.knowledge_dir.resolve():
        return Manifest.load(settings.sources_file)
    return Manifest()


def ingest_paths(paths: list[Path], settings: Settings, index: Index | None = None,
                 progress: bool = False, lock_timeout: float = 600) -> IngestReport:
    report = IngestReport()
    started = time.perf_counter()
    own_index = index is None
    index = index or Index(settings)
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    try:
        with index.write_lock(timeout=lock_timeout):
            for path in paths:
                _ingest_root(path, settings, index, max_bytes, report, progress)
            index.rebuild_lexical()
            index.catalog.bump_version()
    finally:
        if own_index:
            index.close()
    report.seconds = time.perf_counter() - started
    return report


def _ingest_root(path: Path, settings: Settings, index: Index, max_bytes: int,
                 report: IngestReport, progress: bool) -> None:
    root, files = discover(path)
    root_key = str(root.resolve())
    manifest = manifest_for(root, settings)
    known = {d.doc_id: d for d in index.catalog.documents().values() if d.root == root_key}
    duplicates = DuplicateDocuments(index.catalog)
    seen: set[str] = set()
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=len(files), unit="bestand", desc="ingest")
    for f in files:
        report.files += 1
        rel = f.relative_to(root).as_posix()
        try:
            _ingest_file(f, rel, root_key, manifest, settings, index, max_bytes, known, seen, report, duplicates)
        except LoadError as err:
            report.skipped.append((rel, err.reason))
            log.warning("skipped %s: %s", rel, err.reason)
        if bar:
            bar.update(1)
    if bar:
        bar.close()
    # Documents under this root whose file is gone (or no longer loads) are removed.
    for doc_id, doc in known.items():
        if doc_id not in seen:
            index.vectors.delete(index.catalog.chunk_ids(doc_id))
            index.catalog.delete_document(doc_id)
            report.deleted += 1


def _ingest_file(f: Path, rel: str, root_key: str, manifest: Manifest, settings: Settings, index: Index,
                 max_bytes: int, known: dict, seen: set, report: IngestReport,
                 duplicates: DuplicateDocuments) -> None:
    if f.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise LoadError(f"bestandstype niet ondersteund ({f.suffix or 'geen extensie'}) / unsupported file type")
    size = f.stat().st_size
    if size > max_bytes:
        raise LoadError(f"bestand te groot ({size / 1e6:.1f} MB > {settings.max_file_mb:g} MB) / file too large")
    data = f.read_bytes()
    pre_meta = manifest.meta_for(rel, None)
    entry_json = json.dumps(manifest.documents.get(rel, {}), sort_keys=True, default=str)
    digest = content_hash(data, entry_json, settings)
    prior = known.get(pre_meta.doc_id)
    if prior and prior.content_hash == digest:
        seen.add(pre_meta.doc_id)
        report.unchanged += 1
        return
    loaded = load_file(f, max_bytes=max_bytes)
    quality = assess(loaded)
    if quality.defective and manifest.documents.get(rel, {}).get("text_layer") != "accept":
        raise LoadError("; ".join(quality.problems()))
    meta = manifest.meta_for(rel, loaded.title)
    sections = [Section(meta, s.heading_path, s.text, s.page) for s in loaded.sections]
    chunks = chunk_sections(sections, settings.chunk_size, settings.chunk_overlap)
    if not chunks:
        raise LoadError("geen tekst gevonden / no extractable text")
    warnings = quality.problems()
    copy = duplicates.copy_of(meta.doc_id, [c.text for c in chunks])
    if copy:
        warnings.append(f"nagenoeg gelijk aan / nearly a copy of {copy[0]} ({copy[1]:.0%} van de tekst); "
                        "gedeelde passages worden één keer getoond / shared passages are returned once")
    misses_before = getattr(index.embeddings, "misses", 0)
    vectors = index.embeddings.embed_documents_np(index_texts(chunks))
    report.embedded += getattr(index.embeddings, "misses", 0) - misses_before
    old_ids = set(index.catalog.chunk_ids(meta.doc_id))
    # Vectors first, then the catalog: a crash in between leaves the old hash in the
    # catalog, so the next ingest redoes this document (chunk ids are stable).
    index.vectors.upsert(chunks, vectors)
    index.catalog.replace_document(root_key, digest, meta, chunks)
    stale = sorted(old_ids - {c.chunk_id for c in chunks})
    if stale:
        index.vectors.delete(stale)
    seen.add(meta.doc_id)
    duplicates.add(meta.doc_id, meta.source, [c.text for c in chunks])
    for message in warnings:
        report.warnings.append((rel, message))
        log.warning("indexed with a warning %s: %s", rel, message)
    report.indexed += 1
    report.sections += len(sections)
    report.chunks += len(chunks)
    log.info("indexed %s: %d chunks", rel, len(chunks))
