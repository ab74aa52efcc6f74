"""The channels this installation offers, in the order their routes are mounted."""
from __future__ import annotations

from .base import Channel
from .telegram.channel import TelegramChannel
from .web.channel import ApiChannel, WidgetChannel

CHANNELS: tuple[Channel, ...] = (ApiChannel(), WidgetChannel(), TelegramChannel())
