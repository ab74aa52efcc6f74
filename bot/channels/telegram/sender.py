"""Delivers advisor replies from the outbox to Telegram chats.

Raises on failure so the outbox worker retries later with backoff. Error texts
name only status codes: the worker stores and logs them, so no chat id, token or
reply text may appear in them.
"""
from __future__ import annotations

import threading
import time

import httpx

from bot.handover.senders import DeliveryError, OutgoingReply

from .render import split_text


class TelegramSender:
    def __init__(self, settings, gateway, *, max_wait: float = 30.0, server_retries: int = 3,
                 backoff: float = 0.5, timeout: float = 15.0, sleep=time.sleep):
        if not settings.telegram_token:
            raise ValueError("ESSBOT_TELEGRAM_TOKEN is not set")
        self.url = f"{settings.telegram_base_url}{settings.telegram_token}/sendMessage"
        self.gateway = gateway
        self.max_wait, self.server_retries, self.backoff = max_wait, server_retries, backoff
        self.timeout, self.sleep = timeout, sleep
        # Telegram has no idempotency key: remember how many parts of a reply went out, so a retry in this
        # process neither repeats a delivered reply nor the first half of a split one.
        self._sent_parts: dict[str, int] = {}
        self._lock = threading.Lock()

    def send(self, reply: OutgoingReply) -> None:
        chat_id = self.gateway.address(reply.conversation_id)
        if chat_id is None:
            raise DeliveryError("geen Telegram-adres (meer) voor dit gesprek")
        parts = split_text(reply.text)
        with self._lock:
            done = self._sent_parts.get(reply.idempotency_key, 0)
        for i in range(done, len(parts)):
            self._post({"chat_id": chat_id, "text": parts[i], "link_preview_options": {"is_disabled": True}})
            with self._lock:
                self._sent_parts[reply.idempotency_key] = i + 1
                if len(self._sent_parts) > 10_000:  # bounded: the oldest keys are long done
                    for key in list(self._sent_parts)[:5_000]:
                        del self._sent_parts[key]

    def _post(self, payload: dict) -> None:
        server_errors = 0
        while True:
            try:
                r = httpx.post(self.url, json=payload, timeout=self.timeout)
            except httpx.HTTPError as exc:
                raise DeliveryError(f"Telegram onbereikbaar ({type(exc).__name__})") from None
            if r.status_code == 200:
                return
            if r.status_code == 429:
                wait = _retry_after(r)
                if wait > self.max_wait:
                    raise DeliveryError(f"Telegram HTTP 429, wacht {wait:.0f} s")
                self.sleep(wait)
                continue
            if r.status_code >= 500 and server_errors < self.server_retries:
                self.sleep(self.backoff * 2 ** server_errors)
                server_errors += 1
                continue
            raise DeliveryError(f"Telegram HTTP {r.status_code}")


def _retry_after(r: httpx.Response) -> float:
    """Telegram puts it in the body (``parameters.retry_after``); proxies in the header."""
    for read in (lambda: r.json()["parameters"]["retry_after"], lambda: r.headers["Retry-After"]):
        try:
            return max(0.0, float(read()))
        except (ValueError, KeyError, TypeError):
            continue
    return 1.0
