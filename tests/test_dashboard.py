"""Dashboard definitions on hand-built histories, the page, the stats API and their agreement, and scale."""

import re
import zoneinfo
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from interview.charts import heatmap, trend_chart
from interview.forecast import schedule_forecast
from interview.models import Attempt, PracticeMode, Question, Rating, ReviewState
from interview.selectors.dashboard import dashboard_stats, streak_from
from interview.services.activity import activity_add
from interview.templatetags.interview_tags import ago, percent, until
from tests.factories import attempt_history

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=dt_timezone.utc)


def schedule(
    user, question, *, stability=10.0, days_ago=0, due_in=timedelta(days=5), rating=Rating.GOOD, at=NOW
):
    """A card reviewed `days_ago` and due `due_in` from `at`: NOW, or the real clock for tests of pages."""
    return ReviewState.objects.create(
        user=user,
        question=question,
        phase=2,
        stability=stability,
        difficulty=5,
        last_review=at - timedelta(days=days_ago),
        due=at + due_in,
        last_rating=rating,
        reviews=1,
    )


def attempt(user, question, when, rating=Rating.GOOD, coverage=0.5):
    """An attempt written directly, counted in the daily rollup as attempt_record counts it."""
    recorded = Attempt.objects.create(
        user=user,
        question=question,
        mode=PracticeMode.NEW,
        coverage=coverage,
        suggested_rating=rating,
        rating=rating,
        due_after=when + timedelta(days=1),
        created_at=when,
    )
    activity_add(attempt=recorded)
    return recorded


def topic_stats(stats, slug):
    return next(progress for progress in stats.topics if progress.slug == slug)


def test_with_an_interview_date_readiness_is_forecast_with_reviews_a_day(learner, ml_guide):
    learner.interview_date = date(2026, 12, 5)
    learner.daily_new_limit = 2
    questions = list(Question.objects.filter(guide=ml_guide).order_by("number"))
    for question in questions[:10]:
        schedule(learner, question, stability=2, days_ago=0, due_in=timedelta(days=3))
    stats = dashboard_stats(learner, NOW).as_api()
    expected = schedule_forecast(
        user=learner,
        now=NOW,
        states=list(ReviewState.objects.filter(user=learner)),
        unseen=38,
        total=48,
        new_left=2,
        reviews_left=100,
    )
    assert stats["readiness_forecast"] == round(100 * expected.readiness)
    assert stats["reviews_per_day_needed"] == round(expected.reviews_per_day_mean)
    assert (stats["new_per_day_planned"], stats["new_days_planned"]) == (2, 10)
    assert stats["days_to_interview"] == 10


def test_forecast_counts_overdue_reviews_today_and_spans_14_days(learner, ml_guide):
    questions = list(Question.objects.filter(guide=ml_guide).order_by("number")[:4])
    schedule(learner, questions[0], due_in=-timedelta(days=3))
    schedule(learner, questions[1], due_in=timedelta(hours=2))
    schedule(learner, questions[2], due_in=timedelta(days=2))
    schedule(learner, questions[3], due_in=timedelta(days=30))
    stats = dashboard_stats(learner, NOW)
    assert len(stats.forecast) == 14
    assert stats.forecast[0] == {"date": "2026-11-25", "count": 2}
    assert stats.forecast[2] == {"date": "2026-11-27", "count": 1}
    assert sum(day["count"] for day in stats.forecast) == 3
    assert stats.due_now == 1


def test_streak_counts_days_in_a_row_and_a_missed_day_breaks_it(learner, ml_guide):
    question = Question.objects.get(guide=ml_guide, number=1)
    for days_ago in [0, 1, 2, 4, 5]:
        attempt(learner, question, NOW - timedelta(days=days_ago))
    stats = dashboard_stats(learner, NOW)
    assert stats.streak_days == 3


def test_the_trend_sums_the_weeks_from_its_first_monday_and_the_heatmap_the_whole_year(learner, ml_guide):
    # NOW is Wednesday 25 Nov 2026 (UTC, the learner's zone): the trend starts on Monday 28 Sep, 8 weeks before
    # the week of today; the Sunday before it is only on the heatmap.
    question = Question.objects.get(guide=ml_guide, number=1)
    sunday_before, first_monday = NOW - timedelta(days=59), NOW - timedelta(days=58)
    attempt(learner, question, sunday_before, rating=Rating.AGAIN, coverage=0.2)
    attempt(learner, question, first_monday, rating=Rating.HARD, coverage=0.4)
    attempt(learner, question, first_monday + timedelta(hours=1), rating=Rating.EASY, coverage=0.8)
    attempt(learner, question, NOW, rating=Rating.GOOD, coverage=1.0)

    stats = dashboard_stats(learner, NOW)

    assert first_monday.date() == date(2026, 9, 28) and first_monday.weekday() == 0
    # The heatmap's days: those with an answer, in day order.
    assert stats.activity == [
        {"date": "2026-09-27", "count": 1},
        {"date": "2026-09-28", "count": 2},
        {"date": "2026-11-25", "count": 1},
    ]
    assert [(week.week, week.attempts, week.coverage, week.ratings) for week in stats.trend] == [
        (date(2026, 9, 28), 2, 60.0, {"Again": 0, "Hard": 1, "Good": 0, "Easy": 1}),
        (date(2026, 11, 23), 1, 100.0, {"Again": 0, "Hard": 0, "Good": 1, "Easy": 0}),
    ]
    # Today's row: one review answered (none of them a first answer), so one review less is left today.
    assert stats.today_counts.budget.reviews_left == learner.daily_review_limit - 1
    assert stats.today_counts.budget.new_left == learner.daily_new_limit
    assert stats.streak_days == 1


def test_a_streak_stays_alive_until_today_ends():
    today = date(2026, 11, 25)
    assert streak_from({date(2026, 11, 24), date(2026, 11, 23)}, today) == 2
    assert streak_from({date(2026, 11, 23)}, today) == 0


def test_days_follow_the_users_time_zone_around_midnight(learner, ml_guide):
    learner.timezone = "Asia/Tokyo"  # UTC+9
    question = Question.objects.get(guide=ml_guide, number=1)
    attempt(
        learner, question, datetime(2026, 11, 24, 14, 30, tzinfo=dt_timezone.utc)
    )  # 23:30 on the 24th in Tokyo
    attempt(
        learner, question, datetime(2026, 11, 24, 15, 30, tzinfo=dt_timezone.utc)
    )  # 00:30 on the 25th in Tokyo
    stats = dashboard_stats(learner, datetime(2026, 11, 25, 3, 0, tzinfo=dt_timezone.utc))
    assert stats.activity == [{"date": "2026-11-24", "count": 1}, {"date": "2026-11-25", "count": 1}]
    assert stats.today == date(2026, 11, 25)
    assert stats.streak_days == 2


# The charts' windows: what is queried is what is drawn ---------------------------------------------------


def test_the_weekly_chart_counts_its_oldest_week_from_its_monday_morning(learner, ml_guide):
    """NOW is Wednesday 25 Nov, noon (London): the chart's first week is that of Monday 28 Sep (8 weeks
    before the week of 23 Nov). An answer on that Monday at 10:00, and one on Wednesday 30 Sep at 08:00,
    both come before "8 weeks ago" (30 Sep, noon) yet belong to the first week."""
    learner.timezone = "Europe/London"
    question = Question.objects.get(guide=ml_guide, number=1)
    attempt(learner, question, datetime(2026, 9, 28, 9, 0, tzinfo=dt_timezone.utc))  # 10:00 BST
    attempt(learner, question, datetime(2026, 9, 30, 7, 0, tzinfo=dt_timezone.utc))  # 08:00 BST
    attempt(learner, question, datetime(2026, 9, 27, 22, 0, tzinfo=dt_timezone.utc))  # Sunday 23:00: before
    stats = dashboard_stats(learner, NOW)
    assert [(week.week, week.attempts) for week in stats.trend] == [(date(2026, 9, 28), 2)]
    chart = trend_chart(stats.trend, stats.today)
    assert chart.weeks[0].week == date(2026, 9, 28)
    assert chart.weeks[0].attempts == 2


def test_the_heatmap_queries_from_the_monday_it_starts_on(learner, ml_guide):
    """52 weeks back from Wednesday 25 Nov 2026, plus a day, is Wednesday 26 Nov 2025; the heatmap starts on
    that week's Monday, 24 Nov 2025, so an answer that Monday is drawn and counted, not shown as none."""
    question = Question.objects.get(guide=ml_guide, number=1)
    attempt(learner, question, datetime(2025, 11, 24, 12, 0, tzinfo=dt_timezone.utc))
    attempt(learner, question, datetime(2025, 11, 23, 12, 0, tzinfo=dt_timezone.utc))  # the Sunday before
    stats = dashboard_stats(learner, NOW)
    assert stats.activity == [{"date": "2025-11-24", "count": 1}]
    drawn = heatmap(stats.activity, stats.today)
    assert "<title>Mon 24 Nov 2025: 1 attempt</title>" in drawn.svg
    assert "Sun 23 Nov 2025" not in drawn.svg
    assert drawn.total == 1


def test_a_new_user_sees_one_way_to_start_and_what_practice_does(learner_client, ml_guide):
    html = learner_client.get("/dashboard/").content.decode()
    assert html.count('class="cta"') == 1  # "Start today's session", no second primary button below it
    assert '<input type="hidden" name="mode" value="today">' in html
    assert "How practice works" in html
    assert "Or practise:" not in html  # the other modes wait until there is something to review
    assert "How is this computed?" in html


def test_a_busy_users_dashboard_shows_every_part(learner_client, learner, ml_guide):
    questions = list(Question.objects.filter(guide=ml_guide).order_by("number")[:6])
    for index, question in enumerate(questions):
        schedule(learner, question, days_ago=index, due_in=timedelta(days=index - 2), at=timezone.now())
        attempt(learner, question, timezone.now() - timedelta(days=index), rating=1 + index % 4)
    html = learner_client.get("/dashboard/").content.decode()
    for text in [
        "Due now",
        "Your weakest topics",
        "Mastery by topic",
        "Reviews due in the next 14 days",
        "Activity in the last 52 weeks",
        '<svg class="chart heatmap"',
        '<svg class="chart forecast-chart"',
        '<svg class="chart trend-chart"',
        "Ratings and coverage by week",
        "Recent attempts",
        "How is this computed?",
    ]:
        assert text in html, text
    assert re.search(r"<title>\w{3} \d+ \w{3} \d{4}: 1 attempt</title>", html)
    assert "<script" not in html.split("</head>")[1]
    # One primary action, the other modes right under it as small buttons, then the figures.
    assert html.index("Start today's session") < html.index("Or practise:") < html.index("Due now")
    assert html.count('class="cta"') == 1


def test_the_page_and_the_api_show_the_same_numbers(learner_client, learner, ml_guide):
    learner.interview_date = timezone.localdate() + timedelta(days=20)
    learner.save()
    for index, question in enumerate(Question.objects.filter(guide=ml_guide).order_by("number")[:5]):
        schedule(learner, question, days_ago=index, due_in=timedelta(days=index - 1), at=timezone.now())
        attempt(learner, question, timezone.now() - timedelta(hours=index))
    api = learner_client.get("/api/v1/stats/").json()
    html = learner_client.get("/dashboard/").content.decode()

    assert f"<dt>Due now</dt><dd>{api['due_now']}</dd>" in html
    assert f"<dt>New available today</dt><dd>{api['new_available']}</dd>" in html
    assert f"<dt>Readiness</dt><dd>{api['readiness']}%</dd>" in html
    assert f'<dt>Streak</dt><dd>{api["streak_days"]} <small class="muted">day' in html
    assert f"<dd>{api['today_count']} <small" in html
    assert f"<strong>{api['readiness_forecast']}%</strong>" in html
    for topic in api["topics"]:
        assert (
            f"<strong>{topic['mastery']}%</strong> "
            f'<span class="muted">· {topic["practised"]} of {topic["total"]} practised</span>'
        ) in html
    names = [topic["name"] for topic in api["topics"]]
    assert re.findall(r'mastery-name"><a href="[^"]+">([^<]+)</a>', html) == names
    assert set(api) >= {
        "due_now", "new_available", "forecast", "streak_days", "today_count", "topics",
        "weakest_topics", "readiness", "readiness_forecast", "activity",
    }  # fmt: skip


def test_the_mastery_list_escapes_a_topics_name_and_links_and_practises_it_by_slug(
    learner_client, learner, ml_guide
):
    from interview.models import Topic

    topic = Topic.objects.filter(questions__guide=ml_guide).order_by("position").first()
    Topic.objects.filter(pk=topic.pk).update(name='<b>Bias</b> & "variance"')
    question = topic.questions.first()
    schedule(learner, question, at=timezone.now())
    attempt(learner, question, timezone.now() - timedelta(hours=1))
    html = learner_client.get("/dashboard/").content.decode()
    escaped = "&lt;b&gt;Bias&lt;/b&gt; &amp; &quot;variance&quot;"
    assert f'<span class="mastery-name"><a href="/topics/{topic.slug}/">{escaped}</a></span>' in html
    assert f'aria-label="Mastery of {escaped}"' in html
    assert f'<input type="hidden" name="topics" value="{topic.slug}">' in html
    assert "<b>Bias</b>" not in html


# How numbers and times read ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "shown"), [(0.104, "10%"), (0.523, "52%"), (1, "100%"), (0, "0%"), (None, "0%")]
)
def test_a_share_is_shown_as_a_whole_percentage(share, shown):
    assert percent(share) == shown


@pytest.mark.parametrize(
    ("before", "shown"),
    [
        (timedelta(0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(minutes=5, seconds=10), "5\xa0minutes ago"),
        (timedelta(hours=19, minutes=53), "19\xa0hours ago"),
        (timedelta(days=1, hours=10), "1\xa0day ago"),
    ],
)
def test_a_moment_reads_just_now_then_in_its_largest_unit(before, shown):
    assert ago(NOW - before, NOW) == shown


@pytest.mark.parametrize(
    ("after", "shown"),
    [
        (-timedelta(hours=2), "now"),  # overdue is due now
        (timedelta(0), "now"),
        (timedelta(seconds=59), "now"),
        (timedelta(minutes=10, seconds=5), "in 10\xa0minutes"),
        (timedelta(days=3, hours=20), "in 3\xa0days"),
    ],
)
def test_a_moment_to_come_reads_now_then_in_its_largest_unit(after, shown):
    assert until(NOW + after, NOW) == shown


def test_the_dashboard_shows_whole_percentages_and_just_now(learner_client, learner, ml_guide):
    first, second = Question.objects.filter(guide=ml_guide).order_by("number")[:2]
    schedule(learner, first, at=timezone.now())
    attempt(learner, first, timezone.now() - timedelta(minutes=3), coverage=0.523)
    attempt(learner, second, timezone.now(), coverage=0.104)
    html = learner_client.get("/dashboard/").content.decode()

    assert ": Good, 10% covered, just now</li>" in html
    assert ": Good, 52% covered, 3\xa0minutes ago</li>" in html
    assert "<td>31%</td>" in html  # the week's average coverage, 31.35%
    assert not re.search(r"\d[.,]\d+\s?%", html), "a percentage with decimals"
    assert "0 minutes" not in html and "0\xa0minutes" not in html


def test_practise_again_is_named_by_its_visible_label_then_the_assignment(
    learner_client, learner, mentor, cohort, ml_guide
):
    from interview.models import AssignmentLearner
    from interview.services.mentoring import assignment_create, question_set_save

    questions = Question.objects.filter(guide=ml_guide).order_by("number")[:2]
    question_set = question_set_save(owner=mentor, title="Basics", question_ids=[q.pk for q in questions])
    assignment = assignment_create(
        mentor=mentor,
        question_set=question_set,
        cohort=cohort,
        due_date=timezone.localdate() + timedelta(days=7),
    )
    AssignmentLearner.objects.filter(assignment=assignment, learner=learner).update(
        completed_at=timezone.now()
    )
    html = learner_client.get("/dashboard/").content.decode()
    # The accessible name, "Practise again Basics", starts with the words on the button (WCAG 2.5.3).
    assert '<button type="submit">Practise again<span class="visually-hidden"> Basics</span></button>' in html
    assert 'aria-label="Practise Basics"' not in html


def test_the_dashboard_names_its_parts_once_each_for_screen_readers(learner_client, learner, ml_guide):
    question = Question.objects.get(guide=ml_guide, number=1)
    schedule(learner, question, stability=1, days_ago=3, due_in=timedelta(days=-1), at=timezone.now())
    attempt(learner, question, timezone.now() - timedelta(days=3), rating=Rating.AGAIN)
    html = learner_client.get("/dashboard/").content.decode()
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", html)
    assert len(headings) == len(set(headings)), headings
    assert "Your figures" in headings
    # The weakest topic's button: the visible word first, the topic for screen readers (WCAG 2.5.3).
    topic = Question.objects.get(guide=ml_guide, number=1).topics.first()
    assert (
        f'<button type="submit" class="button-secondary">Practise<span class="visually-hidden"> {topic.name}</span></button>'
        in html
    )
    assert f'aria-label="Practise {topic.name}"' not in html
    # Every data table beside a chart has a caption.
    assert html.count('<table class="compact">') == html.count("<caption") == 3


def test_stats_need_authentication(client):
    assert client.get("/api/v1/stats/").status_code == 401


def bulk_history(user, count: int) -> None:
    questions = attempt_history(user, count)
    for question in questions[: min(count, len(questions))]:
        schedule(user, question, days_ago=3, at=timezone.now())


def answered_today(user) -> None:
    """The user's first question answered again just now: the daily goal looks up its due date at midnight."""
    state = ReviewState.objects.filter(user=user).order_by("question__number").first()
    state.last_review = timezone.now()
    state.save(update_fields=["last_review"])


def dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dashboard/").status_code == 200
    return len(queries)


def test_the_dashboard_runs_the_same_few_queries_for_10_or_20000_attempts(
    learner_client, learner, stranger, ml_guide
):
    from django.test import Client

    bulk_history(learner, 10)
    busy = Client()
    busy.force_login(stranger)
    bulk_history(stranger, 20_000)
    # The first view reads the bank's figures the process then keeps for a few seconds: written after the
    # slow history, so that both measured views find them kept.
    dashboard_queries(learner_client)
    small = dashboard_queries(learner_client)
    large = dashboard_queries(busy)
    assert small == large
    # The session and the user; the schedule rows, the days, "Continue your session" and the recent attempts
    # (the user comes with whether they learn in a cohort, and neither does).
    assert large == 6


def test_a_learner_in_a_cohort_sees_it_on_the_dashboard_and_one_who_left_no_longer_does(
    learner_client, learner, mentor, ml_guide
):
    from interview.models import Cohort, Membership

    cohort = Cohort.objects.create(name="Spring cohort")
    Membership.objects.create(cohort=cohort, user=mentor, role=Membership.Role.MENTOR)
    membership = Membership.objects.create(cohort=cohort, user=learner, role=Membership.Role.LEARNER)

    assert "Spring cohort" in learner_client.get("/dashboard/").content.decode()
    membership.delete()
    assert "Spring cohort" not in learner_client.get("/dashboard/").content.decode()


def explain(cursor, sql: str) -> str:
    if connection.vendor == "postgresql":
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())
    cursor.execute("EXPLAIN QUERY PLAN " + sql)
    return "\n".join(str(row[-1]) for row in cursor.fetchall())


def attempt_reads(statements: list[str]) -> list[str]:
    return [sql for sql in statements if "interview_attempt" in sql]


def test_the_dashboard_numbers_read_attempts_only_for_the_daily_goal(learner, ml_guide):
    """Activity and trend come from the daily rollup, the rest from schedule rows. The one exception is the
    daily goal: the due date each question answered today had at midnight (an indexed lookup per such
    question, in the statement that reads the schedule rows)."""
    bulk_history(learner, 200)
    answered_today(learner)
    learner.interview_date = timezone.localdate() + timedelta(days=20)
    with CaptureQueriesContext(connection) as queries:
        dashboard_stats(learner, timezone.now())
    (statement,) = attempt_reads([query["sql"] for query in queries.captured_queries])
    assert statement.count("interview_attempt") == 1 and 'FROM "interview_reviewstate"' in statement


def test_no_dashboard_query_scans_the_whole_attempts_table(learner_client, learner, ml_guide):
    bulk_history(learner, 200)
    with CaptureQueriesContext(connection) as queries:
        assert learner_client.get("/dashboard/").status_code == 200
    attempt_queries = [
        query["sql"] for query in queries.captured_queries if "interview_attempt" in query["sql"]
    ]
    assert attempt_queries  # the recent attempts
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # With sequential scans priced out, a plan that still scans the table has no index to use.
            cursor.execute("SET enable_seqscan = off")
        for sql in attempt_queries:
            plan = explain(cursor, sql)
            assert "Seq Scan on interview_attempt" not in plan, plan
            assert "SCAN interview_attempt" not in plan and "SCAN U0" not in plan, plan
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = on")


def test_the_daily_goal_counts_only_new_questions_that_are_left(learner, ml_guide):
    learner.daily_new_limit = 10
    for question in Question.objects.filter(guide=ml_guide).order_by("number")[:45]:
        schedule(learner, question, days_ago=0)
    assert dashboard_stats(learner, NOW).daily_goal == 3  # 3 unseen questions, nothing due


def test_the_stats_api_reads_neither_attempts_nor_the_weekly_trend(client, learner, ml_guide):
    from knox.models import AuthToken

    bulk_history(learner, 300)
    answered_today(learner)
    token = AuthToken.objects.create(user=learner)[1]
    client.get("/api/v1/stats/", HTTP_AUTHORIZATION=f"Token {token}")  # the bank's figures, then kept
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/stats/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200 and response.json()["activity"]
    statements = [query["sql"] for query in queries.captured_queries]
    # Attempts are read only for the daily goal (see the test above).
    assert [sql.count("interview_attempt") for sql in attempt_reads(statements)] == [1]
    # The token; the schedule rows (with the due dates at midnight of today's answers) and the days.
    assert len(statements) == 3


# The daily goal -------------------------------------------------------------------------------------------


def practised_yesterday(user, question, *, due):
    """A question answered Good yesterday at noon: its schedule row and the attempt that gave it ``due``."""
    yesterday = NOW - timedelta(days=1)
    schedule(user, question, stability=1.0, days_ago=1, due_in=due - NOW)
    recorded = Attempt.objects.create(
        user=user,
        question=question,
        mode=PracticeMode.DUE,
        coverage=1,
        suggested_rating=Rating.GOOD,
        rating=Rating.GOOD,
        was_new=True,
        due_after=due,
        created_at=yesterday,
    )
    activity_add(attempt=recorded)


def answer_a_session(user, mode, now, rating=Rating.GOOD):
    from interview.services.practice import attempt_record, session_start, showing_current

    session = session_start(user=user, mode=mode, now=now)
    answered = 0
    while session is not None and (showing := showing_current(session=session, now=now)) is not None:
        attempt_record(user=user, token=showing.token, rating=rating, now=now)
        answered += 1
    return answered


def test_the_daily_goal_is_fixed_when_the_day_begins_and_counts_questions_of_the_plan(learner, ml_guide):
    """Goal = the daily new limit (3) + the reviews due by the end of today as the day began (2); progress
    counts the questions of that plan answered today, once each."""
    learner.daily_new_limit = 3
    learner.save()
    q1, q2, q3 = Question.objects.filter(guide=ml_guide).order_by("number")[:3]
    today_at = lambda hour, minute=0: NOW.replace(hour=hour, minute=minute)  # noqa: E731
    practised_yesterday(learner, q1, due=today_at(10))  # due this morning
    practised_yesterday(learner, q2, due=today_at(18))  # due this evening
    practised_yesterday(learner, q3, due=today_at(9) + timedelta(days=1))  # due tomorrow: not today's
    assert dashboard_stats(learner, today_at(8)).daily_goal == 3 + 2

    # Noon: the due review (q1) and three new questions, each rated Good (a learning step due 10 minutes on).
    assert answer_a_session(learner, "due", NOW) == 1
    assert answer_a_session(learner, "new", NOW) == 3
    stats = dashboard_stats(learner, NOW)
    assert (stats.today_count, stats.daily_goal) == (4, 5)
    # 12:30: the three learning steps are due and answered: the same three questions, no progress.
    assert answer_a_session(learner, "due", today_at(12, 30)) == 3
    stats = dashboard_stats(learner, today_at(12, 31))
    assert (stats.today_count, stats.daily_goal) == (4, 5)
    # 18:30: q2 is due and answered: the plan is done (8 answers, 5 questions).
    assert answer_a_session(learner, "due", today_at(18, 30)) == 1
    stats = dashboard_stats(learner, today_at(18, 31))
    assert (stats.today_count, stats.daily_goal) == (5, 5)


def test_answers_outside_the_plan_do_not_count_toward_the_goal(learner, ml_guide):
    """New limit 1, q1 due today, q2 due tomorrow: goal 1 + 1. Today: three new questions through a topic
    (one of them is the plan's), q2 ahead of time (not planned), q1 rated Again then Good: 1 + 1 = 2 of 2."""
    learner.daily_new_limit = 1
    q1, q2, *new = Question.objects.filter(guide=ml_guide).order_by("number")[:5]
    practised_yesterday(learner, q1, due=NOW - timedelta(hours=1))
    practised_yesterday(learner, q2, due=NOW + timedelta(days=1))
    for question in new:
        schedule(learner, question, days_ago=0)
        activity_add(attempt=Attempt.objects.create(
            user=learner, question=question, mode=PracticeMode.TOPIC, coverage=1, rating=Rating.GOOD, suggested_rating=Rating.GOOD,
            was_new=True, due_after=NOW + timedelta(days=1), created_at=NOW - timedelta(minutes=30),
        ))  # fmt: skip
    for question, rating, repeat in [
        (q2, Rating.GOOD, False),
        (q1, Rating.AGAIN, False),
        (q1, Rating.GOOD, True),
    ]:
        activity_add(attempt=Attempt.objects.create(
            user=learner, question=question, mode=PracticeMode.TOPIC, coverage=1, rating=rating, suggested_rating=rating,
            was_repeat=repeat, due_after=NOW + timedelta(days=2), created_at=NOW - timedelta(minutes=10),
        ))  # fmt: skip
    ReviewState.objects.filter(user=learner, question__in=[q1, q2]).update(
        last_review=NOW - timedelta(minutes=10), due=NOW + timedelta(days=2)
    )
    stats = dashboard_stats(learner, NOW)
    assert (stats.today_count, stats.daily_goal) == (2, 2)


def test_a_review_due_this_evening_is_in_the_goal_and_the_next_step_names_its_time(
    learner_client, learner, ml_guide
):
    """Nothing due now, one review at 18:00 today, no new questions: "0 of 1", and the page says when to
    come back instead of "tomorrow". The learner's zone puts now in the morning, whatever the clock says."""
    now = timezone.now()
    offset = 9 - now.hour if 9 - now.hour >= -12 else 33 - now.hour  # hours east of UTC: 09:xx local
    learner.timezone = f"Etc/GMT{-offset:+d}"  # the Etc zones' signs are inverted
    learner.daily_new_limit = 0
    learner.save()
    local_now = now.astimezone(zoneinfo.ZoneInfo(learner.timezone))
    assert local_now.hour == 9
    evening = local_now.replace(hour=18, minute=0, second=0, microsecond=0)
    question = Question.objects.get(guide=ml_guide, number=1)
    ReviewState.objects.create(
        user=learner, question=question, phase=2, stability=5, difficulty=5, last_rating=Rating.GOOD,
        last_review=now - timedelta(days=3), due=evening, reviews=1,
    )  # fmt: skip
    html = learner_client.get("/dashboard/").content.decode()
    assert '<dd>0 <small class="muted">of 1</small></dd>' in html
    assert "Next review due at 18:00" in html
    assert "come back tomorrow" not in html


def test_the_daily_goal_keeps_to_the_review_limit(learner, ml_guide):
    learner.daily_new_limit, learner.daily_review_limit = 0, 1
    for question in Question.objects.filter(guide=ml_guide).order_by("number")[:3]:
        practised_yesterday(learner, question, due=NOW)
    assert dashboard_stats(learner, NOW).daily_goal == 0 + 1


# The plan for a learner with an interview date -----------------------------------------------------------


def test_a_new_learner_with_an_interview_date_sees_a_plan(learner_client, learner, ml_guide):
    """48 questions, 10 new a day: 10 a day for 5 days (10, 10, 10, 10, 8); the reviews come from the forecast."""
    learner.daily_new_limit = 10
    learner.interview_date = timezone.localdate() + timedelta(days=21)
    learner.save()
    stats = learner_client.get("/api/v1/stats/").json()
    assert (stats["days_to_interview"], stats["new_per_day_planned"], stats["new_days_planned"]) == (
        21,
        10,
        5,
    )
    assert stats["reviews_per_day_needed"] >= 1
    html = learner_client.get("/dashboard/").content.decode()
    assert "How practice works" in html
    plan = re.search(r'<p class="notice plan" id="plan">(.*?)</p>', html, re.S).group(1)
    assert " ".join(re.sub(r"<[^>]+>", "", plan).split()) == (
        f"21 days to your interview: 10 new questions a day for 5 days and about "
        f"{stats['reviews_per_day_needed']} reviews a day. Keeping to this schedule, you should recall about "
        f"{stats['readiness_forecast']}% of the questions on the day."
    )
    assert "Set your interview date" not in html


def plan_text(html: str) -> str:
    plan = re.search(r'<p class="notice plan" id="plan">(.*?)</p>', html, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", "", plan).split())


def test_a_plan_without_reviews_leaves_the_reviews_out(learner_client, learner, ml_guide):
    """Interview tomorrow, 10 new today: their learning steps wait for tomorrow, so no reviews a day."""
    learner.daily_new_limit = 10
    learner.interview_date = timezone.localdate() + timedelta(days=1)
    learner.save()
    stats = learner_client.get("/api/v1/stats/").json()
    assert (stats["new_per_day_planned"], stats["reviews_per_day_needed"]) == (10, 0)
    text = plan_text(learner_client.get("/dashboard/").content.decode())
    assert text.startswith("1 day to your interview: 10 new questions a day. Keeping to this schedule")
    assert "review" not in text


def test_a_plan_with_nothing_to_do_says_so(learner_client, learner, ml_guide):
    learner.interview_date = timezone.localdate() + timedelta(days=10)
    learner.save()
    for question in Question.objects.filter(guide=ml_guide):
        schedule(learner, question, stability=30, days_ago=0, due_in=timedelta(days=40), at=timezone.now())
    text = plan_text(learner_client.get("/dashboard/").content.decode())
    assert text.startswith("10 days to your interview: no new questions or reviews planned. Keeping to")


def test_the_plan_of_a_learner_with_everything_started_has_no_new_questions(learner, ml_guide):
    learner.interview_date = date(2026, 12, 5)  # 10 days after NOW
    for question in Question.objects.filter(guide=ml_guide):
        schedule(learner, question, stability=30, days_ago=1, due_in=timedelta(days=40))
    stats = dashboard_stats(learner, NOW)
    # Nothing to learn and nothing due before the interview (recall on the day at least 0.95 with S = 30,
    # 10.5 days after the review: (1 + 0.98043 * 10.5 / 30) ** -0.1542 = 0.9555).
    assert (stats.new_per_day_planned, stats.new_days_planned, stats.reviews_per_day_needed) == (0, 0, 0)
    assert stats.readiness_forecast == stats.readiness == 96


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite reads the schedule through the ORM alone"
)
def test_the_schedule_written_out_reads_the_rows_the_orm_reads(learner, stranger, ml_guide):
    from interview.selectors.learning import _schedule_rows_orm, _schedule_rows_sql, today_start

    first, second, third, retired = Question.objects.filter(guide=ml_guide).order_by("number")[:4]
    day_start = today_start(learner, NOW)
    # Answered before today only; answered today after an answer yesterday; answered first today; retired.
    schedule(learner, first, days_ago=3)
    attempt(learner, second, NOW - timedelta(days=1, minutes=5))
    attempt(learner, second, NOW - timedelta(days=1))
    attempt(learner, second, NOW - timedelta(hours=1))
    schedule(learner, second, days_ago=0, stability=None)
    attempt(learner, third, NOW - timedelta(hours=2))
    schedule(learner, third, days_ago=0)
    schedule(learner, retired, days_ago=1)
    Question.objects.filter(pk=retired.pk).update(is_active=False)
    schedule(stranger, first, days_ago=1)

    for start in (None, day_start):
        written_out = sorted(_schedule_rows_sql(learner, start))
        assert written_out == sorted(_schedule_rows_orm(learner, start))
        assert [row[0] for row in written_out] == sorted([first.pk, second.pk, third.pk])
    rows = {row[0]: row for row in _schedule_rows_sql(learner, day_start)}
    # The due date the latest answer before today gave: yesterday's, one day on; none for the others.
    assert rows[second.pk][-1] == NOW
    assert rows[first.pk][-1] is None and rows[third.pk][-1] is None
    # Timestamps come back as the ORM's do: aware, in UTC.
    assert rows[first.pk][5].tzinfo is dt_timezone.utc and rows[first.pk][5] == NOW + timedelta(days=5)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="only PostgreSQL's cursors have psycopg's loaders"
)
@pytest.mark.parametrize("use_tz", [True, False])
def test_the_schedule_cursor_loads_timestamps_with_psycopgs_loader_only_in_utc_with_use_tz(settings, use_tz):
    from psycopg.postgres import types
    from psycopg.pq import Format

    from interview.selectors.learning import _load_timestamps_with_psycopg

    settings.USE_TZ = use_tz
    oid = types["timestamptz"].oid
    with connection.cursor() as cursor:
        djangos = cursor.cursor.adapters.get_loader(oid, Format.TEXT)
        _load_timestamps_with_psycopg(cursor)
        loader = cursor.cursor.adapters.get_loader(oid, Format.TEXT)
    assert djangos.__module__.startswith("django")
    if use_tz:
        assert loader.__module__.startswith("psycopg")  # the C build where installed
    else:
        assert loader is djangos
