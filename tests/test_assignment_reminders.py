"""A mentor reminds a learner of an overdue assignment: by email through the task queue, once a day at most."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import override_settings

from interview.models import Assignment, AssignmentLearner, Question
from interview.services import mentoring as mentoring_service
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
SITE = "https://trainer.example.com/"


@pytest.fixture
def overdue(ml_guide, mentor, learner, cohort) -> Assignment:
    """An assignment of two questions, due yesterday, which the learner has not finished."""
    questions = list(Question.objects.filter(guide=ml_guide).order_by("number")[:2])
    question_set = mentoring_service.question_set_save(
        owner=mentor, title="Basics", question_ids=[question.pk for question in questions]
    )
    assignment = mentoring_service.assignment_create(
        mentor=mentor, question_set=question_set, cohort=cohort, due_date=date(2099, 1, 1)
    )
    Assignment.objects.filter(pk=assignment.pk).update(due_date=NOW.date() - timedelta(days=1))
    assignment.refresh_from_db()
    return assignment


def remind(mentor, assignment, learner, now=NOW):
    return mentoring_service.assignment_remind(
        mentor=mentor, assignment=assignment, learner=learner, site_url=SITE, now=now
    )


def test_the_reminder_emails_only_the_title_the_due_date_and_a_link(
    overdue, mentor, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        remind(mentor, overdue, learner)

    [message] = mail.outbox
    assert message.to == ["learner@example.com"]
    assert message.subject == "[Interview Trainer] Reminder: “Basics” was due on 25 November 2026"
    assert f"https://trainer.example.com/dashboard/#assignment-{overdue.pk}" in message.body
    assert "Lena" not in message.body and mentor.email not in message.body and not message.alternatives
    progress = AssignmentLearner.objects.get(assignment=overdue, learner=learner)
    assert progress.mentor_reminded_on == NOW.date()


def test_a_learner_is_reminded_once_a_day_and_again_the_next_day(
    overdue, mentor, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        remind(mentor, overdue, learner)
        with pytest.raises(ValidationError, match="already reminded"):
            remind(mentor, overdue, learner, now=NOW + timedelta(hours=2))
        remind(mentor, overdue, learner, now=NOW + timedelta(days=1))
    assert len(mail.outbox) == 2


def test_only_an_unfinished_overdue_assignment_is_reminded(
    overdue, mentor, learner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(ValidationError, match="overdue"):
            remind(mentor, overdue, learner, now=NOW - timedelta(days=2))  # not yet due
        AssignmentLearner.objects.filter(assignment=overdue, learner=learner).update(completed_at=NOW)
        with pytest.raises(ValidationError, match="overdue"):
            remind(mentor, overdue, learner)
    assert mail.outbox == []


def test_only_the_cohorts_mentors_remind_and_only_its_current_learners(overdue, mentor, learner, stranger):
    other_mentor = UserFactory(is_mentor=True)
    with pytest.raises(PermissionDenied):
        remind(other_mentor, overdue, learner)
    with pytest.raises(ValidationError, match="does not have"):
        remind(mentor, overdue, stranger)
    mentoring_service.membership_remove(actor=learner, cohort=overdue.cohort, user=learner)
    with pytest.raises(ValidationError, match="does not have"):
        remind(mentor, overdue, learner)


# The worker closes its connection after each task: the test cannot run inside a transaction.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_email_waits_for_a_worker(ml_guide, mentor, learner, cohort):
    questions = list(Question.objects.filter(guide=ml_guide).order_by("number")[:1])
    question_set = mentoring_service.question_set_save(
        owner=mentor, title="Basics", question_ids=[question.pk for question in questions]
    )
    assignment = mentoring_service.assignment_create(
        mentor=mentor, question_set=question_set, cohort=cohort, due_date=date(2099, 1, 1)
    )
    Assignment.objects.filter(pk=assignment.pk).update(due_date=NOW.date() - timedelta(days=1))
    assignment.refresh_from_db()
    with override_settings(TASKS=DATABASE_QUEUE):
        remind(mentor, assignment, learner)
        assert mail.outbox == []

        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    assert [message.to for message in mail.outbox] == [["learner@example.com"]]


# The pages and the API ---------------------------------------------------------------------------------------


def test_the_progress_page_offers_remind_then_says_reminded_today(
    client, overdue, mentor, learner, django_capture_on_commit_callbacks
):
    client.force_login(mentor)
    page = f"/mentor/assignments/{overdue.pk}/"
    assert "Remind Lena Learner of “Basics” by email" in client.get(page).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/mentor/assignments/{overdue.pk}/remind/", {"learner": learner.pk, "next": page}
        )
    assert response.status_code == 302 and response.url == page
    assert len(mail.outbox) == 1
    html = client.get(page).content.decode()
    assert "Reminded today" in html and "by email</button>" not in html

    # A second click (an old tab) says why nothing was sent.
    response = client.post(f"/mentor/assignments/{overdue.pk}/remind/", {"learner": learner.pk}, follow=True)
    assert "already reminded of it today" in response.content.decode()
    assert len(mail.outbox) == 1


def test_the_remind_form_refuses_foreign_addresses_and_unknown_learners(client, overdue, mentor, learner):
    client.force_login(mentor)
    url = f"/mentor/assignments/{overdue.pk}/remind/"
    response = client.post(url, {"learner": learner.pk, "next": "https://evil.example.com/"})
    assert response.url == f"/mentor/assignments/{overdue.pk}/"
    assert client.post(url, {"learner": "x"}).status_code == 404
    assert client.post(url, {"learner": UserFactory().pk}).status_code == 404


def test_the_api_queues_a_reminder_with_a_202(
    client, overdue, mentor, learner, django_capture_on_commit_callbacks
):
    client.force_login(mentor)
    url = f"/api/v1/assignments/{overdue.pk}/remind/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"learner": learner.pk}, content_type="application/json")
    assert response.status_code == 202
    assert response.json() == {
        "assignment": overdue.pk,
        "learner": learner.pk,
        "reminded_on": AssignmentLearner.objects.get(learner=learner).mentor_reminded_on.isoformat(),
    }
    assert len(mail.outbox) == 1

    again = client.post(url, {"learner": learner.pk}, content_type="application/json")
    assert again.status_code == 400 and "learner" in again.json()
    unknown = client.post(url, {"learner": UserFactory().pk}, content_type="application/json")
    assert unknown.status_code == 400 and "learner" in unknown.json()
    assert client.post(url, {}, content_type="application/json").status_code == 400


def test_the_api_reminder_answers_with_exactly_the_documented_keys(client, overdue, mentor, learner):
    from tests.test_api_contract import readme_bullet

    bullet = readme_bullet("`POST /api/v1/assignments/{id}/remind/")
    keys = {"assignment", "learner", "reminded_on"}
    assert all(f"`{key}`" in bullet for key in keys)
    client.force_login(mentor)
    response = client.post(
        f"/api/v1/assignments/{overdue.pk}/remind/", {"learner": learner.pk}, content_type="application/json"
    )
    assert set(response.json()) == keys


def test_the_learners_page_offers_remind_beside_an_overdue_assignment(client, overdue, mentor, learner):
    client.force_login(mentor)
    page = f"/mentor/cohorts/{overdue.cohort_id}/learners/{learner.pk}/"
    assert "Remind Lena Learner of “Basics” by email" in client.get(page).content.decode()
    response = client.post(f"/mentor/assignments/{overdue.pk}/remind/", {"learner": learner.pk, "next": page})
    assert response.url == page
    assert "Reminded today" in client.get(page).content.decode()
