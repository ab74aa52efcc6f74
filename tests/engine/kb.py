"""An engine over a small knowledge base a test writes: the files, ingested into the test's index."""
from __future__ import annotations

from pathlib import Path

from bot.index.store import Index
from bot.privacy import get_redactor
from bot.retrieval.hybrid import HybridRetriever
from bot.runtime import build_runtime
from ingest.pipeline import ingest_paths
from tests.conftest import write


def engine_over(files: dict[str, str], root: Path, settings, embeddings, redactor=None):
    """``files``: path under ``root`` -> text (a ``sources.yaml`` among them is the manifest)."""
    for rel, text in files.items():
        write(root / rel, text)
    index = Index(settings, embeddings=embeddings)
    ingest_paths([root], settings, index=index)
    return build_runtime(settings, retriever=HybridRetriever(index), redactor=redactor or get_redactor()).engine
