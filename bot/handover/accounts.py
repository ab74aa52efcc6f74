"""Advisor accounts: argon2 password hashes, login throttling and server-side sessions.

Login throttling grows delays, it never locks an account (a lockout let anyone shut an advisor out with
five wrong passwords). Failures are counted per account and per client address over 15 minutes; beyond
``max_failures`` each further attempt waits 1, 2, 4 ... seconds after the last failure: at most
``ACCOUNT_MAX_DELAY`` per account (so the real advisor, elsewhere, waits seconds, not a quarter of an
hour) and ``ADDRESS_MAX_DELAY`` per address (the one guessing waits ever longer). A refused attempt is
not recorded: waiting out the delay is all it takes.
"""
from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.i18n import text as T
from bot.storage.audit import audit
from bot.storage.db import Database
from bot.storage.models import ROLES, Advisor, LoginAttempt, Team, WebSession, utcnow

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not-a-password-" + secrets.token_hex(8))  # equal work for unknown accounts
MIN_PASSWORD = 12
THROTTLE_WINDOW = timedelta(minutes=15)
ACCOUNT_MAX_DELAY = 30.0  # seconds
ADDRESS_MAX_DELAY = 900.0


class AccountError(ValueError):
    """Dutch message for the person at the keyboard."""


class Throttled(AccountError):
    def __init__(self, retry_after: float):
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(T("console.refusal.too_many_attempts", seconds=self.retry_after))


def _delay(failures: int, free: int, cap: float) -> float:
    return 0.0 if failures < free else min(2.0 ** (failures - free), cap)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(T("console.refusal.password_short", min=MIN_PASSWORD))
    return _hasher.hash(password)


def _account_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def create_advisor(s: Session, email: str, name: str, password: str, role: str = "advisor",
                   team: Team | None = None, actor_id: int | None = None) -> Advisor:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError(T("console.refusal.email_invalid"))
    if role not in ROLES:
        raise AccountError(T("console.refusal.role_choose", roles=', '.join(ROLES)))
    if s.scalar(select(Advisor.id).where(Advisor.email == email)) is not None:
        raise AccountError(T("console.refusal.email_taken"))
    advisor = Advisor(email=email, name=name.strip() or email, password_hash=hash_password(password), role=role,
                      team_id=team.id if team else None)
    s.add(advisor)
    s.flush()
    audit(s, actor_id, "advisor.created", advisor_id=advisor.id, role=role)
    return advisor


def _wait(s: Session, column, value: str | None, now: datetime, free: int, cap: float) -> float:
    """Seconds still to wait for this account or address (0: may try)."""
    if value is None:
        return 0.0
    n, last = s.execute(select(func.count(), func.max(LoginAttempt.at)).where(
        column == value, LoginAttempt.ok.is_(False), LoginAttempt.at > now - THROTTLE_WINDOW)).one()
    if not n:
        return 0.0
    if last.tzinfo is None:  # func.max bypasses the column type on SQLite
        last = last.replace(tzinfo=now.tzinfo)
    return _delay(n, free, cap) - (now - last).total_seconds()


def authenticate(s: Session, email: str, password: str, max_failures: int = 5,
                 now: datetime | None = None, address: str | None = None) -> Advisor:
    """The advisor, or AccountError (Throttled: wait ``retry_after`` seconds; see the module's docstring).
    ``address``: a keyed hash of the client's address (the console makes it), for throttling per address.

    The attempt is recorded in ``s``: catch the error inside the transaction, or the failure is rolled
    back with it and never counts.
    """
    now = now or utcnow()
    key = _account_key(email)
    wait = max(_wait(s, LoginAttempt.account, key, now, max_failures, ACCOUNT_MAX_DELAY),
               _wait(s, LoginAttempt.address, address, now, max_failures, ADDRESS_MAX_DELAY))
    if wait > 0:
        raise Throttled(wait)
    s.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=1)))  # only the window matters
    advisor = s.scalars(select(Advisor).where(Advisor.email == email.strip().lower())).first()
    ok = False
    try:
        ok = _hasher.verify(advisor.password_hash if advisor else _DUMMY, password) and advisor is not None
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and advisor.active
    s.add(LoginAttempt(account=key, address=address, ok=ok, at=now))
    if not ok:
        raise AccountError(T("console.refusal.sign_in_failed"))
    if _hasher.check_needs_rehash(advisor.password_hash):
        advisor.password_hash = _hasher.hash(password)
    audit(s, advisor.id, "login")
    return advisor


def set_password(s: Session, advisor: Advisor, password: str) -> None:
    advisor.password_hash = hash_password(password)
    s.execute(delete(WebSession).where(WebSession.advisor_id == advisor.id))  # other sessions end


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(s: Session, advisor: Advisor, hours: int) -> tuple[str, WebSession]:
    """A random token for the cookie; only its hash is stored, so a database leak opens no sessions."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    ws = WebSession(token_hash=_token_hash(token), advisor_id=advisor.id, csrf_token=secrets.token_urlsafe(32),
                    created_at=now, expires_at=now + timedelta(hours=hours))
    s.add(ws)
    s.execute(delete(WebSession).where(WebSession.expires_at < now))
    return token, ws


def load_session(s: Session, token: str | None) -> tuple[Advisor, WebSession] | None:
    if not token:
        return None
    ws = s.scalars(select(WebSession).where(WebSession.token_hash == _token_hash(token))).first()
    if ws is None or ws.expires_at < utcnow():
        return None
    advisor = s.get(Advisor, ws.advisor_id)
    if advisor is None or not advisor.active:
        return None
    return advisor, ws


def end_session(s: Session, token: str | None) -> None:
    if token:
        s.execute(delete(WebSession).where(WebSession.token_hash == _token_hash(token)))


def sign_in(db: Database, email: str, password: str, max_failures: int, hours: int, address: str | None = None,
            previous: str | None = None) -> str:
    """A new session's token for the cookie (ending ``previous``, the browser's old session), or AccountError
    (Throttled: wait). The attempt is committed either way: a failure must count (``authenticate``)."""
    error = None
    with db.session() as s:
        try:
            advisor = authenticate(s, email, password, max_failures, address=address)
            end_session(s, previous)
            token, _ = start_session(s, advisor, hours)
        except AccountError as exc:  # caught inside the transaction, so it commits
            error = exc
    if error is not None:
        raise error
    return token


def sign_out(db: Database, token: str | None, advisor_id: int) -> None:
    with db.session() as s:
        end_session(s, token)
        audit(s, advisor_id, "logout")
