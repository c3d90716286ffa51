"""The dashboard changes as a person practises."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_practising_three_questions_changes_the_dashboard(
    page: Page, live_server, live_guide, console_errors
):
    user = UserFactory(email="dee@example.com", daily_new_limit=3)
    log_in(page, live_server.url, user.email)

    expect(page.get_by_role("heading", name="How practice works")).to_be_visible()
    page.get_by_role("button", name="Start today's session").click()
    card = page.locator("#practice-card")
    for _ in range(3):
        expect(card).to_have_attribute("data-card", "question")
        page.get_by_label("Your answer").fill(
            "Labelled data for supervised learning; patterns for unsupervised."
        )
        page.get_by_role("button", name="Reveal answer").click()
        page.get_by_role("button", name=re.compile(r"^Again · ")).click()
    # "Again" brings each back in the session: answer them once more, Good this time.
    for _ in range(3):
        expect(card).to_have_attribute("data-card", "question")
        page.get_by_role("button", name="Reveal answer").click()
        page.get_by_role("button", name=re.compile(r"^Good · ")).click()
    expect(page.get_by_role("heading", name="Session summary")).to_be_visible()

    page.get_by_role("link", name="See the dashboard").click()
    # Six answers, but "Today" counts the questions of the day's plan: the three new ones, each once.
    expect(page.locator("dl.stats")).to_contain_text("Today3 of 3")
    expect(page.locator("dl.stats")).to_contain_text("Streak1 day")
    expect(page.get_by_role("heading", name="Your weakest topics")).to_be_visible()
    expect(page.get_by_text(re.compile(r"6 attempts on 1 day"))).to_be_visible()
    expect(page.locator("#recent-heading ~ ul li")).to_have_count(5)
    assert console_errors == []
