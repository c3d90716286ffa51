"""Shared browser-test helpers: a signed-in context without the login form, and axe-core checks."""

from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page

# axe-core 4.11.0 (MPL-2.0), vendored from its npm tarball so the suite runs offline.
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 390, "height": 844}}


def signed_in_context(browser: Browser, base_url: str, user, **context_args) -> BrowserContext:
    """A browser context carrying a session for `user` (the login form has its own journeys)."""
    client = Client()
    client.force_login(user)
    return session_context(browser, base_url, client, **context_args)


def session_context(browser: Browser, base_url: str, client: Client, **context_args) -> BrowserContext:
    """A browser context carrying the session of a test client (signed in, or part way through a login)."""
    context = browser.new_context(**context_args)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": urlparse(base_url).hostname,
                "path": "/",
            }
        ]
    )
    return context


def new_page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def axe_violations(page: Page, selector: str = "html", rules: list[str] | None = None) -> list[str]:
    """axe-core's WCAG 2.2 AA and best-practice violations on the page (or a part of it), one line each;
    only the named rules when ``rules`` is given."""
    # evaluate() runs through the DevTools protocol, so the page's strict CSP does not block it.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    run_only = (
        {"type": "rule", "values": rules}
        if rules
        else {
            "type": "tag",
            "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
        }
    )
    results = page.evaluate("([selector, runOnly]) => axe.run(selector, {runOnly})", [selector, run_only])
    return [
        f"{violation['id']}: {violation['help']} at {[node['target'] for node in violation['nodes']]}"
        for violation in results["violations"]
    ]
