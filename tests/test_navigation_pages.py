"""The layout around every page: the menu, the way to the mentor area, and the app's own error pages."""

from datetime import datetime
from datetime import timezone as dt_timezone

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from interview.models import PracticeMode, Question, Rating
from interview.services import mentoring as service
from interview.services.practice import attempt_record, session_start, showing_current
from tests.dates import days_from_today
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=dt_timezone.utc)
FEEDBACK_LINK = '<a href="/feedback/"'


def feedback_on_one_answer(learner, ml_guide):
    """A mentor's cohort with the learner in it, one assigned answer, and feedback on it."""
    mentor = UserFactory(email="mentor@example.com", is_mentor=True)
    cohort = service.cohort_create(mentor=mentor, name="Spring cohort")
    service.cohort_join(user=learner, token=service.invite_create(mentor=mentor, cohort=cohort).token)
    question = Question.objects.filter(guide=ml_guide).order_by("number").first()
    question_set = service.question_set_save(owner=mentor, title="Basics", question_ids=[question.pk])
    assignment = service.assignment_create(
        mentor=mentor, question_set=question_set, cohort=cohort, due_date=days_from_today(6)
    )
    session = session_start(user=learner, mode=PracticeMode.ASSIGNMENT, assignment=assignment, now=NOW)
    showing = showing_current(session=session, now=NOW)
    attempt = attempt_record(user=learner, token=showing.token, rating=Rating.HARD, now=NOW)
    return service.feedback_give(mentor=mentor, attempt=attempt, text="Mention imputation.")


def test_the_menu_is_a_disclosure_that_works_without_javascript(client, ml_guide):
    response = client.get("/")
    html = response.content.decode()
    assert '<details class="site-menu">' in html
    assert '<summary class="menu-button">' in html
    assert (
        html.index("<summary")
        < html.index('<nav class="site-nav" aria-label="Main">')
        < html.index("</details>")
    )


def test_the_menu_offers_feedback_only_to_a_learner_who_has_some(learner_client, learner, ml_guide):
    assertNotContains(learner_client.get("/topics/"), FEEDBACK_LINK)
    feedback_on_one_answer(learner, ml_guide)
    response = learner_client.get("/topics/")
    assertContains(response, FEEDBACK_LINK + ">Feedback</a>")
    assertContains(learner_client.get("/feedback/"), FEEDBACK_LINK + ' aria-current="page">Feedback</a>')


def test_the_menu_costs_no_query_of_its_own(client, learner, ml_guide):
    """The signed-in user is loaded with whether they have feedback (accounts.backends)."""
    client.force_login(learner)
    with CaptureQueriesContext(connection) as queries:
        client.get("/topics/")
    feedback_queries = [query["sql"] for query in queries if "feedback" in query["sql"]]
    assert len(feedback_queries) == 1 and "accounts_user" in feedback_queries[0]


def test_preferences_and_footer_point_a_learner_to_the_mentor_area(learner_client, learner):
    response = learner_client.get("/accounts/preferences/")
    assertContains(
        response, '<h2 id="coach-others-title" class="notice-title">Coach others?</h2>', html=False
    )
    assertContains(response, '<a href="#id_is_mentor">')
    assertContains(response, 'id="id_is_mentor"')
    assertContains(response, '<a href="/accounts/preferences/#coach-others">Open the mentor area</a>')


def test_a_mentor_is_sent_straight_to_the_mentor_area(client):
    mentor = UserFactory(is_mentor=True)
    client.force_login(mentor)
    response = client.get("/accounts/preferences/")
    assertContains(response, '<a href="/mentor/">your mentor area</a>')
    assertContains(response, '<a href="/mentor/">Go to your mentor area</a>')


def test_a_visitor_is_offered_sign_up_to_coach(client, ml_guide):
    assertContains(client.get("/"), '<a href="/accounts/signup/">Sign up and open the mentor area</a>')


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_url_shows_the_apps_own_404_page(client, settings, debug, ml_guide):
    settings.DEBUG = debug
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404.html" in [template.name for template in response.templates]
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, '<form method="get" action="/questions/"', status_code=404)
    assertNotContains(response, "Django tried these URL patterns", status_code=404)


def test_the_404_page_keeps_append_slash_redirects_in_development(client, settings, ml_guide):
    settings.DEBUG = True
    response = client.get("/topics")
    assert response.status_code == 301 and response["Location"] == "/topics/"


def test_an_unknown_api_url_is_left_to_the_api(client, settings):
    settings.DEBUG = True
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert "404.html" not in [template.name for template in response.templates]


@pytest.mark.urls("tests.error_urls")
def test_a_server_error_shows_the_apps_own_500_page():
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert '<link rel="stylesheet" href="/static/css/app.css">' in html
    assert "<script" not in html
