"""Who may use each route: a table with every route of the site, and a request per route and visitor.

A new route that is not in ``MATRIX`` (or in ``EXEMPT``, with a reason) fails
``test_every_route_is_in_the_matrix``, so no page or endpoint ships without a stated access rule.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from knox.models import AuthToken

from accounts.models import User
from accounts.services import review_email_unsubscribe_token
from interview.models import (
    Assignment,
    AssignmentLearner,
    Attempt,
    Cohort,
    Feedback,
    Guide,
    ImportJob,
    Invite,
    Membership,
    PracticeMode,
    PracticeSession,
    Question,
    QuestionFlag,
    QuestionNote,
    QuestionSet,
    QuestionSetItem,
    Rating,
    ReviewState,
    Showing,
)
from interview.services import mentoring as mentoring_service
from interview.services.practice import session_start, showing_current
from tests.conftest import GUIDE_SLUG, import_ml_guide
from tests.factories import UserFactory, assignment_with_feedback

VIEWERS = ("anonymous", "learner", "stranger", "mentor", "other_mentor")
# Anonymous visitors of a page that needs an account: a redirect to the login page (HTML), a 401 (API).
LOGIN = "login"
# Signed-in people who are not mentors, on a mentor-only page: a redirect to the page explaining mentoring.
EXPLAINED = "explained"


def access(
    anonymous: object, learner: object, stranger: object, mentor: object, other_mentor: object
) -> dict:
    return dict(zip(VIEWERS, (anonymous, learner, stranger, mentor, other_mentor), strict=True))


# The access rules. ``ok`` is the status of an allowed request; everyone else gets what the rule says.
def public(ok: int = 200) -> dict:
    return access(ok, ok, ok, ok, ok)


def signed_in(ok: int = 200) -> dict:
    return access(LOGIN, ok, ok, ok, ok)


def owner(ok: int = 200) -> dict:
    """The learner's own things (sessions, attempts, feedback, notes): others get a 404."""
    return access(LOGIN, ok, 404, 404, 404)


def cohort_member(ok: int = 200, mentor: object = None) -> dict:
    """Things of the cohort (and the mentor's questions shared with it): its learner and its mentor."""
    return access(LOGIN, ok, 404, ok if mentor is None else mentor, 404)


def mentor_of_cohort(ok: int = 200) -> dict:
    """The cohort's own mentor (and the owner of a set or an assignment): everyone else gets a 404."""
    return access(LOGIN, 404, 404, ok, 404)


def any_mentor(ok: int = 200, others: object = EXPLAINED) -> dict:
    return access(LOGIN, others, others, ok, ok)


@dataclass
class Case:
    method: str
    path: Callable[[dict], str]
    expected: dict
    data: Callable[[dict], dict] = field(default=lambda world: {})
    json: bool = False
    token: bool = False  # signed in with an API token instead of a session


def api(
    method: str,
    path: Callable[[dict], str],
    expected: dict,
    data: Callable[[dict], dict] | None = None,
    token: bool = False,
) -> Case:
    return Case(method, path, expected, data or (lambda world: {}), json=True, token=token)


def token_data(world: dict) -> dict:
    return {"token": world["showing"].token, "answer_text": "Labelled data.", "rating": Rating.GOOD}


MATRIX: dict[str, list[Case]] = {
    # The question bank and the pages around it.
    "interview:home": [Case("GET", lambda w: "/", public())],
    # Demo mode (on in the tests, as in development): a visitor becomes the demo learner; anyone signed in
    # keeps their own session and is sent to their dashboard.
    "interview:demo": [Case("POST", lambda w: "/demo/", public(302))],
    "interview:dashboard": [Case("GET", lambda w: "/dashboard/", signed_in())],
    "interview:history": [Case("GET", lambda w: "/history/", signed_in())],
    "interview:attempt-detail": [Case("GET", lambda w: f"/history/{w['attempt'].pk}/", owner())],
    "interview:guide-detail": [Case("GET", lambda w: "/guides/ml-engineer/", public())],
    "interview:topic-list": [Case("GET", lambda w: "/topics/", public())],
    "interview:topic-detail": [Case("GET", lambda w: "/topics/time-series/", public())],
    "interview:question-list": [Case("GET", lambda w: "/questions/", public())],
    "interview:question-detail": [
        Case("GET", lambda w: f"/questions/{w['public_question'].pk}/", public()),
        Case("GET", lambda w: f"/questions/{w['private_question'].pk}/", access(404, 200, 404, 200, 404)),
    ],
    "interview:question-note": [
        Case("POST", lambda w: f"/questions/{w['public_question'].pk}/note/", signed_in(302)),
        Case(
            "POST",
            lambda w: f"/questions/{w['private_question'].pk}/note/",
            cohort_member(302),
            lambda w: {"text": "Mine."},
        ),
    ],
    "interview:question-flag": [
        Case(
            "POST",
            lambda w: f"/questions/{w['private_question'].pk}/flag/",
            cohort_member(302),
            lambda w: {"reason": "The model answer is out of date."},
        ),
    ],
    # Practice: a session and its showings are the learner's own.
    "interview:practice": [Case("GET", lambda w: "/practice/", signed_in())],
    "interview:practice-start": [
        Case("POST", lambda w: "/practice/start/", signed_in(302), lambda w: {"mode": "new"})
    ],
    "interview:practice-session": [Case("GET", lambda w: f"/practice/{w['session'].pk}/", owner())],
    "interview:practice-reveal": [
        Case("POST", lambda w: f"/practice/{w['session'].pk}/reveal/", owner(302), token_data),
        # Without a reveal sent from this browser, the page sends the owner back to the card.
        Case("GET", lambda w: f"/practice/{w['session'].pk}/reveal/", owner(302)),
    ],
    "interview:practice-check": [
        Case("POST", lambda w: f"/practice/{w['session'].pk}/check/", owner(), token_data)
    ],
    "interview:practice-llm-check": [
        Case("POST", lambda w: f"/practice/{w['session'].pk}/llm-check/", owner(), token_data)
    ],
    "interview:practice-rate": [
        Case("POST", lambda w: f"/practice/{w['session'].pk}/rate/", owner(302), token_data)
    ],
    "interview:practice-tools": [
        Case(
            "POST",
            lambda w: f"/practice/{w['session'].pk}/tools/",
            owner(302),
            lambda w: {**token_data(w), "tool": "note", "note": "Mine."},
        )
    ],
    "interview:practice-mock-answer": [
        Case("POST", lambda w: f"/practice/{w['mock'].pk}/answer/", owner(302), lambda w: w["mock_data"])
    ],
    "interview:practice-finish": [Case("POST", lambda w: f"/practice/{w['session'].pk}/finish/", owner(302))],
    "interview:practice-summary": [Case("GET", lambda w: f"/practice/{w['session'].pk}/summary/", owner())],
    # Cohorts from the learner's side.
    "interview:cohort-join": [Case("GET", lambda w: f"/join/{w['invite'].token}/", signed_in())],
    "interview:cohort-leave": [
        Case("POST", lambda w: f"/cohorts/{w['cohort'].pk}/leave/", access(LOGIN, 302, 404, 302, 404))
    ],
    "interview:feedback": [Case("GET", lambda w: "/feedback/", signed_in())],
    "interview:feedback-reply": [
        Case(
            "POST",
            lambda w: f"/feedback/{w['feedback'].pk}/reply/",
            owner(302),
            lambda w: {"reply": "Thanks."},
        )
    ],
    "interview:feedback-read": [Case("POST", lambda w: f"/feedback/{w['feedback'].pk}/read/", owner(302))],
    # The mentor area.
    "interview:mentor": [Case("GET", lambda w: "/mentor/", signed_in())],
    "interview:mentor-cohort-create": [
        Case("POST", lambda w: "/mentor/cohorts/new/", any_mentor(302, 302), lambda w: {"name": "New"})
    ],
    "interview:mentor-cohort": [
        Case("GET", lambda w: f"/mentor/cohorts/{w['cohort'].pk}/", mentor_of_cohort())
    ],
    "interview:mentor-invite": [
        Case("POST", lambda w: f"/mentor/cohorts/{w['cohort'].pk}/invite/", mentor_of_cohort(302))
    ],
    "interview:mentor-invite-revoke": [
        Case("POST", lambda w: f"/mentor/cohorts/{w['cohort'].pk}/invite/revoke/", mentor_of_cohort(302))
    ],
    "interview:mentor-member-remove": [
        Case(
            "POST",
            lambda w: f"/mentor/cohorts/{w['cohort'].pk}/members/{w['learner'].pk}/remove/",
            mentor_of_cohort(302),
        )
    ],
    "interview:mentor-learner": [
        Case(
            "GET",
            lambda w: f"/mentor/cohorts/{w['cohort'].pk}/learners/{w['learner'].pk}/",
            mentor_of_cohort(),
        )
    ],
    "interview:mentor-set-create": [
        Case("POST", lambda w: "/mentor/sets/new/", any_mentor(302, 302), lambda w: {"title": "New set"})
    ],
    "interview:mentor-set": [Case("GET", lambda w: f"/mentor/sets/{w['set'].pk}/", mentor_of_cohort())],
    "interview:mentor-set-items": [
        Case(
            "POST",
            lambda w: f"/mentor/sets/{w['set'].pk}/items/",
            mentor_of_cohort(302),
            lambda w: {"add": w["public_question"].pk},
        )
    ],
    "interview:mentor-set-search": [
        Case("GET", lambda w: f"/mentor/sets/{w['set'].pk}/search/?q=data", mentor_of_cohort())
    ],
    "interview:mentor-set-delete": [
        Case("POST", lambda w: f"/mentor/sets/{w['spare_set'].pk}/delete/", mentor_of_cohort(302))
    ],
    "interview:mentor-set-copy": [
        Case("POST", lambda w: f"/mentor/sets/{w['set'].pk}/copy/", mentor_of_cohort(302))
    ],
    "interview:mentor-assignment-create": [Case("GET", lambda w: "/mentor/assignments/new/", any_mentor())],
    "interview:mentor-assignment": [
        Case("GET", lambda w: f"/mentor/assignments/{w['assignment'].pk}/", mentor_of_cohort())
    ],
    "interview:mentor-assignment-remind": [
        Case(
            "POST",
            lambda w: f"/mentor/assignments/{w['overdue'].pk}/remind/",
            mentor_of_cohort(302),
            lambda w: {"learner": w["learner"].pk},
        )
    ],
    "interview:mentor-insights": [Case("GET", lambda w: "/mentor/insights/", any_mentor())],
    "interview:mentor-questions": [Case("GET", lambda w: "/mentor/questions/", any_mentor())],
    "interview:mentor-questions-import": [
        Case("POST", lambda w: "/mentor/questions/import/", any_mentor(302, 302))
    ],
    # An import's progress page is its owner's alone.
    "interview:mentor-import-job": [
        Case("GET", lambda w: f"/mentor/questions/imports/{w['import_job'].pk}/", mentor_of_cohort())
    ],
    "interview:mentor-attempt": [
        Case("GET", lambda w: f"/mentor/attempts/{w['attempt'].pk}/", mentor_of_cohort()),
        Case(
            "POST",
            lambda w: f"/mentor/attempts/{w['attempt'].pk}/",
            mentor_of_cohort(302),
            lambda w: {"text": "Well argued."},
        ),
    ],
    # The account pages of the app (allauth's own are exempt below).
    "accounts:preferences": [Case("GET", lambda w: "/accounts/preferences/", signed_in())],
    "accounts:api-tokens": [Case("GET", lambda w: "/accounts/tokens/", signed_in())],
    # Another person's token key behaves as one that does not exist: nothing is revoked.
    "accounts:api-token-revoke": [
        Case("POST", lambda w: f"/accounts/tokens/{w['token'].token_key}/revoke/", signed_in(302))
    ],
    "accounts:your-data": [Case("GET", lambda w: "/accounts/data/", signed_in())],
    "accounts:export-json": [Case("GET", lambda w: "/accounts/data/export.json", signed_in())],
    "accounts:export-attempts-csv": [Case("GET", lambda w: "/accounts/data/attempts.csv", signed_in())],
    "accounts:delete": [Case("GET", lambda w: "/accounts/delete/", signed_in())],
    # The link in the daily reviews email: the signed token decides whose email stops, signed in or not.
    "accounts:unsubscribe": [
        Case("GET", lambda w: f"/accounts/unsubscribe/{w['unsubscribe'].token}/", public()),
        Case("POST", lambda w: f"/accounts/unsubscribe/{w['unsubscribe'].token}/", public()),
        Case("POST", lambda w: "/accounts/unsubscribe/not-a-signed-token/", public(400)),
    ],
    # The API.
    "api-root": [api("GET", lambda w: "/api/v1/", public())],
    "api-schema": [api("GET", lambda w: "/api/schema/", public())],
    "api-docs": [Case("GET", lambda w: "/api/docs/", public())],
    "api-me": [
        api("GET", lambda w: "/api/v1/me/", signed_in()),
        api("PATCH", lambda w: "/api/v1/me/", signed_in(), lambda w: {"daily_new_limit": 5}),
    ],
    "api-me-export": [api("GET", lambda w: "/api/v1/me/export/", signed_in())],
    # Only a token revokes itself: a signed-in session is not enough.
    "api-auth-token": [
        api("DELETE", lambda w: "/api/v1/auth/token/", access(LOGIN, 204, 204, 204, 204), token=True),
        api("DELETE", lambda w: "/api/v1/auth/token/", access(LOGIN, 401, 401, 401, 401)),
    ],
    "api-practice-next": [
        api("GET", lambda w: "/api/v1/practice/next/?mode=new", signed_in()),
        api(
            "GET",
            lambda w: f"/api/v1/practice/next/?mode=assignment&assignment={w['assignment'].pk}",
            access(LOGIN, 200, 400, 400, 400),
        ),
    ],
    "api-practice-check": [
        api(
            "POST",
            lambda w: "/api/v1/practice/check/",
            signed_in(),
            lambda w: {"question": w["public_question"].pk, "answer_text": "Labelled data."},
        ),
        # Another mentor's question is unknown to whoever may not see it.
        api(
            "POST",
            lambda w: "/api/v1/practice/check/",
            cohort_member(200, mentor=200) | {"stranger": 400, "other_mentor": 400},
            lambda w: {"question": w["private_question"].pk, "answer_text": "A shared store."},
        ),
    ],
    # Only one's own open API session is finished: nobody has one here, so nothing is (and nothing leaks).
    "api-practice-finish": [
        api("POST", lambda w: "/api/v1/practice/finish/", signed_in(204), lambda w: {"mode": "new"})
    ],
    "api-stats": [api("GET", lambda w: "/api/v1/stats/", signed_in())],
    "topic-list": [api("GET", lambda w: "/api/v1/topics/", public())],
    "topic-detail": [api("GET", lambda w: "/api/v1/topics/time-series/", public())],
    "question-list": [api("GET", lambda w: "/api/v1/questions/", public())],
    "question-detail": [
        api("GET", lambda w: f"/api/v1/questions/{w['public_question'].pk}/", public()),
        api(
            "GET", lambda w: f"/api/v1/questions/{w['private_question'].pk}/", access(404, 200, 404, 200, 404)
        ),
    ],
    "attempt-list": [api("GET", lambda w: "/api/v1/attempts/", signed_in())],
    "attempt-detail": [api("GET", lambda w: f"/api/v1/attempts/{w['attempt'].pk}/", cohort_member())],
    "attempt-feedback": [
        api("GET", lambda w: f"/api/v1/attempts/{w['attempt'].pk}/feedback/", cohort_member()),
        # The learner answers feedback (with its id), the mentor gives it.
        api(
            "POST",
            lambda w: f"/api/v1/attempts/{w['attempt'].pk}/feedback/",
            mentor_of_cohort(201) | {"learner": 400},
            lambda w: {"text": "Well argued."},
        ),
        api(
            "POST",
            lambda w: f"/api/v1/attempts/{w['attempt'].pk}/feedback/",
            owner() | {"mentor": 400},
            lambda w: {"feedback": w["feedback"].pk, "reply": "Thanks."},
        ),
    ],
    "cohort-list": [
        api("GET", lambda w: "/api/v1/cohorts/", signed_in()),
        api("POST", lambda w: "/api/v1/cohorts/", any_mentor(201, 403), lambda w: {"name": "New"}),
    ],
    "cohort-join": [
        api("POST", lambda w: "/api/v1/cohorts/join/", signed_in(201), lambda w: {"token": w["invite"].token})
    ],
    "cohort-detail": [api("GET", lambda w: f"/api/v1/cohorts/{w['cohort'].pk}/", cohort_member())],
    "cohort-invite": [
        api("POST", lambda w: f"/api/v1/cohorts/{w['cohort'].pk}/invite/", mentor_of_cohort(201)),
        api("DELETE", lambda w: f"/api/v1/cohorts/{w['cohort'].pk}/invite/", mentor_of_cohort(204)),
    ],
    "cohort-members": [
        api("GET", lambda w: f"/api/v1/cohorts/{w['cohort'].pk}/members/", mentor_of_cohort())
    ],
    "cohort-progress": [
        api("GET", lambda w: f"/api/v1/cohorts/{w['cohort'].pk}/progress/", mentor_of_cohort())
    ],
    # A learner may remove only themselves (leaving); the last mentor cannot leave.
    "cohort-remove-member": [
        api(
            "DELETE",
            lambda w: f"/api/v1/cohorts/{w['cohort'].pk}/members/{w['learner'].pk}/",
            cohort_member(204),
        ),
        api(
            "DELETE",
            lambda w: f"/api/v1/cohorts/{w['cohort'].pk}/members/{w['mentor'].pk}/",
            cohort_member(404, mentor=400),
        ),
    ],
    "question-set-list": [
        api("GET", lambda w: "/api/v1/question-sets/", signed_in()),
        api("POST", lambda w: "/api/v1/question-sets/", any_mentor(201, 403), lambda w: {"title": "New"}),
    ],
    "question-set-detail": [
        api("GET", lambda w: f"/api/v1/question-sets/{w['set'].pk}/", mentor_of_cohort()),
        api(
            "PUT",
            lambda w: f"/api/v1/question-sets/{w['set'].pk}/",
            mentor_of_cohort(),
            lambda w: {"title": "Renamed", "description": "", "questions": [w["public_question"].pk]},
        ),
        api(
            "PATCH",
            lambda w: f"/api/v1/question-sets/{w['set'].pk}/",
            mentor_of_cohort(),
            lambda w: {"title": "Renamed"},
        ),
        api("DELETE", lambda w: f"/api/v1/question-sets/{w['spare_set'].pk}/", mentor_of_cohort(204)),
    ],
    "assignment-list": [api("GET", lambda w: "/api/v1/assignments/", signed_in())],
    "assignment-detail": [
        api("GET", lambda w: f"/api/v1/assignments/{w['assignment'].pk}/", cohort_member())
    ],
    "assignment-progress": [
        api("GET", lambda w: f"/api/v1/assignments/{w['assignment'].pk}/progress/", mentor_of_cohort())
    ],
    "assignment-remind": [
        api(
            "POST",
            lambda w: f"/api/v1/assignments/{w['overdue'].pk}/remind/",
            mentor_of_cohort(202),
            lambda w: {"learner": w["learner"].pk},
        )
    ],
}

# Routes outside the matrix, each with the reason.
EXEMPT = {
    "allauth": "allauth's own account pages (sign-in, sign-up, e-mail, password, two-factor, sessions): "
    "allauth decides their access; tests/test_accounts.py covers the ones the app relies on",
    "admin": "Django's admin site: staff only, by Django's own checks; tests/test_admin.py opens every list",
    "format": "DRF's format-suffix twins (/api/v1/topics.json): the same view and rule as their route here",
}


def exemption(route: str, module: str) -> str | None:
    if module.startswith("allauth."):
        return "allauth"
    if route.startswith("admin/"):
        return "admin"
    if "(?P<format>" in route or "<drf_format_suffix:format>" in route:
        return "format"
    return None


def every_route() -> dict[str, str]:
    """Each route of config.urls (its full pattern) and the module of its view."""
    routes = {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern).removeprefix("^"))
            elif isinstance(pattern, URLPattern):
                # Spelled as ResolverMatch.route spells it (regex routes lose their leading "^").
                routes[prefix + str(pattern.pattern).removeprefix("^")] = pattern.callback.__module__

    walk(get_resolver().url_patterns, "")
    return routes


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction rolled back at its end; each test runs in a savepoint
    of it (pytest-django's ``db``), so the writes of one request never reach the next."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world() -> dict:
    """The cohort (mentor, learner) with a set, an assignment, an answered attempt with feedback, a private
    question of the mentor, a practice session and a mock interview of the learner; another mentor's cohort."""
    ml_guide = Guide.objects.filter(slug=GUIDE_SLUG).first() or import_ml_guide()
    mentor = UserFactory(email="mentor@example.com", is_mentor=True)
    learner = UserFactory(email="learner@example.com")
    stranger = UserFactory(email="stranger@example.com")
    cohort = mentoring_service.cohort_create(mentor=mentor, name="Spring cohort")
    mentoring_service.cohort_join(
        user=learner, token=mentoring_service.invite_create(mentor=mentor, cohort=cohort).token
    )
    other_mentor = UserFactory(email="other@example.com", is_mentor=True)
    mentoring_service.cohort_create(mentor=other_mentor, name="Other cohort")
    questions = list(Question.objects.filter(guide=ml_guide).order_by("number")[:3])
    made = assignment_with_feedback(mentor=mentor, learner=learner, cohort=cohort, questions=questions)
    overdue = mentoring_service.assignment_create(
        mentor=mentor, question_set=made["set"], cohort=cohort, due_date=date(2099, 1, 1)
    )
    Assignment.objects.filter(pk=overdue.pk).update(due_date=date(2000, 1, 1))  # past due, not finished
    spare_set = mentoring_service.question_set_save(owner=mentor, title="Spare", question_ids=[])
    session = session_start(user=learner, mode=PracticeMode.NEW)
    mock = session_start(user=learner, mode=PracticeMode.MOCK)
    private_question = mentoring_service.mentor_question_create(
        mentor=mentor,
        prompt="What is a feature store?",
        answer="A shared store of features.",
        topics=[],
        key_points=[],
    )
    mock_showing = showing_current(session=mock)
    tokens = {
        user.email: AuthToken.objects.create(user=user)[1]
        for user in (learner, stranger, mentor, other_mentor)
    }
    return {
        "tokens": tokens,
        "mentor": mentor,
        "learner": learner,
        "stranger": stranger,
        "other_mentor": other_mentor,
        "cohort": cohort,
        "invite": mentoring_service.invite_create(mentor=mentor, cohort=cohort),
        **made,
        "overdue": overdue,
        "spare_set": spare_set,
        "session": session,
        "showing": showing_current(session=session),
        "mock": mock,
        "mock_data": {"token": mock_showing.token, "answer_text": "Labelled data."},
        "public_question": questions[0],
        "private_question": private_question,
        "token": AuthToken.objects.filter(user=learner).first(),
        "import_job": ImportJob.objects.create(
            owner=mentor, filename="mine.txt", status=ImportJob.Status.DONE, total=1, processed=1
        ),
        "unsubscribe": SimpleNamespace(token=review_email_unsubscribe_token(learner)),
    }


CASES = [
    pytest.param(name, index, viewer, id=f"{name}-{case.method}{index}-{viewer}")
    for name, cases in MATRIX.items()
    for index, case in enumerate(cases)
    for viewer in VIEWERS
]


def test_every_route_is_in_the_matrix():
    routes = every_route()
    covered = {
        resolve(case.path(_PATHS_ONLY).split("?")[0]).route for cases in MATRIX.values() for case in cases
    }
    outside = {route for route, module in routes.items() if exemption(route, module) is None} - covered
    assert sorted(outside) == [], f"Add these routes to MATRIX in {__name__} (or to EXEMPT, with a reason)"
    assert {exemption(route, module) for route, module in routes.items()} - {None} == set(EXEMPT)


class _AnyObject:
    """Stands for any object of the world when only the shape of a path matters."""

    pk = 1
    token = "t0ken"
    token_key = "abcd1234"


_PATHS_ONLY = type("Paths", (dict,), {"__missing__": lambda self, key: _AnyObject()})()


@pytest.mark.parametrize(("name", "index", "viewer"), CASES)
def test_route_access(world, db, name, index, viewer):
    case = MATRIX[name][index]
    client = Client()
    if viewer != "anonymous" and case.token:
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {world['tokens'][world[viewer].email]}"
    elif viewer != "anonymous":
        client.force_login(world[viewer])
    path = case.path(world)
    data = case.data(world)
    before = database_state()
    if case.json:
        response = client.generic(case.method, path, data=_json(data), content_type="application/json")
    else:
        response = client.generic(
            case.method, path, data=_form(data), content_type="application/x-www-form-urlencoded"
        )
    expected = case.expected[viewer]
    shown = (name, case.method, path, viewer, response.status_code, response.get("Location"))
    if expected == LOGIN:
        if case.json:
            assert response.status_code == 401, shown
        else:
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), shown
    elif expected == EXPLAINED:
        assert response.status_code == 302 and response["Location"] == "/mentor/", shown
    else:
        assert response.status_code == expected, shown
        if expected == 302:
            assert not response["Location"].startswith("/accounts/login/"), shown
    # A refused write (or one with bad input) changes nothing.
    if case.method != "GET" and (expected in (LOGIN, EXPLAINED) or response.status_code >= 400):
        assert database_state() == before, shown


# Every table a request of the matrix could write to.
WRITABLE = [
    User,
    AuthToken,
    Cohort,
    Membership,
    Invite,
    QuestionSet,
    QuestionSetItem,
    Assignment,
    AssignmentLearner,
    Feedback,
    PracticeSession,
    Showing,
    Attempt,
    ReviewState,
    QuestionNote,
    QuestionFlag,
    Guide,
    Question,
    ImportJob,
]


def database_state() -> dict[str, list[tuple]]:
    return {model.__name__: list(model.objects.order_by("pk").values_list()) for model in WRITABLE}


def _json(data: dict) -> str:
    import json

    return json.dumps(data)


def _form(data: dict) -> str:
    from urllib.parse import urlencode

    return urlencode(data, doseq=True)
