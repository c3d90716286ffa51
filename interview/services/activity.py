"""The per-learner per-day activity rollup: kept by attempt_record, rebuilt from the attempts on demand."""

import zoneinfo
from collections.abc import Iterable

from django.db import connection, models, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from accounts.models import User
from interview.bulk import bulk_insert
from interview.models import Attempt, DailyActivity, Rating
from interview.scheduling import local_today
from interview.selectors.learning import REVIEW_ATTEMPT

# The rollup's column for each rating.
RATING_COLUMNS = {Rating.AGAIN: "again", Rating.HARD: "hard", Rating.GOOD: "good", Rating.EASY: "easy"}
COUNTED = ["attempts", "new", "reviews", *RATING_COLUMNS.values(), "coverage_sum"]


def attempt_increments(attempt: Attempt) -> dict[str, float]:
    """What one attempt adds to its day's row: the single definition the rebuild's sums follow too."""
    increments: dict[str, float] = dict.fromkeys(COUNTED, 0)
    increments["attempts"] = 1
    increments["new"] = int(attempt.was_new)
    increments["reviews"] = int(not attempt.was_new and not attempt.was_repeat)
    increments[RATING_COLUMNS[Rating(attempt.rating)]] = 1
    increments["coverage_sum"] = attempt.coverage
    return increments


def activity_add(*, attempt: Attempt) -> None:
    """Count a recorded attempt in its local day's row (one upsert; call it in the recording transaction)."""
    sql, params = activity_add_statement(attempt)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def activity_add_statement(attempt: Attempt) -> tuple[str, list]:
    """activity_add's upsert and its parameters, for a caller that sends it with other statements."""
    increments = attempt_increments(attempt)
    table = connection.ops.quote_name(DailyActivity._meta.db_table)
    columns = ["user_id", "day", *COUNTED]
    # ON CONFLICT adds to the row atomically, so two tabs recording at once both count (PostgreSQL, SQLite).
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT (user_id, day) DO UPDATE SET "
        + ", ".join(f"{column} = {table}.{column} + excluded.{column}" for column in COUNTED)
    )
    day = local_today(attempt.user, attempt.created_at)
    return sql, [attempt.user_id, day, *(increments[column] for column in COUNTED)]


def activity_sums(attempts: models.QuerySet[Attempt], zone: str) -> models.QuerySet:
    """Per user and local day, the sums a DailyActivity row holds (the rebuild's one grouped query)."""
    ratings = {column: Count("pk", filter=Q(rating=value)) for value, column in RATING_COLUMNS.items()}
    return (
        attempts.annotate(day=TruncDate("created_at", tzinfo=zoneinfo.ZoneInfo(zone)))
        .values("user_id", "day")
        .annotate(
            attempts=Count("pk"),
            new=Count("pk", filter=Q(was_new=True)),
            reviews=Count("pk", filter=REVIEW_ATTEMPT),
            coverage_sum=Sum("coverage"),
            **ratings,
        )
        .order_by()
    )


@transaction.atomic
def activity_rebuild(*, users: Iterable[User] | None = None) -> int:
    """Recompute the rollup from the attempts, for ``users`` or everyone; returns the number of rows written."""
    rows = DailyActivity.objects.all()
    people = User.objects.all()
    if users is not None:
        ids = [user.pk for user in users]
        rows, people = rows.filter(user_id__in=ids), people.filter(pk__in=ids)
    rows.delete()
    written = 0
    zones = people.filter(pk__in=Attempt.objects.values("user_id")).values_list("timezone", flat=True)
    for zone in sorted(set(zones)):
        attempts = Attempt.objects.filter(user__in=people.filter(timezone=zone))
        # COPY on PostgreSQL: a rebuild over millions of attempts takes seconds.
        written += bulk_insert(DailyActivity, [DailyActivity(**row) for row in activity_sums(attempts, zone)])
    return written
