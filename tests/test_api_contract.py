"""The API's documented contract: each endpoint answers with exactly the keys the README names.

Each entry holds the README bullet that documents the endpoint (found by its text) and the keys of one object
of its response. The test checks both ways: the README bullet names every key, and the response has exactly
those keys (``==``), so a key added, dropped or renamed on either side fails here.
"""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from knox.models import AuthToken

from interview.models import Question
from interview.services.practice import note_save
from tests.factories import assignment_with_feedback

pytestmark = pytest.mark.django_db

README = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
PAGE = {"count", "next", "previous", "results"}

PROFILE = {
    "email",
    "display_name",
    "timezone",
    "daily_new_limit",
    "daily_review_limit",
    "desired_retention",
    "interview_date",
    "interview_target_retention",
    "is_mentor",
    "daily_review_email",
}
QUESTION = {
    "id",
    "guide",
    "number",
    "section",
    "prompt",
    "answer",
    "code_snippets",
    "topics",
    "difficulty",
    "kind",
    "key_points",
    "is_active",
    "editor_note",
    "siblings",
}
ATTEMPT = {
    "id",
    "question",
    "mode",
    "session",
    "answer_text",
    "key_points",
    "automatic_key_points",
    "grader",
    "coverage",
    "suggested_rating",
    "rating",
    "duration_ms",
    "timed_out",
    "created_at",
    "due",
}
COHORT = {"id", "name", "description", "role", "mentors", "learner_count", "created_at"}
STATUS = {"key", "label", "done", "total", "completed_at"}
ASSIGNMENT = {
    "id",
    "title",
    "question_set",
    "cohort",
    "questions",
    "learners",
    "start_date",
    "due_date",
    "completion_rule",
    "status",
    "created_at",
}
FEEDBACK = {"id", "attempt", "mentor", "text", "created_at", "read_at", "reply", "replied_at"}
STATS = {
    "due_now",
    "new_available",
    "forecast",
    "streak_days",
    "today_count",
    "daily_goal",
    "topics",
    "weakest_topics",
    "readiness",
    "days_to_interview",
    "readiness_forecast",
    "new_per_day_planned",
    "new_days_planned",
    "reviews_per_day_needed",
    "activity",
}
EXPORT = {
    "exported_at",
    "profile",
    "email_addresses",
    "attempts",
    "notes",
    "schedule",
    "flags",
    "api_tokens",
    "memberships",
    "feedback_received",
    "feedback_given",
    "question_sets",
    "own_questions",
    "unrated_mock_answers",
}


def readme_bullet(marker: str) -> str:
    """The README's API bullet (or paragraph) that contains ``marker``."""
    section = README.split("### API", 1)[1].split("\n## ", 1)[0]
    blocks = re.split(r"\n(?=- )|\n\n", section)
    found = [block for block in blocks if marker in block]
    assert found, f"No README bullet under '### API' mentions {marker!r}"
    return found[0]


@pytest.fixture
def world(ml_guide, mentor, learner, cohort) -> dict:
    questions = list(Question.objects.filter(guide=ml_guide).order_by("number")[:2])
    made = assignment_with_feedback(mentor=mentor, learner=learner, cohort=cohort, questions=questions)
    note_save(user=learner, question=questions[0], text="Mine.")
    AuthToken.objects.create(user=learner)
    learner.interview_date = date(2099, 6, 1)
    learner.save(update_fields=["interview_date"])
    as_learner, as_mentor = Client(), Client()
    as_learner.force_login(learner)
    as_mentor.force_login(mentor)
    return {
        "learner": as_learner,
        "mentor": as_mentor,
        "anonymous": Client(),
        "cohort": cohort,
        **made,
        "question": questions[0],
    }


def first(body: dict | list) -> dict:
    """One object of a response: the body, the first of a list, or the first result of a page."""
    if isinstance(body, list):
        return body[0]
    if set(body) == PAGE:
        return body["results"][0]
    return body


# (README marker, who asks, method, path, body, the keys of one object, and of some nested objects)
CONTRACT = [
    ("`GET /api/v1/me/`", "learner", "get", "/api/v1/me/", None, PROFILE, {}),
    ("`GET /api/v1/me/export/`", "learner", "get", "/api/v1/me/export/", None, EXPORT, {}),
    (
        "`GET /api/v1/practice/next/?mode=due",
        "learner",
        "get",
        "/api/v1/practice/next/?mode=new",
        None,
        {"question", "token", "mode"},
        {"question": QUESTION},
    ),
    (
        "`POST /api/v1/practice/check/`",
        "learner",
        "post",
        "/api/v1/practice/check/",
        lambda w: {"question": w["question"].pk, "answer_text": "Labelled data."},
        {"covered", "coverage", "suggested_rating"},
        {},
    ),
    (
        "`POST /api/v1/practice/finish/`",
        "learner",
        "post",
        "/api/v1/practice/finish/",
        # A session to finish: the one the learner's next question opens.
        lambda w: w["learner"].get("/api/v1/practice/next/?mode=new") and {"mode": "new"},
        {"session", "mode", "finished_at", "not_reached"},
        {},
    ),
    ("`POST /api/v1/attempts/`", "learner", "get", "/api/v1/attempts/", None, ATTEMPT, {}),
    (
        "`GET /api/v1/questions/{id}/`",
        "anonymous",
        "get",
        "/api/v1/questions/{question}/",
        None,
        QUESTION,
        {},
    ),
    (
        "`GET /api/v1/topics/`",
        "anonymous",
        "get",
        "/api/v1/topics/",
        None,
        {"slug", "name", "description", "question_count"},
        {},
    ),
    ("`/api/v1/cohorts/`", "learner", "get", "/api/v1/cohorts/", None, COHORT, {}),
    (
        "`GET /api/v1/cohorts/{id}/members/`",
        "mentor",
        "get",
        "/api/v1/cohorts/{cohort}/members/",
        None,
        {"id", "display_name", "email", "role", "joined_at"},
        {},
    ),
    (
        "`POST /api/v1/cohorts/{id}/invite/`",
        "mentor",
        "post",
        "/api/v1/cohorts/{cohort}/invite/",
        lambda w: {},
        {"token", "url", "expires_at", "role"},
        {},
    ),
    (
        "`GET /api/v1/cohorts/{id}/progress/`",
        "mentor",
        "get",
        "/api/v1/cohorts/{cohort}/progress/",
        None,
        {"topics", "weakest_topics", "learners"},
        {"learners": {"id", "display_name", "last_activity", "due_now", "mastery"}},
    ),
    (
        "`/api/v1/question-sets/`",
        "mentor",
        "get",
        "/api/v1/question-sets/",
        None,
        {"id", "title", "description", "questions", "copied_from", "created_at", "updated_at"},
        {},
    ),
    (
        "`/api/v1/assignments/`",
        "learner",
        "get",
        "/api/v1/assignments/",
        None,
        ASSIGNMENT,
        {"status": STATUS},
    ),
    (
        "`GET /api/v1/assignments/{id}/progress/`",
        "mentor",
        "get",
        "/api/v1/assignments/{assignment}/progress/",
        None,
        {"questions", "learners"},
        {"learners": {"id", "display_name", "status", "cells"}},
    ),
    (
        "`/api/v1/attempts/{id}/feedback/`",
        "learner",
        "get",
        "/api/v1/attempts/{attempt}/feedback/",
        None,
        FEEDBACK,
        {},
    ),
    ("`GET /api/v1/stats/`", "learner", "get", "/api/v1/stats/", None, STATS, {}),
]


@pytest.mark.parametrize(
    ("marker", "who", "method", "path", "body", "keys", "nested"),
    CONTRACT,
    ids=[entry[3] for entry in CONTRACT],
)
def test_each_endpoint_answers_with_exactly_the_documented_keys(
    world, marker, who, method, path, body, keys, nested
):
    bullet = readme_bullet(marker)
    # A question nested in a response is documented once, by the question endpoint's own bullet.
    documented = keys | {key for inner in nested.values() if inner is not QUESTION for key in inner}
    assert [key for key in sorted(documented) if f"`{key}`" not in bullet and f'"{key}' not in bullet] == []

    url = path.format(
        **{
            name: getattr(world.get(name), "pk", None)
            for name in ("cohort", "set", "assignment", "attempt", "question")
        }
    )
    client = world[who]
    if body is None:
        response = client.get(url)
    else:
        response = client.post(url, body(world), content_type="application/json")
    assert response.status_code in (200, 201), (url, response.status_code, response.content[:300])
    data = first(response.json())
    assert set(data) == keys
    for name, inner in nested.items():
        assert set(first(data[name])) == inner


def test_a_paginated_list_has_exactly_the_page_keys(world):
    for who, url in [
        ("anonymous", "/api/v1/topics/"),
        ("learner", "/api/v1/attempts/"),
        ("mentor", "/api/v1/cohorts/"),
    ]:
        assert set(world[who].get(url).json()) == PAGE
