"""Pseudonyms and sealed addresses: channels never store a raw user id or chat id in the clear."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def pseudonym(secret: str, channel: str, raw_id: str | int) -> str:
    """A keyed hash: stable per person and channel, useless without the secret."""
    digest = hmac.new(secret.encode(), f"{channel}:{raw_id}".encode(), hashlib.sha256).hexdigest()
    return f"{channel[:3]}-{digest[:32]}"


def _key(secret: str) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=b"essbot-addresses", info=b"v1").derive(secret.encode())


def seal(secret: str, plaintext: str) -> str:
    nonce = os.urandom(12)
    return base64.urlsafe_b64encode(nonce + AESGCM(_key(secret)).encrypt(nonce, plaintext.encode(), None)).decode()


def unseal(secret: str, token: str) -> str:
    raw = base64.urlsafe_b64decode(token.encode())
    return AESGCM(_key(secret)).decrypt(raw[:12], raw[12:], None).decode()
