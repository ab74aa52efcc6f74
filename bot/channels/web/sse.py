"""Server-sent events for answers: ``meta``, ``delta`` chunks, ``citations``, ``done``.

The extractive answer exists in full before the first byte is sent; it is still sent in small
chunks (with a short pause, capped per answer) so a chat window can render it progressively,
the same way an LLM answer would arrive.
"""
from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Iterable
from enum import StrEnum

from fastapi.responses import StreamingResponse

from bot.engine.messages import Citation, Outcome

CHUNK_CHARS = 24
PAUSE_S = 0.012
MAX_STREAM_S = 1.2  # never make a long answer noticeably slower than it already is
EVENT_STREAM = "text/event-stream"


class Event(StrEnum):
    """The ``event:`` names clients switch on."""

    META = "meta"
    DELTA = "delta"
    CITATIONS = "citations"
    DONE = "done"
    ERROR = "error"
    REPLY = "reply"  # an advisor's reply on the widget's live stream (live.py)


EVENT_SCHEMA = {  # OpenAPI (before 3.2): the schema of a text/event-stream describes one event of an answer
    "type": "object", "required": ["event", "data"],
    "properties": {"event": {"type": "string", "enum": [e.value for e in Event if e is not Event.REPLY]},
                   "data": {"type": "string", "contentMediaType": "application/json"}}}


def event(name: Event, data, event_id: int | None = None) -> bytes:
    """One SSE event; ``event_id`` becomes its ``id:`` (what EventSource sends back as Last-Event-ID)."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {name}\ndata: {payload}\n\n".encode()


def chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Whole words (with their trailing whitespace) grouped to about ``size`` characters; joined they are
    exactly ``text``."""
    out, current = [], ""
    for word in re.findall(r"\s*\S+\s*|\s+", text):
        if current and len(current) + len(word) > size:
            out.append(current)
            current = ""
        current += word
    if current:
        out.append(current)
    return out


def safe_url(url: str | None) -> str | None:
    """Only http(s) links reach a browser: a source's ``javascript:`` url must never become a link."""
    if url and re.match(r"^https?://[^\s]+$", url, re.IGNORECASE):
        return url
    return None


def citation_dict(c: Citation) -> dict:
    return {"n": c.n, "title": c.title, "section": c.section or None, "page": c.page, "url": safe_url(c.url),
            "published": c.published, "label": c.label()}


def outcome_dict(o: Outcome) -> dict:
    return {"kind": o.kind.value, "text": o.text, "citations": [citation_dict(c) for c in o.citations],
            "ticket_ref": o.ticket_ref, "language": o.language}


async def outcome_events(o: Outcome) -> AsyncIterator[bytes]:
    yield event(Event.META, {"kind": o.kind.value, "ticket_ref": o.ticket_ref, "language": o.language})
    parts = chunks(o.text)
    pause = min(PAUSE_S, MAX_STREAM_S / max(1, len(parts)))
    for i, part in enumerate(parts):
        if i:
            await asyncio.sleep(pause)
        yield event(Event.DELTA, {"text": part})
    yield event(Event.CITATIONS, [citation_dict(c) for c in o.citations])
    yield event(Event.DONE, {})


def stream(events: AsyncIterator[bytes] | Iterable[bytes], headers: dict[str, str] | None = None) -> StreamingResponse:
    # no-transform and X-Accel-Buffering: proxies must pass chunks on as they come
    base = {"Cache-Control": "no-store, no-transform", "X-Accel-Buffering": "no"}
    return StreamingResponse(events, media_type=EVENT_STREAM, headers={**base, **(headers or {})})


def parse(body: str) -> list[tuple[str, object]]:
    """The reverse of ``event`` (for tests and Python clients): [(name, data), ...]."""
    out = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip())
        if data:
            out.append((name, json.loads("\n".join(data))))
    return out
