"""Wakes the live streams waiting for an advisor's reply, on whichever API replica holds them.

The delivery worker writes a widget or API reply into the inbox (the database is the truth) and then
calls ``notify(conversation_id)``. Without Redis that reaches the streams of this process only; with
Redis (``redis_url``) it is published on one channel that every replica subscribes to, so a widget
connected to replica B hears at once about a reply delivered by a worker on replica A or in its own
container. A stream that hears nothing still re-reads the inbox every ``live_poll_seconds``: a lost
notification (Redis restarting) delays a reply, it never loses one.

Only conversation ids (pseudonymous) cross Redis, never text.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import defaultdict
from contextlib import contextmanager

log = logging.getLogger(__name__)

CHANNEL = "essbot:replies"


class LocalBus:
    """Waiters of this process, by conversation id."""

    def __init__(self):
        self._waiters: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = defaultdict(set)
        self._lock = threading.Lock()

    @contextmanager
    def listen(self, conversation_id: str):
        """An asyncio.Event (of the running loop) that is set when a reply for the conversation arrives."""
        entry = (asyncio.get_running_loop(), asyncio.Event())
        with self._lock:
            self._waiters[conversation_id].add(entry)
        try:
            yield entry[1]
        finally:
            with self._lock:
                waiters = self._waiters.get(conversation_id)
                if waiters is not None:
                    waiters.discard(entry)
                    if not waiters:
                        del self._waiters[conversation_id]

    def wake(self, conversation_id: str) -> int:
        """Sets every waiter of the conversation (callable from any thread); returns how many."""
        with self._lock:
            entries = list(self._waiters.get(conversation_id, ()))
        for loop, event in entries:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:  # that stream's loop has closed
                pass
        return len(entries)

    def notify(self, conversation_id: str) -> None:
        self.wake(conversation_id)

    def close(self) -> None:
        pass


class RedisBus(LocalBus):
    """Publishes to Redis; one subscriber thread per process wakes the local waiters."""

    def __init__(self, url: str):
        super().__init__()
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=3)
        self._stop = threading.Event()
        self._subscribed = threading.Event()
        self._thread = threading.Thread(target=self._listen_forever, name="essbot-reply-bus", daemon=True)
        self._thread.start()

    def notify(self, conversation_id: str) -> None:
        try:
            self._redis.publish(CHANNEL, conversation_id)
        except Exception as exc:  # Redis down: this replica's streams still hear it, others poll
            log.warning("reply notification not published (%s); waking local streams only", type(exc).__name__)
            self.wake(conversation_id)

    def wait_subscribed(self, timeout: float = 5.0) -> bool:
        return self._subscribed.wait(timeout)

    def _listen_forever(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(CHANNEL)
                self._subscribed.set()
                backoff = 0.5
                while not self._stop.is_set():
                    msg = pubsub.get_message(timeout=1.0)
                    if msg and msg.get("type") == "message":
                        data = msg["data"]
                        self.wake(data.decode() if isinstance(data, bytes) else str(data))
            except Exception as exc:
                self._subscribed.clear()
                if not self._stop.is_set():
                    log.warning("reply bus lost Redis (%s); reconnecting in %.1f s", type(exc).__name__, backoff)
                    time.sleep(backoff)
                    backoff = min(backoff * 2, 10.0)
            finally:
                try:
                    pubsub.close()
                except Exception:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=3)
        self._redis.close()


def make_bus(settings) -> LocalBus:
    return RedisBus(settings.redis_url) if settings.redis_url else LocalBus()
