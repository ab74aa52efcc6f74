"""The queue database in a backup: SQLite through the online backup API, PostgreSQL through
pg_dump/pg_restore. Row counts are taken in the same snapshot as the copy, so a restore can prove
it put back exactly what was saved."""
from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.storage.db import alembic_config, make_engine

from . import OpsError, RestoreRefused
from .files import replace_sqlite_file, sqlite_copy

SQLITE_FILE = "database/essbot.sqlite"
PG_FILE = "database/essbot.pgdump"
VERSION_TABLE = "alembic_version"


def kind(url: str) -> str:
    return make_url(url).get_backend_name()  # "sqlite" | "postgresql"


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database).resolve()


def _table_counts(conn) -> dict[str, int]:
    return {t: conn.execute(sa.select(sa.func.count()).select_from(sa.table(t))).scalar_one()
            for t in sorted(sa.inspect(conn).get_table_names())}


def _revision(conn, tables) -> str | None:
    if VERSION_TABLE not in tables:
        return None
    return conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalar()


def nonempty_tables(url: str) -> list[str]:
    """Tables that hold rows (the schema alone, as a fresh start creates it, counts as empty)."""
    if kind(url) == "sqlite" and not sqlite_path(url).exists():
        return []
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [t for t, n in _table_counts(conn).items() if n and t != VERSION_TABLE]
    except sa.exc.OperationalError as exc:
        raise OpsError(f"database niet bereikbaar / database unreachable ({type(exc.orig).__name__}); "
                       "bestaat hij al? / does it exist?") from None
    finally:
        engine.dispose()


# --- backup ------------------------------------------------------------------------------------

def dump(url: str, root: Path) -> dict | None:
    """Write the database under ``root``; its description for the manifest (None: no database yet)."""
    if kind(url) == "sqlite":
        return _dump_sqlite(sqlite_path(url), root)
    if kind(url) == "postgresql":
        return _dump_postgres(url, root)
    raise OpsError(f"databasetype niet ondersteund / unsupported database: {kind(url)}")


def _dump_sqlite(path: Path, root: Path) -> dict | None:
    if not path.exists():
        return None
    out = root / SQLITE_FILE
    sqlite_copy(path, out)
    engine = sa.create_engine(f"sqlite:///{out}", poolclass=NullPool)
    try:
        with engine.connect() as conn:
            rows = _table_counts(conn)
            revision = _revision(conn, rows)
    finally:
        engine.dispose()
    return {"kind": "sqlite", "file": SQLITE_FILE, "alembic_revision": revision, "rows": rows}


def _dump_postgres(url: str, root: Path) -> dict:
    out = root / PG_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    target, env = libpq_target(url)
    engine = make_engine(url, poolclass=NullPool)
    try:
        # One exported snapshot for our counts and pg_dump's copy: both see the same rows.
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
            snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            rows = _table_counts(conn)
            revision = _revision(conn, rows)
            _run([pg_tool("pg_dump"), "--format=custom", "--no-password", f"--snapshot={snapshot}",
                  f"--file={out}", f"--dbname={target}"], env)
    except sa.exc.OperationalError as exc:
        raise OpsError(f"database niet bereikbaar / database unreachable ({type(exc.orig).__name__})") from None
    finally:
        engine.dispose()
    return {"kind": "postgresql", "file": PG_FILE, "alembic_revision": revision, "rows": rows,
            "pg_dump": _tool_version("pg_dump")}


# --- restore -----------------------------------------------------------------------------------

def restore(url: str, root: Path, info: dict) -> None:
    """Put the saved database in place of the configured one, then prove the row counts match."""
    if info["kind"] == "sqlite":
        _restore_sqlite(sqlite_path(url), root / info["file"])
    else:
        _restore_postgres(url, root / info["file"])
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            got = _table_counts(conn)
    finally:
        engine.dispose()
    wrong = sorted(t for t, n in info["rows"].items() if got.get(t) != n)
    if wrong:
        raise OpsError("hersteld, maar de aantallen rijen kloppen niet / restored, but row counts differ: "
                       + ", ".join(f"{t} {got.get(t)}≠{info['rows'][t]}" for t in wrong))


def _restore_sqlite(target: Path, saved: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.restoring")
    sqlite_copy(saved, staged)  # checked copy on the target's file system, then one rename
    replace_sqlite_file(staged, target)


def _restore_postgres(url: str, dump_file: Path) -> None:
    pg_restore = pg_tool("pg_restore")
    target, env = libpq_target(url)
    listing = _run([pg_restore, "--list", str(dump_file)], env)
    saved_tables = {m.group(1) for m in re.finditer(r"^\d+; \d+ \d+ TABLE public (\S+) ", listing, re.M)}
    # Tables the backup does not know (a later migration's) would survive --clean and make the
    # migration on start fail with "already exists": they go first.
    # Likewise foreign keys a later migration added to a table the backup knows: --clean could not drop the
    # key they point at ("cannot drop constraint advisors_pkey ... other objects depend on it").
    saved_fks = {m.group(1) for m in re.finditer(r"^\d+; \d+ \d+ FK CONSTRAINT public \S+ (\S+) ", listing, re.M)}
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            inspector = sa.inspect(conn)
            tables = set(inspector.get_table_names())
            for t in sorted(tables - saved_tables):
                conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{t}" CASCADE')
            for t in sorted(tables & saved_tables):
                for fk in inspector.get_foreign_keys(t):
                    if fk.get("name") and fk["name"] not in saved_fks:
                        conn.exec_driver_sql(f'ALTER TABLE "{t}" DROP CONSTRAINT IF EXISTS "{fk["name"]}"')
    except sa.exc.OperationalError as exc:
        raise OpsError(f"database niet bereikbaar / database unreachable ({type(exc.orig).__name__}); "
                       "maak hem eerst aan (createdb) / create it first (createdb)") from None
    finally:
        engine.dispose()
    # One transaction: a failing restore leaves the database as it was.
    _run([pg_restore, "--clean", "--if-exists", "--single-transaction", "--exit-on-error", "--no-owner",
          "--no-privileges", "--no-password", f"--dbname={target}", str(dump_file)], env)


# --- PostgreSQL client tools -------------------------------------------------------------------

def libpq_target(url: str) -> tuple[str, dict]:
    """A libpq URI without the password (which would show in `ps`) and the environment carrying it."""
    u = make_url(url).set(drivername="postgresql")
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    return u.set(password=None).render_as_string(hide_password=False), env


def pg_tool(name: str) -> str:
    """pg_dump/pg_restore from PATH, else the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if versions:
        return versions[-1]
    raise OpsError(f"{name} niet gevonden: installeer de PostgreSQL-client (postgresql-client), even nieuw als de "
                   f"server of nieuwer / {name} not found: install the PostgreSQL client tools "
                   "(postgresql-client), the server's major version or newer")


def _tool_version(name: str) -> str:
    return subprocess.run([pg_tool(name), "--version"], capture_output=True, text=True).stdout.strip()


def _run(cmd: list[str], env: dict) -> str:
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if res.returncode != 0:
        # CONTEXT lines of a failing COPY quote row data (message text): never pass those on.
        detail = "\n".join(line for line in res.stderr.splitlines() if "CONTEXT:" not in line)[-1500:]
        raise OpsError(f"{Path(cmd[0]).name} mislukt / failed (exit {res.returncode}):\n{detail}")
    return res.stdout


def check_kind(url: str, info: dict) -> None:
    if info["kind"] != kind(url):
        raise RestoreRefused(f"de back-up bevat een {info['kind']}-database, geconfigureerd is {kind(url)}; "
                             f"overzetten tussen databasetypes kan niet met restore / the backup holds a "
                             f"{info['kind']} database, the configured one is {kind(url)}; restore cannot convert")


def head_revision(url: str) -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def check_revision(url: str, info: dict) -> None:
    """A backup from a newer release has a schema this one cannot migrate from (or understand)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    revision = info.get("alembic_revision")
    if revision is None:
        return
    try:
        ScriptDirectory.from_config(alembic_config(url)).get_revision(revision)
    except CommandError:
        raise RestoreRefused(f"de back-up heeft databaseschema {revision!r}, dat deze versie van essbot niet kent; "
                             f"herstel met de versie die de back-up maakte ({info.get('essbot_version', '?')}) of "
                             f"nieuwer / the backup's schema {revision!r} is unknown to this essbot release; restore "
                             "with the release that wrote it or a newer one") from None
