"""Fitted memory models: site-wide and personal FSRS-6 parameters, used only where they beat the defaults."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core.management import call_command
from fsrs_rs_python import FSRSItem, FSRSReview

from interview.memory_fit import Evaluation, Review, better_than, review_histories, review_items, split_latest
from interview.models import Attempt, MemoryModelFit, PracticeMode, Question
from interview.scheduling import DEFAULT_MODEL, memory_model_for, scheduler_for
from interview.simulation import PROFILES, synthetic_reviews
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 5, 8, 0, tzinfo=dt_timezone.utc)


def history(user, parameters, *, days: int, seed: int) -> int:
    """Attempts of a simulated learner with these true parameters; returns how many."""
    questions = list(Question.objects.public().order_by("number"))
    rows = synthetic_reviews(parameters, questions=len(questions), days=days, start=START, seed=seed)
    Attempt.objects.bulk_create(
        Attempt(
            user=user,
            question=questions[index],
            mode=PracticeMode.DUE,
            coverage=1.0,
            suggested_rating=rating,
            rating=rating,
            due_after=moment,
            created_at=moment,
        )
        for index, moment, rating in rows
    )
    return len(rows)


def test_items_count_whole_local_days_and_skip_same_day_repeats():
    question = 7
    at = datetime(2026, 3, 1, 22, 30, tzinfo=dt_timezone.utc)  # 23:30 in Berlin
    reviews = [
        Review(question, at, 3),
        Review(question, at + timedelta(hours=1), 3),  # 00:30 the next day in Berlin: one day later
        Review(question, at + timedelta(hours=2), 1),  # the same Berlin day: no item of its own
        Review(question, at + timedelta(days=3), 3),  # 4 March in Berlin: two days after the 2nd
    ]
    histories = review_histories(reviews, "Europe/Berlin")
    assert [steps for _, steps in histories] == [[(3, 0), (3, 1)], [(3, 0), (3, 1), (1, 0), (3, 2)]]
    assert len(review_items(reviews, "Europe/Berlin")) == 2


def test_the_latest_fifth_is_held_out():
    items = [
        (START + timedelta(days=n), FSRSItem([FSRSReview(3, 0), FSRSReview(3, n + 1)])) for n in range(10)
    ]
    train, held_out = split_latest(items)
    assert (len(train), len(held_out)) == (8, 2)
    assert train == [item for _, item in items[:8]] and held_out == [item for _, item in items[8:]]


def test_a_model_is_better_only_with_a_lower_log_loss_and_no_worse_rmse():
    defaults = Evaluation(log_loss=0.36, rmse_bins=0.05)
    assert better_than(Evaluation(0.31, 0.04), defaults)
    assert not better_than(Evaluation(0.31, 0.06), defaults)
    assert not better_than(Evaluation(0.36, 0.04), defaults)


def test_a_learner_who_forgets_fast_gets_personal_parameters_that_beat_the_defaults(ml_guide):
    forgetful = UserFactory()
    count = history(forgetful, PROFILES["forgetful"], days=150, seed=1)
    assert count >= 400
    call_command("fit_memory_models")

    fit = MemoryModelFit.objects.get(user=forgetful)
    assert fit.kind == "personal" and fit.used
    assert fit.log_loss < fit.default_log_loss and fit.rmse_bins <= fit.default_rmse_bins
    forgetful.refresh_from_db()
    assert memory_model_for(forgetful).parameters == tuple(fit.parameters)
    assert scheduler_for(forgetful).parameters == tuple(fit.parameters)
    assert not MemoryModelFit.objects.filter(user=None).exists()  # fewer than 1,000 reviews in all


def test_too_few_reviews_keep_the_defaults(ml_guide):
    beginner = UserFactory()
    assert history(beginner, PROFILES["typical"], days=20, seed=2) < 400
    call_command("fit_memory_models")
    beginner.refresh_from_db()
    assert beginner.memory_parameters is None
    assert memory_model_for(beginner) == DEFAULT_MODEL
    assert not MemoryModelFit.objects.filter(user=beginner).exists()


def test_a_site_wide_model_is_fitted_from_1000_reviews_and_used_only_where_better(ml_guide):
    learners = [UserFactory() for _ in range(3)]
    total = sum(
        history(user, PROFILES["forgetful"], days=100, seed=10 + n) for n, user in enumerate(learners)
    )
    assert total >= 1000
    call_command("fit_memory_models")
    site = MemoryModelFit.objects.get(user=None)
    assert site.kind == "site" and site.review_count == total
    for user in learners:
        user.refresh_from_db()
        fit = MemoryModelFit.objects.get(user=user)
        assert fit.used == (fit.log_loss < fit.default_log_loss and fit.rmse_bins <= fit.default_rmse_bins)
        assert (user.memory_parameters is not None) == fit.used


def test_the_preferences_page_says_which_model_is_used(client, ml_guide):
    forgetful = UserFactory()
    history(forgetful, PROFILES["forgetful"], days=150, seed=1)
    call_command("fit_memory_models")
    fit = MemoryModelFit.objects.get(user=forgetful)
    client.force_login(forgetful)
    html = client.get("/accounts/preferences/").content.decode()
    expected = (
        f"personal, fitted on {fit.fitted_at:%-d %b} from {fit.review_count} reviews: "
        f"log loss {fit.log_loss:.2f} against {fit.default_log_loss:.2f} for the defaults"
    )
    assert expected in html


def test_without_a_fit_the_preferences_page_names_the_defaults(client, learner):
    client.force_login(learner)
    assert "FSRS-6 defaults" in client.get("/accounts/preferences/").content.decode()
