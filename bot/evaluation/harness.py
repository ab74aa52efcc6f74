"""`essbot eval`: ingest a corpus into a fresh index and score the questions of a dev file.

Questions go through the same search path production uses; metrics follow the
rule in ``shared/eval/README.md`` (see ``scoring.py``).
"""
from __future__ import annotations

import json
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings

from .scoring import first_hit_rank


@dataclass
class Question:
    id: str
    question: str
    kind: str
    answerable: bool
    gold_doc: str | None
    gold_quote: str | None
    audience: str | None = None


def load_questions(path: Path) -> list[Question]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            out.append(Question(d["id"], d["question"], d.get("kind", "factual"), bool(d.get("answerable", True)),
                                d.get("gold_doc"), d.get("gold_quote"), d.get("audience")))
        except (json.JSONDecodeError, KeyError) as exc:
            raise ValueError(f"{path}:{n}: not a question line ({exc})") from exc
    return out


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    vs = sorted(values)
    return vs[min(len(vs) - 1, max(0, round(p / 100 * (len(vs) - 1))))]


def retrieval_metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "n": len(ranks),
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        "hit@5": sum(1 for r in ranks if r and r <= 5) / n,
        "hit@10": sum(1 for r in ranks if r and r <= 10) / n,
        "mrr": sum(1.0 / r for r in ranks if r) / n,
    }


def decision_metrics(results: list[dict]) -> dict[str, float]:
    """Urgent and hand-over decisions against the question kinds (shared/eval/README.md)."""
    urgent = [r for r in results if r["kind"] == "urgent"]
    unanswerable = [r for r in results if not r["answerable"] and r["kind"] != "urgent"]
    answerable = [r for r in results if r["answerable"]]

    def share(rows, pred):
        return sum(1 for r in rows if pred(r)) / len(rows) if rows else 0.0

    return {
        "urgent_recall": share(urgent, lambda r: r["decision"] == "urgent"),
        "false_urgent": share(answerable, lambda r: r["decision"] == "urgent"),
        "handover_recall": share(unanswerable, lambda r: r["decision"] in ("handover", "urgent")),
        "false_handover": share(answerable, lambda r: r["decision"] in ("handover", "urgent")),
    }


def run_eval(corpus: Path, questions_file: Path, settings: Settings, workdir: Path | None = None,
             progress: bool = False) -> dict:
    from bot.engine.engine import Engine
    from bot.engine.messages import InboundMessage
    from bot.index.store import Index
    from bot.retrieval.hybrid import HybridRetriever
    from ingest.pipeline import ingest_paths

    questions = load_questions(questions_file)
    tmp = Path(tempfile.mkdtemp(prefix="essbot-eval-", dir=workdir))
    # A fresh index, but the shared embedding cache: unchanged chunks are not re-embedded.
    cache = settings.data_dir / "cache" / "embeddings.sqlite"
    # Its own SQLite queue too: evaluation tickets must never reach the real advisor queue.
    eval_settings = settings.model_copy(update={"data_dir": tmp, "chroma_mode": "embedded", "database_url": None})
    from bot.index.embeddings import make_embeddings
    emb = make_embeddings(settings.embedding_backend, settings.embedding_model, cache, settings.embedding_batch)
    index = Index(eval_settings, embeddings=emb)
    t0 = time.perf_counter()
    report = ingest_paths([corpus], eval_settings, index=index, progress=progress)
    ingest_s = time.perf_counter() - t0
    retriever = HybridRetriever(index)
    engine = Engine(eval_settings, retriever=retriever)
    retriever.search("warm-up")  # load the snapshot and the model outside the timings
    engine.redactor.redact("warm-up")

    results = []
    latencies = []
    for q in questions:
        msg = InboundMessage(channel="eval", asker="eval", conversation_id=f"eval-{q.id}", text=q.question,
                             role=q.audience)
        t = time.perf_counter()
        outcome = engine.handle(msg)
        ms = (time.perf_counter() - t) * 1e3
        latencies.append(ms)
        found = outcome.passages
        if not found:  # decided before retrieval (urgent, asked for a person): score retrieval all the same
            found = retriever.search(outcome.redacted_question, k=10).passages
        passages = [{"doc": Path(p.source).name, "text": p.text, "score": round(p.score, 6)} for p in found]
        rank = None
        if q.answerable and q.gold_doc and q.gold_quote:
            rank = first_hit_rank([(p["doc"], p["text"]) for p in passages], q.gold_doc, q.gold_quote)
        results.append({"id": q.id, "kind": q.kind, "answerable": q.answerable, "decision": outcome.kind.value,
                        "reason": outcome.reason, "latency_ms": round(ms, 2), "rank": rank,
                        "confidence": round(outcome.confidence, 4), "passages": passages})
    index.close()

    answerable = [r for r in results if r["answerable"]]
    metrics = retrieval_metrics([r["rank"] for r in answerable])
    by_kind = defaultdict(list)
    for r in answerable:
        by_kind[r["kind"]].append(r["rank"])
    metrics.update(decision_metrics(results))
    metrics.update({
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "ingest_s": ingest_s,
        "chunks": report.chunks,
        "by_kind": {k: retrieval_metrics(v) for k, v in sorted(by_kind.items())},
    })
    return {"metrics": metrics, "questions": results, "workdir": str(tmp)}


def format_report(out: dict) -> str:
    m = out["metrics"]
    lines = ["kind          n   hit@1  hit@5  hit@10  mrr"]
    for kind, km in m["by_kind"].items():
        lines.append(f"{kind:<12}{km['n']:>3}   {km['hit@1']:.3f}  {km['hit@5']:.3f}  {km['hit@10']:.3f}   {km['mrr']:.3f}")
    for r in out["questions"]:
        lines.append(f"  {r['id']:<6} {r['kind']:<12} {r['decision']:<8} {r['reason'] or '':<16} rank={r['rank']}  "
                     f"conf={r['confidence']:.2f}  {r['latency_ms']:.1f} ms")
    lines.append(
        f"decisions: urgent_recall={m['urgent_recall']:.3f} false_urgent={m['false_urgent']:.3f} "
        f"handover_recall={m['handover_recall']:.3f} false_handover={m['false_handover']:.3f}"
    )
    lines.append(
        f"eval: n={m['n']} hit@1={m['hit@1']:.3f} hit@5={m['hit@5']:.3f} hit@10={m['hit@10']:.3f} "
        f"mrr={m['mrr']:.3f} p50_ms={m['p50_ms']:.1f} p95_ms={m['p95_ms']:.1f} "
        f"urgent_recall={m['urgent_recall']:.3f} false_urgent={m['false_urgent']:.3f} "
        f"handover_recall={m['handover_recall']:.3f} false_handover={m['false_handover']:.3f}"
    )
    return "\n".join(lines)


def write_json(out: dict, path: Path) -> None:
    slim = {"metrics": {k: v for k, v in out["metrics"].items()},
            "questions": [{k: r[k] for k in ("id", "decision", "latency_ms", "passages")} for r in out["questions"]]}
    path.write_text(json.dumps(slim, ensure_ascii=False, indent=1), encoding="utf-8")
