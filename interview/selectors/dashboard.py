"""Everything the dashboard shows, computed by the database; the page and /api/v1/stats/ both call this.

Mastery and readiness read the schedule rows (at most one per question); activity, streak and trend read
the per-day rollup (at most one row per day). Nothing here reads the attempts table, so the cost does not
grow with the history.
"""

import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncWeek

from accounts.models import User
from interview.forecast import ScheduleForecast, schedule_forecast_reused
from interview.models import Attempt, DailyActivity, Question, Rating, ReviewState
from interview.scheduling import local_midnight, local_today
from interview.selectors.learning import (
    TodayCounts,
    TopicProgress,
    budget_from,
    daily_goal_from,
    due_filter,
    due_later_today,
    memory_model_for,
    planned_reviews_answered_today,
    readiness_moment,
    readiness_share,
    recall,
    reviews_planned_today,
    topic_figures,
    unseen_questions,
    weak_topics,
    whole_percent,
)

FORECAST_DAYS = 14
FORECAST_FIELDS = [
    "question_id",
    "phase",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "last_rating",
]
ACTIVITY_WEEKS = 52
TREND_WEEKS = 8
RECENT_ATTEMPTS = 5


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


def _activity_by_day(user: User, since: date) -> dict[date, Mapping[str, Any]]:
    """Attempts (and first-time ones, and reviews) per local day from ``since``: rows of the daily rollup."""
    rows = (
        DailyActivity.objects.filter(user=user, day__gte=since)
        .values("day", "new", "reviews", count=F("attempts"))
        .order_by("day")
    )
    return {row["day"]: row for row in rows}


def streak_from(days_with_attempts: set[date], today: date) -> int:
    """Days in a row with an attempt, ending today (or yesterday, while today is still open)."""
    day = today if today in days_with_attempts else today - timedelta(days=1)
    streak = 0
    while day in days_with_attempts:
        streak += 1
        day -= timedelta(days=1)
    return streak


def _forecast(user: User, today: date, now: datetime) -> list[dict]:
    """Reviews falling due on each of the next 14 local days; anything overdue counts today."""
    zone = zoneinfo.ZoneInfo(user.timezone)
    end = local_midnight(today + timedelta(days=FORECAST_DAYS), user)
    rows = (
        ReviewState.objects.filter(user=user, question__is_active=True, due__lt=end)
        .annotate(day=TruncDate("due", tzinfo=zone))
        .values("day")
        .annotate(count=Count("pk"))
    )
    per_day = {today + timedelta(days=offset): 0 for offset in range(FORECAST_DAYS)}
    for row in rows:
        day = max(row["day"], today)
        per_day[day] += row["count"]
    return [{"date": day.isoformat(), "count": count} for day, count in per_day.items()]


def _trend(user: User, now: datetime) -> list[WeekTrend]:
    """Attempts, mean coverage and ratings per local week (Monday first), from the Monday the chart starts on."""
    since = trend_first_week(local_today(user, now))
    ratings = {label.lower(): Sum(label.lower()) for _, label in Rating.choices}
    rows: Iterable[Mapping[str, Any]] = (  # the rating sums are keys the ORM's typing does not list
        DailyActivity.objects.filter(user=user, day__gte=since)
        .annotate(week=TruncWeek("day"))
        .values("week")
        .annotate(total=Sum("attempts"), coverage_sum=Sum("coverage_sum"), **ratings)
        .order_by("week")
    )
    return [
        WeekTrend(
            week=row["week"].date() if isinstance(row["week"], datetime) else row["week"],
            attempts=row["total"],
            coverage=round(100 * row["coverage_sum"] / row["total"], 1) if row["total"] else 0.0,
            ratings={label: row[label.lower()] for _, label in Rating.choices},
        )
        for row in rows
    ]


def dashboard_stats(user: User, now: datetime, *, with_trend: bool = True) -> DashboardStats:
    """The numbers of the dashboard, in a fixed number of queries whatever the history size.

    ``with_trend=False`` leaves the weekly trend empty (one query less) for callers that do not show it:
    /api/v1/stats/ does not return it.
    """
    today = local_today(user, now)
    model = memory_model_for(user)
    states = ReviewState.objects.filter(user=user, question__is_active=True)

    moment = readiness_moment(user, now)
    public_practised = Q(stability__isnull=False, question__in=Question.objects.public())
    # The recall sits in the aggregate rather than in an annotation it refers to: the same SQL, built faster.
    schedule = states.aggregate(
        due_now=Count("pk", filter=due_filter(now)),
        practised=Count("pk", filter=public_practised),
        recall_on_day=Sum(recall(moment, model), filter=public_practised),
        reviews_planned=reviews_planned_today(user, now),
        reviews_answered=planned_reviews_answered_today(user, now),
        next_due_today=Min("due", filter=due_later_today(user, now)),
    )
    counts = Question.objects.public().aggregate(
        total=Count("pk"), unseen=Count("pk", filter=Q(pk__in=unseen_questions(user).values("pk")))
    )
    per_day = _activity_by_day(user, activity_first_day(today))
    today_row = per_day.get(today, {"count": 0, "new": 0, "reviews": 0})
    reviews_today = today_row["reviews"]
    # daily_budget()'s definition, read from today's row instead of another query.
    today_counts = TodayCounts(
        due_now=schedule["due_now"],
        unseen=counts["unseen"],
        budget=budget_from(user, new_today=today_row["new"], reviews_today=reviews_today),
        next_due_today=schedule["next_due_today"],
    )

    goal = daily_goal_from(
        user,
        unseen_at_day_start=counts["unseen"] + today_row["new"],
        reviews_planned=schedule["reviews_planned"],
        new_today=today_row["new"],
        reviews_answered=schedule["reviews_answered"],
    )
    figures = topic_figures(user, now)
    total = counts["total"]
    readiness = whole_percent(readiness_share(schedule["recall_on_day"] or 0.0, total))
    readiness_forecast = reviews_needed = new_per_day = new_days = days_left = None
    forecast: ScheduleForecast | None = None
    if user.interview_date is not None and user.interview_date > today:
        days_left = (user.interview_date - today).days
        forecast = schedule_forecast_reused(
            user=user,
            now=now,
            states=list(states.filter(public_practised).only(*FORECAST_FIELDS)),
            unseen=counts["unseen"],
            total=total,
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
        forecast=_forecast(user, today, now),
        streak_days=streak_from(set(per_day), today),
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
        activity=[{"date": day.isoformat(), "count": row["count"]} for day, row in sorted(per_day.items())],
        trend=_trend(user, now) if with_trend else [],
        has_practised=bool(schedule["practised"]) or bool(per_day),
        schedule=forecast,
        today_counts=today_counts,
    )


def recent_attempts(user: User) -> QuerySet[Attempt]:
    return (
        Attempt.objects.filter(user=user).select_related("question").order_by("-created_at")[:RECENT_ATTEMPTS]
    )
