"""Property-based checks of the whole API from its OpenAPI schema, with every check Schemathesis has.

Each operation gets valid and invalid requests, as a learner and as a mentor who owns a cohort, a set and
an assignment. Every response must be one the schema documents (status code, content type, headers and
body), valid data must be accepted and invalid data rejected, and nothing may be a server error.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application
from interview.models import Question
from interview.services import mentoring as mentoring_service
from tests.factories import UserFactory, assignment_with_feedback

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# The tests sign in with a real token; generated credentials would only ever be random ones.
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], with_security_parameters=False
)

# The ids of the objects the signed-in person may reach, by path parameter; set by the `world` fixture.
KNOWN: dict[str, dict] = {}
# The API token of the person the test signs in as; set by the `signed_in` fixture.
TOKEN: dict[str, str] = {}


@schema.auth(refresh_interval=None)
class SignedIn:
    """Every request carries the signed-in person's token (Schemathesis then also checks that requests
    without it, or with a wrong one, are refused)."""

    def get(self, case, ctx) -> str:
        return TOKEN.get("token", "")

    def set(self, case, data: str, ctx) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@schema.hook
def map_path_parameters(ctx, path_parameters: dict) -> dict:
    """Half the generated ids point at a real object of the signed-in person, so the checks also see 200s."""
    if not path_parameters:
        return path_parameters
    known = KNOWN.get(ctx.operation.path, {})
    for name, value in path_parameters.items():
        if name in known and isinstance(value, int) and value % 2 == 0:
            path_parameters[name] = known[name]
    return path_parameters


@schema.hook
def map_query(ctx, query: dict | None) -> dict | None:
    """Filters name rows of the database (a question id, a topic slug, an assignment): a schema-valid value
    that names none is a 400 by design, so valid-looking values are pointed at real rows."""
    if not query:
        return query
    known = KNOWN.get("query", {})
    for name, value in query.items():
        if name in known and isinstance(value, type(known[name])) and not isinstance(value, bool):
            query[name] = known[name]
    return query


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go straight to the WSGI app, whose end-of-request hook would close the test's connection
    (and its transaction); Django's own test client turns that hook off the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(db, ml_guide) -> dict:
    """A mentor with a cohort, a set and an assignment; a learner of the cohort with an answered attempt."""
    mentor = UserFactory(email="fuzz-mentor@example.com", is_mentor=True)
    learner = UserFactory(email="fuzz-learner@example.com")
    cohort = mentoring_service.cohort_create(mentor=mentor, name="Fuzz cohort")
    mentoring_service.cohort_join(
        user=learner, token=mentoring_service.invite_create(mentor=mentor, cohort=cohort).token
    )
    questions = list(Question.objects.filter(guide=ml_guide).order_by("number")[:3])
    made = assignment_with_feedback(mentor=mentor, learner=learner, cohort=cohort, questions=questions)
    question_set, assignment, attempt, feedback = (
        made["set"],
        made["assignment"],
        made["attempt"],
        made["feedback"],
    )
    return {
        "mentor": mentor,
        "learner": learner,
        "ids": {
            "/api/v1/cohorts/{id}/": {"id": cohort.pk},
            "/api/v1/cohorts/{id}/members/": {"id": cohort.pk},
            "/api/v1/cohorts/{id}/progress/": {"id": cohort.pk},
            "/api/v1/cohorts/{id}/invite/": {"id": cohort.pk},
            "/api/v1/cohorts/{id}/members/{user_id}/": {"id": cohort.pk, "user_id": learner.pk},
            "/api/v1/question-sets/{id}/": {"id": question_set.pk},
            "/api/v1/assignments/{id}/": {"id": assignment.pk},
            "/api/v1/assignments/{id}/progress/": {"id": assignment.pk},
            "/api/v1/attempts/{id}/": {"id": attempt.pk},
            "/api/v1/attempts/{id}/feedback/": {"id": attempt.pk, "feedback": feedback.pk},
            "/api/v1/questions/{id}/": {"id": questions[0].pk},
            "query": {"question": questions[0].pk, "topic": "time-series", "assignment": assignment.pk},
        },
    }


@pytest.fixture(params=["learner", "mentor"])
def signed_in(request, world):
    KNOWN.update(world["ids"])
    _, TOKEN["token"] = AuthToken.objects.create(user=world[request.param])
    yield request.param
    KNOWN.clear()
    TOKEN.clear()


# Operations whose valid requests depend on rows and rules no schema can state, so a schema-valid request may
# rightly be a 400 naming the field; every other check still runs on them.
RULES_BEYOND_THE_SCHEMA = {
    "POST /api/v1/attempts/": "the token is single-use and comes from practice/next",
    "GET /api/v1/attempts/": "the question and topic filters name existing rows (an unknown one is a 400)",
    "GET /api/v1/questions/": "the topic filter names an existing topic (an unknown one is a 400)",
    "POST /api/v1/practice/check/": "the question must be one the user may see",
    "GET /api/v1/practice/next/": "mode=topic needs a topic, mode=assignment one of the user's assignments",
    "POST /api/v1/practice/finish/": "as next: mode=topic needs a topic, mode=assignment the user's assignment",
    "POST /api/v1/cohorts/join/": "the invite token must exist and be open",
    "POST /api/v1/assignments/": "the set and the cohort must be the mentor's; the due date not in the past",
    "POST /api/v1/question-sets/": "the question ids must name questions the mentor may use",
    "PUT /api/v1/question-sets/{id}/": "the question ids must name questions the mentor may use",
    "PATCH /api/v1/question-sets/{id}/": "the question ids must name questions the mentor may use",
    "DELETE /api/v1/question-sets/{id}/": "a set already assigned is kept (copied, not deleted)",
    "POST /api/v1/attempts/{id}/feedback/": "the mentor gives text, the learner names a feedback of theirs",
    "POST /api/v1/cohorts/{id}/invite/": "an expiry must be in the future",
    "POST /api/v1/assignments/{id}/remind/": "the learner must be one of the cohort's, the assignment overdue",
    "PATCH /api/v1/me/": "an interview date must not be in the past",
}


@schema.parametrize()
# Derandomized and bounded: CI explores the same cases on every run, in well under two minutes.
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_its_schema(case, signed_in):
    beyond = case.operation.label in RULES_BEYOND_THE_SCHEMA
    case.call_and_validate(excluded_checks=[positive_data_acceptance] if beyond else None)


def test_the_api_keeps_its_schema_across_linked_calls(signed_in):
    """Stateful: create an object, then follow the schema's links to read, change and delete it."""

    class Journeys(schema.as_state_machine()):
        def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:
            beyond = case.operation.label in RULES_BEYOND_THE_SCHEMA
            case.validate_response(
                response,
                additional_checks=additional_checks,
                excluded_checks=[positive_data_acceptance] if beyond else None,
                transport_kwargs=kwargs,
            )

    Journeys.run(
        settings=settings(
            max_examples=6,
            stateful_step_count=5,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
