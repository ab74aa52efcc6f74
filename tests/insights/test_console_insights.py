"""The console's insights page: login and roles, guarded figures, editor tasks, report downloads, browser."""
from __future__ import annotations

import io
import threading
import time
from datetime import timedelta

import pypdf
import pytest

from tests.conftest import REPO
from tests.console.conftest import client, logged_in, world  # noqa: F401  (fixtures)

from .conftest import FIRST_WEEK, SPIKE_WEEK, WEEKS, add, stream
from .test_gaps_reports import FEW, gap_events

ARTIFACTS = REPO / "tests" / "artifacts"
QUERY = f"/insights?start={FIRST_WEEK}&end={FIRST_WEEK + timedelta(weeks=WEEKS, days=-1)}"


@pytest.fixture
def filled(world, embeddings):
    add(world.db, stream() + gap_events())
    world.app.state.insight_embeddings = embeddings
    return world


def test_requires_login(client, filled):
    r = client.get("/insights")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=%2Finsights")
    assert client.get("/insights/report").status_code == 303
    assert client.post("/insights/gaps/task", data={"key": "x"}).status_code == 401


def test_advisor_sees_guarded_figures_but_cannot_make_tasks(client, filled):
    csrf = logged_in(client, "advisor")
    page = client.get(QUERY)
    assert page.status_code == 200
    assert "polarisatie" in page.text and "<svg" in page.text and "2026-W46" in page.text
    assert "Ameland" not in page.text and not any(q in page.text for q in FEW)
    assert "Maak redactietaak" not in page.text
    r = client.post("/insights/gaps/task", data={"csrf": csrf, "key": "x", "start": str(FIRST_WEEK)})
    assert r.status_code == 403


def test_editor_turns_a_gap_into_a_task(client, filled):
    csrf = logged_in(client, "editor")
    page = client.get(QUERY)
    key = page.text.split('name="key" value="')[1].split('"')[0]
    form = {"key": key, "start": str(FIRST_WEEK), "end": str(FIRST_WEEK + timedelta(weeks=WEEKS, days=-1))}
    assert client.post("/insights/gaps/task", data={**form, "csrf": "wrong"}).status_code == 403
    assert client.post("/insights/gaps/task", data={**form, "csrf": csrf}).status_code == 303
    page = client.get(QUERY)
    assert "taak open" in page.text and "Geen open taken" not in page.text
    task_id = page.text.split('action="/insights/tasks/')[1].split("/")[0]
    assert client.post(f"/insights/tasks/{task_id}/done", data={"csrf": csrf}).status_code == 303
    assert "Geen open taken" in client.get(QUERY).text


def test_report_downloads(client, filled):
    logged_in(client, "advisor")
    start = SPIKE_WEEK + timedelta(days=1)
    html = client.get(f"/insights/report?period=week&start={start}")
    assert html.status_code == 200 and "attachment" in html.headers["content-disposition"]
    assert "2026-W46" in html.text and "Ameland" not in html.text
    pdf = client.get(f"/insights/report?period=month&start={start}&format=pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "polarisatie" in text and "Ameland" not in text
    assert client.get("/insights/report?period=year").status_code == 400


def test_page_and_report_render_in_chromium(filled, chromium, tmp_path):
    import uvicorn
    from playwright.sync_api import expect, sync_playwright

    from bot.insights.report import build_report

    server = uvicorn.Server(uvicorn.Config(filled.app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    html, _ = build_report(filled.db, filled.settings, "week", SPIKE_WEEK, filled.app.state.insight_embeddings)
    report = tmp_path / "report.html"
    report.write_text(html, encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(chromium), headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.goto(base + QUERY)
            page.fill("input[name=email]", "editor@ess.test")
            page.fill("input[name=password]", "correct horse battery")
            page.click("button:has-text('Inloggen')")
            page.wait_for_url("**/insights**")
            expect(page.locator("h1")).to_have_text("Inzichten")
            expect(page.locator("#signals tr.signal").first).to_contain_text("polarisatie")
            assert page.locator("svg.chart").first.bounding_box()["width"] > 300
            page.screenshot(path=str(ARTIFACTS / "insights-page.png"), full_page=True)
            page.click("button:has-text('Maak redactietaak') >> nth=0")
            expect(page.locator(".flash")).to_have_text("Redactietaak aangemaakt.")
            page.goto(report.as_uri())
            assert page.locator("svg.chart").count() >= 2
            page.screenshot(path=str(ARTIFACTS / "insights-report.png"), full_page=True)
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
    assert problems == []
