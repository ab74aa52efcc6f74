"""Prometheus metrics on a registry of our own, so tests (and several apps in one process) never clash
with the global default registry.

Labels are bounded vocabularies only: route *templates* (raw paths carry widget tokens), outcome kinds
and reasons defined in code, channel names and delivery results.
"""
from __future__ import annotations

import hmac
import ipaddress
import logging
import time

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from starlette.routing import Mount

from bot.i18n import text as T

log = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)
UNMATCHED = "<unmatched>"  # one label for every unknown path, so scanners cannot blow up cardinality

HTTP_REQUESTS = Counter("essbot_http_requests_total", "HTTP requests by method, route template and status.",
                        ["method", "route", "status"], registry=REGISTRY)
HTTP_LATENCY = Histogram("essbot_http_request_duration_seconds", "HTTP request latency by route template.",
                         ["route"], registry=REGISTRY)
OUTCOMES = Counter("essbot_engine_outcomes_total", "Engine outcomes by kind and reason.", ["kind", "reason"],
                   registry=REGISTRY)
ENGINE_LATENCY = Histogram("essbot_engine_duration_seconds", "Time the engine took to handle one message.",
                           buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60), registry=REGISTRY)
HANDOVERS = Counter("essbot_handovers_total", "Questions handed over to an advisor, by reason.", ["reason"],
                    registry=REGISTRY)
URGENT = Counter("essbot_urgent_total", "Questions triaged as urgent.", registry=REGISTRY)
DELIVERIES = Counter("essbot_deliveries_total", "Reply delivery attempts by channel and result "
                     "(sent, failed = gave up, retry = will try again).", ["channel", "result"], registry=REGISTRY)


def outcome(kind: str, reason: str | None, seconds: float | None) -> None:
    """Counts one engine outcome. `reason` comes from the engine's own vocabulary, never from user text.
    ``seconds`` is None for outcomes that answer no question (a button press): not a latency sample."""
    reason = (reason or "none")[:64]
    OUTCOMES.labels(kind, reason).inc()
    if seconds is not None:
        ENGINE_LATENCY.observe(seconds)
    if kind == "handover":
        HANDOVERS.labels(reason).inc()
    elif kind == "urgent":
        URGENT.inc()


def delivery(channel: str, result: str) -> None:
    DELIVERIES.labels(channel, result).inc()


def route_template(scope: dict, root_path: str) -> str:
    """The template of the route that handled the request ("/widget/conversations/{token}/replies"),
    read from what Starlette's routers left in the scope; mounts add their prefix to root_path."""
    route = scope.get("route")
    if route is None:
        return UNMATCHED
    prefix = scope.get("root_path", "")[len(root_path):]
    if isinstance(route, Mount):
        # A mounted app with routes of its own matched none of them; a static mount serves files below it.
        return UNMATCHED if route.routes else prefix + "/{path}"
    return prefix + getattr(route, "path_format", getattr(route, "path", UNMATCHED))


class HttpMetricsMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware): sees the final scope and status without buffering bodies."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        root_path, started, status = scope.get("root_path", ""), time.perf_counter(), 500

        async def send_wrapper(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:  # an exception still counts, as the 500 the server will answer
            route = route_template(scope, root_path)
            HTTP_REQUESTS.labels(scope["method"], route, str(status)).inc()
            HTTP_LATENCY.labels(route).observe(time.perf_counter() - started)


class OpenTicketsCollector(Collector):
    """Open tickets by priority, counted at scrape time: one indexed COUNT, no background thread."""

    def __init__(self, db):
        self.db = db

    def collect(self):
        from bot.storage.models import OPEN_STATES, Ticket

        gauge = GaugeMetricFamily("essbot_open_tickets", "Tickets waiting for or with an advisor, by priority.",
                                  labels=["priority"])
        try:
            with self.db.engine.connect() as c:
                rows = c.execute(select(Ticket.priority, func.count()).where(Ticket.status.in_(OPEN_STATES))
                                 .group_by(Ticket.priority)).all()
        except Exception as exc:  # a scrape must not fail because the DB is down; /readyz reports that
            log.warning("open tickets not collected: %s", type(exc).__name__)
            return
        for priority, n in rows:
            gauge.add_metric([priority], n)
        yield gauge


class _Shared(Collector):
    def collect(self):
        yield from REGISTRY.collect()


def may_scrape(request: Request, token: str | None) -> bool:
    """/metrics is not public: with ``metrics_token`` set a scraper sends it as a bearer token; without it
    only this machine (loopback) may read. Behind the proxy the client is the proxy or, with trusted
    forwarded headers, the real client: neither is loopback. The shipped Caddyfile does not forward it."""
    if token:
        sent = request.headers.get("authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    try:
        return request.client is not None and ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:  # not an address (a test client's name)
        return False


def metrics_router(db, token: str | None = None) -> APIRouter:
    # Per app: the shared process-wide metrics plus this app's database.
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Shared())
    registry.register(OpenTicketsCollector(db))
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    def metrics(request: Request):
        if not may_scrape(request, token):
            return JSONResponse({"error": {"code": "forbidden", "message_nl": T("api.error.forbidden", "nl"),
                                           "message_en": T("api.error.forbidden", "en")}}, status_code=403)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router
