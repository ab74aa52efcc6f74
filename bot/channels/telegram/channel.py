"""Telegram as a channel: a webhook in the web server (unless this process polls), replies pushed to chats."""
from __future__ import annotations

from .bot import build_application
from .sender import TelegramSender
from .webhook import router


class TelegramChannel:
    name = "telegram"

    def routes(self, rt):
        # no webhook where the poller runs (`essbot telegram`), or on replicas told not to register one
        if not rt.settings.telegram_token or not rt.settings.telegram_webhook:
            return None
        return router(rt.settings, build_application(rt.settings, rt.gateway))

    def sender(self, rt):
        return TelegramSender(rt.settings, rt.gateway) if rt.settings.telegram_token else None
