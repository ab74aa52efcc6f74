"""Recall and precision of redaction on the labelled Dutch set (``pii_cases.py``).

An expected entity is found when predicted spans (of any kind) cover at least half of
its characters — what matters for privacy is that it is gone; per-kind recall also
requires the right kind. Precision: predicted spans that overlap an expected entity.

    python -m bot.evaluation.pii [--no-deduce]
"""
from __future__ import annotations

import argparse
import time
from collections import Counter

from bot.engine.redact import Redactor

from .pii_cases import cases


def score(redactor: Redactor) -> dict:
    found = Counter()
    found_kind = Counter()
    total = Counter()
    predicted = true_pred = 0
    leaks = []
    t0 = time.perf_counter()
    data = cases()
    for text, expected in data:
        spans = redactor.find(text)
        predicted += len(spans)
        for s in spans:
            if any(s.start < e and s.end > b for b, e, _ in expected):
                true_pred += 1
        for b, e, kind in expected:
            total[kind] += 1
            covered = sum(max(0, min(e, s.end) - max(b, s.start)) for s in spans)
            if covered * 2 >= e - b:
                found[kind] += 1
                if any(s.kind == kind and s.start < e and s.end > b for s in spans):
                    found_kind[kind] += 1
            else:
                leaks.append(kind)
    ms = (time.perf_counter() - t0) * 1e3 / len(data)
    n = sum(total.values())
    return {
        "n": n, "messages": len(data), "ms_per_message": ms,
        "recall": sum(found.values()) / n, "precision": true_pred / predicted if predicted else 1.0,
        "per_kind": {k: (found[k] / total[k], found_kind[k] / total[k], total[k]) for k in sorted(total)},
        "missed": Counter(leaks),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.evaluation.pii")
    ap.add_argument("--no-deduce", action="store_true")
    args = ap.parse_args(argv)
    r = score(Redactor(use_deduce=not args.no_deduce))
    for kind, (rec, rec_kind, n) in r["per_kind"].items():
        print(f"{kind:<14} n={n:<3} recall={rec:.3f}  same-kind={rec_kind:.3f}")
    print(f"pii: n={r['n']} messages={r['messages']} recall={r['recall']:.3f} precision={r['precision']:.3f} "
          f"ms_per_message={r['ms_per_message']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
