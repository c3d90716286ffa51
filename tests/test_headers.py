"""Private pages stay out of shared and browser caches; production refuses a short SECRET_KEY."""

import pytest
from django.test import Client
from knox.models import AuthToken

from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db

PERSONAL_PAGES = [
    "/dashboard/",
    "/history/",
    "/feedback/",
    "/accounts/tokens/",
    "/accounts/data/",
    "/accounts/data/export.json",
    "/accounts/data/attempts.csv",
    "/api/v1/me/",
]


@pytest.mark.parametrize("url", PERSONAL_PAGES)
def test_personal_pages_are_never_stored(learner_client, url):
    response = learner_client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_an_api_token_response_is_never_stored(learner):
    _, token = AuthToken.objects.create(user=learner)
    response = Client().get("/api/v1/me/export/", headers={"Authorization": f"Token {token}"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_public_pages_for_visitors_may_be_cached(client, ml_guide):
    response = client.get("/questions/")
    assert "no-store" not in response.get("Cache-Control", "")


def test_deploy_check_refuses_a_secret_key_shorter_than_50_characters():
    result = run_manage(
        "check",
        "--deploy",
        DEBUG="false",
        SECRET_KEY="k" * 20 + "x" * 29,
        ALLOWED_HOSTS="trainer.example.com",
    )
    assert result.returncode != 0
    assert "config.E001" in result.stderr and "SECRET_KEY has 49 characters" in result.stderr
