"""What goes into the engine and what comes out, whatever the channel."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Kind(str, Enum):
    ANSWER = "answer"
    HANDOVER = "handover"
    URGENT = "urgent"


@dataclass(frozen=True)
class InboundMessage:
    channel: str  # "telegram" | "web" | "api" | "cli"
    asker: str  # pseudonymous reference (a keyed hash), never a raw id
    conversation_id: str
    text: str
    language: str | None = None  # "nl" | "en" | None (detect)
    role: str | None = None  # youth_worker, municipal_official, mosque_board, teacher, community_member, advisor
    region: str | None = None  # municipality or region the asker chose to give
    pending_id: int | None = None  # the stored, not yet answered question (set by the engine)


@dataclass
class Citation:
    n: int
    title: str
    section: str
    page: int | None
    url: str | None
    source: str
    published: str | None = None  # ISO date of the source, when known

    def label(self) -> str:
        parts = [self.title] + ([self.section] if self.section else [])
        text = " — ".join(parts)
        if self.page:
            text += f", p. {self.page}"
        return text


@dataclass
class Outcome:
    kind: Kind
    text: str  # what the asker reads (Dutch or English), citations as [n]
    citations: list[Citation] = field(default_factory=list)
    ticket_ref: str | None = None
    # why it was handed over / flagged: a Reason, an urgent one with its category ("urgent:self_harm",
    # format_reason); insight events and metrics labels keep it as is. Never personal data.
    reason: str | None = None
    language: str = "nl"
    confidence: float = 0.0
    theme: str | None = None  # collection of the best passage or triage category, for routing and insights
    redacted_question: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)
    passages: list = field(default_factory=list, repr=False)  # what retrieval returned (for advisors and eval)
