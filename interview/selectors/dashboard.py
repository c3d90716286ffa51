"""Everything the dashboard shows; the page and /api/v1/stats/ both call this.

Mastery and readiness read the schedule rows (at most one per question); activity, streak and trend read
the per-day rollup (at most one row per day). Nothing here reads the attempts table beyond one indexed
lookup per question answered today, so the cost does not grow with the history. The schedule rows are read
once (learning.Schedule) and the due, new, readiness and forecast figures computed from them in Python: the
ORM's cost of building each aggregate was most of the page's time, and the rows are few.
"""

import zoneinfo
from bisect import bisect_left
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import NamedTuple

from django.db.models import QuerySet

from accounts.models import User
from interview.forecast import ScheduleForecast, schedule_forecast_reused
from interview.models import Attempt, DailyActivity, Rating
from interview.scheduling import local_today
from interview.selectors.learning import (
    Schedule,
    TodayCounts,
    TopicProgress,
    budget_from,
    daily_goal_from,
    memory_model_for,
    readiness_moment,
    readiness_share,
    today_start,
    topic_figures,
    weak_topics,
    whole_percent,
)

FORECAST_DAYS = 14
ACTIVITY_WEEKS = 52
TREND_WEEKS = 8
RECENT_ATTEMPTS = 5
ONE_DAY = timedelta(days=1)


# The charts' windows, one definition for the query and the drawing (interview/charts.py).
def activity_first_day(today: date) -> date:
    """The heatmap's first day: the Monday of the week that holds the day 52 weeks ago + 1 (whole weeks)."""
    first = today - timedelta(weeks=ACTIVITY_WEEKS) + timedelta(days=1)
    return first - timedelta(days=first.weekday())


def trend_first_week(today: date) -> date:
    """The weekly chart's first week (its Monday): TREND_WEEKS weeks before the week of today."""
    return today - timedelta(days=today.weekday(), weeks=TREND_WEEKS)


@dataclass(frozen=True)
class WeekTrend:
    week: date
    attempts: int
    coverage: float  # percent
    ratings: dict[str, int]


@dataclass(frozen=True)
class DashboardStats:
    today: date
    due_now: int
    new_available: int
    forecast: list[dict]
    streak_days: int
    today_count: int  # questions of today's plan answered (learning.DailyGoal.done)
    daily_goal: int
    topics: list[TopicProgress]
    weakest_topics: list[str]
    readiness: int
    readiness_forecast: int | None
    reviews_per_day_needed: int | None
    new_per_day_planned: int | None
    new_days_planned: int | None
    days_to_interview: int | None
    activity: list[dict]
    trend: list[WeekTrend]
    has_practised: bool
    schedule: ScheduleForecast | None = None  # what the forecast figures are read from
    today_counts: TodayCounts | None = None  # what the next step (selectors.practice.next_step) reads

    def as_api(self) -> dict:
        data = {
            "due_now": self.due_now,
            "new_available": self.new_available,
            "forecast": self.forecast,
            "streak_days": self.streak_days,
            "today_count": self.today_count,
            "daily_goal": self.daily_goal,
            "topics": [
                {
                    "slug": t.slug,
                    "name": t.name,
                    "mastery": t.mastery,
                    "coverage": t.coverage,
                    "retention": t.retention,
                    "practised": t.practised,
                    "total": t.total,
                }
                for t in self.topics
            ],
            "weakest_topics": self.weakest_topics,
            "readiness": self.readiness,
            "activity": self.activity,
        }
        if self.readiness_forecast is not None:
            data["days_to_interview"] = self.days_to_interview
            data["readiness_forecast"] = self.readiness_forecast
            data["new_per_day_planned"] = self.new_per_day_planned
            data["new_days_planned"] = self.new_days_planned
            data["reviews_per_day_needed"] = self.reviews_per_day_needed
        return data


class DayRow(NamedTuple):
    """One local day of the daily rollup (DailyActivity)."""

    day: date
    attempts: int = 0
    new: int = 0  # first answers
    reviews: int = 0
    coverage_sum: float = 0.0
    again: int = 0
    hard: int = 0
    good: int = 0
    easy: int = 0


@dataclass(frozen=True)
class DailyRollup:
    """The learner's daily rollup rows from the heatmap's first day, read in one query: the attempts of every
    day (the heatmap, the streak) and the whole rows of the weekly trend's days (the trend, today's counts).

    Only the trend's rows become DayRows: a year of named tuples cost more than reading the year.
    """

    attempts_by_day: dict[date, int]  # in day order
    recent: list[DayRow]  # from the trend's first week on, in day order

    @classmethod
    def of(cls, user: User, today: date) -> "DailyRollup":
        rows = list(
            DailyActivity.objects.filter(user=user, day__gte=activity_first_day(today))
            .values_list(*DayRow._fields)
            .order_by("day")
        )
        trend_start = bisect_left(rows, trend_first_week(today), key=itemgetter(0))  # rows are in day order
        return cls(
            attempts_by_day={row[0]: row[1] for row in rows},
            recent=[DayRow._make(row) for row in rows[trend_start:]],
        )

    def row(self, day: date) -> DayRow:
        """A day of the trend's weeks (zeros when nothing was answered)."""
        return next((row for row in reversed(self.recent) if row.day == day), DayRow(day))


def streak_from(days_with_attempts: Collection[date], today: date) -> int:
    """Days in a row with an attempt, ending today (or yesterday, while today is still open)."""
    day = today if today in days_with_attempts else today - ONE_DAY
    streak = 0
    while day in days_with_attempts:
        streak += 1
        day -= ONE_DAY
    return streak


def _forecast(schedule: Schedule, user: User, today: date) -> list[dict]:
    """Reviews falling due on each of the next 14 local days; anything overdue counts today."""
    zone = zoneinfo.ZoneInfo(user.timezone)
    per_day = {today + timedelta(days=offset): 0 for offset in range(FORECAST_DAYS)}
    for state in schedule.states:
        day = max(state.due.astimezone(zone).date(), today)
        if day in per_day:
            per_day[day] += 1
    return [{"date": day.isoformat(), "count": count} for day, count in per_day.items()]


def _trend(recent: list[DayRow]) -> list[WeekTrend]:
    """Attempts, mean coverage and ratings per local week (Monday first) with any attempt, from the Monday
    the chart starts on: sums of the daily rollup's rows (``recent``: the rows from that Monday on)."""
    days_by_week: dict[date, list[DayRow]] = {}
    for row in recent:
        days_by_week.setdefault(row.day - timedelta(days=row.day.weekday()), []).append(row)
    trend = []
    for week, days in days_by_week.items():  # in week order, as the rows
        _, *columns = zip(*days, strict=True)  # the days' columns: day, attempts, new, ...
        sums = DayRow(week, *map(sum, columns))  # each count summed over the week
        trend.append(
            WeekTrend(
                week=week,
                attempts=sums.attempts,
                coverage=round(100 * sums.coverage_sum / sums.attempts, 1) if sums.attempts else 0.0,
                ratings={label: getattr(sums, label.lower()) for _, label in Rating.choices},
            )
        )
    return trend


def dashboard_stats(user: User, now: datetime) -> DashboardStats:
    """The numbers of the dashboard, in a fixed number of queries whatever the history size."""
    today = local_today(user, now)
    schedule = Schedule.of(user, day_start=today_start(user, now))
    rollup = DailyRollup.of(user, today)
    today_row = rollup.row(today)
    # daily_budget()'s definition, read from today's row instead of another query.
    today_counts = TodayCounts(
        due_now=schedule.due_now(now),
        unseen=schedule.unseen,
        budget=budget_from(user, new_today=today_row.new, reviews_today=today_row.reviews),
        next_due_today=schedule.next_due_today(user, now),
    )
    reviews_planned, reviews_answered = schedule.planned_reviews(user, now)
    goal = daily_goal_from(
        user,
        unseen_at_day_start=schedule.unseen + today_row.new,
        reviews_planned=reviews_planned,
        new_today=today_row.new,
        reviews_answered=reviews_answered,
    )
    figures = topic_figures(user, now, schedule)
    recall_on_day = schedule.recall_sum(readiness_moment(user, now), memory_model_for(user))
    readiness = whole_percent(readiness_share(recall_on_day, schedule.total))
    readiness_forecast = reviews_needed = new_per_day = new_days = days_left = None
    forecast: ScheduleForecast | None = None
    if user.interview_date is not None and user.interview_date > today:
        days_left = (user.interview_date - today).days
        forecast = schedule_forecast_reused(
            user=user,
            now=now,
            states=schedule.practised_public,
            unseen=schedule.unseen,
            total=schedule.total,
            new_left=today_counts.budget.new_left,
            reviews_left=today_counts.budget.reviews_left,
        )
        assert forecast is not None  # an interview date after today is always ahead of now
        readiness_forecast = whole_percent(forecast.readiness)
        reviews_needed = round(forecast.reviews_per_day_mean)
        new_per_day, new_days = forecast.new_per_new_day, forecast.new_days

    return DashboardStats(
        today=today,
        due_now=today_counts.due_within_limit,
        new_available=today_counts.new_within_limit,
        forecast=_forecast(schedule, user, today),
        streak_days=streak_from(rollup.attempts_by_day.keys(), today),
        today_count=goal.done,
        daily_goal=goal.goal,
        topics=[TopicProgress.of(topic) for topic in figures],
        weakest_topics=[topic.topic.slug for topic in weak_topics(figures)],
        readiness=readiness,
        readiness_forecast=readiness_forecast,
        reviews_per_day_needed=reviews_needed,
        new_per_day_planned=new_per_day,
        new_days_planned=new_days,
        days_to_interview=days_left,
        activity=[{"date": day.isoformat(), "count": count} for day, count in rollup.attempts_by_day.items()],
        trend=_trend(rollup.recent),
        has_practised=bool(schedule.practised_public) or bool(rollup.attempts_by_day),
        schedule=forecast,
        today_counts=today_counts,
    )


def recent_attempts(user: User) -> QuerySet[Attempt]:
    """The latest attempts, with what the dashboard's list shows of them and their question."""
    return (
        Attempt.objects.filter(user=user)
        .select_related("question")
        .only("rating", "coverage", "created_at", "question__number", "question__prompt")
        .order_by("-created_at")[:RECENT_ATTEMPTS]
    )
