"""``knowledge/sources.yaml``: collections and per-document metadata.

Files that are not listed still get indexed, with defaults: the title the file
gives itself (or its name), the collection named by its folder when that is a
known collection, else the default collection.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from .model import DocumentMeta


@dataclass
class Collection:
    key: str
    title: str
    description: str = ""


@dataclass
class Manifest:
    default_collection: str = "ess-aanbod"
    default_audience: tuple[str, ...] = ("all",)
    default_language: str = "nl"
    collections: dict[str, Collection] = field(default_factory=dict)
    documents: dict[str, dict] = field(default_factory=dict)  # by file path relative to the root

    @classmethod
    def load(cls, path: Path | None) -> "Manifest":
        if path is None or not path.exists():
            return cls()
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        defaults = data.get("defaults") or {}
        cols = {
            key: Collection(key, (val or {}).get("title", key), (val or {}).get("description", ""))
            for key, val in (data.get("collections") or {}).items()
        }
        docs = {}
        for entry in data.get("documents") or []:
            if not isinstance(entry, dict) or "file" not in entry:
                raise ValueError(f"{path}: every document needs a 'file' key: {entry!r}")
            docs[_norm(entry["file"])] = entry
        return cls(
            default_collection=defaults.get("collection", "ess-aanbod"),
            default_audience=tuple(_as_list(defaults.get("audience", ["all"]))),
            default_language=defaults.get("language", "nl"),
            collections=cols,
            documents=docs,
        )

    def meta_for(self, rel_path: str, file_title: str | None) -> DocumentMeta:
        rel = _norm(rel_path)
        entry = self.documents.get(rel, {})
        folder = rel.split("/")[0] if "/" in rel else ""
        collection = entry.get("collection") or (folder if folder in self.collections else self.default_collection)
        published = entry.get("published")
        if isinstance(published, str):
            published = date.fromisoformat(published)
        return DocumentMeta(
            doc_id=entry.get("id") or doc_id_for(rel),
            title=entry.get("title") or file_title or _title_from_name(rel),
            collection=collection,
            source=rel,
            audience=tuple(_as_list(entry.get("audience", self.default_audience))),
            language=entry.get("language", self.default_language),
            published=published,
            url=entry.get("url"),
            sample=bool(entry.get("sample", False)),
        )


def doc_id_for(rel_path: str) -> str:
    """A readable, stable id from the file's path: 'ess-aanbod/wat-doet-ess.md' -> 'ess-aanbod-wat-doet-ess-md'."""
    return re.sub(r"[^a-z0-9]+", "-", rel_path.lower()).strip("-")


def _norm(p: str) -> str:
    return str(p).replace("\\", "/").lstrip("./")


def _as_list(v) -> list[str]:
    return [v] if isinstance(v, str) else list(v)


def _title_from_name(rel: str) -> str:
    stem = Path(rel).stem
    return re.sub(r"[_-]+", " ", stem).strip().capitalize() or rel
