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

from .scoring import answer_proxy, first_hit_rank


@dataclass
class Question:
    id: str
    question: str
    kind: str  # factual | procedural | list | numeric | unanswerable | urgent | not_urgent (a hard negative)
    answerable: bool
    gold_doc: str | None
    gold_quote: str | None
    audience: str | None = None
    category: str | None = None  # urgent category (triage sets)


def load_questions(path: Path, corpus: Path | None = None) -> list[Question]:
    """dev.jsonl, answerability and triage sets (shared/eval), and the project's labelled sets, whose gold
    passages are offsets into the corpus files (``gold_start``/``gold_end``) rather than quoted text."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            text = d.get("question") or d["text"]
            kind = d.get("kind") or ("urgent" if d.get("label") == "urgent" else
                                     "unanswerable" if d.get("answerable") is False else "factual")
            if d.get("label") == "not_urgent" or (kind in ("hard_negative", "ordinary") and "label" in d):
                kind = "not_urgent" if kind == "hard_negative" or d.get("label") == "not_urgent" else kind
            answerable = bool(d.get("answerable", kind not in ("urgent", "not_urgent", "unanswerable")))
            quote = d.get("gold_quote")
            if quote is None and d.get("gold_start") is not None and d.get("gold_doc") and corpus is not None:
                source = (corpus / d["gold_doc"]).read_text(encoding="utf-8")
                quote = source[d["gold_start"]:d["gold_end"]]
            out.append(Question(d["id"], text, kind, answerable, d.get("gold_doc"), quote, d.get("audience"),
                                d.get("category")))
        except (json.JSONDecodeError, KeyError, OSError) as exc:
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


def decision_metrics(results: list[dict]) -> dict:
    """Urgent and hand-over decisions against the question kinds (shared/eval/README.md): hard negatives
    (``not_urgent``) count in false_urgent with the answerable questions; urgent recall also per category."""
    urgent = [r for r in results if r["kind"] == "urgent"]
    unanswerable = [r for r in results if r["kind"] == "unanswerable"]
    answerable = [r for r in results if r["answerable"]]
    hard = [r for r in results if r["kind"] == "not_urgent"]

    def share(rows, pred):
        return sum(1 for r in rows if pred(r)) / len(rows) if rows else 0.0

    is_urgent = lambda r: r["decision"] == "urgent"  # noqa: E731
    by_category: dict[str, list[dict]] = defaultdict(list)
    for r in urgent:
        by_category[r.get("category") or "unknown"].append(r)
    return {
        "urgent_recall": share(urgent, is_urgent),
        "urgent_recall_by_category": {c: {"n": len(rs), "recall": share(rs, is_urgent)}
                                      for c, rs in sorted(by_category.items())},
        "false_urgent": share(answerable + hard, is_urgent),
        "false_urgent_hard_negatives": share(hard, is_urgent),
        "false_urgent_answerable": share(answerable, is_urgent),
        "handover_recall": share(unanswerable, lambda r: r["decision"] in ("handover", "urgent")),
        "false_handover": share(answerable, lambda r: r["decision"] in ("handover", "urgent")),
        "n_urgent": len(urgent), "n_hard_negatives": len(hard), "n_unanswerable": len(unanswerable),
        "n_answerable": len(answerable),
    }


def run_eval(corpus: Path, questions_file: Path, settings: Settings, workdir: Path | None = None,
             progress: bool = False) -> dict:
    from bot.engine.engine import render
    from bot.runtime import build_runtime
    from bot.engine.messages import InboundMessage
    from bot.index.store import Index
    from bot.retrieval.hybrid import HybridRetriever
    from ingest.pipeline import ingest_paths

    questions = load_questions(questions_file, corpus)
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
    engine = build_runtime(eval_settings, retriever=retriever).engine
    retriever.search("warm-up")  # load the snapshot and the models outside the timings
    engine.redactor.warm()
    from bot.triage import warm

    warm()

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
        rank, proxy = None, None
        if q.answerable and q.gold_doc and q.gold_quote:
            rank = first_hit_rank([(p["doc"], p["text"]) for p in passages], q.gold_doc, q.gold_quote)
            # a hand-over of an answerable question says none of it
            proxy = answer_proxy(outcome.text if outcome.kind.value == "answer" else "", q.gold_quote)
        results.append({"id": q.id, "kind": q.kind, "category": q.category, "answerable": q.answerable,
                        "decision": outcome.kind.value, "reason": outcome.reason, "latency_ms": round(ms, 2),
                        "rank": rank, "confidence": round(outcome.confidence, 4), "passages": passages,
                        "has_gold": bool(q.answerable and q.gold_doc and q.gold_quote), "reply": render(outcome),
                        "proxy": proxy, "reply_chars": len(outcome.text)})
    index.close()

    answerable = [r for r in results if r["answerable"] and r["has_gold"]]  # retrieval is scored where a passage is known
    metrics = retrieval_metrics([r["rank"] for r in answerable])
    by_kind = defaultdict(list)
    for r in answerable:
        by_kind[r["kind"]].append(r["rank"])
    metrics.update(decision_metrics(results))
    answered = [r for r in answerable if r["decision"] == "answer"]
    metrics.update({  # answers, by a bulk check against the gold passage (scoring.answer_proxy)
        "lead_in_gold": sum(r["proxy"]["lead_in_gold"] for r in answerable) / max(len(answerable), 1),
        "gold_coverage": sum(r["proxy"]["gold_coverage"] for r in answerable) / max(len(answerable), 1),
        "answer_chars_p50": percentile([r["reply_chars"] for r in answered], 50),
    })
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
    for cat, c in m["urgent_recall_by_category"].items():
        lines.append(f"  urgent recall {cat:<18} {c['recall']:.3f}  n={c['n']}")
    lines.append(
        f"decisions: urgent_recall={m['urgent_recall']:.3f} (n={m['n_urgent']}) false_urgent={m['false_urgent']:.3f} "
        f"(hard negatives {m['false_urgent_hard_negatives']:.3f} n={m['n_hard_negatives']}, answerable "
        f"{m['false_urgent_answerable']:.3f} n={m['n_answerable']}) handover_recall={m['handover_recall']:.3f} "
        f"(n={m['n_unanswerable']}) false_handover={m['false_handover']:.3f}"
    )
    lines.append(f"answers: lead_in_gold={m['lead_in_gold']:.3f} gold_coverage={m['gold_coverage']:.3f} "
                 f"answer_chars_p50={m['answer_chars_p50']:.0f}")
    lines.append(
        f"eval: n={m['n']} hit@1={m['hit@1']:.3f} hit@5={m['hit@5']:.3f} hit@10={m['hit@10']:.3f} "
        f"mrr={m['mrr']:.3f} p50_ms={m['p50_ms']:.1f} p95_ms={m['p95_ms']:.1f} "
        f"urgent_recall={m['urgent_recall']:.3f} false_urgent={m['false_urgent']:.3f} "
        f"handover_recall={m['handover_recall']:.3f} false_handover={m['false_handover']:.3f}"
    )
    return "\n".join(lines)


def write_json(out: dict, path: Path) -> None:
    """Metrics, and per question its decision, reason, passages and the reply as the asker reads it."""
    slim = {"metrics": {k: v for k, v in out["metrics"].items()},
            "questions": [{k: r[k] for k in ("id", "kind", "category", "decision", "reason", "latency_ms", "rank",
                                             "passages", "reply", "proxy")} for r in out["questions"]]}
    path.write_text(json.dumps(slim, ensure_ascii=False, indent=1), encoding="utf-8")
