"""Live advisor replies as server-sent events: what is in the inbox after the client's last id, then
every new reply the moment the delivery worker stores it (woken through ``bot.channels.bus``).

Each event carries the inbox id as its SSE ``id``, so a browser's EventSource resumes after a dropped
connection with ``Last-Event-ID`` and nothing is shown twice or skipped. A stream ends after
``live_stream_seconds``; the client reconnects.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import Request

from . import sse
from .errors import call_gateway


def reply_dict(r) -> dict:
    return {"id": r.id, "ticket_ref": r.ticket_ref, "text": r.text, "created_at": r.created_at.isoformat()}


def resume_point(request: Request, after: int) -> int:
    last = request.headers.get("last-event-id", "")
    return max(after, int(last)) if last.isdigit() and len(last) < 19 else after


async def reply_events(request: Request, gateway, bus, conversation_id: str, after: int,
                       poll_seconds: float, stream_seconds: float) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    ends = loop.time() + stream_seconds
    first = True
    with bus.listen(conversation_id) as woken:  # listening before the first read: no reply slips between
        while True:
            woken.clear()
            out = [b"retry: 3000\n\n"] if first else []  # reconnect soon after the stream ends or breaks
            for r in await call_gateway(gateway.replies, conversation_id, after=after):
                after = r.id
                out.append(sse.event(sse.Event.REPLY, reply_dict(r), event_id=r.id))
            if out:
                yield b"".join(out)
            first = False
            left = ends - loop.time()
            if left <= 0 or await request.is_disconnected():
                return
            try:
                await asyncio.wait_for(woken.wait(), timeout=min(poll_seconds, left))
            except asyncio.TimeoutError:
                yield b": keep-alive\n\n"  # also how a dead client is noticed
