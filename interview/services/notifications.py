"""Scheduled emails: the "assignment due tomorrow" reminder and the daily "reviews waiting" email.

Both are decided in each learner's own time zone, from NOTIFICATION_LOCAL_HOUR on, by an hourly run
(`manage.py run_periodic --hourly`). Each claims its row with a conditional UPDATE before enqueueing the
email, so overlapping runs or a retried task never send the same email twice.
"""

import zoneinfo
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import User
from accounts.services import review_email_unsubscribe_token
from accounts.tasks import send_email
from interview.models import AssignmentLearner, Membership
from interview.scheduling import local_today
from interview.selectors.learning import today_counts
from interview.selectors.mentoring import prime_active_totals, status_of

SUBJECT_PREFIX = "[Interview Trainer] "


def site_url(path: str) -> str:
    return settings.SITE_URL + path


def is_notification_time(user: User, now: datetime) -> bool:
    """From the notification hour to midnight of the learner's own day."""
    return now.astimezone(zoneinfo.ZoneInfo(user.timezone)).hour >= settings.NOTIFICATION_LOCAL_HOUR


def _send(*, user: User, subject: str, template: str, context: dict, headers: dict | None = None) -> None:
    send_email.enqueue(
        subject=SUBJECT_PREFIX + subject,
        body=render_to_string(template, {"user": user, **context}),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        html=None,
        headers=headers or {},
    )


def due_date_reminders_send(*, now: datetime) -> int:
    """Email each learner once per assignment that is due tomorrow in their time zone and not completed."""
    utc_today = now.date()
    # Every time zone's "tomorrow" lies within a day of UTC's.
    candidates = (
        AssignmentLearner.objects.filter(
            completed_at__isnull=True,
            due_reminder_sent_at__isnull=True,
            learner__is_active=True,
            assignment__due_date__range=(utc_today, utc_today + timedelta(days=2)),
        )
        .filter(
            Exists(
                Membership.objects.filter(
                    cohort=OuterRef("assignment__cohort"),
                    user=OuterRef("learner"),
                    role=Membership.Role.LEARNER,
                )
            )
        )
        .select_related("learner", "assignment__cohort")
    )
    rows = [
        row
        for row in candidates
        if is_notification_time(row.learner, now)
        and row.assignment.due_date == local_today(row.learner, now) + timedelta(days=1)
        and (row.assignment.start_date is None or row.assignment.start_date <= local_today(row.learner, now))
    ]
    prime_active_totals([row.assignment for row in rows])
    return sum(_remind(row, now) for row in rows)


@transaction.atomic
def _remind(row: AssignmentLearner, now: datetime) -> int:
    """Claim the reminder and enqueue it together: a queue that fails leaves it to the next run."""
    claimed = AssignmentLearner.objects.filter(pk=row.pk, due_reminder_sent_at__isnull=True).update(
        due_reminder_sent_at=now
    )
    if not claimed:
        return 0  # another run got there first
    _send(
        user=row.learner,
        subject=f"“{row.assignment.title}” is due tomorrow",
        template="email/assignment_due_tomorrow.txt",
        context={
            "assignment": row.assignment,
            "status": status_of(row, row.assignment, local_today(row.learner, now)),
            "dashboard_url": site_url(reverse("interview:dashboard")),
        },
    )
    return 1


def review_emails_send(*, now: datetime) -> int:
    """The daily "reviews waiting" email to learners who opted in, decided once per local day.

    The decision is made at the first run from the notification hour on: an email if reviews are due then,
    none otherwise; either way that day is done.
    """
    sent = 0
    for user in User.objects.filter(daily_review_email=True, is_active=True).iterator():
        today = local_today(user, now)
        if user.daily_review_email_on != today and is_notification_time(user, now):
            sent += _review_email(user, today, now)
    return sent


@transaction.atomic
def _review_email(user: User, today: date, now: datetime) -> int:
    """Claim the learner's day and enqueue the email together: a queue that fails leaves it to the next run."""
    claimed = (
        User.objects.filter(pk=user.pk, daily_review_email=True)
        .exclude(daily_review_email_on=today)
        .update(daily_review_email_on=today)
    )
    if not claimed:
        return 0
    due = today_counts(user, now).due_within_limit
    if not due:
        return 0
    unsubscribe_url = site_url(
        reverse("accounts:unsubscribe", kwargs={"token": review_email_unsubscribe_token(user)})
    )
    _send(
        user=user,
        subject=f"{due} review{'s' if due != 1 else ''} waiting today",
        template="email/reviews_waiting.txt",
        context={
            "due": due,
            "practice_url": site_url(reverse("interview:practice")),
            "preferences_url": site_url(reverse("accounts:preferences")),
            "unsubscribe_url": unsubscribe_url,
        },
        # RFC 8058: mail clients offer a one-click unsubscribe that POSTs to the link.
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    return 1
