"""The cohort grid in a real browser: 30 learners by 9 topics fit 1,280 px, the names stay pinned on a phone, the
actions menu reminds an overdue learner, and axe finds nothing in light or dark mode."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from playwright.sync_api import Browser, expect

from accounts.models import User
from interview.models import Assignment, Membership, Question, ReviewState
from interview.services import mentoring as service
from tests.e2e.helpers import WIDTHS, axe_violations, new_page, signed_in_context
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cohort_of_30(live_server, live_guide):
    """A cohort of 30 learners, some of whom practised, with an assignment that is overdue for all of them."""
    mentor = UserFactory(email="mia@example.com", display_name="Mia Mentor", is_mentor=True)
    cohort = service.cohort_create(mentor=mentor, name="Winter cohort")
    password = make_password(None)
    learners = User.objects.bulk_create(
        [
            User(email=f"learner{n}@example.com", display_name=f"Learner {n:02d}", password=password)
            for n in range(30)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(cohort=cohort, user=user, role=Membership.Role.LEARNER) for user in learners]
    )
    now = timezone.now()
    questions = list(Question.objects.order_by("number"))
    ReviewState.objects.bulk_create(
        [
            ReviewState(
                user=user,
                question=question,
                stability=5.0 * (1 + n % 4),
                difficulty=5.0,
                reviews=1,
                due=now + timedelta(days=3),
                last_review=now - timedelta(days=n % 5),
                phase=ReviewState.Phase.REVIEW,
            )
            for n, user in enumerate(learners)
            for question in questions[n % 7 :: 3]
        ]
    )
    question_set = service.question_set_save(
        owner=mentor, title="Core questions", question_ids=[q.pk for q in questions[:20]]
    )
    for title_day in (1, 2):
        assignment = service.assignment_create(
            mentor=mentor, question_set=question_set, cohort=cohort, due_date=date(2099, 1, title_day)
        )
    Assignment.objects.filter(pk=assignment.pk).update(due_date=now.date() - timedelta(days=2))
    return mentor, f"{live_server.url}/mentor/cohorts/{cohort.pk}/"


def test_30_learners_by_9_topics_fit_1280_px_and_an_overdue_learner_is_reminded(
    browser: Browser, live_server, cohort_of_30, console_errors
):
    mentor, url = cohort_of_30
    page = new_page(signed_in_context(browser, live_server.url, mentor, viewport=WIDTHS["desktop"]))
    page.goto(url)
    grid = page.get_by_role("region", name="Mastery grid")
    assert grid.locator("tbody tr").count() == 30
    assert (
        grid.locator("thead th").count() == 1 + 2 + 9 + 2 + 1
    )  # learner, activity, due, topics, assignments
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert grid.evaluate("wrap => wrap.scrollWidth <= wrap.clientWidth")

    # Sorting is a link per column header; the sorted one says so to assistive technology.
    page.get_by_role("link", name="Time series").click()
    expect(page.locator('th[aria-sort="ascending"]')).to_have_accessible_name("Time series")

    menu = page.locator("tbody tr").first.locator("details.row-menu")
    menu.locator("summary").click()
    remind = menu.get_by_role("button", name="Remind of “Core questions”")
    expect(remind).to_be_visible()
    remind.click()
    expect(page.get_by_role("status").filter(has_text="will get an email reminding them")).to_be_visible()
    assert "sort=topic-time-series" in page.url  # back where the mentor was
    page.locator("tbody tr").first.locator("details.row-menu summary").click()
    expect(page.locator("tbody tr").first.get_by_text("Reminded today of “Core questions”")).to_be_visible()
    assert console_errors == []
    page.context.close()


def test_on_a_phone_the_grid_scrolls_by_itself_with_the_names_pinned(
    browser: Browser, live_server, cohort_of_30
):
    mentor, url = cohort_of_30
    page = new_page(signed_in_context(browser, live_server.url, mentor, viewport=WIDTHS["mobile"]))
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    grid = page.get_by_role("region", name="Mastery grid")
    assert grid.evaluate("wrap => wrap.scrollWidth > wrap.clientWidth")
    name = page.locator("tbody th").first
    assert name.evaluate("cell => getComputedStyle(cell).position") == "sticky"
    left_before = name.bounding_box()["x"]
    # The region takes keyboard focus, so it scrolls with the arrow keys too.
    grid.focus()
    page.keyboard.press("End")
    grid.evaluate("wrap => wrap.scrollBy(400, 0)")
    assert grid.evaluate("wrap => wrap.scrollLeft") > 0
    assert name.bounding_box()["x"] == pytest.approx(left_before, abs=1)
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_the_cohort_and_assignment_pages_pass_axe(browser: Browser, live_server, cohort_of_30, width, scheme):
    mentor, url = cohort_of_30
    page = new_page(
        signed_in_context(browser, live_server.url, mentor, viewport=WIDTHS[width], color_scheme=scheme)
    )
    page.goto(url)
    assert axe_violations(page) == []
    # An open menu covers the rows below it, as a menu does: its own items are checked.
    page.locator("tbody tr").first.locator("details.row-menu summary").click()
    assert axe_violations(page, "details.row-menu[open]") == []
    page.get_by_role("region", name="Assignments").get_by_role("link", name="Core questions").first.click()
    # axe run before the assignment page has loaded would check a document on its way out.
    page.wait_for_url("**/mentor/assignments/*/")
    assert axe_violations(page) == []
    page.context.close()
