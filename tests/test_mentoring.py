"""Mentoring rules: cohorts, invites, sets, assignments, status, feedback, and who may see what."""

from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from accounts.models import User
from interview.models import (
    Assignment,
    AssignmentLearner,
    Attempt,
    Membership,
    PracticeMode,
    Question,
    Rating,
)
from interview.selectors import mentoring as see
from interview.services import mentoring as service
from interview.services.practice import attempt_record, session_start, showing_current
from tests.builders import assigned_cohort
from tests.dates import days_from_today
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=dt_timezone.utc)


@pytest.fixture
def world(ml_guide, mentor, learner, cohort):
    """Cohort A (mentor, co-mentor, learner), cohort B (another mentor), an outsider, a set assigned to A."""
    co_mentor = UserFactory(email="co@example.com", display_name="Cole Co", is_mentor=True)
    other_mentor = UserFactory(email="other@example.com", display_name="Olga Other", is_mentor=True)
    outsider = UserFactory(email="outsider@example.com", display_name="Otto Outsider")
    service.cohort_join(
        user=co_mentor, token=service.invite_create(mentor=mentor, cohort=cohort, role="mentor").token
    )
    other = service.cohort_create(mentor=other_mentor, name="Other cohort")
    service.cohort_join(user=outsider, token=service.invite_create(mentor=other_mentor, cohort=other).token)
    questions = list(Question.objects.filter(guide=ml_guide).order_by("number")[:3])
    question_set = service.question_set_save(
        owner=mentor, title="Basics", question_ids=[q.pk for q in reversed(questions)]
    )
    # Due in six days by the real clock, which pages and the API read (the learner practises at NOW).
    assignment = service.assignment_create(
        mentor=mentor, question_set=question_set, cohort=cohort, due_date=days_from_today(6)
    )
    return {
        "mentor": mentor,
        "co_mentor": co_mentor,
        "other_mentor": other_mentor,
        "learner": learner,
        "outsider": outsider,
        "cohort": cohort,
        "other_cohort": other,
        "set": question_set,
        "assignment": assignment,
        "questions": questions,
    }


def practise_assignment(learner, assignment, ratings, now=NOW):
    session = session_start(user=learner, mode=PracticeMode.ASSIGNMENT, assignment=assignment, now=now)
    attempts = []
    for rating in ratings:
        showing = showing_current(session=session, now=now)
        if showing is None:
            break
        attempts.append(attempt_record(user=learner, token=showing.token, rating=rating, now=now))
    return attempts


def test_only_mentors_create_cohorts_and_the_creator_mentors_it(world):
    with pytest.raises(PermissionDenied):
        service.cohort_create(mentor=world["learner"], name="Mine")
    roles = dict(world["cohort"].memberships.values_list("user__email", "role"))
    assert roles == {
        "mentor@example.com": "mentor",
        "co@example.com": "mentor",
        "learner@example.com": "learner",
    }


def test_a_regenerated_invite_replaces_the_old_one_and_a_revoked_one_stops_working(world):
    first = service.invite_create(mentor=world["mentor"], cohort=world["cohort"])
    second = service.invite_create(mentor=world["mentor"], cohort=world["cohort"])
    newcomer = UserFactory()
    with pytest.raises(ValidationError, match="not valid"):
        service.cohort_join(user=newcomer, token=first.token)
    service.invite_revoke(mentor=world["mentor"], cohort=world["cohort"])
    with pytest.raises(ValidationError, match="not valid"):
        service.cohort_join(user=newcomer, token=second.token)


def test_an_expired_invite_is_refused(world):
    invite = service.invite_create(
        mentor=world["mentor"], cohort=world["cohort"], expires_at=NOW + timedelta(days=1), now=NOW
    )
    with pytest.raises(ValidationError, match="expired"):
        service.cohort_join(user=UserFactory(), token=invite.token, now=NOW + timedelta(days=2))


def test_joining_gives_the_cohorts_assignments_and_leaving_ends_the_mentors_view(world):
    newcomer = UserFactory()
    service.cohort_join(
        user=newcomer, token=service.invite_create(mentor=world["mentor"], cohort=world["cohort"]).token
    )
    assert AssignmentLearner.objects.filter(learner=newcomer, assignment=world["assignment"]).exists()
    assert see.learners_visible_to(world["mentor"]).filter(pk=newcomer.pk).exists()
    service.membership_remove(actor=newcomer, cohort=world["cohort"], user=newcomer)
    assert not see.learners_visible_to(world["mentor"]).filter(pk=newcomer.pk).exists()
    assert not see.assignments_of_learner(newcomer, NOW).exists()


def test_a_mentor_removes_learners_but_not_co_mentors_and_the_last_mentor_cannot_leave(world):
    with pytest.raises(PermissionDenied):
        service.membership_remove(actor=world["mentor"], cohort=world["cohort"], user=world["co_mentor"])
    service.membership_remove(actor=world["mentor"], cohort=world["cohort"], user=world["learner"])
    assert not Membership.objects.filter(user=world["learner"], cohort=world["cohort"]).exists()
    service.membership_remove(actor=world["co_mentor"], cohort=world["cohort"], user=world["co_mentor"])
    with pytest.raises(ValidationError, match="only mentor"):
        service.membership_remove(actor=world["mentor"], cohort=world["cohort"], user=world["mentor"])


def test_sets_keep_their_order_and_refuse_unknown_or_repeated_questions(world):
    assert list(world["set"].items.values_list("question__number", flat=True)) == [3, 2, 1]
    for ids, message in [([999_999], "not questions of the bank"), ([world["questions"][0].pk] * 2, "twice")]:
        with pytest.raises(ValidationError, match=message):
            service.question_set_save(owner=world["mentor"], title="X", question_ids=ids)


def test_editing_an_assigned_set_changes_nothing_learners_saw(world):
    service.question_set_save(
        owner=world["mentor"],
        question_set=world["set"],
        title="Basics v2",
        question_ids=[world["questions"][0].pk],
    )
    world["assignment"].refresh_from_db()
    assert world["assignment"].question_ids == [q.pk for q in reversed(world["questions"])]
    assert world["assignment"].title == "Basics"


def test_assigning_to_chosen_learners_only(world):
    second = UserFactory()
    service.cohort_join(
        user=second, token=service.invite_create(mentor=world["mentor"], cohort=world["cohort"]).token
    )
    chosen = service.assignment_create(
        mentor=world["mentor"],
        question_set=world["set"],
        cohort=world["cohort"],
        learners=[second],
        due_date=days_from_today(8),
        completion_rule="reach_good",
    )
    assert list(chosen.learners.values_list("learner", flat=True)) == [second.pk]
    with pytest.raises(ValidationError, match="Not learners of this cohort"):
        service.assignment_create(
            mentor=world["mentor"],
            question_set=world["set"],
            cohort=world["cohort"],
            learners=[world["outsider"]],
            due_date=days_from_today(8),
        )


def test_another_cohorts_mentor_cannot_assign_to_it(world):
    with pytest.raises(PermissionDenied):
        service.assignment_create(
            mentor=world["other_mentor"],
            question_set=world["set"],
            cohort=world["cohort"],
            due_date=days_from_today(6),
        )


def test_assignment_practice_links_attempts_and_tracks_status(world):
    learner, assignment = world["learner"], world["assignment"]
    progress = AssignmentLearner.objects.get(learner=learner, assignment=assignment)
    before_due, after_due = assignment.due_date - timedelta(days=6), assignment.due_date + timedelta(days=1)
    assert see.status_of(progress, assignment, before_due).key == "not_started"

    attempts = practise_assignment(learner, assignment, [Rating.GOOD])
    assert attempts[0].assignment == assignment and attempts[0].question.number == 3  # the set's order
    progress.refresh_from_db()
    status = see.status_of(progress, assignment, before_due)
    assert (status.key, status.label) == ("in_progress", "In progress (1 of 3)")
    assert see.status_of(progress, assignment, after_due).key == "overdue"

    practise_assignment(learner, assignment, [Rating.HARD, Rating.EASY])
    progress.refresh_from_db()
    assert progress.completed_at == NOW
    assert see.status_of(progress, assignment, after_due).key == "completed"
    # Assignment attempts also count for normal scheduling.
    assert learner.review_states.count() == 3


def test_reach_good_needs_good_or_easy_on_every_question(world):
    world["assignment"].completion_rule = Assignment.CompletionRule.REACH_GOOD
    world["assignment"].save()
    practise_assignment(world["learner"], world["assignment"], [Rating.GOOD, Rating.HARD, Rating.GOOD])
    progress = AssignmentLearner.objects.get(learner=world["learner"], assignment=world["assignment"])
    assert (progress.answered, progress.reached_good, progress.completed_at) == (3, 2, None)
    practise_assignment(world["learner"], world["assignment"], [Rating.EASY])  # only the Hard one is left
    progress.refresh_from_db()
    assert progress.completed_at is not None


def test_mentors_see_their_learners_assignment_answers_and_nothing_else(world):
    (attempt,) = practise_assignment(world["learner"], world["assignment"], [Rating.AGAIN])
    private = Attempt.objects.create(
        user=world["learner"],
        question=world["questions"][0],
        mode=PracticeMode.NEW,
        coverage=0,
        suggested_rating=1,
        rating=1,
        due_after=NOW,
        created_at=NOW,
    )
    for viewer in ("mentor", "co_mentor"):
        visible = see.attempts_visible_to(world[viewer])
        assert visible.filter(pk=attempt.pk).exists() and not visible.filter(pk=private.pk).exists()
    for viewer in ("other_mentor", "outsider"):
        assert not see.attempts_visible_to(world[viewer]).filter(pk=attempt.pk).exists()


def test_feedback_reply_once_and_read(world):
    (attempt,) = practise_assignment(world["learner"], world["assignment"], [Rating.HARD])
    feedback = service.feedback_give(
        mentor=world["mentor"], attempt=attempt, text="Mention <b>imputation</b>."
    )
    with pytest.raises(PermissionDenied):
        service.feedback_give(mentor=world["other_mentor"], attempt=attempt, text="Hi")
    service.feedback_reply(learner=world["learner"], feedback=feedback, text="Thanks!")
    with pytest.raises(ValidationError, match="already replied"):
        service.feedback_reply(learner=world["learner"], feedback=feedback, text="Again")
    feedback.refresh_from_db()
    assert feedback.read_at is not None and feedback.reply == "Thanks!"


def test_the_cohort_grid_and_progress_grid_and_insights(world):
    practise_assignment(world["learner"], world["assignment"], [Rating.AGAIN, Rating.GOOD, Rating.GOOD])
    grid = see.cohort_mastery_grid(world["cohort"], NOW)
    assert [row["learner"] for row in grid["grid"]] == [world["learner"]]
    assert any(cell["practised"] for cell in grid["grid"][0]["cells"])
    progress = see.assignment_progress_grid(world["assignment"])
    assert [q.number for q in progress["questions"]] == [3, 2, 1]
    assert [a.rating for a in progress["rows"][0]["cells"]] == [Rating.AGAIN, Rating.GOOD, Rating.GOOD]
    insights = list(see.question_insights(world["mentor"]))
    assert insights[0].number == 3 and insights[0].struggle_share == 1.0
    assert list(see.question_insights(world["other_mentor"])) == []


# The permission matrix: every mentor page and endpoint, for every kind of visitor ----------------------------


VIEWERS = ["anonymous", "learner", "outsider", "mentor", "co_mentor", "other_mentor"]


def client_for(world, viewer: str) -> Client:
    client = Client()
    if viewer != "anonymous":
        client.force_login(world[viewer])
    return client


def mentor_urls(world) -> list[str]:
    cohort, learner, assignment = world["cohort"], world["learner"], world["assignment"]
    (attempt,) = practise_assignment(learner, assignment, [Rating.GOOD])
    return [
        f"/mentor/cohorts/{cohort.pk}/",
        f"/mentor/cohorts/{cohort.pk}/learners/{learner.pk}/",
        f"/mentor/assignments/{assignment.pk}/",
        f"/mentor/attempts/{attempt.pk}/",
        f"/api/v1/cohorts/{cohort.pk}/members/",
        f"/api/v1/cohorts/{cohort.pk}/progress/",
        f"/api/v1/assignments/{assignment.pk}/progress/",
    ]


EXPECTED = {
    "anonymous": "login",
    "learner": 404,
    "outsider": 404,
    "mentor": 200,
    "co_mentor": 200,
    "other_mentor": 404,
}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_mentor_pages_and_endpoints_permission_matrix(world, viewer):
    urls = mentor_urls(world)
    client = client_for(world, viewer)
    for url in urls:
        response = client.get(url)
        expected = EXPECTED[viewer]
        if expected == "login":
            assert response.status_code in (302, 401), url
            if response.status_code == 302:
                assert response["Location"].startswith("/accounts/login/"), url
        else:
            assert response.status_code == expected, (url, viewer, response.status_code)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_set_page_is_its_owners_only(world, viewer):
    response = client_for(world, viewer).get(f"/mentor/sets/{world['set'].pk}/")
    expected = {"mentor": 200, "anonymous": 302}.get(viewer, 404)
    assert response.status_code == expected


@pytest.mark.parametrize("viewer", VIEWERS)
def test_mentor_writes_permission_matrix(world, viewer):
    cohort = world["cohort"]
    client = client_for(world, viewer)
    invite = client.post(f"/api/v1/cohorts/{cohort.pk}/invite/", {}, content_type="application/json")
    remove = client.post(f"/mentor/cohorts/{cohort.pk}/members/{world['learner'].pk}/remove/")
    allowed = viewer in ("mentor", "co_mentor")
    if viewer == "anonymous":
        assert invite.status_code == 401 and remove.status_code == 302
    elif allowed:
        assert invite.status_code == 201 and remove.status_code == 302
        assert not Membership.objects.filter(cohort=cohort, user=world["learner"]).exists()
    else:
        assert invite.status_code == 404 and remove.status_code == 404
        assert Membership.objects.filter(cohort=cohort, user=world["learner"]).exists()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_feedback_endpoint_permission_matrix(world, viewer):
    (attempt,) = practise_assignment(world["learner"], world["assignment"], [Rating.GOOD])
    client = client_for(world, viewer)
    response = client.post(
        f"/api/v1/attempts/{attempt.pk}/feedback/", {"text": "Nice."}, content_type="application/json"
    )
    expected = {"anonymous": 401, "mentor": 201, "co_mentor": 201, "learner": 400}.get(viewer, 404)
    assert response.status_code == expected
    listing = client.get(f"/api/v1/attempts/{attempt.pk}/feedback/")
    assert listing.status_code == {"anonymous": 401, "learner": 200, "mentor": 200, "co_mentor": 200}.get(
        viewer, 404
    )


# A mentor's own questions ----------------------------------------------------------------------------------------


OWN_GUIDE = """A few questions of my own.
Q1. What is a feature store?
A shared place to keep and serve the features models are trained and served with.
Q2. What is data drift?
A change in the distribution of the inputs a model sees in production.
"""


def test_a_mentors_own_questions_reach_their_cohort_only(world, client):
    mentor = world["mentor"]
    question = service.mentor_question_create(
        mentor=mentor,
        prompt="How would you monitor a model in production?",
        answer="Track input drift, prediction drift and business metrics, with alerts.",
        topics=[],
        key_points=[("Watch the inputs", ["drift"]), ("Alert on metrics", ["alert", "alerting"])],
        code="print('monitor')",
        language="python",
    )
    assert question.guide.owner == mentor and question.key_points.count() == 2

    for viewer, status in [
        ("mentor", 200),
        ("learner", 200),
        ("co_mentor", 200),
        ("outsider", 404),
        ("other_mentor", 404),
    ]:
        assert client_for(world, viewer).get(f"/questions/{question.pk}/").status_code == status, viewer
    assert Client().get(f"/questions/{question.pk}/").status_code == 404
    assert "monitor a model" not in Client().get("/questions/", {"q": "monitor"}).content.decode()
    assert Client().get("/api/v1/questions/").json()["count"] == 48

    question_set = service.question_set_save(owner=mentor, title="Own", question_ids=[question.pk])
    with pytest.raises(ValidationError, match="not questions of the bank"):
        service.question_set_save(owner=world["other_mentor"], title="Theirs", question_ids=[question.pk])
    assignment = service.assignment_create(
        mentor=mentor, question_set=question_set, cohort=world["cohort"], due_date=days_from_today(6)
    )
    (attempt,) = practise_assignment(world["learner"], assignment, [Rating.GOOD])
    assert attempt.question == question


def test_questions_written_with_missing_parts_are_explained(world):
    with pytest.raises(ValidationError) as error:
        service.mentor_question_create(
            mentor=world["mentor"], prompt="", answer="", topics=[], key_points=[("one", ["x"])]
        )
    assert set(error.value.message_dict) == {"prompt", "answer", "key_points"}


def test_a_mentors_key_point_of_generic_words_only_is_refused(world):
    with pytest.raises(ValidationError) as error:
        service.mentor_question_create(
            mentor=world["mentor"],
            prompt="What is a canary release?",
            answer="Release to a few users first.",
            topics=[],
            key_points=[("It depends", ["depends", "mix"]), ("Few users first", ["canary"])],
        )
    assert "“It depends” has only generic words" in error.value.message_dict["key_points"][0]


def test_the_mentor_questions_page_writes_and_imports(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    mentor_client = client_for(world, "mentor")
    response = mentor_client.post(
        "/mentor/questions/",
        {
            "prompt": "What is a canary release?",
            "answer": "Sending a small share of traffic to a new model first.",
            "language": "text",
            "difficulty": "basic",
            "key_points": "Small share first | small share, canary\nCompare before rolling out | compare",
        },
    )
    assert response.status_code == 302
    bad = mentor_client.post("/mentor/questions/", {"prompt": "X", "answer": "Y", "language": "text",
                                                     "difficulty": "basic", "key_points": "no bar here"})  # fmt: skip
    assert "Line 1: write the statement" in bad.content.decode()

    upload = SimpleUploadedFile("mlops-extra.txt", OWN_GUIDE.encode(), content_type="text/plain")
    mentor_client.post("/mentor/questions/import/", {"file": upload})
    page = mentor_client.get("/mentor/questions/").content.decode()
    assert "What is a canary release?" in page and "What is data drift?" in page
    assert Question.objects.filter(guide__owner=world["mentor"]).count() == 3

    broken = SimpleUploadedFile("broken.txt", b"Intro.\nQ1 missing dot\nA.\n", content_type="text/plain")
    html = mentor_client.post("/mentor/questions/import/", {"file": broken}, follow=True).content.decode()
    assert "broken.txt, line 2: a question must look like" in html


def test_learners_cannot_write_questions(world):
    response = client_for(world, "learner").post(
        "/mentor/questions/",
        {"prompt": "Q?", "answer": "A.", "language": "text", "difficulty": "basic"},
        follow=True,
    )
    assert "Turn on “I coach other candidates”" in response.content.decode()
    assert not Question.objects.filter(guide__owner__isnull=False).exists()


def test_learners_see_open_assignments_due_soonest_first_and_future_ones_from_their_start(world):
    learner, mentor = world["learner"], world["mentor"]
    # Made and read at NOW, like the practice; the first assignment is completed, so its due date plays no part.
    later = service.assignment_create(
        mentor=mentor, question_set=world["set"], cohort=world["cohort"], due_date=date(2026, 12, 20), now=NOW
    )
    future = service.assignment_create(
        mentor=mentor,
        question_set=world["set"],
        cohort=world["cohort"],
        start_date=date(2027, 1, 1),
        due_date=date(2027, 1, 10),
        now=NOW,
    )
    practise_assignment(learner, world["assignment"], [Rating.GOOD] * 3)  # completes the first one
    shown = [assignment for assignment, _ in see.learner_assignments(learner, NOW)]
    assert shown == [later, world["assignment"]]
    assert future not in see.assignments_of_learner(learner, NOW)
    assert future in see.assignments_of_learner(learner, datetime(2027, 1, 1, 12, tzinfo=dt_timezone.utc))


def test_a_retired_question_neither_breaks_a_set_nor_blocks_completion(world):
    mentor, question_set = world["mentor"], world["set"]
    retired = world["questions"][0]
    Question.objects.filter(pk=retired.pk).update(is_active=False)

    # The set keeps it and can still be edited; a copy or a new assignment leaves it out.
    service.question_set_save(
        owner=mentor,
        question_set=question_set,
        title="Renamed",
        question_ids=[q.pk for q in world["questions"]],
    )
    assert retired.pk not in service.question_set_copy(
        owner=mentor, question_set=question_set
    ).items.values_list("question_id", flat=True)
    practise_assignment(world["learner"], world["assignment"], [Rating.GOOD, Rating.GOOD])
    progress = AssignmentLearner.objects.get(learner=world["learner"], assignment=world["assignment"])
    assert progress.completed_at is not None


def test_a_learner_who_left_no_longer_answers_for_the_cohort(world):
    learner, assignment = world["learner"], world["assignment"]
    session = session_start(user=learner, mode=PracticeMode.ASSIGNMENT, assignment=assignment, now=NOW)
    showing = showing_current(session=session, now=NOW)
    service.membership_remove(actor=learner, cohort=world["cohort"], user=learner)
    attempt = attempt_record(user=learner, token=showing.token, rating=Rating.GOOD, now=NOW)
    assert attempt.assignment is None
    assert not see.attempts_visible_to(world["mentor"]).filter(pk=attempt.pk).exists()


def test_assignments_cannot_be_due_in_the_past(world):
    with pytest.raises(ValidationError, match="in the past"):
        service.assignment_create(
            mentor=world["mentor"],
            question_set=world["set"],
            cohort=world["cohort"],
            due_date=date(1999, 12, 30),
        )


def test_unread_feedback_comes_first(world):
    attempts = practise_assignment(world["learner"], world["assignment"], [Rating.GOOD, Rating.GOOD])
    first = service.feedback_give(mentor=world["mentor"], attempt=attempts[0], text="First")
    second = service.feedback_give(mentor=world["mentor"], attempt=attempts[1], text="Second")
    service.feedback_mark_read(learner=world["learner"], feedback=second)
    assert list(see.feedback_for_learner(world["learner"])) == [first, second]


def test_cohort_counts_and_checks_of_private_questions(world):
    cohorts = client_for(world, "mentor").get("/api/v1/cohorts/").json()["results"]
    assert {c["name"]: c["learner_count"] for c in cohorts} == {"Spring cohort": 1}
    own = service.mentor_question_create(
        mentor=world["mentor"], prompt="Mine?", answer="Yes.", topics=[], key_points=[]
    )
    outsider = client_for(world, "outsider").post(
        "/api/v1/practice/check/", {"question": own.pk, "answer_text": ""}, content_type="application/json"
    )
    assert outsider.status_code == 400 and "question" in outsider.json()
    learner = client_for(world, "learner").post(
        "/api/v1/practice/check/", {"question": own.pk, "answer_text": ""}, content_type="application/json"
    )
    assert learner.status_code == 200


def test_huge_ids_are_400s_not_errors(world):
    mentor = client_for(world, "mentor")
    huge = 2**63
    assert (
        mentor.post(
            "/api/v1/question-sets/", {"title": "T", "questions": [huge]}, content_type="application/json"
        ).status_code
        == 400
    )
    body = {"question_set": world["set"].pk, "learners": [huge], "due_date": days_from_today(30).isoformat()}
    assert mentor.post("/api/v1/assignments/", body, content_type="application/json").status_code == 400
    response = mentor.post(f"/mentor/sets/{world['set'].pk}/items/", {"action": "add", "question": str(huge)})
    assert response.status_code == 302


def test_the_cohort_page_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries, on_postgresql):
    for _ in range(3):
        newcomer = UserFactory()
        token = service.invite_create(mentor=world["mentor"], cohort=world["cohort"]).token
        service.cohort_join(user=newcomer, token=token)
        practise_assignment(newcomer, world["assignment"], [Rating.GOOD, Rating.HARD])
    client = client_for(world, "mentor")
    # One more on SQLite, which reads the assignments' active questions apart from the assignments.
    with django_assert_max_num_queries(11 if on_postgresql else 12):
        assert client.get(f"/mentor/cohorts/{world['cohort'].pk}/").status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(f"/mentor/assignments/{world['assignment'].pk}/").status_code == 200


def test_a_learner_can_accept_an_invitation_to_co_mentor(world):
    learner = world["learner"]
    invite = service.invite_create(mentor=world["mentor"], cohort=world["cohort"], role="mentor")
    client = client_for(world, "learner")
    assert "Join Spring cohort" in client.get(f"/join/{invite.token}/").content.decode()
    client.post(f"/join/{invite.token}/")
    learner.refresh_from_db()
    assert learner.is_mentor
    assert Membership.objects.get(cohort=world["cohort"], user=learner).role == "mentor"


def test_adding_from_the_search_updates_the_set_and_drops_the_result(world):
    client = client_for(world, "mentor")
    question = Question.objects.get(number=10, guide__owner__isnull=True)
    url = f"/mentor/sets/{world['set'].pk}/"
    results = client.get(url + "search/", {"q": "deploy"}, headers={"HX-Request": "true"}).content.decode()
    assert f'id="result-{question.pk}"' in results
    html = client.post(
        url + "items/", {"action": "add", "question": question.pk}, headers={"HX-Request": "true"}
    )
    html = html.content.decode()
    assert html.lstrip().startswith('<ol id="set-items"')
    assert f'<li id="result-{question.pk}" hx-swap-oob="delete"></li>' in html
    assert list(world["set"].items.values_list("question__number", flat=True)) == [3, 2, 1, 10]


@pytest.mark.parametrize("page", ["/mentor/insights/", "/mentor/questions/", "/mentor/assignments/new/"])
def test_mentor_only_pages_send_others_to_the_explanation(world, page):
    assert client_for(world, "learner").get(page)["Location"] == "/mentor/"
    assert client_for(world, "mentor").get(page).status_code == 200


def test_a_retired_question_leaves_the_assignments_total_and_completion(world):
    learner, assignment = world["learner"], world["assignment"]
    practise_assignment(learner, assignment, [Rating.GOOD])  # answers the set's first question (number 3)
    retired = world["questions"][0]  # number 1: not answered yet
    Question.objects.filter(pk=retired.pk).update(is_active=False)
    assignment = Assignment.objects.get(pk=assignment.pk)
    progress = AssignmentLearner.objects.get(learner=learner, assignment=assignment)
    status = see.status_of(progress, assignment, NOW.date())
    assert (status.done, status.total, status.label) == (1, 2, "In progress (1 of 2)")

    practise_assignment(learner, assignment, [Rating.HARD])  # the one live question left
    progress.refresh_from_db()
    assert progress.completed_at == NOW
    assert see.status_of(progress, assignment, NOW.date()).label == "Completed 25 Nov 2026"
    assert [status.total for _, status in see.learner_assignments(learner, NOW)] == [2]


@pytest.mark.django_db(transaction=True)
def test_answers_arriving_together_from_several_sessions_all_count(on_postgresql):
    """Each thread answers a different question of one assignment at the same moment, in its own session."""
    import threading

    from django.db import OperationalError, connection

    from interview.models import PracticeSession
    from tests.conftest import import_ml_guide

    world = assigned_cohort(
        import_ml_guide(), questions=6, completion_rule=Assignment.CompletionRule.REACH_GOOD
    )
    learner, assignment, questions = world.learner, world.assignment, world.questions
    tokens = []
    for question in questions:
        session = session_start(user=learner, mode=PracticeMode.ASSIGNMENT, assignment=assignment, now=NOW)
        PracticeSession.objects.filter(pk=session.pk).update(queue=[question.pk])
        session.refresh_from_db()
        tokens.append(showing_current(session=session, now=NOW).token)
    barrier = threading.Barrier(len(tokens))
    results: list[str] = []

    def answer(token: str) -> None:
        try:
            barrier.wait()
            attempt_record(user=learner, token=token, rating=Rating.GOOD, now=NOW)
            results.append("recorded")
        except OperationalError:
            results.append("locked")  # SQLite fails at once instead of waiting for the lock
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    progress = AssignmentLearner.objects.get(assignment=assignment, learner=learner)
    recorded = Attempt.objects.filter(assignment=assignment).count()
    if on_postgresql:
        assert results == ["recorded"] * 6
    assert (progress.answered, progress.reached_good) == (recorded, recorded)
    assert (progress.completed_at is not None) == (recorded == 6)


def test_a_learners_assignment_list_reads_all_totals_in_one_query(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    learner, mentor = world["learner"], world["mentor"]
    for due in (days_from_today(7), days_from_today(8)):
        service.assignment_create(
            mentor=mentor, question_set=world["set"], cohort=world["cohort"], due_date=due
        )
    client = Client()
    client.force_login(learner)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/assignments/")
    assert [row["status"]["total"] for row in response.json()["results"]] == [3, 3, 3]
    active_reads = [
        q["sql"] for q in captured.captured_queries if '"is_active"' in q["sql"] and "IN (" in q["sql"]
    ]
    assert len(active_reads) == 1


def test_the_mentors_assignment_page_counts_only_active_questions(world):
    Question.objects.filter(pk=world["questions"][0].pk).update(is_active=False)
    client = Client()
    client.force_login(world["mentor"])
    page = client.get(f"/mentor/assignments/{world['assignment'].pk}/").content.decode()
    assert "· 2 questions · 0 of 1 completed</p>" in page


# Completion counts, previous/next answers and the "Good at 0 % coverage" flag --------------------------------


def join(world, email: str):
    newcomer = UserFactory(email=email, display_name=email.split("@")[0].title())
    token = service.invite_create(mentor=world["mentor"], cohort=world["cohort"]).token
    service.cohort_join(user=newcomer, token=token)
    return newcomer


def answer(world, user, question, *, rating, coverage, at, assignment="assignment"):
    return Attempt.objects.create(
        user=user,
        question=question,
        assignment=world[assignment] if assignment else None,
        mode=PracticeMode.ASSIGNMENT if assignment else PracticeMode.NEW,
        coverage=coverage,
        suggested_rating=rating,
        rating=rating,
        due_after=at,
        created_at=at,
    )


def test_each_assignment_says_how_many_of_its_learners_completed_it(world, django_assert_max_num_queries):
    # Hand-made: Lena and Finn completed it, Pia has not, Lou completed it and then left the cohort.
    # Counted over current learners: 2 of 3 completed.
    finn, lou = join(world, "finn@example.com"), join(world, "lou@example.com")
    join(world, "pia@example.com")
    AssignmentLearner.objects.filter(learner__in=[world["learner"], finn, lou]).update(completed_at=NOW)
    service.membership_remove(actor=lou, cohort=world["cohort"], user=lou)
    counted = see.with_completion(Assignment.objects.filter(pk=world["assignment"].pk)).get()
    assert (counted.completed_count, counted.learner_count) == (2, 3)
    # An assignment nobody has yet: 0 of 0, not an error.
    empty = Assignment.objects.create(
        cohort=world["cohort"],
        question_set=world["set"],
        title="Empty",
        due_date=days_from_today(6),
        question_ids=world["assignment"].question_ids,
    )
    assert see.with_completion(Assignment.objects.filter(pk=empty.pk)).get().learner_count == 0

    client = client_for(world, "mentor")
    for url in (
        "/mentor/",
        f"/mentor/cohorts/{world['cohort'].pk}/",
        f"/mentor/assignments/{world['assignment'].pk}/",
    ):
        with django_assert_max_num_queries(13):
            page = client.get(url).content.decode()
        assert "2 of 3 completed" in page, url
    assert "0 of 0 completed" in client.get("/mentor/").content.decode()


def test_the_cohort_pages_assignments_are_counted_as_with_completion_counts_them(world, on_postgresql):
    """The cohort page reads its assignments, their completion counts and active totals in one query, written
    out on PostgreSQL; with_completion and active_total (SQLite's path) are its oracle."""
    finn, lou = join(world, "finn@example.com"), join(world, "lou@example.com")
    join(world, "pia@example.com")
    AssignmentLearner.objects.filter(learner__in=[world["learner"], finn, lou]).update(completed_at=NOW)
    service.membership_remove(actor=lou, cohort=world["cohort"], user=lou)
    retired = world["assignment"].question_ids[0]
    later = service.assignment_create(
        mentor=world["mentor"], question_set=world["set"], cohort=world["cohort"], due_date=days_from_today(9)
    )
    other = service.assignment_create(  # another cohort's: not read
        mentor=world["other_mentor"],
        question_set=service.question_set_save(
            owner=world["other_mentor"], title="Other", question_ids=[retired]
        ),
        cohort=world["other_cohort"],
        due_date=days_from_today(1),
    )
    Question.objects.filter(pk=retired).update(is_active=False)
    empty = Assignment.objects.create(  # nobody given it, and due first
        cohort=world["cohort"],
        question_set=world["set"],
        title="Empty",
        due_date=days_from_today(2),
        question_ids=[*world["assignment"].question_ids, retired],
    )

    def seen(assignments):  # what the page shows of each, and what its statuses count
        return [
            (
                one.pk,
                one.question_ids,
                one.due_date,
                one.learner_count,
                one.completed_count,
                see.active_total(one),
            )
            for one in assignments
        ]

    first = world["assignment"]
    expected = [(empty.pk, empty.question_ids, empty.due_date, 0, 0, 2)]
    expected += [(first.pk, first.question_ids, first.due_date, 3, 2, 2)]
    expected += [(later.pk, later.question_ids, later.due_date, 3, 0, 2)]
    assert seen(see.cohort_assignments(world["cohort"])) == expected
    assert other.pk not in [row[0] for row in expected]
    if on_postgresql:  # the written-out query against the ORM's, on the same rows
        assert seen(see._cohort_assignments_sql(world["cohort"])) == seen(
            see._cohort_assignments_orm(world["cohort"])
        )


def test_the_progress_page_reads_its_assignment_and_grid_as_the_orm_does(world, on_postgresql):
    """The assignment page reads the assignment (with its completion counts) and its grid written out on
    PostgreSQL; the ORM's reads (SQLite's path) are their oracle, on the same rows."""
    q3, q2, q1 = (world["questions"][i] for i in (2, 1, 0))  # the set's order
    learner, first = world["learner"], world["assignment"]
    finn, lou, pia = (join(world, f"{name}@example.com") for name in ("finn", "lou", "pia"))
    User.objects.filter(pk=pia.pk).update(display_name="")  # shown by email, sorted first
    answer(world, learner, q3, rating=Rating.AGAIN, coverage=0.25, at=NOW)
    flagged = answer(world, learner, q3, rating=Rating.EASY, coverage=0.0, at=NOW + timedelta(minutes=1))
    answer(world, learner, q2, rating=Rating.GOOD, coverage=1.0, at=NOW, assignment=None)  # not in it
    finn_q1 = answer(world, finn, q1, rating=Rating.GOOD, coverage=0.75, at=NOW)
    answer(world, lou, q2, rating=Rating.GOOD, coverage=0.5, at=NOW)
    AssignmentLearner.objects.filter(assignment=first, learner=finn).update(completed_at=NOW, answered=3)
    service.membership_remove(actor=lou, cohort=world["cohort"], user=lou)  # left: no longer a row
    later = service.assignment_create(
        mentor=world["mentor"], question_set=world["set"], cohort=world["cohort"], due_date=days_from_today(9)
    )
    world["later"] = later
    answer(world, pia, q2, rating=Rating.HARD, coverage=0.5, at=NOW, assignment="later")  # another one's
    theirs = service.assignment_create(
        mentor=world["other_mentor"],
        question_set=service.question_set_save(
            owner=world["other_mentor"], title="Theirs", question_ids=[q1.pk]
        ),
        cohort=world["other_cohort"],
        due_date=days_from_today(3),
    )
    Question.objects.filter(pk=q1.pk).update(is_active=False)  # retired: still a column, not in the total

    def seen_assignment(one):  # what the page shows of it
        if one is None:
            return None
        return (one.pk, one.title, one.cohort.pk, one.cohort.name, one.learner_count, one.completed_count)

    assignment = see.mentored_assignment(world["co_mentor"], first.pk)
    assert seen_assignment(assignment) == (first.pk, first.title, world["cohort"].pk, "Spring cohort", 3, 1)
    grid = see.assignment_progress_grid(assignment)
    assert [question.pk for question in grid["questions"]] == [q3.pk, q2.pk, q1.pk]
    assert see.active_total(assignment) == 2
    assert [str(row["progress"].learner) for row in grid["rows"]] == [
        "pia@example.com",
        "Finn",
        "Lena Learner",
    ]
    assert [[cell and cell.pk for cell in row["cells"]] for row in grid["rows"]] == [
        [None, None, None],
        [None, None, finn_q1.pk],
        [flagged.pk, None, None],  # the latest of two
    ]
    assert grid["rows"][2]["cells"][0].good_without_coverage

    # Only the assignments of a cohort the user mentors; an id no row can have is none of them either.
    mentored = {
        "mentor": {first.pk, later.pk},
        "co_mentor": {first.pk, later.pk},
        "other_mentor": {theirs.pk},
    }
    for user in ("mentor", "co_mentor", "other_mentor", "learner", "outsider"):
        for pk in (first.pk, later.pk, theirs.pk, 0, 2**63 - 1, 2**63):
            found = see.mentored_assignment(world[user], pk)
            assert (found and found.pk) == (pk if pk in mentored.get(user, ()) else None), (user, pk)
            if on_postgresql:
                assert seen_assignment(see._mentored_assignment_sql(world[user], pk)) == seen_assignment(
                    see._mentored_assignment_orm(world[user], pk)
                ), (user, pk)
    assert client_for(world, "mentor").get(f"/mentor/assignments/{2**63}/").status_code == 404

    def seen_grid(questions, progress, latest):  # what the page and the API read of each
        return (
            {
                pk: (question.number, question.prompt, question.is_active)
                for pk, question in questions.items()
            },
            [
                (
                    *(row.pk, row.assignment_id, row.learner_id, row.answered, row.reached_good),
                    *(row.completed_at, row.mentor_reminded_on),
                    *(row.learner.pk, str(row.learner), row.learner.timezone),
                )
                for row in progress
            ],
            latest,
        )

    if on_postgresql:
        for one in (first, later):
            assert seen_grid(*see._progress_grid_sql(one)) == seen_grid(*see._progress_grid_orm(one))


def test_more_assignments_do_not_add_queries_to_the_mentor_home(world, django_assert_num_queries):
    client = client_for(world, "mentor")
    client.get("/mentor/")  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/mentor/")
    for number in range(4):
        service.assignment_create(
            mentor=world["mentor"],
            question_set=world["set"],
            cohort=world["cohort"],
            due_date=days_from_today(7 + number),
        )
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get("/mentor/").content.decode().count("completed") == 5


def test_a_mentor_steps_through_a_learners_answers_in_the_assignment(world):
    q3, q2, q1 = (world["questions"][i] for i in (2, 1, 0))
    learner = world["learner"]
    first = answer(world, learner, q3, rating=Rating.GOOD, coverage=0.5, at=NOW)
    answer(
        world, learner, q2, rating=Rating.GOOD, coverage=0.5, at=NOW + timedelta(minutes=1), assignment=None
    )
    second = answer(world, learner, q2, rating=Rating.HARD, coverage=0.5, at=NOW + timedelta(minutes=2))
    # Same moment as the second: the id breaks the tie.
    third = answer(world, learner, q1, rating=Rating.GOOD, coverage=0.5, at=NOW + timedelta(minutes=2))
    someone_else = join(world, "sam@example.com")
    answer(world, someone_else, q1, rating=Rating.GOOD, coverage=0.5, at=NOW + timedelta(minutes=1))

    assert see.neighbouring_answers(first, world["mentor"]) == (None, second)
    assert see.neighbouring_answers(second, world["co_mentor"]) == (first, third)
    assert see.neighbouring_answers(third, world["mentor"]) == (second, None)

    client = client_for(world, "mentor")
    page = client.get(f"/mentor/attempts/{second.pk}/").content.decode()
    assert f'href="/mentor/attempts/{first.pk}/" rel="prev"' in page
    assert f'href="/mentor/attempts/{third.pk}/" rel="next"' in page
    assert "Lena Learner's answers in this assignment" in page
    first_page = client.get(f"/mentor/attempts/{first.pk}/").content.decode()
    assert 'rel="prev"' not in first_page and f'href="/mentor/attempts/{second.pk}/" rel="next"' in first_page
    # Once the learner left, the mentor sees none of it (and no links to it).
    service.membership_remove(actor=learner, cohort=world["cohort"], user=learner)
    assert client.get(f"/mentor/attempts/{second.pk}/").status_code == 404


def test_good_at_zero_coverage_is_flagged_for_the_mentor(world):
    q3, q2, q1 = (world["questions"][i] for i in (2, 1, 0))
    learner = world["learner"]
    flagged = answer(world, learner, q3, rating=Rating.EASY, coverage=0.0, at=NOW)
    honest_hard = answer(world, learner, q2, rating=Rating.HARD, coverage=0.0, at=NOW)
    covered = answer(world, learner, q1, rating=Rating.GOOD, coverage=0.25, at=NOW)
    assert [see.rated_good_without_coverage(a) for a in (flagged, honest_hard, covered)] == [
        True,
        False,
        False,
    ]

    client = client_for(world, "mentor")
    page = client.get(f"/mentor/attempts/{flagged.pk}/").content.decode()
    assert "Good at 0 % coverage." in page and "rated this answer Easy" in page
    for quiet in (honest_hard, covered):
        assert "Good at 0 % coverage" not in client.get(f"/mentor/attempts/{quiet.pk}/").content.decode()

    grid = client.get(f"/mentor/assignments/{world['assignment'].pk}/").content.decode()
    assert grid.count('Check<span class="visually-hidden">: rated Good or Easy at 0 % coverage</span>') == 1
    cells = see.assignment_progress_grid(world["assignment"])["rows"][0]["cells"]
    assert [cell.good_without_coverage for cell in cells] == [True, False, False]
