"""Conversation history, stored redacted, used to understand follow-up questions.

"En voor moskeebesturen?" means nothing alone: a short follow-up within the
follow-up window is searched together with the previous question.
"""
from __future__ import annotations

import re

from bot.index import text as T

_FOLLOWUP_START = re.compile(
    r"^(en|maar|of|ook|dus|wat als|en als|en voor|en bij|and|but|what about|and for|what if|hoe zit het met)\b", re.I)


def is_followup(text: str) -> bool:
    """Short, or opening like a continuation, and with few content words of its own."""
    content = T.tokens(text)
    return bool(_FOLLOWUP_START.match(text.strip())) and len(content) <= 6 or len(content) <= 2


def search_text(question: str, history: list[tuple[str, str]]) -> str:
    """The text to search for: a follow-up is joined to the asker's previous question."""
    if not history or not is_followup(question):
        return question
    previous = next((t for role, t in reversed(history) if role == "user"), None)
    return f"{previous} {question}" if previous else question
