"""The practice loop (API and pages) runs a small, fixed number of queries: the figures of docs/performance.md."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken

from accounts.services import api_token_create
from interview.models import PracticeMode, Topic
from interview.services.practice import session_start, showing_current

pytestmark = pytest.mark.django_db

ANSWER = "Bias is error from simple assumptions; variance is sensitivity to the training data."


@pytest.fixture(autouse=True)
def _cache_without_queries(settings):
    # Production keeps throttles in Redis: counting the database cache's queries would measure the wrong thing.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def counted(request, *args, **kwargs) -> tuple:
    """The response of ``request(*args, **kwargs)`` and how many queries it ran."""
    with CaptureQueriesContext(connection) as queries:
        response = request(*args, **kwargs)
    return response, len(queries)


def test_the_api_practice_loop_stays_within_its_queries(client, learner, ml_guide):
    token = AuthToken.objects.create(user=learner)[1]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    topic = Topic.objects.filter(questions__isnull=False).order_by("position").first()
    next_url = f"/api/v1/practice/next/?mode=topic&topic={topic.slug}"
    planned, queries = counted(client.get, next_url, **auth)
    # The day's first call plans the session and shows its first question in one transaction (19, of which the
    # transaction's two): the token; the topics' slugs with the bank's version (kept by the process); no open
    # session, with the version; the learner's lock and the search again under it; the day's budget (today's
    # activity row), the topic's questions, their siblings with those buried today (which of them are new is
    # not read: the day's new limit is larger than the topic); the session and its topic; the first question
    # and its showing; then the question's four details (kept per version).
    assert planned.status_code == 200 and queries == 19
    for _ in range(3):
        shown, queries = counted(client.get, next_url, **auth)
        # The question on screen: token, the session with its showing and the bank's version (the topic's
        # slug is kept, and current while the version is); the question's rendering is kept. A plain read.
        assert shown.status_code == 200 and queries == 2
        question = shown.json()["question"]["id"]
        checked, queries = counted(
            client.post,
            "/api/v1/practice/check/",
            {"question": question, "answer_text": ANSWER},
            content_type="application/json",
            **auth,
        )
        # The token, the question with the bank's version, its key points (kept for that version).
        assert checked.status_code == 200 and queries == 3
        rechecked, queries = counted(
            client.post,
            "/api/v1/practice/check/",
            {"question": question, "answer_text": "Another answer."},
            content_type="application/json",
            **auth,
        )
        assert rechecked.status_code == 200 and queries == 2
        body = {"question": question, "answer_text": ANSWER, "rating": 3, "token": shown.json()["token"]}
        recorded, queries = counted(
            client.post, "/api/v1/attempts/", body, content_type="application/json", **auth
        )
        # 10: the session is locked before the showing (one lock order with Finish session); whether the
        # showing is rated and the schedule row come with its locked read; the assessment is kept by the
        # attempt alone; the key points the check read are kept for this version of the bank. Of the 10, the
        # four writes (schedule row, attempt, day's activity, session) go to PostgreSQL in one round trip
        # (tests/test_practice_rows.py); without prepared statements they are one query of four statements.
        joined = (
            3 if connection.vendor == "postgresql" and not connection.features.uses_server_side_binding else 0
        )
        assert recorded.status_code == 201 and queries == 10 - joined
        following, queries = counted(client.get, next_url, **auth)
        # Shows the session's next question (11: four of them its details, read once per version of the bank;
        # the showing on the position, or else the queue's question if it may be shown, in one read).
        assert following.status_code == 200 and queries == 11


def test_the_practice_page_loop_stays_within_its_queries(client, learner, ml_guide):
    client.force_login(learner)
    session = session_start(user=learner, mode=PracticeMode.NEW)
    client.get(f"/practice/{session.pk}/")
    for _ in range(3):
        page, queries = counted(client.get, f"/practice/{session.pk}/", HTTP_HX_REQUEST="true")
        assert page.status_code == 200 and queries <= 5
        token = showing_current(session=session).token
        form = {"token": token, "answer_text": ANSWER}
        revealed, queries = counted(
            client.post, f"/practice/{session.pk}/reveal/", form, HTTP_HX_REQUEST="true"
        )
        # 13: one read says whether the card is out of date (rated, finished or moved on).
        assert revealed.status_code == 200 and queries <= 13
        rated, queries = counted(
            client.post, f"/practice/{session.pk}/rate/", {**form, "rating": 3}, HTTP_HX_REQUEST="true"
        )
        # 24: the session lock first, and the next card checks it was not answered in another session; the
        # answer's four writes are four statements (one round trip on PostgreSQL).
        assert rated.status_code == 200 and queries <= 24


def test_a_token_call_reads_only_its_own_token(client, learner, ml_guide):
    for _ in range(5):
        AuthToken.objects.create(user=learner)
    token = AuthToken.objects.create(user=learner)[1]
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/stats/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    assert sum("knox_authtoken" in query["sql"] for query in queries.captured_queries) == 1


def test_an_expired_token_is_refused_and_a_new_one_clears_the_expired(client, learner):
    old, clear = AuthToken.objects.create(user=learner, expiry=timedelta(seconds=-1))
    assert client.get("/api/v1/stats/", HTTP_AUTHORIZATION=f"Token {clear}").status_code == 401
    assert not AuthToken.objects.filter(pk=old.pk).exists()
    stale, _ = AuthToken.objects.create(user=learner, expiry=timedelta(seconds=-1))
    api_token_create(user=learner)
    assert not AuthToken.objects.filter(pk=stale.pk).exists()
    assert AuthToken.objects.filter(user=learner, expiry__gt=timezone.now()).count() == 1
