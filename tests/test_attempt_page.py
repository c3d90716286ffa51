"""A learner's own attempt page (/history/<id>/): the answer, the model answer, the ticks, the feedback."""

from datetime import datetime
from datetime import timezone as dt_timezone

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from interview.models import Attempt, Feedback, PracticeMode, Question, Rating
from interview.services import mentoring as service
from interview.services.practice import attempt_record, session_start, showing_current
from tests.dates import days_from_today
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=dt_timezone.utc)


@pytest.fixture
def answered(learner, ml_guide):
    return answer_with_feedback(learner, ml_guide)


def answer_with_feedback(learner, ml_guide) -> dict:
    """The learner answered Q1 in an assignment, ticking its first key point; the mentor gave feedback."""
    mentor = UserFactory(email="mentor@example.com", display_name="Mia Mentor", is_mentor=True)
    cohort = service.cohort_create(mentor=mentor, name="Spring cohort")
    service.cohort_join(user=learner, token=service.invite_create(mentor=mentor, cohort=cohort).token)
    question = Question.objects.filter(guide=ml_guide).order_by("number").first()
    question.editor_note = "Semi-supervised learning is worth a sentence."
    question.save(update_fields=["editor_note"])
    question_set = service.question_set_save(owner=mentor, title="Basics", question_ids=[question.pk])
    assignment = service.assignment_create(
        mentor=mentor, question_set=question_set, cohort=cohort, due_date=days_from_today(6)
    )
    session = session_start(user=learner, mode=PracticeMode.ASSIGNMENT, assignment=assignment, now=NOW)
    showing = showing_current(session=session, now=NOW)
    points = list(question.key_points.order_by("pk"))
    attempt = attempt_record(
        user=learner,
        token=showing.token,
        rating=Rating.HARD,
        answer_text="Labels <script>alert(1)</script> guide the model.",
        key_points=[points[0].pk],
        now=NOW,
    )
    feedback = service.feedback_give(mentor=mentor, attempt=attempt, text="Mention clustering.")
    return {"attempt": attempt, "feedback": feedback, "mentor": mentor, "points": points}


def test_the_owner_sees_answer_model_answer_ticks_and_feedback(
    learner_client, answered, django_assert_max_num_queries
):
    attempt = answered["attempt"]
    with django_assert_max_num_queries(9):
        response = learner_client.get(f"/history/{attempt.pk}/")
    assert response.status_code == 200
    assertContains(response, "Labels &lt;script&gt;alert(1)&lt;/script&gt; guide the model.")
    assertContains(response, '<h2 id="model-heading">Model answer</h2>')
    assertContains(response, attempt.question.answer.splitlines()[0])
    assertContains(response, "Semi-supervised learning is worth a sentence.")
    first, *others = answered["points"]
    html = response.content.decode()
    covered = html[html.index('<li class="tick-covered">') :]
    assert first.text in covered[: covered.index("</li>")]
    assert html.count('<li class="tick-missed">') == len(others)
    assertContains(response, "Mention clustering.")
    assertContains(response, "Mia Mentor")
    assertContains(response, f'action="/feedback/{answered["feedback"].pk}/reply/"')
    assertContains(response, "Rated <strong")


def test_replying_on_the_attempt_page_comes_back_to_it(learner_client, answered):
    attempt, feedback = answered["attempt"], answered["feedback"]
    page = f"/history/{attempt.pk}/"
    response = learner_client.post(f"/feedback/{feedback.pk}/reply/", {"reply": "Thanks!", "next": page})
    assertRedirects(response, page)
    feedback.refresh_from_db()
    assert feedback.reply == "Thanks!"
    response = learner_client.get(page)
    assertContains(response, "Your reply:")
    assertNotContains(response, f'action="/feedback/{feedback.pk}/reply/"')
    response = learner_client.post(f"/feedback/{feedback.pk}/read/", {"next": page})
    assertRedirects(response, page)
    assert Feedback.objects.get(pk=feedback.pk).read_at is not None


def test_an_unsafe_next_goes_to_the_feedback_list(learner_client, answered):
    response = learner_client.post(
        f"/feedback/{answered['feedback'].pk}/read/", {"next": "https://evil.example/"}
    )
    assertRedirects(response, "/feedback/")


def test_other_people_get_a_404_and_visitors_are_sent_to_log_in(client, answered, stranger):
    page = f"/history/{answered['attempt'].pk}/"
    assertRedirects(client.get(page), f"/accounts/login/?next={page}", fetch_redirect_response=False)
    for other in (stranger, answered["mentor"]):  # the mentor has their own page for it
        client.force_login(other)
        assert client.get(page).status_code == 404
    assert client.get("/history/999999/").status_code == 404


def test_a_post_is_not_allowed(learner_client, answered):
    assert learner_client.post(f"/history/{answered['attempt'].pk}/").status_code == 405


def test_history_links_each_attempt_to_its_page(learner_client, learner, ml_guide):
    question = Question.objects.filter(guide=ml_guide).order_by("number").first()
    attempt = Attempt.objects.create(
        user=learner,
        question=question,
        mode=PracticeMode.NEW,
        answer_text="mine",
        coverage=0.5,
        suggested_rating=Rating.GOOD,
        rating=Rating.GOOD,
        due_after=NOW,
        created_at=NOW,
    )
    response = learner_client.get("/history/")
    assertContains(response, f'<a href="/history/{attempt.pk}/">')
    assertContains(response, f": your attempt at {question.label}</span>")
    assertContains(response, '<td data-label="Coverage">50%</td>')
    page = learner_client.get(f"/history/{attempt.pk}/")
    assertContains(page, "Only answers given in an assignment get feedback from a mentor.")
