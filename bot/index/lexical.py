"""The persisted BM25 index (bm25s) over Dutch-analysed chunk text.

Built once per ingest from the catalog and saved atomically (written to a
temporary folder, then renamed), so a reader never sees half an index.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import bm25s
import numpy as np

from . import text as T


class LexicalIndex:
    def __init__(self, chunk_ids: list[str], model: bm25s.BM25 | None, splitter: T.CompoundSplitter):
        self.chunk_ids = chunk_ids
        self._model = model
        self.splitter = splitter

    @classmethod
    def build(cls, chunk_ids: list[str], texts: list[str]) -> "LexicalIndex":
        vocab = {w for t in texts for w in T.words(t)}
        splitter = T.CompoundSplitter(vocab)
        model = None
        if texts:
            model = bm25s.BM25(k1=1.2, b=0.75)
            model.index([cls._doc_tokens(t, splitter) for t in texts], show_progress=False)
        return cls(chunk_ids, model, splitter)

    @staticmethod
    def _doc_tokens(text: str, splitter: T.CompoundSplitter) -> list[str]:
        return T.analyse(text, splitter) or ["_"]

    def analyse_query(self, query: str) -> list[str]:
        return T.analyse(query, self.splitter)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk (aligned with ``chunk_ids``)."""
        if self._model is None:
            return np.zeros(0, dtype=np.float32)
        toks = [t for t in self.analyse_query(query) if t in self._model.vocab_dict]
        if not toks:
            return np.zeros(len(self.chunk_ids), dtype=np.float32)
        return np.asarray(self._model.get_scores(toks), dtype=np.float32)

    def save(self, folder: Path) -> None:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".bm25-", dir=folder.parent))
        if self._model is not None:
            self._model.save(str(tmp / "bm25"))
        (tmp / "ids.json").write_text(json.dumps(self.chunk_ids))
        (tmp / "vocab.json").write_text(json.dumps(sorted(self.splitter.vocab), ensure_ascii=False))
        old = folder.with_name(folder.name + ".old")
        if folder.exists():
            os.replace(folder, old)
        os.replace(tmp, folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        ids = json.loads((folder / "ids.json").read_text())
        splitter = T.CompoundSplitter(set(json.loads((folder / "vocab.json").read_text())))
        model = bm25s.BM25.load(str(folder / "bm25")) if (folder / "bm25").exists() else None
        return cls(ids, model, splitter)
