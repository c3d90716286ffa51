"""Answer checking in a real browser: the evidence on the reveal, and the LLM grader's verdict swapped in."""

import re

import pytest
from playwright.sync_api import Page, expect

from interview.models import Attempt
from tests.e2e import test_practice_journeys as practice_journeys
from tests.test_grading_llm import CannedServer, verdicts

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ANSWER = "Supervised learning trains on labelled data to predict an output. Unsupervised learning does not use unlabelled data."


signed_in = practice_journeys.signed_in  # the same signed-in learner as the practice journeys


def reveal(page: Page, live_server, answer: str) -> None:
    page.goto(live_server.url + "/practice/")
    page.get_by_role("button", name="Learn new questions").click()
    page.get_by_label("Your answer").fill(answer)
    page.get_by_role("button", name="Reveal answer").click()
    expect(page.locator("#practice-card")).to_have_attribute("data-card", "reveal")


def test_the_reveal_marks_the_evidence_and_says_what_is_negated(
    page: Page, live_server, signed_in, console_errors
):
    reveal(page, live_server, ANSWER)
    expect(page.locator("mark.evidence-covered", has_text="labelled")).to_be_visible()
    expect(page.locator("mark.evidence-negated", has_text="unlabelled")).to_be_visible()
    expect(
        page.get_by_text("Seen but negated: “Unsupervised learning does not use unlabelled”")
    ).to_be_visible()
    expect(
        page.get_by_label(re.compile("Supervised learning trains a model on labelled data"))
    ).to_be_checked()
    expect(
        page.get_by_label(re.compile("Unsupervised learning trains a model on unlabelled data"))
    ).not_to_be_checked()
    expect(page.locator("#coverage")).to_contain_text("Suggested rating: Again")
    assert console_errors == []


@pytest.fixture
def llm_server(settings):
    server = CannedServer()
    settings.GRADER_LLM_URL = server.url
    settings.GRADER_LLM_MODEL = "tiny-grader"
    settings.GRADER_LLM_TIMEOUT = 2
    yield server
    server.close()


def test_the_llm_verdict_replaces_the_lexical_one_without_a_reload(
    page: Page, live_server, signed_in, llm_server, console_errors
):
    llm_server.reply = verdicts("covered", "covered", "covered", "missing", feedback="Mention clustering.")
    llm_server.delay = 0.5
    reveal(page, live_server, ANSWER)
    expect(page.get_by_text("Checked by the LLM grader.")).to_be_visible()
    expect(page.get_by_text("Feedback from the LLM grader: Mention clustering.")).to_be_visible()
    expect(
        page.get_by_label(re.compile("Unsupervised learning trains a model on unlabelled data"))
    ).to_be_checked()
    expect(page.locator("#coverage")).to_contain_text("Suggested rating: Good")
    page.get_by_role("button", name=re.compile(r"^Good · ")).click()
    expect(page.locator("#practice-card")).to_have_attribute("data-card", "question")
    attempt = Attempt.objects.get(user=signed_in)
    assert attempt.grader == "llm" and len(attempt.auto_key_points) == 3
    assert len(llm_server.requests) == 1
    assert console_errors == []


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_with_a_task_queue_the_page_waits_for_the_worker_then_swaps_in_the_verdict(
    page: Page, live_server, signed_in, llm_server, console_errors, settings
):
    from django.core.management import call_command

    settings.TASKS = DATABASE_QUEUE
    llm_server.reply = verdicts("covered", "covered", "covered", "missing", feedback="Mention clustering.")
    reveal(page, live_server, ANSWER)
    waiting = page.get_by_text("The LLM grader is still reading your answer")
    expect(waiting).to_be_visible()
    expect(page.get_by_text("Checked by the lexical grader.")).to_be_visible()
    assert not llm_server.requests

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    expect(page.get_by_text("Checked by the LLM grader.")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("Feedback from the LLM grader: Mention clustering.")).to_be_visible()
    expect(waiting).to_have_count(0)
    assert len(llm_server.requests) == 1
    assert console_errors == []


def test_without_a_worker_the_page_gives_up_visibly_after_its_last_poll(
    page: Page, live_server, signed_in, llm_server, console_errors, settings, monkeypatch
):
    settings.TASKS = DATABASE_QUEUE
    monkeypatch.setattr("interview.views.practice.LLM_POLLS", 2)
    reveal(page, live_server, ANSWER)
    expect(page.get_by_text("The LLM grader did not reply in time; the lexical check stands.")).to_be_visible(
        timeout=10_000
    )
    expect(page.get_by_text("Checked by the lexical grader.")).to_be_visible()
    expect(page.get_by_text("still reading your answer")).to_have_count(0)
    assert console_errors == []
