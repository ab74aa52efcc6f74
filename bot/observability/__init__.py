"""Observability for `essbot serve`: Prometheus metrics, readiness checks and JSON logs.

Nothing here ever records message text (questions, answers, replies) or raw asker ids: metrics carry
only bounded labels (route templates, outcome kinds, channels) and logs get text attributes redacted.
"""
from __future__ import annotations



def install(app, settings, db) -> None:
    """Adds /metrics, /readyz and request metrics to the serve app (before any mount at "/")."""
    # Imported here: the engine and the worker import `metrics` and need no web or HTTP client code.
    from fastapi import APIRouter

    from .health import readiness_router
    from .metrics import HttpMetricsMiddleware, metrics_router

    app.add_middleware(HttpMetricsMiddleware)
    router = APIRouter()
    router.include_router(metrics_router(db, settings.metrics_token))
    router.include_router(readiness_router(settings, db))
    app.include_router(router)


__all__ = ["install"]
