"""What the widget's and the REST API's routes need, as typed dependencies (the shape of the FastAPI
full-stack template's ``api/deps.py``): settings, the gateway, the live bus, the widget's sites and the
limits.

The routers are module-level; a channel's ``routes(rt)`` binds one to a runtime (``bind``): the bound
router's lifespan puts the parts on every request's state (Starlette's lifespan state), and the
dependencies below read them from there, so a test replaces any of them with
``app.dependency_overrides[get_gateway] = ...``. The route class reads the parts itself for what happens
before any dependency runs: the byte cap and the widget's CORS headers.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from bot.channels.bus import LocalBus
from bot.channels.gateway import Gateway
from bot.channels.ratelimit import FairLimit, RateLimiter, make_limiter
from bot.config import Settings

from .errors import body_limit
from .sites import Sites

READS_PER_MINUTE = 30  # the widget polls replies every 30 s; this leaves room for reloads and several tabs


class WebChannel(StrEnum):
    """The channel names of the web's askers: in their pseudonyms, conversation ids and deliveries."""

    WIDGET = "web"
    API = "api"


@dataclass(frozen=True)
class WebParts:
    """What both web channels take from the runtime."""

    settings: Settings
    gateway: Gateway
    bus: LocalBus


@dataclass(frozen=True)
class WidgetParts:
    sites: Sites
    site_limit: FairLimit  # per client address first, then the site's budget, which degrades rather than locks
    read_limit: RateLimiter

    @classmethod
    def of(cls, settings: Settings) -> WidgetParts:
        return cls(Sites(settings),
                   FairLimit(settings, "site", settings.client_requests_per_minute, settings.site_messages_per_minute),
                   make_limiter(settings, "read", READS_PER_MINUTE))


@dataclass(frozen=True)
class ApiParts:
    partners: dict[str, str]  # partner name -> SHA-256 of its key, lower-case hex
    limit: RateLimiter  # per partner

    @classmethod
    def of(cls, settings: Settings) -> ApiParts:
        return cls({name: digest.strip().lower() for name, digest in settings.api_keys.items()},
                   make_limiter(settings, "api", settings.api_messages_per_minute))


def bind(router: APIRouter, **parts: WebParts | WidgetParts | ApiParts) -> APIRouter:
    """``router`` serving one runtime: ``parts`` (``web=``, ``widget=``, ``api=``) are on every request's state
    from before its body is read. The app's lifespan must run (uvicorn does; in tests ``with TestClient(app)``)."""

    @asynccontextmanager
    async def lifespan(app):
        yield parts

    bound = APIRouter(lifespan=lifespan)
    bound.include_router(router)
    return bound


def part(request: Request, name: str):
    try:
        return getattr(request.state, name)
    except AttributeError:
        raise RuntimeError(f"no {name!r} parts on the request: include the router through its channel's "
                           "routes() (deps.bind) and run the app's lifespan") from None


def web(request: Request) -> WebParts:
    return part(request, "web")


def widget(request: Request) -> WidgetParts:
    return part(request, "widget")


def api(request: Request) -> ApiParts:
    return part(request, "api")


def message_body_limit(request: Request) -> int:
    """The byte cap of the app's routes (their route class applies it before any dependency runs)."""
    return body_limit(web(request).settings.max_message_chars)


def get_settings(request: Request) -> Settings:
    return web(request).settings


def get_gateway(request: Request) -> Gateway:
    return web(request).gateway


def get_bus(request: Request) -> LocalBus:
    return web(request).bus


def get_sites(request: Request) -> Sites:
    return widget(request).sites


def get_site_limit(request: Request) -> FairLimit:
    return widget(request).site_limit


def get_read_limit(request: Request) -> RateLimiter:
    return widget(request).read_limit


def get_partners(request: Request) -> dict[str, str]:
    return api(request).partners


def get_api_limit(request: Request) -> RateLimiter:
    return api(request).limit


SettingsDep = Annotated[Settings, Depends(get_settings)]
GatewayDep = Annotated[Gateway, Depends(get_gateway)]
BusDep = Annotated[LocalBus, Depends(get_bus)]
SitesDep = Annotated[Sites, Depends(get_sites)]
SiteLimitDep = Annotated[FairLimit, Depends(get_site_limit)]
ReadLimitDep = Annotated[RateLimiter, Depends(get_read_limit)]
PartnersDep = Annotated[dict[str, str], Depends(get_partners)]
ApiLimitDep = Annotated[RateLimiter, Depends(get_api_limit)]
