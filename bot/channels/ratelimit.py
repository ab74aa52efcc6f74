"""Per-key sliding-window rate limits (per asker, per site, per API key).

In memory per process by default; with ``redis_url`` the window is kept in Redis, so the limit holds
across every API replica (otherwise N replicas would allow N times the limit). If Redis is unreachable
the limiter falls back to its in-memory window rather than refusing everyone.
"""
from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import defaultdict, deque

log = logging.getLogger(__name__)


class RateLimited(Exception):
    def __init__(self, retry_after: float):
        super().__init__(f"rate limited, retry after {retry_after:.0f} s")
        self.retry_after = retry_after


class RateLimiter:
    """In memory, per process. ``limit`` events per ``window`` seconds per key."""

    def __init__(self, limit: int, window: float, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self._events: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        now = self.clock()
        with self._lock:
            q = self._events[key]
            while q and q[0] <= now - self.window:
                q.popleft()
            if len(q) >= self.limit:
                raise RateLimited(q[0] + self.window - now)
            q.append(now)
            if len(self._events) > 100_000:  # forget idle keys so memory stays bounded
                for k in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window]:
                    del self._events[k]


# One atomic step: drop what left the window, count, add this event or say when the oldest leaves.
_SLIDING_WINDOW = """
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return tostring(tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', key, now, member)
redis.call('PEXPIRE', key, math.ceil(window * 1000))
return false
"""


class RedisRateLimiter(RateLimiter):
    """The same window, shared by every process through Redis (keys expire with the window)."""

    def __init__(self, client, name: str, limit: int, window: float):
        super().__init__(limit, window)
        self.redis, self.name = client, name
        self._script = client.register_script(_SLIDING_WINDOW)
        self._warned = 0.0

    def hit(self, key: str) -> None:
        try:
            # Redis' own clock: replicas' clocks may differ, the window must not
            sec, usec = self.redis.time()
            now = sec + usec / 1e6
            wait = self._script(keys=[f"essbot:rl:{self.name}:{key}"],
                                args=[now, self.window, self.limit, f"{now}-{secrets.token_hex(4)}"])
        except RateLimited:
            raise
        except Exception as exc:
            if time.monotonic() - self._warned > 60:
                self._warned = time.monotonic()
                log.warning("Redis rate limit unavailable (%s); limiting per process", type(exc).__name__)
            return super().hit(key)
        if wait is not None:
            raise RateLimited(max(float(wait), 0.0))


class FairLimit:
    """A budget shared by many clients (a widget site) that one client cannot use up for all.

    Per client first: one address gets ``per_client`` requests a window, whatever Origin it claims. Then the
    shared budget; when it is spent, the shared limit degrades instead of locking everyone: a client with
    fewer than ``FAIR_SHARE`` requests in the window still passes (a visitor opening the chat), up to an
    overflow of ``OVERFLOW_FACTOR`` times the budget, which bounds the load of many addresses at once.
    """

    FAIR_SHARE = 3
    OVERFLOW_FACTOR = 2

    def __init__(self, settings, name: str, per_client: int, shared: int, window: float = 60):
        self.client = make_limiter(settings, f"{name}-client", per_client, window)
        self.light = make_limiter(settings, f"{name}-light", self.FAIR_SHARE, window)
        self.shared = make_limiter(settings, name, shared, window)
        self.overflow = make_limiter(settings, f"{name}-overflow", shared * self.OVERFLOW_FACTOR, window)

    def hit(self, shared_key: str, client_key: str) -> None:
        self.client.hit(f"{shared_key}:{client_key}")
        try:
            self.light.hit(f"{shared_key}:{client_key}")
            light = True
        except RateLimited:
            light = False
        try:
            self.shared.hit(shared_key)
        except RateLimited:
            if not light:
                raise
            self.overflow.hit(shared_key)


_clients: dict[str, object] = {}
_clients_lock = threading.Lock()


def make_limiter(settings, name: str, limit: int, window: float = 60) -> RateLimiter:
    """The limiter for one purpose ("asker", "site", "api", ...): shared through Redis when configured."""
    url = getattr(settings, "redis_url", None)
    if not url:
        return RateLimiter(limit, window)
    import redis

    with _clients_lock:  # one connection pool per URL per process
        client = _clients.get(url)
        if client is None:
            client = _clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return RedisRateLimiter(client, name, limit, window)
