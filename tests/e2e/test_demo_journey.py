"""A newcomer on an empty database tries the app as the demo learner and sees a dashboard with history."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_try_it_with_a_demo_learner_lands_on_a_dashboard_with_two_weeks_of_history(
    page: Page, live_server, live_guide, settings, console_errors
):
    settings.DEMO_MODE = True
    assert not User.objects.exists()
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Try it with a demo learner").click()

    expect(page).to_have_url(live_server.url + "/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demo learner")
    expect(page.get_by_text("everyone who tries the demo shares this account")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\b150 attempts on 1[45] days\b"))).to_be_visible()
    days_practised = page.locator("svg.heatmap rect:not(.heat-0)")
    assert days_practised.count() >= 10
    expect(page.get_by_role("heading", name="Your weakest topics")).to_be_visible()
    assert console_errors == []
