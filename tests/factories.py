from datetime import date, timedelta

import factory
from django.utils import timezone

from accounts.models import User
from interview.models import Attempt, Cohort, Guide, KeyPoint, PracticeMode, Question, Rating, Topic
from interview.services.activity import activity_rebuild


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def save_password(self, create: bool, extracted: object, **kwargs) -> None:
        if create:
            self.save(update_fields=["password"])


class GuideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guide

    slug = factory.Sequence(lambda n: f"guide-{n}")
    title = factory.Sequence(lambda n: f"Guide {n}")
    source_file = "guide.txt"


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"Topic {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    guide = factory.SubFactory(GuideFactory)
    number = factory.Sequence(lambda n: n + 1)
    prompt = factory.Sequence(lambda n: f"What is concept number {n}?")
    answer = "It is explained in the model answer."


class KeyPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyPoint

    question = factory.SubFactory(QuestionFactory)
    position = factory.Sequence(lambda n: n)
    text = "A point a good answer makes."
    terms = factory.LazyFunction(lambda: ["point"])


def attempt_history(user: User, count: int, days: int = 360) -> list[Question]:
    """``count`` attempts spread over the last ``days`` days, cycling through the public questions."""
    questions = list(Question.objects.public().order_by("number"))
    start = timezone.now() - timedelta(days=days)
    Attempt.objects.bulk_create(
        (
            Attempt(
                user=user,
                question=questions[index % len(questions)],
                mode=PracticeMode.DUE,
                coverage=(index % 5) / 4,
                suggested_rating=1 + index % 4,
                rating=1 + index % 4,
                due_after=start,
                created_at=start + timedelta(minutes=(26 * index) % (days * 24 * 60)),
            )
            for index in range(count)
        ),
        batch_size=2000,
    )
    activity_rebuild(users=[user])  # the daily rollup, as attempt_record would have kept it
    return questions


def assignment_with_feedback(
    *, mentor: User, learner: User, cohort: Cohort, questions: list[Question]
) -> dict:
    """A set of ``questions`` assigned to the cohort, the learner's answer to its first one, and the mentor's
    feedback on it: what the mentoring API and permission tests need to reach."""
    from interview.services import mentoring as mentoring_service
    from interview.services.practice import attempt_record, session_start, showing_current

    question_set = mentoring_service.question_set_save(
        owner=mentor, title="Basics", question_ids=[question.pk for question in questions]
    )
    assignment = mentoring_service.assignment_create(
        mentor=mentor, question_set=question_set, cohort=cohort, due_date=date(2099, 1, 1)
    )
    session = session_start(user=learner, mode=PracticeMode.ASSIGNMENT, assignment=assignment)
    attempt = attempt_record(user=learner, token=showing_current(session=session).token, rating=Rating.GOOD)
    feedback = mentoring_service.feedback_give(mentor=mentor, attempt=attempt, text="A good start.")
    return {"set": question_set, "assignment": assignment, "attempt": attempt, "feedback": feedback}
