"""A found piece of personal data, and how overlapping finds become one."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


def merge(spans: list[Span]) -> list[Span]:
    """Overlapping detections become one span; the longest decides the kind."""
    merged: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if merged and s.start < merged[-1].end:
            last = merged[-1]
            if s.end > last.end:
                kind = s.kind if (s.end - s.start) > (last.end - last.start) else last.kind
                merged[-1] = Span(last.start, s.end, kind)
            continue
        merged.append(s)
    return merged
