"""The history page and the question page's own attempts: filtered, paginated, private."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from interview.models import Attempt, PracticeMode, Question, QuestionNote, Rating

pytestmark = pytest.mark.django_db


def make_attempts(user, guide, count=3, **fields):
    questions = list(Question.objects.filter(guide=guide).order_by("number"))
    now = timezone.now()
    return [
        Attempt.objects.create(
            user=user,
            question=questions[index % len(questions)],
            mode=fields.get("mode", PracticeMode.NEW),
            answer_text=f"answer {index}",
            coverage=0.5,
            suggested_rating=Rating.GOOD,
            rating=fields.get("rating", Rating.GOOD),
            due_after=now,
            created_at=now - timedelta(days=index),
        )
        for index in range(count)
    ]


def test_history_lists_only_the_users_own_attempts(learner_client, learner, stranger, ml_guide):
    make_attempts(learner, ml_guide, 2)
    make_attempts(stranger, ml_guide, 5)
    html = learner_client.get("/history/").content.decode()
    assert "<h2>2 attempts</h2>" in html
    assert "answer 1" in html


def test_history_filters_by_topic_rating_mode_and_date(
    learner_client, learner, ml_guide, django_assert_max_num_queries
):
    make_attempts(learner, ml_guide, 4)
    make_attempts(learner, ml_guide, 1, rating=Rating.AGAIN, mode=PracticeMode.MOCK)
    assert "<h2>1 attempt</h2>" in learner_client.get("/history/", {"rating": 1}).content.decode()
    assert "<h2>1 attempt</h2>" in learner_client.get("/history/", {"mode": "mock"}).content.decode()
    topic_html = learner_client.get("/history/", {"topic": "learning-paradigms"}).content.decode()
    assert "<h2>2 attempts</h2>" in topic_html  # Q1 twice
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    with django_assert_max_num_queries(8):
        html = learner_client.get("/history/", {"since": since}).content.decode()
    assert "<h2>3 attempts</h2>" in html


def test_bad_history_filters_are_explained(learner_client, ml_guide):
    html = learner_client.get("/history/", {"rating": 9, "since": "someday"}).content.decode()
    assert "Select a valid choice. 9 is not one of the available choices." in html
    assert "Enter a valid date." in html


def test_history_is_paginated(learner_client, learner, ml_guide):
    make_attempts(learner, ml_guide, 45)
    html = learner_client.get("/history/", {"page": 3}).content.decode()
    assert "Page 3 of 3" in html
    assert html.count("<tr>") == 1 + 5


def test_the_question_page_shows_my_attempts_and_note_only_to_me(learner_client, learner, stranger, ml_guide):
    question = Question.objects.get(guide=ml_guide, number=1)
    make_attempts(learner, ml_guide, 1)
    make_attempts(stranger, ml_guide, 1)
    Attempt.objects.filter(user=stranger).update(answer_text="the stranger's answer")
    QuestionNote.objects.create(user=learner, question=question, text="my private note")

    mine = learner_client.get(f"/questions/{question.pk}/").content.decode()
    assert "Your attempts" in mine and "answer 0" in mine and "my private note" in mine
    assert "the stranger's answer" not in mine

    anonymous = Client().get(f"/questions/{question.pk}/").content.decode()
    assert "Your attempts" not in anonymous and "my private note" not in anonymous


def test_history_needs_a_login(client):
    assert client.get("/history/")["Location"].startswith("/accounts/login/")
