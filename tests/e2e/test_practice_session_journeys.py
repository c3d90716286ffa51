"""Session control in a real browser: finish and resume, Back and Forward, a reload that keeps the answer,
the mock interview's countdown and Finish, and axe on every practice page at both widths, light and dark."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from interview.grading.assessment import coverage_of, suggested_rating_from_ticks
from interview.models import Attempt, PracticeSession, Rating
from tests.e2e.helpers import WIDTHS, axe_violations, new_page, signed_in_context
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kai(live_guide):
    return UserFactory(email="kai@example.com", display_name="Kai", daily_new_limit=5)


@pytest.fixture
def page_of_kai(browser: Browser, live_server, kai) -> Page:
    context = signed_in_context(browser, live_server.url, kai, viewport=WIDTHS["desktop"])
    page = new_page(context)
    yield page
    context.close()


def answer_and_rate(page: Page, answer: str = "Labelled data.", key: str = "3") -> None:
    page.get_by_label("Your answer").fill(answer)
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.locator("#practice-card")).to_have_attribute("data-card", "reveal")
    expect(page.locator("#question-heading")).to_be_focused()  # the card is wired up: keys rate
    page.keyboard.press(key)
    expect(page.locator("#practice-card")).to_have_attribute("data-card", "question")


def test_finish_a_session_then_it_is_no_longer_offered_to_continue(page_of_kai: Page, live_server, kai):
    page = page_of_kai
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("button", name="Start today's session").click()
    expect(page.get_by_text("question 1 of 5")).to_be_visible()
    answer_and_rate(page)

    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Continue your session (4 left)").click()
    expect(page.get_by_text("question 2 of 5")).to_be_visible()
    page.goto(live_server.url + "/practice/")
    page.get_by_role("link", name="Continue your session (4 left)").click()
    page.get_by_role("button", name="Finish session").click()

    expect(page).to_have_url(re.compile(r"/practice/\d+/summary/$"))
    expect(
        page.get_by_text("You finished early: the 4 questions not reached keep their schedule.")
    ).to_be_visible()
    expect(page.locator("dl.stats")).to_contain_text("Questions1")
    for path in ("/dashboard/", "/practice/"):
        page.goto(live_server.url + path)
        expect(page.get_by_role("button", name="Start today's session")).to_be_visible()
        expect(page.get_by_text("Continue your session")).to_have_count(0)
    assert PracticeSession.objects.get(user=kai).finished_at is not None


def test_back_and_forward_bring_the_current_card_not_the_one_already_rated(
    page_of_kai: Page, live_server, kai
):
    page = page_of_kai
    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Start today's session").click()
    first = page.locator("#question-heading").inner_text()
    answer_and_rate(page)
    expect(page.get_by_text("question 2 of 5")).to_be_visible()

    page.go_back()
    expect(page).to_have_url(live_server.url + "/practice/")
    expect(page.get_by_role("link", name="Continue your session (4 left)")).to_be_visible()
    page.go_forward()
    expect(page.get_by_text("question 2 of 5")).to_be_visible()
    expect(page.locator("#question-heading")).not_to_have_text(first)

    # A second tab still showing the first card: revealing it brings the current card, with a word why.
    session = PracticeSession.objects.get(user=kai)
    stale = session.showings.get(position=0).token
    page.evaluate(
        "(token) => { document.querySelector('[data-answer-form] [name=token]').value = token; }", stale
    )
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.get_by_text("You had already rated that question")).to_be_visible()
    expect(page.get_by_text("question 2 of 5")).to_be_visible()
    assert Attempt.objects.filter(user=kai).count() == 1


def test_a_reload_after_reveal_keeps_the_typed_answer_until_it_is_rated(page_of_kai: Page, live_server, kai):
    page = page_of_kai
    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Learn new questions").click()
    page.get_by_label("Your answer").press_sequentially("Labelled data trains it.")
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.locator("#practice-card")).to_have_attribute("data-card", "reveal")

    page.reload()
    expect(page.get_by_label("Your answer")).to_have_value("Labelled data trains it.")
    expect(page.get_by_text("24 / 10,000 characters")).to_be_visible()
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.locator("[data-card=reveal] #question-heading")).to_be_focused()
    page.keyboard.press("4")
    expect(page.get_by_text("question 2 of 5")).to_be_visible()
    expect(page.get_by_label("Your answer")).to_have_value("")
    assert Attempt.objects.get(user=kai).answer_text == "Labelled data trains it."
    assert (
        page.evaluate("Object.keys(sessionStorage).filter((key) => key.startsWith('practice-draft:'))") == []
    )


def test_keys_still_rate_after_saving_a_note(page_of_kai: Page, live_server, kai):
    page = page_of_kai
    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Learn new questions").click()
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.locator("#practice-card")).to_have_attribute("data-card", "reveal")
    page.get_by_text("Note or report this question").click()
    page.get_by_label("Your private note").fill("Remember the bias term.")
    page.get_by_role("button", name="Save note").click()
    expect(page.locator("#tool-status")).to_have_text("Note saved.")

    page.locator("#question-heading").focus()
    page.keyboard.press("3")

    expect(page.get_by_text("question 2 of 5")).to_be_visible()
    assert Attempt.objects.get(user=kai).rating == 3


def test_a_rating_that_does_not_reach_the_server_keeps_the_draft(page_of_kai: Page, live_server, kai):
    page = page_of_kai
    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Learn new questions").click()
    page.get_by_label("Your answer").press_sequentially("Kept.")
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.locator("[data-card=reveal] #question-heading")).to_be_focused()
    page.route("**/rate/", lambda route: route.abort())
    page.keyboard.press("3")
    page.wait_for_timeout(300)

    drafts = page.evaluate("Object.keys(sessionStorage).filter((key) => key.startsWith('practice-draft:'))")
    assert len(drafts) == 1
    assert not Attempt.objects.filter(user=kai).exists()


def test_the_mock_countdown_turns_urgent_and_the_last_question_has_finish(
    page_of_kai: Page, live_server, kai
):
    page = page_of_kai
    page.goto(live_server.url + "/practice/")
    page.locator("#mock-count").fill("2")
    page.get_by_role("button", name="Start a mock interview").click()
    timer = page.locator("[data-countdown]")
    expect(timer).to_be_visible()
    expect(timer).not_to_have_class(re.compile("timer-urgent"))
    expect(page.get_by_role("button", name="Finish session")).to_be_visible()
    page.get_by_label("Your answer").fill("An answer in time.")
    page.get_by_role("button", name="Next question").click()

    expect(page.get_by_text("question 2 of 2")).to_be_visible()
    # A short clock for the test: 33 seconds, so that it turns urgent 3 seconds in.
    PracticeSession.objects.filter(user=kai).update(seconds_per_question=33)
    page.reload()
    expect(timer).not_to_have_class(re.compile("timer-urgent"))
    expect(timer).to_have_class(re.compile("timer-urgent"), timeout=8_000)
    expect(timer.locator("[data-countdown-alert]")).to_have_text(re.compile(r"^30 seconds left\.$"))
    # Sticky: still in view after scrolling down.
    page.mouse.wheel(0, 2000)
    expect(timer).to_be_in_viewport()
    expect(page.get_by_role("button", name="Next question")).to_have_count(0)
    expect(page.get_by_role("button", name="Finish session")).to_have_count(0)
    page.get_by_label("Your answer").fill("The second answer.")
    page.get_by_role("button", name="Finish", exact=True).click()

    expect(page.get_by_role("heading", name="Mock interview: review your answers")).to_be_visible()
    review = page.locator(".mock-answer").first
    expect(review.get_by_role("button", name=re.compile(r"^Good · \d+ \w+"))).to_be_visible()
    review.locator("input[name=key_points]").first.check()
    review.get_by_role("button", name=re.compile(r"^Good · ")).click()
    expect(page.get_by_role("group", name="Rate this answer")).to_have_count(1)
    attempt = Attempt.objects.get(user=kai)
    assert attempt.rating == 3 and len(attempt.key_points_covered) == 1


def test_the_mock_review_suggestion_follows_the_ticks_as_the_server_would(
    page_of_kai: Page, live_server, kai
):
    page = page_of_kai
    page.goto(live_server.url + "/practice/")
    page.locator("#mock-count").fill("1")
    page.get_by_role("button", name="Start a mock interview").click()
    page.get_by_label("Your answer").fill("I do not know.")
    page.get_by_role("button", name="Finish", exact=True).click()
    review = page.locator(".mock-answer").first
    expect(review.get_by_role("group", name="Rate this answer")).to_be_visible()
    boxes = review.locator("input[name=key_points]")
    total = boxes.count()
    assert total >= 2
    for box in boxes.all():  # "I do not know." covers none, so ticking changes the suggestion
        box.check()
    # From every box ticked to none, each step checked against the server's own rule.
    for ticked in range(total, -1, -1):
        if ticked < total:
            boxes.nth(ticked).uncheck()
        label = Rating(suggested_rating_from_ticks(coverage_of(ticked, total))).label
        suggested = review.locator("button.rating.suggested")
        expect(suggested).to_have_count(1)
        expect(suggested.locator(".rating-label")).to_have_text(label)
        expect(suggested.locator(".rating-suggested")).to_have_text("Suggested")
        expect(review.locator(".rating-suggested")).to_have_count(1)
        expect(review.locator("[data-suggestion-status]")).to_have_text(f"Suggested rating: {label}.")
    for box in boxes.all():
        box.check()
    review.get_by_role("button", name=re.compile(r"^Hard · ")).click()
    expect(page).to_have_url(re.compile(r"/practice/\d+/summary/$"))
    attempt = Attempt.objects.get(user=kai)
    assert (attempt.rating, attempt.suggested_rating) == (Rating.HARD, Rating.GOOD)


def test_finish_in_a_mock_interview_keeps_the_answer_being_typed(page_of_kai: Page, live_server, kai):
    page = page_of_kai
    page.goto(live_server.url + "/practice/")
    page.locator("#mock-count").fill("3")
    page.get_by_role("button", name="Start a mock interview").click()
    page.get_by_label("Your answer").fill("Half an answer.")
    page.get_by_role("button", name="Finish session").click()

    expect(page.get_by_role("heading", name="Mock interview: review your answers")).to_be_visible()
    expect(page.locator(".mock-answer")).to_have_count(1)
    expect(page.locator(".mock-answer")).to_contain_text("Half an answer.")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_the_practice_pages_pass_axe(browser: Browser, live_server, kai, width, scheme, console_errors):
    context = signed_in_context(browser, live_server.url, kai, viewport=WIDTHS[width], color_scheme=scheme)
    page = new_page(context)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def check(where: str, selector: str = "html") -> None:
        assert axe_violations(page, selector) == [], where

    page.goto(live_server.url + "/practice/")
    check("practice page")
    page.get_by_role("button", name="Start today's session").click()
    page.get_by_label("Your answer").fill("Labelled data.")
    check("card")
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.locator("#practice-card")).to_have_attribute("data-card", "reveal")
    check("reveal")
    page.get_by_role("button", name=re.compile(r"^Again · ")).click()
    expect(page.locator("#practice-card")).to_have_attribute("data-card", "question")
    page.goto(live_server.url + "/dashboard/")
    # The rest of the dashboard (its charts and tables) has its own checks.
    check("dashboard with a session to continue", ".next-step")
    page.get_by_role("link", name=re.compile(r"^Continue your session")).click()
    page.get_by_role("button", name="Finish session").click()
    expect(page).to_have_url(re.compile(r"/summary/$"))
    check("summary")

    page.goto(live_server.url + "/practice/")
    page.locator("#mock-count").fill("2")
    page.get_by_role("button", name="Start a mock interview").click()
    check("mock card")
    page.get_by_role("button", name="Next question").click()
    expect(page.get_by_role("button", name="Finish", exact=True)).to_be_visible()
    PracticeSession.objects.filter(user=kai, mode="mock").update(seconds_per_question=30)
    page.reload()
    expect(page.locator("[data-countdown]")).to_have_class(re.compile("timer-urgent"))
    check("mock card, urgent")
    page.get_by_role("button", name="Finish", exact=True).click()
    expect(page.get_by_role("heading", name="Mock interview: review your answers")).to_be_visible()
    check("mock review")
    assert errors == []
    context.close()


def test_without_javascript_a_session_starts_reveals_rates_and_finishes(browser: Browser, live_server, kai):
    context = signed_in_context(
        browser, live_server.url, kai, viewport=WIDTHS["desktop"], java_script_enabled=False
    )
    page = new_page(context)
    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Start today's session").click()
    page.get_by_label("Your answer").fill("Labelled data.")
    page.get_by_role("button", name="Reveal answer").click()
    page.get_by_text("Note or report this question").click()
    page.get_by_label("Your private note").fill("Revise the definitions.")
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Note saved.")).to_be_visible()
    expect(page.locator(".your-answer")).to_contain_text("Labelled data.")
    page.get_by_role("button", name=re.compile(r"^Good · ")).click()
    expect(page.get_by_text("question 2 of 5")).to_be_visible()
    # Back lands on a page, not on "Confirm form resubmission": the reveal was a redirect to a GET.
    page.go_back()
    expect(page.get_by_text("You had already rated that question")).to_be_visible()
    expect(page.get_by_text("question 2 of 5")).to_be_visible()
    page.goto(live_server.url + "/dashboard/")
    page.get_by_role("link", name="Continue your session (4 left)").click()
    page.get_by_role("button", name="Finish session").click()
    expect(page).to_have_url(re.compile(r"/practice/\d+/summary/$"))
    assert Attempt.objects.filter(user=kai).count() == 1
    context.close()


def test_touch_screens_get_no_keyboard_hints(browser: Browser, live_server, kai):
    context = signed_in_context(
        browser, live_server.url, kai, viewport=WIDTHS["mobile"], has_touch=True, is_mobile=True
    )
    page = new_page(context)
    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Start today's session").click()
    expect(page.locator(".keyboard-help")).to_be_hidden()
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.get_by_role("button", name=re.compile(r"^Good · "))).to_be_visible()
    expect(page.locator(".key-hint").first).to_be_hidden()
    context.close()


def test_the_answer_disclosure_says_hide_answer_once_open(page_of_kai: Page, live_server, live_guide):
    question = live_guide.questions.get(number=2)
    page_of_kai.goto(live_server.url + f"/questions/{question.pk}/")
    summary = page_of_kai.locator("details.answer > summary")
    expect(summary).to_have_text("Show answer")
    summary.click()
    expect(summary).to_have_text("Hide answer")
    expect(page_of_kai.get_by_role("heading", name="Model answer")).to_be_visible()
    summary.click()
    expect(summary).to_have_text("Show answer")
