"""JSON from outside, parsed within bounds: a size cap and a nesting limit checked before parsing.

Python's parser recurses per level: a body of 100,000 '[' raised RecursionError (a 500) instead of a
refusal. Every JSON body a channel reads itself (the Telegram webhook) goes through ``loads``; the REST API
and widget bodies are capped by their route class and parsed by FastAPI, which answers such a body 400.
"""
from __future__ import annotations

import json
import re

MAX_DEPTH = 64  # a Telegram update nests about 6 levels; nothing legitimate comes near this
_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(rb"[\[\]{}]")


class BadJson(ValueError):
    """Not JSON, or nested deeper than allowed."""


def depth(data: bytes) -> int:
    """The deepest nesting of arrays and objects, counted outside strings."""
    level = deepest = 0
    for m in _BRACKETS.finditer(_STRINGS.sub(b'""', data)):
        if m.group() in (b"[", b"{"):
            level += 1
            deepest = max(deepest, level)
        else:
            level -= 1
    return deepest


def loads(data: bytes, max_depth: int = MAX_DEPTH):
    if depth(data) > max_depth:
        raise BadJson(f"nested deeper than {max_depth}")
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise BadJson(type(exc).__name__) from None
