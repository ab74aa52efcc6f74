"""Database connections that die under the API become 503 ``unavailable`` with Retry-After, not a 500.

Real connections to PostgreSQL, really broken: a connection closed under SQLAlchemy and a backend terminated
by the server mid-transaction (AdminShutdown), both inside the gateway call (before: 503 without Retry-After)
and directly in a handler (before: 500). A bug that is not an outage must still be a 500.
"""
from __future__ import annotations

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from bot.channels.web.errors import UNAVAILABLE_RETRY_AFTER_S, call_gateway, guarded_route
from bot.storage.db import Database
from tests.handover.conftest import pg_url  # noqa: F401  (fixture)

pytestmark = pytest.mark.postgres


def closed_under_us(db: Database) -> None:
    with db.session() as s:
        s.connection().connection.dbapi_connection.close()  # e.g. a proxy dropped it
        s.execute(text("SELECT 1"))


def terminated_by_server(db: Database) -> None:
    with db.session() as s:
        s.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        s.execute(text("SELECT 1"))


def a_bug(db: Database) -> None:
    raise ValueError("not an outage")


def healthy(db: Database) -> None:
    with db.session() as s:
        assert s.execute(text("SELECT 1")).scalar_one() == 1


FAULTS = {"closed": closed_under_us, "terminated": terminated_by_server, "bug": a_bug, "none": healthy}


@pytest.fixture
def client(pg_url):
    db = Database(pg_url)
    router = APIRouter(route_class=guarded_route(10_000))

    @router.get("/gateway/{fault}")
    async def through_gateway(fault: str):
        await call_gateway(FAULTS[fault], db)

    @router.get("/direct/{fault}")
    def in_handler(fault: str):
        FAULTS[fault](db)

    app = FastAPI()
    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    db.dispose()


@pytest.mark.parametrize("where", ["gateway", "direct"])
@pytest.mark.parametrize("fault", ["closed", "terminated"])
def test_a_dead_connection_is_503_unavailable(client, where, fault):
    r = client.get(f"/{where}/{fault}")
    assert r.status_code == 503, r.text
    assert r.headers["retry-after"] == str(UNAVAILABLE_RETRY_AFTER_S)
    err = r.json()["error"]
    assert err["code"] == "unavailable" and err["message_nl"].startswith("De kennisbot is tijdelijk")
    assert err["message_en"]
    # the pool replaced the dead connection: the next request works
    assert client.get(f"/{where}/none").status_code == 200


@pytest.mark.parametrize("where", ["gateway", "direct"])
def test_a_bug_is_still_a_500(client, where):
    r = client.get(f"/{where}/bug")
    assert r.status_code == 500 and "not an outage" not in r.text
