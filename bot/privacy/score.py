"""Recall and keep of redaction on a labelled set (the format of ``shared/eval/pii_dev.jsonl``).

Recall: share of personal-data strings no longer present (case-insensitive) after redaction;
keep: share of must-keep strings still present. Per type, so a weak kind shows.

    python -m bot.privacy.score [FILE ...]   # default: the training set, shared/eval, the held-out set
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from bot.labels import LABELLED, read_jsonl as read
SHARED_EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"


def score(rows: list[dict], redact) -> dict:
    """``redact(text) -> str``."""
    found, total = defaultdict(int), defaultdict(int)
    kept = keep_total = 0
    leaks, lost = [], []
    t0 = time.perf_counter()
    for r in rows:
        out = redact(r["text"]).lower()
        for item in r.get("pii", []):
            total[item["type"]] += 1
            if item["text"].lower() not in out:
                found[item["type"]] += 1
            else:
                leaks.append((r["id"], item["type"], item["text"]))
        for k in r.get("keep", []):
            keep_total += 1
            if k.lower() in out:
                kept += 1
            else:
                lost.append((r["id"], k))
    n = sum(total.values())
    return {"n": n, "messages": len(rows), "recall": sum(found.values()) / n if n else 1.0,
            "keep": kept / keep_total if keep_total else 1.0, "keep_n": keep_total,
            "per_type": {t: (found[t] / total[t], total[t]) for t in sorted(total)},
            "leaks": leaks, "lost": lost, "ms_per_message": (time.perf_counter() - t0) * 1e3 / max(1, len(rows))}


def format_score(name: str, r: dict, details: bool = False) -> str:
    lines = [f"{name}: recall={r['recall']:.3f} (n={r['n']}) keep={r['keep']:.3f} (n={r['keep_n']}) "
             f"ms/message={r['ms_per_message']:.2f}"]
    for t, (rec, n) in r["per_type"].items():
        lines.append(f"  {t:<38} {rec:.3f}  n={n}")
    if details:
        lines += [f"  leak {i} {t}: {x}" for i, t, x in r["leaks"]]
        lines += [f"  lost {i}: {k}" for i, k in r["lost"]]
    return "\n".join(lines)


def default_sets() -> list[Path]:
    out = sorted(LABELLED.glob("pii.train*.jsonl"))
    if (SHARED_EVAL / "pii_dev.jsonl").exists():
        out.append(SHARED_EVAL / "pii_dev.jsonl")
    return [p for p in out if p.exists()]


def main(argv=None) -> int:
    from .redactor import get_redactor

    ap = argparse.ArgumentParser(prog="python -m bot.privacy.score")
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--holdout", action="store_true", help="also score the held-out set (figures only)")
    ap.add_argument("--details", action="store_true", help="list leaks and lost words (never for the held-out set)")
    args = ap.parse_args(argv)
    red = get_redactor()
    red.warm()
    sets = args.files or default_sets() + ([LABELLED / "pii.holdout.jsonl"] if args.holdout else [])
    for path in sets:
        r = score(read(path), lambda t: red.redact(t).text)
        print(format_score(path.name, r, details=args.details and "holdout" not in path.name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
