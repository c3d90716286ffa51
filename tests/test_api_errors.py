"""Errors under /api/ are JSON, whatever answers them: a view, DRF, or Django's own handlers."""

import json

import pytest
from django.test import Client

from interview.models import Cohort

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def api(mentor) -> Client:
    client = Client()
    client.force_login(mentor)
    return client


def test_an_unknown_api_path_is_a_json_404(api):
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == JSON
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_elsewhere_is_still_the_sites_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_method_the_api_does_not_allow_is_a_json_405(api):
    response = api.put("/api/v1/topics/", {}, content_type=JSON)
    assert response.status_code == 405
    assert set(response.json()) == {"detail"}


def test_malformed_json_is_a_400_with_detail(api):
    response = api.post("/api/v1/cohorts/", "{not json", content_type=JSON)
    assert response.status_code == 400
    assert set(response.json()) == {"detail"}


def test_an_oversized_body_is_a_json_400_and_writes_nothing(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = json.dumps({"name": "Big", "description": "x" * 2_000})
    response = api.post("/api/v1/cohorts/", body, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is too large."}
    assert not Cohort.objects.filter(name="Big").exists()


def test_a_form_body_is_refused_as_unsupported(api):
    response = api.post("/api/v1/cohorts/", {"name": "Form"})
    assert response.status_code == 415, response.content
    assert set(response.json()) == {"detail"}
    assert not Cohort.objects.filter(name="Form").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Autumn", "colour": "red"}, "colour"),  # unknown
        ({"name": "Autumn", "id": 5}, "id"),  # read-only
        ({"name": 5}, "name"),  # a number for a string
        ({"name": "   "}, "name"),  # blank once trimmed
    ],
)
def test_unknown_read_only_or_mistyped_fields_are_400s_naming_them(api, body, field):
    response = api.post("/api/v1/cohorts/", body, content_type=JSON)
    assert response.status_code == 400
    assert set(response.json()) == {field}
    assert not Cohort.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"questions": ["1"]}, "questions"), ({"title": "Set", "questions": [True]}, "questions")],
)
def test_list_items_keep_their_type(api, body, field):
    response = api.post("/api/v1/question-sets/", {"title": "Set", **body}, content_type=JSON)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("page_size", ["0", "-1", "ten", "", "²"])
def test_a_page_size_that_is_not_a_positive_whole_number_is_a_400(api, page_size):
    response = api.get("/api/v1/cohorts/", {"page_size": page_size})
    assert response.status_code == 400
    assert set(response.json()) == {"page_size"}


def test_a_large_page_size_is_capped(client, ml_guide):
    assert len(client.get("/api/v1/questions/", {"page_size": 10_000}).json()["results"]) == 48


def test_a_filter_given_without_a_value_is_a_400(api):
    response = api.get("/api/v1/attempts/", {"since": ""})
    assert response.status_code == 400
    assert set(response.json()) == {"since"}


def test_a_crash_under_the_api_is_a_json_500(mentor, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("interview.api.stats.dashboard_stats", crash)
    client = Client(raise_request_exception=False)
    client.force_login(mentor)
    response = client.get("/api/v1/stats/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error: the request was not completed."}
