"""The practice API: next question, checking an answer, recording and listing attempts."""

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework import serializers

from interview.api.practice import AttemptSerializer
from interview.bank_cache import kept_for_bank
from interview.models import Attempt, Question, ReviewState, Topic
from interview.selectors.content import topic_slugs

pytestmark = pytest.mark.django_db

QUESTION_FIELDS = {"id", "prompt", "answer", "code_snippets", "topics", "difficulty", "key_points"}


@pytest.fixture
def api(learner) -> Client:
    client = Client()
    client.force_login(learner)
    return client


def next_question(api, **params):
    return api.get("/api/v1/practice/next/", {"mode": "new", **params})


def record(api, body: dict):
    return api.post("/api/v1/attempts/", body, content_type="application/json")


def test_next_returns_the_question_a_token_and_the_mode(api, ml_guide):
    body = next_question(api).json()
    assert set(body) == {"question", "token", "mode"}
    assert body["mode"] == "new"
    assert set(body["question"]) >= QUESTION_FIELDS
    assert (
        body["question"]["prompt"] == "What is the difference between supervised and unsupervised learning?"
    )


def test_next_repeats_the_same_showing_until_it_is_answered(api, ml_guide):
    assert next_question(api).json()["token"] == next_question(api).json()["token"]


def test_a_recorded_attempt_is_201_with_its_id_and_due(api, learner, ml_guide):
    shown = next_question(api).json()
    key_point = shown["question"]["key_points"][0]["id"]
    response = record(
        api,
        {
            "question": shown["question"]["id"],
            "answer_text": "Supervised learning uses labelled data.",
            "rating": 3,
            "key_points": [key_point],
            "duration_ms": 42_000,
            "token": shown["token"],
        },
    )
    assert response.status_code == 201
    body = response.json()
    attempt = Attempt.objects.get(user=learner)
    assert body["id"] == attempt.pk
    assert body["due"].startswith(attempt.due_after.date().isoformat())
    assert body["key_points"] == [key_point]
    assert body["automatic_key_points"] == [key_point]  # "supervised ... labelled" is the first point
    assert body["grader"] == "lexical"
    assert body["rating"] == 3 and body["duration_ms"] == 42_000
    assert ReviewState.objects.get(user=learner, question_id=shown["question"]["id"]).last_rating == 3
    assert next_question(api).json()["question"]["number"] == 2


def drf_rendering(attempt: Attempt, zone: str) -> dict:
    """The attempt as DRF renders AttemptSerializer's declared fields, in JSON."""
    with timezone.override(zone):
        data = serializers.ModelSerializer.to_representation(AttemptSerializer(attempt), attempt)
    return json.loads(json.dumps(data))


def test_an_attempt_renders_as_drf_would_its_fields_in_the_users_time_zone(api, learner, ml_guide):
    learner.timezone = "Asia/Kolkata"
    learner.save()
    for rating, answer in [(3, "Supervised learning uses labelled data."), (1, "")]:
        shown = next_question(api).json()
        body = {"question": shown["question"]["id"], "answer_text": answer, "rating": rating}
        created = record(api, {**body, "token": shown["token"]}).json()
        assert created["created_at"].endswith("+05:30")
        attempt = Attempt.objects.get(pk=created["id"])
        assert (
            created
            == api.get(f"/api/v1/attempts/{attempt.pk}/").json()
            == drf_rendering(attempt, "Asia/Kolkata")
        )
    attempt.session.delete()  # an attempt outlives its session
    attempt.refresh_from_db()
    assert attempt.session_id is None
    assert api.get(f"/api/v1/attempts/{attempt.pk}/").json() == drf_rendering(attempt, "Asia/Kolkata")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 5}, "rating"),
        ({"question": 999_999}, "question"),
        ({"answer_text": "x" * 10_001}, "answer_text"),
        ({"token": "made-up"}, "token"),
        ({"duration_ms": -5}, "duration_ms"),
        ({"key_points": ["one"]}, "key_points"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(api, ml_guide, changes, field):
    shown = next_question(api).json()
    body = {
        "question": shown["question"]["id"],
        "answer_text": "",
        "rating": 3,
        "token": shown["token"],
        **changes,
    }
    response = record(api, body)
    assert response.status_code == 400
    assert field in response.json()
    assert not Attempt.objects.exists()
    assert not ReviewState.objects.exists()


def test_a_reused_token_is_a_400(api, ml_guide):
    shown = next_question(api).json()
    body = {"question": shown["question"]["id"], "rating": 3, "token": shown["token"]}
    assert record(api, body).status_code == 201
    response = record(api, body)
    assert response.status_code == 400
    assert "already rated" in response.json()["token"][0]
    assert Attempt.objects.count() == 1


def test_a_token_for_another_question_is_a_400(api, ml_guide):
    shown = next_question(api).json()
    other = Question.objects.exclude(pk=shown["question"]["id"]).first()
    response = record(api, {"question": other.pk, "rating": 3, "token": shown["token"]})
    assert response.status_code == 400
    assert "question" in response.json()


def test_next_is_204_when_nothing_is_left(api, learner, ml_guide):
    learner.daily_new_limit = 1
    learner.save()
    shown = next_question(api).json()
    record(api, {"question": shown["question"]["id"], "rating": 4, "token": shown["token"]})
    assert next_question(api).status_code == 204
    assert api.get("/api/v1/practice/next/", {"mode": "due"}).status_code == 204


def test_an_assignment_out_of_range_is_a_400_and_plans_nothing(api, ml_guide):
    from interview.models import PracticeSession

    response = api.get("/api/v1/practice/next/", {"mode": "assignment", "assignment": str(2**63)})
    assert response.status_code == 400
    assert response.json() == {"assignment": ["Ensure this value is less than or equal to 2147483647."]}
    assert not PracticeSession.objects.exists()


def test_topic_mode_needs_a_known_topic(api, ml_guide):
    assert "topic" in api.get("/api/v1/practice/next/", {"mode": "topic"}).json()
    assert "topic" in api.get("/api/v1/practice/next/", {"mode": "topic", "topic": "astrology"}).json()
    assert "mode" in api.get("/api/v1/practice/next/", {"mode": "telepathy"}).json()
    body = api.get("/api/v1/practice/next/", {"mode": "topic", "topic": "time-series"}).json()
    assert "time-series" in body["question"]["topics"]


def test_an_unknown_topic_slug_is_a_400_naming_it(api, ml_guide):
    unknown = {"topic": ["Object with slug=astrology does not exist."]}
    for _ in range(2):  # the first call keeps the bank's slugs, the second reads them
        response = api.get("/api/v1/practice/next/", {"mode": "topic", "topic": "astrology"})
        assert response.status_code == 400 and response.json() == unknown
    response = api.get("/api/v1/practice/next/", {"mode": "telepathy", "topic": "astrology"})
    assert response.json() == {"mode": ['"telepathy" is not a valid choice.'], **unknown}


def changed_by_another_process(change: Callable[[], None]) -> None:
    """Make a change to the bank while this process keeps the topic slugs it read before, as another
    process would (the writing process drops them at once)."""
    stale = topic_slugs()
    change()
    assert kept_for_bank("topic-slugs", lambda: stale) is stale


def renamed(slug: str, new_slug: str) -> None:
    topic = Topic.objects.get(slug=slug)
    topic.slug = new_slug
    topic.save()


def next_in_topic(api, slug: str):
    return api.get("/api/v1/practice/next/", {"mode": "topic", "topic": slug})


def test_a_topic_renamed_elsewhere_is_found_by_its_new_slug_and_not_by_its_old_one(api, ml_guide):
    shown = next_in_topic(api, "time-series").json()
    changed_by_another_process(lambda: renamed("time-series", "forecasting"))
    response = next_in_topic(api, "time-series")
    assert response.status_code == 400
    assert response.json() == {"topic": ["Object with slug=time-series does not exist."]}
    assert next_in_topic(api, "forecasting").json()["token"] == shown["token"]


def test_topics_whose_slugs_were_swapped_elsewhere_continue_the_session_of_the_topic_now_named(api, ml_guide):
    evaluation = next_in_topic(api, "model-evaluation").json()
    series = next_in_topic(api, "time-series").json()
    assert evaluation["token"] != series["token"]

    def swap() -> None:
        renamed("model-evaluation", "swapping")
        renamed("time-series", "model-evaluation")
        renamed("swapping", "time-series")

    changed_by_another_process(swap)
    assert next_in_topic(api, "model-evaluation").json()["token"] == series["token"]
    assert next_in_topic(api, "time-series").json()["token"] == evaluation["token"]


def test_a_topic_renamed_elsewhere_before_its_first_session_plans_under_its_new_slug_only(api, ml_guide):
    from interview.models import PracticeSession

    next_in_topic(api, "model-evaluation")  # the process now keeps every topic's slug
    changed_by_another_process(lambda: renamed("time-series", "forecasting"))
    # No session of the topic is open: the bank's version read in the search for one tells the kept slugs are old.
    assert next_in_topic(api, "time-series").status_code == 400
    assert not PracticeSession.objects.filter(topics__slug="forecasting").exists()
    shown = next_in_topic(api, "forecasting").json()
    assert Topic.objects.get(slug="forecasting").questions.filter(pk=shown["question"]["id"]).exists()


def test_a_topic_deleted_elsewhere_is_a_400_and_no_session_is_opened_for_it(api, ml_guide):
    from interview.models import PracticeSession

    changed_by_another_process(lambda: Topic.objects.get(slug="time-series").delete())
    response = next_in_topic(api, "time-series")
    assert response.status_code == 400
    assert response.json() == {"topic": ["Object with slug=time-series does not exist."]}
    assert not PracticeSession.objects.exists()


def test_check_reports_covered_key_points_coverage_and_a_suggestion(api, ml_guide):
    question = Question.objects.get(guide=ml_guide, number=48)
    response = api.post(
        "/api/v1/practice/check/",
        {
            "question": question.pk,
            "answer_text": "Use SMOTE from imbalanced-learn to oversample the minority class.",
        },
        content_type="application/json",
    )
    body = response.json()
    assert set(body) == {"covered", "coverage", "suggested_rating"}
    assert body["covered"] and set(body["covered"]) <= set(question.key_points.values_list("pk", flat=True))
    assert 0 < body["coverage"] <= 1
    assert 1 <= body["suggested_rating"] <= 4
    bad = api.post(
        "/api/v1/practice/check/", {"question": 999_999, "answer_text": ""}, content_type="application/json"
    )
    assert bad.status_code == 400 and "question" in bad.json()


def test_attempts_list_only_the_users_own_with_filters(api, learner, stranger, ml_guide):
    for _ in range(2):
        shown = next_question(api).json()
        record(api, {"question": shown["question"]["id"], "rating": 1, "token": shown["token"]})
    strangers = Client()
    strangers.force_login(stranger)
    shown = strangers.get("/api/v1/practice/next/", {"mode": "new"}).json()
    record(strangers, {"question": shown["question"]["id"], "rating": 3, "token": shown["token"]})

    body = api.get("/api/v1/attempts/").json()
    assert body["count"] == 2
    assert {attempt["rating"] for attempt in body["results"]} == {1}
    assert api.get("/api/v1/attempts/", {"rating": 3}).json()["count"] == 0
    topic = Topic.objects.get(slug="learning-paradigms")
    assert api.get("/api/v1/attempts/", {"topic": topic.slug}).json()["count"] >= 1
    assert api.get("/api/v1/attempts/", {"since": "2999-01-01T00:00:00Z"}).json()["count"] == 0
    stranger_attempt = Attempt.objects.get(user=stranger)
    assert api.get(f"/api/v1/attempts/{stranger_attempt.pk}/").status_code == 404
    assert api.get("/api/v1/attempts/", {"since": "yesterday"}).status_code == 400


def test_practice_endpoints_need_authentication(client):
    assert client.get("/api/v1/practice/next/", {"mode": "new"}).status_code == 401
    assert client.post("/api/v1/attempts/", {}).status_code == 401
    assert client.post("/api/v1/practice/check/", {}).status_code == 401


def test_the_openapi_schema_describes_every_endpoint_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_polling_an_empty_mode_stores_nothing(api, ml_guide):
    from interview.models import PracticeSession

    for _ in range(5):
        assert api.get("/api/v1/practice/next/", {"mode": "due"}).status_code == 204
    assert not PracticeSession.objects.exists()


def test_asking_again_for_the_question_on_screen_reads_without_locks_or_writes(
    api, ml_guide, django_assert_num_queries
):
    first = next_question(api).json()
    # Session and user (2); the open API session of these topics, with the bank's version and the showing on
    # screen (1). The question comes from the rendering kept for this version. No lock, savepoint or write.
    with django_assert_num_queries(3) as captured:
        again = next_question(api).json()
    assert again == first
    statements = [query["sql"] for query in captured.captured_queries]
    assert not [sql for sql in statements if "FOR UPDATE" in sql or not sql.startswith("SELECT")]


def test_a_topic_session_on_screen_is_not_taken_for_a_session_without_topics(api, ml_guide):
    topic = Topic.objects.get(slug="model-evaluation")
    in_topic = api.get("/api/v1/practice/next/", {"mode": "topic", "topic": "model-evaluation"}).json()
    assert Question.objects.get(pk=in_topic["question"]["id"]).topics.filter(pk=topic.pk).exists()
    plain = next_question(api).json()
    assert plain["token"] != in_topic["token"]
    assert next_question(api).json()["token"] == plain["token"]
    again = api.get("/api/v1/practice/next/", {"mode": "topic", "topic": "model-evaluation"}).json()
    assert again["token"] == in_topic["token"]


def test_next_in_todays_mode_gives_due_reviews_before_new_questions(api, learner, ml_guide):
    from django.utils import timezone

    last = Question.objects.filter(guide=ml_guide).order_by("-number").first()
    ReviewState.objects.create(user=learner, question=last, due=timezone.now(), phase=2)
    body = next_question(api, mode="today").json()
    assert body["mode"] == "today"
    assert body["question"]["id"] == last.pk


def test_todays_mode_covers_every_topic_so_a_topic_with_it_is_a_400_naming_topic(api, ml_guide):
    response = api.get("/api/v1/practice/next/", {"mode": "today", "topic": "model-evaluation"})
    assert response.status_code == 400
    assert "topic" in response.json()


def test_finish_ends_the_session_next_would_continue_and_its_questions_not_reached_keep_their_schedule(
    api, learner, ml_guide
):
    from interview.models import PracticeSession

    first = next_question(api).json()
    api.post(
        "/api/v1/attempts/",
        {"question": first["question"]["id"], "token": first["token"], "rating": 3},
        content_type="application/json",
    )
    next_question(api)  # the second question on screen

    response = api.post("/api/v1/practice/finish/", {"mode": "new"}, content_type="application/json")

    assert response.status_code == 200
    body = response.json()
    session = PracticeSession.objects.get(user=learner)
    assert body["session"] == session.pk and body["mode"] == "new"
    assert session.finished_at is not None and body["not_reached"] == len(session.queue) - 1
    assert ReviewState.objects.filter(user=learner).count() == 1
    assert (
        api.post("/api/v1/practice/finish/", {"mode": "new"}, content_type="application/json").status_code
        == 204
    )
    assert next_question(api).json()["token"] != first["token"]  # a new session


def test_finish_names_a_bad_field_and_leaves_site_sessions_alone(api, learner, ml_guide):
    from interview.models import PracticeMode, PracticeSession
    from interview.services.practice import session_start

    site = session_start(user=learner, mode=PracticeMode.NEW)
    assert "mode" in api.post("/api/v1/practice/finish/", {}, content_type="application/json").json()
    assert (
        "colour"
        in api.post(
            "/api/v1/practice/finish/", {"mode": "new", "colour": 1}, content_type="application/json"
        ).json()
    )
    assert (
        api.post("/api/v1/practice/finish/", {"mode": "new"}, content_type="application/json").status_code
        == 204
    )
    assert PracticeSession.objects.get(pk=site.pk).finished_at is None


def test_an_assignment_id_given_in_another_mode_is_ignored(api, ml_guide):
    from interview.models import PracticeSession

    # Only the assignment mode reads it; the fuzzer found the session lookup choking on the bare id, and then
    # each such call planned a session of its own.
    first = next_question(api, assignment=12345)
    assert first.status_code == 200
    assert next_question(api, assignment=12345).json()["token"] == first.json()["token"]
    assert next_question(api).json()["token"] == first.json()["token"]
    assert PracticeSession.objects.count() == 1
