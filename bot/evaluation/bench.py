"""`essbot bench`: ingest time, chunks/s, warm query latency and peak memory on a corpus.

Prints figures; asserts nothing. Runs three phases on a fresh index:
ingest from scratch (embedding cache bypassed), re-ingest with nothing changed,
and warm queries.
"""
from __future__ import annotations

import resource
import shutil
import tempfile
import time
from pathlib import Path

from bot.config import Settings

from .harness import load_questions, percentile

_DEFAULT_QUERIES = [
    "Wat raadt de depolarisatie-aanpak aan bij twee groepen jongeren die elkaar uitschelden?",
    "Hoe kan een moskeebestuur omgaan met vragen van journalisten?",
    "Welke ondersteuning biedt ESS aan gemeenten bij maatschappelijke onrust?",
    "What does ESS offer to youth workers?",
    "Wat zijn signalen van ondermijning in een wijk?",
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_bench(corpus: Path, questions_file: Path | None, settings: Settings, repeats: int = 3) -> int:
    from bot.index.embeddings import make_embeddings
    from bot.index.store import Index
    from bot.retrieval.hybrid import HybridRetriever
    from ingest.pipeline import ingest_paths

    tmp = Path(tempfile.mkdtemp(prefix="essbot-bench-"))
    try:
        s = settings.model_copy(update={"data_dir": tmp, "chroma_mode": "embedded"})
        # From scratch means a cold embedding cache too: the cache lives in the temp dir.
        emb = make_embeddings(s.embedding_backend, s.embedding_model, tmp / "cache" / "embeddings.sqlite",
                              s.embedding_batch)
        index = Index(s, embeddings=emb)
        t = time.perf_counter()
        first = ingest_paths([corpus], s, index=index)
        cold = time.perf_counter() - t
        t = time.perf_counter()
        second = ingest_paths([corpus], s, index=index)
        warm = time.perf_counter() - t

        queries = [q.question for q in load_questions(questions_file)] if questions_file else _DEFAULT_QUERIES
        retriever = HybridRetriever(index)
        retriever.search(queries[0])
        lat = []
        for _ in range(repeats):
            for q in queries:
                t = time.perf_counter()
                retriever.search(q, k=10)
                lat.append((time.perf_counter() - t) * 1e3)
        index.close()
        print(f"corpus: {corpus}  files={first.files} sections={first.sections} chunks={first.chunks}")
        print(f"ingest_from_scratch_s={cold:.1f}  chunks_per_s={first.chunks / cold:.1f}")
        print(f"ingest_unchanged_s={warm:.2f}  (unchanged={second.unchanged}, re-embedded={second.embedded})")
        print(f"query_warm: n={len(lat)} p50_ms={percentile(lat, 50):.1f} p95_ms={percentile(lat, 95):.1f} "
              f"max_ms={max(lat):.1f}")
        print(f"peak_rss_mb={peak_rss_mb():.0f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0
