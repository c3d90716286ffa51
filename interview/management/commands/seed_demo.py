"""Fill the database with demo learners, mentors, cohorts, assignments and realistic attempt histories."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from interview.demo import DEMO_DOMAIN, DEMO_PASSWORD, demo_data_seed


def analyze_tables() -> None:
    """Refresh the planner statistics of the app's tables (the database's own catalogs need a superuser)."""
    with connection.cursor() as cursor:
        for table in connection.introspection.django_table_names(only_existing=True):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


class Command(BaseCommand):
    help = (
        "Replace the demo data: learners with histories consistent with their FSRS schedules, a mentor per "
        f"cohort of 30 with an assigned question set. Every demo account is …@{DEMO_DOMAIN}, password "
        f"{DEMO_PASSWORD!r}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--learners", type=int, default=100, help="Learners (in cohorts of 30).")
        parser.add_argument("--attempts", type=int, default=10_000, help="Attempts shared by the learners.")
        parser.add_argument(
            "--heavy", type=int, default=0, help="Add one learner (heavy@…) with exactly this many attempts."
        )
        parser.add_argument("--days", type=int, default=180, help="How far back the histories go.")
        parser.add_argument("--seed", type=int, default=7, help="Random seed: the same seed, the same data.")

    def handle(
        self, *args, learners: int, attempts: int, heavy: int, days: int, seed: int, **options
    ) -> None:
        if learners < 0 or attempts < 0 or heavy < 0 or days < 1:
            raise CommandError("--learners, --attempts and --heavy must be 0 or more, --days 1 or more.")
        if attempts and not learners:
            raise CommandError("--attempts needs at least one learner (--learners).")
        began = time.perf_counter()
        try:
            report = demo_data_seed(
                learners=learners, attempts=attempts, heavy=heavy, days=days, seed=seed, now=timezone.now()
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        # Planner statistics for the tables just filled in bulk: without them PostgreSQL plans every query as
        # if they were empty until autovacuum comes by, minutes later.
        analyze_tables()
        self.stdout.write(
            f"Seeded {report.learners} learners, {report.mentors} mentors, {report.cohorts} cohorts, "
            f"{report.attempts} attempts and {report.review_states} schedule rows "
            f"in {time.perf_counter() - began:.1f} s."
        )
