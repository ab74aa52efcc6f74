"""The widget in headless Chromium, embedded with its one tag on a page of another origin: a streamed
answer with sources, hand-over, an advisor's question shown live, the advisor's reply after a reload, a phone screen, keyboard use,
contrast, and a page on an origin that is not allowed.

Needs Debian's chromium at /usr/bin/chromium. Without it the test is skipped, unless
ESSBOT_REQUIRE_BROWSER is set (CI), where a missing browser is a failure.
Screenshots go to tests/artifacts/widget-*.png.
"""
from __future__ import annotations

import functools
import http.server
import re
import threading
import time

import pytest
import uvicorn

from tests.conftest import REPO
from tests.services import free_port

from .world import QUESTION, SITE, SOURCE_URL, World

ARTIFACTS = REPO / "tests" / "artifacts"
REPLY = "Begin met een gesprek met de middengroep, en nodig beide kanten apart uit."
ASKED = "Om welke wijk gaat het, en sinds wanneer spelen de spanningen?"
PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gemeente A</title><style>body{{font-family:Georgia,serif;margin:40px}} button{{color:red}}</style></head>
<body><h1>Gemeente A – Veiligheid in de wijk</h1><p>Heeft u een vraag over spanningen in de wijk?</p>
<script src="{api}/widget/widget.js" data-site="{site}" async></script>
</body></html>
"""


@pytest.fixture
def servers(chromium, settings, embeddings, tmp_path):
    """The widget API (uvicorn) and a static test page, each on its own port of 127.0.0.1."""
    api_port, page_port = free_port(), free_port()
    world = World(settings, embeddings, tmp_path, widget_sites={SITE: [f"http://127.0.0.1:{page_port}"]})
    api = f"http://127.0.0.1:{api_port}"
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    (site_dir / "index.html").write_text(PAGE.format(api=api, site=SITE), encoding="utf-8")

    server = uvicorn.Server(uvicorn.Config(world.app(), host="127.0.0.1", port=api_port, log_level="warning"))
    api_thread = threading.Thread(target=server.run, daemon=True)
    api_thread.start()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site_dir))
    handler.log_message = lambda *a: None
    pages = http.server.ThreadingHTTPServer(("127.0.0.1", page_port), handler)
    page_thread = threading.Thread(target=pages.serve_forever, daemon=True)
    page_thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not api_thread.is_alive():
            pytest.fail("the widget API did not start")
        time.sleep(0.05)
    try:
        yield {"world": world, "page": f"http://127.0.0.1:{page_port}/",
               "other_origin_page": f"http://localhost:{page_port}/"}
    finally:
        server.should_exit = True
        pages.shutdown()
        pages.server_close()
        api_thread.join(10)
        page_thread.join(10)
        world.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"widget-{name}.png"))


def widget(page, selector: str):
    return page.locator("#ess-kennisbot").locator(selector)


CONTRAST = """(sel) => {
  const root = document.getElementById('ess-kennisbot').shadowRoot;
  const lum = c => { const [r, g, b] = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map(v => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const bg = el => { for (; el; el = el.parentElement || el.getRootNode().host) {
    const c = getComputedStyle(el).backgroundColor; if (!c.endsWith(', 0)') && c !== 'transparent') return c; }
    return 'rgb(255, 255, 255)'; };
  const el = root.querySelector(sel);
  const [a, b] = [lum(getComputedStyle(el).color), lum(bg(el))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""

COUNT_TEXT_CHANGES = """() => {
  const log = document.getElementById('ess-kennisbot').shadowRoot.querySelector('.log');
  window.__changes = 0;
  new MutationObserver(ms => { window.__changes += ms.length; })
    .observe(log, {subtree: true, childList: true, characterData: true});
}"""


@pytest.mark.browser
def test_widget_end_to_end_in_chromium(servers, chromium):
    from playwright.sync_api import expect, sync_playwright

    world = servers["world"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="nl-NL")
            page = context.new_page()
            page.goto(servers["page"])
            launcher = page.get_by_role("button", name="Open de chat met de ESS-kennisbot")
            expect(launcher).to_be_visible()
            launcher.focus()
            page.keyboard.press("Enter")  # keyboard operable
            dialog = page.get_by_role("dialog", name="ESS-kennisbot")
            expect(dialog).to_be_visible()
            assert page.evaluate("document.activeElement.shadowRoot.activeElement.id") == "ess-input"
            expect(widget(page, "[role=log][aria-live=polite]")).to_contain_text("Bij acuut gevaar: bel 112")
            # the page's own styles (red buttons, serif) do not leak into the widget
            assert widget(page, "form button").evaluate("b => getComputedStyle(b).color") == "rgb(255, 255, 255)"

            page.evaluate(COUNT_TEXT_CHANGES)
            page.get_by_label("Uw vraag").fill(QUESTION)
            page.keyboard.press("Enter")
            answer = widget(page, ".msg.bot[data-kind=answer]")
            expect(answer.locator(".actions")).to_be_visible()
            expect(answer).to_contain_text("middengroep")
            link = answer.locator(".sources a")
            expect(link).to_have_attribute("href", SOURCE_URL)
            expect(link).to_contain_text("[1] Handreiking depolarisatie")
            assert link.get_attribute("rel") == "noopener noreferrer"
            assert page.evaluate("window.__changes") > 5  # rendered progressively, chunk by chunk
            for selector in (".msg.user", ".msg.bot", ".sources a", ".actions button", "form button"):
                assert page.evaluate(CONTRAST, selector) >= 4.5, selector  # WCAG AA for text
            shot(page, "answer")

            answer.get_by_role("button", name="Vraag een adviseur").click()
            handover = widget(page, ".msg.bot[data-kind=handover]")
            expect(handover).to_contain_text("doorgezet naar een ESS-adviseur")
            ref = re.search(r"T-[0-9A-F]+", handover.inner_text()).group(0)
            shot(page, "handover")

            # live: the advisor's question appears while the chat is open, long before the 30 s poll
            world.queue.reply(ref, world.advisor, ASKED, kind="question")
            assert world.deliver() == 1
            expect(widget(page, ".msg.advisor")).to_contain_text(ASKED, timeout=10_000)
            page.get_by_label("Uw vraag").fill("Het gaat om de wijk Noord.")  # joins the ticket, reopens it
            page.keyboard.press("Enter")
            expect(widget(page, ".msg.bot").last).to_contain_text(ref)
            page.keyboard.press("Escape")

            world.queue.reply(ref, world.advisor, REPLY)
            assert world.deliver() == 1

            page.reload()
            launcher = page.get_by_role("button", name=re.compile("nieuw antwoord van een adviseur"))
            expect(launcher).to_be_visible()  # announced before the panel is opened
            launcher.click()
            expect(widget(page, ".msg.advisor")).to_have_count(2)  # each shown once, after the reload too
            reply = widget(page, ".msg.advisor").last
            expect(reply).to_contain_text("Antwoord van een ESS-adviseur")
            expect(reply).to_contain_text(REPLY)
            expect(reply).to_contain_text(ref)
            shot(page, "advisor-reply")
            page.keyboard.press("Escape")
            expect(dialog).to_be_hidden()
            assert page.evaluate("document.activeElement.shadowRoot.activeElement.className") == "launcher"

            phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                        locale="en-GB")
            mobile = phone.new_page()
            mobile.goto(servers["page"])
            mobile.get_by_role("button", name="Open the chat with the ESS knowledge bot").tap()
            box = mobile.get_by_role("dialog", name="ESS knowledge bot").bounding_box()
            assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 390, 844)  # full screen
            expect(mobile.get_by_label("Your question")).to_be_visible()
            shot(mobile, "phone")
            phone.close()

            # localhost is another origin than 127.0.0.1: not registered for the site key
            other = context.new_page()
            other.goto(servers["other_origin_page"])
            other.get_by_role("button", name="Open de chat met de ESS-kennisbot").click()
            other.get_by_label("Uw vraag").fill(QUESTION)
            other.keyboard.press("Enter")
            error = widget(other, ".msg.error[role=alert]")
            expect(error).to_contain_text("niet beschikbaar op deze website")
            expect(widget(other, ".msg.bot[data-kind]")).to_have_count(0)
            shot(other, "refused-origin")
        finally:
            browser.close()
