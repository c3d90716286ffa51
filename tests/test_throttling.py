"""The API's throttles keep DRF's sliding window; in Redis it is checked and updated in one atomic round trip."""

import threading
from types import SimpleNamespace

import pytest
import redis
from django.core.cache import caches
from django.test import Client
from knox.models import AuthToken
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import ScopedRateThrottle as DRFScopedRateThrottle

from config.throttling import ScopedRateThrottle

REDIS_DB = "redis://127.0.0.1:6379/12"  # this module's own: other tests and the multinode servers use others


class Clock:
    """The throttles' timer, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["redis", "database"])
def cache_backend(request, settings, db):
    """Each test runs on the production cache (Redis) and on the embedded default (the database)."""
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": REDIS_DB,
                "KEY_PREFIX": "throttle-tests",
            }
        }
    caches["default"].clear()
    yield request.param
    caches["default"].clear()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(DRFScopedRateThrottle, "timer", clock)
    monkeypatch.setattr(DRFScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute", "writes": "3/minute"})
    return clock


def sign_in(client: Client) -> int:
    return client.post(
        "/api/v1/auth/token/", {"email": "nobody@example.com", "password": "wrong"}
    ).status_code


def test_the_window_allows_the_rate_then_refuses_with_the_wait_until_its_oldest_request_leaves(
    cache_backend, clock
):
    client = Client()
    statuses = []
    for _ in range(3):
        statuses.append(sign_in(client))
        clock.now += 10
    assert statuses == [400, 400, 400]  # at 0, 10 and 20 s
    refused = client.post("/api/v1/auth/token/", {"email": "nobody@example.com", "password": "wrong"})
    assert refused.status_code == 429
    # DRF's wait: the 30 s until the oldest request leaves the minute, spread over the one request then free.
    assert refused.headers["Retry-After"] == "30"
    clock.now += 29
    assert sign_in(client) == 429  # a refused request is not counted, and the oldest is still in the window
    clock.now += 1
    assert sign_in(client) == 400  # the request at 0 s has left: the one at 60 s takes its place
    assert sign_in(client) == 429


def test_each_client_address_has_its_own_window(cache_backend, clock):
    first, second = Client(REMOTE_ADDR="203.0.113.1"), Client(REMOTE_ADDR="203.0.113.2")
    assert [sign_in(first) for _ in range(4)] == [400, 400, 400, 429]
    assert sign_in(second) == 400


def test_a_throttled_write_is_one_round_trip_to_redis(settings, db, learner, clock, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_DB}}
    caches["default"].clear()
    commands = []
    original = redis.Redis.execute_command

    def counting(self, *args, **options):
        commands.append(args[0])
        return original(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counting)
    token = AuthToken.objects.create(user=learner)[1]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    for _ in range(2):  # the first call also loads the script into Redis
        commands.clear()
        response = client.post("/api/v1/attempts/", {}, content_type="application/json")
        assert response.status_code == 400  # throttled first, then refused for its missing fields
    assert commands == ["EVALSHA"]


def test_two_app_processes_at_once_cannot_both_take_the_last_free_request(settings, clock):
    """DRF reads the window, then writes it: two processes could both read two requests and both pass."""
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_DB}}
    caches["default"].clear()
    view = SimpleNamespace(throttle_scope="auth")

    def allowed() -> bool:
        # A throttle of its own, as each process has: nothing but Redis is shared.
        request = Request(APIRequestFactory().post("/", REMOTE_ADDR="203.0.113.7"), authenticators=[])
        return ScopedRateThrottle().allow_request(request, view)

    assert [allowed(), allowed()] == [True, True]
    start = threading.Barrier(8)
    results = []

    def at_once() -> None:
        start.wait()
        results.append(allowed())

    threads = [threading.Thread(target=at_once) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
