"""Urgent is never blocked. Before a channel applies its limits (messages per minute, message length) or
touches storage, it asks whether the raw text reads as urgent (in memory only; the triage memo keeps a hash,
never text). An urgent message skips the ordinary limits, and if it still cannot be taken (a database or
vector-store outage, the urgent limit itself) the asker gets the emergency lines as static text.
"""
from __future__ import annotations

from bot.engine.engine import emergency_text
from bot.triage import Triage, triage

# An urgent message is not held to the asker's ordinary limit, only to this multiple of it, so that
# danger texts cannot be used to flood the urgent queue without any bound.
URGENT_LIMIT_FACTOR = 5


def reads_urgent(text: str | None) -> Triage | None:
    if not text or not text.strip():
        return None
    t = triage(text)
    return t if t.urgent else None


def static_guidance(text: str | None, lang: str | None) -> str | None:
    """The emergency lines (no ticket, no database) for a refused message that reads as urgent."""
    t = reads_urgent(text)
    return emergency_text(t.category, "en" if lang == "en" else "nl") if t else None
