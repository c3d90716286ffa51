"""Sign-in limits: one lock-out per account for the page and the API, forwarded addresses only from our own
proxies, and an owner who can still get in with an emailed code while a guesser is slowed down."""

import re

import pytest
from django.core import mail
from django.test import Client
from rest_framework.throttling import ScopedRateThrottle

from tests.conftest import PASSWORD
from tests.test_accounts import log_in
from tests.test_accounts_api import get_token

pytestmark = pytest.mark.django_db


def test_web_and_api_failures_share_one_lock_out_per_account(client, learner):
    for _ in range(3):
        log_in(client, "learner@example.com", "wrong password")
    for _ in range(2):
        assert get_token(Client(), password="wrong").status_code == 400
    # Five failures in all, by whichever door: both doors are now shut for this account.
    assert get_token(Client()).status_code == 429
    locked = log_in(Client(), "learner@example.com", PASSWORD)
    assert "Too many failed login attempts" in locked.content.decode()


def spoofed_token_requests(count: int, real_address: str, **extra_headers: str) -> list[int]:
    return [
        Client(REMOTE_ADDR=real_address)
        .post(
            "/api/v1/auth/token/",
            {"email": f"nobody{n}@example.com", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}{extra_headers.get('suffix', '')}",
        )
        .status_code
        for n in range(count)
    ]


def test_a_forged_forwarded_for_header_does_not_escape_the_api_throttle(db, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    assert spoofed_token_requests(4, "203.0.113.9") == [400, 400, 400, 429]


def test_behind_one_trusted_proxy_the_client_address_is_the_one_the_proxy_added(db, settings, monkeypatch):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    # The client forges an address; the proxy appends the real one (the last entry): that one counts.
    statuses = spoofed_token_requests(4, "10.0.0.2", suffix=", 203.0.113.9")
    assert statuses == [400, 400, 400, 429]
    # Another real client behind the same proxy is not throttled with them.
    other = Client(REMOTE_ADDR="10.0.0.2").post(
        "/api/v1/auth/token/",
        {"email": "someone@example.com", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="203.0.113.50",
    )
    assert other.status_code == 400


def test_a_locked_out_owner_still_signs_in_with_an_emailed_code(client, learner):
    attacker = Client()
    for _ in range(5):
        log_in(attacker, "learner@example.com", "wrong password")
    assert (
        "Too many failed login attempts" in log_in(client, "learner@example.com", PASSWORD).content.decode()
    )

    response = client.post("/accounts/login/code/", {"email": "learner@example.com"})
    assert response.status_code == 302
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.MULTILINE).group(1)
    confirmed = client.post(response["Location"], {"code": code})
    assert confirmed.status_code == 302
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_the_login_page_offers_the_emailed_code(client):
    assert 'href="/accounts/login/code/"' in client.get("/accounts/login/").content.decode()
