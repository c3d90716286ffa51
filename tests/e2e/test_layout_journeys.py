"""The layout in a real browser: the mobile menu, the way to the mentor area, the error pages; axe on each."""

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.helpers import WIDTHS, axe_violations, new_page, signed_in_context
from tests.factories import UserFactory
from tests.test_attempt_page import answer_with_feedback

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_mobile_menu_opens_and_closes_and_the_desktop_menu_is_always_shown(browser: Browser, live_server):
    learner = UserFactory(email="lena@example.com", display_name="Lena")
    mobile = new_page(signed_in_context(browser, live_server.url, learner, viewport=WIDTHS["mobile"]))
    mobile.goto(live_server.url + "/topics/")
    # A <summary>: browsers expose it as a disclosure button with its expanded state.
    menu_button = mobile.locator("summary", has_text="Menu")
    menu = mobile.locator("details.site-menu")
    expect(menu_button).to_be_visible()
    expect(menu).not_to_have_attribute("open", "")
    account = mobile.get_by_role("navigation", name="Main").get_by_role("link", name="Account")
    expect(account).to_be_hidden()
    menu_button.click()
    expect(menu).to_have_attribute("open", "")
    expect(account).to_be_visible()
    # Every item is a comfortable touch target and the open menu stays inside the screen.
    box = account.bounding_box()
    assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    menu_button.focus()
    mobile.keyboard.press("Enter")
    expect(account).to_be_hidden()
    account_menu_closed_height = mobile.locator(".site-header").bounding_box()["height"]
    assert account_menu_closed_height < 80  # one compact row, not two or three wrapped rows
    mobile.context.close()

    desktop = new_page(signed_in_context(browser, live_server.url, learner, viewport=WIDTHS["desktop"]))
    desktop.goto(live_server.url + "/topics/")
    expect(desktop.locator("summary", has_text="Menu")).to_be_hidden()
    expect(desktop.get_by_role("navigation", name="Main").get_by_role("link", name="Account")).to_be_visible()
    desktop.get_by_role("navigation", name="Main").get_by_role("link", name="Questions").click()
    expect(desktop.get_by_role("heading", level=1)).to_contain_text("Questions")
    desktop.context.close()


def test_the_menu_works_without_javascript(browser: Browser, live_server):
    page = new_page(browser.new_context(viewport=WIDTHS["mobile"], java_script_enabled=False))
    page.goto(live_server.url + "/")
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Topics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Topics")
    page.context.close()


def test_a_learner_finds_the_mentor_area_from_the_footer(browser: Browser, live_server):
    learner = UserFactory(email="lena@example.com", display_name="Lena")
    page = new_page(signed_in_context(browser, live_server.url, learner, viewport=WIDTHS["desktop"]))
    page.goto(live_server.url + "/topics/")
    page.get_by_role("contentinfo").get_by_role("link", name="Open the mentor area").click()
    page.get_by_role("link", name="“I coach other candidates”").click()
    expect(page.get_by_label("I coach other candidates")).to_be_focused()
    page.get_by_label("I coach other candidates").check()
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mentor").click()
    expect(page).to_have_url(live_server.url + "/mentor/")
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["desktop", "mobile"])
def test_the_layout_pages_pass_axe(browser: Browser, live_server, live_guide, width, scheme):
    learner = UserFactory(email="lena@example.com", display_name="Lena")
    attempt = answer_with_feedback(learner, live_guide)["attempt"]
    context = signed_in_context(
        browser, live_server.url, learner, viewport=WIDTHS[width], color_scheme=scheme
    )
    page = new_page(context)
    q2 = live_guide.questions.get(number=2)
    for path in (
        "/guides/ml-engineer/",
        "/questions/?q=imbalanced",
        f"/questions/{q2.pk}/",
        "/topics/",
        "/accounts/preferences/",
        "/no-such-page/",
        "/history/",
        f"/history/{attempt.pk}/",
    ):
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path
    if width == "mobile":
        # The open menu covers the page, so it is checked on its own.
        page.locator("summary", has_text="Menu").click()
        assert axe_violations(page, ".site-header") == []
    context.close()
    visitor = new_page(browser.new_context(viewport=WIDTHS[width], color_scheme=scheme))
    for path in ("/", f"/questions/{q2.pk}/?q=data", "/guides/ml-engineer/"):
        visitor.goto(live_server.url + path)
        assert axe_violations(visitor) == [], path
    visitor.context.close()
