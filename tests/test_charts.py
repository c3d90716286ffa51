"""The dashboard's SVG charts on hand-computed data: positions, labels, legends, scales and empty data."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from interview.charts import (
    attempts_axis_top,
    forecast_chart,
    heat_legend,
    heat_level,
    heatmap,
    trend_chart,
)
from interview.selectors.dashboard import WeekTrend

TODAY = date(2026, 11, 25)  # a Wednesday


def well_formed(body: str, width: int, height: int) -> ET.Element:
    """The body parses as SVG: every element closed, nothing left unescaped."""
    return ET.fromstring(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">{body}</svg>'
    )


def texts(body: str) -> list[str]:
    return re.findall(r"<text [^>]*>([^<]*)</text>", body)


# Heatmap ------------------------------------------------------------------------------------------------


def test_the_heatmap_draws_52_weeks_of_days_as_monday_first_columns_ending_today():
    # 52 weeks back from Wednesday 25 Nov 2026 is Thursday 27 Nov 2025, so the first column starts on
    # Monday 24 Nov 2025: 366 days before today, 367 squares in 53 columns of 14 px (11 px squares).
    chart = heatmap([], TODAY)
    assert chart.svg.count("<rect") == 367
    assert (chart.width, chart.height) == (53 * 14 - 3, 16 + 7 * 14 - 3) == (739, 111)
    assert (
        '<rect x="0" y="16" width="11" height="11" rx="2" class="heat-0"><title>Mon 24 Nov 2025:' in chart.svg
    )
    # Today: column 52, third row (Wednesday); nothing after today is drawn.
    assert (
        '<rect x="728" y="44" width="11" height="11" rx="2" class="heat-0"><title>Wed 25 Nov 2026:'
        in chart.svg
    )
    assert "26 Nov 2026" not in chart.svg
    well_formed(chart.svg, chart.width, chart.height)


def test_each_day_is_coloured_by_its_share_of_the_busiest_day_and_titled_with_its_count():
    activity = [
        {"date": "2026-11-23", "count": 1},
        {"date": "2026-11-24", "count": 8},
        {"date": "2026-11-25", "count": 3},
    ]
    chart = heatmap(activity, TODAY)
    # Busiest 8: 1 is in the first quarter (level 1), 3 in the second (ceil(12 / 8) = 2), 8 in the last.
    assert (
        'y="16" width="11" height="11" rx="2" class="heat-1"><title>Mon 23 Nov 2026: 1 attempt</title>'
        in chart.svg
    )
    assert (
        'y="30" width="11" height="11" rx="2" class="heat-4"><title>Tue 24 Nov 2026: 8 attempts</title>'
        in chart.svg
    )
    assert (
        'y="44" width="11" height="11" rx="2" class="heat-2"><title>Wed 25 Nov 2026: 3 attempts</title>'
        in chart.svg
    )
    assert "<title>Sun 22 Nov 2026: no attempts</title>" in chart.svg
    assert (chart.total, chart.active_days, chart.busiest) == (12, 3, (date(2026, 11, 24), 8))


def test_month_names_sit_over_the_first_week_starting_in_each_month():
    chart = heatmap([], TODAY)
    months = re.findall(r'<text x="(\d+)" y="11">(\w+)</text>', chart.svg)
    # Monday 1 Dec 2025 starts column 1, so the first column's "Nov" would overlap it and is left out;
    # Monday 5 Jan 2026 starts column 6 (42 days after 24 Nov), Monday 2 Nov 2026 column 49.
    assert months[0] == ("14", "Dec")
    assert months[1] == ("84", "Jan")
    assert months[-1] == (str(49 * 14), "Nov")
    assert [name for _, name in months] == [
        "Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
    ]  # fmt: skip


def test_the_first_columns_month_is_named_when_the_next_month_starts_weeks_later():
    # 52 weeks back from Wednesday 9 Sep 2026 the grid starts on Monday 8 Sep 2025; Monday 6 Oct is column 4.
    chart = heatmap([], date(2026, 9, 9))
    months = re.findall(r'<text x="(\d+)" y="11">(\w+)</text>', chart.svg)
    assert months[:2] == [("0", "Sep"), ("56", "Oct")]


def test_weekday_names_label_monday_wednesday_and_friday_rows_in_their_own_strip():
    chart = heatmap([], TODAY)
    assert texts(chart.weekdays_svg) == ["Mon", "Wed", "Fri"]
    assert '<text x="0" y="25">Mon</text>' in chart.weekdays_svg  # level with the first row (16 + 11 - 2)
    assert '<text x="0" y="81">Fri</text>' in chart.weekdays_svg  # row 4: 16 + 56 + 9
    well_formed(chart.weekdays_svg, chart.weekdays_width, chart.height)


def test_the_heatmap_text_alternative_totals_each_month():
    activity = [
        {"date": "2026-10-31", "count": 2},
        {"date": "2026-11-01", "count": 4},
        {"date": "2026-11-25", "count": 1},
    ]
    months = heatmap(activity, TODAY).months
    assert (months[0].month, months[0].attempts, months[0].active_days) == ("Nov 2025", 0, 0)
    assert (months[-2].month, months[-2].attempts, months[-2].active_days) == ("Oct 2026", 2, 1)
    assert (months[-1].month, months[-1].attempts, months[-1].active_days) == ("Nov 2026", 5, 2)
    assert len(months) == 13


def test_without_activity_every_day_is_empty_and_the_legend_shows_only_none():
    chart = heatmap([], TODAY)
    assert chart.svg.count('class="heat-0"') == 367
    assert (chart.total, chart.active_days, chart.busiest) == (0, 0, None)
    assert [(entry.level, entry.label) for entry in chart.legend] == [(0, "None")]


@pytest.mark.parametrize(
    ("busiest", "legend"),
    [
        (8, [(0, "None"), (1, "1–2"), (2, "3–4"), (3, "5–6"), (4, "7–8")]),
        (10, [(0, "None"), (1, "1–2"), (2, "3–5"), (3, "6–7"), (4, "8–10")]),
        (4, [(0, "None"), (1, "1"), (2, "2"), (3, "3"), (4, "4")]),
        # Under 4 some colours stand for no whole count: 1 of 2 is the second quarter, 2 of 2 the last.
        (2, [(0, "None"), (2, "1"), (4, "2")]),
        (1, [(0, "None"), (4, "1")]),
    ],
)
def test_the_legend_names_the_counts_each_colour_stands_for(busiest, legend):
    assert [(entry.level, entry.label) for entry in heat_legend(busiest)] == legend


@pytest.mark.parametrize("busiest", range(1, 40))
def test_every_count_gets_the_colour_whose_legend_range_holds_it(busiest):
    ranges = {}
    for entry in heat_legend(busiest)[1:]:
        low, _, high = entry.label.partition("–")
        ranges[entry.level] = range(int(low), int(high or low) + 1)
    for count in range(1, busiest + 1):
        assert count in ranges[heat_level(count, busiest)]
    assert heat_level(0, busiest) == 0


# Forecast -----------------------------------------------------------------------------------------------


def fourteen_days(counts: list[int]) -> list[dict]:
    return [
        {"date": (TODAY + timedelta(days=offset)).isoformat(), "count": count}
        for offset, count in enumerate(counts + [0] * (14 - len(counts)))
    ]


def test_forecast_columns_are_scaled_to_the_busiest_day():
    chart = forecast_chart(fourteen_days([8, 2, 1]))
    assert [day.height for day in chart.days[:4]] == [80, 20, 10, 0]
    # Column 1: 24 px to the right, 4 px in; its top 20 px above the baseline at 16 + 80 = 96.
    assert '<rect x="28" y="76" width="16" height="20" rx="2"/>' in chart.svg
    assert '<text x="36" y="72" class="value">2</text>' in chart.svg  # its count, over it
    assert chart.svg.count("<rect") == 3  # a day without reviews has no column and no count
    assert (chart.width, chart.height) == (14 * 24, 16 + 80 + 30)
    assert (chart.total, chart.peak.day, chart.peak.count) == (11, TODAY, 8)
    well_formed(chart.svg, chart.width, chart.height)


def test_forecast_days_are_labelled_with_the_month_under_the_first_day_and_each_first():
    chart = forecast_chart(fourteen_days([1]))
    labels = texts(chart.svg)
    assert labels[:3] == ["1", "25", "Nov"]  # today's count, its day and month
    assert "1" in labels and "Dec" in labels  # Tuesday 1 Dec, six days on
    assert labels.count("Nov") == 1 and labels.count("Dec") == 1
    assert '<g class="forecast-day today"><title>Wed 25 Nov 2026: 1 review due</title>' in chart.svg
    assert "<title>Thu 26 Nov 2026: 0 reviews due</title>" in chart.svg


def test_the_first_of_the_busiest_days_is_the_peak():
    chart = forecast_chart(fourteen_days([0, 3, 1, 3]))
    assert (chart.peak.day, chart.peak.count) == (TODAY + timedelta(days=1), 3)


def test_a_forecast_with_nothing_due_draws_only_the_baseline_and_labels():
    chart = forecast_chart(fourteen_days([]))
    assert "<rect" not in chart.svg
    assert (chart.total, chart.peak) == (0, None)
    assert all(day.height == 0 for day in chart.days)
    well_formed(chart.svg, chart.width, chart.height)


# Weekly trend -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("busiest", "top"), [(0, 2), (1, 2), (2, 2), (3, 4), (21, 22), (22, 22)])
def test_the_attempts_axis_tops_out_at_the_busiest_week_made_even(busiest, top):
    assert attempts_axis_top(busiest) == top


def two_weeks() -> list[WeekTrend]:
    return [
        WeekTrend(date(2026, 11, 16), 10, 52.6, {"Again": 1, "Hard": 2, "Good": 5, "Easy": 2}),
        WeekTrend(date(2026, 11, 23), 4, 75.0, {"Again": 0, "Hard": 0, "Good": 4, "Easy": 0}),
    ]


def test_the_trend_spans_the_week_of_today_and_the_eight_before_it():
    chart = trend_chart(two_weeks(), TODAY)
    assert chart is not None
    assert [week.label for week in chart.weeks] == [
        "28 Sep", "5 Oct", "12 Oct", "19 Oct", "26 Oct", "2 Nov", "9 Nov", "16 Nov", "23 Nov",
    ]  # fmt: skip
    assert [week.attempts for week in chart.weeks] == [0] * 7 + [10, 4]
    assert chart.weeks[0].coverage is None  # no answers, no coverage
    assert (chart.width, chart.height) == (30 + 9 * 34 + 38, 8 + 120 + 30) == (374, 158)
    well_formed(chart.svg, chart.width, chart.height)


def test_each_week_stacks_its_ratings_again_at_the_bottom_against_the_axis():
    chart = trend_chart(two_weeks(), TODAY)
    # Axis top 10 answers over 120 px from the baseline at 8 + 120 = 128: 12 px an answer.
    # Week of 16 Nov, the eighth (x = 30 + 7 * 34 + 6): Again 1 (116-128), Hard 2 (92-116), Good 5 (32-92),
    # Easy 2 (8-32).
    assert '<rect x="274" y="116" width="22" height="12" class="rating-again"/>' in chart.svg
    assert '<rect x="274" y="92" width="22" height="24" class="rating-hard"/>' in chart.svg
    assert '<rect x="274" y="32" width="22" height="60" class="rating-good"/>' in chart.svg
    assert '<rect x="274" y="8" width="22" height="24" class="rating-easy"/>' in chart.svg
    # The week of today, one column (34 px) on: Good 4 only.
    assert '<rect x="308" y="80" width="22" height="48" class="rating-good"/>' in chart.svg
    assert chart.svg.count("<rect") == 5
    assert chart.axis_top == 10


def test_coverage_is_a_whole_percent_drawn_against_the_right_axis():
    chart = trend_chart(two_weeks(), TODAY)
    assert [week.coverage for week in chart.weeks[-2:]] == [53, 75]
    # Column middles 285 and 319; 53% is 63.6 px above the baseline, 75% is 90 px.
    assert '<polyline points="285,64.4 319,38"/>' in chart.svg
    assert '<circle cx="285" cy="64.4" r="3"/>' in chart.svg


def test_the_coverage_line_breaks_at_a_week_without_answers():
    weeks = [
        WeekTrend(date(2026, 11, 2), 2, 50.0, {"Again": 0, "Hard": 0, "Good": 2, "Easy": 0}),
        WeekTrend(date(2026, 11, 16), 2, 100.0, {"Again": 0, "Hard": 0, "Good": 2, "Easy": 0}),
        WeekTrend(date(2026, 11, 23), 2, 0.0, {"Again": 2, "Hard": 0, "Good": 0, "Easy": 0}),
    ]
    chart = trend_chart(weeks, TODAY)
    # 2 Nov stands alone (a dot); 16 and 23 Nov are joined. Middles: 30 + 34 * index + 17.
    assert re.findall(r'<polyline points="([^"]+)"/>', chart.svg) == ["285,8 319,128"]
    assert re.findall(r"<circle cx=\"(\d+)\"", chart.svg) == ["217", "285", "319"]
    assert "<title>Week of 9 Nov 2026: no answers</title>" in chart.svg


def test_the_axes_label_zero_half_and_top_in_answers_and_coverage():
    labels = texts(trend_chart(two_weeks(), TODAY).svg)
    assert labels[:6] == ["0", "0%", "5", "50%", "10", "100%"]
    # Each week's Monday, with the month under the first week and each first week of a month.
    assert labels[6:] == ["28", "Sep", "5", "Oct", "12", "19", "26", "2", "Nov", "9", "16", "23"]


def test_each_week_is_titled_with_its_answers_ratings_and_coverage():
    chart = trend_chart(two_weeks(), TODAY)
    assert (
        "<title>Week of 16 Nov 2026: 10 answers (1 Again, 2 Hard, 5 Good, 2 Easy), coverage 53%</title>"
        in chart.svg
    )
    assert "<title>Week of 23 Nov 2026: 4 answers (4 Good), coverage 75%</title>" in chart.svg


def test_no_answers_no_trend_chart():
    assert trend_chart([], TODAY) is None


def test_the_dashboards_charts_are_drawn_once_per_distinct_data():
    from interview.charts import dashboard_charts

    activity = [{"date": "2026-11-24", "count": 8}, {"date": "2026-11-25", "count": 3}]
    forecast = [{"date": (TODAY + timedelta(days=day)).isoformat(), "count": day % 3} for day in range(14)]
    first = dashboard_charts(activity=activity, trend=[], forecast=forecast, today=TODAY)
    again = dashboard_charts(activity=list(activity), trend=[], forecast=list(forecast), today=TODAY)
    assert again is first  # the same data: the rendering is reused
    one_more = [*activity[:-1], {"date": "2026-11-25", "count": 4}]
    changed = dashboard_charts(activity=one_more, trend=[], forecast=forecast, today=TODAY)
    assert "12 attempts on 2 days" in changed and "11 attempts on 2 days" in first
    assert (
        dashboard_charts(activity=activity, trend=[], forecast=forecast, today=TODAY + timedelta(days=1))
        != first
    )
