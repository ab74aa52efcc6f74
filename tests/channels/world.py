"""A shared test world for the channel tests: engine, queue, index and gateway on one SQLite database."""
from __future__ import annotations

import hashlib

import sqlalchemy as sa
from fastapi import FastAPI

from bot.channels.web import api_router, widget_router
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

    def app(self, **api_kw) -> FastAPI:
        app = FastAPI()
        app.include_router(widget_router(self.settings, self.gateway, self.bus))
        app.include_router(api_router(self.settings, self.gateway, **api_kw))
        return app

    def deliver(self) -> int:
        return DeliveryWorker(self.db, self.rt.senders).run_once()

    def all_stored_text(self) -> str:
        """Every value in every table, to prove what is (not) stored."""
        with self.db.engine.connect() as c:
            tables = sa.inspect(c).get_table_names()
            return "\n".join(str(row) for t in tables for row in c.execute(sa.text(f'SELECT * FROM "{t}"')))

    def close(self):
        self.db.dispose()
