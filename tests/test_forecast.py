"""The forecast: a day-by-day run of the real scheduler with expected values, daily limits and the interview rule."""

from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interview.forecast import schedule_forecast
from interview.models import Question, ReviewState
from interview.scheduling import DEFAULT_MODEL
from interview.selectors.dashboard import dashboard_stats

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=dt_timezone.utc)
GOOD_STABILITY = 2.3065  # FSRS-6 default: a new question rated Good, then Good at its 10-minute step


def review_state(stability: float, days_ago: float, due: datetime, question_id: int = 1) -> ReviewState:
    return ReviewState(
        question_id=question_id,
        phase=2,
        stability=stability,
        difficulty=5.0,
        last_review=NOW - timedelta(days=days_ago),
        due=due,
    )


def forecast(user, states, *, unseen=0, total=48, new_left=0, reviews_left=100):
    return schedule_forecast(
        user=user,
        now=NOW,
        states=states,
        unseen=unseen,
        total=total,
        new_left=new_left,
        reviews_left=reviews_left,
    )


def test_no_interview_date_no_forecast(learner):
    assert forecast(learner, []) is None


def test_a_question_known_well_past_the_interview_is_not_reviewed(learner):
    learner.interview_date = date(2026, 12, 5)  # starts 9.5 days after NOW
    learner.daily_new_limit = 0
    # Stability 100 times the time left: recall (1 + 0.98043 * 0.01) ** -0.1542 = 0.99850 on the day.
    result = forecast(learner, [review_state(950, 0, NOW + timedelta(days=60))])
    assert result.answers_per_day == [0.0] * 10
    assert result.readiness == pytest.approx(0.99850 / 48, abs=1e-5)


def test_due_reviews_keep_to_the_review_limit_and_count_expected_lapses(learner):
    learner.interview_date = date(2026, 12, 5)
    learner.daily_new_limit = 0
    # Five questions due now, each one stability after its review: recall 0.9 now.
    states = [review_state(10, 10, NOW, question_id=pk) for pk in range(1, 6)]
    result = forecast(learner, states, reviews_left=3)
    # Three reviews today (the limit); each forgotten with chance 0.1 takes one more answer (its relearning
    # step): 3 + 3 * 0.1 = 3.3. The two others wait for tomorrow.
    assert result.answers_per_day[0] == pytest.approx(3.3)
    # Tomorrow: the two that waited (recall a little under 0.9: 2 * 1.1 and a bit), and the three forgotten
    # branches (weight 0.1 each), relearned today and due again after a day: about 0.3 more.
    assert 2.2 + 0.3 < result.answers_per_day[1] < 2.2 + 0.3 + 0.1


def test_new_questions_follow_the_daily_limit_with_their_learning_step(learner):
    learner.interview_date = date(2026, 11, 28)  # three days: the 25th, 26th and 27th
    learner.daily_new_limit = 2
    result = forecast(learner, [], unseen=5, new_left=2)
    # Day 0: two new questions, each Good then Good at its 10-minute step: 4 answers.
    # Day 1 (09:00): two more, 4 answers; their next review (the 28th, after the interview) would leave them
    # at recall 0.92 on the day, below 0.95, so the rule brings them back on the 27th at 08:00.
    # Day 2: the last new one (2 answers), and four reviews: the day-0 pair due at 12:10 two days after their
    # step (recall R(2.0 days)), the day-1 pair at 09:00 (R(0.993 days)); a forgotten one takes 2 answers.
    r0 = DEFAULT_MODEL.recall(GOOD_STABILITY, 2.0)
    r1 = DEFAULT_MODEL.recall(GOOD_STABILITY, (23 * 60 + 50) / 1440)
    assert result.answers_per_day[:2] == [4.0, 4.0]
    assert result.answers_per_day[2] == pytest.approx(2 + 2 * (2 - r0) + 2 * (2 - r1))
    assert 4 / 48 < result.readiness < 5 / 48  # five questions learned, each recalled at less than 1


def test_keeping_to_the_schedule_reads_higher_than_stopping_now(learner, ml_guide):
    learner.interview_date = date(2026, 12, 5)
    for question in Question.objects.public().order_by("number")[:20]:
        ReviewState.objects.create(
            user=learner,
            question=question,
            phase=2,
            stability=3,
            difficulty=5,
            last_review=NOW - timedelta(days=3),
            due=NOW,
        )
    stats = dashboard_stats(learner, NOW)
    assert stats.readiness_forecast > stats.readiness
    assert stats.reviews_per_day_needed >= 1


def test_the_forecast_costs_one_query_and_little_time(learner, ml_guide):
    """The dashboard with an interview date: one more query (the schedule rows), the rest in Python."""
    import time

    learner.interview_date = date(2026, 12, 25)  # a month ahead
    for question in Question.objects.public():
        ReviewState.objects.create(
            user=learner, question=question, phase=2, stability=4, difficulty=5, last_review=NOW, due=NOW
        )
    with CaptureQueriesContext(connection) as without:
        learner.interview_date = None
        dashboard_stats(learner, NOW)
    learner.interview_date = date(2026, 12, 25)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as with_forecast:
        dashboard_stats(learner, NOW)
    elapsed = time.perf_counter() - started
    assert len(with_forecast) == len(without) + 1
    print(f"dashboard with a 30-day forecast over 48 questions: {elapsed * 1000:.0f} ms")
