"""The learning benchmark's simulation on a small seed: a learner with known memory practises by the schedule."""

from datetime import datetime
from datetime import timezone as dt_timezone

import pytest

from interview.simulation import PROFILES, TrueMemory, run_profile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_fuzz(settings):
    settings.FSRS_ENABLE_FUZZING = False


def test_a_true_memory_recalls_by_its_own_curve():
    truth = TrueMemory(PROFILES["typical"])
    now = datetime(2026, 1, 5, 9, tzinfo=dt_timezone.utc)
    assert truth.recall(1, now) == 0.0
    import random

    assert truth.answer(1, now, random.Random(1)) == 3  # first sight: learned from the model answer
    assert truth.recall(1, now) == 1.0


def test_a_typical_learner_keeping_to_the_schedule_gets_what_the_forecast_said(learner, ml_guide):
    learner.daily_new_limit = 3
    start = datetime(2026, 1, 5, 9, tzinfo=dt_timezone.utc)
    run = run_profile(learner, PROFILES["typical"], start=start, days=6, seed=7)
    # Six days of three new questions: 18 learned, a bit under 18/48 = 37.5 % recalled on the day.
    assert 25 < run.simulated_readiness < 37.5
    assert run.calibration_error <= 5
    assert 0.8 <= run.answers_ratio <= 1.2


def test_a_forgetful_learner_gets_what_the_forecast_said_when_the_app_knows_their_memory(learner, ml_guide):
    """The forecast's own error, apart from the memory model's: the app is given the learner's true parameters."""
    learner.daily_new_limit = 3
    learner.memory_parameters = list(PROFILES["forgetful"])
    start = datetime(2026, 1, 5, 9, tzinfo=dt_timezone.utc)
    run = run_profile(learner, PROFILES["forgetful"], start=start, days=6, seed=7)
    assert run.calibration_error <= 5
    assert 0.8 <= run.answers_ratio <= 1.2
