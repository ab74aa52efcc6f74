"""Why a message is refused, and the one check of its text that the engine and every channel make.

A refusal carries a machine code (``Rejection``: the ``code`` of an API error body, so its values never
change) and the asker's text in their language. A message that reads as urgent is never refused for its
length: danger is taken whole (bot/channels/urgent.py).
"""
from __future__ import annotations

from enum import StrEnum

from bot.i18n import text as T


class Rejection(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    NO_WORDS = "no_words"  # no letter or digit in it (bot/channels/junk.py)


_TEXT = {Rejection.EMPTY: "error.empty", Rejection.TOO_LONG: "error.too_long", Rejection.NO_WORDS: "error.junk"}


class MessageRejected(ValueError):
    """The message cannot be handled as sent: ``code`` says why, ``text`` says it to the asker, ``fmt`` holds
    the numbers in that text (``max`` for a message too long)."""

    def __init__(self, code: Rejection, language: str | None = None, **fmt):
        self.code, self.fmt = Rejection(code), fmt
        self.text = T(_TEXT[self.code], language or "nl", **fmt)
        super().__init__(self.text)


def check_text(text: str | None, max_chars: int, *, urgent: bool = False, language: str | None = None,
               required: bool = True) -> None:
    """Refuses a blank text when one is ``required``, and a text longer than ``max_chars`` unless it reads
    as urgent (the caller has asked triage: channels before their limits, the engine before storage)."""
    if required and not (text or "").strip():
        raise MessageRejected(Rejection.EMPTY, language)
    if len(text or "") > max_chars and not urgent:
        raise MessageRejected(Rejection.TOO_LONG, language, max=max_chars)
