"""The dashboard of a learner with weeks of history, in a real browser: charts, phone layout, keyboard, axe."""

import random
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from fsrs import Scheduler
from playwright.sync_api import Browser, expect

from interview.demo import simulate_learner
from interview.models import AssignmentLearner, Attempt, PracticeMode, Question, Rating, ReviewState
from interview.services.activity import activity_rebuild
from interview.services.mentoring import (
    assignment_create,
    cohort_create,
    cohort_join,
    invite_create,
    question_set_save,
)
from tests.e2e.helpers import WIDTHS, axe_violations, new_page, signed_in_context
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def busy_learner(live_guide):
    """Eight weeks of simulated practice, an answer given just now, and a completed assignment."""
    learner = UserFactory(email="dana@example.com", display_name="Dana")
    now = timezone.now()
    questions = list(Question.objects.public().order_by("number"))
    history = simulate_learner(
        user=learner,
        question_ids=[question.pk for question in questions],
        attempts=240,
        start=now - timedelta(weeks=8),
        end=now - timedelta(hours=2),
        rng=random.Random(3),
        scheduler=Scheduler(enable_fuzzing=False),
    )
    Attempt.objects.bulk_create(history.attempts)
    ReviewState.objects.bulk_create(history.states)
    Attempt.objects.create(
        user=learner,
        question=questions[0],
        mode=PracticeMode.DUE,
        coverage=0.5,
        suggested_rating=Rating.GOOD,
        rating=Rating.GOOD,
        due_after=now + timedelta(days=3),
        created_at=now,
    )
    mentor = UserFactory(email="mo@example.com", display_name="Mo", is_mentor=True)
    cohort = cohort_create(mentor=mentor, name="Evening cohort")
    cohort_join(user=learner, token=invite_create(mentor=mentor, cohort=cohort).token)
    basics = question_set_save(owner=mentor, title="Basics", question_ids=[q.pk for q in questions[:2]])
    assignment = assignment_create(
        mentor=mentor, question_set=basics, cohort=cohort, due_date=timezone.localdate() + timedelta(days=7)
    )
    AssignmentLearner.objects.filter(assignment=assignment, learner=learner).update(completed_at=now)
    activity_rebuild(users=[learner])  # attempts written directly: count them in the daily rollup
    return learner


def test_on_a_phone_the_heatmap_opens_on_the_latest_weeks_and_each_topic_stays_together(
    browser: Browser, live_server, busy_learner
):
    page = new_page(signed_in_context(browser, live_server.url, busy_learner, viewport=WIDTHS["mobile"]))
    page.goto(live_server.url + "/dashboard/")
    region = page.get_by_role("group", name="Activity in the last 52 weeks")
    assert region.evaluate("box => box.scrollWidth > box.clientWidth")  # a year does not fit a phone
    # Today's square is in view without scrolling.
    today = page.locator("svg.heatmap rect").last
    box, frame = today.bounding_box(), region.bounding_box()
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]

    # Reached with Tab from the control before it, then scrolled with the arrow keys.
    page.locator("summary", has_text="Answers and coverage by week").focus()
    page.keyboard.press("Tab")
    expect(region).to_be_focused()
    start = region.evaluate("box => box.scrollLeft")
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "([box, start]) => box.scrollLeft !== start", arg=[region.element_handle(), start], timeout=3000
    )

    # Each topic keeps its figures and its button with its name.
    rows = page.locator(".mastery-list > li")
    assert rows.count() > 3
    previous_bottom = float("-inf")  # boxes are measured in the viewport, which has scrolled
    for index in range(rows.count()):
        row = rows.nth(index)
        name = row.locator(".mastery-name").inner_text()
        outline = row.bounding_box()
        assert outline["y"] >= previous_bottom  # rows do not overlap
        previous_bottom = outline["y"] + outline["height"]
        for part in (row.get_by_role("button", name=f"Practise {name}"), row.locator(".mastery-value")):
            inside = part.bounding_box()
            assert outline["y"] <= inside["y"] and inside["y"] + inside["height"] <= previous_bottom, name
        # The button sits on the name's line, not under the bar.
        assert row.get_by_role("button").bounding_box()["y"] < row.locator("meter").bounding_box()["y"], name
    page.context.close()


def test_the_dashboard_names_buttons_by_their_labels_and_says_just_now(
    browser: Browser, live_server, busy_learner
):
    page = new_page(signed_in_context(browser, live_server.url, busy_learner, viewport=WIDTHS["desktop"]))
    page.goto(live_server.url + "/dashboard/")
    expect(page.get_by_role("button", name="Practise again Basics", exact=True)).to_have_text(
        "Practise again Basics"
    )
    expect(page.locator("#recent-heading ~ ul li").first).to_contain_text("50% covered, just now")
    expect(page.locator("dl.stats div", has_text="Readiness").locator("dd")).to_have_text(
        re.compile(r"^\d+%$")
    )
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_the_dashboard_passes_axe(browser: Browser, live_server, busy_learner, width, scheme):
    context = signed_in_context(
        browser, live_server.url, busy_learner, viewport=WIDTHS[width], color_scheme=scheme
    )
    page = new_page(context)
    page.goto(live_server.url + "/dashboard/")
    expect(page.locator("svg.trend-chart")).to_be_visible()
    assert axe_violations(page) == []
    # The charts' tables, opened.
    for summary in page.locator("details.chart-data > summary").all():
        summary.click()
    assert axe_violations(page) == []
    context.close()
