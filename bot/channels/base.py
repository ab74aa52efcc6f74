"""What a channel is: a name, the routes through which askers reach the bot, and the sender that brings
advisors' replies back. Adding a channel is a new module implementing ``Channel`` plus one line in registry.py."""
from __future__ import annotations

from typing import Any, Protocol

from fastapi import APIRouter

from bot.config import Settings
from bot.handover.senders import Sender
from bot.storage.db import Database

from .bus import LocalBus
from .gateway import Gateway


class Parts(Protocol):
    """The parts of the running application a channel is built from (bot.runtime.Runtime provides them)."""

    settings: Settings
    db: Database
    gateway: Gateway
    bus: LocalBus | Any


class Channel(Protocol):
    name: str  # stored on conversations and deliveries: "telegram", "web", "api"

    def routes(self, rt: Parts) -> APIRouter | None:
        """The channel's HTTP routes in the web server, or None when it takes no requests there."""

    def sender(self, rt: Parts) -> Sender | None:
        """Delivers an advisor's reply to an asker of this channel; None when the channel is not configured."""
