"""The account API: /api/v1/me/, the export and personal tokens."""

import importlib.metadata
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from tests.conftest import PASSWORD
from tests.dates import days_from_today

pytestmark = pytest.mark.django_db

ME_FIELDS = {
    "email",
    "display_name",
    "timezone",
    "daily_new_limit",
    "daily_review_limit",
    "desired_retention",
    "interview_date",
    "is_mentor",
}


def get_token(client, email="learner@example.com", password=PASSWORD, **extra):
    return client.post("/api/v1/auth/token/", {"email": email, "password": password, **extra})


def token_client(token: str) -> Client:
    return Client(headers={"Authorization": f"Token {token}"})


def test_me_shows_the_profile_with_defaults(learner_client, learner):
    body = learner_client.get("/api/v1/me/").json()
    assert set(body) >= ME_FIELDS
    assert body["email"] == "learner@example.com"
    assert body["timezone"] == "UTC"
    assert (body["daily_new_limit"], body["daily_review_limit"]) == (10, 100)
    assert body["desired_retention"] == 0.9
    assert body["interview_date"] is None
    assert body["is_mentor"] is False


def test_me_needs_authentication(client):
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_patch_me_changes_only_what_is_sent(learner_client, learner):
    interview = days_from_today(50).isoformat()  # a past date is refused
    response = learner_client.patch(
        "/api/v1/me/",
        {"timezone": "Asia/Tokyo", "interview_date": interview, "is_mentor": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["timezone"] == "Asia/Tokyo"
    learner.refresh_from_db()
    assert (learner.timezone, str(learner.interview_date), learner.is_mentor) == (
        "Asia/Tokyo",
        interview,
        True,
    )
    assert learner.daily_new_limit == 10


def test_the_email_is_read_only(learner_client, learner):
    learner_client.patch("/api/v1/me/", {"email": "hijack@example.com"}, content_type="application/json")
    learner.refresh_from_db()
    assert learner.email == "learner@example.com"


@pytest.mark.parametrize(
    "changes",
    [
        {"desired_retention": 0.99},
        {"desired_retention": "lots"},
        {"timezone": "Europe/Atlantis"},
        {"daily_new_limit": -3},
        {"daily_review_limit": 0},
        {"interview_date": "soon"},
        {"is_mentor": "perhaps"},
    ],
)
def test_an_invalid_value_is_a_400_naming_the_field_and_changes_nothing(learner_client, learner, changes):
    payload = {"display_name": "Changed", **changes}
    response = learner_client.patch("/api/v1/me/", payload, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == set(changes)
    learner.refresh_from_db()
    assert learner.display_name == "Lena Learner"


def test_session_writes_need_the_csrf_token(learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.patch("/api/v1/me/", {"display_name": "X"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_export_returns_everything_the_user_owns(learner_client, learner):
    body = learner_client.get("/api/v1/me/export/").json()
    assert body["profile"]["email"] == "learner@example.com"
    assert body["email_addresses"] == []
    assert "exported_at" in body


# Tokens ------------------------------------------------------------------------------------------------


def test_a_token_is_issued_for_email_and_password_and_works(client, learner):
    response = get_token(client)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expiry"}
    stored = AuthToken.objects.get(user=learner)
    assert stored.digest != body["token"]  # only a hash is kept
    assert stored.expiry > timezone.now() + timedelta(days=29)
    assert token_client(body["token"]).get("/api/v1/me/").json()["email"] == "learner@example.com"


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": "learner@example.com", "password": "wrong"},
        {"email": "nobody@example.com", "password": PASSWORD},
        {"email": "not-an-email", "password": PASSWORD},
        {"email": "learner@example.com"},
        {},
    ],
)
def test_bad_credentials_get_a_400_and_no_token(client, learner, credentials):
    response = client.post("/api/v1/auth/token/", credentials)
    assert response.status_code == 400
    assert response.json()
    assert not AuthToken.objects.exists()


def test_delete_revokes_the_token_in_use_only(client, learner):
    first = get_token(client).json()["token"]
    second = get_token(client).json()["token"]

    assert token_client(first).delete("/api/v1/auth/token/").status_code == 204

    assert token_client(first).get("/api/v1/me/").status_code == 401
    assert token_client(second).get("/api/v1/me/").status_code == 200


def test_delete_without_a_token_is_refused(learner_client):
    assert learner_client.delete("/api/v1/auth/token/").status_code == 401


def test_an_expired_token_is_refused(client, learner):
    token = get_token(client).json()["token"]
    AuthToken.objects.filter(user=learner).update(expiry=timezone.now() - timedelta(seconds=1))
    assert token_client(token).get("/api/v1/me/").status_code == 401


def test_an_expired_token_is_deleted_when_it_is_presented(client, learner):
    token = get_token(client).json()["token"]
    AuthToken.objects.filter(user=learner).update(expiry=timezone.now() - timedelta(seconds=1))
    token_client(token).get("/api/v1/me/")
    assert not AuthToken.objects.filter(user=learner).exists()


def test_the_token_of_a_deactivated_account_is_refused(client, learner):
    token = get_token(client).json()["token"]
    learner.is_active = False
    learner.save(update_fields=["is_active"])
    response = token_client(token).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}


def test_a_token_that_differs_after_its_key_is_refused(client, learner):
    """The key (the first characters, stored in clear) finds the token; only the whole token's hash lets it in."""
    token = get_token(client).json()["token"]
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert token_client(forged).get("/api/v1/me/").status_code == 401
    assert token_client(token).get("/api/v1/me/").status_code == 200


def test_the_token_check_follows_the_installed_knox():
    """accounts.authentication repeats knox's authenticate_credentials over its own read of the token: a
    knox upgrade must be read against it before the pin moves."""
    assert importlib.metadata.version("django-rest-knox") == "5.1.0"


@pytest.mark.parametrize(
    "header",
    ["Token caf\u00e9", "Token abc\x00def", "Token abc\x1bdef", "Token " + "f" * 500],
    ids=["a byte outside UTF-8", "a NUL", "a control character", "500 characters"],
)
def test_a_malformed_token_is_refused_as_invalid_not_a_server_error(client, learner, header):
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_token_issuing_is_throttled(client, learner, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    statuses = [
        get_token(client, email=f"nobody{n}@example.com", password="wrong").status_code for n in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


def test_an_account_with_two_factor_needs_its_code_for_a_token(client, learner):
    secret = generate_totp_secret()
    TOTP.activate(learner, secret)

    assert get_token(client).json() == {
        "code": ["This account uses two-factor authentication: send its code."]
    }
    assert get_token(client, code="000000").status_code == 400

    code = format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))
    response = get_token(client, code=code)
    assert response.status_code == 200
    assert "token" in response.json()


# The tokens page ----------------------------------------------------------------------------------------


def test_the_tokens_page_lists_creates_and_revokes(learner_client, learner, stranger):
    response = learner_client.post("/accounts/tokens/", follow=True)
    created = response.content.decode()
    token = AuthToken.objects.get(user=learner)
    assert response.redirect_chain == [("/accounts/tokens/", 302)]
    assert "shown only once" in created
    assert f"<code>{token.token_key}…</code>" in created
    assert "shown only once" not in learner_client.get("/accounts/tokens/").content.decode()  # reload: gone

    strangers_token, _ = AuthToken.objects.create(user=stranger)
    learner_client.post(f"/accounts/tokens/{strangers_token.token_key}/revoke/")
    assert AuthToken.objects.filter(user=stranger).exists()

    learner_client.post(f"/accounts/tokens/{token.token_key}/revoke/")
    assert not AuthToken.objects.filter(user=learner).exists()
    assert "You have no active tokens." in learner_client.get("/accounts/tokens/").content.decode()


def test_a_user_holds_at_most_twenty_tokens(client, learner, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "100/minute"})
    for _ in range(20):
        assert get_token(client).status_code == 200
    response = get_token(client)
    assert response.status_code == 400
    assert "revoke one" in str(response.json())
    assert AuthToken.objects.filter(user=learner).count() == 20


def test_failed_token_requests_count_towards_the_account_lock_out(client, learner):
    for _ in range(5):
        assert get_token(client, password="wrong").status_code == 400
    locked = get_token(client)
    assert locked.status_code == 429
    assert not AuthToken.objects.exists()


def test_with_mandatory_verification_an_unverified_account_gets_no_token(client, learner, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    response = get_token(client)
    assert response.status_code == 400 and "email" in response.json()
    EmailAddress.objects.create(user=learner, email=learner.email, verified=True, primary=True)
    assert get_token(client).status_code == 200


@pytest.mark.parametrize("payload", [{"favourite_colour": "blue"}, {"email": "new@example.com"}])
def test_patching_unknown_or_read_only_fields_is_a_400(learner_client, learner, payload):
    response = learner_client.patch("/api/v1/me/", payload, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == set(payload)
    learner.refresh_from_db()
    assert learner.email == "learner@example.com"


def test_an_interview_date_in_the_past_is_refused(learner_client, learner):
    response = learner_client.patch(
        "/api/v1/me/", {"interview_date": "1999-01-01"}, content_type="application/json"
    )
    assert response.status_code == 400 and "interview_date" in response.json()
    learner.refresh_from_db()
    assert learner.interview_date is None
