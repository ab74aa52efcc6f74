"""Chroma in server mode: a real `chroma run` started and stopped by the test."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from bot.index.store import Index
from bot.index.vectors import VectorStoreUnavailable
from bot.retrieval.hybrid import HybridRetriever
from ingest.pipeline import ingest_paths
from tests.conftest import write
from tests.services import free_port, running

pytestmark = pytest.mark.chroma_server


@pytest.fixture
def chroma_server(tmp_path):
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(exe).exists():
        pytest.fail("the `chroma` CLI from the chromadb package is missing")
    port = free_port()
    cmd = [exe, "run", "--path", str(tmp_path / "chroma-data"), "--host", "127.0.0.1", "--port", str(port)]
    with running(cmd, f"http://127.0.0.1:{port}/api/v2/heartbeat", tmp_path / "chroma.log") as proc:
        yield port, proc


def test_ingest_and_search_through_a_chroma_server(settings, embeddings, tmp_path, chroma_server):
    port, proc = chroma_server
    s = settings.model_copy(update={"chroma_mode": "http", "chroma_port": port})
    root = tmp_path / "kb"
    write(root / "a.md", "# Veilige moskee\n\n## Media\nSpreek af wie het woord voert als journalisten bellen.")
    write(root / "b.md", "# Jongerenwerk\n\n## Training\nEen training helpt jongerenwerkers signalen te herkennen.")
    index = Index(s, embeddings=embeddings)
    assert index.vectors.mode == "http"
    report = ingest_paths([root], s, index=index)
    assert report.indexed == 2
    res = HybridRetriever(index).search("Wie praat er met journalisten?")
    assert res.passages[0].source == "a.md"
    # the server really holds the vectors: a fresh client sees them
    import chromadb
    client = chromadb.HttpClient(host="127.0.0.1", port=port)
    assert client.get_collection(s.chroma_collection).count() == len(index.catalog.all_chunks())

    # the server goes away: a clear error, not a hang or a wrong answer
    proc.terminate()
    proc.wait(10)
    with pytest.raises(VectorStoreUnavailable):
        HybridRetriever(index).search("Wie praat er met journalisten?")


def test_unreachable_server_is_reported(settings):
    s = settings.model_copy(update={"chroma_mode": "http", "chroma_port": free_port()})
    with pytest.raises(VectorStoreUnavailable, match="unavailable"):
        Index(s)


def test_rebuild_starts_the_server_collection_afresh(tmp_path, chroma_server, monkeypatch):
    """`ingest --rebuild` in server mode must not leave the old vectors (or the old model) on the server."""
    import chromadb

    from bot import cli
    from bot.config import get_settings

    port, _ = chroma_server
    root = tmp_path / "kb"
    write(root / "a.md", "# Veilige moskee\n\n## Media\nSpreek af wie het woord voert als journalisten bellen.")
    for k, v in {"DATA_DIR": str(tmp_path / "data"), "CHROMA_MODE": "http", "CHROMA_PORT": str(port)}.items():
        monkeypatch.setenv("ESSBOT_" + k, v)
    get_settings.cache_clear()
    try:
        assert cli.main(["ingest", str(root), "-q"]) == 0
        client = chromadb.HttpClient(host="127.0.0.1", port=port)
        name = get_settings().chroma_collection
        before = client.get_collection(name).count()
        client.get_collection(name).modify(metadata={"embedding_model": "an-older-model"})  # as after a switch
        assert cli.main(["ingest", str(root), "--rebuild", "-q"]) == 0
        assert client.get_collection(name).count() == before
        assert client.get_collection(name).metadata["embedding_model"] != "an-older-model"
    finally:
        get_settings.cache_clear()
