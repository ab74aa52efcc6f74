"""Chroma as the vector store: embedded ``PersistentClient`` or ``HttpClient`` to a server.

We pass our own embeddings (never Chroma's default function, which would try to
download a model) and record the embedding model in the collection metadata.
"""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from filelock import FileLock

from bot.index.model import Chunk

from .embeddings import ModelMismatchError


class VectorStoreUnavailable(RuntimeError):
    """Chroma cannot be reached (server down) or opened."""


# chromadb's registry of shared systems is not thread-safe: two threads opening the same path at once
# (the first questions after a start, each building the index) made one stop the other's system, and
# those questions were handed over as "unavailable". Clients and collections are opened one at a time.
_OPEN_LOCK = threading.Lock()


def _client(mode: str, path: Path, host: str, port: int):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    cs = ChromaSettings(anonymized_telemetry=False)
    try:
        if mode == "http":
            client = chromadb.HttpClient(host=host, port=port, settings=cs)
            client.heartbeat()
            return client
        path.mkdir(parents=True, exist_ok=True)
        # Two processes opening a new folder at once both create chroma's tables ("table collections already
        # exists"): the first to open a folder migrates it while the others wait (a concurrent ingest, the API
        # replicas' first questions).
        with FileLock(str(path / ".open.lock"), timeout=120):
            return chromadb.PersistentClient(path=str(path), settings=cs)
    except Exception as exc:  # chroma raises several types for "not reachable"
        raise VectorStoreUnavailable(f"Chroma ({mode}) unavailable: {exc}") from exc


def drop_collection(settings) -> bool:
    """Deletes the configured collection (on a Chroma server, for ``ingest --rebuild``); False if absent."""
    with _OPEN_LOCK:
        client = _client(settings.chroma_mode, settings.index_dir / "chroma", settings.chroma_host,
                         settings.chroma_port)
    try:
        client.delete_collection(settings.chroma_collection)
    except Exception as exc:  # chromadb raises NotFoundError / ValueError depending on version
        if "does not exist" in str(exc) or "not found" in str(exc).lower():
            return False
        raise
    return True


def chunk_metadata(c: Chunk) -> dict:
    """Flat metadata for Chroma filters; audience as booleans because Chroma has no list contains."""
    md = {"doc_id": c.doc.doc_id, "collection": c.doc.collection, "language": c.doc.language, "ordinal": c.ordinal}
    for a in c.doc.audience:
        md[f"aud_{a}"] = True
    return md


def where_filter(collections=None, audiences=None, languages=None) -> dict | None:
    clauses = []
    if collections:
        clauses.append({"collection": {"$in": list(collections)}})
    if languages:
        clauses.append({"language": {"$in": list(languages)}})
    if audiences:
        aud = [{f"aud_{a}": True} for a in [*audiences, "all"]]
        clauses.append({"$or": aud})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class ChromaVectors:
    def __init__(self, mode: str, path: Path, host: str, port: int, collection: str):
        self.mode = mode
        self._name = collection
        with _OPEN_LOCK:
            self._client = _client(mode, path, host, port)
            try:
                self._col = self._client.get_or_create_collection(
                    collection, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
                )
            except Exception as exc:
                raise VectorStoreUnavailable(f"Chroma collection {collection!r}: {exc}") from exc

    @property
    def model_id(self) -> str | None:
        return (self._col.metadata or {}).get("embedding_model")

    def bind_model(self, model_id: str) -> None:
        """Record the model on first use; refuse another one afterwards."""
        current = self.model_id
        if current is None:
            self._col.modify(metadata={"embedding_model": model_id})
        elif current != model_id:
            raise ModelMismatchError(
                f"index built with {current!r}, configured embedding model is {model_id!r}; "
                "re-ingest into a fresh index (essbot ingest --rebuild)"
            )

    def count(self) -> int:
        return self._col.count()

    def upsert(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        for i in range(0, len(chunks), 500):
            part = chunks[i : i + 500]
            self._col.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=vectors[i : i + 500],
                metadatas=[chunk_metadata(c) for c in part],
                documents=[c.text for c in part],
            )

    def delete(self, ids: list[str]) -> None:
        for i in range(0, len(ids), 500):
            self._col.delete(ids=ids[i : i + 500])

    def query(self, vector: np.ndarray, n: int, where: dict | None = None) -> list[tuple[str, float]]:
        """Nearest chunk ids with cosine similarity."""
        try:
            res = self._col.query(query_embeddings=[vector.tolist()], n_results=n, where=where, include=["distances"])
        except Exception as exc:
            raise VectorStoreUnavailable(f"Chroma query failed: {exc}") from exc
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0])]

    def drop(self) -> None:
        self._client.delete_collection(self._name)


def fetch_embeddings(store: ChromaVectors, ids: list[str], dim: int) -> np.ndarray:
    """Vectors for ``ids`` in that order (zeros for any id Chroma does not hold)."""
    out = np.zeros((len(ids), dim), dtype=np.float32)
    pos = {cid: i for i, cid in enumerate(ids)}
    for start in range(0, len(ids), 1000):
        try:
            res = store._col.get(ids=ids[start : start + 1000], include=["embeddings"])
        except Exception as exc:
            raise VectorStoreUnavailable(f"Chroma get failed: {exc}") from exc
        for cid, vec in zip(res["ids"], res["embeddings"]):
            out[pos[cid]] = np.asarray(vec, dtype=np.float32)
    return out
