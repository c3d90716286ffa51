import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.conftest import PASSWORD, import_ml_guide

# Debian's chromium by default; elsewhere point CHROMIUM_PATH at a Chromium or Chrome binary.
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def playwright(playwright):
    """Playwright's sync API keeps an event loop running in the test thread from its start to the end of
    the run, so Django's ORM must be allowed there from then on. Runs without browser tests keep
    Django's guard against ORM calls from async code."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield playwright
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM}: install it (apt-get install chromium) "
            "or set CHROMIUM_PATH to a Chromium or Google Chrome executable."
        )
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": BROWSER_ARGS}


@pytest.fixture
def live_guide(transactional_db):
    """Browser tests run in committed transactions, so each loads the guide itself."""
    return import_ml_guide()


@pytest.fixture
def console_errors(page):
    """Errors the page logs (a CSP violation or a failed script shows up here)."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture(autouse=True)
def _fail_fast(page):
    # A missing element should fail in seconds, not after Playwright's default 30.
    page.set_default_timeout(10_000)


def log_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would (factories give every user PASSWORD)."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email:").fill(email)
    page.get_by_label("Password:", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
