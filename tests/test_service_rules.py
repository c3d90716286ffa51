"""Rules that used to live only in API views, now services that pages and the API share."""

from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, RequestFactory
from django.utils import timezone
from knox.models import AuthToken

from accounts import services as account_services
from interview.models import PracticeMode, PracticeSession, QuestionSet, Rating, Topic
from interview.selectors.practice import api_session_reopened
from interview.services import mentoring as service
from interview.services.practice import api_session_begin, session_start
from tests.conftest import PASSWORD
from tests.dates import days_from_today
from tests.factories import UserFactory
from tests.test_mentoring import NOW, practise_assignment, world  # noqa: F401 (world is a fixture)
from tests.test_mentoring_api import as_user

pytestmark = pytest.mark.django_db

JSON = "application/json"


# Resuming today's API practice session ----------------------------------------------------------------------


def api_session(learner, mode: str, now: datetime, topics: list[Topic] | None = None) -> PracticeSession:
    """The session the API's next continues (api_session_reopened finds it), else the one it begins."""
    topics = topics or []
    reopened = api_session_reopened(
        learner, mode=mode, topic_ids={topic.pk for topic in topics}, assignment=None, now=now
    )
    if reopened.session is not None:
        return reopened.session
    return api_session_begin(user=learner, mode=mode, topics=topics, now=now).session


def test_the_api_resumes_the_same_unfinished_session_of_the_day(learner, ml_guide):
    learner.timezone = "Pacific/Kiritimati"  # UTC+14: local midnight is 10:00 UTC
    late_evening = datetime(2026, 11, 25, 9, 0, tzinfo=dt_timezone.utc)  # 23:00 on the 25th there
    topics = list(Topic.objects.filter(questions__guide=ml_guide).distinct().order_by("position")[:2])

    def open_for(topic: Topic, now: datetime) -> PracticeSession:
        return api_session(learner, PracticeMode.TOPIC, now, [topic])

    first = open_for(topics[0], late_evening)
    assert first is not None and first.via_api
    assert open_for(topics[0], late_evening + timedelta(minutes=59)) == first
    assert open_for(topics[1], late_evening) != first
    assert open_for(topics[0], late_evening + timedelta(minutes=61)) != first  # 00:01 on the 26th there


def test_the_api_never_resumes_a_finished_or_a_page_session(learner, ml_guide):
    page = session_start(user=learner, mode=PracticeMode.NEW, now=NOW)
    from_api = api_session(learner, PracticeMode.NEW, NOW)
    assert from_api != page and from_api.via_api
    PracticeSession.objects.filter(pk=from_api.pk).update(finished_at=NOW)
    assert api_session(learner, PracticeMode.NEW, NOW) not in (page, from_api)


def test_a_second_first_call_of_the_day_continues_the_session_the_first_planned(learner, ml_guide):
    """Two first calls at once: the second waits for the learner's lock, then finds the first one's session."""
    first = api_session_begin(user=learner, mode=PracticeMode.NEW, now=NOW)
    second = api_session_begin(user=learner, mode=PracticeMode.NEW, now=NOW)
    assert second.session == first.session and second.token == first.token
    assert PracticeSession.objects.filter(user=learner, via_api=True).count() == 1


# Assigning to chosen learners ------------------------------------------------------------------------------


def test_chosen_learners_go_to_the_mentors_cohort_they_all_learn_in(world):  # noqa: F811
    mentor, learner = world["mentor"], world["learner"]
    second_cohort = service.cohort_create(mentor=mentor, name="Another")  # "Another" sorts before "Spring"
    newcomer = UserFactory()
    service.cohort_join(user=newcomer, token=service.invite_create(mentor=mentor, cohort=second_cohort).token)

    alone = service.assignment_create(
        mentor=mentor, question_set=world["set"], learners=[learner], due_date=date(2026, 12, 5), now=NOW
    )
    assert alone.cohort == world["cohort"] and not alone.whole_cohort
    with pytest.raises(ValidationError, match="share none of your cohorts"):
        service.assignment_create(
            mentor=mentor,
            question_set=world["set"],
            learners=[learner, newcomer],
            due_date=date(2026, 12, 5),
            now=NOW,
        )
    with pytest.raises(ValidationError, match="Assign to a cohort or to chosen learners"):
        service.assignment_create(
            mentor=mentor, question_set=world["set"], due_date=date(2026, 12, 5), now=NOW
        )


def test_a_co_mentors_set_goes_only_to_a_cohort_its_owner_mentors_on_pages_and_api_alike(world):  # noqa: F811
    mentor, co_mentor = world["mentor"], world["co_mentor"]
    own_cohort = service.cohort_create(mentor=co_mentor, name="Co's own")
    by_co_mentor = service.assignment_create(
        mentor=co_mentor,
        question_set=world["set"],
        cohort=world["cohort"],
        due_date=date(2026, 12, 5),
        now=NOW,
    )
    assert by_co_mentor.question_set == world["set"]
    with pytest.raises(ValidationError, match="your own question sets, or a co-mentor's"):
        service.assignment_create(
            mentor=co_mentor,
            question_set=world["set"],
            cohort=own_cohort,
            due_date=date(2026, 12, 5),
            now=NOW,
        )

    api = as_user(co_mentor)
    due = days_from_today(30).isoformat()
    body = {"question_set": world["set"].pk, "learners": [world["learner"].pk], "due_date": due}
    created = api.post("/api/v1/assignments/", body, content_type=JSON)
    assert created.status_code == 201 and created.json()["cohort"] == world["cohort"].pk
    refused = api.post("/api/v1/assignments/", {**body, "cohort": own_cohort.pk}, content_type=JSON)
    assert refused.status_code == 400 and "question_set" in refused.json()
    stranger_set = service.question_set_save(
        owner=world["other_mentor"], title="Not shared", question_ids=[world["questions"][0].pk]
    )
    unknown = api.post("/api/v1/assignments/", {**body, "question_set": stranger_set.pk}, content_type=JSON)
    assert unknown.status_code == 400 and "question_set" in unknown.json()

    page = as_user(co_mentor).get("/mentor/assignments/new/").content.decode()
    assert f"Basics (by {mentor})" in page


# Deleting a set --------------------------------------------------------------------------------------------


def test_an_assigned_set_cannot_be_deleted_and_an_unassigned_one_can(world):  # noqa: F811
    mentor = world["mentor"]
    with pytest.raises(ValidationError, match="This set is assigned; copy it instead"):
        service.question_set_delete(owner=mentor, question_set=world["set"])
    spare = service.question_set_save(owner=mentor, title="Spare", question_ids=[world["questions"][0].pk])
    with pytest.raises(PermissionDenied):
        service.question_set_delete(owner=world["co_mentor"], question_set=spare)
    service.question_set_delete(owner=mentor, question_set=spare)
    assert list(QuestionSet.objects.filter(owner=mentor)) == [world["set"]]


def test_deleting_a_set_on_its_page_says_why_an_assigned_one_stays(world):  # noqa: F811
    mentor, question_set = world["mentor"], world["set"]
    page = as_user(mentor)
    refused = page.post(f"/mentor/sets/{question_set.pk}/delete/", follow=True)
    assert refused.status_code == 200
    assert "This set is assigned; copy it instead of deleting it." in refused.content.decode()
    assert QuestionSet.objects.filter(pk=question_set.pk).exists()
    assert "Delete this set" not in refused.content.decode()  # no button for an assigned set

    spare = service.question_set_save(owner=mentor, title="Spare", question_ids=[world["questions"][0].pk])
    assert "Delete this set" in page.get(f"/mentor/sets/{spare.pk}/").content.decode()
    assert as_user(world["co_mentor"]).post(f"/mentor/sets/{spare.pk}/delete/").status_code == 404
    assert Client().post(f"/mentor/sets/{spare.pk}/delete/").status_code == 302  # to the login page
    assert QuestionSet.objects.filter(pk=spare.pk).exists()
    deleted = page.post(f"/mentor/sets/{spare.pk}/delete/", follow=True)
    assert "“Spare” was deleted." in deleted.content.decode()
    assert not QuestionSet.objects.filter(pk=spare.pk).exists()
    api = page.delete(f"/api/v1/question-sets/{question_set.pk}/")
    assert api.status_code == 400 and api.json() == {
        "detail": "This set is assigned; copy it instead of deleting it."
    }


# Feedback on an attempt ------------------------------------------------------------------------------------


def test_feedback_submit_gives_replies_and_reads(world):  # noqa: F811
    (attempt,) = practise_assignment(world["learner"], world["assignment"], [Rating.HARD])
    mentor, learner = world["mentor"], world["learner"]
    with pytest.raises(ValidationError, match="Write the feedback in text"):
        service.feedback_submit(user=mentor, attempt=attempt, reply="Not mine to reply")
    given, created = service.feedback_submit(user=mentor, attempt=attempt, text="Name the trade-off.")
    assert created and given.mentor == mentor
    with pytest.raises(PermissionDenied):
        service.feedback_submit(user=world["outsider"], attempt=attempt, text="Drive-by")

    with pytest.raises(ValidationError, match="Give the id of a feedback on this attempt"):
        service.feedback_submit(user=learner, attempt=attempt, reply="Thanks")
    with pytest.raises(ValidationError, match="Send a reply, or read: true"):
        service.feedback_submit(user=learner, attempt=attempt, feedback_id=given.pk)
    read, created = service.feedback_submit(
        user=learner, attempt=attempt, feedback_id=given.pk, read=True, now=NOW
    )
    assert not created and read.read_at == NOW and read.reply == ""
    later = NOW + timedelta(hours=1)
    replied, _ = service.feedback_submit(
        user=learner, attempt=attempt, feedback_id=given.pk, reply="Thanks!", now=later
    )
    assert replied.reply == "Thanks!" and replied.replied_at == later and replied.read_at == NOW


# Token sign-in ---------------------------------------------------------------------------------------------


def sign_in_request():
    request = RequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR="203.0.113.9")
    request.session = {}
    return request


def test_token_sign_in_shares_the_login_pages_lock_out(client, learner):
    for _ in range(5):
        client.post("/accounts/login/", {"login": learner.email, "password": "wrong"})
    with pytest.raises(account_services.SignInLockedOut):
        account_services.api_token_sign_in(request=sign_in_request(), email=learner.email, password=PASSWORD)
    assert not AuthToken.objects.exists()


def test_token_sign_in_refuses_bad_credentials_and_checks_the_second_factor(learner):
    with pytest.raises(ValidationError, match="Unable to sign in"):
        account_services.api_token_sign_in(request=sign_in_request(), email=learner.email, password="wrong")
    secret = generate_totp_secret()
    TOTP.activate(learner, secret)
    with pytest.raises(ValidationError, match="send its code"):
        account_services.api_token_sign_in(request=sign_in_request(), email=learner.email, password=PASSWORD)
    with pytest.raises(ValidationError, match="not valid"):
        account_services.api_token_sign_in(
            request=sign_in_request(), email=learner.email, password=PASSWORD, code="000000"
        )
    code = format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))
    token, clear = account_services.api_token_sign_in(
        request=sign_in_request(), email=learner.email.upper(), password=PASSWORD, code=code
    )
    assert token.user == learner and clear
