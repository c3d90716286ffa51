"""The read-only API of the question bank."""

import pytest

from interview.models import Question

pytestmark = pytest.mark.django_db


def test_topics_list_has_counts_and_is_paginated(client, ml_guide):
    body = client.get("/api/v1/topics/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    slugs = [topic["slug"] for topic in body["results"]]
    assert "time-series" in slugs
    time_series = next(topic for topic in body["results"] if topic["slug"] == "time-series")
    assert time_series["question_count"] == Question.objects.filter(topics__slug="time-series").count()
    assert set(time_series) == {"slug", "name", "description", "question_count"}


def test_topic_detail_by_slug(client, ml_guide):
    body = client.get("/api/v1/topics/time-series/").json()
    assert body["slug"] == "time-series"
    assert client.get("/api/v1/topics/astrology/").status_code == 404


def test_question_detail_has_the_promised_fields(client, ml_guide):
    question = Question.objects.get(guide=ml_guide, number=44)
    body = client.get(f"/api/v1/questions/{question.pk}/").json()
    assert body["id"] == question.pk
    assert body["prompt"] == "How do you handle missing values in a dataset using R?"
    assert body["answer"].startswith("Missing values in a dataset can be handled using the is.na() function")
    assert body["code_snippets"] == [
        {"language": "r", "code": "df <- read.csv('data.csv')\ndf <- na.omit(df)"}
    ]
    assert body["topics"] and all(isinstance(slug, str) for slug in body["topics"])
    assert body["difficulty"] in {"basic", "intermediate", "advanced"}
    assert 2 <= len(body["key_points"]) <= 5
    assert set(body["key_points"][0]) == {"id", "text", "terms"}
    assert body["guide"] == "ml-engineer"
    assert body["number"] == 44


def test_questions_are_paginated_with_bounded_queries(client, ml_guide, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/questions/").json()
    assert body["count"] == 48
    assert len(body["results"]) == 20
    assert body["results"][0]["number"] == 1
    assert len(client.get("/api/v1/questions/", {"page_size": 100}).json()["results"]) == 48


def test_search_finds_q48(client, ml_guide):
    body = client.get("/api/v1/questions/", {"search": "SMOTE"}).json()
    assert [question["number"] for question in body["results"]] == [48]


def test_filters_by_topic_and_difficulty(client, ml_guide):
    body = client.get("/api/v1/questions/", {"topic": "time-series", "page_size": 100}).json()
    expected = set(Question.objects.filter(topics__slug="time-series").values_list("number", flat=True))
    assert {question["number"] for question in body["results"]} == expected
    assert all("time-series" in question["topics"] for question in body["results"])

    body = client.get("/api/v1/questions/", {"difficulty": "advanced", "page_size": 100}).json()
    assert body["count"] == Question.objects.filter(difficulty="advanced").count()
    assert all(question["difficulty"] == "advanced" for question in body["results"])


def test_retired_questions_are_not_listed(client, ml_guide):
    Question.objects.filter(guide=ml_guide, number=48).update(is_active=False)
    assert client.get("/api/v1/questions/", {"search": "SMOTE"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"), [({"topic": "astrology"}, "topic"), ({"difficulty": "impossible"}, "difficulty")]
)
def test_bad_filter_values_are_400_with_a_json_body(client, ml_guide, params, field):
    response = client.get("/api/v1/questions/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_unknown_question_is_404_json(client, ml_guide):
    response = client.get("/api/v1/questions/999999/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_the_bank_is_read_only(client, ml_guide):
    response = client.post("/api/v1/questions/", {"prompt": "x"}, content_type="application/json")
    assert response.status_code in (401, 403, 405)
    assert Question.objects.filter(prompt="x").count() == 0


def test_schema_and_self_hosted_docs(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"})
    assert schema.status_code == 200
    assert "/api/v1/questions/{id}/" in schema.content.decode()
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()


def test_the_schema_documents_a_cohorts_members_as_the_plain_list_they_are(client):
    """The members come whole (README: a list of members); Schemathesis found the schema calling them a page."""
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).json()
    members = schema["paths"]["/api/v1/cohorts/{id}/members/"]["get"]["responses"]["200"]
    assert members["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Member"},
    }


def test_question_detail_runs_a_fixed_number_of_queries(client, ml_guide, django_assert_max_num_queries):
    question = Question.objects.get(guide=ml_guide, number=48)
    with django_assert_max_num_queries(5):
        assert client.get(f"/api/v1/questions/{question.pk}/").status_code == 200


def test_an_overlong_search_is_a_400(client, ml_guide):
    response = client.get("/api/v1/questions/", {"search": "a " * 500})
    assert response.status_code == 400
    assert "search" in response.json()
