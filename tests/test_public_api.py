"""The API is signed-in only by default; the public bank, the schema and the docs say so explicitly."""

import pytest
from django.test import Client

from interview.models import Question, Topic

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_read_the_public_bank_schema_and_docs(ml_guide):
    anonymous = Client()
    question = Question.objects.public().filter(guide=ml_guide).first()
    topic = Topic.objects.filter(questions=question).first()
    for url in [
        "/api/v1/",
        "/api/v1/topics/",
        f"/api/v1/topics/{topic.slug}/",
        "/api/v1/questions/",
        "/api/v1/questions/?difficulty=basic&search=overfitting",
        f"/api/v1/questions/{question.pk}/",
        "/api/schema/",
        "/api/docs/",
    ]:
        assert anonymous.get(url).status_code == 200, url
    assert anonymous.get("/api/v1/questions/").json()["count"] == Question.objects.public().count()


def test_anonymous_visitors_cannot_write_to_the_public_bank(ml_guide):
    anonymous = Client()
    assert anonymous.post("/api/v1/topics/", {"slug": "x", "name": "X"}).status_code == 405
    assert anonymous.post("/api/v1/questions/", {"prompt": "?"}).status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/me/",
        "/api/v1/me/export/",
        "/api/v1/stats/",
        "/api/v1/attempts/",
        "/api/v1/cohorts/",
        "/api/v1/question-sets/",
        "/api/v1/assignments/",
        "/api/v1/practice/next/?mode=new",
    ],
)
def test_everything_else_needs_a_sign_in(url):
    response = Client().get(url)
    assert response.status_code == 401
    assert "detail" in response.json()
