"""Login, sessions, CSRF and authorisation of every route of the console."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.console import create_app
from bot.storage.models import (Advisor, Delivery, KnowledgeEntry, LoginAttempt, Reply, Team, Ticket,
                                 WebSession)

from .conftest import PASSWORD, console_settings, csrf_of, logged_in, login, new_ticket

SKIP = ("/static", "/healthz", "/login")
ADMIN_ONLY = re.compile(r"^/admin/")
EDITOR_ONLY = re.compile(r"^/knowledge/\{entry_id\}/(approve|retract)$")


def all_routes(app) -> list[tuple[str, str]]:
    """(method, path template) of every route, with included routers expanded."""
    try:
        from fastapi.routing import iter_route_contexts  # FastAPI that includes routers lazily
        routes = list(iter_route_contexts(app.routes))
    except ImportError:
        routes = list(app.routes)
    out = []
    for route in routes:
        for method in sorted((route.methods or set()) - {"HEAD"}):
            out.append((method, route.path))
    return out


def console_routes(app) -> list[tuple[str, str]]:
    return [(m, p) for m, p in all_routes(app) if not p.startswith(SKIP)]


def fill(path: str, ref: str, entry_id: int) -> str:
    return (path.replace("{ref}", ref).replace("{name}", "team").replace("{entry_id}", str(entry_id))
            .replace("{delivery_id}", "1").replace("{advisor_id}", "1").replace("{team_id}", "1"))


def snapshot(db) -> tuple:
    """Everything an action could change; an unchanged snapshot means the action did nothing."""
    with db.session() as s:
        tickets = tuple(s.execute(select(Ticket.ref, Ticket.status, Ticket.assignee_id, Ticket.team_id)
                                  .order_by(Ticket.id)).all())
        advisors = tuple(s.execute(select(Advisor.id, Advisor.role, Advisor.team_id, Advisor.active,
                                          Advisor.password_hash).order_by(Advisor.id)).all())
        teams = tuple(s.execute(select(Team.id, Team.name, Team.active, Team.is_default).order_by(Team.id)).all())
        entries = tuple(s.execute(select(KnowledgeEntry.id, KnowledgeEntry.status, KnowledgeEntry.question)
                                  .order_by(KnowledgeEntry.id)).all())
        counts = tuple(s.scalar(select(func.count()).select_from(m)) for m in (Reply, Delivery, WebSession))
        return tickets, advisors, teams, entries, counts


@pytest.fixture
def prepared(world):
    """A ticket with a reply (and so a delivery) and a draft knowledge entry, so every route has a target."""
    ref = new_ticket(world.queue)
    world.queue.claim(ref, world.ids["advisor"])
    world.queue.reply(ref, world.ids["advisor"], "Begin met een kleine groep en een vaste gespreksleider.")
    entry = world.desk.propose(world.ids["advisor"], "Hoe organiseer je een dialoogavond?",
                               "Begin met een kleine groep en een vaste gespreksleider.", ticket_ref=ref)
    return ref, entry.id


def test_route_list_is_complete(world):
    routes = console_routes(world.app)
    assert ("GET", "/tickets/{ref}") in routes and ("POST", "/admin/teams/{team_id}") in routes
    assert len(routes) >= 25
    assert not any(p.startswith(("/docs", "/redoc", "/openapi")) for _, p in all_routes(world.app))


def test_no_route_works_without_login(world, client, prepared):
    ref, entry_id = prepared
    before = snapshot(world.db)
    for method, path in console_routes(world.app):
        url = fill(path, ref, entry_id)
        if method == "GET":
            r = client.get(url)
            assert r.status_code == 303, url
            assert r.headers["location"].startswith("/login?next="), url
        else:
            r = client.post(url, data={"csrf": "x", "text": "hallo", "role": "admin", "name": "X"})
            assert r.status_code in (401, 303), (method, url, r.status_code)
            if r.status_code == 303:
                assert r.headers["location"].startswith("/login"), url
    assert snapshot(world.db) == before


def test_redirect_keeps_the_requested_page(client, world):
    r = client.get("/queue/urgent")
    assert r.headers["location"] == "/login?next=%2Fqueue%2Furgent"
    page = client.get(r.headers["location"])
    assert 'name="next" value="/queue/urgent"' in page.text


def test_advisor_is_refused_on_admin_and_editor_routes(world, client, prepared):
    ref, entry_id = prepared
    csrf = logged_in(client, "advisor")
    before = snapshot(world.db)
    checked = 0
    for method, path in console_routes(world.app):
        if not (ADMIN_ONLY.match(path) or EDITOR_ONLY.match(path)):
            continue
        url = fill(path, ref, entry_id)
        data = {"csrf": csrf, "role": "admin", "team_id": "", "active": "1", "name": "Nieuw", "email": "n@ess.test",
                "password": "a-long-enough-password"}
        r = client.get(url) if method == "GET" else client.post(url, data=data)
        assert r.status_code == 403, (method, url, r.status_code)
        assert "Geen toegang" in r.text
        checked += 1
    assert checked >= 8
    assert snapshot(world.db) == before


def test_editor_is_refused_on_admin_routes(client, prepared):
    logged_in(client, "editor")
    assert client.get("/admin/advisors").status_code == 403
    assert client.get("/admin/teams").status_code == 403


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_every_post_needs_the_session_csrf_token(world, client, prepared, token):
    ref, entry_id = prepared
    logged_in(client, "admin")  # admin may do everything: only the token can refuse
    before = snapshot(world.db)
    posts = [(m, p) for m, p in console_routes(world.app) if m == "POST"]
    assert len(posts) >= 15
    for _, path in posts:
        data = {"text": "antwoord", "role": "advisor", "name": "Nieuw", "active": "1"}
        if token is not None:
            data["csrf"] = token
        r = client.post(fill(path, ref, entry_id), data=data)
        assert r.status_code == 403, (path, r.status_code)
        assert "beveiligingscode" in r.text
    assert snapshot(world.db) == before


def test_csrf_token_of_another_session_is_refused(world, prepared):
    ref, _ = prepared
    with TestClient(world.app, follow_redirects=False) as a, TestClient(world.app, follow_redirects=False) as b:
        other = logged_in(a, "colleague")
        logged_in(b, "advisor")
        assert b.post(f"/tickets/{ref}/close", data={"csrf": other}).status_code == 403
    with world.db.session() as s:
        assert s.scalar(select(Ticket.status).where(Ticket.ref == ref)) == "answered"


def test_login_form_needs_its_signed_token(world, client):
    r = client.post("/login", data={"email": "advisor@ess.test", "password": PASSWORD, "csrf": "forged"})
    assert r.status_code == 403
    client.get("/login")  # the cookie alone is not enough: the form must carry its signature
    r = client.post("/login", data={"email": "advisor@ess.test", "password": PASSWORD})
    assert r.status_code == 403
    assert "essbot_session" not in client.cookies
    with world.db.session() as s:
        assert s.scalar(select(func.count()).select_from(LoginAttempt)) == 0


def test_login_sets_a_strict_http_only_cookie(client):
    r = login(client, "advisor@ess.test")
    assert r.status_code == 303 and r.headers["location"] == "/queue/mine"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("essbot_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # secure_cookies=False in these settings
    assert client.get("/queue/mine").status_code == 200


def test_cookie_is_secure_when_configured(world, tmp_path):
    settings = console_settings(tmp_path, database_url=world.db.url).model_copy(update={"secure_cookies": True})
    app = create_app(settings, db=world.db, queue=world.queue, desk=world.desk)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        r = login(c, "advisor@ess.test")
    assert r.status_code == 303
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("essbot_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_wrong_password_gives_one_generic_message(client):
    wrong = login(client, "advisor@ess.test", "not the password at all")
    unknown = login(client, "nobody@ess.test", "not the password at all")
    assert wrong.status_code == unknown.status_code == 400
    assert "E-mailadres of wachtwoord onjuist." in wrong.text
    assert "E-mailadres of wachtwoord onjuist." in unknown.text
    assert "essbot_session" not in client.cookies


def test_login_is_throttled_after_too_many_failures(world, client):
    for _ in range(world.settings.login_max_failures):
        assert login(client, "advisor@ess.test", "wrong password here").status_code == 400
    r = login(client, "advisor@ess.test")  # a short wait first (a growing delay, no longer a lockout)
    assert r.status_code == 429 and int(r.headers["retry-after"]) <= 2
    assert "Te veel mislukte pogingen. Probeer het over" in r.text
    assert "essbot_session" not in client.cookies


def test_logout_ends_the_session(world, client):
    csrf = logged_in(client, "advisor")
    token = client.cookies.get("essbot_session")
    r = client.post("/logout", data={"csrf": csrf})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    with world.db.session() as s:
        assert s.scalar(select(func.count()).select_from(WebSession)) == 0
    client.cookies.set("essbot_session", token)  # a stolen copy of the cookie is worthless now
    assert client.get("/queue/mine").status_code == 303


def test_deactivated_advisor_is_logged_out(world, client):
    logged_in(client, "advisor")
    with world.db.session() as s:
        s.get(Advisor, world.ids["advisor"]).active = False
    assert client.get("/queue/mine").status_code == 303


def test_next_cannot_leave_the_site(client):
    page = client.get("/login?next=//evil.example/x")
    assert "evil.example" not in page.text
    r = client.post("/login", data={"email": "advisor@ess.test", "password": PASSWORD,
                                    "csrf": csrf_of(page.text), "next": "https://evil.example/"})
    assert r.status_code == 303 and r.headers["location"] == "/queue/mine"


def test_security_headers(client):
    login_page = client.get("/login")
    logged_in(client, "advisor")
    page = client.get("/queue/mine")
    for r in (login_page, page):
        assert r.headers["content-security-policy"].startswith("default-src 'self'")
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"


def test_healthz_needs_no_login(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
