"""Accounts: argon2 hashes, throttled logins, sessions stored as hashes, secrets refused outside development."""
from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from bot.config import DEV_SECRET, Settings
from bot.handover.accounts import (AccountError, Throttled, authenticate, end_session, load_session, set_password,
                                   start_session)
from bot.storage.models import Advisor, WebSession, utcnow

from .helpers import PASSWORD, advisor


def test_passwords_are_argon2_and_logins_are_throttled(db):
    aid = advisor(db, "A@Example.org")
    with db.session() as s:
        a = s.get(Advisor, aid)
        assert a.email == "a@example.org" and a.password_hash.startswith("$argon2id$")
        assert PASSWORD not in a.password_hash
        assert authenticate(s, " a@example.org ", PASSWORD).id == aid
    start = utcnow()
    for i in range(5):
        with db.session() as s, pytest.raises(AccountError):  # caught inside: the failure must commit
            authenticate(s, "a@example.org", "fout-wachtwoord-123", now=start + timedelta(seconds=i), address="x")
    with db.session() as s, pytest.raises(Throttled) as throttled:
        authenticate(s, "a@example.org", PASSWORD, now=start + timedelta(seconds=4.5))  # waits a moment now
    assert throttled.value.retry_after == 1
    # a delay, not a lockout (before: 15 minutes for anyone): a second later the right password works
    with db.session() as s:
        assert authenticate(s, "a@example.org", PASSWORD, now=start + timedelta(seconds=6)).id == aid
    # the delays grow per address (here: the failures of "x"), up to a quarter of an hour
    now, failures = start + timedelta(seconds=10), 0
    while failures < 8:
        with db.session() as s, pytest.raises(AccountError) as err:
            authenticate(s, "b@example.org", "fout-wachtwoord-123", now=now, address="x")
        if isinstance(err.value, Throttled):
            now += timedelta(seconds=err.value.retry_after)  # the one guessing waits it out, and again
        else:
            failures += 1
    with db.session() as s, pytest.raises(Throttled) as throttled:
        authenticate(s, "c@example.org", PASSWORD, now=now, address="x")
    assert throttled.value.retry_after > 30
    with db.session() as s, pytest.raises(AccountError, match="onjuist"):
        authenticate(s, "niemand@example.org", PASSWORD)


def test_inactive_accounts_cannot_log_in_and_sessions_end(db):
    aid = advisor(db, "a@example.org")
    with db.session() as s:
        token, ws = start_session(s, s.get(Advisor, aid), hours=10)
        assert ws.token_hash != token and len(ws.csrf_token) >= 32
    with db.session() as s:
        assert load_session(s, token)[0].id == aid
        assert load_session(s, token + "x") is None and load_session(s, None) is None
        s.get(Advisor, aid).active = False
    with db.session() as s:
        assert load_session(s, token) is None
        s.get(Advisor, aid).active = True
        set_password(s, s.get(Advisor, aid), "een-nieuw-lang-wachtwoord")  # ends every session
    with db.session() as s:
        assert load_session(s, token) is None
        token, ws = start_session(s, s.get(Advisor, aid), hours=10)
    with db.session() as s:
        s.scalars(select(WebSession)).one().expires_at = utcnow() - timedelta(seconds=1)
    with db.session() as s:
        assert load_session(s, token) is None
        end_session(s, token)
    with pytest.raises(AccountError, match="12 tekens"), db.session() as s:
        set_password(s, s.get(Advisor, aid), "kort")


def test_settings_refuse_the_default_secret_outside_development(tmp_path):
    assert Settings(data_dir=tmp_path).secret_key == DEV_SECRET  # development: allowed
    for env in ("test", "production"):
        with pytest.raises(ValidationError, match="ESSBOT_SECRET_KEY"):
            Settings(data_dir=tmp_path, environment=env)
        with pytest.raises(ValidationError, match="ESSBOT_SECRET_KEY"):
            Settings(data_dir=tmp_path, environment=env, secret_key="kort")
    prod = Settings(data_dir=tmp_path, environment="production", secret_key="s" * 40)
    assert prod.secure_cookies is True


def test_export_and_erase_a_user_from_the_command_line(tmp_path, capsys, monkeypatch):
    import json

    from bot.channels.identity import pseudonym
    from bot.cli import main
    from bot.handover.conversations import DbConversations
    from bot.storage.db import Database
    from bot.handover.service import QueueService
    from tests.conftest import TEST_SECRET

    from .helpers import handover

    monkeypatch.setenv("ESSBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ESSBOT_ENVIRONMENT", "test")
    monkeypatch.setenv("ESSBOT_SECRET_KEY", TEST_SECRET)
    from bot.config import get_settings
    get_settings.cache_clear()
    (tmp_path / "data").mkdir()
    db = Database(f"sqlite:///{tmp_path / 'data' / 'essbot.sqlite'}")
    asker = pseudonym(TEST_SECRET, "telegram", 4242)
    queue = QueueService(db)
    ref = handover(queue, "tg:c1", asker=asker, question="Vraag over de wijk [NAAM]").ref
    DbConversations(db).append("tg:c1", "user", "Vraag over de wijk [NAAM]", channel="telegram", asker=asker)
    handover(queue, "tg:other", asker="someone-else")

    assert main(["export-user", "--id", "4242", "--channel", "telegram", "--out", str(tmp_path / "x.json")]) == 0
    data = json.loads((tmp_path / "x.json").read_text())
    assert [t["ref"] for t in data["tickets"]] == [ref] and data["messages"][0]["text"].startswith("Vraag over")
    assert main(["erase-user", "--asker", asker]) == 2  # refuses without --yes
    assert main(["erase-user", "--asker", asker, "--yes"]) == 0
    assert "tickets=1" in capsys.readouterr().out
    after = QueueService(db).export_asker(asker, TEST_SECRET)
    assert after["tickets"] == [] and after["messages"] == [] and after["conversations"] == []
    assert len(QueueService(db).export_asker("someone-else", TEST_SECRET)["tickets"]) == 1  # nobody else touched
    get_settings.cache_clear()
    db.dispose()
