"""Migrations create exactly the models' schema, from empty and from the previous revision."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from bot.storage.db import current_revision, make_engine, migrate
from bot.storage.models import Base


def _diff(engine):
    with engine.connect() as c:
        return compare_metadata(MigrationContext.configure(c), Base.metadata)


def test_upgrade_from_empty_matches_the_models(db_url):
    migrate(db_url)
    engine = make_engine(db_url)
    assert current_revision(engine) == "0008"
    assert _diff(engine) == []
    assert {"tickets", "deliveries", "audit_log", "knowledge_entries", "web_sessions", "inbox", "channel_addresses"} <= set(
        inspect(engine).get_table_names())
    engine.dispose()


def test_upgrade_from_previous_revision_keeps_data(db_url):
    migrate(db_url, "0001")
    engine = make_engine(db_url)
    assert current_revision(engine) == "0001"
    assert "knowledge_entries" not in inspect(engine).get_table_names()
    with engine.begin() as c:
        c.execute(text("INSERT INTO teams (name, themes, regions, is_default, active, created_at) "
                       "VALUES ('Noord', '[\"*\"]', '[]', true, true, '2026-11-01 10:00:00')"))
        c.execute(text("INSERT INTO conversations (id, channel, asker, language, created_at, last_seen_at) "
                       "VALUES ('c1', 'web', 'p1', 'nl', '2026-11-01 10:00:00', '2026-11-01 10:00:00')"))
        c.execute(text("INSERT INTO tickets (ref, status, priority, reason, language, channel, asker, "
                       "conversation_id, question, context, escalated, created_at, updated_at) VALUES "
                       "('T-1', 'new', 'normal', 'low_confidence', 'nl', 'web', 'p1', 'c1', 'vraag', '[]', false, "
                       "'2026-11-01 10:00:00', '2026-11-01 10:00:00')"))
    engine.dispose()

    migrate(db_url)
    engine = make_engine(db_url)
    assert current_revision(engine) == "0008"
    assert _diff(engine) == []
    with engine.begin() as c:
        assert c.execute(text("SELECT ref, question FROM tickets")).all() == [("T-1", "vraag")]
        assert c.execute(text("SELECT name FROM teams")).scalar_one() == "Noord"
        c.execute(text("INSERT INTO knowledge_entries (question, answer, status, created_at) "
                       "VALUES ('v', 'a', 'draft', '2026-11-02 10:00:00')"))
    engine.dispose()


def test_bot_turns_stored_before_0008_still_read_right_and_a_downgrade_tags_new_ones(db_url):
    """Rows from before revision 0008 have "[kind] " + 500 characters and no kind column: they are read with their
    kind and marked shortened; going back to 0007 writes the tag into the newer rows' text, as that code reads it."""
    from alembic import command

    from bot.engine.messages import Citation
    from bot.handover.conversations import DbConversations
    from bot.storage.db import Database, alembic_config
    from bot.storage.models import Message

    long = "Richt je op de middengroep die nog niet gekozen heeft. " * 20
    migrate(db_url, "0007")
    engine = make_engine(db_url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO conversations (id, channel, asker, language, created_at, last_seen_at) "
                       "VALUES ('c1', 'web', 'p1', 'nl', '2026-11-01 10:00:00', '2026-11-01 10:00:00')"))
        c.execute(text("INSERT INTO messages (conversation_id, author, text, at) VALUES "
                       "('c1', 'asker', 'Hoe pak ik dat aan?', '2026-11-01 10:00:00'), "
                       "('c1', 'assistant', :old, '2026-11-01 10:00:01'), "
                       "('c1', 'assistant', '[handover] Ik zet uw vraag door.', '2026-11-01 10:00:02')"),
                  {"old": "[answer] " + long[:500]})
    engine.dispose()

    migrate(db_url)
    db = Database(db_url)
    with db.session() as s:
        turns = [m.turn() for m in s.scalars(select(Message).order_by(Message.id))]
    assert turns == [(None, "Hoe pak ik dat aan?", False), ("answer", long[:500], True),
                     ("handover", "Ik zet uw vraag door.", False)]
    store = DbConversations(db)
    assert [(t.role, t.kind) for t in store.history("c1")] == [("user", None), ("assistant", "answer"),
                                                                ("assistant", "handover")]
    store.finish("c1", None, long, "answer", [Citation(1, "Handreiking", "Het midden", 7, None, "intern/h.md")])
    with db.session() as s:
        new = s.scalars(select(Message).order_by(Message.id.desc())).first()
        assert new.turn() == ("answer", long, False) and new.citations[0]["title"] == "Handreiking"
        assert "source" not in new.citations[0]  # the index's file path is no part of what is shown again
    db.dispose()

    command.downgrade(alembic_config(db_url), "0007")
    engine = make_engine(db_url)
    with engine.begin() as c:
        texts = c.execute(text("SELECT text FROM messages WHERE author = 'assistant' ORDER BY id")).scalars().all()
    assert texts == ["[answer] " + long[:500], "[handover] Ik zet uw vraag door.", "[answer] " + long]
    engine.dispose()


def test_downgrade_and_upgrade_again(db_url):
    from alembic import command

    from bot.storage.db import alembic_config

    migrate(db_url)
    command.downgrade(alembic_config(db_url), "0001")
    engine = make_engine(db_url)
    assert "web_sessions" not in inspect(engine).get_table_names()
    engine.dispose()
    migrate(db_url)
    engine = make_engine(db_url)
    assert _diff(engine) == []
    engine.dispose()


def test_replicas_starting_together_migrate_once(db_url):
    """Several processes open the database at the same moment (replicas after an upgrade): one migrates,
    the rest wait for it and find the schema current; none fails on a half-made table."""
    import subprocess
    import sys

    code = "import sys; from bot.storage.db import Database; Database(sys.argv[1]).dispose()"
    procs = [subprocess.Popen([sys.executable, "-c", code, db_url], stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    engine = make_engine(db_url)
    assert current_revision(engine) == "0008"
    assert _diff(engine) == []
    engine.dispose()
