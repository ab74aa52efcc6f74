"""The background worker: delivers replies, flags overdue tickets, closes stale ones.

Runs as `essbot worker`, or inside `serve`, `console` and `telegram`; the composition root (bot.runtime)
gives it every configured channel's sender. Any number may run at once: deliveries and reminders are
leased with row locks, and a worker leases only deliveries for channels it has a sender for.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from bot.engine.engine import interrupted_notice
from bot.storage.db import Database

from .housekeeping import Housekeeping
from .intake import Intake
from .outbox import DeliveryWorker
from .policy import QueuePolicy
from .senders import Sender

log = logging.getLogger(__name__)


class Worker:
    def __init__(self, settings, db: Database, senders: dict[str, Sender], housekeeping_every: float = 60.0):
        self.deliveries = DeliveryWorker(db, senders, settings.delivery_max_attempts, settings.delivery_lease_seconds)
        policy = QueuePolicy.from_settings(settings)
        self.intake = Intake(db, policy)  # interrupted questions become tickets
        self.housekeeper = Housekeeping(db, policy)
        self.retention_days = settings.retention_days
        self.housekeeping_every = housekeeping_every
        self._last_housekeeping = 0.0
        self.interrupted_after = timedelta(seconds=settings.interrupted_after_seconds)
        # looked for often enough that a lost question waits at most ~1.25 x interrupted_after
        self.recover_every = max(1.0, settings.interrupted_after_seconds / 4)
        self._last_recovery = 0.0

    def recover(self) -> list[str]:
        refs = self.intake.recover_interrupted(self.interrupted_after, interrupted_notice)
        if refs:
            log.warning("interrupted questions handed over: %d", len(refs))
        return refs

    def housekeeping(self) -> None:
        overdue = self.housekeeper.remind_overdue()
        closed = self.housekeeper.close_stale()
        self.housekeeper.apply_retention(self.retention_days)
        if overdue or closed:
            log.warning("overdue tickets flagged=%d, stale tickets closed=%d", len(overdue), closed)

    def run_once(self) -> int:
        if time.monotonic() - self._last_housekeeping >= self.housekeeping_every:
            self.housekeeping()
            self._last_housekeeping = time.monotonic()
        if time.monotonic() - self._last_recovery >= self.recover_every:
            self.recover()
            self._last_recovery = time.monotonic()
        return self.deliveries.run_once()

    def run(self, stop: threading.Event, interval: float = 1.0) -> None:
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # a database restart must not end the worker: log, wait, go on
                log.exception("worker pass failed; retrying")
                busy = 0
            if not busy:
                stop.wait(interval)

    def start_thread(self, stop: threading.Event) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(stop,), name="essbot-worker", daemon=True)
        thread.start()
        return thread
