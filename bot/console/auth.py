"""Login and logout."""
from __future__ import annotations

import hashlib
import hmac

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from bot.config import Settings
from bot.handover.accounts import AccountError, Throttled, sign_in, sign_out

from .deps import AdvisorAction, DbDep, MaybeActor, SettingsDep
from .security import LOGIN_COOKIE, SESSION_COOKIE, CsrfFailed, login_csrf_ok, login_token, new_login_nonce, safe_next
from .views import render

router = APIRouter()


def _address(request: Request, secret: str) -> str:
    """A keyed hash of the client's address (as the proxy forwarded it): throttling needs no raw address."""
    host = request.client.host if request.client else "-"
    return hmac.new(secret.encode(), f"login-address:{host}".encode(), hashlib.sha256).hexdigest()


def _login_page(request: Request, settings: Settings, next_url: str, error: str | None = None, status: int = 200):
    nonce = new_login_nonce()
    response = render(request, "login.html", status, next_url=next_url, error=error,
                      csrf=login_token(settings.secret_key, nonce))
    response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="strict", secure=bool(settings.secure_cookies),
                        path="/login", max_age=3600)
    return response


@router.get("/login")
def login_form(request: Request, settings: SettingsDep, actor: MaybeActor, next: str = "/queue/mine"):
    if actor is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, settings, safe_next(next))


@router.post("/login")
def login(request: Request, settings: SettingsDep, db: DbDep, email: str = Form(""), password: str = Form(""),
          csrf: str = Form(""), next: str = Form("/queue/mine")):
    if not login_csrf_ok(settings.secret_key, request.cookies.get(LOGIN_COOKIE), csrf):
        raise CsrfFailed()
    try:
        token = sign_in(db, email, password, settings.login_max_failures, settings.session_hours,
                        address=_address(request, settings.secret_key), previous=request.cookies.get(SESSION_COOKIE))
    except Throttled as exc:
        response = _login_page(request, settings, safe_next(next), str(exc), 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AccountError as exc:
        return _login_page(request, settings, safe_next(next), str(exc), 400)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", secure=bool(settings.secure_cookies),
                        max_age=settings.session_hours * 3600, path="/")
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, db: DbDep, actor: AdvisorAction):
    sign_out(db, request.cookies.get(SESSION_COOKIE), actor.id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
