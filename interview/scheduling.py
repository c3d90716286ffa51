"""Spaced repetition with FSRS-6 (the fsrs package), plus the interview-date rule.

Our ReviewState rows hold an FSRS card's fields; this module converts between the two, so the rest of
the code never touches fsrs directly.
"""

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Protocol

from django.conf import settings
from django.db.models import Count, Q
from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS

from accounts.models import User
from interview.models import ReviewState


@dataclass(frozen=True)
class MemoryModel:
    """FSRS-6 parameters; recall R(t) = (1 + factor * t / S) ** -decay, t in days (fractional)."""

    parameters: tuple[float, ...] = tuple(DEFAULT_PARAMETERS)

    @property
    def decay(self) -> float:
        return self.parameters[20]

    @cached_property  # read for every practised question on every dashboard
    def factor(self) -> float:
        return 0.9 ** (-1 / self.decay) - 1

    def recall(self, stability: float, elapsed_days: float) -> float:
        return (1 + self.factor * max(0.0, elapsed_days) / stability) ** -self.decay


DEFAULT_MODEL = MemoryModel()


def memory_model_for(user: User) -> MemoryModel:
    """The learner's memory model: fitted parameters where they beat the defaults, else FSRS-6's defaults."""
    parameters = getattr(user, "memory_parameters", None)
    if parameters:
        return MemoryModel(parameters=tuple(parameters))
    return DEFAULT_MODEL


def scheduler_for(user: User, *, fuzz: bool | None = None) -> Scheduler:
    """The user's scheduler: their memory model and desired retention; interval fuzzing unless turned off."""
    return Scheduler(
        parameters=memory_model_for(user).parameters,
        desired_retention=user.desired_retention,
        enable_fuzzing=settings.FSRS_ENABLE_FUZZING if fuzz is None else fuzz,
    )


class CardFields(Protocol):
    """An FSRS card's fields as a schedule row holds them: a ReviewState, or a row read as a tuple
    (selectors.learning.ScheduleRow)."""

    @property
    def phase(self) -> int: ...
    @property
    def step(self) -> int | None: ...
    @property
    def stability(self) -> float | None: ...
    @property
    def difficulty(self) -> float | None: ...
    @property
    def due(self) -> datetime: ...
    @property
    def last_review(self) -> datetime | None: ...


def card_from(state: CardFields | None, question_id: int) -> Card:
    if state is None:
        return Card(card_id=question_id)
    return Card(
        card_id=question_id,
        state=State(state.phase),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


def copy_card_to(state: ReviewState, card: Card) -> None:
    state.phase = card.state.value
    state.step = card.step
    state.stability = card.stability
    state.difficulty = card.difficulty
    state.due = card.due
    state.last_review = card.last_review


def local_midnight(day: date, user: User) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zoneinfo.ZoneInfo(user.timezone))


def local_today(user: User, now: datetime) -> date:
    return now.astimezone(zoneinfo.ZoneInfo(user.timezone)).date()


# The interview-date rule ------------------------------------------------------------------------------

FINAL_REVIEW_DAYS = 3
FINAL_REVIEW_HOUR = 8  # local time: a morning, not 23:59
# A final review comes at least this long after the review that schedules it.
FINAL_REVIEW_MIN_GAP = timedelta(hours=6)
# Load balancing: one more question on a day weighs as much as moving two days from the preferred one.
DAY_DISTANCE_WEIGHT = 0.5


def interview_start(user: User, now: datetime) -> datetime | None:
    """The start of the interview day in the user's zone, if it is still ahead."""
    if user.interview_date is None:
        return None
    start = local_midnight(user.interview_date, user)
    return start if start > now else None


class InterviewPlan:
    """Where a question goes under the interview-date rule, for one user, question and moment.

    A question whose next review would come on or after the interview day, but whose predicted recall on
    the day would be below the interview-day target, gets a final review on the morning of one of the
    last three days before the interview: the least loaded of them, the weakest questions earliest. A
    question recalled at the target on the day is left alone, and one whose review falls before keeps it.
    """

    def __init__(self, user: User, question_id: int | None, now: datetime) -> None:
        """``question_id`` None: a plan shared by many questions (see for_question)."""
        self.user, self.question_id, self.now = user, question_id, now
        self.start = interview_start(user, now)
        self._loads: list[int] | None = None
        self._shared: InterviewPlan | None = None
        self._own_due: datetime | None = None

    def for_question(self, question_id: int, state: ReviewState | None) -> "InterviewPlan":
        """This shared plan for one question: the loads are counted once for a page of questions, and each
        question's own review is taken off its day (the rule counts only the other questions)."""
        plan = InterviewPlan(self.user, question_id, self.now)
        plan._shared = self
        plan._own_due = state.due if state is not None else None
        return plan

    def slots(self) -> list[datetime]:
        """The mornings of the last three days before the interview, far enough ahead of now."""
        interview_date = self.user.interview_date
        if self.start is None or interview_date is None:  # a start implies an interview date
            return []
        zone = zoneinfo.ZoneInfo(self.user.timezone)
        days = [interview_date - timedelta(days=n) for n in range(FINAL_REVIEW_DAYS, 0, -1)]
        mornings = [
            datetime.combine(day, time(FINAL_REVIEW_HOUR), tzinfo=zone).astimezone(UTC) for day in days
        ]
        return [morning for morning in mornings if morning >= self.now + FINAL_REVIEW_MIN_GAP]

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(zoneinfo.ZoneInfo(self.user.timezone)).date()

    def loads(self, slots: list[datetime]) -> Sequence[float]:
        """How many of the user's other questions fall due on each slot's local day (one query)."""
        if self._loads is None and self._shared is not None:
            own_day = self.local_day(self._own_due) if self._own_due is not None else None
            shared = self._shared.loads(slots)
            self._loads = [
                int(load) - (own_day == self.local_day(slot))
                for load, slot in zip(shared, slots, strict=True)
            ]
        if self._loads is None:
            days = {
                f"day{index}": Count(
                    "pk",
                    filter=Q(
                        due__gte=local_midnight(self.local_day(slot), self.user),
                        due__lt=local_midnight(self.local_day(slot) + timedelta(days=1), self.user),
                    ),
                )
                for index, slot in enumerate(slots)
            }
            states = ReviewState.objects.filter(user=self.user)
            if self.question_id is not None:
                states = states.exclude(question_id=self.question_id)
            counts = states.aggregate(**days)
            self._loads = [counts[f"day{index}"] for index in range(len(slots))]
        return self._loads

    def due_for(self, card: Card) -> tuple[datetime, bool]:
        """The card's due date under the rule, and whether the rule moved it before the interview."""
        if self.start is None or card.due < self.start or card.stability is None or card.last_review is None:
            return card.due, False
        elapsed = (self.start - card.last_review).total_seconds() / 86_400
        recall_on_day = memory_model_for(self.user).recall(card.stability, elapsed)
        target = self.user.interview_target_retention
        slots = self.slots()
        if recall_on_day >= target or not slots:
            return card.due, False  # recalled well enough, or this review is already the final one
        preferred = min(len(slots) - 1, int(len(slots) * recall_on_day / target))
        loads = self.loads(slots)
        best = min(
            range(len(slots)),
            key=lambda index: (loads[index] + DAY_DISTANCE_WEIGHT * abs(index - preferred), index),
        )
        return slots[best], True


@dataclass(frozen=True)
class Outcome:
    card: Card
    due: datetime
    before_interview: bool = False


def review(user: User, state: ReviewState | None, question_id: int, rating: int, now: datetime) -> Outcome:
    """The card after this rating, with its due date under the interview-date rule."""
    card, _ = scheduler_for(user).review_card(card_from(state, question_id), Rating(rating), now)
    due, moved = InterviewPlan(user, question_id, now).due_for(card)
    return Outcome(card=card, due=due, before_interview=moved)


@dataclass(frozen=True)
class Preview:
    interval: timedelta
    before_interview: bool

    @property
    def label(self) -> str:
        return "before your interview" if self.before_interview else humanize_interval(self.interval)


def preview_outcomes(
    user: User,
    state: ReviewState | None,
    question_id: int,
    now: datetime,
    shared_plan: InterviewPlan | None = None,
) -> dict[int, Preview]:
    """For each rating, when the question comes back (what the rating buttons show), the rule included.

    ``shared_plan``: one InterviewPlan(user, None, now) for a page of questions, so its loads are counted once.
    """
    scheduler = scheduler_for(user, fuzz=False)
    plan = (
        shared_plan.for_question(question_id, state)
        if shared_plan is not None
        else InterviewPlan(user, question_id, now)
    )
    previews = {}
    for rating in Rating:
        card, _ = scheduler.review_card(card_from(state, question_id), rating, now)
        due, moved = plan.due_for(card)
        previews[rating.value] = Preview(interval=due - now, before_interview=moved)
    return previews


def humanize_interval(interval: timedelta) -> str:
    """'10 min', '3 h', '4 days', '2 mo', '1.5 y'."""
    minutes = max(1, round(interval.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes / 60
    if hours < 24:
        return f"{round(hours)} h"
    days = hours / 24
    if days < 30:
        rounded = round(days)
        return f"{rounded} day" if rounded == 1 else f"{rounded} days"
    if days < 365:
        return f"{round(days / 30)} mo"
    return f"{days / 365:.1f} y"
