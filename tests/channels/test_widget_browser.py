"""The widget in headless Chromium, embedded with its one tag on a page of another origin: a streamed
answer with sources and linked [n] markers, hand-over, an advisor's question shown live, the whole conversation
after a reload, message times in Dutch time, the typing indicator, a long answer shown from its start, the
advisor button that sends nothing else, the unread badge, the host page's NL Design System tokens, axe-core's
WCAG 2.1 AA rules and keyboard-only use, on desktop and phone, and a page on an origin that is not allowed.

Needs Debian's chromium at /usr/bin/chromium. Without it the test is skipped, unless
ESSBOT_REQUIRE_BROWSER is set (CI), where a missing browser is a failure. axe-core comes from npm, installed
once into the test cache by scripts/axe-core.sh (tests/channels/axe.py).
Screenshots go to tests/artifacts/widget-*.png.
"""
from __future__ import annotations

import functools
import http.server
import re
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import uvicorn

from tests.conftest import REPO
from tests.services import free_port

from bot.channels.web import sse
from bot.channels.web.deps import get_gateway
from bot.channels.web.sites import conversation_id

from .axe import assert_accessible, violations
from .world import QUESTION, SITE, SOURCE_URL, World

ARTIFACTS = REPO / "tests" / "artifacts"
REPLY = "Begin met een gesprek met de middengroep, en nodig beide kanten apart uit."
ASKED = "Om welke wijk gaat het, en sinds wanneer spelen de spanningen?"
PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gemeente A</title><style>body{{font-family:Georgia,serif;margin:40px}} button{{color:red}} {tokens}</style></head>
<body><h1>Gemeente A – Veiligheid in de wijk</h1><p>Heeft u een vraag over spanningen in de wijk?</p>
<script src="{api}/widget/widget.js" data-site="{site}" async></script>
</body></html>
"""
# A municipality's NL Design System theme: its tokens on the page, as a theme class on <body> would set them.
TOKENS = """:root{--nl-button-primary-background-color:rgb(0, 90, 50);--nl-button-primary-color:rgb(255, 255, 255);
--utrecht-document-font-family:"DejaVu Serif", serif;--utrecht-focus-outline-color:rgb(170, 0, 90);
--utrecht-link-color:rgb(0, 90, 50);--utrecht-button-border-radius:0px}"""
DRAFT = "Dit is nog een concept dat ik niet wil versturen"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ANSWER_MS = 30_000  # a first answer loads the models; on two busy cores that took more than expect's 5 s


@pytest.fixture
def servers(chromium, settings, embeddings, tmp_path):
    """The widget API (uvicorn) and a static test page, each on its own port of 127.0.0.1."""
    api_port, page_port = free_port(), free_port()
    world = World(settings, embeddings, tmp_path, widget_sites={SITE: [f"http://127.0.0.1:{page_port}"]})
    api = f"http://127.0.0.1:{api_port}"
    site_dir = tmp_path / "site"
    site_dir.mkdir()
    (site_dir / "index.html").write_text(PAGE.format(api=api, site=SITE, tokens=""), encoding="utf-8")
    (site_dir / "nlds.html").write_text(PAGE.format(api=api, site=SITE, tokens=TOKENS), encoding="utf-8")

    app = world.app()  # tests may replace its gateway while it runs (dependency_overrides are read per request)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=api_port, log_level="warning"))
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
        yield {"world": world, "app": app, "page": f"http://127.0.0.1:{page_port}/",
               "nlds_page": f"http://127.0.0.1:{page_port}/nlds.html",
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


FOCUSED = """() => { const h = document.activeElement; const e = h && h.shadowRoot ? h.shadowRoot.activeElement : h;
  return e ? e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') : null; }"""

ANSWER_IN_VIEW = """() => { const r = document.getElementById('ess-kennisbot').shadowRoot, log = r.querySelector('.log');
  const a = [...r.querySelectorAll('.msg.bot[data-kind=answer]')].pop();
  const lr = log.getBoundingClientRect(), ar = a.getBoundingClientRect();
  return {top: ar.top - lr.top, logHeight: lr.height, answerHeight: ar.height,
          belowView: log.scrollHeight - log.clientHeight - log.scrollTop}; }"""


def amsterdam_now() -> set[str]:
    """This minute in Dutch time, and the one before (the message was said a few seconds ago)."""
    now = datetime.now(AMSTERDAM)
    return {now.strftime("%H:%M"), datetime.fromtimestamp(now.timestamp() - 60, AMSTERDAM).strftime("%H:%M")}


class SlowGateway:
    """The real gateway, answering a question only after ``seconds`` (the typing indicator can be seen)."""

    def __init__(self, inner, seconds: float):
        self.inner, self.seconds = inner, seconds

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def ask(self, *args, **kw):
        time.sleep(self.seconds)
        return self.inner.ask(*args, **kw)


def browser_for(p, chromium):
    return p.chromium.launch(executable_path=str(chromium), headless=True)


def desktop(browser, **kw):
    # the visitor's device is in New York: times must still be Dutch time
    return browser.new_context(viewport={"width": 1280, "height": 860}, locale="nl-NL",
                               timezone_id="America/New_York", **kw)


def phone(browser, locale="nl-NL"):
    return browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale=locale,
                               timezone_id="America/New_York")


VIEWPORTS = {"desktop": desktop, "phone": phone}


def open_chat(page, url):
    page.goto(url)
    page.get_by_role("button", name="Open de chat met de ESS-kennisbot").click()
    return page.get_by_role("dialog", name="ESS-kennisbot")


def ask_question(page, text=QUESTION):
    page.get_by_label("Uw vraag").fill(text)
    page.keyboard.press("Enter")
    answer = widget(page, ".msg.bot[data-kind=answer]").last
    from playwright.sync_api import expect

    expect(answer.locator(".actions")).to_be_visible(timeout=ANSWER_MS)
    return answer


@pytest.mark.browser
def test_widget_end_to_end_in_chromium(servers, chromium):
    from playwright.sync_api import expect, sync_playwright

    world = servers["world"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True)
        try:
            context = desktop(browser)
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
            # AI Act: before the first question, that this is an automated system and how to reach a person
            notice = widget(page, ".log > .notice")
            expect(notice).to_contain_text("geautomatiseerd systeem, niet met een mens")
            expect(notice).to_contain_text("Ik wil een adviseur spreken")
            assert widget(page, ".log > *").first.get_attribute("class") == "notice"
            # the page's own styles (red buttons, serif) do not leak into the widget
            assert widget(page, "form button").evaluate("b => getComputedStyle(b).color") == "rgb(255, 255, 255)"

            page.evaluate(COUNT_TEXT_CHANGES)
            page.get_by_label("Uw vraag").fill(QUESTION)
            page.keyboard.press("Enter")
            answer = widget(page, ".msg.bot[data-kind=answer]")
            expect(answer.locator(".actions")).to_be_visible(timeout=ANSWER_MS)
            expect(answer).to_contain_text("middengroep")
            link = answer.locator(".sources a")
            expect(link).to_have_attribute("href", SOURCE_URL)
            # the inline marker links to the same source, and says which one to a screen reader
            marker = answer.locator(".body a.ref").first
            expect(marker).to_have_attribute("href", SOURCE_URL)
            expect(marker).to_have_accessible_name(re.compile(r"^\[1\] bron 1: Handreiking depolarisatie"))
            assert marker.get_attribute("rel") == "noopener noreferrer"
            # a time on every message, in Dutch time though the device is in New York
            for message in (widget(page, ".msg.user").last, answer):
                assert message.locator("time").inner_text() in amsterdam_now()
            assert widget(page, ".msg time").count() == widget(page, ".msg").count() - 1  # all but the welcome
            expect(link).to_contain_text("[1] Handreiking depolarisatie")
            assert link.get_attribute("rel") == "noopener noreferrer"
            given = answer.locator(".body").text_content()
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
            # the whole conversation is back, in order: the asker's own words and the bot's answers too
            expect(widget(page, ".msg.user")).to_have_count(2)
            expect(widget(page, ".msg.user").first).to_contain_text(QUESTION)
            expect(widget(page, ".msg.user").last).to_contain_text("Het gaat om de wijk Noord.")
            earlier = widget(page, ".msg.bot[data-history][data-kind=answer]")
            expect(earlier.locator(".body")).to_have_text(given)  # as it was given, with its sources and links
            expect(earlier.locator(".sources a")).to_have_attribute("href", SOURCE_URL)
            expect(earlier.locator(".body a.ref").first).to_have_attribute("href", SOURCE_URL)
            expect(earlier.locator(".note")).to_have_count(0)
            # the past was put in place silently; new messages are announced again
            expect(widget(page, "[role=log]")).to_have_attribute("aria-live", "polite")
            order = widget(page, ".msg").evaluate_all("ns => ns.map(n => n.className + ' ' + (n.dataset.kind || ''))")
            assert order[:5] == ["msg bot ", "msg user ", "msg bot answer", "msg bot handover", "msg advisor "], order
            assert widget(page, ".msg.user").last.locator("time").inner_text() in amsterdam_now()  # its stored time
            reply = widget(page, ".msg.advisor").last
            expect(reply).to_contain_text("Antwoord van een ESS-adviseur")
            expect(reply).to_contain_text(REPLY)
            expect(reply).to_contain_text(ref)
            shot(page, "advisor-reply")
            assert_accessible(page)  # the conversation after a reload: earlier answers, notes, advisors' replies
            page.keyboard.press("Escape")
            expect(dialog).to_be_hidden()
            assert page.evaluate("document.activeElement.shadowRoot.activeElement.className") == "launcher"

            small = phone(browser, locale="en-GB")
            mobile = small.new_page()
            mobile.goto(servers["page"])
            mobile.get_by_role("button", name="Open the chat with the ESS knowledge bot").tap()
            box = mobile.get_by_role("dialog", name="ESS knowledge bot").bounding_box()
            assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 390, 844)  # full screen
            expect(mobile.get_by_label("Your question")).to_be_visible()
            expect(mobile.locator("#ess-kennisbot .notice")).to_contain_text("automated system, not a person")
            shot(mobile, "phone")
            small.close()

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


@pytest.mark.browser
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_typing_dots_the_advisor_button_alone_and_the_unread_badge(servers, chromium, device):
    from playwright.sync_api import expect, sync_playwright

    world, app = servers["world"], servers["app"]
    with sync_playwright() as p:
        browser = browser_for(p, chromium)
        try:
            page = VIEWPORTS[device](browser).new_page()
            open_chat(page, servers["page"])
            app.dependency_overrides[get_gateway] = lambda: SlowGateway(world.gateway, 2.0)
            page.get_by_label("Uw vraag").fill(QUESTION)
            page.keyboard.press("Enter")
            waiting = widget(page, ".msg.bot[data-typing]")
            expect(waiting.locator(".typing i")).to_have_count(3)
            expect(waiting.locator(".typing")).to_be_visible()
            expect(waiting).to_contain_text("De kennisbot schrijft een antwoord")  # the dots' label, for screen readers
            assert waiting.locator(".typing").get_attribute("aria-hidden") == "true"
            expect(widget(page, ".log")).not_to_contain_text("Ik zoek het voor u op")
            shot(page, f"typing-{device}")
            assert_accessible(page)
            answer = widget(page, ".msg.bot[data-kind=answer]")
            expect(answer.locator(".actions")).to_be_visible(timeout=ANSWER_MS)
            expect(widget(page, ".typing")).to_have_count(0)
            del app.dependency_overrides[get_gateway]

            # the advisor button asks for an advisor, and nothing else: the typed text is not sent
            page.get_by_label("Uw vraag").fill(DRAFT)
            answer.get_by_role("button", name="Vraag een adviseur").click()
            handover = widget(page, ".msg.bot[data-kind=handover]")
            expect(handover).to_contain_text("doorgezet naar een ESS-adviseur")
            expect(page.get_by_label("Uw vraag")).to_have_value(DRAFT)
            expect(widget(page, ".msg.user")).to_have_count(1)
            [ticket] = world.queue.all()
            assert ticket["question"] == QUESTION and DRAFT not in world.all_stored_text()
            ref = ticket["ref"]

            # a reply while the panel is closed: a badge on the launcher, and its name says so
            page.keyboard.press("Escape")
            launcher = page.get_by_role("button", name="Open de chat met de ESS-kennisbot")
            expect(launcher).to_be_focused()
            world.queue.reply(ref, world.advisor, REPLY)
            assert world.deliver() == 1
            expect(widget(page, ".launcher .badge")).to_have_text("1", timeout=10_000)
            expect(launcher).to_have_accessible_name(re.compile("nieuw antwoord van een adviseur"))
            announced = widget(page, "[role=status]")  # outside the hidden panel: read out by a screen reader
            expect(announced).to_have_text("Er is een nieuw antwoord van een ESS-adviseur in de chat.")
            shot(page, f"unread-badge-{device}")
            launcher.click()
            expect(widget(page, ".launcher .badge")).to_have_count(0)
            expect(announced).to_have_text("")
            expect(widget(page, ".msg.advisor")).to_contain_text(REPLY)
            expect(widget(page, ".msg.advisor time")).to_have_text(re.compile(r"^\d\d:\d\d$"))
            page.keyboard.press("Escape")
            page.reload()  # seen: no badge after a reload
            expect(page.get_by_role("button", name="Open de chat met de ESS-kennisbot")).to_be_visible()
            page.wait_for_load_state("networkidle")
            expect(widget(page, ".launcher .badge")).to_have_count(0)
        finally:
            browser.close()


def long_answer(route):
    """The real answer's response with a long text in its place (citations without a url: the markers jump to
    the list), so the scroll behaviour can be seen on any knowledge base."""
    real = route.fetch()
    text = "\n\n".join(f"Stap {i}: bespreek met de middengroep wat er speelt en spreek af wie wat doet [1]."
                        for i in range(1, 41))
    citation = {"n": 1, "title": "Handreiking depolarisatie", "section": None, "page": None, "url": None,
                "published": None, "label": "Handreiking depolarisatie"}
    body = b"".join([sse.event(sse.Event.META, {"kind": "answer", "ticket_ref": None, "language": "nl"}),
                     *(sse.event(sse.Event.DELTA, {"text": part}) for part in sse.chunks(text)),
                     sse.event(sse.Event.CITATIONS, [citation]), sse.event(sse.Event.DONE, {})])
    route.fulfill(response=real, body=body)


@pytest.mark.browser
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_long_answer_is_shown_from_its_start_and_its_markers_jump_to_the_source(servers, chromium, device):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = browser_for(p, chromium)
        try:
            page = VIEWPORTS[device](browser).new_page()
            page.route("**/messages?*", long_answer)
            page.goto(servers["page"])
            page.get_by_role("button", name="Open de chat met de ESS-kennisbot").click()
            answer = ask_question(page)
            expect(answer).to_contain_text("Stap 40")
            view = page.evaluate(ANSWER_IN_VIEW)
            assert view["answerHeight"] > view["logHeight"], view  # longer than the screen
            assert 0 <= view["top"] < 30 and view["belowView"] > 200, view  # its start in view, not its end
            shot(page, f"long-answer-{device}")

            markers = answer.locator(".body a.ref")
            expect(markers).to_have_count(40)
            assert markers.first.get_attribute("href").startswith("#ess-src-")
            markers.last.click()
            assert page.evaluate(FOCUSED) == "li"  # focus went to source 1 in the list
            expect(answer.locator(".sources li").first).to_be_in_viewport()
            assert page.url == servers["page"]  # the host page's address is left alone
        finally:
            browser.close()


@pytest.mark.browser
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_long_answer_comes_back_whole_with_its_sources_after_a_reload(servers, chromium, device, monkeypatch):
    """Answers are stored whole with their citations: after a reload an earlier answer of well over 500 characters
    reads as it was given, sources and linked markers included. One stored before that (revision 0008: "[kind] "
    + 500 characters, no sources) still shows, marked."""
    from playwright.sync_api import expect, sync_playwright

    world = servers["world"]
    world.longer_answers(monkeypatch)
    with sync_playwright() as p:
        browser = browser_for(p, chromium)
        try:
            page = VIEWPORTS[device](browser).new_page()
            open_chat(page, servers["page"])
            answer = ask_question(page)
            given = answer.locator(".body").text_content()
            assert len(given) > 1000 and "Stap 12" in given
            token = page.evaluate(f"localStorage.getItem('essbot:{SITE}:token')")
            old = "Een eerder antwoord, nog ingekort bewaard [1]. " * 20
            world.engine.conversations.append(conversation_id(token), "assistant", f"[answer] {old[:500]}",
                                              channel="web")

            page.reload()
            page.get_by_role("button", name="Open de chat met de ESS-kennisbot").click()
            answers = widget(page, ".msg.bot[data-history][data-kind=answer]")
            expect(answers).to_have_count(2)
            earlier, stored_before = answers.first, answers.last
            expect(earlier.locator(".body")).to_have_text(given)
            expect(earlier.locator(".body a.ref")).to_have_count(given.count("[1]"))
            expect(earlier.locator(".body a.ref").first).to_have_attribute("href", SOURCE_URL)
            expect(earlier.locator(".sources a")).to_have_attribute("href", SOURCE_URL)
            expect(earlier.locator(".note")).to_have_count(0)
            expect(stored_before.locator(".body")).to_have_text(old[:500] + "…")
            expect(stored_before.locator(".note")).to_contain_text("bewaard zonder bronnen")
            expect(stored_before.locator(".sources")).to_have_count(0)
            earlier.scroll_into_view_if_needed()
            shot(page, f"earlier-long-answer-{device}")
            assert_accessible(page)
        finally:
            browser.close()


@pytest.mark.browser
def test_the_host_pages_design_tokens_reach_the_widget(servers, chromium):
    from playwright.sync_api import expect, sync_playwright

    css = "(e, p) => getComputedStyle(e)[p]"
    with sync_playwright() as p:
        browser = browser_for(p, chromium)
        try:
            context = desktop(browser)
            plain = context.new_page()
            open_chat(plain, servers["page"])
            send = widget(plain, "form button")
            assert send.evaluate(css, "backgroundColor") == "rgb(21, 66, 115)"  # the sober default
            assert "DejaVu Serif" not in send.evaluate(css, "fontFamily")

            themed = context.new_page()
            open_chat(themed, servers["nlds_page"])
            ask_question(themed)
            send = widget(themed, "form button")
            assert send.evaluate(css, "backgroundColor") == "rgb(0, 90, 50)"
            assert widget(themed, ".msg.user").last.evaluate(css, "backgroundColor") == "rgb(0, 90, 50)"
            assert send.evaluate(css, "borderTopLeftRadius") == "0px"
            assert widget(themed, ".log").evaluate(css, "fontFamily").startswith('"DejaVu Serif"')
            assert widget(themed, ".sources a").evaluate(css, "color") == "rgb(0, 90, 50)"
            themed.keyboard.press("Shift+Tab")  # from the input: the last button of the answer, by keyboard
            focused = widget(themed, ".actions button").last
            expect(focused).to_be_focused()
            assert focused.evaluate(css, "outlineColor") == "rgb(170, 0, 90)"
            for selector in (".msg.user", "form button"):
                assert themed.evaluate(CONTRAST, selector) >= 4.5, selector
            assert_accessible(themed)
            shot(themed, "nlds-tokens")
        finally:
            browser.close()


@pytest.mark.browser
def test_wcag_aa_by_axe_and_keyboard_only_on_desktop_and_phone(servers, chromium):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = browser_for(p, chromium)
        try:
            page = desktop(browser).new_page()
            page.goto(servers["page"])
            # the check finds what it should: a nameless button, and a name that hides the visible text
            # (the launcher's name was "Open de chat ..." beside its visible "Stel een vraag")
            page.evaluate("""document.body.insertAdjacentHTML('beforeend', '<div id=broken><button></button>'
                             + '<button aria-label="Open de chat">Stel een vraag</button></div>')""")
            assert {"button-name", "label-content-name-mismatch"} <= {v["id"] for v in violations(page, "#broken")}
            assert_accessible(page)  # the closed widget: its launcher

            # keyboard only: Tab reaches the launcher, Enter opens, the answer's links and buttons come in
            # reading order before the input, Escape closes and gives the focus back to the launcher
            page.keyboard.press("Tab")
            assert page.evaluate(FOCUSED) == "button.launcher"
            page.keyboard.press("Enter")
            assert page.evaluate(FOCUSED) == "textarea"
            page.keyboard.type(QUESTION)
            page.keyboard.press("Enter")
            answer = widget(page, ".msg.bot[data-kind=answer]")
            expect(answer.locator(".actions")).to_be_visible(timeout=ANSWER_MS)
            widget(page, ".head button").focus()
            markers = answer.locator(".body a.ref").count()
            expected = ["div.log", *["a.ref"] * markers, "a", "button", "button", "button", "textarea", "button"]
            order = []
            for _ in expected:
                page.keyboard.press("Tab")
                order.append(page.evaluate(FOCUSED))
            assert markers >= 1 and order == expected, order
            widget(page, "textarea").focus()
            for _ in range(3):
                page.keyboard.press("Shift+Tab")
            expect(answer.get_by_role("button", name="Nuttig", exact=True)).to_be_focused()
            page.keyboard.press("Enter")
            expect(widget(page, ".msg.bot").last).to_contain_text("Dank voor uw reactie")
            assert_accessible(page)  # open, with an answer, its sources, buttons and the feedback
            shot(page, "keyboard")
            page.keyboard.press("Escape")
            expect(page.get_by_role("dialog", name="ESS-kennisbot")).to_be_hidden()
            assert page.evaluate(FOCUSED) == "button.launcher"

            mobile = phone(browser).new_page()
            open_chat(mobile, servers["page"])
            ask_question(mobile)
            assert_accessible(mobile)
            shot(mobile, "phone-answer")
        finally:
            browser.close()
