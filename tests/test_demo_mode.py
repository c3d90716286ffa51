"""Demo mode: "Try it with a demo learner" signs a visitor in as one shared learner with two weeks of
history, consistent with its schedule, rebuilt once a day; off unless DEMO_MODE is on."""

from datetime import timedelta

import pytest
from django.db.models import Count, Max
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import User
from interview.demo import DEMO_LEARNER_ATTEMPTS, DEMO_LEARNER_EMAIL, demo_learner_ready
from interview.models import Attempt, Question, ReviewState
from tests.factories import UserFactory, attempt_history

pytestmark = pytest.mark.django_db

BUTTON = "Try it with a demo learner"


@pytest.fixture(autouse=True)
def _demo_mode_on(settings):
    settings.DEMO_MODE = True


def signed_in_user(client: Client) -> User | None:
    response = client.get("/dashboard/")
    return response.context["user"] if response.status_code == 200 else None


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_the_home_and_login_pages_offer_the_demo_to_visitors(ml_guide, path):
    page = Client().get(path).content.decode()
    assert BUTTON in page
    assert 'action="/demo/"' in page and "csrfmiddlewaretoken" in page


def test_a_signed_in_user_is_not_offered_the_demo(client, learner):
    client.force_login(learner)
    assert BUTTON not in client.get("/").content.decode()


def test_the_button_signs_in_the_demo_learner_and_lands_on_the_dashboard(ml_guide):
    client = Client()
    response = client.post("/demo/", follow=True)
    assert response.redirect_chain == [("/dashboard/", 302)]
    assert response.context["user"].email == DEMO_LEARNER_EMAIL
    page = response.content.decode()
    assert "Start your first practice session" not in page
    assert "everyone who tries the demo shares this account" in page


def test_the_demo_history_spans_two_weeks_and_agrees_with_the_schedule(ml_guide):
    now = timezone.now()
    demo = demo_learner_ready(now=now)
    attempts = Attempt.objects.filter(user=demo)
    assert attempts.count() == DEMO_LEARNER_ATTEMPTS
    first, last = attempts.order_by("created_at").first(), attempts.order_by("created_at").last()
    assert now - timedelta(days=14) <= first.created_at < now - timedelta(days=12)
    assert now - timedelta(days=1) < last.created_at < now
    assert attempts.dates("created_at", "day").count() >= 10  # practice on most days: a full heatmap
    # Every schedule row is what its question's attempts wrote: one per question practised, with as many
    # reviews as answers, due when the latest answer said.
    per_question = {
        row["question_id"]: row
        for row in attempts.values("question_id").annotate(answers=Count("id"), latest=Max("created_at"))
    }
    states = ReviewState.objects.filter(user=demo)
    assert {state.question_id for state in states} == set(per_question)
    for state in states:
        latest = attempts.get(
            question_id=state.question_id, created_at=per_question[state.question_id]["latest"]
        )
        assert state.reviews == per_question[state.question_id]["answers"]
        assert state.due == latest.due_after and state.last_review == latest.created_at
        assert state.last_rating == latest.rating
    assert attempts.filter(was_new=True).count() == len(per_question)


def test_every_visitor_shares_one_demo_learner_until_its_history_is_a_day_old(ml_guide):
    now = timezone.now()
    first = demo_learner_ready(now=now)
    assert demo_learner_ready(now=now + timedelta(hours=23)) == first
    assert Attempt.objects.count() == DEMO_LEARNER_ATTEMPTS

    rebuilt = demo_learner_ready(now=now + timedelta(days=1))
    assert rebuilt.pk != first.pk
    assert not User.objects.filter(pk=first.pk).exists()
    assert User.objects.filter(email=DEMO_LEARNER_EMAIL).count() == 1
    assert Attempt.objects.count() == DEMO_LEARNER_ATTEMPTS  # replaced, never piled up
    assert Attempt.objects.latest("created_at").created_at > now + timedelta(hours=23)


def test_clicking_again_reuses_the_demo_learner(ml_guide):
    Client().post("/demo/")
    Client().post("/demo/")
    assert User.objects.filter(email__endswith="demo.invalid").count() == 1
    assert Attempt.objects.count() == DEMO_LEARNER_ATTEMPTS


def test_the_demo_learner_has_no_password_to_sign_in_with_or_to_delete_the_account(ml_guide):
    assert not demo_learner_ready(now=timezone.now()).has_usable_password()


def test_a_signed_in_user_keeps_their_own_session(client, learner, ml_guide):
    client.force_login(learner)
    response = client.post("/demo/")
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert signed_in_user(client) == learner
    assert not User.objects.filter(email=DEMO_LEARNER_EMAIL).exists()


@override_settings(DEMO_MODE=False)
def test_with_demo_mode_off_there_is_no_button_and_no_demo(ml_guide):
    client = Client()
    assert BUTTON not in client.get("/").content.decode()
    assert BUTTON not in client.get("/accounts/login/").content.decode()
    assert client.post("/demo/").status_code == 404
    assert not User.objects.filter(email=DEMO_LEARNER_EMAIL).exists()


def test_the_demo_is_a_post(ml_guide):
    assert Client().get("/demo/").status_code == 405


def test_without_questions_the_visitor_is_told_to_import_a_guide(ml_guide):
    Question.objects.update(is_active=False)
    client = Client()
    response = client.post("/demo/", follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "import a guide first" in response.content.decode()
    assert signed_in_user(client) is None


def test_the_demo_learner_sees_only_its_own_attempts(ml_guide):
    attempt_history(UserFactory(), 1)
    attempt = Attempt.objects.get()
    client = Client()
    client.post("/demo/")
    assert client.get(f"/history/{attempt.pk}/").status_code == 404


def test_the_demo_learner_keeps_its_address_and_gets_no_password(ml_guide):
    client = Client()
    client.post("/demo/")
    added = client.post("/accounts/email/", {"action_add": "", "email": "mine@example.com"})
    assert "sign up for an account of your own" in added.content.decode()
    set_password = client.post(
        "/accounts/password/set/",
        {"password1": "a long new passphrase", "password2": "a long new passphrase"},
    )
    assert "sign up for an account of your own" in set_password.content.decode()
    demo = User.objects.get(email=DEMO_LEARNER_EMAIL)
    assert not demo.has_usable_password()
    assert set(demo.emailaddress_set.values_list("email", flat=True)) <= {DEMO_LEARNER_EMAIL}
