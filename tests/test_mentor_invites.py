"""Invite links on the cohort page: the first one comes with the cohort; the messages say what changed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from interview.models import Cohort, Invite
from interview.selectors import mentoring as see
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


def test_the_assign_form_proposes_the_only_cohort_and_a_due_date_a_week_ahead(mentor_client, ml_guide):
    from datetime import timedelta

    from django.utils import timezone

    from interview.scheduling import local_today

    cohort = service.cohort_create(mentor=mentor_client.mentor, name="Winter cohort")
    learner = UserFactory(email="lena@example.com", display_name="Lena")
    service.cohort_join(
        user=learner, token=service.invite_create(mentor=mentor_client.mentor, cohort=cohort).token
    )
    response = mentor_client.get("/mentor/assignments/new/")
    form = response.context["form"]
    assert form["cohort"].value() == cohort.pk
    week_ahead = local_today(mentor_client.mentor, timezone.now()) + timedelta(days=7)
    assertContains(response, f'value="{week_ahead.isoformat()}"')
    assertContains(
        response, "<legend>Only these learners (none ticked: the whole cohort)</legend>", html=False
    )
    assertContains(response, '<label for="id_learners_0">Lena (lena@example.com)</label>')
    assertContains(response, f'type="checkbox" name="learners" value="{learner.pk}"')
    service.cohort_create(mentor=mentor_client.mentor, name="Spring cohort")
    assert mentor_client.get("/mentor/assignments/new/").context["form"]["cohort"].value() is None


def test_the_active_invites_are_the_newest_usable_one_of_each_role(mentor_client, on_postgresql):
    """The cohort page reads them written out on PostgreSQL; ``active_invite`` (the ORM's rule) is the oracle."""
    cohort = service.cohort_create(mentor=mentor_client.mentor, name="Winter cohort")
    other = service.cohort_create(mentor=mentor_client.mentor, name="Spring cohort")
    now = timezone.now()
    Invite.objects.all().delete()

    def invite(cohort, role, *, age_days, expires_in=None, revoked=False):
        made = Invite.objects.create(
            cohort=cohort,
            role=role,
            created_by=mentor_client.mentor,
            expires_at=now + timedelta(days=expires_in) if expires_in is not None else None,
            revoked_at=now if revoked else None,
        )
        Invite.objects.filter(pk=made.pk).update(created_at=now - timedelta(days=age_days))
        return made

    older = invite(cohort, "learner", age_days=5)
    invite(cohort, "learner", age_days=1, revoked=True)  # newer, but revoked
    invite(cohort, "learner", age_days=2, expires_in=-1)  # newer, but expired
    invite(other, "learner", age_days=0)  # another cohort's
    mentor_link = invite(cohort, "mentor", age_days=3, expires_in=1)
    active = see.active_invites(cohort, now)
    assert active == {"learner": older, "mentor": mentor_link}
    assert active == {role: see.active_invite(cohort, role, now) for role in ("learner", "mentor")}
    if on_postgresql:
        assert see._usable_invites_sql(cohort, now) == list(
            see._usable_invites(cohort, now).order_by("-created_at", "pk")
        )
    Invite.objects.filter(cohort=cohort, role="mentor").update(revoked_at=now)
    assert see.active_invites(cohort, now) == {"learner": older}
