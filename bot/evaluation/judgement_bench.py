"""`essbot bench-judgement`: memory and speed of the judgement calls in one process.

Prints figures, asserts nothing: resident memory after loading the redactor (word lists, name model) and the
triage model (and the e5 embedder it shares with retrieval), and per-message latency of redaction and triage
over the labelled messages in ``bot/labelled`` (training sets only; their texts, not their labels, matter here).
"""
from __future__ import annotations

import time

from bot.labels import LABELLED, read_jsonl

from .harness import percentile


def current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def run_judgement_bench(limit: int = 600) -> int:
    import bot.triage as triage_mod
    from bot.privacy import get_redactor

    texts = [r.get("text") or r.get("question") for p in sorted(LABELLED.glob("*.train*.jsonl"))
             for r in read_jsonl(p)][:limit]
    base = current_rss_mb()
    t = time.perf_counter()
    redactor = get_redactor()
    redactor.warm()
    redactor_load_s = time.perf_counter() - t
    after_redactor = current_rss_mb()
    t = time.perf_counter()
    triage_mod.warm()
    triage_load_s = time.perf_counter() - t
    after_triage = current_rss_mb()

    red_ms, tri_ms = [], []
    for text in texts:
        t = time.perf_counter()
        redacted = redactor.redact(text).text
        red_ms.append((time.perf_counter() - t) * 1e3)
        t = time.perf_counter()
        triage_mod._triage(redacted)  # not the memo: every message is judged afresh
        tri_ms.append((time.perf_counter() - t) * 1e3)
    print(f"messages={len(texts)}")
    print(f"rss_mb: before={base:.0f} with_redactor={after_redactor:.0f} (+{after_redactor - base:.0f}, "
          f"load {redactor_load_s:.1f} s) with_triage={after_triage:.0f} (+{after_triage - after_redactor:.0f}, "
          f"load {triage_load_s:.1f} s) end={current_rss_mb():.0f}")
    print(f"redact_ms: p50={percentile(red_ms, 50):.2f} p95={percentile(red_ms, 95):.2f} max={max(red_ms):.1f}")
    print(f"triage_ms: p50={percentile(tri_ms, 50):.1f} p95={percentile(tri_ms, 95):.1f} max={max(tri_ms):.1f}")
    return 0
