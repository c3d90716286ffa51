"""The learning numbers (interview/selectors/learning.py) on hand-computed cases, and through the API.

FSRS defines stability so that recall is exactly 0.9 when the time since the last review equals the
stability; that makes recall easy to compute by hand: 1.0 just after a review, 0.9 after S days.
"""

import random
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core.cache import cache
from django.test import Client
from fsrs import Card, Scheduler, State

from interview.models import DailyActivity, Question, Rating, ReviewState, Topic
from interview.scheduling import DEFAULT_MODEL, DEFAULT_PARAMETERS, MemoryModel
from interview.selectors.dashboard import dashboard_stats
from interview.selectors.learning import (
    DailyBudget,
    TopicFigures,
    _topic_sums_orm,
    _topic_sums_sql,
    bank_figures,
    budget_from,
    daily_budget,
    readiness_moment,
    recall,
    recall_at,
    today_counts,
    topic_figures,
    topic_figures_for,
    topic_strength,
    weak_topics,
    weakest_topics,
)
from tests.conftest import GUIDE_SLUG

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=dt_timezone.utc)
GOOD = Rating.GOOD


def question(number: int) -> Question:
    return Question.objects.get(guide__slug=GUIDE_SLUG, number=number)


def practised(user, number, *, stability=10.0, days_ago=0.0, reviews=1, lapses=0, due_in=timedelta(days=5)):
    return ReviewState.objects.create(
        user=user,
        question=question(number),
        phase=State.Review,
        stability=stability,
        difficulty=5,
        last_review=NOW - timedelta(days=days_ago),
        due=NOW + due_in,
        last_rating=3,
        reviews=reviews,
        lapses=lapses,
    )


def figures_of(user, slug: str) -> TopicFigures:
    return next(figures for figures in topic_figures(user, NOW) if figures.topic.slug == slug)


# Recall ------------------------------------------------------------------------------------------------


def test_recall_is_one_just_after_a_review_and_nine_tenths_after_its_stability():
    assert recall_at(stability=10, last_review=NOW, moment=NOW, model=DEFAULT_MODEL, last_rating=GOOD) == 1.0
    assert recall_at(
        stability=10, last_review=NOW - timedelta(days=10), moment=NOW, model=DEFAULT_MODEL, last_rating=GOOD
    ) == pytest.approx(0.9, abs=1e-12)
    assert (
        recall_at(stability=None, last_review=None, moment=NOW, model=DEFAULT_MODEL, last_rating=GOOD) == 0.0
    )


def test_recall_always_asks_for_the_latest_rating_so_again_is_never_forgotten():
    with pytest.raises(TypeError):
        recall_at(stability=10, last_review=NOW, moment=NOW, model=DEFAULT_MODEL)  # type: ignore[call-arg]
    assert (
        recall_at(stability=10, last_review=NOW, moment=NOW, model=DEFAULT_MODEL, last_rating=Rating.AGAIN)
        == 0.0
    )


def test_recall_counts_hours_not_whole_days():
    # Stability of half a day, reviewed 12 hours ago: 0.9, where whole days would still say 1.0.
    twelve_hours_ago = NOW - timedelta(hours=12)
    assert recall_at(
        stability=0.5, last_review=twelve_hours_ago, moment=NOW, model=DEFAULT_MODEL, last_rating=GOOD
    ) == pytest.approx(0.9, abs=1e-12)


def test_the_learners_own_decay_is_used():
    steep = MemoryModel(parameters=(*DEFAULT_MODEL.parameters[:20], 0.5))
    # Still 0.9 at t = S (that is what stability means), but the tails differ: at t = 3S,
    # R = (1 + factor * 3) ** -decay with factor = 0.9 ** (-1 / decay) - 1.
    default_tail = (1 + (0.9 ** (-1 / 0.1542) - 1) * 3) ** -0.1542
    steep_tail = (1 + (0.9 ** (-1 / 0.5) - 1) * 3) ** -0.5
    last = NOW - timedelta(days=30)
    assert recall_at(
        stability=10, last_review=last, moment=NOW, model=DEFAULT_MODEL, last_rating=GOOD
    ) == pytest.approx(default_tail)
    assert recall_at(
        stability=10, last_review=last, moment=NOW, model=steep, last_rating=GOOD
    ) == pytest.approx(steep_tail)
    assert steep_tail < default_tail


@pytest.mark.parametrize("decay", [0.1542, 0.5])
def test_the_database_python_and_fsrs_agree_on_random_cards(learner, ml_guide, decay):
    model = MemoryModel(parameters=(*DEFAULT_MODEL.parameters[:20], decay))
    scheduler = Scheduler(parameters=model.parameters)
    rng = random.Random(11)
    questions = list(Question.objects.public()[:40])
    for item in questions:
        ReviewState.objects.create(
            user=learner,
            question=item,
            stability=rng.uniform(0.01, 400),
            difficulty=5,
            phase=State.Review,
            last_review=NOW - timedelta(seconds=rng.uniform(0, 400 * 86_400)),
            due=NOW,
            last_rating=rng.choice([None, *Rating.values]),  # Again counts 0 in both
        )
    for _ in range(5):
        moment = NOW + timedelta(seconds=rng.uniform(-3600, 300 * 86_400))
        rows = ReviewState.objects.filter(user=learner).annotate(db_recall=recall(moment, model))
        for row in rows:
            expected = recall_at(
                stability=row.stability,
                last_review=row.last_review,
                moment=moment,
                model=model,
                last_rating=row.last_rating,
            )
            assert row.db_recall == pytest.approx(expected, abs=1e-6)
            if row.last_rating == Rating.AGAIN:
                assert row.db_recall == 0.0
                continue
            # At whole days since the review, exactly what the fsrs package computes.
            card = Card(
                stability=row.stability, difficulty=5, state=State.Review, last_review=row.last_review
            )
            whole_days = row.last_review + timedelta(days=rng.randint(0, 400))
            assert recall_at(
                stability=row.stability,
                last_review=row.last_review,
                moment=whole_days,
                model=model,
                last_rating=GOOD,
            ) == pytest.approx(scheduler.get_card_retrievability(card, whole_days), abs=1e-9)


# Coverage, retention, mastery ------------------------------------------------------------------------------


def random_schedules(*users) -> None:
    """30 schedule rows each, of random stability (some unpractised), age, latest rating and counts."""
    rng = random.Random(7)
    questions = list(Question.objects.public())
    for user in users:
        for item in rng.sample(questions, 30):
            ReviewState.objects.create(
                user=user,
                question=item,
                stability=rng.choice([None, rng.uniform(0.01, 300)]),
                difficulty=5,
                phase=State.Review,
                last_review=NOW - timedelta(seconds=rng.uniform(0, 200 * 86_400)),
                due=NOW,
                last_rating=rng.choice([None, *Rating.values]),
                reviews=rng.randint(0, 12),
                lapses=rng.randint(0, 3),
            )


def test_one_learners_topic_figures_equal_the_cohort_query_on_random_schedules(learner, stranger, ml_guide):
    """A learner's figures are summed in Python from their schedule rows; the cohort grid sums the same in
    the database for many learners at once. Both must give the same numbers."""
    random_schedules(learner, stranger)
    _, cohort = topic_figures_for([learner, stranger], NOW)
    for user in (learner, stranger):
        for mine in topic_figures(user, NOW):
            theirs = cohort[user.pk, mine.topic.pk]
            assert (mine.total, mine.practised, mine.answers_after_first, mine.lapses) == (
                theirs.total,
                theirs.practised,
                theirs.answers_after_first,
                theirs.lapses,
            )
            assert mine.recall_sum == pytest.approx(theirs.recall_sum, abs=1e-6)
    assert any(figures.practised for figures in topic_figures(learner, NOW))


@pytest.mark.parametrize("per_user", [True, False])
def test_the_written_out_topic_sums_equal_the_orms(
    learner, stranger, mentor, ml_guide, on_postgresql, per_user
):
    """PostgreSQL sums a cohort's topics in written-out SQL; the ORM's query (SQLite's path) is its oracle:
    per learner and per topic over the group, with two memory models among the learners."""
    if not on_postgresql:
        pytest.skip("the written-out SQL is PostgreSQL's; SQLite runs the ORM's query it is checked against")
    mentor.memory_parameters = [*DEFAULT_PARAMETERS[:20], DEFAULT_PARAMETERS[20] / 2]
    random_schedules(learner, stranger, mentor)
    users = [learner, stranger, mentor]
    questions = list(bank_figures().topics_of)
    written_out = _topic_sums_sql(users, NOW, per_user=per_user, questions=questions)
    orm = _topic_sums_orm(users, NOW, per_user=per_user, questions=questions)
    assert written_out.keys() == orm.keys() and len(orm) >= 9  # every topic at least
    for key, expected in orm.items():
        sums = written_out[key]
        counts = (sums.practised, sums.answers_after_first, sums.lapses)
        assert counts == (expected.practised, expected.answers_after_first, expected.lapses)
        assert sums.recall_sum == pytest.approx(expected.recall_sum, abs=1e-9)


def test_coverage_retention_and_mastery_of_a_topic(learner, ml_guide):
    # deployment-mlops has questions 10, 30 and 42, in no other topic.
    practised(learner, 10, stability=10, days_ago=0)  # recall 1.0
    practised(learner, 30, stability=10, days_ago=10)  # recall 0.9
    figures = figures_of(learner, "deployment-mlops")
    assert (figures.practised, figures.total) == (2, 3)
    assert figures.coverage == pytest.approx(2 / 3)
    assert figures.retention == pytest.approx(0.95)  # (1.0 + 0.9) / 2
    assert figures.mastery == pytest.approx(1.9 / 3)  # question 42 counts 0

    shown = next(topic for topic in dashboard_stats(learner, NOW).topics if topic.slug == "deployment-mlops")
    assert (shown.coverage, shown.retention, shown.mastery) == (67, 95, 63)


def test_an_unstarted_topic_has_no_retention_and_zero_mastery(learner, ml_guide):
    figures = figures_of(learner, "time-series")
    assert figures.retention is None and figures.mastery == 0 and figures.coverage == 0


# Weak topics ----------------------------------------------------------------------------------------------


def weak_world(learner):
    # X (deployment-mlops): one question, recall 0.9, its one later answer was Again.
    practised(learner, 10, days_ago=10, reviews=2, lapses=1)
    # Y (feature-engineering): three questions, recall 0.9 each, 6 Again of 9 later answers.
    for number in (11, 15, 40):
        practised(learner, number, days_ago=10, reviews=4, lapses=2)
    # Z (model-evaluation): three questions just reviewed, no lapse in 6 later answers.
    for number in (4, 7, 18):
        practised(learner, number, days_ago=0, reviews=3, lapses=0)


def test_topic_strength_is_a_bayesian_average_of_retention_and_lapse_rate(learner, ml_guide):
    weak_world(learner)
    # Overall: retention (0.9 + 2.7 + 3) / 7 = 0.942857; lapse rate (1 + 6 + 0) / (1 + 9 + 6) = 0.4375.
    overall_retention, overall_lapse_rate = 6.6 / 7, 7 / 16
    # X: retention (0.9 + 2 * 0.942857) / 3 = 0.928571, lapse rate (1 + 4 * 0.4375) / 5 = 0.55.
    x = figures_of(learner, "deployment-mlops")
    assert topic_strength(x, overall_retention, overall_lapse_rate) == pytest.approx(
        0.928571 * 0.45, abs=1e-6
    )
    # Y: retention (2.7 + 1.885714) / 5 = 0.917143, lapse rate (6 + 1.75) / 13 = 0.596154.
    y = figures_of(learner, "feature-engineering")
    assert topic_strength(y, overall_retention, overall_lapse_rate) == pytest.approx(
        0.917143 * (1 - 0.596154), abs=1e-6
    )


def test_one_unlucky_review_does_not_crown_a_topic_weakest(learner, ml_guide):
    weak_world(learner)
    figures = topic_figures(learner, NOW)
    ranked = [item.topic.slug for item in weak_topics(figures)]
    # Without the prior, X (lapse rate 100 % on one answer) would come first; Y failed far more often.
    assert ranked == ["feature-engineering", "deployment-mlops", "model-evaluation"]
    assert [topic.slug for topic in weakest_topics(learner, NOW)] == ranked
    assert dashboard_stats(learner, NOW).weakest_topics == ranked


def test_lower_retention_makes_a_topic_weaker_when_nothing_lapsed(learner, ml_guide):
    # The case: a topic rated Hard (short stability, recall falling fast) against one answered Easy.
    for number in (11, 15, 40, 47):  # feature-engineering, all four: stability 1.3 days, reviewed 2 days ago
        practised(learner, number, stability=1.3, days_ago=2)
    practised(learner, 10, stability=8.3, days_ago=2)  # deployment-mlops, one Easy
    assert [topic.slug for topic in weakest_topics(learner, NOW)][0] == "feature-engineering"


def test_never_started_topics_are_not_weak_topics(learner, ml_guide):
    practised(learner, 10)
    assert [topic.slug for topic in weakest_topics(learner, NOW)] == ["deployment-mlops"]


def test_a_question_left_at_again_is_not_recalled_until_answered_correctly(learner, ml_guide):
    # Both reviewed 2 hours ago with a stability of 0.1 day; one was rated Again last, the other Good.
    failed = practised(learner, 10, stability=0.1, days_ago=2 / 24)
    failed.last_rating = 1
    failed.save()
    practised(learner, 30, stability=0.1, days_ago=2 / 24)
    # The model alone would say (1 + 0.98043 * (1/12) / 0.1) ** -0.1542 = 0.9083 for each.
    model_recall = (1 + (0.9 ** (-1 / 0.1542) - 1) * (1 / 12) / 0.1) ** -0.1542
    assert (
        recall_at(
            stability=0.1, last_review=failed.last_review, moment=NOW, model=DEFAULT_MODEL, last_rating=1
        )
        == 0.0
    )
    assert recall_at(
        stability=0.1, last_review=failed.last_review, moment=NOW, model=DEFAULT_MODEL, last_rating=3
    ) == pytest.approx(model_recall, abs=1e-4)
    figures = figures_of(learner, "deployment-mlops")  # questions 10, 30 and 42
    assert figures.retention == pytest.approx(model_recall / 2, abs=1e-4)
    rows = ReviewState.objects.filter(user=learner).annotate(now_recall=recall(NOW, DEFAULT_MODEL))
    assert sorted(round(row.now_recall, 4) for row in rows) == [0.0, round(model_recall, 4)]


# Readiness ----------------------------------------------------------------------------------------------


def test_readiness_is_expected_recall_in_seven_days_without_an_interview(learner, ml_guide):
    # Stability 7 days, just reviewed: recall 0.9 in 7 days; the 46 others count 0.
    practised(learner, 10, stability=7, days_ago=0)
    practised(learner, 30, stability=7, days_ago=0)
    assert readiness_moment(learner, NOW) == NOW + timedelta(days=7)
    assert dashboard_stats(learner, NOW).readiness == round(100 * 1.8 / 48)  # 4


def test_readiness_looks_at_the_start_of_the_interview_day(learner, ml_guide):
    learner.timezone = "Europe/Paris"
    learner.interview_date = date(2026, 12, 5)
    moment = readiness_moment(learner, NOW)
    assert moment == datetime(2026, 12, 4, 23, 0, tzinfo=dt_timezone.utc)
    # Reviewed so that the interview day starts exactly one stability later: recall 0.9 on the day.
    for number in range(1, 49):
        ReviewState.objects.create(
            user=learner,
            question=question(number),
            stability=4.0,
            difficulty=5,
            phase=State.Review,
            last_review=moment - timedelta(days=4),
            due=moment + timedelta(days=1),
        )
    assert dashboard_stats(learner, moment - timedelta(days=4)).readiness == 90


# Failing and knowing learners, through the API -------------------------------------------------------------


def answer_everything(client: Client, learner, rating: int, times: int) -> None:
    """Answer through the API until every question was rated ``times`` times."""
    for count in range(48 * times * 2):
        if ReviewState.objects.filter(user=learner, reviews__gte=times).count() == 48:
            return
        if count % 100 == 99:
            cache.clear()  # the write throttle, not what is tested here
        shown = client.get("/api/v1/practice/next/", {"mode": "new"})
        assert shown.status_code == 200, shown.content
        body = shown.json()
        posted = client.post(
            "/api/v1/attempts/",
            {
                "question": body["question"]["id"],
                "token": body["token"],
                "rating": rating,
                "answer_text": "x",
            },
            content_type="application/json",
        )
        assert posted.status_code == 201, posted.content
    raise AssertionError("not every question was answered")


@pytest.fixture
def api(learner, ml_guide) -> Client:
    learner.daily_new_limit = 50
    learner.save()
    # Siblings are buried for the rest of the day; these tests answer the whole guide in one day.
    Question.siblings.through.objects.all().delete()
    client = Client()
    client.force_login(learner)
    return client


def test_a_learner_who_fails_everything_reads_low(api, learner, ml_guide):
    answer_everything(api, learner, rating=1, times=2)  # every question Again, twice
    stats = api.get("/api/v1/stats/").json()
    assert ReviewState.objects.filter(user=learner, last_rating=1).count() == 48
    # Every question's latest answer is Again: none is relearned, so none counts (not FSRS's long tail,
    # which would still predict half of them recalled in a week).
    assert stats["readiness"] == 0
    assert all(topic["mastery"] == 0 and topic["retention"] == 0 for topic in stats["topics"])


def test_a_learner_who_knows_everything_reads_high(api, learner, ml_guide):
    answer_everything(api, learner, rating=4, times=1)  # every question Easy
    stats = api.get("/api/v1/stats/").json()
    assert stats["readiness"] >= 90, stats["readiness"]
    assert all(topic["coverage"] == 100 and topic["retention"] == 100 for topic in stats["topics"])


def test_again_reads_lower_than_good_on_the_same_questions(learner, stranger, ml_guide):
    from interview.services.practice import attempt_record, session_start, showing_current

    for user, rating in ((learner, 1), (stranger, 3)):
        session = session_start(user=user, mode="new", now=NOW)
        for _ in range(3):
            showing = showing_current(session=session, now=NOW)
            attempt_record(user=user, token=showing.token, rating=rating, now=NOW)
    failing, knowing = dashboard_stats(learner, NOW).readiness, dashboard_stats(stranger, NOW).readiness
    assert failing < knowing


# Today's counts -------------------------------------------------------------------------------------------


def test_the_budget_is_the_limits_minus_todays_first_answers_and_reviews(learner):
    learner.daily_new_limit, learner.daily_review_limit = 5, 20
    budget = budget_from(learner, new_today=7, reviews_today=3)
    assert (budget.new_left, budget.reviews_left) == (0, 17)
    assert daily_budget(learner, NOW) == budget_from(learner, new_today=0, reviews_today=0)


def test_the_budget_reads_todays_row_of_the_activity_rollup_in_the_learners_zone(
    learner, django_assert_num_queries
):
    learner.daily_new_limit, learner.daily_review_limit = 10, 50
    learner.timezone = "Pacific/Auckland"  # NOW, 12:00 UTC, is 01:00 on 26 November there
    DailyActivity.objects.create(user=learner, day=date(2026, 11, 25), attempts=40, new=9, reviews=30)
    DailyActivity.objects.create(user=learner, day=date(2026, 11, 26), attempts=12, new=4, reviews=6)
    with django_assert_num_queries(1):  # one row, however many attempts the day holds
        budget = daily_budget(learner, NOW)
    assert (budget.new_left, budget.reviews_left) == (10 - 4, 50 - 6)
    learner.timezone = "UTC"  # still the 25th: that day's row
    assert daily_budget(learner, NOW) == DailyBudget(new_left=10 - 9, reviews_left=50 - 30)


def test_due_and_new_counts_are_capped_by_what_is_left_today(learner, ml_guide):
    learner.daily_new_limit, learner.daily_review_limit = 3, 1
    practised(learner, 10, due_in=-timedelta(hours=1))
    practised(learner, 30, due_in=-timedelta(days=2))
    practised(learner, 42, due_in=timedelta(hours=1))
    counts = today_counts(learner, NOW)
    assert (counts.due_now, counts.due_within_limit) == (2, 1)
    assert (counts.unseen, counts.new_within_limit) == (45, 3)
    stats = dashboard_stats(learner, NOW)
    assert (stats.due_now, stats.new_available) == (1, 3)


def test_every_view_of_a_topic_uses_the_same_figures(learner, ml_guide):
    weak_world(learner)
    topic = Topic.objects.get(slug="feature-engineering")
    figures = figures_of(learner, topic.slug)
    shown = next(t for t in dashboard_stats(learner, NOW).topics if t.slug == topic.slug)
    assert shown.mastery == round(100 * figures.mastery)
