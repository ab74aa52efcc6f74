"""Messages with nothing to read: only zero-width spaces, controls, marks, punctuation or symbols.

Such a message got as far as the engine and, finding no answer, became a ticket an advisor had to open.
The gateway refuses it politely (JunkMessage, a 422 on the web) before anything is stored; a message that
reads as urgent is never refused (the gateway asks triage first). A message with one letter or digit in
any script ("112", "Hoi?") is read as usual.
"""
from __future__ import annotations

from bot.engine.engine import MessageRejected
from bot.engine.texts import text as T


class JunkMessage(MessageRejected):
    """No letter or digit in the message; ``text`` says so to the asker."""


def is_junk(text: str | None) -> bool:
    """True for a non-empty text without any letter or digit (emoji, '???', U+200B ...)."""
    return bool(text and text.strip()) and not any(ch.isalnum() for ch in text)


def refuse_junk(text: str | None, language: str | None) -> None:
    if is_junk(text):
        raise JunkMessage(T("error.junk", language or "nl"))
