"""Findings 6 to 9 of issue 14, against one `essbot serve` (SQLite; storage does not matter here).

6. Bad input: /insights?end=9999-12-31 was a 500, an over-deep JSON body a 500; uvicorn's lines were not JSON.
7. Limits: 125 conversations from one client used up a site's limit for every visitor; five bad passwords
   locked an account for 15 minutes; widget tokens never expired.
8. (tests/insights/test_complementary_suppression.py)
9. /metrics was public; a message of zero-width spaces made a ticket; a Telegram token without a webhook
   secret ended `essbot serve` with a traceback.
"""
from __future__ import annotations

import json
import socket
from pathlib import Path

import requests
from sqlalchemy import func, select

from bot.channels.web.sites import Sites
from bot.storage.db import Database
from bot.storage.models import Ticket
from tests.conftest import TEST_SECRET
from tests.faults.app import API_KEY, ORIGIN, SITE, essbot_serve
from tests.handover.helpers import advisor, team

from .conftest import SERVE, Console, essbot

REPO = Path(__file__).resolve().parents[2]
METRICS_TOKEN = "scrape-" + "s" * 30


def widget_start(base: str, address: str) -> requests.Response:
    return requests.post(f"{base}/widget/conversations", json={"site": SITE}, timeout=30,
                         headers={"Origin": ORIGIN, "X-Forwarded-For": address})


def tickets(db: Database) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Ticket))


def test_bad_input_junk_limits_and_metrics(tmp_path, logged_in):
    url = f"sqlite:///{tmp_path / 'essbot.sqlite'}"
    db = Database(url)
    advisor(db, "a@ess.test", team(db, "Team", default=True))
    log = "serve.jsonlog"
    with essbot_serve(tmp_path, tmp_path / "data", url, log_name=log, metrics_token=METRICS_TOKEN,
                      log_format="json", site_messages_per_minute=100, client_requests_per_minute=60,
                      **SERVE) as (base, _):
        # 6: dates out of range are refused, not a server error
        console = logged_in(base, "a@ess.test")
        assert console.get("/insights").status_code == 200
        for query in ("end=9999-12-31", "start=0001-01-01", "start=9999-12-31&end=9999-12-31", "end=kapot"):
            assert console.get(f"/insights?{query}").status_code == 400, query
            assert console.get(f"/insights/report?{query.replace('end', 'start')}").status_code == 400, query
        deep = b"[" * 20_000 + b"]" * 20_000  # within the API's byte limit
        r = requests.post(f"{base}/api/v1/messages", data=deep, timeout=30,
                          headers={"X-API-Key": API_KEY, "Content-Type": "application/json"})
        assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_json"
        with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1]))) as raw:  # uvicorn's own log
            raw.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            raw.recv(1000)

        # 9: junk gets a polite 422 and no ticket
        before = tickets(db)
        for junk in ("\u200b\u200b\u200b", "?!?!", "\u200b \u2063 \U0001F642"):
            r = requests.post(f"{base}/api/v1/messages", timeout=30, headers={"X-API-Key": API_KEY},
                              json={"conversation_id": "junk", "text": junk, "language": "nl"})
            assert r.status_code == 422 and r.json()["error"]["code"] == "no_words", (junk, r.text)
            assert "geen woorden" in r.json()["error"]["message_nl"]
            r = requests.post(f"{base}/api/v1/conversations/junk/advisor", timeout=30, headers={"X-API-Key": API_KEY},
                              json={"text": junk})
            assert r.status_code == 422, (junk, r.text)
        token = widget_start(base, "192.0.2.1").json()["token"]
        r = requests.post(f"{base}/widget/conversations/{token}/messages?site={SITE}", json={"text": "\u200b" * 5},
                          headers={"Origin": ORIGIN}, timeout=30)
        assert r.status_code == 422 and r.json()["error"]["code"] == "no_words"
        assert tickets(db) == before

        # 9: /metrics only with the token (and the proxy never forwards it)
        assert requests.get(f"{base}/metrics", timeout=10).status_code == 403
        assert requests.get(f"{base}/metrics", headers={"Authorization": "Bearer wrong"}, timeout=10).status_code == 403
        ok = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10)
        assert ok.status_code == 200 and "essbot_http_requests_total" in ok.text

        # 7: one client spoofing the Origin uses up its own limit, not the site's
        statuses = [widget_start(base, "203.0.113.66").status_code for _ in range(125)]
        assert statuses.count(201) == 60 and statuses.count(429) == 65
        assert widget_start(base, "198.51.100.1").status_code == 201  # another visitor is not locked out
        # many addresses together spend the site's budget (100/min): it degrades, a new visitor still gets in
        crowd = [widget_start(base, f"198.18.0.{i}").status_code for i in range(1, 21) for _ in range(3)]
        assert crowd.count(201) == 60
        assert widget_start(base, "198.18.0.1").status_code == 429  # a busy address waits
        assert widget_start(base, "198.51.100.2").status_code == 201  # a first-time visitor does not

        # 7: a widget token expires with the retention period (the secret is the tests' own)
        settings = type("S", (), {"secret_key": TEST_SECRET, "retention_days": 180, "widget_sites": {}})()
        for age, status in ((0, 422), (181, 404)):
            forged = Sites(settings, today=lambda: Sites(settings).today() - age).issue(SITE)
            r = requests.post(f"{base}/widget/conversations/{forged}/messages?site={SITE}", json={"text": "\u200b"},
                              headers={"Origin": ORIGIN}, timeout=30)
            assert r.status_code == status, (age, r.text)

        # 7: bad passwords slow the guesser down; they no longer lock the advisor out for a quarter of an hour
        guesser = Console(base, "203.0.113.99")
        for _ in range(5):
            assert guesser.login("a@ess.test", "not the password, sorry").status_code == 400
        refused = guesser.login("a@ess.test", "not the password, sorry")
        assert refused.status_code == 429 and 1 <= int(refused.headers["retry-after"]) <= 2
        import time

        time.sleep(int(refused.headers["retry-after"]))
        assert Console(base, "198.51.100.7").login("a@ess.test").status_code == 303  # the advisor gets in

    lines = [line for line in (tmp_path / log).read_text().splitlines() if line.strip()]
    invalid = [json.loads(line) for line in lines if "Invalid HTTP request" in line]
    assert invalid and invalid[0]["logger"].startswith("uvicorn")  # uvicorn's own line, as JSON
    assert not any(line.startswith(("Traceback", "WARNING:", "ERROR:")) for line in lines)
    db.dispose()


def test_the_proxy_does_not_forward_metrics():
    caddy = (REPO / "deploy" / "Caddyfile").read_text()
    site = caddy[caddy.index(":8700 {"):]
    assert "respond /metrics* 404" in site and site.index("respond /metrics*") < site.index("reverse_proxy")


def test_telegram_token_without_webhook_secret_is_one_clear_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'essbot.sqlite'}"
    done = essbot(tmp_path, url, "serve", telegram_token="123:abc")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "ESSBOT_TELEGRAM_WEBHOOK_SECRET" in lines[0] and "Traceback" not in done.stderr
    bad = essbot(tmp_path, url, "serve", environment="production", secret_key="kort")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "ESSBOT_SECRET_KEY" in bad.stderr
