"""The advisor web console: queues, tickets, the learning loop and administration (Dutch UI)."""
from .app import create_app, serve

__all__ = ["create_app", "serve"]
