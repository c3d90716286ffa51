"""The per-day activity rollup always equals a recount of the attempts: after recording, rebuilding and
changing time zone."""

import random
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core.management import call_command

from accounts.services import user_preferences_update
from interview.models import Attempt, DailyActivity, PracticeMode, Rating
from interview.services.activity import COUNTED, activity_rebuild, activity_sums
from interview.services.practice import attempt_record, session_start, showing_current
from tests.factories import UserFactory, attempt_history

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 20, 6, 0, tzinfo=dt_timezone.utc)


@pytest.fixture(autouse=True)
def _no_fuzz(settings):
    settings.FSRS_ENABLE_FUZZING = False


def stored(user) -> dict:
    rows = DailyActivity.objects.filter(user=user).values("day", *COUNTED)
    return {row.pop("day"): row for row in rows}


def recounted(user) -> dict:
    rows = activity_sums(Attempt.objects.filter(user=user), user.timezone)
    return {row.pop("day"): {key: value for key, value in row.items() if key != "user_id"} for row in rows}


def same(left: dict, right: dict) -> bool:
    """Equal counts, and coverage sums equal up to float rounding."""
    if left.keys() != right.keys():
        return False
    for day, row in left.items():
        other = right[day]
        if any(row[key] != other[key] for key in COUNTED if key != "coverage_sum"):
            return False
        if abs(row["coverage_sum"] - other["coverage_sum"]) > 1e-9:
            return False
    return True


def record_randomly(user, rng: random.Random, answers: int) -> None:
    """Sessions spread over several days and around midnight, each answer rated at random."""
    moment = START
    while answers:
        session = session_start(user=user, mode=PracticeMode.NEW, now=moment)
        if session is None:
            session = session_start(user=user, mode=PracticeMode.DUE, now=moment)
        while session is not None and answers:
            showing = showing_current(session=session, now=moment)
            if showing is None:
                break
            rating = rng.choice(Rating.values)
            attempt_record(user=user, token=showing.token, rating=rating, answer_text="bias", now=moment)
            answers -= 1
            moment += timedelta(minutes=rng.randint(1, 90))
        moment += timedelta(hours=rng.randint(3, 30))


def test_recorded_attempts_are_counted_in_their_local_day(ml_guide):
    learner = UserFactory(timezone="America/Los_Angeles", daily_new_limit=8, daily_review_limit=50)
    record_randomly(learner, random.Random(3), 40)
    assert Attempt.objects.filter(user=learner).count() == 40
    assert sum(row["attempts"] for row in stored(learner).values()) == 40
    assert same(stored(learner), recounted(learner))
    assert len(stored(learner)) > 2  # the answers fell on several local days


def test_a_rebuild_gives_the_rows_that_recording_kept(ml_guide):
    learner = UserFactory(timezone="Asia/Kolkata", daily_new_limit=6)
    record_randomly(learner, random.Random(11), 25)
    kept = stored(learner)
    DailyActivity.objects.filter(user=learner).update(attempts=0)  # a broken rollup
    activity_rebuild(users=[learner])
    assert same(stored(learner), kept)


def test_the_command_rebuilds_one_user_or_everyone(ml_guide, capsys):
    first, second = UserFactory(), UserFactory(timezone="Europe/Berlin")
    attempt_history(first, 300)
    attempt_history(second, 120)
    DailyActivity.objects.all().delete()
    call_command("rebuild_activity", user=second.email.upper())
    assert not stored(first) and same(stored(second), recounted(second))
    call_command("rebuild_activity")
    assert same(stored(first), recounted(first)) and same(stored(second), recounted(second))
    assert "day rows of activity for every user" in capsys.readouterr().out


def test_changing_time_zone_moves_attempts_to_their_new_local_days(ml_guide):
    learner = UserFactory(timezone="UTC", daily_new_limit=10)
    record_randomly(learner, random.Random(5), 20)
    before = stored(learner)
    user_preferences_update(user=learner, timezone="Pacific/Auckland")
    assert stored(learner) != before
    assert same(stored(learner), recounted(learner))


def test_an_unknown_user_is_refused_by_the_command(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user"):
        call_command("rebuild_activity", user="nobody@example.com")
