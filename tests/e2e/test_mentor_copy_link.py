"""The cohort page's "Copy link" button in a real browser, with and without clipboard access or JavaScript."""

import pytest
from playwright.sync_api import Browser, expect

from interview.services import mentoring as service
from tests.e2e.helpers import WIDTHS, axe_violations, new_page, signed_in_context
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cohort_page(live_server):
    mentor = UserFactory(email="mia@example.com", display_name="Mia", is_mentor=True)
    cohort = service.cohort_create(mentor=mentor, name="Winter cohort")
    return mentor, f"{live_server.url}/mentor/cohorts/{cohort.pk}/"


def test_copy_link_puts_the_invite_on_the_clipboard(
    browser: Browser, live_server, cohort_page, console_errors
):
    mentor, url = cohort_page
    context = signed_in_context(browser, live_server.url, mentor, viewport=WIDTHS["desktop"])
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = new_page(context)
    page.goto(url)
    link = page.get_by_label("Invite link for learners").input_value()
    assert "/join/" in link
    expect(page.get_by_text("Select the link and copy it.")).to_be_hidden()
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status").filter(has_text="Link copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    context.close()


def test_without_clipboard_access_the_button_selects_the_link(browser: Browser, live_server, cohort_page):
    mentor, url = cohort_page
    page = new_page(signed_in_context(browser, live_server.url, mentor, viewport=WIDTHS["mobile"]))
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(url)
    field = page.get_by_label("Invite link for learners")
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_text("The link is selected: press Ctrl+C")).to_be_visible()
    expect(field).to_be_focused()
    selected = page.evaluate(
        "(() => { const f = document.activeElement; return f.value.slice(f.selectionStart, f.selectionEnd); })()"
    )
    assert selected == field.input_value()
    page.context.close()


def test_without_javascript_the_link_is_there_to_copy_by_hand(browser: Browser, live_server, cohort_page):
    mentor, url = cohort_page
    page = new_page(
        signed_in_context(
            browser, live_server.url, mentor, viewport=WIDTHS["desktop"], java_script_enabled=False
        )
    )
    page.goto(url)
    assert "/join/" in page.get_by_label("Invite link for learners").input_value()
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()
    expect(page.get_by_text("Select the link and copy it.")).to_be_visible()
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_the_cohort_page_passes_axe(browser: Browser, live_server, cohort_page, width, scheme):
    mentor, url = cohort_page
    page = new_page(
        signed_in_context(browser, live_server.url, mentor, viewport=WIDTHS[width], color_scheme=scheme)
    )
    for address in (url, f"{live_server.url}/mentor/assignments/new/"):
        page.goto(address)
        assert axe_violations(page) == [], address
    page.context.close()
