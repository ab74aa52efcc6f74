"""Messages with nothing to read: only zero-width spaces, controls, marks, punctuation or symbols.

Such a message got as far as the engine and, finding no answer, became a ticket an advisor had to open.
The gateway refuses it politely (JunkMessage, a 422 on the web) before anything is stored; a message that
reads as urgent is never refused (the gateway asks triage first). A message with one letter or digit in
any script ("112", "Hoi?") is read as usual.
"""
from __future__ import annotations

import re

from bot.engine.rejections import MessageRejected, Rejection

# "Has a letter or digit", as one character class that Python, ECMAScript and Rust read alike (literal
# characters, no \\p{..}), so the REST API's schema can say exactly what the gateway accepts: the letters and
# digits of the scripts in the Basic Multilingual Plane, without punctuation, symbols, zero-width and format
# characters (U+2000-U+2BFF), private use and emoji.
_RANGES = ((0xAA, 0xAA), (0xB5, 0xB5), (0xBA, 0xBA), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x2AF), (0x370, 0x1FFF),
           (0x2C00, 0x2DFF), (0x2E80, 0x2FFF), (0x3040, 0xD7FF), (0xF900, 0xFDFF), (0xFE70, 0xFEFC),
           (0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A), (0xFF66, 0xFFDC))
HAS_WORD = "[0-9A-Za-z" + "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in _RANGES) + "]"
_WORD = re.compile(HAS_WORD)


class JunkMessage(MessageRejected):
    """No letter or digit in the message (code ``no_words``); ``text`` says so to the asker."""

    def __init__(self, language: str | None = None):
        super().__init__(Rejection.NO_WORDS, language)


def is_junk(text: str | None) -> bool:
    """True for a non-empty text without any letter or digit (emoji, '???', U+200B ...)."""
    return bool(text and text.strip()) and _WORD.search(text) is None


def refuse_junk(text: str | None, language: str | None) -> None:
    if is_junk(text):
        raise JunkMessage(language)
