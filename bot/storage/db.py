"""Database engine, sessions and migrations (Alembic, run programmatically)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(settings) -> str:
    if settings.database_url:
        return settings.database_url
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{settings.data_dir / 'essbot.sqlite'}"


def make_engine(url: str, **kw) -> Engine:
    # Errors must never carry row values into logs (questions, replies): SQL parameters are left out.
    kw.setdefault("hide_parameters", True)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kw)

        @event.listens_for(engine, "connect")
        def _pragmas(conn, _record):  # WAL lets the console read while the worker writes
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # deleted rows are overwritten with zeros: erased text must not linger in free pages (askerdata.py)
            cur.execute("PRAGMA secure_delete=ON")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):  # BEGIN IMMEDIATE: SQLite's writers queue instead of failing on upgrade
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        # pysqlite's own transaction handling must be off for the BEGIN above to be ours.
        @event.listens_for(engine, "connect", insert=True)
        def _autocommit(conn, _record):
            conn.isolation_level = None

        return engine
    kw.setdefault("pool_pre_ping", True)  # survives a PostgreSQL restart: stale connections are replaced
    return create_engine(url, **kw)


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class Database:
    """One engine and session factory per process."""

    def __init__(self, url: str, migrate_on_start: bool = True, **engine_kw):
        self.url = url
        if migrate_on_start:
            migrate(url)
        self.engine = make_engine(url, **engine_kw)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self):
        with self.sessions() as s:
            with s.begin():
                yield s

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(settings) -> Database:
    return Database(database_url(settings))
