"""Simulated learners with known ("true") FSRS-6 memory parameters, for the learning benchmark and its tests.

A simulated learner answers a question correctly with the probability its true memory gives (a seeded
random draw): Good when recalled, Again when not. The app schedules with its own model; the truth decides.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler

from accounts.models import User
from interview.models import Question
from interview.scheduling import DEFAULT_MODEL, MemoryModel
from interview.services.practice import attempt_record, session_start, showing_current

_D = DEFAULT_MODEL.parameters
# Learner profiles: the defaults; a fast forgetter (short first stabilities, half the stability growth, a
# steeper curve); a strong learner (long first stabilities).
PROFILES: dict[str, tuple[float, ...]] = {
    "typical": _D,
    "forgetful": (0.1, 0.2, 0.4, 1.0, *_D[4:8], _D[8] * 0.5, *_D[9:20], 0.4),
    "strong": (2.0, 5.0, 10.0, 25.0, *_D[4:]),
}


@dataclass
class TrueMemory:
    """What the learner really remembers of each question: an fsrs card under the true parameters."""

    parameters: tuple[float, ...]

    def __post_init__(self) -> None:
        self.scheduler = Scheduler(parameters=self.parameters, enable_fuzzing=False)
        self.model = MemoryModel(parameters=self.parameters)
        self.cards: dict[int, Card] = {}

    def recall(self, question_id: int, moment: datetime) -> float:
        card = self.cards.get(question_id)
        if card is None or card.stability is None:
            return 0.0
        return self.model.recall(card.stability, (moment - card.last_review).total_seconds() / 86_400)

    def answer(self, question_id: int, moment: datetime, rng: random.Random) -> int:
        """The rating the learner gives now (Good if recalled, else Again); the true memory learns from it.
        A question seen for the first time is learned from its model answer and rated Good."""
        recalled = question_id not in self.cards or rng.random() < self.recall(question_id, moment)
        rating = Rating.Good if recalled else Rating.Again
        card = self.cards.get(question_id) or Card(card_id=question_id)
        self.cards[question_id], _ = self.scheduler.review_card(card, rating, moment)
        return int(rating)


def synthetic_reviews(
    parameters: tuple[float, ...],
    *,
    questions: int,
    days: int,
    start: datetime,
    seed: int,
    new_per_day: int = 5,
) -> list[tuple[int, datetime, int]]:
    """(question, moment, rating) rows of a learner who reviews what the default scheduler says is due, daily."""
    rng = random.Random(seed)
    truth = TrueMemory(parameters)
    app = Scheduler(enable_fuzzing=False)
    app_cards: dict[int, Card] = {}
    rows = []
    introduced = 0
    for day in range(days):
        moment = start + timedelta(days=day, hours=rng.uniform(0, 4))
        for _ in range(min(new_per_day, questions - introduced)):
            app_cards[introduced] = Card(card_id=introduced, due=moment)
            introduced += 1
        for question, card in sorted(app_cards.items(), key=lambda pair: pair[1].due):
            # Learning steps come back within the sitting, a few minutes apart.
            while card.due < moment + timedelta(hours=1):
                at = max(moment, card.due)
                rating = truth.answer(question, at, rng)
                card, _ = app.review_card(card, Rating(rating), at)
                rows.append((question, at, rating))
                moment = at + timedelta(minutes=1)
            app_cards[question] = card
    return rows


def practise_by_the_schedule(
    user: User, truth: TrueMemory, *, start: datetime, days: int, seed: int
) -> list[int]:
    """The learner practises every day at 09:00 through the app's services: due reviews, then new questions,
    answering as the true memory says. Returns the number of answers each day."""
    rng = random.Random(seed)
    answers_per_day = []
    for day in range(days):
        now = start + timedelta(days=day)
        answers = 0
        for mode in ("due", "new"):
            session = session_start(user=user, mode=mode, now=now)
            while session is not None:
                showing = showing_current(session=session, now=now)
                if showing is None:
                    break
                rating = truth.answer(showing.question_id, now, rng)
                attempt_record(user=user, token=showing.token, rating=rating, now=now)
                answers += 1
                now += timedelta(minutes=2)
        answers_per_day.append(answers)
    return answers_per_day


def recall_on(truth: TrueMemory, moment: datetime) -> float:
    """The learner's true expected share of the public questions recalled at ``moment``."""
    questions = list(Question.objects.public().values_list("pk", flat=True))
    return sum(truth.recall(pk, moment) for pk in questions) / len(questions)


@dataclass(frozen=True)
class ProfileRun:
    forecast_readiness: float  # percent, from the dashboard's forecast on the first morning (unrounded)
    simulated_readiness: float  # percent: the true memory's expected recall when the interview day starts
    forecast_answers_per_day: float  # new questions and reviews, from the same forecast
    simulated_answers_per_day: float

    @property
    def calibration_error(self) -> float:
        return abs(self.forecast_readiness - self.simulated_readiness)

    @property
    def answers_ratio(self) -> float:
        return (
            self.simulated_answers_per_day / self.forecast_answers_per_day
            if self.forecast_answers_per_day
            else 0
        )


def run_profile(
    user: User, parameters: tuple[float, ...], *, start: datetime, days: int, seed: int
) -> ProfileRun:
    """A new learner whose interview is ``days`` ahead: the dashboard's forecast on the first morning, then
    practice by the schedule until the eve, then the true recall when the interview day starts."""
    from interview.scheduling import interview_start
    from interview.selectors.dashboard import dashboard_stats

    user.interview_date = (start + timedelta(days=days)).date()
    user.save(update_fields=["interview_date"])
    forecast = dashboard_stats(user, start).schedule
    assert forecast is not None  # the interview is ahead
    truth = TrueMemory(parameters)
    answers = practise_by_the_schedule(user, truth, start=start, days=days, seed=seed)
    return ProfileRun(
        forecast_readiness=100 * forecast.readiness,
        simulated_readiness=100 * recall_on(truth, interview_start(user, start)),
        forecast_answers_per_day=forecast.answers_per_day_mean,
        simulated_answers_per_day=sum(answers) / len(answers),
    )
