"""Conversation history, stored redacted, used to understand follow-up questions.

"En voor moskeebesturen?" means nothing alone: a short follow-up within the
follow-up window is searched together with the previous question.
"""
from __future__ import annotations

import re
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.index import text as T

_FOLLOWUP_START = re.compile(
    r"^(en|maar|of|ook|dus|wat als|en als|en voor|en bij|and|but|what about|and for|what if|hoe zit het met)\b", re.I)


class Conversations:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS turns (conversation_id TEXT, at TEXT, role TEXT, text TEXT)")
        self._db.execute("CREATE INDEX IF NOT EXISTS turns_conv ON turns(conversation_id, at)")
        self._lock = threading.Lock()

    def append(self, conversation_id: str, role: str, redacted_text: str) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT INTO turns VALUES (?,?,?,?)",
                             (conversation_id, datetime.now(timezone.utc).isoformat(), role, redacted_text))

    def history(self, conversation_id: str, limit: int = 6, within: timedelta | None = None) -> list[tuple[str, str]]:
        rows = self._db.execute(
            "SELECT at, role, text FROM turns WHERE conversation_id=? ORDER BY at DESC LIMIT ?",
            (conversation_id, limit)).fetchall()
        if within is not None:
            cutoff = (datetime.now(timezone.utc) - within).isoformat()
            rows = [r for r in rows if r[0] >= cutoff]
        return [(role, text) for _, role, text in reversed(rows)]

    def reset(self, conversation_id: str) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM turns WHERE conversation_id=?", (conversation_id,))


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
