"""Many threads opening the same embedded Chroma store at once (the first questions after a server start)."""
from __future__ import annotations

import threading

from chromadb.api.shared_system_client import SharedSystemClient

from bot.index.vectors import ChromaVectors


def test_concurrent_opens_all_succeed(tmp_path):
    failures: list[str] = []
    for round_ in range(10):
        SharedSystemClient.clear_system_cache()  # as in a freshly started worker process
        path = tmp_path / f"chroma-{round_}"
        start = threading.Barrier(16)

        def open_and_count():
            start.wait()
            try:
                ChromaVectors("embedded", path, "", 0, "ess_kennisbank").count()
            except Exception as exc:  # before the fix: VectorStoreUnavailable from chromadb's racing registry
                failures.append(type(exc).__name__)

        threads = [threading.Thread(target=open_and_count) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert failures == []
