"""Who sees which questions: one table for Question.objects.visible_to / assignable_by / public()."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.test import Client

from interview.models import Question
from interview.services import mentoring as service
from tests.factories import GuideFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

QUESTIONS = ["public", "own", "retired", "retired_own", "co_own"]
VIEWERS = ["owner", "co_mentor", "learner", "other_learner", "stranger", "anonymous"]

# Whose question pages a viewer may open (retired ones too: their history links to them).
VISIBLE = {
    "owner": {"public", "own", "retired", "retired_own", "co_own"},
    "co_mentor": {"public", "own", "retired", "retired_own", "co_own"},
    "learner": {"public", "own", "retired", "retired_own", "co_own"},
    "other_learner": {"public", "retired"},
    "stranger": {"public", "retired"},
    "anonymous": {"public", "retired"},
}
# What a mentor may put in a question set: active, public or their own (never a co-mentor's).
ASSIGNABLE = {"owner": {"public", "own"}, "co_mentor": {"public", "co_own"}, "other_mentor": {"public"}}


@pytest.fixture
def world(db) -> dict:
    """The owner and a co-mentor of cohort A with its learner; cohort B of another mentor with its learner."""
    people = {
        "owner": UserFactory(is_mentor=True),
        "co_mentor": UserFactory(is_mentor=True),
        "learner": UserFactory(),
        "other_mentor": UserFactory(is_mentor=True),
        "other_learner": UserFactory(),
        "stranger": UserFactory(),
        "anonymous": AnonymousUser(),
    }
    cohort = service.cohort_create(mentor=people["owner"], name="A")
    co_invite = service.invite_create(mentor=people["owner"], cohort=cohort, role="mentor")
    service.cohort_join(user=people["co_mentor"], token=co_invite.token)
    service.cohort_join(
        user=people["learner"], token=service.invite_create(mentor=people["owner"], cohort=cohort).token
    )
    other = service.cohort_create(mentor=people["other_mentor"], name="B")
    service.cohort_join(
        user=people["other_learner"],
        token=service.invite_create(mentor=people["other_mentor"], cohort=other).token,
    )
    bank, own, co_own = (
        GuideFactory(),
        GuideFactory(owner=people["owner"]),
        GuideFactory(owner=people["co_mentor"]),
    )
    questions = {
        "public": QuestionFactory(guide=bank),
        "retired": QuestionFactory(guide=bank, is_active=False),
        "own": QuestionFactory(guide=own),
        "retired_own": QuestionFactory(guide=own, is_active=False),
        "co_own": QuestionFactory(guide=co_own),
    }
    return {"people": people, "questions": questions}


def names_in(queryset, questions: dict) -> set[str]:
    ids = set(queryset.filter(pk__in=[q.pk for q in questions.values()]).values_list("pk", flat=True))
    return {name for name, question in questions.items() if question.pk in ids}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_who_sees_which_questions(world, viewer):
    user, questions = world["people"][viewer], world["questions"]
    assert names_in(Question.objects.visible_to(user), questions) == VISIBLE[viewer]
    assert names_in(Question.objects.public(), questions) == {"public"}


@pytest.mark.parametrize("mentor", sorted(ASSIGNABLE))
def test_which_questions_a_mentor_may_put_in_a_set(world, mentor):
    user, questions = world["people"][mentor], world["questions"]
    assert names_in(Question.objects.assignable_by(user), questions) == ASSIGNABLE[mentor]


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("question", QUESTIONS)
def test_the_question_page_and_the_api_follow_the_table(world, viewer, question):
    user, target = world["people"][viewer], world["questions"][question]
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    visible = question in VISIBLE[viewer]

    assert client.get(f"/questions/{target.pk}/").status_code == (200 if visible else 404)
    # The API opens active questions only; its list is the public bank alone.
    api = client.get(f"/api/v1/questions/{target.pk}/")
    assert api.status_code == (200 if visible and target.is_active else 404)
    listed = {
        row["id"]
        for row in client.get("/api/v1/questions/", {"page_size": 100, "search": target.prompt}).json()[
            "results"
        ]
    }
    assert (target.pk in listed) == (question == "public")


def test_a_set_takes_only_assignable_questions_and_its_search_offers_only_those(world):
    co_mentor, questions = world["people"]["co_mentor"], world["questions"]
    with pytest.raises(ValidationError, match="not questions of the bank"):
        service.question_set_save(owner=co_mentor, title="Mine", question_ids=[questions["own"].pk])
    question_set = service.question_set_save(
        owner=co_mentor, title="Mine", question_ids=[questions["co_own"].pk]
    )
    client = Client()
    client.force_login(co_mentor)
    page = client.get(
        f"/mentor/sets/{question_set.pk}/search/", {"search": "concept number"}
    ).content.decode()
    assert questions["public"].prompt in page
    assert questions["own"].prompt not in page
    assert questions["retired"].prompt not in page
