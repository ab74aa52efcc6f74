"""`essbot bench-load` at tiny scale: a real `serve --workers 2` on PostgreSQL, driven by each load client.

Checks that the printed figures are sane and that everything the bench started or created is gone
afterwards; speed itself is only printed, never asserted.
"""
from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.cli import main
from bot.storage.db import make_engine
from tests.handover.conftest import PG_URL

LINE = re.compile(r"^load: .*$", re.M)
TMP = Path(tempfile.gettempdir())


def _figures(line: str) -> dict[str, str]:
    return dict(kv.split("=", 1) for kv in line.split()[1:])


def _load_databases() -> set[str]:
    engine = make_engine(PG_URL)
    try:
        with engine.connect() as c:
            return set(c.scalars(sa.text("SELECT datname FROM pg_database WHERE datname LIKE 'essbot_load_%'")))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_URL} ({type(exc).__name__})")
    finally:
        engine.dispose()


def _bench_processes() -> set[int]:
    """Processes serving a bench's temporary data dir (the bench's server and its workers)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"ESSBOT_DATA_DIR={TMP}/essbot-load-".encode() in (entry / "environ").read_bytes():
                    out.add(int(entry.name))
            except OSError:
                pass
    return out


@pytest.mark.parametrize("client", ["wrk", "python"])
def test_bench_load_prints_sane_figures_and_cleans_up(client, capsys):
    if client == "wrk" and shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (apt-get install wrk); the python client is tested all the same")
    dbs_before, procs_before = _load_databases(), _bench_processes()
    dirs_before = set(TMP.glob("essbot-load-*"))

    rc = main(["bench-load", "--requests", "60", "--concurrency", "4", "--client", client,
               "--database-url", PG_URL])

    out = capsys.readouterr().out
    lines = LINE.findall(out)
    assert len(lines) == 1, out
    f = _figures(lines[0])
    assert rc == 0, out
    assert f["client"] == client and f["requests"] == "60" and f["ok"] == "60" and f["errors"] == "none"
    kinds = dict(k.split(":") for k in f["kinds"].split(","))
    assert sum(map(int, kinds.values())) == 60
    # the built-in mix: the first 60 questions hold hand-overs (out of scope, asked for a person) and an urgent one
    assert int(kinds["answer"]) > 40 and int(kinds["handover"]) >= 4 and int(kinds["urgent"]) >= 1
    assert f["workers"] == "2"
    rss = [float(x) for x in f["rss_mb"].split(",")]
    assert len(rss) == 2 and all(100 < r < 8000 for r in rss)  # each worker loads the index and deduce
    assert all(float(p) >= r for p, r in zip(f["peak_rss_mb"].split(","), rss))
    p50, p95, p99 = (float(f[k]) for k in ("p50_ms", "p95_ms", "p99_ms"))
    assert 0 < p50 <= p95 <= p99 and float(f["answers_per_s"]) > 0

    # nothing left behind: server, workers, scratch database, temporary data dir
    assert _bench_processes() - procs_before == set()
    assert _load_databases() - dbs_before == set()
    assert set(TMP.glob("essbot-load-*")) - dirs_before == set()
