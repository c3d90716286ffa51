"""Readiness if the learner keeps to the schedule: a day-by-day run of the real scheduler, with expected values.

No randomness: each review splits a question into a recalled branch (weight × R, rated Good) and a forgotten
one (weight × (1 − R), rated Again, then Good at its relearning step), so the weights of a question's branches
always sum to 1. Pure Python over the learner's schedule rows: the caller does the queries.
"""

import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from fsrs import Card, Rating, State

from accounts.models import User
from interview.models import ReviewState
from interview.scheduling import (
    InterviewPlan,
    card_from,
    interview_start,
    local_midnight,
    local_today,
    memory_model_for,
    scheduler_for,
)

# Forgotten branches lighter than this are not split off (the recalled branch keeps their weight).
MIN_BRANCH_WEIGHT = 0.05
# When a day's practice starts, in the learner's zone (today: now).
PRACTICE_HOUR = 9


@dataclass
class Branch:
    card: Card
    weight: float


@dataclass(frozen=True)
class ScheduleForecast:
    readiness: float  # expected share of the guide's questions recalled at the start of the interview day
    answers_per_day: list[float] = field(
        default_factory=list
    )  # from today to the eve; steps and lapses included

    @property
    def answers_per_day_mean(self) -> float:
        return sum(self.answers_per_day) / len(self.answers_per_day) if self.answers_per_day else 0.0


class _SimulatedPlan(InterviewPlan):
    """The interview-date rule, balancing final reviews against the simulated load instead of the database."""

    def __init__(self, user: User, now: datetime, load_by_day: dict[date, float]) -> None:
        super().__init__(user, 0, now)
        self.load_by_day = load_by_day

    def loads(self, slots: list[datetime]) -> list[float]:
        return [self.load_by_day.get(self.local_day(slot), 0.0) for slot in slots]


class _Run:
    def __init__(self, user: User, now: datetime) -> None:
        self.user = user
        self.scheduler = scheduler_for(user, fuzz=False)
        self.model = memory_model_for(user)
        self.zone = zoneinfo.ZoneInfo(user.timezone)
        self.load_by_day: dict[date, float] = {}
        self.pending: list[Branch] = []

    def zone_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def day_end(self, moment: datetime) -> datetime:
        return local_midnight(self.zone_day(moment) + timedelta(days=1), self.user)

    def recall(self, card: Card, moment: datetime) -> float:
        if card.stability is None or card.last_review is None:
            return 0.0
        return self.model.recall(card.stability, (moment - card.last_review).total_seconds() / 86_400)

    def schedule(self, card: Card, weight: float, at: datetime) -> None:
        due, _ = _SimulatedPlan(self.user, at, self.load_by_day).due_for(card)
        card.due = due
        day = self.zone_day(due)
        self.load_by_day[day] = self.load_by_day.get(day, 0.0) + weight
        self.pending.append(Branch(card, weight))

    def take(self, branch: Branch) -> None:
        day = self.zone_day(branch.card.due)
        self.load_by_day[day] = self.load_by_day.get(day, 0.0) - branch.weight

    def review(self, branch: Branch, at: datetime) -> float:
        """Review one branch at ``at``; returns the expected number of answers it takes."""
        self.take(branch)
        failed = branch.weight * (1 - self.recall(branch.card, at))
        recalled, _ = self.scheduler.review_card(branch.card, Rating.Good, at)
        if failed < MIN_BRANCH_WEIGHT:
            self.schedule(recalled, branch.weight, at)
            return branch.weight
        self.schedule(recalled, branch.weight - failed, at)
        lapsed, _ = self.scheduler.review_card(branch.card, Rating.Again, at)
        answers = 1.0
        while lapsed.state != State.Review and lapsed.due < self.day_end(at):
            lapsed, _ = self.scheduler.review_card(lapsed, Rating.Good, lapsed.due)
            answers += 1
        self.schedule(lapsed, failed, at)
        return branch.weight + failed * (answers - 1)

    def learn_new(self, at: datetime) -> float:
        """A new question learned at ``at``: rated Good, then Good at each learning step the same day."""
        card, _ = self.scheduler.review_card(
            Card(card_id=0), Rating.Good, at
        )  # an id: Card() sleeps to make one
        answers = 1.0
        while card.state != State.Review and card.due < self.day_end(at):
            card, _ = self.scheduler.review_card(card, Rating.Good, card.due)
            answers += 1
        assert card.last_review is not None  # review_card() sets it
        self.schedule(card, 1.0, card.last_review)
        return answers


def schedule_forecast(
    *,
    user: User,
    now: datetime,
    states: list[ReviewState],
    unseen: int,
    total: int,
    new_left: int,
    reviews_left: int,
) -> ScheduleForecast | None:
    """Readiness on the interview day and the answers a day it takes, keeping to the schedule and the limits.

    ``states`` are the learner's schedule rows of active public questions; ``unseen`` and ``total`` count
    the public questions never practised and all of them; ``new_left``/``reviews_left`` are today's budget.
    None without an interview date ahead.
    """
    start = interview_start(user, now)
    if start is None or user.interview_date is None:  # a start implies an interview date
        return None
    run = _Run(user, now)
    for state in states:
        if state.stability is not None:
            card = card_from(state, state.question_id)
            run.pending.append(Branch(card, 1.0))
            day = run.zone_day(card.due)
            run.load_by_day[day] = run.load_by_day.get(day, 0.0) + 1.0
    today = local_today(user, now)
    answers_per_day = []
    for offset in range((user.interview_date - today).days):
        day = today + timedelta(days=offset)
        practice = (
            now
            if offset == 0
            else datetime.combine(day, time(PRACTICE_HOUR), tzinfo=run.zone).astimezone(UTC)
        )
        day_end = local_midnight(day + timedelta(days=1), user)
        answers = 0.0
        # Due reviews first, most overdue first, within the day's review limit (weights are expected cards).
        limit: float = reviews_left if offset == 0 else user.daily_review_limit
        due = sorted(
            (branch for branch in run.pending if branch.card.due < day_end), key=lambda b: b.card.due
        )
        taken = []
        for branch in due:
            if limit < branch.weight:
                break
            limit -= branch.weight
            taken.append(branch)
        taken_ids = {id(branch) for branch in taken}
        run.pending = [branch for branch in run.pending if id(branch) not in taken_ids]
        for branch in taken:
            answers += run.review(branch, max(practice, branch.card.due))
        # Then the day's new questions.
        new_today = min(unseen, new_left if offset == 0 else user.daily_new_limit)
        unseen -= new_today
        for _ in range(new_today):
            answers += run.learn_new(practice)
        answers_per_day.append(answers)
    expected = sum(branch.weight * run.recall(branch.card, start) for branch in run.pending)
    return ScheduleForecast(readiness=expected / total if total else 0.0, answers_per_day=answers_per_day)
