"""`essbot backup` / `essbot restore` for real: SQLite and PostgreSQL, embedded Chroma and a Chroma server.

Each round trip seeds tickets, replies and messages, ingests a small corpus (plus reviewed answers),
backs up, destroys everything, restores and compares every row and the search results.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.config import Settings
from bot.handover.conversations import DbConversations
from bot.storage.db import Database, current_revision, database_url, make_engine, migrate
from bot.storage.models import Base
from bot.handover.service import QueueService
from bot.index.store import Index
from bot.ops import BackupDamaged, IndexLocked, RestoreRefused
from bot.ops.backup import create_backup
from bot.ops.restore import restore_backup
from bot.retrieval.hybrid import HybridRetriever
from ingest.pipeline import ingest_paths
from tests.conftest import TEST_SECRET, write
from tests.handover.conftest import PG_URL, pg_url  # noqa: F401  (fixture)
from tests.handover.helpers import advisor, handover, team
from tests.services import free_port, running

QUERIES = ["Wie praat er met journalisten?", "Hoe herken je signalen bij jongeren?", "buurtbemiddeling bij ruzie"]


# --- fixtures and helpers ------------------------------------------------------------------------

@pytest.fixture
def second_pg_url():
    """Another scratch database: the restore target after the first one was destroyed."""
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = "essbot_r_" + secrets.token_hex(4)
    with admin.connect() as c:
        c.exec_driver_sql(f"CREATE DATABASE {name}")
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as c:
        c.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def kind(request):
    return request.param


def corpus(root: Path) -> Path:
    write(root / "moskee.md", "# Veilige moskee\n\n## Media\nSpreek als bestuur af wie het woord voert als "
          "journalisten bellen.\n\n## Beveiliging\nMaak een plan met de wijkagent voor drukke dagen.")
    write(root / "jeugd.md", "# Jongerenwerk\n\n## Training\nEen training helpt jongerenwerkers signalen van "
          "radicalisering te herkennen.\n\n## Ouders\nBetrek ouders vroeg bij zorgen over hun kind.")
    write(root / "buurt.md", "# Buurtbemiddeling\n\n## Ruzie tussen buren\nBemiddelaars helpen buren een ruzie "
          "zelf op te lossen, voordat die escaleert.")
    return root


def reviewed(settings) -> Path:
    """What the knowledge desk writes on approval: Markdown plus its own sources.yaml."""
    folder = Path(settings.reviewed_dir)
    write(folder / "sources.yaml", "defaults:\n  collection: adviseur-antwoorden\ndocuments:\n"
          "  - file: ess-adviseur-1.md\n    title: ESS-adviseur, 3 november 2026\n")
    write(folder / "ess-adviseur-1.md", "# Wat doe je na een incident bij een moskee?\n\nBel eerst het bestuur en "
          "spreek samen een boodschap voor de buurt af.")
    return folder


def seed(db: Database) -> None:
    """Teams, advisors, tickets in several states, replies, conversation messages and feedback."""
    queue = QueueService(db)
    t = team(db, "Algemeen", default=True)
    a = advisor(db, "a@example.org", t)
    advisor(db, "b@example.org", t, role="editor")
    conv = DbConversations(db)
    for n in range(3):
        conv.append(f"c{n}", "user", f"Vraag {n} over [NAAM] en de buurt", channel="api", asker=f"asker-{n}")
        conv.append(f"c{n}", "assistant", f"Antwoord {n} uit de handreiking [1]", channel="api", asker=f"asker-{n}")
    answered = handover(queue, conversation="c0", asker="asker-0").ref
    asked = handover(queue, conversation="c1", asker="asker-1").ref
    handover(queue, conversation="c2", asker="asker-2", priority="urgent")
    queue.reply(answered, a, "Bel het wijkteam; zij kennen de situatie. [1]")
    queue.reply(asked, a, "Over welke gemeente gaat het?", kind="question")
    queue.asker_followup("c1", "Over [PLAATS]")
    queue.record_feedback("c0", True, "depolarisatie", answered)


def rows(url: str) -> dict[str, list[dict]]:
    """Every row of every table, in primary-key order."""
    engine = make_engine(url)
    try:
        with engine.connect() as c:
            return {t.name: [dict(r._mapping) for r in c.execute(sa.select(t).order_by(*t.primary_key.columns))]
                    for t in Base.metadata.sorted_tables}
    finally:
        engine.dispose()


def search_hits(settings, embeddings) -> list[list[tuple[str, float]]]:
    index = Index(settings, embeddings=embeddings)
    try:
        retriever = HybridRetriever(index)
        return [[(p.chunk_id, round(p.score, 6)) for p in retriever.search(q, k=5).passages] for q in QUERIES]
    finally:
        index.close()


def chunks(settings, embeddings) -> list[tuple]:
    index = Index(settings, embeddings=embeddings)
    try:
        return [(c.chunk_id, c.doc.doc_id, c.text) for c in index.catalog.all_chunks()]
    finally:
        index.close()


def tree_digest(*folders: Path) -> dict[str, str]:
    out = {}
    for folder in folders:
        for p in sorted(folder.rglob("*")) if folder.exists() else []:
            if p.is_file() and not p.name.endswith(("-wal", "-shm")) and p.name != ".ingest.lock":
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def build(settings, embeddings, tmp_path) -> None:
    db = Database(database_url(settings))
    seed(db)
    db.dispose()
    index = Index(settings, embeddings=embeddings)
    ingest_paths([corpus(tmp_path / "kb"), reviewed(settings)], settings, index=index)
    index.close()


def destroy(settings) -> None:
    url = database_url(settings)
    if url.startswith("sqlite"):
        for suffix in ("", "-wal", "-shm"):
            Path(str(settings.data_dir / "essbot.sqlite") + suffix).unlink(missing_ok=True)
    else:
        engine = make_engine(url)
        Base.metadata.drop_all(engine)
        with engine.begin() as c:
            c.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        engine.dispose()
    for folder in (settings.index_dir, settings.data_dir / "cache", Path(settings.reviewed_dir)):
        shutil.rmtree(folder, ignore_errors=True)


# --- round trips ---------------------------------------------------------------------------------

def test_backup_destroy_restore_gives_back_every_row_and_the_same_search(kind, settings, embeddings, tmp_path,
                                                                          request):
    if kind == "postgresql":
        settings = settings.model_copy(update={"database_url": request.getfixturevalue("pg_url")})
    build(settings, embeddings, tmp_path)
    before_rows = rows(database_url(settings))
    before_hits = search_hits(settings, embeddings)
    before_chunks = chunks(settings, embeddings)
    assert len(before_rows["tickets"]) == 3 and len(before_rows["replies"]) == 2
    assert len(before_rows["messages"]) >= 8 and before_rows["feedback"]
    assert any(h[0][0].startswith("ess-adviseur") or "moskee" in h[0][0] for h in before_hits)

    # The archive variant on PostgreSQL, the folder variant on SQLite: both paths are exercised.
    res = create_backup(settings, tmp_path / "backups", archive=(kind == "postgresql"))
    m = res.manifest
    assert m["database"]["kind"] == kind and m["database"]["rows"]["tickets"] == 3
    assert m["database"]["alembic_revision"] == current_revision(make_engine(database_url(settings)))
    assert m["index"]["chunks"] == len(before_chunks) and m["index"]["documents"] == 4
    assert m["index"]["vectors"] == "copied" and m["index"]["embedding_model"] == embeddings.model_id
    assert {"reviewed/sources.yaml", "reviewed/ess-adviseur-1.md", "index/catalog.sqlite"} <= m["files"].keys()
    print(f"\nbackup ({kind}): {res.files} files, {res.bytes / 1e3:.0f} kB, {res.seconds:.2f} s")

    destroy(settings)
    target = settings
    if kind == "postgresql":  # restore into a second, freshly created database
        target = settings.model_copy(update={"database_url": request.getfixturevalue("second_pg_url")})
    assert not Path(target.reviewed_dir).exists() and not target.index_dir.exists()

    out = restore_backup(target, res.path, embeddings=embeddings)  # empty targets: no --yes needed
    print(f"restore ({kind}): {out.seconds:.2f} s, vectors rebuilt: {out.vectors_rebuilt}")
    assert out.warnings == []
    db = Database(database_url(target))  # migrates on start (already at head here)
    db.dispose()
    assert rows(database_url(target)) == before_rows
    assert search_hits(target, embeddings) == before_hits
    assert chunks(target, embeddings) == before_chunks
    assert tree_digest(Path(target.reviewed_dir)).keys() and (Path(target.reviewed_dir) / "sources.yaml").exists()

    # Restoring over data that is there now needs --yes.
    with pytest.raises(RestoreRefused, match="--yes"):
        restore_backup(target, res.path, embeddings=embeddings)
    restore_backup(target, res.path, yes=True, embeddings=embeddings)
    assert rows(database_url(target)) == before_rows


def test_restore_under_another_data_folder_repoints_the_reviewed_answers(settings, embeddings, tmp_path):
    build(settings, embeddings, tmp_path)
    res = create_backup(settings, tmp_path / "backups")
    elsewhere = Settings(data_dir=tmp_path / "elsewhere", knowledge_dir=settings.knowledge_dir, environment="test",
                         secret_key="another-" + TEST_SECRET)
    out = restore_backup(elsewhere, res.path, embeddings=embeddings)
    assert len(out.warnings) == 1 and "ESSBOT_SECRET_KEY" in out.warnings[0]  # pseudonyms would not match
    index = Index(elsewhere, embeddings=embeddings)
    roots = {d.root for d in index.catalog.documents().values()}
    index.close()
    assert str(Path(elsewhere.reviewed_dir).resolve()) in roots
    assert str(Path(settings.reviewed_dir).resolve()) not in roots
    # Re-ingesting the restored reviewed folder finds every answer unchanged instead of indexing it twice.
    report = ingest_paths([Path(elsewhere.reviewed_dir)], elsewhere, index=Index(elsewhere, embeddings=embeddings))
    assert (report.unchanged, report.indexed, report.deleted) == (1, 0, 0)


# --- refusals ------------------------------------------------------------------------------------

def _state(settings) -> tuple:
    return rows(database_url(settings)), tree_digest(settings.index_dir, Path(settings.reviewed_dir))


def test_a_damaged_backup_is_refused_and_nothing_changes(settings, embeddings, tmp_path):
    build(settings, embeddings, tmp_path)
    folder = create_backup(settings, tmp_path / "backups").path
    archive = create_backup(settings, tmp_path / "backups", archive=True).path
    # Things move on after the backup, so a restore would visibly change them.
    db = Database(database_url(settings))
    handover(QueueService(db), conversation="later", asker="asker-9")
    db.dispose()
    write(Path(settings.reviewed_dir) / "ess-adviseur-2.md", "# Later\n\nEen later goedgekeurd antwoord.")
    before = _state(settings)

    catalog = folder / "index" / "catalog.sqlite"
    data = bytearray(catalog.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    catalog.write_bytes(bytes(data))
    with pytest.raises(BackupDamaged, match="index/catalog.sqlite"):
        restore_backup(settings, folder, yes=True, embeddings=embeddings)
    assert _state(settings) == before

    catalog.write_bytes(bytes(data[:-10]))  # truncated; and an unexpected extra file
    write(folder / "reviewed" / "extra.md", "# Niet in het manifest\n\ntekst")
    with pytest.raises(BackupDamaged) as err:
        restore_backup(settings, folder, yes=True, embeddings=embeddings)
    assert "gewijzigd/changed: index/catalog.sqlite" in str(err.value)
    assert "niet in manifest/not in manifest: reviewed/extra.md" in str(err.value)

    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(BackupDamaged, match="archief is beschadigd"):
        restore_backup(settings, cut, yes=True, embeddings=embeddings)
    assert _state(settings) == before
    assert not [p for p in settings.data_dir.iterdir() if p.name.startswith(".")]  # no staging left behind

    # The operator's view: exit code 2 and a message in Dutch and English.
    env = {**os.environ, "ESSBOT_DATA_DIR": str(settings.data_dir), "ESSBOT_KNOWLEDGE_DIR": str(tmp_path / "kb")}
    cli = subprocess.run([sys.executable, "-m", "bot.cli", "restore", "--yes", str(folder)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert cli.returncode == 2
    assert "De back-up is beschadigd" in cli.stderr and "The backup is damaged" in cli.stderr
    ok = subprocess.run([sys.executable, "-m", "bot.cli", "restore", "--check", str(archive)], env=env,
                        capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0 and "backup verified" in ok.stdout, ok.stderr
    assert _state(settings) == before


def test_incompatible_backups_are_refused_before_anything_changes(settings, embeddings, tmp_path):
    build(settings, embeddings, tmp_path)
    folder = create_backup(settings, tmp_path / "backups").path
    before = _state(settings)
    original = json.loads((folder / "manifest.json").read_text())

    def refused(edit, target=settings, match=None):
        m = json.loads(json.dumps(original))
        edit(m)
        (folder / "manifest.json").write_text(json.dumps(m))
        with pytest.raises(RestoreRefused, match=match):
            restore_backup(target, folder, yes=True, embeddings=embeddings)
        assert _state(settings) == before

    # written by a later release whose schema this one does not know
    refused(lambda m: m["database"].update(alembic_revision="0999"), match="0999")
    # an index built with another embedding model than the configured one
    refused(lambda m: m["index"].update(embedding_model="sentence-transformers/other"), match="other")
    # SQLite backup, PostgreSQL configured: restore does not convert (checked before any connection)
    pg = settings.model_copy(update={"database_url": "postgresql://nobody@127.0.0.1:1/none"})
    refused(lambda m: None, target=pg, match="sqlite")


def test_an_ingest_holding_the_lock_makes_backup_and_restore_wait_or_fail_clearly(settings, embeddings, tmp_path):
    build(settings, embeddings, tmp_path)
    earlier = create_backup(settings, tmp_path / "earlier").path
    index = Index(settings, embeddings=embeddings)
    dest = tmp_path / "backups"
    before = _state(settings)
    with index.write_lock():  # what `essbot ingest` holds while it writes
        with pytest.raises(IndexLocked, match="an ingest is running"):
            create_backup(settings, dest, lock_timeout=0.3)
        with pytest.raises(IndexLocked, match="er loopt een ingest"):
            restore_backup(settings, earlier, yes=True, embeddings=embeddings, lock_timeout=0.3)
    assert list(dest.iterdir()) == []  # no half backup left behind
    assert _state(settings) == before  # the refused restore changed nothing

    # An ingest that finishes while the backup waits: the backup goes ahead after it, not beside it.
    holding, finished = threading.Event(), threading.Event()

    def ingest_like():
        with index.write_lock():
            holding.set()
            finished.wait(0.5)  # the "ingest" works for a moment
            finished.set()

    worker = threading.Thread(target=ingest_like)
    worker.start()
    holding.wait(10)
    res = create_backup(settings, dest, lock_timeout=60)
    worker.join()
    index.close()
    assert finished.is_set() and res.path.exists() and res.manifest["index"]["chunks"] > 0


# --- schema versions -----------------------------------------------------------------------------

def _head(url: str) -> str:
    from alembic.script import ScriptDirectory

    from bot.storage.db import alembic_config

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def test_an_older_backup_is_migrated_on_start_even_over_an_upgraded_database(kind, settings, tmp_path, request):
    url = request.getfixturevalue("pg_url") if kind == "postgresql" else database_url(settings)
    settings = settings.model_copy(update={"database_url": url})
    migrate(url, "0003")  # a database of an earlier release, with data in it
    engine = make_engine(url)
    teams = sa.Table("teams", sa.MetaData(), autoload_with=engine)
    with engine.begin() as c:
        c.execute(teams.insert().values(name="Oud team", themes=["*"], regions=[], is_default=True, active=True,
                                        created_at=sa.func.now()))
    engine.dispose()
    res = create_backup(settings, tmp_path / "backups")
    assert res.manifest["database"]["alembic_revision"] == "0003" and res.manifest["index"] is None

    Database(url).dispose()  # the upgrade: migrated to the current head, later tables created
    engine = make_engine(url)
    assert current_revision(engine) == _head(url) != "0003"
    later_tables = set(sa.inspect(engine).get_table_names())
    engine.dispose()

    # Going back to the pre-upgrade backup, then starting the (new) release again.
    restore_backup(settings, res.path, yes=True)
    engine = make_engine(url)
    assert current_revision(engine) == "0003"
    assert "insight_events" in later_tables and "insight_events" not in sa.inspect(engine).get_table_names()
    engine.dispose()
    Database(url).dispose()
    engine = make_engine(url)
    assert current_revision(engine) == _head(url)
    with engine.connect() as c:
        assert c.execute(sa.text("SELECT name FROM teams")).scalars().all() == ["Oud team"]
    engine.dispose()


# --- Chroma server mode --------------------------------------------------------------------------

def _chroma(tmp_path: Path, name: str):
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    port = free_port()
    cmd = [exe, "run", "--path", str(tmp_path / name), "--host", "127.0.0.1", "--port", str(port)]
    return port, running(cmd, f"http://127.0.0.1:{port}/api/v2/heartbeat", tmp_path / f"{name}.log")


@pytest.mark.chroma_server
def test_chroma_server_vectors_come_back_in_a_fresh_server_from_the_catalog_and_cache(settings, tmp_path):
    import chromadb

    port_a, server_a = _chroma(tmp_path, "chroma-a")
    with server_a:
        s = settings.model_copy(update={"chroma_mode": "http", "chroma_port": port_a})
        index = Index(s)  # the configured model, its cache in data_dir as in production
        ingest_paths([corpus(tmp_path / "kb")], s, index=index)
        retriever = HybridRetriever(index)
        before = [[(p.chunk_id, round(p.score, 6)) for p in retriever.search(q, k=5).passages] for q in QUERIES]
        n_chunks = len(index.catalog.all_chunks())
        index.close()
        res = create_backup(s, tmp_path / "backups", archive=True)
    assert res.manifest["index"]["vectors"] == "rebuild"
    assert not [f for f in res.manifest["files"] if f.startswith("index/chroma")]  # not copied from the server
    assert "cache/embeddings.sqlite" in res.manifest["files"]

    shutil.rmtree(s.data_dir)  # the whole volume is lost
    port_b, server_b = _chroma(tmp_path, "chroma-b")
    t = s.model_copy(update={"chroma_port": port_b})
    with pytest.raises(RestoreRefused, match="Chroma"):  # not started yet: refused before any change
        restore_backup(t, res.path)
    assert not t.index_dir.exists() and not (t.data_dir / "essbot.sqlite").exists()
    with server_b:
        out = restore_backup(t, res.path)
        print(f"\nrestore (chroma server): {out.seconds:.2f} s, {out.vectors_rebuilt} vectors rebuilt, "
              f"{out.newly_embedded} newly embedded")
        assert out.vectors_rebuilt == n_chunks and out.newly_embedded == 0  # all from the restored cache
        assert chromadb.HttpClient(host="127.0.0.1", port=port_b).get_collection(t.chroma_collection).count() \
            == n_chunks
        index = Index(t)
        retriever = HybridRetriever(index)
        after = [[(p.chunk_id, round(p.score, 6)) for p in retriever.search(q, k=5).passages] for q in QUERIES]
        index.close()
    assert after == before
