"""GET /readyz: can this process serve questions right now? /healthz (console) stays the cheap
liveness check; this one touches the database, the index and, in llm mode, the LLM endpoint.

Failures are reported by check name and error class only: no URLs (they may hold credentials), no
exception messages, no stack traces.
"""
from __future__ import annotations

import logging

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

log = logging.getLogger(__name__)
TIMEOUT_S = 2.0  # a probe that hangs is worse than one that fails: orchestrators time out themselves


class CheckFailed(Exception):
    """A check ran but found the dependency unusable; the message is safe to show."""


def check_database(db) -> dict:
    with db.engine.connect() as c:
        c.execute(text("SELECT 1")).scalar_one()
    return {}


def check_index(settings) -> dict:
    from bot.index.catalog import Catalog

    path = settings.index_dir / "catalog.sqlite"
    if not path.is_file():  # Catalog() would create an empty one; a probe must not write
        raise CheckFailed("catalog missing")
    catalog = Catalog(path)
    try:
        version = catalog.version()
    finally:
        catalog.close()
    if version <= 0:
        raise CheckFailed("index empty (nothing ingested)")
    check_vectors(settings)
    return {"version": version}


def check_vectors(settings) -> None:
    if settings.chroma_mode == "http":
        r = httpx.get(f"http://{settings.chroma_host}:{settings.chroma_port}/api/v2/heartbeat", timeout=TIMEOUT_S)
        if r.status_code != 200:
            raise CheckFailed(f"chroma http {r.status_code}")
    elif not (settings.index_dir / "chroma" / "chroma.sqlite3").is_file():
        raise CheckFailed("chroma store missing")


def check_llm(settings) -> dict:
    if not settings.llm_base_url:
        raise CheckFailed("llm_base_url not set")
    headers = {}
    if settings.llm_api_key and settings.llm_api_key != "not-needed":
        headers["Authorization"] = f"Bearer {settings.llm_api_key}"
    r = httpx.get(settings.llm_base_url.rstrip("/") + "/models", headers=headers, timeout=TIMEOUT_S)
    if r.status_code != 200:
        raise CheckFailed(f"llm http {r.status_code}")
    return {}


def run_checks(settings, db) -> dict[str, dict]:
    checks = {"database": lambda: check_database(db), "index": lambda: check_index(settings)}
    if settings.answer_mode == "llm":
        checks["llm"] = lambda: check_llm(settings)
    results = {}
    for name, check in checks.items():
        try:
            results[name] = {"ok": True, **check()}
        except CheckFailed as exc:
            results[name] = {"ok": False, "error": str(exc)}
        except Exception as exc:  # any failure means not ready; only the class name is safe to show
            results[name] = {"ok": False, "error": type(exc).__name__}
        if not results[name]["ok"]:
            log.warning("readiness check %s failed: %s", name, results[name]["error"])
    return results


def readiness_router(settings, db) -> APIRouter:
    router = APIRouter()

    @router.get("/readyz", include_in_schema=False)
    def readyz():  # sync: the checks block, so FastAPI runs them in its thread pool
        checks = run_checks(settings, db)
        ready = all(c["ok"] for c in checks.values())
        return JSONResponse({"status": "ready" if ready else "not_ready", "checks": checks},
                            status_code=200 if ready else 503, headers={"Cache-Control": "no-store"})

    return router
