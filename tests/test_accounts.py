"""Accounts: sign-up, login, rate limits, passwords, verification, preferences, export and deletion."""

import re
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.apps import apps
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import models

from accounts.models import User
from tests.conftest import PASSWORD
from tests.dates import days_from_today

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "violet-harbour-lantern-42"


def sign_up(client, email="new@example.com", password=STRONG_PASSWORD, **extra):
    data = {"email": email, "password1": password, "password2": password, "display_name": "Nia New", **extra}
    return client.post("/accounts/signup/", data)


def log_in(client, email, password):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_sign_up_creates_the_account_and_lands_on_the_dashboard(client):
    response = sign_up(client, timezone="Europe/Berlin")

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    user = User.objects.get(email="new@example.com")
    assert user.display_name == "Nia New"
    assert user.timezone == "Europe/Berlin"
    assert user.password.startswith("argon2")
    assert "Welcome, Nia New" in client.get("/dashboard/").content.decode()


def test_an_unknown_detected_time_zone_falls_back_to_utc(client):
    sign_up(client, timezone="Mars/Olympus_Mons")
    assert User.objects.get(email="new@example.com").timezone == "UTC"


def test_a_weak_password_is_refused_with_a_message(client):
    response = sign_up(client, password="12345678")
    html = response.content.decode()
    assert response.status_code == 200
    assert "This password is too common." in html
    assert not User.objects.filter(email="new@example.com").exists()


def test_signing_up_with_a_taken_email_is_refused_clearly(client, learner):
    response = sign_up(client, email="learner@example.com")

    assert response.status_code == 200
    assert "A user is already registered with this email address." in response.content.decode()
    assert User.objects.filter(email="learner@example.com").count() == 1


def test_with_mandatory_verification_a_taken_email_is_not_revealed(client, learner, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    taken = sign_up(client, email="learner@example.com")
    fresh = sign_up(type(client)(), email="fresh@example.com")

    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email="learner@example.com").count() == 1
    to_learner = [message for message in mail.outbox if message.to == ["learner@example.com"]]
    assert len(to_learner) == 1
    assert "already" in to_learner[0].body.lower()


def test_login_with_a_wrong_password_and_with_an_unknown_email_look_the_same(client, learner):
    wrong_password = log_in(client, "learner@example.com", "not my password").content.decode()
    unknown_email = log_in(client, "nobody@example.com", "not my password").content.decode()

    message = "The email address and/or password you specified are not correct."
    assert message in wrong_password
    assert message in unknown_email
    assert "_auth_user_id" not in client.session


def test_login_lands_on_the_dashboard(client, learner):
    response = log_in(client, "learner@example.com", PASSWORD)
    assert response["Location"] == "/dashboard/"
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_login_rate_limit_trips_after_five_failures_and_recovers(client, learner, monkeypatch):
    for _ in range(5):
        log_in(client, "learner@example.com", "wrong password")

    locked = log_in(client, "learner@example.com", PASSWORD)
    assert "Too many failed login attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    later = allauth_ratelimit.time.time() + 5 * 60 + 1
    monkeypatch.setattr(allauth_ratelimit.time, "time", lambda: later)
    recovered = log_in(client, "learner@example.com", PASSWORD)
    assert recovered.status_code == 302
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_logout_is_a_post(learner_client):
    assert learner_client.post("/accounts/logout/").status_code == 302
    assert learner_client.get("/dashboard/")["Location"].startswith("/accounts/login/")


def test_password_change_needs_the_current_password(learner_client, learner):
    data = {"oldpassword": "wrong", "password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD}
    response = learner_client.post("/accounts/password/change/", data)
    assert "Please type your current password." in response.content.decode()
    learner.refresh_from_db()
    assert learner.check_password(PASSWORD)

    data["oldpassword"] = PASSWORD
    assert learner_client.post("/accounts/password/change/", data).status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(STRONG_PASSWORD)


def reset_link(body: str) -> str:
    return re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", body)[1]


def test_password_reset_by_email(client, learner):
    client.post("/accounts/password/reset/", {"email": "learner@example.com"})
    assert len(mail.outbox) == 1
    link = reset_link(mail.outbox[0].body)

    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(action, {"password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD})

    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password(STRONG_PASSWORD)
    # The link works once.
    reused = client.get(link, follow=True).content.decode()
    assert "Bad Token" in reused or "invalid" in reused.lower()


def test_password_reset_for_an_unknown_email_reveals_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"


def test_an_expired_reset_link_is_refused_clearly(client, learner, settings, monkeypatch):
    client.post("/accounts/password/reset/", {"email": "learner@example.com"})
    link = reset_link(mail.outbox[0].body)
    generator = PasswordResetTokenGenerator
    later = generator()._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(generator, "_now", lambda self: later)

    page = client.get(link, follow=True).content.decode()

    assert "The password reset link was invalid" in page
    learner.refresh_from_db()
    assert learner.check_password(PASSWORD)


def test_a_tampered_reset_link_is_refused_clearly(client, learner):
    page = client.get("/accounts/password/reset/key/zz-not-a-real-key/", follow=True).content.decode()
    assert "The password reset link was invalid" in page


def test_mandatory_verification_blocks_login_until_the_email_is_confirmed(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    response = sign_up(client)
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert log_in(client, "new@example.com", STRONG_PASSWORD)["Location"] == "/accounts/confirm-email/"

    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)[1]
    client.post(link)

    assert EmailAddress.objects.get(email="new@example.com").verified
    assert log_in(client, "new@example.com", STRONG_PASSWORD)["Location"] == "/dashboard/"


# Preferences ------------------------------------------------------------------------------------------


def preference_data(**changes):
    data = {
        "display_name": "Lena",
        "timezone": "Europe/Berlin",
        "daily_new_limit": 15,
        "daily_review_limit": 120,
        "desired_retention": "0.85",
        "interview_date": days_from_today(90).isoformat(),  # the form refuses a past date
        "interview_target_retention": "0.95",
        "is_mentor": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_preferences_are_saved(learner_client, learner):
    data = preference_data()
    response = learner_client.post("/accounts/preferences/", data)

    assert response["Location"] == "/accounts/preferences/"
    learner.refresh_from_db()
    assert (learner.timezone, learner.daily_new_limit, learner.daily_review_limit) == (
        "Europe/Berlin",
        15,
        120,
    )
    assert learner.desired_retention == pytest.approx(0.85)
    assert learner.interview_date == date.fromisoformat(data["interview_date"])
    assert learner.is_mentor is True
    assert "Your preferences are saved." in learner_client.get("/accounts/preferences/").content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("desired_retention", "0.99", "Ensure this value is less than or equal to 0.97."),
        ("desired_retention", "0.5", "Ensure this value is greater than or equal to 0.7."),
        ("timezone", "Mars/Olympus_Mons", "Select a valid choice."),
        ("daily_new_limit", "-1", "Ensure this value is greater than or equal to 0."),
        ("daily_review_limit", "5000", "Ensure this value is less than or equal to 1000."),
        ("interview_date", "next tuesday", "Enter a valid date."),
        ("interview_target_retention", "0.80", "must be at least your desired retention (0.85)"),
        ("interview_target_retention", "0.995", "Ensure this value is less than or equal to 0.99."),
    ],
)
def test_invalid_preferences_are_explained_next_to_the_field_and_change_nothing(
    learner_client, learner, field, value, message
):
    response = learner_client.post("/accounts/preferences/", preference_data(**{field: value}))

    html = response.content.decode()
    assert response.status_code == 200
    errors = re.search(rf'id="id_{field}_errors"[^>]*>(.*?)</div>', html, re.S)
    assert errors and message in errors[1]
    learner.refresh_from_db()
    assert (learner.timezone, learner.daily_new_limit, learner.display_name) == ("UTC", 10, "Lena Learner")
    assert learner.desired_retention == pytest.approx(0.90)


def test_account_pages_need_a_login(client):
    for url in ["/accounts/preferences/", "/accounts/tokens/", "/accounts/data/", "/accounts/delete/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")


# Export and deletion -----------------------------------------------------------------------------------


def test_the_export_download_holds_the_profile(learner_client, learner):
    response = learner_client.get("/accounts/data/export.json")
    assert response["Content-Disposition"] == 'attachment; filename="interview-trainer-export.json"'
    data = response.json()
    assert data["profile"]["email"] == "learner@example.com"
    assert data["profile"]["desired_retention"] == 0.9


def test_deleting_needs_the_password(learner_client, learner):
    response = learner_client.post("/accounts/delete/", {"password": "wrong"})
    assert "That is not your password. Your account was not deleted." in response.content.decode()
    assert User.objects.filter(pk=learner.pk).exists()


def rows_referencing(user_id: int) -> dict[str, int]:
    """Rows in every table that point at the user, through any foreign key or many-to-many."""
    found = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if (
                isinstance(field, (models.ForeignKey, models.OneToOneField))
                and field.related_model is User
                and model.objects.filter(**{field.attname: user_id}).exists()
            ):
                found[f"{model._meta.label}.{field.name}"] = model.objects.filter(
                    **{field.attname: user_id}
                ).count()
    return found


def test_deleting_the_account_leaves_nothing_of_the_user(client, learner):
    log_in(client, "learner@example.com", PASSWORD)
    other_device = type(client)()
    log_in(other_device, "learner@example.com", PASSWORD)
    client.post("/api/v1/auth/token/", {"email": "learner@example.com", "password": PASSWORD})
    EmailAddress.objects.get_or_create(user=learner, email=learner.email)
    learner_id = learner.pk
    assert rows_referencing(learner_id)

    response = client.post("/accounts/delete/", {"password": PASSWORD})

    assert response["Location"] == "/"
    assert not User.objects.filter(pk=learner_id).exists()
    assert rows_referencing(learner_id) == {}
    sessions = [session.get_decoded() for session in Session.objects.all()]
    assert all(data.get("_auth_user_id") != str(learner_id) for data in sessions)
    assert other_device.get("/dashboard/").status_code == 302


def test_an_email_differing_only_in_case_is_the_same_account(client, learner):
    response = sign_up(client, email="LEARNER@Example.com")
    assert "A user is already registered with this email address." in response.content.decode()
    assert User.objects.count() == 1
    assert User.objects.create_user("MixedCase@Example.COM", PASSWORD).email == "mixedcase@example.com"


def practise_one(client) -> None:
    location = client.post("/practice/start/", {"mode": "new"})["Location"]
    token = re.search(r'name="token" value="([^"]+)"', client.get(location).content.decode())[1]
    client.post(location + "rate/", {"token": token, "rating": "3", "answer_text": "labelled, with a comma"})


def test_the_export_holds_attempts_notes_and_schedule_and_a_csv(learner_client, learner, ml_guide):
    practise_one(learner_client)
    question = ml_guide.questions.get(number=1)
    learner_client.post(f"/questions/{question.pk}/note/", {"text": "My note"})

    data = learner_client.get("/accounts/data/export.json").json()
    assert [attempt["answer_text"] for attempt in data["attempts"]] == ["labelled, with a comma"]
    assert data["attempts"][0]["rating"] == "Good"
    assert data["notes"] == [
        {"question_id": question.pk, "text": "My note", "updated_at": data["notes"][0]["updated_at"]}
    ]
    assert data["schedule"][0]["question_id"] == question.pk

    response = learner_client.get("/accounts/data/attempts.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("id,created_at,question_id,question_label,question_prompt,mode")
    assert len(lines) == 2
    assert '"labelled, with a comma"' in lines[1]


def test_deleting_a_practising_user_removes_their_history(client, learner, ml_guide):
    log_in(client, "learner@example.com", PASSWORD)
    practise_one(client)
    learner_id = learner.pk
    client.post("/accounts/delete/", {"password": PASSWORD})
    assert rows_referencing(learner_id) == {}
