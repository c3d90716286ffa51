"""Enqueue the scheduled background tasks: from cron (`--hourly`, `--nightly`) or as a scheduler process (`--loop`)."""

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from interview import tasks

logger = logging.getLogger(__name__)

# Hourly: each learner's emails go out from NOTIFICATION_LOCAL_HOUR in their own zone, so every hour is
# some zone's morning. Both tasks are idempotent: running them twice in an hour sends nothing twice.
HOURLY = (tasks.due_date_reminders_send, tasks.review_emails_send)
NIGHTLY = (tasks.memory_models_fit,)


def enqueue(batch: tuple) -> list[str]:
    return [task.enqueue().task.name for task in batch]


class Command(BaseCommand):
    help = (
        "Enqueue scheduled tasks for the worker: --hourly (due-date reminders, daily reviews emails), "
        "--nightly (memory-model fit); --loop runs as a scheduler process, the hourly ones at the top of each "
        "hour and the nightly one at NIGHTLY_TASKS_HOUR (UTC)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hourly", action="store_true", help="Enqueue the hourly tasks now.")
        parser.add_argument("--nightly", action="store_true", help="Enqueue the nightly tasks now.")
        parser.add_argument("--loop", action="store_true", help="Keep running: enqueue each batch when due.")

    def handle(self, *args, **options) -> None:
        if not (options["hourly"] or options["nightly"] or options["loop"]):
            raise CommandError("Say what to enqueue: --hourly, --nightly, or --loop to keep scheduling.")
        if options["hourly"]:
            self.report(enqueue(HOURLY))
        if options["nightly"]:
            self.report(enqueue(NIGHTLY))
        if options["loop"]:
            self.loop()

    def report(self, names: list[str]) -> None:
        self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M} UTC: enqueued {', '.join(names)}.")

    def loop(self) -> None:
        self.stdout.write(
            "Scheduling: hourly tasks at the top of each hour, nightly ones at "
            f"{settings.NIGHTLY_TASKS_HOUR:02d}:00 UTC."
        )
        while True:
            now = timezone.now()
            next_hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
            time.sleep((next_hour - now).total_seconds())
            try:
                self.run_due(next_hour)
            except Exception:
                # A queue that is down for a moment must not stop the schedule: the next hour tries again,
                # and the hourly tasks catch up on what this one missed.
                logger.exception("Could not enqueue the tasks of %s", f"{next_hour:%Y-%m-%d %H:00}")

    def run_due(self, hour: datetime) -> None:
        """What the scheduler enqueues at the top of this hour (UTC)."""
        names = enqueue(HOURLY)
        if hour.hour == settings.NIGHTLY_TASKS_HOUR:
            names += enqueue(NIGHTLY)
        self.report(names)
