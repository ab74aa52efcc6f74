"""Channels: Telegram, the web widget and the REST API, all through one gateway to the engine."""
