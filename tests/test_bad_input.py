"""A corpus of inputs that once caused server errors: each is now refused, names the field, writes nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from config.bad_input import JSON_MAX_DEPTH, json_depth
from interview.models import Attempt, Guide, KeyPoint, Question, QuestionFlag, QuestionNote
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GUIDE = "Intro.\n\nQ1. What is a model?\nA function fitted to data.\n"


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Attempt, Guide, KeyPoint, Question, QuestionFlag, QuestionNote)
    }


@pytest.fixture
def mentor_client(ml_guide) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_mentor=True))
    return client


def first_question_id() -> int:
    return (
        Question.objects.filter(guide__slug="ml-engineer").order_by("number").values_list("pk", flat=True)[0]
    )


# (name, request, field named in the answer)
API_CORPUS = [
    ("offset beyond 15:59", lambda c: c.get("/api/v1/attempts/?since=2024-01-01T00:00:00%2B16:00"), "since"),
    ("NUL in a topic", lambda c: c.get("/api/v1/practice/next/?mode=topic&topic=%00"), "topic"),
    (
        "NUL in an answer",
        lambda c: c.post(
            "/api/v1/attempts/",
            json.dumps({"question": 1, "answer_text": "a\u0000b", "rating": 3, "token": "x"}),
            content_type="application/json",
        ),
        "answer_text",
    ),
    (
        "NUL in a JSON PATCH",
        lambda c: c.patch(
            "/api/v1/me/", json.dumps({"display_name": "a\u0000b"}), content_type="application/json"
        ),
        "display_name",
    ),
    (
        "deep JSON, signed in",
        lambda c: c.patch("/api/v1/me/", "[" * 100_000, content_type="application/json"),
        "detail",
    ),
    (
        "deep JSON, anonymous token request",
        lambda c: Client(raise_request_exception=False).post(
            "/api/v1/auth/token/", "[" * 100_000, content_type="application/json"
        ),
        "detail",
    ),
]


@pytest.mark.parametrize(("name", "send", "field"), API_CORPUS, ids=[case[0] for case in API_CORPUS])
def test_bad_api_input_is_a_400_naming_the_field(mentor_client, name, send, field):
    before = table_counts()
    response = send(mentor_client)
    assert response.status_code == 400
    assert field in response.json()
    assert table_counts() == before


HTML_CORPUS = [
    ("NUL in a topic", lambda c: c.get("/practice/?topic=%00"), "topic"),
    ("NUL in an invite link", lambda c: c.get("/join/a%00b/"), "path"),
    (
        "NUL in a note",
        lambda c: c.post(f"/questions/{first_question_id()}/note/", {"text": "a\x00b"}),
        "text",
    ),
    (
        "NUL in a report",
        lambda c: c.post(f"/questions/{first_question_id()}/flag/", {"reason": "a\x00"}),
        "reason",
    ),
]


@pytest.mark.parametrize(("name", "send", "field"), HTML_CORPUS, ids=[case[0] for case in HTML_CORPUS])
def test_bad_page_input_is_a_400_page_naming_the_field(mentor_client, name, send, field):
    before = table_counts()
    response = send(mentor_client)
    assert response.status_code == 400
    assert f"The field “{field}”" in response.content.decode()
    assert table_counts() == before


def upload(client: Client, name: str, text: str):
    file = SimpleUploadedFile(name, text.encode(), content_type="text/plain")
    return client.post("/mentor/questions/import/", {"file": file}, follow=True)


IMPORT_CORPUS = [
    (
        "a NUL byte",
        "guide.txt",
        GUIDE.replace("model?", "model\x00?"),
        "guide.txt, line 3: the line holds a NUL",
    ),
    ("a long file name", "g" * 201 + ".txt", GUIDE, "The file name is too long"),
    (
        "a long tips heading",
        "guide.txt",
        GUIDE + "\nInterview Tips " + "A" * 190 + "\n- one\n- two\n",
        "The tips heading is 205 characters long; at most 200 fit.",
    ),
]


@pytest.mark.parametrize(
    ("name", "filename", "text", "message"), IMPORT_CORPUS, ids=[c[0] for c in IMPORT_CORPUS]
)
def test_a_bad_guide_file_is_refused_with_a_message_and_nothing_written(
    mentor_client, name, filename, text, message
):
    before = table_counts()
    response = upload(mentor_client, filename, text)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert table_counts() == before


def test_a_good_guide_file_still_imports(mentor_client):
    response = upload(mentor_client, "guide.txt", GUIDE + "\nTips\n- one\n- two\n")
    assert "1 new, 0 updated questions" in response.content.decode()


def test_a_key_point_too_long_for_its_column_is_a_form_error(mentor_client):
    before = table_counts()
    points = "\n".join(["x" * 301 + "|x", "second point|second", "third point|third"])
    response = mentor_client.post(
        "/mentor/questions/",
        {
            "prompt": "P?",
            "answer": "A.",
            "language": "python",
            "difficulty": "basic",
            "key_points": points,
        },
    )
    assert response.status_code == 200
    assert "Key point 1 is longer than 300 characters" in response.content.decode()
    assert table_counts() == before


def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth('{"a": "[[[[", "b": [[1], {"c": "\\"]"}]}') == 3
    assert json_depth("[" * (JSON_MAX_DEPTH + 1)) == JSON_MAX_DEPTH + 1
    assert json_depth("3") == 0
