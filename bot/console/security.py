"""Who is asking: the session cookie, roles, CSRF checks and the small signed cookies of the console.

The checks a route depends on are in deps.py."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from bot.handover.accounts import load_session
from bot.storage.db import Database
from bot.storage.models import ROLES

SESSION_COOKIE = "essbot_session"
LOGIN_COOKIE = "essbot_login"  # the nonce of the login form's double-submit CSRF check
FLASH_COOKIE = "essbot_flash"


class NotLoggedIn(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, actor: "Actor | None" = None):
        super().__init__()
        self.actor = actor  # the error page still shows who is logged in


class CsrfFailed(Exception):
    pass


@dataclass(frozen=True)
class Actor:
    """The logged-in advisor as plain values: ORM objects must not outlive their transaction."""

    id: int
    name: str
    email: str
    role: str
    team_id: int | None
    csrf: str

    def has_role(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)


def _mac(secret: str, purpose: str, value: str) -> str:
    # The purpose keeps a signature for one use (login form, flash) from being valid for another.
    return hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def new_login_nonce() -> str:
    return secrets.token_urlsafe(24)


def login_token(secret: str, nonce: str) -> str:
    return _mac(secret, "login", nonce)


def login_csrf_ok(secret: str, nonce: str | None, submitted: str | None) -> bool:
    if not nonce or not isinstance(submitted, str):
        return False
    return hmac.compare_digest(login_token(secret, nonce), submitted)


def seal(secret: str, data: dict) -> str:
    body = base64.urlsafe_b64encode(json.dumps(data).encode()).decode()
    return f"{body}.{_mac(secret, 'flash', body)}"


def unseal(secret: str, value: str | None) -> dict | None:
    if not value or "." not in value:
        return None
    body, sig = value.rsplit(".", 1)
    if not hmac.compare_digest(_mac(secret, "flash", body), sig):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body.encode()))
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def safe_next(target: str | None, default: str = "/queue/mine") -> str:
    """Only paths on this site: ``next`` must not become an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def load_actor(db: Database, token: str | None) -> Actor | None:
    """The advisor of a session cookie's token, or None (no token, session expired or ended, deactivated)."""
    if not token:
        return None
    with db.session() as s:
        found = load_session(s, token)
        if found is None:
            return None
        advisor, ws = found
        return Actor(advisor.id, advisor.name, advisor.email, advisor.role, advisor.team_id, ws.csrf_token)


def csrf_ok(actor: Actor, submitted) -> bool:
    """A form's ``csrf`` field equals the session's token (compared in constant time)."""
    return isinstance(submitted, str) and hmac.compare_digest(submitted.encode(), actor.csrf.encode())
