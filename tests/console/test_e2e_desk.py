"""Issue 16 in headless Chromium against the real console process: the queue and ticket pages as advisors read
them (human words, preview, waiting time, sources, draft and reply box above the transcript), saved replies in
the reply box, live updates without a reload, and both pages on a 390 px phone without sideways scrolling.

Needs Debian's chromium (skipped without it unless ESSBOT_REQUIRE_BROWSER is set). Screenshots: tests/artifacts/
desk-*.png.
"""
from __future__ import annotations

import os
import sys

import pytest

from bot.engine.tickets import TicketRequest
from bot.handover.conversations import DbConversations
from bot.handover.service import QueuePolicy, QueueService
from bot.storage.db import open_database
from bot.storage.models import SavedReply
from tests.conftest import REPO, TEST_SECRET
from tests.services import free_port, running

from .conftest import PASSWORD, console_settings, seed

ARTIFACTS = REPO / "tests" / "artifacts"
QUESTION = ("Hoe organiseren wij na de onrust van vorige week een dialoogavond in de wijk, met jongeren, "
            "buurtbewoners en het moskeebestuur, zonder dat het gesprek opnieuw escaleert?")
ANSWER = "[answer] " + ("Richt je als jongerenwerker op de middengroep die nog niet gekozen heeft. " * 12)[:500]
DRAFT = "Begin met een kleine groep en een vaste gespreksleider. [1]"
SAVED = "Dank voor uw vraag. Een adviseur van de ESS neemt binnen twee werkdagen contact met u op."
SOURCE = {"title": "Handreiking dialoog", "section": "Voorbereiding", "page": 4,
          "url": "https://voorbeeld.invalid/handreiking-dialoog-en-gesprekken-in-de-wijk-na-onrust-deel-2", "score": 0.61}


def _create(queue: QueueService, conv: str, question: str, **kw) -> str:
    DbConversations(queue.db).append(conv, "user", question, channel=kw.get("channel", "web"), asker="asker-1")
    request = dict(priority="normal", reason="low_confidence", channel="web", asker="asker-1", conversation_id=conv,
                   question=question, theme="depolarisatie", region="Utrecht", context=(SOURCE,), draft=DRAFT)
    return queue.create(TicketRequest(**{**request, **kw})).ref


@pytest.fixture
def desk(tmp_path, chromium):
    settings = console_settings(tmp_path)
    db = open_database(settings)
    ids = seed(db)
    queue = QueueService(db, QueuePolicy.from_settings(settings))
    conversations = DbConversations(db)
    ref = _create(queue, "web:desk-1", QUESTION)
    for i in range(8):  # a long transcript: the reply box must not end up below it
        conversations.append("web:desk-1", "assistant", ANSWER, channel="web", asker="asker-1")
        conversations.append("web:desk-1", "user", f"Aanvulling {i}: het gaat om de wijk bij het station.",
                             channel="web", asker="asker-1")
    urgent = _create(queue, "telegram:desk-2", "Er wordt gedreigd met wapens bij het buurthuis.", priority="urgent",
                     reason="urgent:weapon", theme="weapon", channel="telegram", context=(), draft=None)
    with db.session() as s:
        s.add(SavedReply(team_id=ids["team"], title="Ontvangstbevestiging", text=SAVED))
    port = free_port()
    env = dict(os.environ, ESSBOT_DATA_DIR=str(settings.data_dir), ESSBOT_KNOWLEDGE_DIR=str(settings.knowledge_dir),
               ESSBOT_DATABASE_URL=db.url, ESSBOT_ENVIRONMENT="test", ESSBOT_SECRET_KEY=TEST_SECRET,
               ESSBOT_SECURE_COOKIES="false", ESSBOT_REDACT_WITH_DEDUCE="false",
               ESSBOT_CONSOLE_HOST="127.0.0.1", ESSBOT_CONSOLE_PORT=str(port))
    base = f"http://127.0.0.1:{port}"
    with running([sys.executable, "-m", "bot.cli", "console"], base + "/healthz", tmp_path / "console.log", env=env):
        yield {"base": base, "ref": ref, "urgent": urgent, "queue": queue, "db": db}
    db.dispose()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"desk-{name}.png"), full_page=True)


def _login(page, base: str, path: str) -> None:
    page.goto(base + path)
    page.fill("input[name=email]", "advisor@ess.test")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Inloggen')")
    page.wait_for_url(base + path)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "page scrolls sideways"


def test_queue_and_ticket_as_advisors_read_them(desk, chromium):
    from playwright.sync_api import expect, sync_playwright

    base, ref, urgent = desk["base"], desk["ref"], desk["urgent"]
    problems: list[str] = []  # console errors include CSP violations
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: problems.append(f"{m.text} {m.location}") if m.type == "error" else None)
            _login(page, base, "/queue/team")
            rows = page.locator("table.rows")
            expect(rows).to_contain_text("Website (chat)")
            expect(rows).to_contain_text("Telegram")
            expect(rows).to_contain_text("wapens")
            expect(rows).not_to_contain_text("weapon")
            preview = page.locator(f"tr:has(a:has-text('{ref}')) td.preview")
            text = preview.inner_text()
            assert text.endswith("…") and QUESTION.startswith(text.removesuffix("…")) and len(text) <= 91
            expect(page.locator(f"tr:has(a:has-text('{ref}')) td.waited")).to_have_text("wacht 0 min")
            _shot(page, "01-queue")

            # live: a new hand-over appears in the list without a reload
            page.evaluate("window.__notReloaded = true")
            page.wait_for_timeout(500)  # the stream has taken its first stamp
            fresh = _create(desk["queue"], "web:desk-3", "Mag de gemeente een bijeenkomst in de moskee beleggen?")
            expect(rows).to_contain_text(fresh, timeout=15_000)
            assert page.evaluate("window.__notReloaded") is True
            expect(page.locator("#live-status")).to_have_text("De wachtrij is bijgewerkt.")
            _shot(page, "02-queue-live")

            page.click(f"a:has-text('{ref}')")
            page.click("button:has-text('Claimen')")
            expect(page.locator("#status")).to_have_text("in behandeling")
            transcript = page.locator(".transcript")
            expect(transcript).not_to_contain_text("[answer]")
            expect(transcript.locator(".turn").first).to_have_text("Antwoord van de kennisbot")
            assert transcript.locator("p.text").nth(1).inner_text().endswith("…")
            expect(page.locator("#sources")).to_contain_text("[1] Handreiking dialoog — Voorbereiding, p. 4")
            expect(page.locator("#draft")).to_have_text(DRAFT)
            # the reply box is in view on arrival, above the long transcript
            reply = page.locator("#reply-text")
            box, talk = reply.bounding_box(), page.locator("h2:has-text('Gesprek')").bounding_box()
            assert box["y"] < talk["y"] and box["y"] < 900
            page.select_option("#saved-reply", label="Ontvangstbevestiging")
            expect(reply).to_have_value(SAVED)
            page.click("button:has-text('Invoegen')")
            expect(reply).to_have_value(SAVED + " [1] Handreiking dialoog — Voorbereiding, p. 4")
            _shot(page, "03-ticket")

            # live: the asker writes; the page says so and keeps what was typed
            DbConversations(desk["db"]).append("web:desk-1", "user", "Nog een vraag erbij.", channel="web",
                                               asker="asker-1")
            expect(page.locator("#live-note")).to_be_visible(timeout=15_000)
            expect(page.locator("#live-note")).to_contain_text("Nieuw bericht of wijziging in dit ticket.")
            expect(reply).to_have_value(SAVED + " [1] Handreiking dialoog — Voorbereiding, p. 4")
            _shot(page, "04-ticket-live")

            page.goto(f"{base}/tickets/{urgent}")
            expect(page.locator("#theme")).to_have_text("wapens")
            expect(page.locator("#channel")).to_have_text("Telegram")
            expect(page.locator("#sources")).to_contain_text("niet in de bronnen gezocht")

            phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
            phone.on("console", lambda m: problems.append(f"{m.text} {m.location}") if m.type == "error" else None)
            _login(phone, base, "/queue/team")
            expect(phone.locator("table.rows")).to_contain_text(fresh)
            _no_sideways_scroll(phone)
            _shot(phone, "05-phone-queue")
            phone.goto(f"{base}/tickets/{ref}")
            expect(phone.locator(".question")).to_have_text(QUESTION)
            # one column: reply box, then what goes into it (draft, sources), then the transcript
            y = {name: phone.locator(sel).bounding_box()["y"] for name, sel in
                 (("reply", "#reply-text"), ("draft", "#draft"), ("sources", "#sources"),
                  ("talk", "h2:has-text('Gesprek')"))}
            assert y["reply"] < y["draft"] < y["sources"] < y["talk"], y
            _no_sideways_scroll(phone)
            _shot(phone, "06-phone-ticket")
            phone.goto(f"{base}/saved-replies")
            expect(phone.locator("input[name=title]").first).to_have_value("Ontvangstbevestiging")
            _no_sideways_scroll(phone)
            _shot(phone, "07-phone-saved-replies")
        finally:
            browser.close()
    assert problems == []


def test_console_pages_meet_wcag_21_aa(desk, chromium):
    """axe-core's WCAG 2.1 A/AA rules on what advisors work in, on desktop and phone (government sites and
    the tools behind them must meet WCAG 2.1 AA)."""
    from playwright.sync_api import sync_playwright

    from tests.channels.axe import assert_accessible

    base, ref = desk["base"], desk["ref"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True)
        try:
            for viewport in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
                # the console's CSP forbids inline scripts, axe's injection included: bypassed for the check only
                page = browser.new_page(viewport=viewport, bypass_csp=True)
                page.goto(base + "/login")
                assert_accessible(page, "body")
                _login(page, base, "/queue/team")
                for path in ("/queue/team", f"/tickets/{ref}", "/saved-replies", "/knowledge"):
                    page.goto(base + path)
                    assert_accessible(page, "body")
                page.close()
        finally:
            browser.close()
