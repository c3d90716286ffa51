"""A mentor can delete their account: cohorts pass on, learners keep their history; the export holds everything."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.test import Client

from accounts.models import User
from accounts.selectors import user_data_export
from accounts.services import account_delete
from interview.models import (
    Assignment,
    Attempt,
    Cohort,
    Feedback,
    PracticeMode,
    Question,
    QuestionSet,
    Rating,
)
from interview.services import mentoring as service
from interview.services.practice import attempt_record, mock_answer_submit, session_start, showing_current
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def answer_all(learner, assignment):
    session = session_start(user=learner, mode=PracticeMode.ASSIGNMENT, assignment=assignment)
    while (showing := showing_current(session=session)) is not None:
        attempt_record(user=learner, token=showing.token, rating=Rating.GOOD)


@pytest.fixture
def leaving(ml_guide):
    """A mentor with a co-mentored cohort, a cohort of their own, an own question, feedback and a reply."""
    mentor = UserFactory(email="leaving@example.com", is_mentor=True)
    co_mentor = UserFactory(is_mentor=True)
    learner = UserFactory(email="learner@example.com")
    shared = service.cohort_create(mentor=mentor, name="Shared")
    alone = service.cohort_create(mentor=mentor, name="Alone")
    service.cohort_join(
        user=co_mentor, token=service.invite_create(mentor=mentor, cohort=shared, role="mentor").token
    )
    for cohort in (shared, alone):
        service.cohort_join(user=learner, token=service.invite_create(mentor=mentor, cohort=cohort).token)
    own = service.mentor_question_create(
        mentor=mentor,
        prompt="What is a feature store?",
        answer="A shared place for features.",
        topics=[],
        key_points=[],
    )
    unused = service.mentor_question_create(
        mentor=mentor, prompt="Never asked", answer="Nobody saw it.", topics=[], key_points=[]
    )
    public = Question.objects.filter(guide=ml_guide).order_by("number").first()
    shared_set = service.question_set_save(owner=mentor, title="Shared set", question_ids=[own.pk, public.pk])
    alone_set = service.question_set_save(owner=mentor, title="Alone set", question_ids=[public.pk])
    kept = service.assignment_create(
        mentor=mentor, question_set=shared_set, cohort=shared, due_date=date(2099, 1, 1)
    )
    dropped = service.assignment_create(
        mentor=mentor, question_set=alone_set, cohort=alone, due_date=date(2099, 1, 1)
    )
    answer_all(learner, kept)
    answer_all(learner, dropped)
    feedback = service.feedback_give(
        mentor=mentor, attempt=Attempt.objects.filter(user=learner).first(), text="Nice."
    )
    service.feedback_reply(learner=learner, feedback=feedback, text="Thanks!")
    return locals()


def test_a_mentor_deletes_their_account_and_learners_keep_their_history(leaving):
    mentor, learner = leaving["mentor"], leaving["learner"]
    attempts_before = sorted(Attempt.objects.filter(user=learner).values_list("pk", flat=True))
    assert len(attempts_before) == 3
    client = Client()
    client.force_login(mentor)

    response = client.post("/accounts/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=mentor.pk).exists()
    # The co-mentored cohort passes on with its assignment and set; the mentor's other cohort goes.
    assert list(Cohort.objects.values_list("name", flat=True)) == ["Shared"]
    assert QuestionSet.objects.get(title="Shared set").owner == leaving["co_mentor"]
    assert not QuestionSet.objects.filter(title="Alone set").exists()
    assert Assignment.objects.get().pk == leaving["kept"].pk
    # Learners keep every attempt; the answered own question is retired and kept, the unused one goes.
    assert sorted(Attempt.objects.filter(user=learner).values_list("pk", flat=True)) == attempts_before
    own = Question.objects.select_related("guide__owner").get(pk=leaving["own"].pk)
    assert (own.is_active, own.guide.title) == (False, "Questions by a former mentor")
    assert not Question.objects.filter(pk=leaving["unused"].pk).exists()
    feedback = Feedback.objects.select_related("mentor").get()
    assert (str(feedback.mentor), feedback.reply) == ("a former mentor", "Thanks!")
    # The placeholder can never sign in, and nobody can sign up with its address to inherit what it holds.
    assert not feedback.mentor.is_active and not feedback.mentor.has_usable_password()
    with pytest.raises(ValidationError):
        validate_email(feedback.mentor.email)

    client.force_login(learner)
    history = client.get("/history/").content.decode()
    assert "What is a feature store?" in history
    assert "a former mentor" in client.get("/feedback/").content.decode()


def test_the_export_holds_memberships_feedback_sets_own_questions_and_unrated_mock_answers(leaving):
    mentor, learner = leaving["mentor"], leaving["learner"]
    mentor_data = user_data_export(mentor)
    assert [(row["cohort"], row["role"]) for row in mentor_data["memberships"]] == [
        ("Shared", "mentor"),
        ("Alone", "mentor"),
    ]
    assert [row["text"] for row in mentor_data["feedback_given"]] == ["Nice."]
    assert [(row["title"], len(row["questions"])) for row in mentor_data["question_sets"]] == [
        ("Shared set", 2),
        ("Alone set", 1),
    ]
    assert [row["prompt"] for row in mentor_data["own_questions"]] == [
        "What is a feature store?",
        "Never asked",
    ]

    session = session_start(user=learner, mode=PracticeMode.MOCK, question_count=1)
    showing = showing_current(session=session)
    mock_answer_submit(user=learner, token=showing.token, answer_text="My mock answer")
    learner_data = user_data_export(learner)
    assert [(row["text"], row["reply"], row["mentor"]) for row in learner_data["feedback_received"]] == [
        ("Nice.", "Thanks!", str(mentor))
    ]
    assert [row["answer_text"] for row in learner_data["unrated_mock_answers"]] == ["My mock answer"]
    assert {row["role"] for row in learner_data["memberships"]} == {"learner"}


def test_a_set_assigned_where_the_mentor_no_longer_mentors_passes_to_that_cohorts_mentor(leaving):
    mentor, co_mentor = leaving["mentor"], leaving["co_mentor"]
    # The co-mentor assigns the leaving mentor's set in a cohort of their own, where the mentor is nobody.
    theirs = service.cohort_create(mentor=co_mentor, name="Theirs")
    Membership = theirs.memberships.model
    Membership.objects.create(cohort=theirs, user=mentor, role="mentor")
    assigned = service.assignment_create(
        mentor=co_mentor, question_set=leaving["alone_set"], cohort=theirs, due_date=date(2099, 1, 1)
    )
    Membership.objects.filter(cohort=theirs, user=mentor).delete()

    account_delete(user=mentor, password=PASSWORD)

    assert QuestionSet.objects.get(title="Alone set").owner == co_mentor
    assert Assignment.objects.filter(pk=assigned.pk).exists()
