"""One handle on the whole index: catalog, Chroma vectors and BM25, plus the ingest lock."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from bot.config import Settings
from bot.index.model import index_texts

from .catalog import Catalog
from .embeddings import ModelMismatchError, make_embeddings
from .lexical import LexicalIndex
from .vectors import ChromaVectors


class IndexBusy(RuntimeError):
    """Another ingest holds the index lock."""


class Index:
    def __init__(self, settings: Settings, embeddings=None, vectors: ChromaVectors | None = None):
        self.settings = settings
        self.dir: Path = settings.index_dir
        self.dir.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(self.dir / "catalog.sqlite")
        self.embeddings = embeddings or make_embeddings(
            settings.embedding_backend, settings.embedding_model,
            settings.data_dir / "cache" / "embeddings.sqlite", settings.embedding_batch,
        )
        self.vectors = vectors or ChromaVectors(
            settings.chroma_mode, self.dir / "chroma", settings.chroma_host, settings.chroma_port,
            settings.chroma_collection,
        )
        self.check_model()

    @property
    def bm25_dir(self) -> Path:
        return self.dir / "bm25"

    def check_model(self) -> None:
        """Refuse to mix embedding models: the catalog and Chroma both record the one that built them."""
        model_id = self.embeddings.model_id
        recorded = self.catalog.get_meta("embedding_model")
        if recorded and recorded != model_id:
            raise ModelMismatchError(
                f"index built with {recorded!r}, configured embedding model is {model_id!r}; "
                "re-ingest into a fresh index (essbot ingest --rebuild)"
            )
        self.vectors.bind_model(model_id)
        if not recorded:
            self.catalog.set_meta("embedding_model", model_id)

    @contextmanager
    def write_lock(self, timeout: float = 0):
        """Exclusive for the duration of an ingest; a second ingest waits ``timeout`` s, then fails."""
        lock = FileLock(str(self.dir / ".ingest.lock"))
        try:
            lock.acquire(timeout=timeout)
        except Timeout as exc:
            raise IndexBusy("another ingest is running on this index (lock held)") from exc
        try:
            yield
        finally:
            lock.release()

    def rebuild_lexical(self) -> LexicalIndex:
        chunks = self.catalog.all_chunks()  # in document order, as index_texts needs
        lex = LexicalIndex.build([c.chunk_id for c in chunks], index_texts(chunks))
        lex.save(self.bm25_dir)
        return lex

    def load_lexical(self) -> LexicalIndex:
        if not self.bm25_dir.exists():
            return self.rebuild_lexical()
        return LexicalIndex.load(self.bm25_dir)

    def close(self) -> None:
        self.catalog.close()
