"""The console while PostgreSQL is unreachable: a Dutch 503 page with Retry-After, never a 500."""
from __future__ import annotations

from fastapi.testclient import TestClient

from bot.console import create_app
from bot.storage.db import Database
from bot.runtime import build_runtime
from tests.services import free_port


def test_an_unreachable_database_is_a_503_page_not_a_500(settings):
    db = Database(f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere", migrate_on_start=False,
                  connect_args={"connect_timeout": 2})
    settings = settings.model_copy(update={"secure_cookies": False})
    rt = build_runtime(settings, db=db)
    app = create_app(settings, db=rt.db, queue=rt.queue, desk=rt.desk)
    with TestClient(app, raise_server_exceptions=False) as c:
        c.cookies.set("essbot_session", "a-session-id")  # a logged-in advisor: the session lives in the database
        r = c.get("/queue/mine", follow_redirects=False)
    assert r.status_code == 503, r.text[:300]
    assert r.headers["retry-after"] == "5" and "database is even niet bereikbaar" in r.text
    assert "Traceback" not in r.text
    db.dispose()
