"""Shapes for the dashboard's server-side SVG charts (no chart library, no script)."""

from dataclasses import dataclass
from datetime import date, timedelta

from interview.selectors.dashboard import ACTIVITY_WEEKS, WeekTrend

CELL = 12  # px, including the gap
BAR_WIDTH = 36
CHART_HEIGHT = 120


@dataclass(frozen=True)
class HeatCell:
    x: int
    y: int
    day: date
    count: int
    level: int  # 0 (none) to 4 (busiest)


def heatmap(activity: list[dict], today: date) -> dict:
    """52 weeks of days as columns of 7 (Monday on top), with a level per day for its colour."""
    counts = {date.fromisoformat(item["date"]): item["count"] for item in activity}
    busiest = max(counts.values(), default=0)
    first = today - timedelta(weeks=ACTIVITY_WEEKS) + timedelta(days=1)
    first -= timedelta(days=first.weekday())  # start on a Monday
    cells = []
    day = first
    while day <= today:
        count = counts.get(day, 0)
        level = 0 if not count else min(4, 1 + (4 * count - 1) // max(busiest, 1))
        week = (day - first).days // 7
        cells.append(HeatCell(x=week * CELL, y=day.weekday() * CELL, day=day, count=count, level=level))
        day += timedelta(days=1)
    active_days = sum(1 for count in counts.values() if count)
    return {
        "cells": cells,
        "width": ((today - first).days // 7 + 1) * CELL,
        "height": 7 * CELL,
        "total": sum(counts.values()),
        "active_days": active_days,
        "busiest": max(counts.items(), key=lambda item: item[1], default=None),
    }


@dataclass(frozen=True)
class TrendBar:
    x: int
    label: str
    attempts: int
    coverage: float
    segments: list[dict]  # stacked rating counts: y, height, rating
    coverage_y: float


def trend_chart(trend: list[WeekTrend]) -> dict:
    """Stacked bars of the rating mix per week, and a line of average coverage (0-100%)."""
    tallest = max((week.attempts for week in trend), default=0) or 1
    bars = []
    for index, week in enumerate(trend):
        x = index * (BAR_WIDTH + 12)
        top = CHART_HEIGHT
        segments = []
        for rating, count in week.ratings.items():
            height = CHART_HEIGHT * count / tallest
            top -= height
            if count:
                segments.append(
                    {"y": round(top, 1), "height": round(height, 1), "rating": rating, "count": count}
                )
        coverage_y = round(CHART_HEIGHT * (1 - week.coverage / 100), 1)
        bars.append(
            TrendBar(
                x=x,
                label=week.week.strftime("%-d %b"),
                attempts=week.attempts,
                coverage=week.coverage,
                segments=segments,
                coverage_y=coverage_y,
            )
        )
    points = " ".join(f"{bar.x + BAR_WIDTH / 2},{bar.coverage_y}" for bar in bars)
    return {
        "bars": bars,
        "points": points,
        "width": max(len(bars) * (BAR_WIDTH + 12), BAR_WIDTH),
        "height": CHART_HEIGHT,
        "bar_width": BAR_WIDTH,
    }
