"""Invite links on the cohort page: the first one comes with the cohort; the messages say what changed."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from interview.models import Cohort, Invite
from interview.services import mentoring as service
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentor_client(client):
    mentor = UserFactory(email="mentor@example.com", is_mentor=True)
    client.force_login(mentor)
    client.mentor = mentor
    return client


def test_creating_a_cohort_creates_its_first_learner_invite(mentor_client):
    response = mentor_client.post("/mentor/cohorts/new/", {"name": "Winter cohort"}, follow=True)
    cohort = Cohort.objects.get(name="Winter cohort")
    invite = Invite.objects.get(cohort=cohort, revoked_at__isnull=True)
    assert invite.role == "learner" and invite.created_by == mentor_client.mentor
    assertContains(response, "created with an invite link: copy it for your learners.")
    assertContains(response, f"/join/{invite.token}/")
    assertContains(
        response,
        '<button type="button" class="button-secondary" data-copy="learner-invite-url" hidden>Copy link</button>',
    )
    assertContains(response, 'src="/static/js/copy.js"')
    assertContains(response, "Regenerate link")


def test_regenerating_warns_about_the_previous_link_only_when_there_was_one(mentor_client):
    cohort = service.cohort_create(mentor=mentor_client.mentor, name="Winter cohort")
    page = f"/mentor/cohorts/{cohort.pk}/"
    regenerated = mentor_client.post(f"{page}invite/", {"role": "learner"}, follow=True)
    assertContains(regenerated, "the previous one no longer works")
    mentor_client.post(f"{page}invite/revoke/", {"role": "learner"})
    created = mentor_client.post(f"{page}invite/", {"role": "learner"}, follow=True)
    assertContains(created, "An invite link is ready: copy it for your learners.")
    assertNotContains(created, "no longer works")
    co_mentor = mentor_client.post(f"{page}invite/", {"role": "mentor"}, follow=True)
    assertContains(co_mentor, "An invite link is ready: copy it for your co-mentor.")
    assertContains(co_mentor, 'data-copy="mentor-invite-url"')
    assert Invite.objects.filter(cohort=cohort, revoked_at__isnull=True).count() == 2
