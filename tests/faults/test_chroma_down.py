"""Fault: the Chroma server goes down under a running `essbot serve`, and comes back.

Real components throughout: `chroma run`, `essbot serve` (API, widget, console, worker) as a subprocess,
PostgreSQL. While Chroma is down an asker is told (in Dutch) that searching does not work and that an
advisor takes the question over; the redacted question is in the queue; /readyz says the index is down.
Once Chroma is back on the same data, questions are answered again.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import requests

from bot.channels.web.sse import parse
from bot.storage.db import Database
from bot.handover.service import QueueService
from bot.index.store import Index
from ingest.pipeline import ingest_paths
from tests.conftest import write
from tests.handover.conftest import pg_url  # noqa: F401  (fixture)
from tests.services import free_port, running

from .app import ORIGIN, SITE, api_ask, essbot_serve

pytestmark = [pytest.mark.chroma_server, pytest.mark.postgres, pytest.mark.slow]

KB = """# Depolarisatie

## Richt je op het midden
Bij twee groepen die elkaar uitschelden helpt het om je te richten op de middengroep die nog niet gekozen heeft.
Verleg het gesprek naar de vragen die bij die middengroep leven.
"""
QUESTION = "Twee groepen schelden elkaar uit, wat raadt de depolarisatie-aanpak aan?"
# Personal data that must never reach the queue (fictitious): a pattern the redactor always catches.
EMAIL = "j.de.vries@voorbeeld.example"
WITH_PII = f"Twee groepen schelden elkaar uit, wat raadt de depolarisatie-aanpak aan? Mail mij op {EMAIL}."
WIDGET_PHONE = "06-12345678"
WIDGET_QUESTION = f"Hoe richt ik me op de middengroep als groepen elkaar uitschelden? Bel {WIDGET_PHONE}."
UNAVAILABLE_NL = "Het zoeken in de kennisbank lukt op dit moment niet."


def chroma_cmd(data: Path, port: int) -> list[str]:
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(exe).exists():
        pytest.fail("the `chroma` CLI from the chromadb package is missing")
    return [exe, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)]


def chroma(data: Path, port: int, log: Path):
    return running(chroma_cmd(data, port), f"http://127.0.0.1:{port}/api/v2/heartbeat", log)


def widget_ask(base: str, text: str) -> tuple[int, list]:
    headers = {"Origin": ORIGIN}
    r = requests.post(base + "/widget/conversations", json={"site": SITE}, headers=headers, timeout=30)
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    r = requests.post(f"{base}/widget/conversations/{token}/messages?site={SITE}", timeout=60,
                      json={"text": text, "language": "nl"}, headers={**headers, "Accept": "text/event-stream"})
    return r.status_code, parse(r.text)


def widget_text(events: list) -> tuple[dict, str]:
    return events[0][1], "".join(d["text"] for n, d in events if n == "delta")


def readyz(base: str) -> tuple[int, dict]:
    r = requests.get(base + "/readyz", timeout=30)
    return r.status_code, r.json()["checks"]


def tickets(db_url: str) -> list[dict]:
    db = Database(db_url, migrate_on_start=False)
    try:
        return QueueService(db).all()
    finally:
        db.dispose()


def test_chroma_down_hands_questions_over_and_recovers(settings, embeddings, tmp_path, pg_url):
    port = free_port()
    chroma_data = tmp_path / "chroma-data"
    data_dir = tmp_path / "data"
    s = settings.model_copy(update={"data_dir": data_dir, "chroma_mode": "http", "chroma_port": port})
    write(tmp_path / "kb" / "depolarisatie" / "midden.md", KB)

    with chroma(chroma_data, port, tmp_path / "chroma-1.log") as chroma_proc:
        index = Index(s, embeddings=embeddings)
        assert ingest_paths([tmp_path / "kb"], s, index=index).indexed == 1
        index.close()

        with essbot_serve(tmp_path, data_dir, pg_url, chroma_mode="http", chroma_port=port) as (base, _):
            status, checks = readyz(base)
            assert status == 200 and checks["index"]["ok"], checks
            before = api_ask(base, "voor", QUESTION)
            assert before.status_code == 200 and before.json()["kind"] == "answer", before.text

            chroma_proc.kill()  # SIGKILL: no goodbye to its clients
            chroma_proc.wait(10)

            # REST API: a clear answer for the asker, a ticket for an advisor
            r = api_ask(base, "tijdens", WITH_PII)
            assert r.status_code == 200, r.text
            out = r.json()
            assert out["kind"] == "handover" and out["ticket_ref"], out
            assert UNAVAILABLE_NL in out["text"] and "ESS-adviseur" in out["text"] and out["ticket_ref"] in out["text"]
            assert EMAIL not in out["text"]

            # widget: the same, streamed
            status, events = widget_ask(base, WIDGET_QUESTION)
            assert status == 200, events
            meta, text = widget_text(events)
            assert meta["kind"] == "handover" and meta["ticket_ref"], meta
            assert UNAVAILABLE_NL in text and "ESS-adviseur" in text

            # nothing lost: both questions are in the queue, redacted, with the reason
            by_ref = {t["ref"]: t for t in tickets(pg_url)}
            api_ticket, widget_ticket = by_ref[out["ticket_ref"]], by_ref[meta["ticket_ref"]]
            assert api_ticket["reason"] == widget_ticket["reason"] == "unavailable"
            assert api_ticket["channel"] == "api" and widget_ticket["channel"] == "web"
            assert api_ticket["status"] == widget_ticket["status"] == "new"
            assert EMAIL not in api_ticket["question"] and "[EMAIL]" in api_ticket["question"]
            assert "depolarisatie-aanpak" in api_ticket["question"]
            assert WIDGET_PHONE not in widget_ticket["question"] and "[TELEFOON]" in widget_ticket["question"]
            assert "middengroep" in widget_ticket["question"]

            status, checks = readyz(base)
            assert status == 503 and not checks["index"]["ok"] and checks["database"]["ok"], checks
            assert "127.0.0.1" not in str(checks)  # the probe names the failure, not the address

            # Chroma back on the same data and port: answered again, ready again
            with chroma(chroma_data, port, tmp_path / "chroma-2.log"):
                status, checks = readyz(base)
                assert status == 200 and checks["index"]["ok"], checks
                after = api_ask(base, "na", QUESTION)
                assert after.status_code == 200, after.text
                assert after.json()["kind"] == "answer" and "middengroep" in after.json()["text"], after.json()
                status, events = widget_ask(base, QUESTION)
                assert status == 200 and widget_text(events)[0]["kind"] == "answer", events
    assert len(tickets(pg_url)) == 2  # the answered questions made no tickets


def test_serve_started_while_chroma_is_down(settings, embeddings, tmp_path, pg_url):
    """The process comes up without Chroma (it loads the index lazily), hands questions over, and answers
    as soon as Chroma is there."""
    port = free_port()
    chroma_data = tmp_path / "chroma-data"
    data_dir = tmp_path / "data"
    s = settings.model_copy(update={"data_dir": data_dir, "chroma_mode": "http", "chroma_port": port})
    write(tmp_path / "kb" / "depolarisatie" / "midden.md", KB)
    with chroma(chroma_data, port, tmp_path / "chroma-1.log"):
        index = Index(s, embeddings=embeddings)
        assert ingest_paths([tmp_path / "kb"], s, index=index).indexed == 1
        index.close()

    with essbot_serve(tmp_path, data_dir, pg_url, chroma_mode="http", chroma_port=port) as (base, _):
        status, checks = readyz(base)
        assert status == 503 and not checks["index"]["ok"], checks
        r = api_ask(base, "zonder-chroma", WITH_PII)
        assert r.status_code == 200 and r.json()["kind"] == "handover", r.text
        assert UNAVAILABLE_NL in r.json()["text"]
        ticket = {t["ref"]: t for t in tickets(pg_url)}[r.json()["ticket_ref"]]
        assert ticket["reason"] == "unavailable" and EMAIL not in ticket["question"]

        with chroma(chroma_data, port, tmp_path / "chroma-2.log"):
            assert readyz(base)[0] == 200
            after = api_ask(base, "met-chroma", QUESTION)
            assert after.status_code == 200 and after.json()["kind"] == "answer", after.text
