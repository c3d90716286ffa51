"""The API's throttles: DRF's sliding window, checked and updated in Redis in one atomic round trip.

DRF keeps a window as a list of request times in the cache: a read, then a write. On Redis that is two round
trips on every throttled write, and two app processes answering at once can both read the window before either
writes it, so both take its last free request. Here the window is a sorted set of request times, and one Lua
script drops the expired times, counts the rest and, below the rate, adds this request: the same rule in one
step. Without Redis (the embedded default keeps the cache in the database), DRF's own code runs.
"""

import secrets

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django_redis.cache import RedisCache
from rest_framework import throttling
from rest_framework.request import Request
from rest_framework.views import APIView

# KEYS[1]: the window. ARGV: now, the window's length in seconds, the requests it allows, a unique member.
# Returns whether the request is allowed, how many requests the window then holds, and the oldest one's time.
_WINDOW = """
local now, duration, allowed = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - duration)
local count = redis.call('ZCARD', KEYS[1])
local allow = count < allowed
if allow then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('EXPIRE', KEYS[1], math.ceil(duration))
  count = count + 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {allow and 1 or 0, count, oldest[2]}
"""


class _WindowInRedis(throttling.SimpleRateThrottle):
    """SimpleRateThrottle's rule, in one Lua script when the default cache is django-redis's (the one
    settings.py sets with REDIS_URL; any other cache takes DRF's path). The window's key is DRF's plus
    ":window", so it never meets a list DRF pickled under its own key (while old and new processes run side by
    side during a deploy, each counts in its own window)."""

    _script = None  # registered once per process

    def allow_request(self, request: Request, view: APIView) -> bool:
        # The cache DRF's throttles use (their self.cache is django.core.cache.cache, a proxy to this one whose
        # type does not say which backend it stands for).
        cache = caches[DEFAULT_CACHE_ALIAS]
        if self.rate is None or not isinstance(cache, RedisCache):
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        client = cache.client.get_client(write=True)
        if _WindowInRedis._script is None:
            _WindowInRedis._script = client.register_script(_WINDOW)
        allowed, count, *oldest = _WindowInRedis._script(
            keys=[cache.make_key(f"{self.key}:window")],
            args=[repr(self.now), self.duration, self.num_requests, f"{self.now!r}:{secrets.token_hex(4)}"],
            client=client,
        )
        # DRF's wait() reads only the window's length and its oldest time (the list's last item).
        self.history = [self.now] * (count - 1) + [float(oldest[0])] if count else []
        return bool(allowed)


class ScopedRateThrottle(throttling.ScopedRateThrottle, _WindowInRedis):
    """DRF's ScopedRateThrottle (the view's ``throttle_scope`` names its rate), its window kept as above."""
