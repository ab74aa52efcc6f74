"""Advisor accounts: argon2 password hashes, login throttling and server-side sessions."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .audit import audit
from .models import ROLES, Advisor, LoginAttempt, Team, WebSession, utcnow

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("not-a-password-" + secrets.token_hex(8))  # equal work for unknown accounts
MIN_PASSWORD = 12
THROTTLE_WINDOW = timedelta(minutes=15)


class AccountError(ValueError):
    """Dutch message for the person at the keyboard."""


class Throttled(AccountError):
    pass


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Het wachtwoord moet minstens {MIN_PASSWORD} tekens hebben.")
    return _hasher.hash(password)


def _account_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def create_advisor(s: Session, email: str, name: str, password: str, role: str = "advisor",
                   team: Team | None = None, actor_id: int | None = None) -> Advisor:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError("Geef een geldig e-mailadres op.")
    if role not in ROLES:
        raise AccountError(f"Onbekende rol: kies uit {', '.join(ROLES)}.")
    if s.scalar(select(Advisor.id).where(Advisor.email == email)) is not None:
        raise AccountError("Er bestaat al een account met dit e-mailadres.")
    advisor = Advisor(email=email, name=name.strip() or email, password_hash=hash_password(password), role=role,
                      team_id=team.id if team else None)
    s.add(advisor)
    s.flush()
    audit(s, actor_id, "advisor.created", advisor_id=advisor.id, role=role)
    return advisor


def authenticate(s: Session, email: str, password: str, max_failures: int = 5,
                 now: datetime | None = None) -> Advisor:
    """The advisor, or AccountError; ``max_failures`` failures in 15 minutes throttle the account.

    The attempt is recorded in ``s``: catch the error inside the transaction, or the failure is rolled
    back with it and never counts.
    """
    now = now or utcnow()
    key = _account_key(email)
    failures = s.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.account == key, LoginAttempt.ok.is_(False), LoginAttempt.at > now - THROTTLE_WINDOW)) or 0
    if failures >= max_failures:
        s.add(LoginAttempt(account=key, ok=False, at=now))
        raise Throttled("Te veel mislukte pogingen. Probeer het over een kwartier opnieuw.")
    advisor = s.scalars(select(Advisor).where(Advisor.email == email.strip().lower())).first()
    ok = False
    try:
        ok = _hasher.verify(advisor.password_hash if advisor else _DUMMY, password) and advisor is not None
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and advisor.active
    s.add(LoginAttempt(account=key, ok=ok, at=now))
    if not ok:
        raise AccountError("E-mailadres of wachtwoord onjuist.")
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
