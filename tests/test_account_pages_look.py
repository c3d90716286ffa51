"""allauth's account pages in the app's words and styles: sentence case, a password hint that expands, Remove in red."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

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
