"""Daily limits in every practice mode, learning-step repeats, and where an Again card comes back."""

from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.utils import timezone

from interview.models import Assignment, PracticeMode, Question, Rating, ReviewState, Topic
from interview.selectors.learning import daily_budget
from interview.selectors.practice import within_new_limit
from interview.services import mentoring as mentoring_service
from interview.services.practice import attempt_record, session_start, showing_current
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=dt_timezone.utc)


@pytest.fixture(autouse=True)
def _no_fuzz(settings):
    settings.FSRS_ENABLE_FUZZING = False


def seen(user, *numbers):
    for number in numbers:
        ReviewState.objects.create(
            user=user,
            question=Question.objects.get(guide__slug="ml-engineer", number=number),
            phase=2,
            stability=10,
            difficulty=5,
            last_review=NOW - timedelta(days=3),
            due=NOW + timedelta(days=5),
            last_rating=Rating.GOOD,
            reviews=1,
        )


def unseen_in(user, queue) -> int:
    return len(queue) - ReviewState.objects.filter(user=user, question_id__in=queue).count()


def rate_all(user, session, ratings, now=NOW):
    numbers = []
    for rating in ratings:
        showing = showing_current(session=session, now=now)
        numbers.append(showing.question.number)
        attempt_record(user=user, token=showing.token, rating=rating, now=now)
    return numbers


def test_topic_mode_brings_in_no_more_new_questions_than_the_limit(learner, ml_guide):
    learner.daily_new_limit = 1
    topic = Topic.objects.get(slug="model-evaluation")  # questions 4, 7, 14, 18, 22, 26, 33, 34, 38, 46
    seen(learner, 7, 18)
    session = session_start(user=learner, mode=PracticeMode.TOPIC, topics=[topic], now=NOW)
    numbers = [Question.objects.get(pk=pk).number for pk in session.queue]
    assert numbers == [4, 7, 18]  # the first unseen one, then the practised ones, in guide order


def test_a_limit_that_covers_the_whole_plan_keeps_it_without_reading_the_schedule(
    learner, ml_guide, django_assert_num_queries
):
    topic = Topic.objects.get(slug="model-evaluation")
    queue = list(topic.questions.order_by("number").values_list("pk", flat=True))  # 10 questions
    seen(learner, 7, 18)
    with django_assert_num_queries(0):
        assert within_new_limit(learner, queue, new_left=10) == queue  # as many as the plan: all fit
    with django_assert_num_queries(1):  # fewer: which are new is read
        assert within_new_limit(learner, queue, new_left=8) == queue  # 8 unseen: all fit still
    assert within_new_limit(learner, queue, new_left=7) == queue[:-1]  # one too many: the last unseen goes


def test_weakest_mode_keeps_to_the_new_limit(learner, ml_guide):
    learner.daily_new_limit = 0
    seen(learner, 10)  # deployment-mlops, the only started topic
    session = session_start(user=learner, mode=PracticeMode.WEAKEST, now=NOW)
    assert [Question.objects.get(pk=pk).number for pk in session.queue] == [10]


def test_mock_interview_keeps_to_the_new_limit(learner, ml_guide):
    Question.siblings.through.objects.all().delete()  # siblings would bury some: not what is tested here
    learner.daily_new_limit = 1
    topic = Topic.objects.get(slug="model-evaluation")
    seen(learner, 7, 18)
    session = session_start(user=learner, mode=PracticeMode.MOCK, topics=[topic], question_count=5, now=NOW)
    assert len(session.queue) == 3
    assert unseen_in(learner, session.queue) == 1


def test_mistakes_mode_never_brings_in_a_new_question(learner, ml_guide):
    learner.daily_new_limit = 0
    seen(learner, 10)
    ReviewState.objects.filter(user=learner).update(last_rating=Rating.AGAIN)
    session = session_start(user=learner, mode=PracticeMode.MISTAKES, now=NOW)
    assert unseen_in(learner, session.queue) == 0 and len(session.queue) == 1


def test_the_limit_counts_what_earlier_sessions_introduced_today(learner, ml_guide):
    learner.daily_new_limit = 2
    rate_all(learner, session_start(user=learner, mode=PracticeMode.NEW, now=NOW), [Rating.GOOD, Rating.GOOD])
    topic = Topic.objects.get(slug="model-evaluation")
    session = session_start(user=learner, mode=PracticeMode.TOPIC, topics=[topic], now=NOW)
    assert session is None  # nothing practised in the topic, and no new question left today


@pytest.fixture
def assignment_of(learner, ml_guide):
    def make(due_in_days: int, count: int = 6) -> Assignment:
        mentor = UserFactory(is_mentor=True)
        cohort = mentoring_service.cohort_create(mentor=mentor, name="Cohort")
        invite = mentoring_service.invite_create(mentor=mentor, cohort=cohort)
        mentoring_service.cohort_join(user=learner, token=invite.token)
        questions = Question.objects.filter(guide=ml_guide).order_by("number")[:count]
        question_set = mentoring_service.question_set_save(
            owner=mentor, title="Set", question_ids=[q.pk for q in questions]
        )
        assignment = mentoring_service.assignment_create(
            mentor=mentor,
            question_set=question_set,
            cohort=cohort,
            due_date=timezone.localdate() + timedelta(days=400),
        )
        # The due date relative to the test's clock (the service refuses dates before the real today).
        Assignment.objects.filter(pk=assignment.pk).update(due_date=NOW.date() + timedelta(days=due_in_days))
        assignment.refresh_from_db()
        return assignment

    return make


def test_an_assignment_far_from_its_due_date_keeps_to_the_new_limit(learner, assignment_of):
    learner.daily_new_limit = 2
    assignment = assignment_of(due_in_days=10)  # 6 new questions over 11 days: 1 a day is enough
    session = session_start(user=learner, mode=PracticeMode.ASSIGNMENT, assignment=assignment, now=NOW)
    assert len(session.queue) == 2


def test_an_assignment_goes_past_the_limit_only_as_far_as_its_due_date_needs(learner, assignment_of):
    learner.daily_new_limit = 1
    assignment = assignment_of(due_in_days=1)  # 6 new questions over today and tomorrow: 3 today
    session = session_start(user=learner, mode=PracticeMode.ASSIGNMENT, assignment=assignment, now=NOW)
    assert len(session.queue) == 3
    rate_all(learner, session, [Rating.GOOD] * 3)
    # The three count toward the limit: nothing new is left today in any other mode.
    assert daily_budget(learner, NOW).new_left == 0
    assert session_start(user=learner, mode=PracticeMode.NEW, now=NOW) is None


def test_an_assignment_due_today_brings_in_all_its_questions(learner, assignment_of):
    learner.daily_new_limit = 1
    assignment = assignment_of(due_in_days=0)
    session = session_start(user=learner, mode=PracticeMode.ASSIGNMENT, assignment=assignment, now=NOW)
    assert len(session.queue) == 6


def test_the_page_says_when_an_assignment_goes_past_the_limit(client, learner, assignment_of):
    learner.daily_new_limit = 1
    learner.save()
    assignment = assignment_of(due_in_days=0)
    client.force_login(learner)
    response = client.post(
        "/practice/start/", {"mode": "assignment", "assignment": assignment.pk}, follow=True
    )
    assert "5 new questions of this assignment go past your daily limit" in response.content.decode()


def test_learning_step_repeats_do_not_use_the_review_limit(learner, ml_guide):
    learner.daily_new_limit, learner.daily_review_limit = 2, 5
    session = session_start(user=learner, mode=PracticeMode.NEW, now=NOW)
    # Question 1 Again, question 2 Good, question 1 again (a repeat) Good.
    assert rate_all(learner, session, [Rating.AGAIN, Rating.GOOD, Rating.GOOD]) == [1, 2, 1]
    budget = daily_budget(learner, NOW)
    assert (budget.new_left, budget.reviews_left) == (0, 5)


def test_an_again_card_comes_back_after_a_few_other_cards(learner, ml_guide):
    learner.daily_new_limit = 6
    session = session_start(user=learner, mode=PracticeMode.NEW, now=NOW)
    ratings = [Rating.AGAIN] + [Rating.GOOD] * 6
    assert rate_all(learner, session, ratings) == [1, 2, 3, 4, 1, 5, 6]


def test_an_again_card_comes_back_at_the_end_when_few_are_left(learner, ml_guide):
    learner.daily_new_limit = 3
    session = session_start(user=learner, mode=PracticeMode.NEW, now=NOW)
    assert rate_all(learner, session, [Rating.GOOD, Rating.AGAIN, Rating.GOOD, Rating.GOOD]) == [1, 2, 3, 2]


def test_a_run_of_failures_does_not_hold_back_the_rest_of_the_session(learner, ml_guide):
    learner.daily_new_limit = 8
    session = session_start(user=learner, mode=PracticeMode.NEW, now=NOW)
    numbers = rate_all(learner, session, [Rating.AGAIN] * 17)
    # Each Again comes back after three questions not yet seen; a repeat failed again goes to the end.
    assert numbers == [1, 2, 3, 4, 1, 5, 2, 6, 3, 7, 4, 8, 5, 1, 2, 6, 3]
