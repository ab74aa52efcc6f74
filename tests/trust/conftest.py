"""The trust-boundary probe (issue 14) as regression tests: `essbot serve` as a subprocess, configured as
an operator would, reached over real HTTP; storage on SQLite and PostgreSQL where it matters.

uvicorn trusts X-Forwarded-For from 127.0.0.1 (its default), as `serve` does behind the proxy: the tests
play several clients by sending it.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.faults.app import API_KEY, serve_env
from tests.handover.conftest import db_url, pg_url  # noqa: F401  (fixtures: SQLite and PostgreSQL)
from tests.handover.helpers import PASSWORD


def dump(url: str) -> str:
    """Every value in every table, to prove what is (not) stored."""
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as c:
            tables = sa.inspect(c).get_table_names()
            return "\n".join(str(row) for t in tables for row in c.execute(sa.text(f'SELECT * FROM "{t}"')))
    finally:
        engine.dispose()


def essbot(tmp_path: Path, db_url: str, *args: str, **settings) -> subprocess.CompletedProcess:
    """An `essbot` command with the same environment as the server (and nothing of the developer's)."""
    env = serve_env(tmp_path / "data", db_url, 0, **settings)
    exe = str(Path(sys.executable).with_name("essbot"))
    return subprocess.run(["env", "-i", "-C", str(tmp_path), *(f"{k}={v}" for k, v in env.items()), exe, *args],
                          capture_output=True, text=True, timeout=300)


def api(base: str, conversation: str, text: str, **fields) -> requests.Response:
    return requests.post(base + "/api/v1/messages", headers={"X-API-Key": API_KEY}, timeout=60,
                         json={"conversation_id": conversation, "text": text, "language": "nl", **fields})


class Console:
    """One advisor's browser: session cookie, CSRF token, flashes."""

    def __init__(self, base: str, address: str | None = None):
        self.base, self.http = base, requests.Session()
        if address:
            self.http.headers["X-Forwarded-For"] = address

    def login(self, email: str, password: str = PASSWORD) -> requests.Response:
        page = self.http.get(self.base + "/login", timeout=30)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        return self.http.post(self.base + "/login", data={"email": email, "password": password, "csrf": csrf,
                                                          "next": "/queue/mine"}, allow_redirects=False, timeout=30)

    def csrf(self) -> str:
        return re.search(r'name="csrf" value="([^"]+)"', self.get("/queue/mine").text).group(1)

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base + path, allow_redirects=False, timeout=60)

    def post(self, path: str, **data) -> requests.Response:
        return self.http.post(self.base + path, data={"csrf": self.csrf(), **data}, allow_redirects=False,
                              timeout=120)

    def flash(self, path: str, **data) -> str:
        """Posts a form and returns the page it leads to (with its one-time message)."""
        r = self.post(path, **data)
        assert r.status_code in (303, 422), (r.status_code, r.text[:300])
        return self.get(r.headers["location"]).text if r.status_code == 303 else r.text


@pytest.fixture
def logged_in():
    def make(base: str, email: str, address: str | None = None) -> Console:
        console = Console(base, address)
        assert console.login(email).status_code == 303
        return console

    return make


SERVE = {"secure_cookies": "false"}  # plain HTTP on loopback: the session cookie must come back
