"""The API process is killed (SIGKILL) while it answers a question: after the restart the question is
handed over, the asker is told on their channel, and the advisor's answer reaches them — never dropped.

The kill lands deterministically mid-answer: the LLM server the process waits on accepts the request
and never replies (a hung model server), so the question is inside Engine.handle when the process dies.
"""
from __future__ import annotations

import functools
import signal
import socket
import threading
import time

import pytest
import requests
from sqlalchemy import select

from bot.config import Settings
from bot.storage.db import Database
from bot.storage.models import Message, Ticket
from bot.handover.service import QueueService
from bot.index.store import Index
from ingest.pipeline import ingest_paths
from tests.channels.world import KB, QUESTION
from tests.conftest import write
from tests.faults.app import api_ask, api_replies, essbot_serve
from tests.handover.conftest import pg_url  # noqa: F401  (fixture)
from tests.handover.helpers import advisor, team


class HungLLM:
    """Accepts connections and reads requests, answers nothing."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self):
        self.sock.close()
        for c in self.conns:
            c.close()


@pytest.mark.slow
def test_a_question_in_flight_when_the_api_is_killed_is_handed_over_after_restart(tmp_path, pg_url,  # noqa: F811
                                                                                 embeddings):
    kb = tmp_path / "kb"
    write(kb / "depolarisatie" / "midden.md", KB)
    data = tmp_path / "data"
    ingest_paths([kb], Settings(data_dir=data), index=Index(Settings(data_dir=data), embeddings=embeddings))
    llm = HungLLM()
    # `essbot serve` runs the API and the worker in one process
    serve = functools.partial(essbot_serve, tmp_path, data, pg_url, answer_mode="llm",
                              llm_base_url=f"http://127.0.0.1:{llm.port}/v1", llm_timeout_s=120,
                              interrupted_after_seconds=3)
    db = Database(pg_url)
    try:
        with serve(log_name="first.log") as (base, proc):
            errors: list[BaseException] = []

            def ask():
                try:
                    api_ask(base, "case-kill", QUESTION)
                except BaseException as exc:  # the connection dies with the process
                    errors.append(exc)

            asking = threading.Thread(target=ask)
            asking.start()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not llm.conns:
                time.sleep(0.1)  # the question has reached the LLM: it is mid-answer
            assert llm.conns, "the question never reached the LLM"
            with db.session() as s:
                assert s.scalars(select(Message).where(Message.pending_since.is_not(None))).all()
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            asking.join(30)
            assert errors and isinstance(errors[0], requests.RequestException)  # the asker saw no answer
        with db.session() as s:
            assert s.scalars(select(Ticket)).all() == []  # nothing handed over yet: the answer was cut off

        with serve(log_name="second.log") as (base, _):
            deadline, replies = time.monotonic() + 60, []
            while time.monotonic() < deadline and not replies:
                replies = api_replies(base, "case-kill").json()["replies"]
                time.sleep(0.5)
            assert replies, "the interrupted question was not handed over after the restart"
            with db.session() as s:
                ticket = s.scalars(select(Ticket)).one()
            assert ticket.reason == "interrupted" and "groepen" in ticket.question
            assert ticket.ref in replies[0]["text"] and "storing" in replies[0]["text"]

            adv = advisor(db, "adviseur@example.org", team(db, "Team", default=True))
            queue = QueueService(db)
            assert queue.claim(ticket.ref, adv)
            queue.reply(ticket.ref, adv, "Richt je op de middengroep; wij bellen je morgen.")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and len(replies) < 2:
                replies = api_replies(base, "case-kill").json()["replies"]
                time.sleep(0.5)
            assert len(replies) == 2 and "middengroep" in replies[1]["text"]
    finally:
        llm.close()
        db.dispose()
