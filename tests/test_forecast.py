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
GOOD_STABILITY = 2.3065  # FSRS-6 default: the stability of a new question rated Good


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
    # Five questions due now, each one stability (10 days) after its review.
    states = [review_state(10, 10, NOW, question_id=pk) for pk in range(1, 6)]
    result = forecast(learner, states, reviews_left=3)
    # Today's sitting answers a minute after now: three reviews (the limit), each forgotten with chance
    # 1 - R, which takes one more answer (its repeat in the session). The two others wait.
    r0 = DEFAULT_MODEL.recall(10, 10 + 1 / 1440)
    assert result.answers_per_day[0] == pytest.approx(3 * (2 - r0))
    # Tomorrow's sitting (09:00, answers at 09:01): the two that waited, 10 days and 21 h 1 min after their
    # review. The three forgotten ones, relearned at 12:06 and due a day later, are not yet due at 09:00.
    r1 = DEFAULT_MODEL.recall(10, 10 + (21 * 60 + 1) / 1440)
    assert result.answers_per_day[1] == pytest.approx(2 * (2 - r1))
    assert result.new_per_day == [0] * 10
    assert result.reviews_per_day_mean == pytest.approx(result.answers_per_day_mean)


def test_new_questions_follow_the_daily_limit_and_their_step_waits_for_the_next_sitting(learner):
    learner.interview_date = date(2026, 11, 28)  # three days: the 25th, 26th and 27th
    learner.daily_new_limit = 2
    result = forecast(learner, [], unseen=5, new_left=2)
    # Day 0 (now, 12:00; new questions at 12:02): two new questions rated Good; their 10-minute learning
    # step waits for tomorrow's sitting.
    assert result.answers_per_day[0] == 2.0
    # Day 1 (09:00): the two steps, answered at 09:01, 20 h 59 min after the first sight (recall r; a
    # forgotten one takes its repeat too), then two new questions. Day 2: the last new one.
    r = DEFAULT_MODEL.recall(GOOD_STABILITY, (20 * 60 + 59) / 1440)
    assert result.answers_per_day[1] == pytest.approx(2 + 2 * (2 - r))
    assert result.new_per_day == [2, 2, 1]
    assert (result.new_days, result.new_per_new_day) == (3, 2)
    assert result.reviews_per_day_mean == pytest.approx((sum(result.answers_per_day) - 5) / 3)
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


def test_the_forecast_costs_no_query_and_little_time(learner, ml_guide):
    """The dashboard with an interview date: no more queries (it runs on the schedule rows the dashboard
    reads anyway), the rest in Python."""
    import time

    learner.interview_date = date(2026, 12, 25)  # a month ahead
    for question in Question.objects.public():
        ReviewState.objects.create(
            user=learner, question=question, phase=2, stability=4, difficulty=5, last_review=NOW, due=NOW
        )
    learner.interview_date = None
    dashboard_stats(learner, NOW)  # reads the bank's figures, which the process then keeps
    with CaptureQueriesContext(connection) as without:
        dashboard_stats(learner, NOW)
    learner.interview_date = date(2026, 12, 25)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as with_forecast:
        dashboard_stats(learner, NOW)
    elapsed = time.perf_counter() - started
    assert len(with_forecast) == len(without)
    print(f"dashboard with a 30-day forecast over 48 questions: {elapsed * 1000:.0f} ms")


# Reuse: the dashboard reads the forecast from the worker's latest runs while none of its inputs changed.


@pytest.fixture
def forecast_runs(monkeypatch):
    """Counts the forecast's real runs (the reuse table starts empty)."""
    import interview.forecast

    monkeypatch.setattr(interview.forecast, "_reused", interview.forecast.OrderedDict())
    runs = []
    original = interview.forecast.schedule_forecast

    def counting(**arguments):
        runs.append(arguments["user"].pk)
        return original(**arguments)

    monkeypatch.setattr(interview.forecast, "schedule_forecast", counting)
    return runs


def learner_with_schedule(user, *, questions=10):
    user.interview_date = date(2026, 12, 25)
    user.save()
    for question in Question.objects.public().order_by("number")[:questions]:
        ReviewState.objects.create(
            user=user,
            question=question,
            phase=2,
            stability=4,
            difficulty=5,
            last_review=NOW - timedelta(days=2),
            due=NOW + timedelta(days=1),
        )
    return user


def forecast_figures(stats):
    return (
        stats.readiness_forecast,
        stats.reviews_per_day_needed,
        stats.new_per_day_planned,
        stats.new_days_planned,
        stats.schedule,
    )


def test_a_reload_reuses_the_forecast_with_the_same_figures(learner, ml_guide, forecast_runs):
    learner_with_schedule(learner)
    first = dashboard_stats(learner, NOW)
    again = dashboard_stats(learner, NOW + timedelta(minutes=10))
    assert forecast_runs == [learner.pk]
    assert forecast_figures(again) == forecast_figures(first)
    states = list(ReviewState.objects.filter(user=learner))
    assert first.schedule == schedule_forecast(
        user=learner,
        now=NOW,
        states=states,
        unseen=Question.objects.public().count() - len(states),
        total=Question.objects.public().count(),
        new_left=first.today_counts.budget.new_left,
        reviews_left=first.today_counts.budget.reviews_left,
    )


def test_recording_an_attempt_runs_the_forecast_again(learner, ml_guide, forecast_runs):
    from interview.models import PracticeMode
    from interview.services.practice import attempt_record, session_start, showing_current

    learner_with_schedule(learner)
    dashboard_stats(learner, NOW)
    session = session_start(user=learner, mode=PracticeMode.NEW, now=NOW)
    showing = showing_current(session=session, now=NOW)
    attempt_record(user=learner, token=showing.token, rating=4, now=NOW)
    after = dashboard_stats(learner, NOW)
    assert forecast_runs == [learner.pk, learner.pk]
    assert after.new_days_planned is not None


def test_a_changed_preference_runs_the_forecast_again(learner, ml_guide, forecast_runs):
    learner_with_schedule(learner)
    before = dashboard_stats(learner, NOW)
    learner.daily_new_limit = 1
    learner.save()
    after = dashboard_stats(learner, NOW)
    assert forecast_runs == [learner.pk, learner.pk]
    assert after.new_per_day_planned == 1 != before.new_per_day_planned


def test_a_question_falling_due_or_the_next_hour_runs_the_forecast_again(learner, ml_guide, forecast_runs):
    learner_with_schedule(learner)
    dashboard_stats(learner, NOW)
    dashboard_stats(learner, NOW + timedelta(hours=1))
    ReviewState.objects.filter(user=learner).update(due=NOW + timedelta(minutes=90))
    dashboard_stats(learner, NOW + timedelta(hours=1, minutes=20))
    dashboard_stats(learner, NOW + timedelta(hours=1, minutes=40))  # the same hour, one question now due
    assert len(forecast_runs) == 4


def test_two_learners_with_the_same_schedule_never_share_a_forecast(learner, ml_guide, forecast_runs):
    from tests.factories import UserFactory

    other = UserFactory(email="other@example.com")
    learner_with_schedule(learner)
    learner_with_schedule(other)
    dashboard_stats(learner, NOW)
    dashboard_stats(other, NOW)
    assert forecast_runs == [learner.pk, other.pk]
