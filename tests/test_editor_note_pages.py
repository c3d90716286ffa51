"""Where the editors' notes and related questions show: bank pages, practice, mentor pages, search and the API."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from interview.models import PracticeMode, PracticeSession, Question, Rating
from interview.services import mentoring as mentoring_service
from tests.test_mentoring import practise_assignment, world  # noqa: F401 (world is a fixture)

pytestmark = pytest.mark.django_db

NOTE_HEADING = re.compile(r'<h(\d) class="editor-note-title">Editors\' note</h\1>')


def question(ml_guide, number: int) -> Question:
    return Question.objects.get(guide=ml_guide, number=number)


def note_box(html: str) -> str:
    start = html.index('<div class="editor-note" role="note">')
    return html[start : html.index("</div>", start)]


def test_the_question_page_shows_the_note_under_the_model_answer_marked_as_the_editors(
    client, ml_guide, django_assert_max_num_queries
):
    q48 = question(ml_guide, 48)
    with django_assert_max_num_queries(7):
        html = client.get(f"/questions/{q48.pk}/").content.decode()

    answer = html[html.index('<details class="answer">') :]
    answer = answer[: answer.index("</details>")]
    assert answer.index("This can be done using the SMOTE class") < answer.index("editor-note")
    assert answer.index("editor-note") < answer.index("Key points a good answer covers")
    box = note_box(html)
    assert NOTE_HEADING.search(box)[1] == "3"
    assert "not part of the guide" in box
    assert "Plain SMOTE only oversamples" in box


def test_a_question_without_a_note_shows_no_note_box(client, ml_guide):
    html = client.get(f"/questions/{question(ml_guide, 1).pk}/").content.decode()
    assert "editor-note" not in html


def test_related_questions_link_the_active_siblings_only(client, ml_guide):
    q6, q20, q32 = (question(ml_guide, number) for number in (6, 20, 32))
    q32.is_active = False
    q32.save()

    html = client.get(f"/questions/{q6.pk}/").content.decode()

    related = html[html.index('<h2 id="related-heading">Related questions</h2>') :]
    assert f'<a href="/questions/{q20.pk}/">Q20. How do you handle imbalanced data?</a>' in related
    assert f"/questions/{q32.pk}/" not in related
    assert "Related questions" not in client.get(f"/questions/{question(ml_guide, 1).pk}/").content.decode()


def test_the_guide_page_shows_the_guide_note(client, ml_guide):
    html = client.get("/guides/ml-engineer/").content.decode()
    box = note_box(html)
    assert NOTE_HEADING.search(box)[1] == "2"
    assert "&quot;40 questions&quot;" in box and "48" in box


def test_search_covers_the_notes(client, ml_guide):
    assert not Question.objects.filter(answer__icontains="FeatureHasher").exists()
    html = client.get("/questions/", {"q": "FeatureHasher"}).content.decode()
    assert "1 question matching" in html
    assert "How do you handle high-cardinality categorical variables?" in html
    body = client.get("/api/v1/questions/", {"search": "FeatureHasher"}).json()
    assert [item["number"] for item in body["results"]] == [28]


def test_the_api_returns_the_note_and_the_sibling_ids(client, ml_guide, django_assert_max_num_queries):
    q7, q46 = question(ml_guide, 7), question(ml_guide, 46)
    body = client.get(f"/api/v1/questions/{q46.pk}/").json()
    assert body["editor_note"] == q46.editor_note
    assert body["editor_note"].startswith("cross_val_score(model, X, y, cv=5) does not make one split")
    assert body["siblings"] == [q7.pk]
    assert body["answer"] == q46.answer

    with django_assert_max_num_queries(7):
        listed = client.get("/api/v1/questions/", {"page_size": 100}).json()["results"]
    by_number = {item["number"]: item for item in listed}
    assert by_number[1]["editor_note"] == "" and by_number[1]["siblings"] == []
    assert by_number[20]["siblings"] == [question(ml_guide, 6).pk, question(ml_guide, 32).pk]


def practice_session(user, ml_guide, number: int, mode: str = PracticeMode.TOPIC) -> str:
    session = PracticeSession.objects.create(
        user=user,
        mode=mode,
        queue=[question(ml_guide, number).pk],
        started_at=timezone.now(),
        seconds_per_question=60 if mode == PracticeMode.MOCK else None,
    )
    return f"/practice/{session.pk}/"


def token_on(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html)[1]


def test_the_reveal_shows_the_note_under_the_model_answer(learner_client, learner, ml_guide):
    url = practice_session(learner, ml_guide, 42)
    asked = learner_client.get(url).content.decode()
    assert "editor-note" not in asked  # nothing of the answer before the reveal

    html = learner_client.post(
        url + "reveal/", {"token": token_on(asked), "answer_text": ""}, follow=True
    ).content.decode()

    model = html[html.index('<h2 id="model-answer-heading">') :]
    assert model.index("tf.saved_model module") < model.index("editor-note") < model.index("Key points")
    assert "TensorFlow Serving" in note_box(html)
    assert "Serve the saved model" in html  # the key point taken from the note


def test_the_mock_review_shows_the_note(learner_client, learner, ml_guide):
    url = practice_session(learner, ml_guide, 33, mode=PracticeMode.MOCK)
    asked = learner_client.get(url).content.decode()
    assert "editor-note" not in asked
    learner_client.post(url + "answer/", {"token": token_on(asked), "answer_text": "TP over TP plus FP"})

    review = learner_client.get(url).content.decode()

    assert "Mock interview: review your answers" in review
    assert NOTE_HEADING.search(note_box(review))[1] == "4"
    assert "The interpretation is wrong" in note_box(review)


def test_the_mentors_answer_page_and_the_learners_feedback_show_the_note(world):  # noqa: F811
    (attempt,) = practise_assignment(world["learner"], world["assignment"], [Rating.GOOD])
    assert attempt.question.number == 3
    mentoring_service.feedback_give(mentor=world["mentor"], attempt=attempt, text="Say standardisation.")
    client = Client()
    client.force_login(world["mentor"])
    html = client.get(f"/mentor/attempts/{attempt.pk}/").content.decode()
    assert "Normalisation and standardisation are different transforms" in note_box(html)

    client.force_login(world["learner"])
    html = client.get("/feedback/").content.decode()
    assert "Normalisation and standardisation are different transforms" in note_box(html)
