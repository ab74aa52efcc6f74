"""The privacy guard: every figure shown anywhere (pages, exports, reports) passes through here.

A figure based on fewer than K distinct askers is replaced by "<K" and its value is dropped, so no
template or export can leak it by accident. K comes from ``insights_min_askers`` and is never below 5.
"""
from __future__ import annotations

from dataclasses import dataclass

MIN_ASKERS = 5  # the floor: configuration can raise it, never lower it


def min_askers(settings) -> int:
    configured = getattr(settings, "insights_min_askers", MIN_ASKERS) if settings is not None else MIN_ASKERS
    try:
        return max(MIN_ASKERS, int(configured))
    except (TypeError, ValueError):
        return MIN_ASKERS


@dataclass(frozen=True)
class Cell:
    """A figure as it may be shown: ``value`` is None when suppressed, ``text`` is what a reader sees."""

    value: float | None
    text: str

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return self.text


class Guard:
    def __init__(self, k: int):
        self.k = max(MIN_ASKERS, int(k))

    @classmethod
    def from_settings(cls, settings) -> "Guard":
        return cls(min_askers(settings))

    @property
    def hidden(self) -> str:
        return f"<{self.k}"

    def allows(self, askers: int) -> bool:
        return askers >= self.k

    def _small(self, askers: int) -> bool:
        # Zero identifies nobody and keeps empty weeks readable; 1..K-1 askers could be someone.
        return 0 < askers < self.k

    def count(self, value: int, askers: int) -> Cell:
        if self._small(askers):
            return Cell(None, self.hidden)
        return Cell(value, str(value))

    def counts(self, groups: list[tuple[int, set]]) -> list[Cell]:
        """Counts of the parts of one whole that is shown too (questions per channel beside the total).
        Complementary suppression: hiding only the small parts is not enough, "total minus the visible parts"
        would give the hidden one back. So further parts are hidden, the smallest first, until what is hidden
        rests together on at least K distinct askers: the sum a reader can derive is then a figure the guard
        would show anyway. ``groups``: (count, distinct askers) per part."""
        hidden = {i for i, (_, askers) in enumerate(groups) if self._small(len(askers))}
        pooled: set = set().union(*(groups[i][1] for i in hidden)) if hidden else set()
        by_size = sorted((i for i in range(len(groups)) if i not in hidden and groups[i][1]),
                         key=lambda i: (len(groups[i][1]), groups[i][0], i))
        while hidden and len(pooled) < self.k and by_size:
            i = by_size.pop(0)
            hidden.add(i)
            pooled |= groups[i][1]
        return [Cell(None, self.hidden) if i in hidden else Cell(n, str(n)) for i, (n, _) in enumerate(groups)]

    def share(self, part: int, total: int, part_askers: int, rest_askers: int, total_askers: int) -> Cell:
        """A percentage. Hidden when the whole, the part or the rest rests on fewer than K askers:
        a share of 100 % over 5 people says as much about the rest as a count of 0 would not."""
        if total == 0 or total_askers < self.k or self._small(part_askers) or self._small(rest_askers):
            return Cell(None, self.hidden)
        pct = round(100.0 * part / total, 1)
        return Cell(pct, f"{pct:.1f} %".replace(".", ","))
