"""One local day: "today" is the user's own day, whether they call with a session or a token."""

from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from interview.models import Question
from interview.scheduling import local_today
from interview.services import mentoring as service
from tests.factories import UserFactory
from tests.test_mentoring_api import as_user as session_client

pytestmark = pytest.mark.django_db

# At 05:00 UTC it is already the next day in Kiritimati (UTC+14) and still the day before in Pago Pago (UTC-11).
EARLY_UTC = datetime(2026, 11, 25, 5, 0, tzinfo=dt_timezone.utc)


def zone_whose_day_differs_from_utc(now: datetime) -> str:
    """A real zone whose calendar day is not UTC's at this instant (there is one at every hour)."""
    return "Pacific/Kiritimati" if now.hour >= 10 else "Pacific/Pago_Pago"


def token_client(user) -> Client:
    _, token = AuthToken.objects.create(user=user)
    return Client(headers={"Authorization": f"Token {token}"})


@pytest.fixture
def far_cohort(ml_guide):
    """A mentor and a learner living in a zone whose day is not UTC's right now, and a set of two questions."""
    zone = zone_whose_day_differs_from_utc(timezone.now())
    mentor = UserFactory(is_mentor=True, timezone=zone)
    learner = UserFactory(timezone=zone)
    cohort = service.cohort_create(mentor=mentor, name="Far away")
    service.cohort_join(user=learner, token=service.invite_create(mentor=mentor, cohort=cohort).token)
    questions = Question.objects.filter(guide=ml_guide).order_by("number")[:2]
    question_set = service.question_set_save(
        owner=mentor, title="Two", question_ids=[q.pk for q in questions]
    )
    return {"mentor": mentor, "learner": learner, "cohort": cohort, "set": question_set}


@pytest.mark.parametrize("active_zone", ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_due_date_check_uses_the_mentors_day_whatever_zone_is_active(far_cohort, active_zone):
    mentor = far_cohort["mentor"]
    mentor.timezone = "Pacific/Pago_Pago"
    mentor_today = date(2026, 11, 24)  # 05:00 UTC on the 25th is 18:00 on the 24th in Pago Pago
    assert local_today(mentor, EARLY_UTC) == mentor_today
    with timezone.override(active_zone):
        assignment = service.assignment_create(
            mentor=mentor,
            question_set=far_cohort["set"],
            cohort=far_cohort["cohort"],
            due_date=mentor_today,
            now=EARLY_UTC,
        )
        assert assignment.due_date == mentor_today
        with pytest.raises(ValidationError, match="The due date is in the past"):
            service.assignment_create(
                mentor=mentor,
                question_set=far_cohort["set"],
                cohort=far_cohort["cohort"],
                due_date=mentor_today - timedelta(days=1),
                now=EARLY_UTC,
            )


@pytest.mark.parametrize("make_client", [token_client, session_client], ids=["token", "session"])
def test_a_mentor_may_assign_for_their_own_today_with_a_token_or_a_session(far_cohort, make_client):
    mentor = far_cohort["mentor"]
    mentor_today = local_today(mentor, timezone.now())
    assert mentor_today != timezone.now().astimezone(dt_timezone.utc).date()
    response = make_client(mentor).post(
        "/api/v1/assignments/",
        {"question_set": far_cohort["set"].pk, "cohort": far_cohort["cohort"].pk, "due_date": mentor_today},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["due_date"] == mentor_today.isoformat()


def test_token_and_session_calls_agree_on_an_assignment_due_on_the_learners_day(far_cohort):
    learner = far_cohort["learner"]
    learner_today = local_today(learner, timezone.now())
    utc_today = timezone.now().astimezone(dt_timezone.utc).date()
    assignment = service.assignment_create(
        mentor=far_cohort["mentor"],
        question_set=far_cohort["set"],
        cohort=far_cohort["cohort"],
        due_date=max(learner_today, utc_today),
    )
    # Due on the earlier of the two days: overdue by one calendar and not by the other.
    assignment.due_date = min(learner_today, utc_today)
    assignment.save(update_fields=["due_date"])
    expected = "overdue" if assignment.due_date < learner_today else "not_started"

    by_token = token_client(learner).get(f"/api/v1/assignments/{assignment.pk}/").json()
    by_session = session_client(learner).get(f"/api/v1/assignments/{assignment.pk}/").json()

    assert by_token["status"]["key"] == expected
    assert by_token == by_session  # dates and times alike: the token call runs in the user's zone too
    page = session_client(learner).get("/dashboard/").content.decode()
    assert (f"status-{expected}") in page


def test_a_request_leaves_no_time_zone_behind_it(far_cohort):
    """The user's zone is the request's: code run after it in the same thread gets its own zone back."""
    learner = far_cohort["learner"]
    session = Client()
    session.force_login(learner)
    for client in (token_client(learner), session):
        assert client.get("/api/v1/stats/").status_code == 200
        assert timezone.get_current_timezone_name() == settings.TIME_ZONE != learner.timezone
        with timezone.override("Asia/Kolkata"):
            assert client.get("/api/v1/stats/").status_code == 200
            assert timezone.get_current_timezone_name() == "Asia/Kolkata"
