"""allauth's account pages in the app's words and styles: sentence case, a password hint that expands, Remove in red."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from accounts.models import User
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_log_in_and_sign_up_use_one_verb_each_in_sentence_case():
    login = Client().get("/accounts/login/").content.decode()
    assert re.search(r"<title>\s*Log in\s*·", login) and re.search(
        r"<button[^>]*type=\"submit\"[^>]*>\s*Log in\s*</button>", login
    )
    signup = Client().get("/accounts/signup/").content.decode()
    assert re.search(r"<button[^>]*type=\"submit\"[^>]*>\s*Sign up\s*</button>", signup)
    assert 'Already have an account? <a href="/accounts/login/">Log in</a>' in re.sub(r"\s+", " ", signup)
    for page in (login, signup):
        assert "Sign In" not in page and "Sign Up" not in page and "Signup" not in page


def test_password_rules_are_a_hint_that_expands_and_still_describe_the_field():
    signup = Client().get("/accounts/signup/").content.decode()
    assert 'aria-describedby="id_password1_helptext"' in signup
    details = re.search(
        r'<details class="field-rules" id="id_password1_helptext">(.*?)</details>', signup, re.S
    )
    assert details and "<summary>Password rules</summary>" in details[1] and "<li>" in details[1]
    # Other help stays a plain line under its field.
    assert '<span class="helptext" id="id_display_name_helptext">' in signup


def test_remove_looks_destructive_and_the_email_page_is_in_sentence_case():
    user = UserFactory(email="ann@example.com")
    EmailAddress.objects.create(user=user, email="ann@example.com", primary=True, verified=True)
    client = Client()
    client.force_login(user)
    page = re.sub(r"\s+", " ", client.get("/accounts/email/").content.decode())
    assert re.search(r'<button class="button-danger"[^>]*name="action_remove"[^>]*> Remove </button>', page)
    assert re.search(r'<button class="button-secondary"[^>]*name="action_send"', page)
    assert "Email addresses" in page and "Make primary" in page and "Email Addresses" not in page


def test_a_bad_sign_up_still_shows_its_errors_beside_the_fields():
    response = Client().post(
        "/accounts/signup/", {"email": "x@example.com", "password1": "123", "password2": "123"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'class="errorlist' in page and "too short" in page


def two_factor_user() -> User:
    user = UserFactory(email="tia@example.com")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)
    return user


def headings_labels_and_title(page: str) -> list[str]:
    page = re.sub(r'<span class="badge[^"]*">[^<]*</span>', "", page)  # Verified, Primary: each a word
    found = re.findall(r"<(?:h1|h2|label)[^>]*>(.*?)</(?:h1|h2|label)>", page, re.S)
    found += re.findall(r"<title>(.*?)·", page, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in found]


def in_sentence_case(text: str) -> bool:
    """Only the first word capitalised (and names and abbreviations: Interview Trainer, IP, API)."""
    words = text.replace("Interview Trainer", "").split()[1:]
    return all(not word[0].isupper() or word.isupper() for word in words if word[0].isalpha())


def test_every_account_page_speaks_in_sentence_case_and_says_log_in():
    user = two_factor_user()
    visitor, signed_in, at_code = Client(), Client(), Client()
    signed_in.force_login(user)
    at_code.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    pages = {
        path: visitor.get(path)
        for path in (
            "/accounts/login/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/accounts/password/reset/done/",
            "/accounts/login/code/",
        )
    }
    for path in (
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/sessions/",
        "/accounts/reauthenticate/",
        "/accounts/2fa/reauthenticate/",
    ):
        pages[path] = signed_in.get(path)
    pages["/accounts/2fa/authenticate/"] = at_code.get("/accounts/2fa/authenticate/")
    for path, response in pages.items():
        assert response.status_code == 200, path
        page = response.content.decode()
        for wrong in ("Sign In", "Sign in", "Sign Out", "Sign Up", "sign-in", "Two-Factor", "Recovery Codes"):
            assert wrong not in page, (path, wrong)
        for text in headings_labels_and_title(page):
            assert in_sentence_case(text), (path, text)


def test_the_two_factor_code_page_logs_in_and_cancel_is_secondary():
    user = two_factor_user()
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    page = re.sub(r"\s+", " ", client.get("/accounts/2fa/authenticate/").content.decode())
    assert re.search(r'<button type="submit" > Log in </button>', page)
    assert re.search(
        r'<button class="button-secondary" form="logout-from-stage" type="submit" > Cancel', page
    )


def test_the_two_factor_tab_is_highlighted_on_the_two_factor_pages():
    client = Client()
    client.force_login(two_factor_user())
    page = client.get("/accounts/2fa/").content.decode()
    assert '<a href="/accounts/2fa/" aria-current="page">Two-factor</a>' in page


def test_turning_off_two_factor_looks_destructive():
    client = Client()
    client.force_login(two_factor_user())
    page = re.sub(r"\s+", " ", client.get("/accounts/2fa/").content.decode())
    assert re.search(
        r'<a href="/accounts/2fa/totp/deactivate/" class="button button-danger" > Turn off </a>', page
    )
