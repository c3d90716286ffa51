"""axe-core on every page of the README's table, and on the account pages those lead to, as the visitor
each is for, at both widths, light and dark: any WCAG 2.2 AA or best-practice violation fails, listed."""

import random
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.utils import timezone
from fsrs import Scheduler
from playwright.sync_api import Browser, Page

from interview.demo import bulk_insert, simulate_learner
from interview.models import Attempt, Question, ReviewState
from interview.services.activity import activity_rebuild
from tests.conftest import PASSWORD
from tests.e2e.helpers import WIDTHS, axe_violations, new_page, session_context, signed_in_context
from tests.factories import UserFactory
from tests.test_pages import readme_pages, site_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOT_HTML = {"/healthz", "/readyz"}
# Open to everyone: checked as a visitor (the signed-in header is checked on every other page).
PUBLIC = (
    "/guides/",
    "/topics/",
    "/questions/",
    "/accounts/signup/",
    "/accounts/login/",
    "/accounts/password/reset/",
)
# allauth's pages that the table's account rows lead to, by who reaches them.
VISITOR_EXTRA = ["/accounts/login/code/", "/accounts/password/reset/done/"]
LEARNER_EXTRA = ["/accounts/reauthenticate/", "/accounts/2fa/totp/activate/"]
TWO_FACTOR_EXTRA = ["/accounts/2fa/", "/accounts/2fa/recovery-codes/", "/accounts/2fa/totp/deactivate/"]
TWO_FACTOR_STAGE = "/accounts/2fa/authenticate/"  # after the password, before the code


def visitor_of(page: str) -> str:
    if page in NOT_HTML:
        return "none"
    if page == "/" or page.startswith(PUBLIC):
        return "visitor"
    return "mentor" if page.startswith(("/mentor/", "/admin/")) else "learner"


def give_history(learner, days: int = 21, attempts: int = 80) -> None:
    """Three weeks of practice, schedule rows included, on the questions the learner has not met yet."""
    seen = set(ReviewState.objects.filter(user=learner).values_list("question_id", flat=True))
    now = timezone.now()
    history = simulate_learner(
        user=learner,
        question_ids=[pk for pk in Question.objects.public().values_list("pk", flat=True) if pk not in seen],
        attempts=attempts,
        start=now - timedelta(days=days),
        end=now - timedelta(hours=1),
        rng=random.Random(3),
        scheduler=Scheduler(enable_fuzzing=False),
    )
    bulk_insert(Attempt, history.attempts)
    bulk_insert(ReviewState, history.states)
    activity_rebuild(users=[learner])  # the dashboard's heatmap and trend read the daily rollup


def logged_in_by_password(email: str) -> Client:
    """A session that went through the login form, stopped at the code a two-factor account asks for."""
    client = Client()
    client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    return client


# A dark page differs from its light twin only in colour, so dark mode runs only the colour rules.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
# axe has no rule for reflow: a page wider than the phone's screen is checked directly.
SIDEWAYS = "document.documentElement.scrollWidth > document.documentElement.clientWidth"
LOOKS = [(width, scheme) for width in ("desktop", "mobile") for scheme in ("light", "dark")]


def open_confirmed(page: Page, url: str) -> None:
    """Open the page, confirming the password first where it asks (two-factor settings always do); the
    password page itself is checked at its own address."""
    page.goto(url)
    if "/reauthenticate/" in page.url and "/reauthenticate/" not in url:
        page.get_by_label("Password:").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_url(url)


@pytest.fixture
def world(live_guide) -> dict:
    """The README pages' site (a mentor's cohort, set and assignment), its learner with three weeks of
    history and a verified address, and a second learner with two-factor sign-in."""
    site = site_world(live_guide)
    give_history(site["learner"])
    EmailAddress.objects.create(
        user=site["learner"], email=site["learner"].email, verified=True, primary=True
    )
    guarded = UserFactory(email="two-factor@example.com")
    EmailAddress.objects.create(user=guarded, email=guarded.email, verified=True, primary=True)
    TOTP.activate(guarded, generate_totp_secret())
    RecoveryCodes.activate(guarded)
    paths: dict[str, list[str]] = {"visitor": VISITOR_EXTRA[:], "learner": LEARNER_EXTRA[:]}
    for page in readme_pages():
        paths.setdefault(visitor_of(page), []).append(site["urls"].get(page, page))
    paths["learner"].append(f"/questions/{Question.objects.public().first().pk}/")  # with note and flag
    paths.pop("none")
    return {**site, "guarded": guarded, "paths": paths}


# One test per look: a failure names the look, and one look can be rerun alone.
@pytest.mark.parametrize(("width", "scheme"), LOOKS)
def test_every_page_passes_axe_at_each_width_in_light_and_dark(
    browser: Browser, live_server, world, width: str, scheme: str
):
    base = live_server.url
    violations = {}

    def check(page: Page, who: str, path: str) -> None:
        found = axe_violations(page, rules=COLOUR_RULES if scheme == "dark" else None)
        if width == "mobile" and scheme == "light" and page.evaluate(SIDEWAYS):
            found.append("reflow: the page scrolls sideways at 390 px (WCAG 1.4.10)")
        if found:
            violations[f"{who} {path} -> {page.url.removeprefix(base)}"] = found

    options = {"viewport": WIDTHS[width], "color_scheme": scheme}
    contexts = {
        "visitor": browser.new_context(**options),
        "learner": signed_in_context(browser, base, world["learner"], **options),
        "mentor": signed_in_context(browser, base, world["mentor"], **options),
        "two-factor": signed_in_context(browser, base, world["guarded"], **options),
        "two-factor stage": session_context(
            browser, base, logged_in_by_password(world["guarded"].email), **options
        ),
    }
    paths = {**world["paths"], "two-factor": TWO_FACTOR_EXTRA, "two-factor stage": [TWO_FACTOR_STAGE]}
    for who, context in contexts.items():
        page = new_page(context)
        for path in paths[who]:
            open_confirmed(page, base + path)
            check(page, who, path)
        context.close()
    listed = "\n".join(f"{where}\n  " + "\n  ".join(found) for where, found in violations.items())
    assert violations == {}, listed
