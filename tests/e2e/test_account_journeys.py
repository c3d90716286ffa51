"""Accounts in a real browser: sign up, preferences, log out and in, password reset, two-factor sign-in."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "violet-harbour-lantern-42"


def test_sign_up_set_preferences_log_out_and_back_in(page: Page, live_server, console_errors):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign up free and start practising").click()
    page.get_by_label("Email:").fill("ada@example.com")
    page.get_by_label("Display name:").fill("Ada")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again):").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Ada")
    # The browser's own time zone was picked up at sign-up.
    assert User.objects.get(email="ada@example.com").timezone == page.evaluate(
        "Intl.DateTimeFormat().resolvedOptions().timeZone"
    )

    page.get_by_role("link", name="Account").click()
    page.get_by_label("New questions per day").fill("15")
    page.get_by_label("Desired retention").fill("0.99")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Ensure this value is less than or equal to 0.97.")).to_be_visible()
    page.get_by_label("Desired retention").fill("0.85")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_label("I coach other candidates").check()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
    expect(page.get_by_label("New questions per day")).to_have_value("15")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    log_in(page, live_server.url, "ada@example.com", PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    user = User.objects.get(email="ada@example.com")
    assert (user.daily_new_limit, user.timezone, user.is_mentor) == (15, "Europe/Berlin", True)
    assert user.desired_retention == pytest.approx(0.85)
    assert console_errors == []


def test_reset_a_forgotten_password_by_email(page: Page, live_server):
    UserFactory(email="bo@example.com")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email:").fill("bo@example.com")
    page.get_by_role("button", name="Reset my password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password reset")

    link = re.search(r"http://\S+/accounts/password/reset/key/\S+/", mail.outbox[-1].body)[0]
    page.goto(link)
    page.get_by_label("New password:", exact=True).fill(PASSWORD)
    page.get_by_label("New password (again):").fill(PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is now changed.")).to_be_visible()

    log_in(page, live_server.url, "bo@example.com", PASSWORD)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))


def test_turn_on_two_factor_and_sign_in_with_a_code(page: Page, live_server):
    user = UserFactory(email="cy@example.com", password=PASSWORD)
    # Two-factor needs a verified address, so that a lost device can be recovered by email.
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    log_in(page, live_server.url, "cy@example.com", PASSWORD)

    page.get_by_role("link", name="Account").click()
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Two-factor").click()
    page.get_by_role("link", name="Set up").click()
    # Turning on two-factor asks for the password again.
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    secret = page.get_by_label("Authenticator secret").input_value()
    page.get_by_label("Authenticator code:").fill(current_code(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_text(re.compile("Recovery Codes", re.I)).first).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server.url, "cy@example.com", PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label("Code:").fill(current_code(secret))
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
