"""The schedule: `run_periodic` enqueues the hourly emails and the nightly memory-model fit for the worker,
from cron or as the scheduler process of docker-compose."""

from datetime import datetime
from datetime import timezone as dt_timezone
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from interview.management.commands.run_periodic import Command
from interview.models import MemoryModelFit
from interview.tasks import memory_models_fit
from tests.factories import UserFactory
from tests.test_memory_models import PROFILES, history

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
HOURLY = ["interview.tasks.due_date_reminders_send", "interview.tasks.review_emails_send"]
NIGHTLY = ["interview.tasks.memory_models_fit"]


def queued() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


@override_settings(TASKS=DATABASE_QUEUE)
def test_hourly_and_nightly_enqueue_their_tasks_for_the_worker_without_running_them():
    out = StringIO()
    call_command("run_periodic", "--hourly", stdout=out)
    assert queued() == HOURLY
    assert "enqueued due_date_reminders_send, review_emails_send" in out.getvalue()
    call_command("run_periodic", "--nightly", stdout=StringIO())
    assert queued() == sorted(HOURLY + NIGHTLY)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"READY"}


def test_the_command_says_what_it_needs():
    with pytest.raises(CommandError, match="--hourly, --nightly, or --loop"):
        call_command("run_periodic")


@override_settings(TASKS=DATABASE_QUEUE, NIGHTLY_TASKS_HOUR=3)
def test_the_scheduler_adds_the_nightly_fit_only_at_its_hour():
    scheduler = Command(stdout=StringIO())
    scheduler.run_due(datetime(2026, 11, 26, 2, 0, tzinfo=dt_timezone.utc))
    assert queued() == HOURLY
    scheduler.run_due(datetime(2026, 11, 26, 3, 0, tzinfo=dt_timezone.utc))
    assert queued() == sorted(HOURLY * 2 + NIGHTLY)


def test_the_nightly_task_fits_the_memory_models(ml_guide):
    forgetful = UserFactory()
    assert history(forgetful, PROFILES["forgetful"], days=150, seed=1) >= 400
    result = memory_models_fit.enqueue()
    assert result.return_value == {"personal": 1}
    fit = MemoryModelFit.objects.get(user=forgetful)
    assert fit.kind == "personal" and fit.used


class StopLoop(Exception):
    pass


def test_the_loop_sleeps_to_the_top_of_the_hour_and_survives_a_queue_that_is_down(monkeypatch, settings):
    from interview.management.commands import run_periodic

    settings.TASKS = DATABASE_QUEUE  # one way of overriding per test: mixed ones unwind out of order
    settings.NIGHTLY_TASKS_HOUR = (datetime.now(dt_timezone.utc).hour + 12) % 24  # not the coming hour

    sleeps = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 3:
            raise StopLoop

    monkeypatch.setattr(run_periodic.time, "sleep", sleep)
    attempts = []
    original = run_periodic.enqueue

    def flaky_enqueue(batch):
        attempts.append(batch)
        if len(attempts) == 1:
            raise ConnectionError("Redis is restarting")
        return original(batch)

    monkeypatch.setattr(run_periodic, "enqueue", flaky_enqueue)
    with pytest.raises(StopLoop):
        call_command("run_periodic", "--loop", stdout=StringIO())
    assert all(0 < seconds <= 3600 for seconds in sleeps)
    assert queued() == HOURLY  # the first hour failed, the second went through
