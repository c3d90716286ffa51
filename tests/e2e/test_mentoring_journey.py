"""A mentor sets up a cohort and an assignment; a learner joins, practises it and reads the feedback."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.dates import days_from_today
from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_in_page(browser: Browser, base_url: str, email: str) -> Page:
    page = browser.new_context().new_page()
    page.set_default_timeout(10_000)
    log_in(page, base_url, email)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    return page


def test_cohort_assignment_progress_and_feedback(browser: Browser, live_server, live_guide):
    UserFactory(email="mia@example.com", display_name="Mia", is_mentor=True)
    UserFactory(email="leo@example.com", display_name="Leo")
    mentor = signed_in_page(browser, live_server.url, "mia@example.com")

    mentor.get_by_role("navigation", name="Main").get_by_role("link", name="Mentor").click()
    mentor.get_by_label("Cohort name").fill("Winter cohort")
    mentor.get_by_role("button", name="Create cohort").click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text("Winter cohort")
    invite_url = mentor.get_by_label("Invite link for learners").input_value()
    assert "/join/" in invite_url

    mentor.get_by_role("navigation", name="Main").get_by_role("link", name="Mentor").click()
    mentor.get_by_label("New set title").fill("Three basics")
    mentor.get_by_role("button", name="Create question set").click()
    search = mentor.get_by_label("Search")
    for word, prompt in [
        ("SMOTE", "How do you handle imbalanced data using SMOTE?"),
        ("regularization", "What is the purpose of regularization?"),
        ("clustering", "What is the purpose of clustering?"),
    ]:
        search.fill(word)
        add = mentor.get_by_role("button", name=re.compile(r"^Add Q\d+: " + re.escape(prompt)))
        add.click()
        expect(mentor.locator("#set-items")).to_contain_text(prompt)
    expect(mentor.locator("#set-items li")).to_have_count(3)

    mentor.get_by_role("link", name="Assign this set").click()
    mentor.get_by_label("Cohort", exact=True).select_option(label="Winter cohort")
    mentor.get_by_label("Due date").fill(days_from_today(30).isoformat())
    mentor.get_by_role("button", name="Assign").click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text("Three basics")
    assignment_url = mentor.url

    learner = signed_in_page(browser, live_server.url, "leo@example.com")
    learner.goto(invite_url)
    expect(learner.get_by_role("heading", name="What your mentors will see")).to_be_visible()
    learner.get_by_role("button", name="Join Winter cohort").click()
    expect(learner.get_by_role("heading", name="Your assignments")).to_be_visible()
    expect(learner.get_by_text("Not started")).to_be_visible()
    learner.get_by_role("button", name="Practise Three basics").click()
    for _ in range(3):
        expect(learner.locator("#practice-card")).to_have_attribute("data-card", "question")
        learner.get_by_label("Your answer").fill("Oversample the minority class with SMOTE.")
        learner.get_by_role("button", name="Reveal answer").click()
        learner.get_by_role("button", name=re.compile(r"^Good · ")).click()
    expect(learner.get_by_role("heading", name="Session summary")).to_be_visible()

    mentor.goto(assignment_url)
    expect(mentor.locator("table.progress-grid tbody tr")).to_have_count(1)
    expect(mentor.locator("table.progress-grid")).to_contain_text("Completed")
    expect(mentor.locator("a.rating-cell")).to_have_count(3)
    mentor.locator("a.rating-cell").first.click()
    expect(mentor.get_by_text("Oversample the minority class with SMOTE.")).to_be_visible()
    mentor.get_by_label("Your feedback").fill("Also say that SMOTE creates synthetic samples.")
    mentor.get_by_role("button", name="Send feedback").click()
    expect(mentor.get_by_text("Your feedback was sent.")).to_be_visible()

    learner.get_by_role("link", name="See the dashboard").click()
    learner.get_by_role("link", name="1 new piece of feedback from your mentor").click()
    expect(learner.get_by_text("Also say that SMOTE creates synthetic samples.")).to_be_visible()
    learner.get_by_label("Your reply (one per feedback)").fill("Will do, thanks!")
    learner.get_by_role("button", name="Reply").click()
    expect(learner.get_by_text("Your reply was sent.")).to_be_visible()

    mentor.reload()
    expect(mentor.get_by_text("Will do, thanks!")).to_be_visible()
