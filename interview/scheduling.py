"""Spaced repetition with FSRS-6 (the fsrs package), plus the interview-date rule.

Our ReviewState rows hold an FSRS card's fields; this module converts between the two, so the rest of
the code never touches fsrs directly.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
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

    @property
    def factor(self) -> float:
        return 0.9 ** (-1 / self.decay) - 1


DEFAULT_MODEL = MemoryModel()


def memory_model_for(user: User) -> MemoryModel:
    """The memory model whose predictions are used for this learner (FSRS-6 defaults until one is fitted)."""
    return DEFAULT_MODEL


def scheduler_for(user: User, *, fuzz: bool | None = None) -> Scheduler:
    """The user's scheduler: their memory model and desired retention; interval fuzzing unless turned off."""
    return Scheduler(
        parameters=memory_model_for(user).parameters,
        desired_retention=user.desired_retention,
        enable_fuzzing=settings.FSRS_ENABLE_FUZZING if fuzz is None else fuzz,
    )


def card_from(state: ReviewState | None, question_id: int) -> Card:
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


def cap_before_interview(due: datetime, user: User, now: datetime) -> datetime:
    """No interval may end after the interview: the question comes back by the end of the day before it."""
    if user.interview_date is None:
        return due
    deadline = local_midnight(user.interview_date, user) - timedelta(minutes=1)
    if deadline <= now:
        return due
    return min(due, deadline)


@dataclass(frozen=True)
class Outcome:
    card: Card
    due: datetime


def review(user: User, state: ReviewState | None, question_id: int, rating: int, now: datetime) -> Outcome:
    """The card after this rating, with its due date capped by the interview date."""
    card, _ = scheduler_for(user).review_card(card_from(state, question_id), Rating(rating), now)
    return Outcome(card=card, due=cap_before_interview(card.due, user, now))


def preview_intervals(
    user: User, state: ReviewState | None, question_id: int, now: datetime
) -> dict[int, timedelta]:
    """For each rating, how long until the question comes back (what the rating buttons show)."""
    scheduler = scheduler_for(user, fuzz=False)
    intervals = {}
    for rating in Rating:
        card, _ = scheduler.review_card(card_from(state, question_id), rating, now)
        intervals[rating.value] = cap_before_interview(card.due, user, now) - now
    return intervals


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
