"""The advisor web console: queues, tickets, the learning loop and administration (Dutch UI).

Served by `essbot console` or inside `essbot serve` (bot.server); this package only builds the app."""
from .app import create_app

__all__ = ["create_app"]
