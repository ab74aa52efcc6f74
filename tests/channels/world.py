"""A shared test world for the channel tests: engine, queue, index and gateway on one SQLite database."""
from __future__ import annotations

import dataclasses
import hashlib

import sqlalchemy as sa
from fastapi import FastAPI

from bot.channels.ratelimit import make_limiter
from bot.channels.web import ApiChannel, WidgetChannel
from bot.channels.web.deps import get_api_limit
from bot.engine.rejections import MessageRejected, Rejection
from bot.handover.outbox import DeliveryWorker
from bot.privacy import get_redactor
from bot.runtime import build_runtime
from bot.storage.db import Database
from bot.index.store import Index
from bot.retrieval.hybrid import HybridRetriever
from ingest.pipeline import ingest_paths
from tests.conftest import write
from tests.handover.helpers import advisor, team

SITE, ORIGIN = "gemeente-a", "https://www.gemeente-a.nl"
OTHER_SITE, OTHER_ORIGIN = "gemeente-b", "https://gemeente-b.example"
API_KEY = "partner-a-key-" + "k" * 20
SOURCE_URL = "https://www.ess.example/handreiking-depolarisatie"
KB = """# Depolarisatie

## Richt je op het midden
Bij twee groepen die elkaar uitschelden helpt het om je te richten op de middengroep die nog niet gekozen heeft.
Verleg het gesprek naar de vragen die bij die middengroep leven.
"""
SOURCES = f"""
documents:
  - file: depolarisatie/midden.md
    title: Handreiking depolarisatie
    url: {SOURCE_URL}
"""
QUESTION = "Twee groepen schelden elkaar uit, wat raadt de depolarisatie-aanpak aan?"
URGENT = "Er staan nu jongeren met messen voor het buurthuis, ze gaan elkaar te lijf!"


class TooLongForTheEngine:
    """A gateway whose engine refuses every message as too long (its own limit, 123)."""

    def __init__(self, gateway):
        self.asker = gateway.asker

    def ask(self, channel, asker, conversation, text, language=None, **kw):
        raise MessageRejected(Rejection.TOO_LONG, language, max=123)


class World:
    """Engine, queue, index and gateway over one SQLite database, with an advisor on duty."""

    def __init__(self, settings, embeddings, tmp_path, **overrides):
        self.settings = settings.model_copy(update={
            "widget_sites": {SITE: [ORIGIN + "/"], OTHER_SITE: [OTHER_ORIGIN]},
            "api_keys": {"partner-a": hashlib.sha256(API_KEY.encode()).hexdigest()}, **overrides})
        write(tmp_path / "kb" / "depolarisatie" / "midden.md", KB)
        write(tmp_path / "kb" / "sources.yaml", SOURCES)
        self.index = Index(self.settings, embeddings=embeddings)
        ingest_paths([tmp_path / "kb"], self.settings, index=self.index)
        self.db_path = tmp_path / "queue.sqlite"
        self.db = Database(f"sqlite:///{self.db_path}")
        self.rt = build_runtime(self.settings, db=self.db, retriever=HybridRetriever(self.index),
                                redactor=get_redactor())
        self.queue, self.engine, self.gateway = self.rt.queue, self.rt.engine, self.rt.gateway
        self.bus = self.rt.bus  # the worker's deliveries wake the widget's live streams
        self.advisor = advisor(self.db, "a@example.org", team(self.db, "Team", default=True))

    def app(self, per_minute: int | None = None) -> FastAPI:
        """The widget and the REST API as `serve` includes them, over this world's settings and gateway (tests
        replace both); ``per_minute``: the partners' limit, replaced through a dependency override."""
        rt = dataclasses.replace(self.rt, settings=self.settings, gateway=self.gateway, bus=self.bus)
        app = FastAPI()
        for channel in (WidgetChannel(), ApiChannel()):
            app.include_router(channel.routes(rt))
        if per_minute:
            limit = make_limiter(self.settings, "api", per_minute)
            app.dependency_overrides[get_api_limit] = lambda: limit
        return app

    def longer_answers(self, monkeypatch, steps: int = 12) -> None:
        """Answers well over 500 characters (the test knowledge base has one short section): the engine's own
        answer with numbered steps citing source 1 after it, stored and streamed as any answer is."""
        compose = self.engine._compose

        def longer(*args, **kw):
            outcome = compose(*args, **kw)
            if outcome is not None:
                outcome.text += "".join(f"\n\nStap {i}: bespreek met de middengroep wat er speelt en spreek af "
                                        f"wie wat doet [1]." for i in range(1, steps + 1))
            return outcome

        monkeypatch.setattr(self.engine, "_compose", longer)

    def deliver(self) -> int:
        return DeliveryWorker(self.db, self.rt.senders).run_once()

    def all_stored_text(self) -> str:
        """Every value in every table, to prove what is (not) stored."""
        with self.db.engine.connect() as c:
            tables = sa.inspect(c).get_table_names()
            return "\n".join(str(row) for t in tables for row in c.execute(sa.text(f'SELECT * FROM "{t}"')))

    def close(self):
        self.db.dispose()
