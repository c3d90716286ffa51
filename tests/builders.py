"""Small worlds that several test modules build the same way."""

from dataclasses import dataclass
from datetime import date

from accounts.models import User
from interview.models import Assignment, Cohort, Guide, Question, QuestionSet
from interview.services import mentoring as service
from tests.factories import UserFactory


@dataclass
class AssignedCohort:
    mentor: User
    learner: User
    cohort: Cohort
    questions: list[Question]
    question_set: QuestionSet
    assignment: Assignment


def assigned_cohort(
    guide: Guide,
    *,
    questions: int,
    mentor: User | None = None,
    completion_rule: str = Assignment.CompletionRule.ANSWER_ALL,
) -> AssignedCohort:
    """A mentor's cohort with one learner, and a set of the guide's first questions assigned to it."""
    mentor = mentor or UserFactory(is_mentor=True)
    learner = UserFactory()
    cohort = service.cohort_create(mentor=mentor, name="Cohort")
    service.cohort_join(user=learner, token=service.invite_create(mentor=mentor, cohort=cohort).token)
    chosen = list(Question.objects.filter(guide=guide).order_by("number")[:questions])
    question_set = service.question_set_save(owner=mentor, title="Set", question_ids=[q.pk for q in chosen])
    given = service.assignment_create(
        mentor=mentor,
        question_set=question_set,
        cohort=cohort,
        due_date=date(2099, 1, 1),
        completion_rule=completion_rule,
    )
    return AssignedCohort(mentor, learner, cohort, chosen, question_set, given)
