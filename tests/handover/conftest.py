"""Storage fixtures: every storage test runs on SQLite and on the real PostgreSQL of this machine.

Each PostgreSQL test gets a database of its own (created and dropped here), so
tests cannot see each other's rows. PostgreSQL is required: set
ESSBOT_TEST_POSTGRES_URL when it is not at 127.0.0.1:5432 (db ``test``).
"""
from __future__ import annotations

import os
import secrets
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot.storage.db import Database, make_engine

PG_URL = os.environ.get("ESSBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


class Clock:
    """A clock the tests move; starts on a Wednesday morning in office hours."""

    def __init__(self, start=datetime(2026, 11, 25, 9, 30, tzinfo=timezone.utc)):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _admin_engine():
    return make_engine(PG_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture
def pg_url():
    admin = _admin_engine()
    name = "essbot_t_" + secrets.token_hex(4)
    try:
        with admin.connect() as c:
            c.exec_driver_sql(f"CREATE DATABASE {name}")
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL} ({type(exc).__name__}); start it or set "
                    "ESSBOT_TEST_POSTGRES_URL")
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as c:
        c.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db(db_url):
    database = Database(db_url)
    yield database
    database.dispose()
