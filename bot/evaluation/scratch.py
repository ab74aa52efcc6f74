"""A scratch PostgreSQL database for a benchmark: created on the given server, dropped afterwards."""
from __future__ import annotations

import secrets
from contextlib import contextmanager


@contextmanager
def scratch_postgres(url: str, prefix: str):
    """A new database named ``<prefix><random>`` on the server at ``url`` (whose path names an existing
    database); yields its URL and drops it (connections and all) afterwards."""
    from bot.storage.db import make_engine

    name = prefix + secrets.token_hex(4)
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as c:
            c.exec_driver_sql(f"CREATE DATABASE {name}")
        try:
            yield url.rsplit("/", 1)[0] + "/" + name
        finally:
            with admin.connect() as c:
                c.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        admin.dispose()
