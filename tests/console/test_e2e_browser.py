"""End to end in headless Chromium against the real console process: advisor answers, editor publishes.

Needs Debian's chromium at /usr/bin/chromium. Without it the test is skipped, unless
ESSBOT_REQUIRE_BROWSER is set (CI), where a missing browser is a failure.
Screenshots of every step go to tests/artifacts/.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest

from bot.storage.db import open_database
from bot.handover.service import QueuePolicy, QueueService
from tests.conftest import REPO, TEST_SECRET
from tests.services import free_port

from .conftest import PASSWORD, console_settings, new_ticket, seed

ARTIFACTS = REPO / "tests" / "artifacts"
QUESTION = "Hoe organiseren wij een dialoogavond in de wijk na onrust?"
CITATION = "[1] Handreiking dialoog — Voorbereiding, p. 4"
DRAFT = "Begin met een kleine groep en een vaste gespreksleider."


@pytest.fixture
def console(tmp_path, chromium):
    """The console as it runs in production (`essbot console`), on a seeded SQLite database."""
    settings = console_settings(tmp_path)
    db = open_database(settings)
    seed(db)
    queue = QueueService(db, QueuePolicy.from_settings(settings))
    ref = new_ticket(queue, QUESTION, conversation="web:e2e-1", draft=DRAFT)
    urgent = new_ticket(queue, "Er wordt gedreigd bij het buurthuis.", "urgent", "web:e2e-2")
    db.dispose()
    port = free_port()
    env = dict(os.environ, ESSBOT_DATA_DIR=str(settings.data_dir), ESSBOT_KNOWLEDGE_DIR=str(settings.knowledge_dir),
               ESSBOT_DATABASE_URL=db.url, ESSBOT_ENVIRONMENT="test", ESSBOT_SECRET_KEY=TEST_SECRET,
               ESSBOT_SECURE_COOKIES="false", ESSBOT_REDACT_WITH_DEDUCE="false",
               ESSBOT_CONSOLE_HOST="127.0.0.1", ESSBOT_CONSOLE_PORT=str(port))
    log = (tmp_path / "console.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "console"], cwd=REPO, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail("console exited:\n" + (tmp_path / "console.log").read_text())
            try:
                if httpx.get(base + "/healthz", timeout=1).json() == {"status": "ok"}:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("console did not start:\n" + (tmp_path / "console.log").read_text())
            time.sleep(0.2)
        yield {"base": base, "ref": ref, "urgent": urgent, "settings": settings}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _login(page, base: str, email: str, path: str = "/queue/mine") -> None:
    page.goto(base + path)
    assert "/login?next=" in page.url
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Inloggen')")
    page.wait_for_url(base + path)


def test_advisor_answers_and_editor_publishes(console, chromium):
    from playwright.sync_api import expect, sync_playwright

    base, ref = console["base"], console["ref"]
    problems: list[str] = []  # console errors include CSP violations: the pages must cause none
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: problems.append(f"{m.text} {m.location}") if m.type == "error" else None)

            _login(page, base, "advisor@ess.test", "/queue/team")
            expect(page.locator("h1")).to_have_text("Wachtrij: Team")
            expect(page.locator("table.rows")).to_contain_text(ref)
            expect(page.locator("table.rows")).to_contain_text("urgent")
            _shot(page, "01-team-queue")

            page.click(f"a:has-text('{ref}')")
            expect(page.locator(".question")).to_have_text(QUESTION)
            page.click("button:has-text('Claimen')")
            expect(page.locator(".flash")).to_have_text("U behandelt dit ticket nu.")
            expect(page.locator("#status")).to_have_text("in behandeling")
            _shot(page, "02-claimed")

            reply = page.locator("#reply-text")
            page.click("button:has-text('Concept in het antwoord zetten')")
            expect(reply).to_have_value(DRAFT)
            reply.press("End")
            reply.type(" Zie")
            page.click("button:has-text('Invoegen')")
            expect(reply).to_have_value(f"{DRAFT} Zie {CITATION}")
            _shot(page, "03-citation-inserted")

            page.click("button:has-text('Versturen')")
            expect(page.locator(".flash")).to_contain_text("Antwoord opgeslagen")
            expect(page.locator("#status")).to_have_text("beantwoord")
            expect(page.locator(".delivery .badge")).to_have_text("in wachtrij")
            _shot(page, "04-replied-delivery-pending")

            page.click("a:has-text('Als kennisitem voorstellen')")
            expect(page.locator("textarea[name=question]")).to_have_value(QUESTION)
            expect(page.locator("textarea[name=answer]")).to_have_value(f"{DRAFT} Zie {CITATION}")
            page.fill("textarea[name=question]", "Hoe organiseer je een dialoogavond in de wijk na onrust?")
            page.click("button:has-text('Voorstellen')")
            expect(page.locator(".flash")).to_contain_text("moet het nog goedkeuren")
            expect(page.locator("#entry-status")).to_have_text("concept")
            expect(page.locator("button:has-text('Goedkeuren')")).to_have_count(0)  # advisors cannot approve
            entry_url = page.url
            _shot(page, "05-proposed")

            page.click("button:has-text('Uitloggen')")
            page.wait_for_url(base + "/login")
            page.goto(entry_url)
            assert "/login?next=" in page.url  # the session really ended

            _login(page, base, "editor@ess.test", entry_url.removeprefix(base))
            # Publishing ingests the reviewed folder with the real embeddings: allow for loading the model.
            page.click("button:has-text('Goedkeuren en publiceren')", timeout=180_000)
            expect(page.locator(".flash")).to_contain_text("Goedgekeurd en gepubliceerd", timeout=180_000)
            expect(page.locator("#entry-status")).to_have_text("gepubliceerd")
            expect(page.locator("#citation")).to_contain_text("ESS-adviseur, ")
            _shot(page, "06-published")

            page.goto(base + "/knowledge")
            expect(page.locator("#published")).to_contain_text("Hoe organiseer je een dialoogavond in de wijk")
            expect(page.locator("#published")).to_contain_text("ESS-adviseur, ")
            expect(page.locator("#draft .empty")).to_have_text("Geen.")
            _shot(page, "07-knowledge-list")

            phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            phone.on("console", lambda m: problems.append(f"{m.text} {m.location}") if m.type == "error" else None)
            _login(phone, base, "advisor@ess.test", "/queue/team")
            expect(phone.locator("table.rows")).to_contain_text(console["urgent"])
            expect(phone.locator("thead")).to_be_hidden()  # rows become labelled cards on a phone
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "page scrolls sideways"
            _shot(phone, "08-phone-queue")
        finally:
            browser.close()
    assert problems == []
    reviewed = console["settings"].reviewed_dir
    assert [f.name for f in reviewed.glob("ess-adviseur-*.md")] == ["ess-adviseur-1.md"]
