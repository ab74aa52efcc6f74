"""The composition root: the one place the application is wired together from settings.

`essbot serve`, `console`, `worker`, `telegram`, `ask`, the evaluation and the tests all build a
``Runtime`` here; nothing below this module constructs its own collaborators. The engine gets its
ports (ticket sink, conversation store, event recorder) from here, the queue implements them, and
every configured channel contributes its sender, so any process can deliver to every channel.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from bot.channels.bus import LocalBus, make_bus
from bot.channels.gateway import Gateway
from bot.channels.registry import CHANNELS
from bot.config import Settings
from bot.engine.engine import Engine
from bot.handover.conversations import DbConversations
from bot.handover.learning import KnowledgeDesk
from bot.handover.senders import Sender, WebhookSender
from bot.handover.service import QueuePolicy, QueueService
from bot.handover.worker import Worker
from bot.insights.events import EventRecorder
from bot.storage.db import Database, open_database

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    queue: QueueService
    conversations: DbConversations
    events: EventRecorder | None
    engine: Engine
    gateway: Gateway
    bus: LocalBus = field(default_factory=LocalBus)
    senders: dict[str, Sender] = field(default_factory=dict)
    _desk: KnowledgeDesk | None = None

    @property
    def desk(self) -> KnowledgeDesk:
        """The knowledge entries advisors write (console); built on first use: it loads the redactor."""
        if self._desk is None:
            self._desk = KnowledgeDesk(self.db, self.settings, self.engine.redactor)
        return self._desk

    def worker(self, housekeeping_every: float = 60.0) -> Worker:
        """The delivery and housekeeping worker, with every configured channel's sender."""
        return Worker(self.settings, self.db, self.senders, housekeeping_every=housekeeping_every)

    def start_worker(self, stop: threading.Event) -> threading.Thread:
        return self.worker().start_thread(stop)

    def warm(self) -> threading.Thread:
        """Loads the index, the embedding model, the triage model and the redactor's word lists in the
        background, so the first asker after a start does not wait seconds for them."""
        def load() -> None:
            from bot.triage import warm as warm_triage

            try:
                warm_triage()
                self.engine.redactor.warm()
                self.engine.retriever.search("warm-up")
            except Exception:  # an unreachable vector store now is the first question's 503, not a crash
                log.warning("warming up failed; the first question loads what is missing", exc_info=True)

        thread = threading.Thread(target=load, name="essbot-warm", daemon=True)
        thread.start()
        return thread


def build_runtime(settings: Settings, *, db: Database | None = None, retriever=None, redactor=None, llm=None,
                  queue: QueueService | None = None, events: EventRecorder | None | bool = True,
                  senders: dict[str, Sender] | None = None) -> Runtime:
    """Everything from settings; keyword overrides are for tests and tools (a retriever over a prepared
    index, a redactor, a queue with a fake clock, extra senders, ``events=None`` to record none)."""
    db = db or open_database(settings)
    queue = queue or QueueService(db, QueuePolicy.from_settings(settings))
    conversations = DbConversations(db)
    recorder = EventRecorder(db, settings.secret_key) if events is True else (events or None)
    engine = Engine(settings, retriever=retriever, tickets=queue, conversations=conversations,
                    redactor=redactor, llm=llm, events=recorder)
    rt = Runtime(settings, db, queue, conversations, recorder, engine, Gateway(settings, engine, db, queue),
                 make_bus(settings))
    rt.senders = channel_senders(rt)
    rt.senders.update(senders or {})
    return rt


def channel_senders(rt: Runtime) -> dict[str, Sender]:
    """Each registered channel's sender (if configured), then webhooks from settings: a webhook configured
    for a channel wins, the operator routes that channel's replies elsewhere."""
    out: dict[str, Sender] = {}
    for channel in CHANNELS:
        sender = channel.sender(rt)
        if sender is not None:
            out[channel.name] = sender
    out.update({ch: WebhookSender(url, rt.settings.secret_key) for ch, url in rt.settings.delivery_webhooks.items()})
    return out
