"""Delivery senders: how a reply reaches the asker's channel.

A sender raises on failure (the worker retries with backoff) and passes the
delivery's idempotency key on, so the receiving side can drop a repeat after a
crash between sending and recording it. Telegram and the web widget register
their own senders (channels issue); here: a signed webhook and an inbox for tests.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Protocol

import httpx


@dataclass(frozen=True)
class OutgoingReply:
    idempotency_key: str
    channel: str
    asker: str
    conversation_id: str
    text: str
    ticket_ref: str | None = None


class Sender(Protocol):
    def send(self, reply: OutgoingReply) -> None: ...


class DeliveryError(RuntimeError):
    pass


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookSender:
    """POSTs the reply as JSON with ``Idempotency-Key`` and an HMAC signature of the body."""

    def __init__(self, url: str, secret: str, timeout: float = 10.0):
        self.url, self.secret, self.timeout = url, secret, timeout

    def send(self, reply: OutgoingReply) -> None:
        body = json.dumps(reply.__dict__, ensure_ascii=False).encode()
        try:
            r = httpx.post(self.url, content=body, timeout=self.timeout, headers={
                "Content-Type": "application/json", "Idempotency-Key": reply.idempotency_key,
                "X-Essbot-Signature": signature(self.secret, body)})
        except httpx.HTTPError as exc:
            raise DeliveryError(type(exc).__name__) from exc
        if r.status_code >= 300:
            raise DeliveryError(f"HTTP {r.status_code}")
