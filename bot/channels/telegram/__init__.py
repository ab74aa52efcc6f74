"""The Telegram channel: the bot, its outbox sender and its webhook."""
from .bot import build_application
from .sender import TelegramSender
from .webhook import router, run_polling

__all__ = ["build_application", "TelegramSender", "router", "run_polling"]
