"""Every page of the README's table opens for a signed-in user: no 500 hides behind a link nobody tested."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.services import review_email_unsubscribe_token
from interview.models import Attempt, Guide, ImportJob, PracticeMode, Rating, Topic
from interview.services import mentoring as service
from interview.services.practice import attempt_record, session_start, showing_current
from tests.builders import assigned_cohort
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def readme_pages() -> list[str]:
    """The paths written in the first column of the README's "What is there" table."""
    text = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    table = text.split("## What is there", 1)[1].split("\n\n", 2)[1]
    paths = []
    for line in table.splitlines()[2:]:
        first_cell = line.split("|")[1]
        paths += re.findall(r"`(/[^`]*)`", first_cell)
    return paths


@pytest.fixture
def site(ml_guide):
    return site_world(ml_guide)


def site_world(guide: Guide) -> dict:
    """A staff mentor with a cohort, a set, an assignment answered by a learner, feedback and an invite;
    ``urls`` maps each README path with a placeholder to a real one (the browser's axe sweep uses it too)."""
    ml_guide = guide
    world = assigned_cohort(
        ml_guide, questions=2, mentor=UserFactory(is_mentor=True, is_staff=True, is_superuser=True)
    )
    mentor, learner, cohort, questions = world.mentor, world.learner, world.cohort, world.questions
    question_set, assignment = world.question_set, world.assignment
    session = session_start(user=learner, mode=PracticeMode.ASSIGNMENT, assignment=assignment)
    attempt_record(user=learner, token=showing_current(session=session).token, rating=Rating.GOOD)
    attempt = Attempt.objects.get(user=learner)
    service.feedback_give(mentor=mentor, attempt=attempt, text="Good start.")
    other = service.cohort_create(mentor=mentor, name="Autumn")
    topic = Topic.objects.filter(questions__guide=ml_guide).first()
    return {
        "mentor": mentor,
        "learner": learner,
        "urls": {
            "/guides/<slug>/": f"/guides/{ml_guide.slug}/",
            "/topics/<slug>/": f"/topics/{topic.slug}/",
            "/questions/<id>/": f"/questions/{questions[0].pk}/",
            "/practice/<id>/": f"/practice/{session.pk}/",
            "/practice/<id>/summary/": f"/practice/{session.pk}/summary/",
            "/mentor/cohorts/<id>/": f"/mentor/cohorts/{cohort.pk}/",
            "/mentor/sets/<id>/": f"/mentor/sets/{question_set.pk}/",
            "/mentor/assignments/<id>/": f"/mentor/assignments/{assignment.pk}/",
            "/mentor/cohorts/<id>/learners/<user id>/": f"/mentor/cohorts/{cohort.pk}/learners/{learner.pk}/",
            "/mentor/attempts/<id>/": f"/mentor/attempts/{attempt.pk}/",
            "/history/<id>/": f"/history/{attempt.pk}/",
            "/join/<token>/": f"/join/{service.invite_create(mentor=mentor, cohort=other).token}/",
            "/mentor/questions/imports/<id>/": ImportJob.objects.create(
                owner=mentor, filename="mine.txt", status=ImportJob.Status.FAILED, error="mine.txt, line 1: …"
            ).get_absolute_url(),
            "/accounts/unsubscribe/<token>/": f"/accounts/unsubscribe/{review_email_unsubscribe_token(learner)}/",
        },
    }


def test_the_readme_lists_the_pages_this_test_opens():
    pages = readme_pages()
    assert len(pages) >= 30
    assert {"/dashboard/", "/accounts/sessions/", "/mentor/questions/", "/join/<token>/"} <= set(pages)


@pytest.mark.parametrize("page", readme_pages())
def test_every_page_of_the_readme_opens_signed_in(site, page):
    url = site["urls"].get(page, page)
    assert "<" not in url, f"Give the test a real URL for {page}"
    user = site["mentor"] if page.startswith(("/mentor/", "/admin/")) else site["learner"]
    client = Client()
    client.force_login(user)
    response = client.get(url, follow=True)
    assert response.status_code == 200, (page, response.redirect_chain)
