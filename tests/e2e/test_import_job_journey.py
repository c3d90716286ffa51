"""A mentor imports a file in a real browser: the job's page waits for the worker, updates itself without a
reload, and stops updating once the import is done."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from tests.e2e.conftest import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_the_import_page_follows_the_job_until_it_is_done(
    page: Page, live_server, console_errors, settings, tmp_path
):
    settings.TASKS = DATABASE_QUEUE
    UserFactory(email="mia@example.com", is_mentor=True)
    log_in(page, live_server.url, "mia@example.com")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    guide = tmp_path / "basics.txt"
    guide.write_text(
        "Questions on the basics.\n\n"
        + "".join(f"Q{n}. What is concept {n}?\nConcept {n} is explained here.\n\n" for n in range(1, 13))
    )

    page.goto(live_server.url + "/mentor/questions/")
    page.get_by_label(re.compile("A file in the guide format")).set_input_files(guide)
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import of basics.txt")
    expect(page.get_by_text("Waiting for the background worker")).to_be_visible()

    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    expect(page.get_by_text("Imported “basics”: 12 new, 0 updated questions")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("link", name="Refresh")).to_have_count(0)
    page.get_by_role("link", name="See your questions").click()
    expect(page.get_by_role("link", name="What is concept 12?")).to_be_visible()
    assert console_errors == []
