"""The mentor's cohort grid: sorted by any column, a page of 30 learners at a time, in a bounded number of queries,
with the dashboard's mastery colours."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from interview.models import (
    Assignment,
    AssignmentLearner,
    Membership,
    PracticeMode,
    Question,
    Rating,
    ReviewState,
    Topic,
)
from interview.scheduling import DEFAULT_PARAMETERS
from interview.selectors.learning import (
    GROUP_FIGURES_KEEP_SECONDS,
    bank_figures,
    group_topic_figures,
    mastery_band,
)
from interview.selectors.mentoring import (
    _activity_orm,
    _activity_sql,
    _members_orm,
    _members_sql,
    _progress_orm,
    _progress_sql,
)
from interview.services import mentoring as mentoring_service
from interview.services.practice import attempt_record, session_start, showing_current
from tests.factories import attempt_history

pytestmark = pytest.mark.django_db


def test_the_mastery_bands_are_the_dashboards_scale():
    assert mastery_band(0, practised=0) == "unpractised"
    assert mastery_band(0, practised=1) == "weak"
    assert mastery_band(49, practised=3) == "weak"
    assert mastery_band(50, practised=3) == "fair"
    assert mastery_band(79, practised=3) == "fair"
    assert mastery_band(80, practised=3) == "strong"
    assert mastery_band(100, practised=9) == "strong"


def add_learners(cohort, names: list[str]) -> list[User]:
    """Learners of the cohort, in bulk (a cohort of 500 is set up in a moment)."""
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(email=f"{name.lower().replace(' ', '.')}@example.com", display_name=name, password=password)
            for name in names
        ]
    )
    Membership.objects.bulk_create(
        [Membership(cohort=cohort, user=user, role=Membership.Role.LEARNER) for user in users]
    )
    return users


def remembers(user: User, questions: list[Question]) -> None:
    """The user practised these questions just now and remembers them (recall close to 1)."""
    now = timezone.now()
    ReviewState.objects.bulk_create(
        [
            ReviewState(
                user=user,
                question=question,
                stability=1000.0,
                difficulty=5.0,
                due=now + timedelta(days=900),
                last_review=now,
                reviews=1,
                phase=ReviewState.Phase.REVIEW,
            )
            for question in questions
        ]
    )


def learner_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="learner-col"><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def mentored(ml_guide, client, mentor):
    cohort = mentoring_service.cohort_create(mentor=mentor, name="Autumn cohort")
    client.force_login(mentor)
    return cohort


def test_the_grid_sorts_by_name_by_default_and_by_any_column_both_ways(mentored, client):
    ada, bob, cy = add_learners(mentored, ["Ada", "Bob", "Cy"])
    topic = Topic.objects.get(slug="time-series")
    questions = list(Question.objects.filter(topics=topic, is_active=True).order_by("number"))
    remembers(bob, questions)  # strong in time series
    remembers(cy, questions[:1])  # started it
    url = f"/mentor/cohorts/{mentored.pk}/"

    html = client.get(url).content.decode()
    assert learner_names(html) == ["Ada", "Bob", "Cy"]
    assert re.search(
        r'<th scope="col" class="learner-col" aria-sort="ascending"><a href="\?sort=-name"', html
    )

    html = client.get(url + "?sort=-name").content.decode()
    assert learner_names(html) == ["Cy", "Bob", "Ada"]
    assert 'aria-sort="descending"><a href="?sort=name"' in html

    html = client.get(url + "?sort=topic-time-series").content.decode()
    assert learner_names(html) == ["Ada", "Cy", "Bob"]
    assert html.count("aria-sort=") == 1
    assert learner_names(client.get(url + "?sort=-topic-time-series").content.decode()) == [
        "Bob",
        "Cy",
        "Ada",
    ]


def test_ties_keep_name_order_and_an_unknown_sort_is_ignored(mentored, client):
    add_learners(mentored, ["Dee", "Ada", "Cy", "Bob"])
    url = f"/mentor/cohorts/{mentored.pk}/"
    # Nobody practised: every learner ties on every topic, and keeps the name order either way.
    assert learner_names(client.get(url + "?sort=topic-time-series").content.decode()) == [
        "Ada",
        "Bob",
        "Cy",
        "Dee",
    ]
    assert learner_names(client.get(url + "?sort=-due").content.decode()) == ["Ada", "Bob", "Cy", "Dee"]
    for nonsense in ["topic-nope", "--name", "assignment-999", "x" * 500, "\u00e9"]:
        response = client.get(url, {"sort": nonsense})
        assert response.status_code == 200
        assert learner_names(response.content.decode()) == ["Ada", "Bob", "Cy", "Dee"]


def test_the_grid_shows_whole_percents_in_the_dashboards_colours(mentored, client, learner):
    Membership.objects.create(cohort=mentored, user=learner, role=Membership.Role.LEARNER)
    topic = Topic.objects.get(slug="time-series")
    remembers(learner, list(Question.objects.filter(topics=topic, is_active=True)))
    html = client.get(f"/mentor/cohorts/{mentored.pk}/").content.decode()
    assert '<td class="num mastery mastery-strong">100%</td>' in html
    assert '<td class="num mastery mastery-unpractised">0%</td>' in html

    client.force_login(learner)
    dashboard = client.get("/dashboard/").content.decode()
    assert (
        'class="mastery mastery-strong"' in dashboard and 'class="mastery mastery-unpractised"' in dashboard
    )


def test_a_page_holds_30_learners_and_keeps_the_sort(mentored, client):
    add_learners(mentored, [f"Learner {n:02d}" for n in range(35)])
    url = f"/mentor/cohorts/{mentored.pk}/"
    first = client.get(url + "?sort=-name").content.decode()
    assert len(learner_names(first)) == 30 and learner_names(first)[0] == "Learner 34"
    assert 'href="?sort=-name&amp;page=2" rel="next"' in first
    second = client.get(url + "?sort=-name&page=2").content.decode()
    assert learner_names(second) == ["Learner 04", "Learner 03", "Learner 02", "Learner 01", "Learner 00"]
    assert "Learners 31–35 of 35" in second
    assert learner_names(client.get(url + "?page=99").content.decode()) == learner_names(
        client.get(url + "?page=2").content.decode()
    )
    assert client.get(url + "?page=x").status_code == 200


@pytest.fixture
def cache_without_queries(settings):
    # Production keeps the cache in Redis: counting the database cache's queries would measure the wrong thing.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.parametrize("size", [30, 500])
def test_the_grid_takes_the_same_few_queries_for_30_or_500_learners(
    mentored, client, mentor, size, django_assert_max_num_queries, cache_without_queries, on_postgresql
):
    learners = add_learners(mentored, [f"Learner {n:03d}" for n in range(size)])
    question_set = mentoring_service.question_set_save(
        owner=mentor, title="Basics", question_ids=list(Question.objects.values_list("pk", flat=True)[:3])
    )
    for day in [1, 2, 3]:
        mentoring_service.assignment_create(
            mentor=mentor, question_set=question_set, cohort=mentored, due_date=date(2099, 1, day)
        )
    for learner in learners[:5]:
        remembers(learner, list(Question.objects.order_by("number")[:4]))
    url = f"/mentor/cohorts/{mentored.pk}/"
    # One more when the page holds only some of the learners: the cohort's sums per topic (kept: 11); and one
    # more on SQLite, which reads the assignments' active questions apart from the assignments.
    most = (11 if size == 30 else 12) + (not on_postgresql)
    for sort in ["name", "-activity", "topic-time-series", f"assignment-{Assignment.objects.last().pk}"]:
        with django_assert_max_num_queries(most):
            response = client.get(url, {"sort": sort})
        assert len(learner_names(response.content.decode())) == 30


def test_an_overdue_learner_is_shown_and_can_be_reminded_from_the_menu(mentored, client, mentor, learner):
    Membership.objects.create(cohort=mentored, user=learner, role=Membership.Role.LEARNER)
    question_set = mentoring_service.question_set_save(
        owner=mentor, title="Basics", question_ids=list(Question.objects.values_list("pk", flat=True)[:2])
    )
    assignment = mentoring_service.assignment_create(
        mentor=mentor, question_set=question_set, cohort=mentored, due_date=date(2099, 1, 1)
    )
    Assignment.objects.filter(pk=assignment.pk).update(due_date=datetime.now(UTC).date() - timedelta(days=3))
    url = f"/mentor/cohorts/{mentored.pk}/"
    html = client.get(url).content.decode()
    assert '0/2<span class="col-note">overdue</span>' in html
    assert "Remind of “Basics”</button>" in html

    client.post(f"/mentor/assignments/{assignment.pk}/remind/", {"learner": learner.pk, "next": url})
    assert AssignmentLearner.objects.get(learner=learner).mentor_reminded_on is not None
    html = client.get(url).content.decode()
    assert "Reminded today of “Basics”" in html and "Remind of “Basics”</button>" not in html


def test_sorting_by_an_assignment_puts_completed_first_then_by_share_done(mentored, client, mentor):
    ada, bob, cy, dee = add_learners(mentored, ["Ada", "Bob", "Cy", "Dee"])
    question_set = mentoring_service.question_set_save(
        owner=mentor, title="Basics", question_ids=list(Question.objects.values_list("pk", flat=True)[:4])
    )
    assignment = mentoring_service.assignment_create(
        mentor=mentor,
        question_set=question_set,
        cohort=mentored,
        learners=[ada, bob, cy],
        due_date=date(2099, 1, 1),
    )
    AssignmentLearner.objects.filter(learner=ada).update(answered=1)
    AssignmentLearner.objects.filter(learner=bob).update(answered=4, completed_at=timezone.now())
    AssignmentLearner.objects.filter(learner=cy).update(answered=3)
    url = f"/mentor/cohorts/{mentored.pk}/?sort=-assignment-{assignment.pk}"
    html = client.get(url).content.decode()
    assert learner_names(html) == ["Bob", "Cy", "Ada", "Dee"]  # Dee was not given it
    assert '4/4<span class="col-note">done</span>' in html and 'title="Not given this assignment"' in html


# The cohort's weakest topics on a page that holds only some of its learners: summed by the database, kept.


def answer(user: User, topic: Topic, rating: int) -> None:
    """The user answers the next question of the topic in practice, as on the practice page."""
    now = timezone.now()
    session = session_start(user=user, mode=PracticeMode.TOPIC, topics=[topic], now=now)
    attempt_record(user=user, token=showing_current(session=session, now=now).token, rating=rating, now=now)


def weakest(html: str) -> dict[str, int]:
    """The cohort's weakest topics as the page names them, with their retention."""
    found = re.search(r"<p>The cohort's weakest topics: (.*?)\.</p>", html)
    pairs = re.findall(r"<strong>([^<]+)</strong> \(retention (\d+)%\)", found.group(1)) if found else []
    return {name: int(retention) for name, retention in pairs}


@pytest.fixture
def cohort_of_two_pages(mentored):
    add_learners(mentored, [f"Learner {n:02d}" for n in range(30)])
    (zoe,) = add_learners(mentored, ["Zoe"])  # on the second page: her figures are read only in the sums
    return mentored, zoe


def test_the_cohorts_weakest_topics_show_every_answer_at_once(cohort_of_two_pages, client):
    cohort, zoe = cohort_of_two_pages
    topic = Topic.objects.get(slug="time-series")
    url = f"/mentor/cohorts/{cohort.pk}/"
    assert weakest(client.get(url).content.decode()) == {}  # nobody started a topic

    answer(zoe, topic, Rating.GOOD)
    shown = weakest(client.get(url).content.decode())
    assert shown[topic.name] == 100
    assert weakest(client.get(url).content.decode()) == shown

    answer(zoe, topic, Rating.AGAIN)  # forgotten: recall 0 until relearned, on the next page view
    assert weakest(client.get(url).content.decode())[topic.name] < 100


def test_the_cohorts_weakest_topics_follow_its_members(cohort_of_two_pages, client, mentor):
    cohort, zoe = cohort_of_two_pages
    answer(zoe, Topic.objects.get(slug="time-series"), Rating.GOOD)
    url = f"/mentor/cohorts/{cohort.pk}/"
    assert weakest(client.get(url).content.decode()) != {}

    mentoring_service.membership_remove(actor=mentor, cohort=cohort, user=zoe)
    assert weakest(client.get(url).content.decode()) == {}
    Membership.objects.create(cohort=cohort, user=zoe, role=Membership.Role.LEARNER)
    assert weakest(client.get(url).content.decode()) != {}


def reviewed_this_morning(user, question, *, reviews):
    """A schedule row last reviewed at 9:00 on 7 Dec 2026 and due the next day."""
    return ReviewState.objects.create(
        user=user,
        question=question,
        stability=1.0,
        difficulty=5.0,
        due=datetime(2026, 12, 8, tzinfo=UTC),
        last_review=datetime(2026, 12, 7, 9, tzinfo=UTC),
        reviews=reviews,
        phase=ReviewState.Phase.REVIEW,
    )


def test_a_groups_sums_are_kept_for_five_minutes_at_most(
    mentored, django_assert_num_queries, cache_without_queries
):
    learners = add_learners(mentored, ["Ada", "Bob"])
    reviewed_this_morning(learners[0], Question.objects.public().order_by("number").first(), reviews=1)
    window_start = datetime(2026, 12, 7, 10, tzinfo=UTC)  # a multiple of five minutes
    assert GROUP_FIGURES_KEEP_SECONDS == 300
    topics = bank_figures().topics
    first = group_topic_figures(learners, window_start, topics)
    with django_assert_num_queries(1):  # what the learners' schedule rows count: the same, so kept
        assert group_topic_figures(learners, window_start + timedelta(seconds=299), topics) == first
    with django_assert_num_queries(2):  # the next window: summed again, recall a little lower
        later = group_topic_figures(learners, window_start + timedelta(seconds=300), topics)
    assert sum(figures.recall_sum for figures in later) < sum(figures.recall_sum for figures in first)
    # A schedule row written by other means than an answer (seeding), even without reviews: summed again.
    reviewed_this_morning(learners[1], Question.objects.public().order_by("number").last(), reviews=0)
    with django_assert_num_queries(2):
        seeded = group_topic_figures(learners, window_start + timedelta(seconds=300), topics)
    assert sum(figures.practised for figures in seeded) > sum(figures.practised for figures in later)
    # A refitted memory model (another decay) changes the recall of the learner's rows: summed again at once.
    learners[0].memory_parameters = [*DEFAULT_PARAMETERS[:20], DEFAULT_PARAMETERS[20] / 2]
    refitted = group_topic_figures(learners, window_start + timedelta(seconds=300), topics)
    assert sum(figures.recall_sum for figures in refitted) != sum(figures.recall_sum for figures in seeded)


def test_the_written_out_activity_equals_the_orms(mentored, on_postgresql):
    """PostgreSQL reads the grid's last activity and reviews due in written-out SQL; the ORM's query (SQLite's
    path, and the one a cohort larger than a page reads with its schedule version) is its oracle."""
    if not on_postgresql:
        pytest.skip("the written-out SQL is PostgreSQL's; SQLite runs the ORM's query it is checked against")
    busy, idle, retired = add_learners(mentored, ["Busy", "Idle", "Retired"])
    attempt_history(busy, 40, days=20)
    remembers(busy, list(Question.objects.order_by("number")[:4]))
    now = timezone.now()
    questions = list(Question.objects.order_by("number")[4:9])
    for question in questions:  # due now, due later, and due now on a question since retired
        for user, due in [(busy, now - timedelta(hours=1)), (idle, now + timedelta(days=1)), (retired, now)]:
            ReviewState.objects.create(user=user, question=question, difficulty=5.0, due=due)
    Question.objects.filter(pk=questions[0].pk).update(is_active=False)
    ids = [busy.pk, idle.pk, retired.pk]
    expected = _activity_orm(ids, now, schedule_of=None)
    assert _activity_sql(ids, now, schedule_of=None) == expected
    # With the schedule version of a group (the cohort's learners: here the page's rows and one more).
    outside = add_learners(mentored, ["Outside"])[0]
    remembers(outside, list(Question.objects.order_by("number")[:2]))
    group = [*ids, outside.pk]
    expected = _activity_orm(ids, now, schedule_of=group)
    assert _activity_sql(ids, now, schedule_of=group) == expected
    assert expected[1] == 4 + 2 + 3 * len(questions) + sum(
        state.reviews for state in ReviewState.objects.all()
    )
    assert (
        _activity_sql([], now, schedule_of=group) == _activity_orm([], now, schedule_of=group) == ({}, None)
    )
    expected, _ = expected
    assert expected[busy.pk][1] == 4 and expected[idle.pk] == (None, 0) and expected[retired.pk] == (None, 4)


def test_the_written_out_assignment_progress_equals_the_orms(mentored, mentor, on_postgresql):
    """PostgreSQL reads the grid's progress rows (for the statuses and reminders) in written-out SQL; the ORM's
    query, SQLite's path, is its oracle."""
    if not on_postgresql:
        pytest.skip("the written-out SQL is PostgreSQL's; SQLite runs the ORM's query it is checked against")
    done, started, reminded, elsewhere = add_learners(mentored, ["Done", "Started", "Reminded", "Elsewhere"])
    question_set = mentoring_service.question_set_save(
        owner=mentor, title="Basics", question_ids=list(Question.objects.values_list("pk", flat=True)[:3])
    )
    first, second = (
        mentoring_service.assignment_create(
            mentor=mentor, question_set=question_set, cohort=mentored, due_date=date(2099, 1, day)
        )
        for day in [1, 2]
    )
    now = timezone.now()
    progress = AssignmentLearner.objects.filter(assignment=first)
    progress.filter(learner=done).update(answered=3, reached_good=2, completed_at=now - timedelta(days=1))
    progress.filter(learner=started).update(answered=1, last_activity=now)
    progress.filter(learner=reminded).update(mentor_reminded_on=date(2098, 12, 31))
    fields = ["assignment_id", "learner_id", "answered", "reached_good", "completed_at", "mentor_reminded_on"]

    def seen(rows):
        return {key: [getattr(row, field) for field in fields] for key, row in rows.items()}

    # Not every learner of the cohort, nor every assignment: the page's and the grid's columns.
    assignment_ids, learner_ids = [first.pk, second.pk], [done.pk, started.pk, reminded.pk]
    expected = seen(_progress_orm(assignment_ids, learner_ids))
    assert seen(_progress_sql(assignment_ids, learner_ids)) == expected
    assert len(expected) == 6 and (first.pk, elsewhere.pk) not in expected
    assert expected[first.pk, done.pk][2:5] == [3, 2, now - timedelta(days=1)]
    assert expected[first.pk, reminded.pk][5] == date(2098, 12, 31)


def test_the_written_out_members_equal_the_orms(mentored, mentor, on_postgresql):
    """PostgreSQL reads the cohort page's members (learners by name, then email; the mentors) written out; the
    ORM's query, SQLite's path, is its oracle."""
    if not on_postgresql:
        pytest.skip("the written-out SQL is PostgreSQL's; SQLite runs the ORM's query it is checked against")
    add_learners(mentored, ["Zoe", "Ann", "Émile"])
    namesake = User.objects.create(
        email="a.ann@example.com", display_name="Ann"
    )  # sorted by email after name
    Membership.objects.create(cohort=mentored, user=namesake, role=Membership.Role.LEARNER)
    other = mentoring_service.cohort_create(mentor=mentor, name="Other cohort")
    add_learners(other, ["Elsewhere"])

    def seen(members):
        fields = ["pk", "email", "display_name", "timezone", "memory_parameters", "cohort_role"]
        return [[getattr(member, field) for field in fields] for member in members]

    expected = seen(_members_orm(mentored))
    assert seen(_members_sql(mentored)) == expected
    learners = [row[1] for row in expected if row[5] == Membership.Role.LEARNER]
    assert learners[:2] == ["a.ann@example.com", "ann@example.com"] and len(learners) == 4
    assert [row[0] for row in expected if row[5] == Membership.Role.MENTOR] == [mentor.pk]
