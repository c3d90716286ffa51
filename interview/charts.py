"""The dashboard's charts as server-side SVG, each drawn in one pass from plain data (no script, no library).

Each function returns the chart's SVG body as safe markup (its `<svg>` element, with the accessible name,
stays in the template), its size, and the small lists the template shows beside it: a legend and the
figures as a table, the chart's text alternative. Only numbers and the fixed English names below go into
the markup, so nothing in it needs escaping. Colours come from classes styled in static/css/app.css.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from interview.selectors.dashboard import TREND_WEEKS, WeekTrend, activity_first_day, trend_first_week

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RATINGS = ("Again", "Hard", "Good", "Easy")  # bottom to top in a stacked bar


def _day(day: date) -> str:
    """'Wed 25 Nov 2026'."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


# Activity heatmap --------------------------------------------------------------------------------------

HEAT_CELL = 11  # px square
HEAT_PITCH = 14  # cell and gap
HEAT_DAYS_WIDTH = 26  # the weekday labels, drawn apart so they stay in view while the weeks scroll
HEAT_TOP = 16  # room for the month labels
HEAT_LEVELS = 4


def heat_level(count: int, busiest: int) -> int:
    """0 for a day without attempts, else 1-4: which quarter of the busiest day's count the day reaches."""
    if count <= 0:
        return 0
    return min(HEAT_LEVELS, -(-HEAT_LEVELS * count // max(busiest, 1)))  # ceil(4 * count / busiest)


@dataclass(frozen=True)
class LegendEntry:
    level: int
    label: str  # the counts this colour stands for: "None", "3", "3–4"


def heat_legend(busiest: int) -> list[LegendEntry]:
    """The counts each colour stands for; a level that no whole count reaches (busiest under 4) is left out."""
    entries = [LegendEntry(0, "None")]
    for level in range(1, HEAT_LEVELS + 1):
        low = (level - 1) * busiest // HEAT_LEVELS + 1
        high = level * busiest // HEAT_LEVELS
        if low <= high:
            entries.append(LegendEntry(level, str(low) if low == high else f"{low}–{high}"))
    return entries


@dataclass(frozen=True)
class MonthActivity:
    month: str  # "Nov 2026"
    attempts: int
    active_days: int


@dataclass(frozen=True)
class Heatmap:
    svg: SafeString  # the body of the <svg>: month names and one square per day
    weekdays_svg: SafeString  # the body of a narrow <svg> of weekday names, level with the rows
    width: int
    weekdays_width: int
    height: int
    total: int
    active_days: int
    busiest: tuple[date, int] | None  # the first of the busiest days, and its count
    legend: list[LegendEntry]
    months: list[MonthActivity]  # oldest first: the chart's text alternative


def heatmap(activity: list[dict], today: date) -> Heatmap:
    """52 weeks of days as columns of 7 (Monday on top), month names over the first week starting in each
    month, and a colour level per day."""
    counts = {date.fromisoformat(item["date"]): item["count"] for item in activity}
    busiest_count = max(counts.values(), default=0)
    first = activity_first_day(today)
    columns = (today - first).days // 7 + 1

    cells: list[str] = []
    month_labels: list[tuple[int, str]] = []  # (column, name)
    months: dict[tuple[int, int], list[int]] = {}  # (year, month) -> [attempts, active days]
    day = first
    while day <= today:
        column = (day - first).days // 7
        if day.weekday() == 0 and (column == 0 or day.day <= 7):
            month_labels.append((column, MONTHS[day.month - 1]))
        count = counts.get(day, 0)
        x = column * HEAT_PITCH
        y = HEAT_TOP + day.weekday() * HEAT_PITCH
        what = _plural(count, "attempt") if count else "no attempts"
        cells.append(
            f'<rect x="{x}" y="{y}" width="{HEAT_CELL}" height="{HEAT_CELL}" rx="2" '
            f'class="heat-{heat_level(count, busiest_count)}"><title>{_day(day)}: {what}</title></rect>'
        )
        month = months.setdefault((day.year, day.month), [0, 0])
        month[0] += count
        month[1] += 1 if count else 0
        day += timedelta(days=1)
    # The first column's month name would run into the next one's when that month starts a week later.
    if len(month_labels) > 1 and month_labels[1][0] < 3:
        month_labels.pop(0)

    labels = "".join(
        f'<text x="{column * HEAT_PITCH}" y="{HEAT_TOP - 5}">{name}</text>' for column, name in month_labels
    )
    weekdays = "".join(
        f'<text x="0" y="{HEAT_TOP + row * HEAT_PITCH + HEAT_CELL - 2}">{WEEKDAYS[row]}</text>'
        for row in (0, 2, 4)
    )
    busiest_day = min((day for day, count in counts.items() if count == busiest_count), default=None)
    return Heatmap(
        svg=mark_safe(f'<g class="axis">{labels}</g>{"".join(cells)}'),  # numbers and fixed names only
        weekdays_svg=mark_safe(f'<g class="axis">{weekdays}</g>'),
        width=columns * HEAT_PITCH - (HEAT_PITCH - HEAT_CELL),
        weekdays_width=HEAT_DAYS_WIDTH,
        height=HEAT_TOP + 7 * HEAT_PITCH - (HEAT_PITCH - HEAT_CELL),
        total=sum(counts.values()),
        active_days=sum(1 for count in counts.values() if count),
        busiest=(busiest_day, busiest_count) if busiest_day is not None and busiest_count else None,
        legend=heat_legend(busiest_count),
        months=[
            MonthActivity(month=f"{MONTHS[month - 1]} {year}", attempts=attempts, active_days=active)
            for (year, month), (attempts, active) in months.items()
        ],
    )


# Reviews due over the next days ----------------------------------------------------------------------

FORECAST_PLOT = 80  # px, the tallest column
FORECAST_PITCH = 24  # column and gap
FORECAST_COLUMN = 16
FORECAST_TOP = 16  # room for the count over the tallest column
FORECAST_BOTTOM = 30  # two lines of day labels


@dataclass(frozen=True)
class ForecastDay:
    day: date
    label: str  # "Thu 26 Nov 2026"
    count: int
    height: float  # px, scaled to the busiest day


@dataclass(frozen=True)
class ForecastChart:
    svg: SafeString
    width: int
    height: int
    days: list[ForecastDay]
    total: int
    peak: ForecastDay | None  # the first of the busiest days; None when nothing is due


def forecast_chart(forecast: list[dict]) -> ForecastChart:
    """A column per day (the first is today, overdue reviews included), heights scaled to the busiest day,
    the count over each column that has one and the day of the month under it (with the month's name
    under the first day and the first of a month)."""
    peak_count = max((item["count"] for item in forecast), default=0)
    days: list[ForecastDay] = []
    parts: list[str] = []
    baseline = FORECAST_TOP + FORECAST_PLOT
    for index, item in enumerate(forecast):
        day = date.fromisoformat(item["date"])
        count = item["count"]
        height = round(FORECAST_PLOT * count / peak_count, 1) if count else 0.0
        days.append(ForecastDay(day=day, label=_day(day), count=count, height=height))
        x = index * FORECAST_PITCH
        middle = x + FORECAST_PITCH / 2
        today = " today" if index == 0 else ""
        parts.append(
            f'<g class="forecast-day{today}"><title>{_day(day)}: {_plural(count, "review")} due</title>'
        )
        if count:
            parts.append(
                f'<rect x="{x + (FORECAST_PITCH - FORECAST_COLUMN) / 2:g}" y="{baseline - height:g}" '
                f'width="{FORECAST_COLUMN}" height="{height:g}" rx="2"/>'
                f'<text x="{middle:g}" y="{baseline - height - 4:g}" class="value">{count}</text>'
            )
        parts.append(f'<text x="{middle:g}" y="{baseline + 13}" class="axis">{day.day}</text>')
        if index == 0 or day.day == 1:
            parts.append(
                f'<text x="{middle:g}" y="{baseline + 26}" class="axis">{MONTHS[day.month - 1]}</text>'
            )
        parts.append("</g>")
    width = len(forecast) * FORECAST_PITCH
    svg = f'<line x1="0" y1="{baseline}" x2="{width}" y2="{baseline}" class="baseline"/>{"".join(parts)}'
    peak = next((day for day in days if day.count == peak_count), None) if peak_count else None
    return ForecastChart(
        svg=mark_safe(svg),  # numbers and fixed names only
        width=width,
        height=baseline + FORECAST_BOTTOM,
        days=days,
        total=sum(day.count for day in days),
        peak=peak,
    )


# Ratings and coverage by week ------------------------------------------------------------------------

TREND_PLOT = 120  # px, the top gridline
TREND_PITCH = 34  # column and gap
TREND_COLUMN = 22
TREND_LEFT = 30  # attempts axis
TREND_RIGHT = 38  # coverage axis
TREND_TOP = 8  # half a label over the top gridline
TREND_BOTTOM = 30  # two lines of week labels


def attempts_axis_top(busiest: int) -> int:
    """The attempts at the top gridline: the busiest week rounded up to an even number, so the middle
    gridline is a whole number too (at least 2)."""
    return max(2, busiest + busiest % 2)


@dataclass(frozen=True)
class TrendWeek:
    week: date  # its Monday
    label: str  # "28 Sep"
    attempts: int
    coverage: int | None  # whole percent; None in a week without answers
    ratings: dict[str, int]  # Again, Hard, Good, Easy


@dataclass(frozen=True)
class TrendChart:
    svg: SafeString
    width: int
    height: int
    weeks: list[TrendWeek]  # every week of the chart, oldest first, those without answers too
    axis_top: int  # attempts at the top gridline


def trend_chart(trend: list[WeekTrend], today: date) -> TrendChart | None:
    """The week of today and the 8 before it: a column per week stacking its answers by rating (Again at
    the bottom) against the left axis, and the weeks' average coverage of key points as a line against the
    right axis (0-100%), broken where a week has no answers. None without answers."""
    if not trend:
        return None
    first = trend_first_week(today)
    by_week = {row.week: row for row in trend}
    top = attempts_axis_top(max(row.attempts for row in trend))
    baseline = TREND_TOP + TREND_PLOT
    plot_right = TREND_LEFT + (TREND_WEEKS + 1) * TREND_PITCH
    grid = []
    for share, attempts, coverage in ((0, 0, "0%"), (0.5, top // 2, "50%"), (1, top, "100%")):
        y = baseline - TREND_PLOT * share
        grid.append(
            f'<line x1="{TREND_LEFT}" y1="{y:g}" x2="{plot_right}" y2="{y:g}" class="grid"/>'
            f'<text x="{TREND_LEFT - 6}" y="{y + 4:g}" class="axis axis-left">{attempts}</text>'
            f'<text x="{plot_right + 8}" y="{y + 4:g}" class="axis">{coverage}</text>'
        )
    weeks: list[TrendWeek] = []
    bars: list[str] = []
    runs: list[list[tuple[float, float]]] = [[]]  # the coverage line's pieces, between weeks without answers
    for index in range(TREND_WEEKS + 1):
        monday = first + timedelta(weeks=index)
        row = by_week.get(monday)
        week = TrendWeek(
            week=monday,
            label=f"{monday.day} {MONTHS[monday.month - 1]}",
            attempts=row.attempts if row else 0,
            coverage=round(row.coverage) if row else None,
            ratings={rating: row.ratings.get(rating, 0) if row else 0 for rating in RATINGS},
        )
        weeks.append(week)
        x = TREND_LEFT + index * TREND_PITCH + (TREND_PITCH - TREND_COLUMN) / 2
        middle = x + TREND_COLUMN / 2
        mix = ", ".join(f"{count} {rating}" for rating, count in week.ratings.items() if count)
        what = (
            f"{_plural(week.attempts, 'answer')} ({mix}), coverage {week.coverage}%" if row else "no answers"
        )
        bars.append(f"<g><title>Week of {week.label} {monday.year}: {what}</title>")
        below = 0  # answers stacked so far; each edge is rounded once, so the segments meet exactly
        for rating, count in week.ratings.items():
            if not count:
                continue
            bottom_y = round(baseline - TREND_PLOT * below / top, 1)
            below += count
            top_y = round(baseline - TREND_PLOT * below / top, 1)
            bars.append(
                f'<rect x="{x:g}" y="{top_y:g}" width="{TREND_COLUMN}" height="{round(bottom_y - top_y, 1):g}" '
                f'class="rating-{rating.lower()}"/>'
            )
        bars.append(f'<text x="{middle:g}" y="{baseline + 13}" class="axis">{monday.day}</text>')
        if index == 0 or monday.day <= 7:
            bars.append(
                f'<text x="{middle:g}" y="{baseline + 26}" class="axis">{MONTHS[monday.month - 1]}</text>'
            )
        bars.append("</g>")
        if week.coverage is None:
            runs.append([])
        else:
            runs[-1].append((middle, round(baseline - TREND_PLOT * week.coverage / 100, 1)))
    lines = "".join(
        f'<polyline points="{" ".join(f"{x:g},{y:g}" for x, y in run)}"/>' for run in runs if len(run) > 1
    )
    dots = "".join(f'<circle cx="{x:g}" cy="{y:g}" r="3"/>' for run in runs for x, y in run)
    svg = f'{"".join(grid)}{"".join(bars)}<g class="coverage-line">{lines}{dots}</g>'
    return TrendChart(
        svg=mark_safe(svg),  # numbers and fixed names only
        width=plot_right + TREND_RIGHT,
        height=baseline + TREND_BOTTOM,
        weeks=weeks,
        axis_top=top,
    )


# The dashboard's charts, drawn once per distinct data --------------------------------------------------------

CHARTS_KEPT = 128  # per process: the learners seen lately (a rendering is about 40 KB)
_charts_kept: "OrderedDict[bytes, SafeString]" = OrderedDict()
_charts_lock = threading.Lock()


def dashboard_charts(
    *, activity: list[dict], trend: list[WeekTrend], forecast: list[dict], today: date
) -> SafeString:
    """The dashboard's forecast, weekly and activity charts with their tables
    (templates/interview/includes/dashboard_charts.html), reused from this process's latest renderings of the
    same data: they depend on nothing else, and a learner reloading the page rarely changes them."""
    key = hashlib.blake2b(repr((today, activity, trend, forecast)).encode(), digest_size=16).digest()
    with _charts_lock:
        if key in _charts_kept:
            _charts_kept.move_to_end(key)
            return _charts_kept[key]
    html = render_to_string(
        "interview/includes/dashboard_charts.html",
        {
            "heatmap": heatmap(activity, today),
            "trend": trend_chart(trend, today),
            "forecast": forecast_chart(forecast),
        },
    )
    with _charts_lock:
        _charts_kept[key] = html
        while len(_charts_kept) > CHARTS_KEPT:
            _charts_kept.popitem(last=False)
    return html
