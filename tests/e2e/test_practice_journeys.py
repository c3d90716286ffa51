"""Practice in a real browser: five new questions by keyboard alone, and a mock interview against the clock."""

import re

import pytest
from playwright.sync_api import Page, expect

from interview.models import Attempt, PracticeSession
from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(page: Page, live_server, live_guide):
    user = UserFactory(email="kai@example.com", daily_new_limit=5)
    log_in(page, live_server.url, user.email)
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    return user


def test_five_new_questions_with_the_keyboard_alone(page: Page, live_server, signed_in, console_errors):
    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Learn new questions").click()

    for number in range(1, 6):
        heading = page.locator("#question-heading")
        expect(page.locator("#practice-card")).to_have_attribute("data-card", "question")
        expect(page.get_by_text(f"question {number} of 5")).to_be_visible()
        answer = page.get_by_label("Your answer")
        expect(answer).to_be_focused()
        page.keyboard.type("Supervised learning uses labelled data; unsupervised finds patterns.")
        expect(page.get_by_text("68 / 10,000 characters")).to_be_visible()
        page.keyboard.press("Escape")
        page.keyboard.press(" ")
        expect(page.locator("#practice-card")).to_have_attribute("data-card", "reveal")
        expect(page.get_by_role("heading", name="Model answer")).to_be_visible()
        expect(page.get_by_role("button", name=re.compile(r"^Good · "))).to_be_visible()
        expect(heading).to_be_focused()  # htmx has wired up the card: the keys rate
        page.keyboard.press("3")
        if number < 5:
            expect(heading).not_to_have_text(re.compile(r"^$"))

    expect(page).to_have_url(re.compile(r"/practice/\d+/summary/$"))
    expect(page.get_by_role("heading", name="Session summary")).to_be_visible()
    expect(page.locator("dl.stats")).to_contain_text("Questions5")
    attempts = Attempt.objects.filter(user=signed_in).order_by("created_at")
    assert attempts.count() == 5
    assert all(attempt.rating == 3 and attempt.duration_ms > 0 for attempt in attempts)
    assert attempts.first().key_points_covered  # "supervised ... labelled" ticked a point of Q1
    assert console_errors == []


def test_ticking_key_points_updates_the_suggestion(page: Page, live_server, signed_in):
    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Learn new questions").click()
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.locator("#coverage")).to_contain_text("Coverage: 0 of")
    expect(page.locator("#coverage")).to_contain_text("Suggested rating: Again")
    for checkbox in page.locator("input[name=key_points]").all():
        checkbox.check()
    # Every point ticked suggests Good at most: Easy is the learner's own call.
    expect(page.locator("#coverage")).to_contain_text("Suggested rating: Good")
    expect(page.locator("button.suggested")).to_contain_text("Good")
    page.get_by_role("button", name=re.compile(r"^Hard · ")).click()
    expect(page.locator("#practice-card")).to_have_attribute("data-card", "question")
    attempt = Attempt.objects.get(user=signed_in)
    assert attempt.rating == 2 and attempt.coverage == 1.0


def test_a_mock_interview_of_two_questions_with_the_timer_running_out(page: Page, live_server, signed_in):
    page.goto(live_server.url + "/practice/")
    page.locator("#mock-count").fill("2")
    page.get_by_role("button", name="Start a mock interview").click()
    expect(page.get_by_role("button", name="Next question")).to_be_visible()
    # A short clock for the test: the page counts down whatever the session allows.
    PracticeSession.objects.filter(user=signed_in).update(seconds_per_question=30)
    page.reload()
    expect(page.locator("[data-countdown-text]")).to_have_text(re.compile(r"^0:(29|30)$"))
    page.get_by_label("Your answer").fill("An answer in time.")
    page.get_by_role("button", name="Next question").click()

    expect(page.get_by_text("question 2 of 2")).to_be_visible()
    PracticeSession.objects.filter(user=signed_in).update(seconds_per_question=3)
    page.reload()
    page.get_by_label("Your answer").fill("Half an answer when the time ran")
    # No click: the countdown submits the answer when it reaches zero.
    expect(page.get_by_role("heading", name="Mock interview: review your answers")).to_be_visible(
        timeout=10_000
    )
    expect(page.get_by_text("An answer in time.")).to_be_visible()
    expect(page.get_by_text("Half an answer when the time ran")).to_be_visible()
    expect(page.get_by_text("Time ran out")).to_have_count(1)

    page.get_by_role("button", name=re.compile(r"^Good · ")).first.click()
    # Wait for the review to show the first rating before rating the second answer.
    expect(page.get_by_role("group", name="Rate this answer")).to_have_count(1)
    page.get_by_role("button", name=re.compile(r"^Good · ")).first.click()
    expect(page).to_have_url(re.compile(r"/summary/$"))
    assert sorted(a.timed_out for a in Attempt.objects.filter(user=signed_in, mode="mock")) == [False, True]
