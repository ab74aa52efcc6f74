"""Console fixtures: a migrated SQLite database, seeded accounts and a TestClient per test."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from bot.config import Settings
from bot.console import create_app
from bot.privacy import get_redactor
from bot.engine.tickets import TicketRequest
from bot.handover.accounts import create_advisor
from bot.handover.conversations import DbConversations
from bot.storage.db import open_database
from bot.handover.learning import KnowledgeDesk
from bot.storage.models import Team
from bot.handover.service import QueuePolicy, QueueService
from tests.conftest import TEST_SECRET

PASSWORD = "correct horse battery"  # at least 12 characters, as accounts require


@dataclass
class World:
    settings: Settings
    db: object
    queue: QueueService
    desk: KnowledgeDesk
    app: object
    ids: dict


def console_settings(tmp_path, **kw) -> Settings:
    return Settings(data_dir=tmp_path / "data", knowledge_dir=tmp_path / "kb", environment="test",
                    secret_key=TEST_SECRET, secure_cookies=False, **kw)


def seed(db) -> dict:
    with db.session() as s:
        team = Team(name="Team Midden", themes=["*"], regions=[], is_default=True)
        other = Team(name="Team Noord", themes=["polarisatie"], regions=["Groningen"])
        s.add_all([team, other])
        s.flush()
        ids = {"team": team.id, "other_team": other.id}
        for role in ("advisor", "editor", "admin"):
            ids[role] = create_advisor(s, f"{role}@ess.test", role.capitalize(), PASSWORD, role, team).id
        ids["colleague"] = create_advisor(s, "colleague@ess.test", "Collega", PASSWORD, "advisor", team).id
    return ids


def new_ticket(queue: QueueService, question: str = "Hoe organiseren wij een dialoogavond in de wijk?",
               priority: str = "normal", conversation: str = "web:conv-1", reply: str | None = None,
               draft: str = "Begin met een kleine groep.") -> str:
    """Hands a question over the way the engine does: the conversation is recorded, then the ticket made."""
    history = DbConversations(queue.db)
    history.append(conversation, "user", question, channel="web", asker="asker-1")
    if reply:
        history.append(conversation, "assistant", reply, channel="web", asker="asker-1")
    context = ({"title": "Handreiking dialoog", "section": "Voorbereiding", "page": 4, "url": None, "score": 0.61},)
    return queue.create(TicketRequest(priority=priority, reason="low_confidence", channel="web", asker="asker-1",
                                      conversation_id=conversation, question=question, theme="dialoog",
                                      region="Utrecht", context=context, draft=draft)).ref


@pytest.fixture
def world(tmp_path) -> World:
    settings = console_settings(tmp_path)
    db = open_database(settings)
    queue = QueueService(db, QueuePolicy.from_settings(settings))
    # Console tests do not index: the learning loop's real ingest is tested with the handover package.
    desk = KnowledgeDesk(db, settings, get_redactor(), ingest=lambda folder: None)
    ids = seed(db)
    app = create_app(settings, db=db, queue=queue, desk=desk)
    yield World(settings, db, queue, desk, app, ids)
    db.dispose()


@pytest.fixture
def client(world) -> TestClient:
    with TestClient(world.app, base_url="http://testserver", follow_redirects=False) as c:
        yield c


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"email": email, "password": password, "csrf": csrf_of(page.text),
                                       "next": "/queue/mine"})


def logged_in(client: TestClient, role: str) -> str:
    """Logs in as the seeded ``role`` and returns the session's CSRF token."""
    response = login(client, f"{role}@ess.test")
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/queue/mine").text)
