"""Live updates (Server-Sent Events): /live tells an open queue or ticket page that something changed.

The stream polls the database every few seconds (queries.queue_stamp / ticket_stamp: one small read each)
rather than listening on the channel bus, which carries asker messages in one process only: the console, the
worker and the channels may run as separate processes, and the database is what they share. It sends an
event name and no content, so nothing of a case travels this way; console.js then fetches the page as usual.
A stream ends after a few minutes and the browser reconnects (``retry``), so no connection is held forever.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from bot.handover import queries
from bot.observability.outages import is_outage

from .deps import AdvisorPage, DbDep

router = APIRouter()
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LiveTiming:
    interval_s: float = 3.0  # how often the database is asked
    lifetime_s: float = 300.0  # then the stream ends and the browser reconnects
    retry_ms: int = 3000  # the browser's wait before reconnecting


def get_live_timing() -> LiveTiming:
    return LiveTiming()


LiveTimingDep = Annotated[LiveTiming, Depends(get_live_timing)]


@router.get("/live")
async def live(request: Request, db: DbDep, actor: AdvisorPage, timing: LiveTimingDep, queue: str = "",
               ticket: str = ""):
    def stamps() -> dict[str, tuple | None]:
        with db.session() as s:
            found = {}
            if queue:
                found["queue"] = queries.queue_stamp(s)
            if ticket:
                found["ticket"] = queries.ticket_stamp(s, ticket, actor.id)
            return found

    first = await run_in_threadpool(stamps)  # before the stream starts: an outage here is the 503 page

    async def events():
        last = first
        yield f"retry: {timing.retry_ms}\n\nevent: ready\ndata: \n\n"
        ends = time.monotonic() + timing.lifetime_s
        while time.monotonic() < ends and not await request.is_disconnected():
            await asyncio.sleep(timing.interval_s)
            try:
                now = await run_in_threadpool(stamps)
            except Exception as exc:
                # A database blip skips a round: ending the stream would make the browser reconnect into the
                # 503 page, after which EventSource gives up for good.
                if not is_outage(exc):
                    raise
                log.warning("console live: database unavailable (%s)", type(exc).__name__)
                yield ": -\n\n"
                continue
            changed = [kind for kind in now if now[kind] != last.get(kind)]
            last = now
            # a comment line as keep-alive: proxies close connections that stay silent
            yield "".join(f"event: {kind}\ndata: \n\n" for kind in changed) or ": -\n\n"

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
