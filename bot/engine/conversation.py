"""Conversation history, stored redacted, used to understand follow-up questions.

"En voor moskeebesturen?" means nothing alone: a short follow-up within the
follow-up window is searched together with the previous question.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from bot.index import text as T


class Turn(NamedTuple):
    """One stored turn, redacted, as the engine reads it back (``ConversationStore.history``)."""
    role: str  # "user" | "assistant"
    text: str  # the words only: a bot turn's kind is not part of it
    kind: str | None = None  # a bot turn's Kind value ("answer", "handover", "urgent")


_FOLLOWUP_START = re.compile(
    r"^(en|maar|of|ook|dus|wat als|en als|en voor|en bij|and|but|what about|and for|what if|hoe zit het met)\b", re.I)


def is_followup(text: str) -> bool:
    """Short, or opening like a continuation, and with few content words of its own."""
    content = T.tokens(text)
    return bool(_FOLLOWUP_START.match(text.strip())) and len(content) <= 6 or len(content) <= 2


def search_text(question: str, history: list[Turn]) -> str:
    """The text to search for: a follow-up is joined to the asker's previous question."""
    if not history or not is_followup(question):
        return question
    previous = next((t.text for t in reversed(history) if t.role == "user"), None)
    return f"{previous} {question}" if previous else question
