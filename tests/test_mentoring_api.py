"""The mentoring API contract: paths and field names are fixed for outside clients."""

import pytest
from django.test import Client

from interview.models import Assignment, Cohort, Membership, Question, QuestionSet
from tests.dates import days_from_today
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"
# Due dates by the real clock, which the due-date check reads: a month ahead, and a month after that.
DUE = days_from_today(30).isoformat()
LATER = days_from_today(61).isoformat()


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def question_ids(ml_guide) -> list[int]:
    return list(Question.objects.filter(guide=ml_guide).order_by("number").values_list("pk", flat=True)[:3])


def test_a_mentor_runs_a_cohort_end_to_end_over_the_api(mentor, learner, question_ids):
    api = as_user(mentor)
    cohort = api.post(
        "/api/v1/cohorts/", {"name": "Autumn", "description": "ML interviews"}, content_type=JSON
    )
    assert cohort.status_code == 201
    cohort_id = cohort.json()["id"]
    assert cohort.json()["name"] == "Autumn" and cohort.json()["role"] == "mentor"

    invite = api.post(f"/api/v1/cohorts/{cohort_id}/invite/", {}, content_type=JSON).json()
    assert set(invite) >= {"token", "url", "expires_at"}
    assert invite["url"].endswith(f"/join/{invite['token']}/") and invite["expires_at"] is None

    learner_api = as_user(learner)
    joined = learner_api.post("/api/v1/cohorts/join/", {"token": invite["token"]}, content_type=JSON)
    assert (
        joined.status_code == 201 and joined.json()["id"] == cohort_id and joined.json()["role"] == "learner"
    )

    members = api.get(f"/api/v1/cohorts/{cohort_id}/members/").json()
    assert {(m["id"], m["role"]) for m in members} == {(mentor.pk, "mentor"), (learner.pk, "learner")}

    question_set = api.post(
        "/api/v1/question-sets/",
        {"title": "Basics", "description": "", "questions": question_ids},
        content_type=JSON,
    )
    assert question_set.status_code == 201 and question_set.json()["questions"] == question_ids
    set_id = question_set.json()["id"]
    reordered = api.patch(
        f"/api/v1/question-sets/{set_id}/", {"questions": question_ids[::-1]}, content_type=JSON
    )
    assert reordered.json()["questions"] == question_ids[::-1]

    assignment = api.post(
        "/api/v1/assignments/",
        {
            "question_set": set_id,
            "cohort": cohort_id,
            "due_date": DUE,
            "completion_rule": "reach_good",
        },
        content_type=JSON,
    )
    assert assignment.status_code == 201
    assignment_id = assignment.json()["id"]
    assert assignment.json()["questions"] == question_ids[::-1]
    assert assignment.json()["learners"] == [learner.pk]

    mine = learner_api.get("/api/v1/assignments/").json()["results"]
    assert [a["id"] for a in mine] == [assignment_id]
    assert mine[0]["status"]["key"] == "not_started" and mine[0]["learners"] is None

    shown = learner_api.get(
        "/api/v1/practice/next/", {"mode": "assignment", "assignment": assignment_id}
    ).json()
    assert shown["question"]["id"] == question_ids[-1] and shown["mode"] == "assignment"
    attempt = learner_api.post(
        "/api/v1/attempts/",
        {
            "question": shown["question"]["id"],
            "rating": 3,
            "answer_text": "My answer",
            "token": shown["token"],
        },
        content_type=JSON,
    ).json()

    progress = api.get(f"/api/v1/assignments/{assignment_id}/progress/").json()
    assert progress["questions"] == question_ids[::-1]
    row = progress["learners"][0]
    assert row["id"] == learner.pk and row["status"]["key"] == "in_progress"
    assert row["cells"][0] == {"attempt": attempt["id"], "rating": 3, "coverage": attempt["coverage"]}
    assert row["cells"][1] is None

    cohort_progress = api.get(f"/api/v1/cohorts/{cohort_id}/progress/").json()
    assert cohort_progress["learners"][0]["id"] == learner.pk
    assert set(cohort_progress["learners"][0]["mastery"]) == set(cohort_progress["topics"])

    feedback = api.post(
        f"/api/v1/attempts/{attempt['id']}/feedback/", {"text": "Good start."}, content_type=JSON
    )
    assert feedback.status_code == 201
    # Paginated like every list; the attempt filters of /attempts/ do not apply to one attempt's feedback.
    page = learner_api.get(f"/api/v1/attempts/{attempt['id']}/feedback/", {"rating": 1}).json()
    assert set(page) == {"count", "next", "previous", "results"}
    listed = page["results"]
    assert [item["text"] for item in listed] == ["Good start."]
    reply = learner_api.post(
        f"/api/v1/attempts/{attempt['id']}/feedback/",
        {"feedback": listed[0]["id"], "reply": "Thank you"},
        content_type=JSON,
    )
    assert reply.status_code == 200 and reply.json()["reply"] == "Thank you" and reply.json()["read_at"]

    assert api.delete(f"/api/v1/cohorts/{cohort_id}/invite/").status_code == 204
    gone = as_user(UserFactory()).post("/api/v1/cohorts/join/", {"token": invite["token"]}, content_type=JSON)
    assert gone.status_code == 400 and "token" in gone.json()

    assert api.delete(f"/api/v1/cohorts/{cohort_id}/members/{learner.pk}/").status_code == 204
    assert not Membership.objects.filter(user=learner).exists()


def test_learners_cannot_create_cohorts(learner):
    response = as_user(learner).post("/api/v1/cohorts/", {"name": "Mine"}, content_type=JSON)
    assert response.status_code == 403
    assert not Cohort.objects.exists()


def test_assigning_to_chosen_learners_by_id(mentor, learner, question_ids):
    api = as_user(mentor)
    cohort_id = api.post("/api/v1/cohorts/", {"name": "C"}, content_type=JSON).json()["id"]
    token = api.post(f"/api/v1/cohorts/{cohort_id}/invite/", {}, content_type=JSON).json()["token"]
    as_user(learner).post("/api/v1/cohorts/join/", {"token": token}, content_type=JSON)
    set_id = api.post(
        "/api/v1/question-sets/", {"title": "S", "questions": question_ids}, content_type=JSON
    ).json()["id"]
    response = api.post(
        "/api/v1/assignments/",
        {
            "question_set": set_id,
            "learners": [learner.pk],
            "due_date": LATER,
            "start_date": DUE,
        },
        content_type=JSON,
    )
    assert response.status_code == 201
    assert response.json()["cohort"] == cohort_id and response.json()["learners"] == [learner.pk]
    assert response.json()["completion_rule"] == "answer_all"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"due_date": DUE}, "question_set"),
        ({"question_set": 0, "cohort": 0, "due_date": DUE}, "question_set"),
        ({"question_set": "SET", "cohort": 0, "due_date": DUE}, "cohort"),
        ({"question_set": "SET", "cohort": "COHORT"}, "due_date"),
        (
            {"question_set": "SET", "cohort": "COHORT", "due_date": DUE, "completion_rule": "vibes"},
            "completion_rule",
        ),
        (
            {"question_set": "SET", "cohort": "COHORT", "due_date": DUE, "start_date": LATER},
            "due_date",
        ),
        ({"question_set": "SET", "learners": [999_999], "due_date": DUE}, "learners"),
    ],
)
def test_bad_assignments_are_400s_naming_the_field(mentor, question_ids, body, field):
    api = as_user(mentor)
    cohort_id = api.post("/api/v1/cohorts/", {"name": "C"}, content_type=JSON).json()["id"]
    set_id = api.post(
        "/api/v1/question-sets/", {"title": "S", "questions": question_ids}, content_type=JSON
    ).json()["id"]
    placeholders = {"SET": set_id, "COHORT": cohort_id}
    body = {
        key: placeholders.get(value, value) if isinstance(value, str) else value
        for key, value in body.items()
    }
    response = api.post("/api/v1/assignments/", body, content_type=JSON)
    assert response.status_code == 400
    assert field in response.json()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [({"title": "", "questions": []}, "title"), ({"title": "T", "questions": [999_999]}, "questions")],
)
def test_bad_sets_are_400s(mentor, ml_guide, body, field):
    response = as_user(mentor).post("/api/v1/question-sets/", body, content_type=JSON)
    assert response.status_code == 400 and field in response.json()
    assert not QuestionSet.objects.exists()


def test_other_peoples_sets_cohorts_and_assignments_are_404(mentor, question_ids):
    api = as_user(mentor)
    cohort_id = api.post("/api/v1/cohorts/", {"name": "C"}, content_type=JSON).json()["id"]
    set_id = api.post(
        "/api/v1/question-sets/", {"title": "S", "questions": question_ids}, content_type=JSON
    ).json()["id"]
    assignment_id = api.post(
        "/api/v1/assignments/",
        {"question_set": set_id, "cohort": cohort_id, "due_date": DUE},
        content_type=JSON,
    ).json()["id"]
    stranger = as_user(UserFactory(is_mentor=True))
    for url in [
        f"/api/v1/question-sets/{set_id}/",
        f"/api/v1/cohorts/{cohort_id}/",
        f"/api/v1/assignments/{assignment_id}/",
        f"/api/v1/assignments/{assignment_id}/progress/",
    ]:
        assert stranger.get(url).status_code == 404, url
    assert stranger.delete(f"/api/v1/question-sets/{set_id}/").status_code == 404
    assert api.delete(f"/api/v1/question-sets/{set_id}/").status_code == 400  # assigned: copy it instead
