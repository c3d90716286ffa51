"""Assessments are stored once per showing, outside the recording transaction; attempts keep the checker's
ticks beside the learner's; agreement is reported per question and overall; pages show the evidence."""

import re
from datetime import datetime
from datetime import timezone as dt_timezone

import pytest
from django.core.management import call_command
from django.db import connection

from interview import grading
from interview.models import Attempt, PracticeMode, Question, Rating, Showing
from interview.services import grading as grading_service
from interview.services.practice import attempt_record, mock_answer_submit, session_start, showing_current
from tests.factories import UserFactory
from tests.test_mentoring import practise_assignment, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=dt_timezone.utc)
HTMX = {"HX-Request": "true"}
Q1_ANSWER = (
    "Supervised learning trains on labelled data to predict an output. "
    "Unsupervised learning does not use unlabelled data."
)


@pytest.fixture
def graded_calls(monkeypatch) -> list[int]:
    """Each call of the grader, with how many atomic blocks were open at the time."""
    calls = []
    real = grading.grade

    def counting(question, answer_text):
        calls.append(len(connection.atomic_blocks))
        return real(question, answer_text)

    monkeypatch.setattr(grading_service, "grade", counting)
    return calls


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(email="staff@example.com", is_staff=True, is_superuser=True))
    return client


def first_showing(user, mode=PracticeMode.NEW, **options) -> Showing:
    session = session_start(user=user, mode=mode, now=NOW, **options)
    return showing_current(session=session, now=NOW)


def test_an_answer_is_graded_once_and_outside_the_recording_transaction(learner, ml_guide, graded_calls):
    showing = first_showing(learner)
    assert showing.question.number == 1
    baseline = len(connection.atomic_blocks)  # the test's own transaction
    grading_service.showing_assess(showing=showing, answer_text=Q1_ANSWER)
    grading_service.showing_assess(showing=showing, answer_text=Q1_ANSWER)
    attempt_record(user=learner, token=showing.token, rating=Rating.GOOD, answer_text=Q1_ANSWER, now=NOW)
    assert graded_calls == [baseline]  # once, and never inside attempt_record's transaction
    showing.refresh_from_db()
    assert showing.assessment["digest"] == grading.answer_digest(Q1_ANSWER)


def test_an_answer_recorded_without_a_check_is_kept_by_the_attempt_alone(learner, ml_guide, graded_calls):
    showing = first_showing(learner)
    baseline = len(connection.atomic_blocks)
    attempt = attempt_record(
        user=learner, token=showing.token, rating=Rating.GOOD, answer_text=Q1_ANSWER, now=NOW
    )
    assert graded_calls == [baseline]  # graded once, outside the recording transaction
    assert attempt.assessment["digest"] == grading.answer_digest(Q1_ANSWER)
    showing.refresh_from_db()
    assert showing.assessment is None  # not written twice


def test_the_attempt_keeps_automatic_and_final_ticks_side_by_side(learner, ml_guide):
    showing = first_showing(learner)
    points = list(showing.question.key_points.order_by("position"))
    # The checker ticks points 0 and 2 and finds point 1 negated; the learner unticks 2 and ticks 3.
    attempt = attempt_record(
        user=learner,
        token=showing.token,
        rating=Rating.HARD,
        answer_text=Q1_ANSWER,
        key_points=[points[0].pk, points[3].pk],
        now=NOW,
    )
    assert attempt.auto_key_points == [points[0].pk, points[2].pk]
    assert attempt.key_points_covered == [points[0].pk, points[3].pk]
    assert (attempt.points_judged, attempt.auto_ticked, attempt.ticks_removed, attempt.ticks_added) == (
        4,
        2,
        1,
        1,
    )
    assert attempt.grader == "lexical"
    assert [point["status"] for point in attempt.assessment["points"]] == [
        "covered",
        "negated",
        "covered",
        "missing",
    ]
    assert attempt.coverage == 0.5


def test_a_mock_answer_is_graded_when_it_is_submitted(learner, ml_guide, graded_calls):
    showing = first_showing(learner, mode=PracticeMode.MOCK, question_count=1)
    mock_answer_submit(
        user=learner, token=showing.token, answer_text="SMOTE oversamples the minority class", now=NOW
    )
    showing.refresh_from_db()
    assert showing.assessment["digest"] == grading.answer_digest("SMOTE oversamples the minority class")
    attempt = attempt_record(user=learner, token=showing.token, rating=Rating.GOOD, now=NOW)
    assert len(graded_calls) == 1
    assert attempt.assessment == showing.assessment


def record(user, question_number: int, answer: str, ticks: list[int]) -> Attempt:
    question = Question.objects.get(number=question_number)
    session = session_start(user=user, mode=PracticeMode.TOPIC, topics=list(question.topics.all()), now=NOW)
    showing = showing_current(session=session, now=NOW)
    while showing.question_id != question.pk:
        attempt_record(user=user, token=showing.token, rating=Rating.GOOD, now=NOW)
        showing = showing_current(session=session, now=NOW)
    positions = {point.position: point.pk for point in question.key_points.all()}
    return attempt_record(
        user=user,
        token=showing.token,
        rating=Rating.GOOD,
        answer_text=answer,
        key_points=[positions[p] for p in ticks],
        now=NOW,
    )


def test_grading_report_and_admin_page_give_agreement_per_question_and_overall(
    learner, ml_guide, staff_client, capsys
):
    Attempt.objects.all().delete()
    # Q1: checker ticks 0 and 2 of 4; learner keeps 0, removes 2, adds 3 -> 2 of 4 judgements changed.
    record(learner, 1, Q1_ANSWER, [0, 3])
    Attempt.objects.exclude(question__number=1).delete()
    call_command("grading_report")
    out = capsys.readouterr().out
    q1_line = next(line for line in out.splitlines() if line.startswith("ml-engineer Q1 "))
    # agreement 1 - 2/4 = 50%; removed 1 of 2 automatic ticks = 50%; added 1 of 2 missed points = 50%
    assert q1_line.split()[-5:] == ["1", "4", "50%", "50%", "50%"]
    overall = next(line for line in out.splitlines() if line.startswith("Overall"))
    assert overall.split()[-5:] == ["1", "4", "50%", "50%", "50%"]
    html = staff_client.get("/admin/interview/gradedquestion/").content.decode()
    assert "over 1 graded attempt and 4 key-point judgements" in html
    assert "agreement 50%" in html


def test_the_reveal_marks_matched_words_and_says_what_is_negated(learner_client, ml_guide):
    response = learner_client.post("/practice/start/", {"mode": "new"})
    url = response["Location"]
    token = re.search(r'name="token" value="([^"]+)"', learner_client.get(url).content.decode())[1]
    html = learner_client.post(
        url + "reveal/", {"token": token, "answer_text": Q1_ANSWER}, headers=HTMX
    ).content.decode()
    assert '<mark class="evidence evidence-covered" data-point="1">Supervised' in html
    assert '<mark class="evidence evidence-covered" data-point="1">labelled' in html
    assert "Seen but negated: “Unsupervised learning does not use unlabelled”" in html
    assert "1 point seen but negated or swapped, each cancelling a covered one." in html
    assert html.count('class="evidence evidence-negated"') == 2  # "Unsupervised" and "unlabelled"
    # Changing a tick re-checks the coverage without grading again.
    showing = Showing.objects.get(token=token)
    stored = showing.assessment
    learner_client.post(
        url + "check/", {"token": token, "answer_text": Q1_ANSWER, "key_points": []}, headers=HTMX
    )
    showing.refresh_from_db()
    assert showing.assessment == stored


def test_a_question_without_key_points_says_so_on_the_reveal(learner_client, ml_guide):
    Question.objects.get(number=1).key_points.all().delete()
    url = learner_client.post("/practice/start/", {"mode": "new"})["Location"]
    token = re.search(r'name="token" value="([^"]+)"', learner_client.get(url).content.decode())[1]
    html = learner_client.post(
        url + "reveal/", {"token": token, "answer_text": "no idea"}, follow=True
    ).content.decode()
    assert "This question has no key points" in html
    assert re.search(r"Suggested rating:\s*<strong>Again</strong>", html)


def test_the_mentors_answer_page_shows_the_same_evidence(world):  # noqa: F811
    from django.test import Client

    learner, assignment = world["learner"], world["assignment"]
    session = session_start(user=learner, mode=PracticeMode.ASSIGNMENT, assignment=assignment, now=NOW)
    showing = showing_current(session=session, now=NOW)
    answer = "SMOTE is not needed; I would tune the model."
    attempt = attempt_record(
        user=learner, token=showing.token, rating=Rating.AGAIN, answer_text=answer, now=NOW
    )
    client = Client()
    client.force_login(world["mentor"])
    html = client.get(f"/mentor/attempts/{attempt.pk}/").content.decode()
    assert "What the check found" in html
    assert html.count("The learner left it unticked.") == len(attempt.assessment["points"])
