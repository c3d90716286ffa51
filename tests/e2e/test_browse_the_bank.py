"""A newcomer browses the question bank in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_browse_a_topic_reveal_an_answer_and_search(page: Page, live_server, live_guide, console_errors):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Practise interview questions")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Topics").click()
    expect(page).to_have_url(re.compile(r"/topics/$"))
    page.get_by_role("link", name="Time series").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Time series")

    page.get_by_role(
        "link", name="What is the difference between a stationary and a non-stationary time series?"
    ).click()
    answer = page.get_by_text("A stationary time series is a type of time series that has a constant mean")
    expect(answer).to_be_hidden()
    page.get_by_text("Show answer").click()
    expect(answer).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Questions").click()
    expect(page).to_have_url(re.compile(r"/questions/$"))
    page.wait_for_load_state("load")  # htmx is ready once its deferred script has run
    page.get_by_label("Search").fill("SMOTE")
    results = page.locator("#results")
    # htmx swaps the results in as the user types, without a page load.
    expect(results.get_by_role("heading", level=2)).to_contain_text("1 question matching “SMOTE”")
    expect(page).to_have_url(re.compile(r"q=SMOTE"))
    results.get_by_role("link", name="How do you handle imbalanced data using SMOTE?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How do you handle imbalanced data using SMOTE?"
    )
    expect(page.locator(".q-number").first).to_have_text(re.compile(r"^Q48"))

    assert console_errors == []


def test_search_works_without_javascript(browser, live_server, live_guide):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/questions/")
    page.get_by_label("Search").fill("SMOTE")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/questions/\?q=SMOTE"))
    expect(page.locator("#results .q-number")).to_have_text(["Q48"])
    page.get_by_role("link", name="How do you handle imbalanced data using SMOTE?").click()
    page.get_by_text("Show answer").click()
    expect(page.get_by_text("This can be done using the SMOTE class in imbalanced-learn.")).to_be_visible()
    context.close()


def test_a_question_shows_the_editors_note_under_its_answer_and_links_its_siblings(
    page: Page, live_server, live_guide, console_errors
):
    q48 = live_guide.questions.get(number=48)
    page.goto(f"{live_server.url}/questions/{q48.pk}/")
    note = page.get_by_role("note")
    expect(note).to_be_hidden()
    page.get_by_text("Show answer").click()
    expect(note.get_by_role("heading", name="Editors' note")).to_be_visible()
    expect(note).to_contain_text("not part of the guide")
    expect(note).to_contain_text("Plain SMOTE only oversamples")

    page.goto(f"{live_server.url}/questions/{live_guide.questions.get(number=6).pk}/")
    related = page.get_by_role("region", name="Related questions")
    related.get_by_role("link", name="Q20. How do you handle imbalanced data?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How do you handle imbalanced data?")
    expect(page.get_by_role("region", name="Related questions").get_by_role("link")).to_have_count(2)

    assert console_errors == []
