"""Scheduled emails, decided in each learner's own time zone: the assignment due tomorrow (once per assignment)
and the opt-in daily "reviews waiting" email (once per local day, from 08:00, with a one-click unsubscribe)."""

import re
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core import mail
from django.test import Client

from accounts.services import review_email_unsubscribe_token
from interview.models import AssignmentLearner, Question, ReviewState
from interview.services import mentoring as mentoring_service
from interview.services.notifications import due_date_reminders_send, review_emails_send
from interview.tasks import due_date_reminders_send as reminders_task
from interview.tasks import review_emails_send as review_emails_task
from tests.factories import UserFactory

# The guide is loaded for every test: an earlier browser test may have emptied the database.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ml_guide")]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=dt_timezone.utc)


# Late November: Auckland is UTC+13 (daylight saving), Los Angeles UTC-8.
AUCKLAND_MORNING = utc(2026, 11, 25, 19, 30)  # 08:30 on Thursday 26 November in Auckland
AUCKLAND_BEFORE_EIGHT = utc(2026, 11, 25, 18, 30)  # 07:30 there
LOS_ANGELES_MORNING = utc(2026, 11, 26, 16, 5)  # 08:05 on Thursday 26 November in Los Angeles


def set_the_time_zones(mentor, learner, zone: str) -> None:
    for user in (mentor, learner):
        user.timezone = zone
        user.save(update_fields=["timezone"])


def assign(mentor, cohort, due: date, now: datetime, title: str = "Basics"):
    questions = list(Question.objects.public().order_by("number")[:3])
    question_set = mentoring_service.question_set_save(
        owner=mentor, title=title, question_ids=[question.pk for question in questions]
    )
    return mentoring_service.assignment_create(
        mentor=mentor, question_set=question_set, cohort=cohort, due_date=due, now=now - timedelta(days=3)
    )


def emails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


# Assignment due tomorrow ------------------------------------------------------------------------------------


def test_a_learner_hears_on_the_morning_before_the_due_date_in_their_zone_even_on_another_utc_day(
    mentor, learner, cohort
):
    set_the_time_zones(mentor, learner, "Pacific/Auckland")
    assignment = assign(mentor, cohort, date(2026, 11, 27), AUCKLAND_MORNING)
    assert due_date_reminders_send(now=AUCKLAND_BEFORE_EIGHT) == 0  # still 07:30 there
    assert due_date_reminders_send(now=AUCKLAND_MORNING) == 1  # 08:30 on the 26th, while UTC says the 25th
    [message] = emails_to(learner.email)
    assert message.subject == "[Interview Trainer] “Basics” is due tomorrow"
    assert "due tomorrow, Friday 27 November" in message.body
    assert "So far: 0 of 3 questions done." in message.body
    assert "http://localhost:8000/dashboard/" in message.body
    progress = AssignmentLearner.objects.get(assignment=assignment, learner=learner)
    assert progress.due_reminder_sent_at == AUCKLAND_MORNING


def test_the_reminder_is_sent_once_however_often_the_schedule_runs(mentor, learner, cohort):
    set_the_time_zones(mentor, learner, "Pacific/Auckland")
    assign(mentor, cohort, date(2026, 11, 27), AUCKLAND_MORNING)
    assert due_date_reminders_send(now=AUCKLAND_MORNING) == 1
    assert due_date_reminders_send(now=AUCKLAND_MORNING + timedelta(minutes=1)) == 0
    assert due_date_reminders_send(now=AUCKLAND_MORNING + timedelta(hours=5)) == 0
    assert len(emails_to(learner.email)) == 1


def test_a_learner_behind_utc_is_reminded_on_their_own_day_before(mentor, learner, cohort):
    set_the_time_zones(mentor, learner, "America/Los_Angeles")
    assign(mentor, cohort, date(2026, 11, 27), LOS_ANGELES_MORNING)
    # 19:30 UTC on the 25th is 11:30 on the 25th in Los Angeles: the 27th is two days away there.
    assert due_date_reminders_send(now=AUCKLAND_MORNING) == 0
    assert due_date_reminders_send(now=LOS_ANGELES_MORNING - timedelta(minutes=10)) == 0  # 07:55
    assert due_date_reminders_send(now=LOS_ANGELES_MORNING) == 1


def test_completed_assignments_and_former_members_get_no_reminder(mentor, learner, cohort):
    set_the_time_zones(mentor, learner, "UTC")
    other = UserFactory(email="other@example.com", timezone="UTC")
    mentoring_service.cohort_join(
        user=other, token=mentoring_service.invite_create(mentor=mentor, cohort=cohort).token
    )
    now = utc(2026, 11, 26, 9, 0)
    assignment = assign(mentor, cohort, date(2026, 11, 27), now)
    AssignmentLearner.objects.filter(assignment=assignment, learner=learner).update(completed_at=now)
    leaver = UserFactory(email="leaver@example.com", timezone="UTC")
    mentoring_service.cohort_join(
        user=leaver, token=mentoring_service.invite_create(mentor=mentor, cohort=cohort).token
    )
    assert AssignmentLearner.objects.filter(assignment=assignment, learner=leaver).exists()
    mentoring_service.membership_remove(actor=leaver, cohort=cohort, user=leaver)
    assert due_date_reminders_send(now=now) == 1
    assert [message.to for message in mail.outbox] == [["other@example.com"]]


def test_the_reminder_task_runs_the_same_rule(mentor, learner, cohort, settings):
    set_the_time_zones(mentor, learner, "UTC")
    tomorrow = datetime.now(dt_timezone.utc).date() + timedelta(days=1)
    assign(mentor, cohort, tomorrow, datetime.now(dt_timezone.utc))
    settings.NOTIFICATION_LOCAL_HOUR = 0  # whenever the test runs
    assert reminders_task.enqueue().return_value == 1
    assert len(emails_to(learner.email)) == 1


# The daily "reviews waiting" email ----------------------------------------------------------------------------


def make_due(user, count: int, now: datetime) -> None:
    for question in Question.objects.public().order_by("number")[:count]:
        ReviewState.objects.create(user=user, question=question, due=now - timedelta(hours=1))


@pytest.fixture
def subscriber(db):
    return UserFactory(email="kiri@example.com", timezone="Pacific/Auckland", daily_review_email=True)


def test_an_opted_in_learner_gets_one_email_on_the_local_morning_when_reviews_are_due(subscriber):
    make_due(subscriber, 3, AUCKLAND_BEFORE_EIGHT)
    assert review_emails_send(now=AUCKLAND_BEFORE_EIGHT) == 0
    assert review_emails_send(now=AUCKLAND_MORNING) == 1
    assert review_emails_send(now=AUCKLAND_MORNING + timedelta(hours=3)) == 0  # once a local day
    [message] = mail.outbox
    assert message.subject == "[Interview Trainer] 3 reviews waiting today"
    assert "3 reviews are waiting for you today." in message.body
    assert "http://localhost:8000/practice/" in message.body
    subscriber.refresh_from_db()
    assert subscriber.daily_review_email_on == date(2026, 11, 26)  # Auckland's day, not UTC's 25th
    # The next local morning is another day.
    assert review_emails_send(now=AUCKLAND_MORNING + timedelta(days=1)) == 1


def test_no_email_without_due_reviews_and_that_mornings_decision_stands(subscriber):
    assert review_emails_send(now=AUCKLAND_MORNING) == 0
    make_due(subscriber, 1, AUCKLAND_MORNING)
    assert review_emails_send(now=AUCKLAND_MORNING + timedelta(hours=2)) == 0
    assert mail.outbox == []


def test_learners_who_did_not_opt_in_get_nothing(learner):
    make_due(learner, 2, AUCKLAND_MORNING)
    assert learner.daily_review_email is False
    assert review_emails_send(now=utc(2026, 11, 26, 9)) == 0
    assert mail.outbox == []


def test_the_daily_email_task_sends_through_the_email_task(subscriber, settings):
    settings.NOTIFICATION_LOCAL_HOUR = 0
    make_due(subscriber, 1, datetime.now(dt_timezone.utc))
    assert review_emails_task.enqueue().return_value == 1
    assert mail.outbox[0].subject == "[Interview Trainer] 1 review waiting today"
    assert "1 review is waiting" in mail.outbox[0].body


def unsubscribe_link(subscriber) -> str:
    make_due(subscriber, 1, AUCKLAND_MORNING)
    review_emails_send(now=AUCKLAND_MORNING)
    [message] = mail.outbox
    link = re.search(r"http://localhost:8000(/accounts/unsubscribe/[^/\s]+/)", message.body)[1]
    # RFC 8058: the same link in the headers, for the mail client's own unsubscribe button.
    assert message.extra_headers["List-Unsubscribe"] == f"<http://localhost:8000{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return link


def test_the_unsubscribe_link_works_signed_out_after_a_confirmation(subscriber):
    link = unsubscribe_link(subscriber)
    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200
    assert "Stop the daily reviews email?" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.daily_review_email is True  # a GET (a link scanner) changes nothing
    done = visitor.post(link)
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.daily_review_email is False
    assert visitor.post(link).status_code == 200  # twice is fine
    assert review_emails_send(now=AUCKLAND_MORNING + timedelta(days=1)) == 0


def test_a_mail_clients_one_click_post_needs_no_csrf_token(subscriber):
    link = unsubscribe_link(subscriber)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.daily_review_email is False


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_or_foreign_token_is_a_clear_400_and_changes_nothing(subscriber, method):
    token = review_email_unsubscribe_token(subscriber)
    other = UserFactory(daily_review_email=True)
    # The other user's id under this user's signature.
    forged = review_email_unsubscribe_token(other).split(":")[0] + ":" + token.split(":", 1)[1]
    for bad in (token[:-2] + "xx", forged, "not-a-token"):
        response = getattr(Client(), method)(f"/accounts/unsubscribe/{bad}/")
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    other.refresh_from_db()
    subscriber.refresh_from_db()
    assert other.daily_review_email and subscriber.daily_review_email


def test_the_preference_is_on_the_preferences_page_and_in_the_api(learner_client, learner):
    page = learner_client.get("/accounts/preferences/").content.decode()
    assert 'name="daily_review_email"' in page and "Email me when reviews are waiting" in page
    assert learner_client.get("/api/v1/me/").json()["daily_review_email"] is False
    response = learner_client.patch(
        "/api/v1/me/", {"daily_review_email": True}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["daily_review_email"] is True
    learner.refresh_from_db()
    assert learner.daily_review_email is True


def test_a_queue_that_is_down_leaves_the_emails_to_the_next_run(
    mentor, learner, cohort, subscriber, monkeypatch
):
    from interview.services import notifications

    set_the_time_zones(mentor, learner, "Pacific/Auckland")
    assign(mentor, cohort, date(2026, 11, 27), AUCKLAND_MORNING)
    make_due(subscriber, 1, AUCKLAND_MORNING)
    working_queue = notifications.send_email

    class QueueDown:
        def enqueue(self, **kwargs):
            raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(notifications, "send_email", QueueDown())
    for send in (due_date_reminders_send, review_emails_send):
        with pytest.raises(ConnectionError):
            send(now=AUCKLAND_MORNING)
    # Nothing was claimed, so the next hour sends both.
    monkeypatch.setattr(notifications, "send_email", working_queue)
    later = AUCKLAND_MORNING + timedelta(hours=1)
    assert due_date_reminders_send(now=later) == 1 and review_emails_send(now=later) == 1
