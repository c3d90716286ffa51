"""Readiness if the learner keeps to the schedule: a day-by-day run of the real scheduler, with expected values.

The learner sits down once a day (at 09:00; today: now), as a practice session runs: what is due when it
starts, most overdue first, within the review limit, then the day's new questions. A card rated Again comes
back within the sitting; a new question's learning step, due minutes later, waits for the next day's sitting.
No randomness: each review splits a question into a recalled branch (weight × R, rated Good) and a forgotten
one (weight × (1 − R), rated Again, then Good at its repeat in the session), so the weights of a question's branches
always sum to 1. Pure Python over the learner's schedule rows: the caller does the queries.
"""

import hashlib
import threading
import zoneinfo
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from fsrs import Card, Rating

from accounts.models import User
from interview.scheduling import (
    CardFields,
    InterviewPlan,
    card_from,
    interview_start,
    local_today,
    memory_model_for,
    scheduler_for,
)
from interview.selectors.learning import recall_at


class ScheduleState(CardFields, Protocol):
    """A schedule row the forecast starts from: a ReviewState, or selectors.learning.ScheduleRow."""

    @property
    def question_id(self) -> int: ...
    @property
    def last_rating(self) -> int | None: ...


# Forgotten branches lighter than this are not split off (the recalled branch keeps their weight): the
# number of branches stays small, at the price of a slight over-estimate.
MIN_BRANCH_WEIGHT = 0.01
# When a day's practice starts, in the learner's zone (today: now).
PRACTICE_HOUR = 9
# Answers come a little after the sitting starts, reviews before new questions. A card falls due at the time of
# day it was answered, so tomorrow's sitting at the same hour is a little early for it (a session takes what
# is due when it starts), and a learner who sits once a day reviews it a day after it falls due; a new
# question's learning step, answered early in the next sitting, comes less than a whole day after it.
REVIEW_DELAY = timedelta(minutes=1)
NEW_DELAY = timedelta(minutes=2)
# A card rated Again comes back after a few other cards of the session.
REPEAT_DELAY = timedelta(minutes=5)


@dataclass
class Branch:
    card: Card
    weight: float
    last_rating: int | None  # its latest answer's: after an Again it counts as not recalled (recall_at)


@dataclass(frozen=True)
class ScheduleForecast:
    readiness: float  # expected share of the guide's questions recalled at the start of the interview day
    # From today to the eve: all answers (steps and lapses included), and the new questions among them.
    answers_per_day: list[float] = field(default_factory=list)
    new_per_day: list[int] = field(default_factory=list)

    @property
    def answers_per_day_mean(self) -> float:
        return sum(self.answers_per_day) / len(self.answers_per_day) if self.answers_per_day else 0.0

    @property
    def reviews_per_day_mean(self) -> float:
        """Answers a day other than a new question's first one: reviews, their lapses and learning steps."""
        days = len(self.answers_per_day)
        return (sum(self.answers_per_day) - sum(self.new_per_day)) / days if days else 0.0

    @property
    def new_days(self) -> int:
        """Days on which new questions come in."""
        return sum(1 for count in self.new_per_day if count)

    @property
    def new_per_new_day(self) -> int:
        """New questions on a day that brings some in (the most of any day)."""
        return max(self.new_per_day, default=0)


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

    def recall(self, branch: Branch, moment: datetime) -> float:
        """Readiness's recall of a branch at ``moment`` (0 after an Again, as on the dashboard)."""
        card = branch.card
        return recall_at(
            stability=card.stability,
            last_review=card.last_review,
            moment=moment,
            model=self.model,
            last_rating=branch.last_rating,
        )

    def success_chance(self, card: Card, moment: datetime) -> float:
        """The chance a review at ``moment`` is recalled: the memory model's, even just after an Again (the
        relearning step asks again)."""
        return recall_at(
            stability=card.stability,
            last_review=card.last_review,
            moment=moment,
            model=self.model,
            last_rating=None,
        )

    def schedule(self, card: Card, weight: float, at: datetime) -> None:
        due, _ = _SimulatedPlan(self.user, at, self.load_by_day).due_for(card)
        card.due = due
        day = self.zone_day(due)
        self.load_by_day[day] = self.load_by_day.get(day, 0.0) + weight
        self.pending.append(Branch(card, weight, last_rating=Rating.Good))  # a simulated answer ends Good

    def take(self, branch: Branch) -> None:
        day = self.zone_day(branch.card.due)
        self.load_by_day[day] = self.load_by_day.get(day, 0.0) - branch.weight

    def review(self, branch: Branch, at: datetime) -> float:
        """Review one branch at ``at``; returns the expected number of answers it takes."""
        self.take(branch)
        failed = branch.weight * (1 - self.success_chance(branch.card, at))
        recalled, _ = self.scheduler.review_card(branch.card, Rating.Good, at)
        if failed < MIN_BRANCH_WEIGHT:
            self.schedule(recalled, branch.weight, at)
            return branch.weight
        self.schedule(recalled, branch.weight - failed, at)
        # Forgotten: Again, then Good when the session brings it back a few cards later (its repeat); a
        # learning step still left waits for the next sitting.
        lapsed, _ = self.scheduler.review_card(branch.card, Rating.Again, at)
        lapsed, _ = self.scheduler.review_card(lapsed, Rating.Good, at + REPEAT_DELAY)
        self.schedule(lapsed, failed, at + REPEAT_DELAY)
        return branch.weight + failed

    def learn_new(self, at: datetime) -> None:
        """A new question learned at ``at`` and rated Good; its learning step waits for the next sitting."""
        card, _ = self.scheduler.review_card(
            Card(card_id=0), Rating.Good, at
        )  # an id: Card() sleeps to make one
        self.schedule(card, 1.0, at)


def schedule_forecast(
    *,
    user: User,
    now: datetime,
    states: Sequence[ScheduleState],
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
            run.pending.append(Branch(card, 1.0, last_rating=state.last_rating))
            day = run.zone_day(card.due)
            run.load_by_day[day] = run.load_by_day.get(day, 0.0) + 1.0
    today = local_today(user, now)
    answers_per_day, new_per_day = [], []
    for offset in range((user.interview_date - today).days):
        day = today + timedelta(days=offset)
        practice = (
            now
            if offset == 0
            else datetime.combine(day, time(PRACTICE_HOUR), tzinfo=run.zone).astimezone(UTC)
        )
        answers = 0.0
        # What is due by the sitting, most overdue first, within the day's review limit (weights are
        # expected cards).
        limit: float = reviews_left if offset == 0 else user.daily_review_limit
        due = sorted(
            (branch for branch in run.pending if branch.card.due <= practice), key=lambda b: b.card.due
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
            answers += run.review(branch, practice + REVIEW_DELAY)
        # Then the day's new questions.
        new_today = min(unseen, new_left if offset == 0 else user.daily_new_limit)
        unseen -= new_today
        for _ in range(new_today):
            run.learn_new(practice + NEW_DELAY)
        answers_per_day.append(answers + new_today)
        new_per_day.append(new_today)
    expected = sum(branch.weight * run.recall(branch, start) for branch in run.pending)
    return ScheduleForecast(
        readiness=expected / total if total else 0.0, answers_per_day=answers_per_day, new_per_day=new_per_day
    )


# The run costs tens of milliseconds for a whole guide and the dashboard shows it on every visit. Each worker
# keeps its latest results keyed on everything the run reads, so a reload reuses the figures until the learner
# answers (their schedule rows change), changes a preference, a question falls due, or the hour turns. The
# key starts with the learner's id: one learner's figures are never read for another.
REUSE_SIZE = 512
_reused: OrderedDict[tuple[int, bytes], ScheduleForecast | None] = OrderedDict()
_reused_lock = threading.Lock()


def _inputs_digest(
    *,
    user: User,
    now: datetime,
    states: Sequence[ScheduleState],
    unseen: int,
    total: int,
    new_left: int,
    reviews_left: int,
) -> bytes:
    """A digest of every input of the run; ``now`` enters as its hour, its local day and what is due by it."""
    rows = [
        (
            state.question_id,
            state.phase,
            state.step,
            state.stability,
            state.difficulty,
            state.due,
            state.last_review,
            state.last_rating,
        )
        for state in states
    ]
    inputs = (
        user.timezone,
        user.interview_date,
        user.daily_new_limit,
        user.daily_review_limit,
        user.desired_retention,
        user.interview_target_retention,
        getattr(user, "memory_parameters", None),
        local_today(user, now),
        now.astimezone(UTC).replace(minute=0, second=0, microsecond=0),
        sum(1 for state in states if state.due is not None and state.due <= now),
        unseen,
        total,
        new_left,
        reviews_left,
        rows,
    )
    return hashlib.blake2b(repr(inputs).encode(), digest_size=20).digest()


def schedule_forecast_reused(
    *,
    user: User,
    now: datetime,
    states: Sequence[ScheduleState],
    unseen: int,
    total: int,
    new_left: int,
    reviews_left: int,
) -> ScheduleForecast | None:
    """schedule_forecast(), reused from this worker's latest runs when none of its inputs changed (see above)."""
    key = (
        user.pk,
        _inputs_digest(
            user=user,
            now=now,
            states=states,
            unseen=unseen,
            total=total,
            new_left=new_left,
            reviews_left=reviews_left,
        ),
    )
    with _reused_lock:
        if key in _reused:
            _reused.move_to_end(key)
            return _reused[key]
    result = schedule_forecast(
        user=user,
        now=now,
        states=states,
        unseen=unseen,
        total=total,
        new_left=new_left,
        reviews_left=reviews_left,
    )
    with _reused_lock:
        _reused[key] = result
        while len(_reused) > REUSE_SIZE:
            _reused.popitem(last=False)
    return result
