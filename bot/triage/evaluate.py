"""Urgent recall per category and false urgent per kind of non-urgent message, on any labelled set.

    python -m bot.triage.evaluate [FILE ...]     # default: the training sets, shared/eval, the held-out set

Counts as the scoring rule of ``shared/eval/README.md``: an urgent message must be decided
urgent (either tier); every ``not_urgent`` hard negative and every ordinary question decided
urgent counts in ``false_urgent``.
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from .data import LABELLED, Example, load_ordinary, load_triage, read_jsonl

SHARED_EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"


def load_any(path: Path) -> list[Example]:
    """A triage set (label/kind per message) or a question set (dev.jsonl: kind urgent or not)."""
    rows = read_jsonl(path)
    if rows and "question" in rows[0] and "label" not in rows[0] and "category" not in rows[0]:
        out = []
        for d in rows:
            urgent = d.get("kind") == "urgent"
            out.append(Example(d["id"], d["question"], urgent, "unknown" if urgent else "none",
                               "urgent" if urgent else "ordinary", path.stem))
        return out
    if rows and "question" in rows[0] and "label" not in rows[0] and "answerable" in rows[0] \
            and "category" not in rows[0]:
        return load_ordinary(path)
    return load_triage([path])


def score(examples: list[Example], decide) -> dict:
    """``decide(text) -> (urgent: bool, tier: str)``."""
    per_cat = defaultdict(lambda: [0, 0])
    per_kind = defaultdict(lambda: [0, 0])
    missed, false = [], []
    times = []
    for e in examples:
        t = time.perf_counter()
        urgent, tier = decide(e.text)
        times.append((time.perf_counter() - t) * 1e3)
        if e.urgent:
            per_cat[e.category][1] += 1
            per_cat[e.category][0] += urgent
            if not urgent:
                missed.append(e.id)
        else:
            per_kind[e.kind][1] += 1
            per_kind[e.kind][0] += urgent
            if urgent:
                false.append(e.id)
    n_urgent = sum(v[1] for v in per_cat.values())
    times.sort()
    return {
        "urgent_recall": sum(v[0] for v in per_cat.values()) / n_urgent if n_urgent else None,
        "n_urgent": n_urgent,
        "recall_by_category": {c: (v[0] / v[1], v[1]) for c, v in sorted(per_cat.items())},
        "false_urgent_by_kind": {k: (v[0] / v[1], v[1]) for k, v in sorted(per_kind.items())},
        "missed": missed, "false_urgent": false,
        "p50_ms": times[len(times) // 2] if times else 0.0, "p95_ms": times[int(len(times) * 0.95)] if times else 0.0,
    }


def format_score(name: str, r: dict, show_ids: bool = True) -> str:
    lines = [f"{name}: urgent_recall={r['urgent_recall'] if r['urgent_recall'] is None else round(r['urgent_recall'], 3)}"
             f" (n={r['n_urgent']})  p50={r['p50_ms']:.1f} ms p95={r['p95_ms']:.1f} ms"]
    for c, (rec, n) in r["recall_by_category"].items():
        lines.append(f"  recall {c:<18} {rec:.3f}  n={n}")
    for k, (rate, n) in r["false_urgent_by_kind"].items():
        lines.append(f"  false_urgent {k:<14} {rate:.3f}  n={n}")
    if show_ids:
        if r["missed"]:
            lines.append("  missed: " + " ".join(r["missed"]))
        if r["false_urgent"]:
            lines.append("  false urgent: " + " ".join(r["false_urgent"]))
    return "\n".join(lines)


def default_sets() -> list[Path]:
    sets = sorted(LABELLED.glob("triage.train.*.jsonl"))
    for name in ("triage_dev.jsonl", "dev.jsonl", "answerability_dev.jsonl"):
        if (SHARED_EVAL / name).exists():
            sets.append(SHARED_EVAL / name)
    if (LABELLED / "triage.holdout.jsonl").exists():
        sets.append(LABELLED / "triage.holdout.jsonl")
    return sets


def main(argv=None) -> int:
    from . import triage

    ap = argparse.ArgumentParser(prog="python -m bot.triage.evaluate")
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--ids", action="store_true", help="list the ids of misses (never for the held-out set)")
    args = ap.parse_args(argv)

    def decide(text):
        t = triage(text)
        return t.urgent, t.tier

    for path in args.files or default_sets():
        r = score(load_any(path), decide)
        held_out = "holdout" in path.name
        print(format_score(path.name, r, show_ids=args.ids and not held_out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
