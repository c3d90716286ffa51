"""The mentor's cohort grid: sorted by any column, a page of 30 learners at a time, in a bounded number of queries,
with the dashboard's mastery colours."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import User
from interview.models import Assignment, AssignmentLearner, Membership, Question, ReviewState, Topic
from interview.selectors.learning import mastery_band
from interview.services import mentoring as mentoring_service

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


@pytest.mark.parametrize("size", [30, 500])
def test_the_grid_takes_the_same_few_queries_for_30_or_500_learners(
    mentored, client, mentor, size, django_assert_max_num_queries
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
    for sort in ["name", "-activity", "topic-time-series", f"assignment-{Assignment.objects.last().pk}"]:
        # One more when the page holds only some of the learners: the cohort's sums per topic.
        with django_assert_max_num_queries(13 if size == 30 else 14):
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
