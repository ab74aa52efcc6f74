"""Which websites may embed the widget, and the conversation tokens they hand out.

A site key names an embedding website; only the origins configured for it (``widget_sites``) get
CORS access. A conversation token is random, carries the day it was issued and is signed for its site, so
a token cannot be forged, moved to another site or kept alive; it needs no storage, and only
``sha256(token)`` is ever used server side. A token expires with the retention period (``retention_days``):
by then its conversation has been deleted, and the widget starts a new one (404 ``unknown_conversation``).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

from .errors import ApiError, ErrorCode

CORS_MAX_AGE = "600"


def normalise_origin(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


class Sites:
    def __init__(self, settings, today=lambda: int(time.time() // 86400)):
        self.secret = settings.secret_key.encode()
        self.lifetime_days, self.today = settings.retention_days, today
        self.origins = {key: {normalise_origin(o) for o in origins} for key, origins in settings.widget_sites.items()}

    def origin_ok(self, site: str | None, origin: str | None) -> bool:
        return bool(site and origin) and normalise_origin(origin) in self.origins.get(site, ())

    def check(self, site: str | None, origin: str | None) -> None:
        """Refuses an unknown site key, and an origin that is missing or not listed for it."""
        if not site or site not in self.origins:
            raise ApiError(ErrorCode.UNKNOWN_SITE)
        if not self.origin_ok(site, origin):
            raise ApiError(ErrorCode.ORIGIN_REFUSED)

    def check_preflight(self, site: str | None, origin: str | None) -> None:
        """A preflight carries no header values: with the key in the query it is checked exactly,
        without it the origin must belong to some site (the real request is checked again)."""
        if site:
            self.check(site, origin)
        elif not origin or not any(normalise_origin(origin) in allowed for allowed in self.origins.values()):
            raise ApiError(ErrorCode.ORIGIN_REFUSED)

    # --- conversation tokens ---------------------------------------------------------
    def _sign(self, site: str, nonce: str, day: str) -> str:
        mac = hmac.new(self.secret, f"widget-token:{site}:{nonce}:{day}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:16]).decode().rstrip("=")

    def issue(self, site: str) -> str:
        nonce, day = secrets.token_urlsafe(24), str(self.today())
        return f"{nonce}.{day}.{self._sign(site, nonce, day)}"

    def verify(self, token: str, site: str) -> None:
        """Unknown (404) when damaged, signed for another site, of the old undated form, or expired."""
        parts = token.split(".") if len(token) <= 100 else []
        if len(parts) != 3 or not parts[0] or not parts[1].isdigit() or len(parts[1]) > 8:
            raise ApiError(ErrorCode.UNKNOWN_CONVERSATION)
        nonce, day, mac = parts
        if not hmac.compare_digest(mac.encode(), self._sign(site, nonce, day).encode()):
            raise ApiError(ErrorCode.UNKNOWN_CONVERSATION)
        if not 0 <= self.today() - int(day) <= self.lifetime_days:
            raise ApiError(ErrorCode.UNKNOWN_CONVERSATION)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def conversation_id(token: str) -> str:
    return "web:" + token_hash(token)


def cors_headers(origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin",
            "Access-Control-Expose-Headers": "Retry-After"}


def preflight_headers(origin: str) -> dict[str, str]:
    return {**cors_headers(origin), "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, X-Site-Key", "Access-Control-Max-Age": CORS_MAX_AGE}
