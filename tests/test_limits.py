"""Limits come from the model fields: forms, serializers, services, pages and the page's script agree."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from interview import limits
from interview.models import Attempt, Cohort, Feedback, QuestionFlag, QuestionNote, QuestionSet, Rating
from interview.services import mentoring as service
from tests.factories import UserFactory
from tests.test_mentoring import practise_assignment, world  # noqa: F401 (world is a fixture)
from tests.test_mentoring_api import as_user
from tests.test_practice_views import start, token_on

pytestmark = pytest.mark.django_db


def test_the_limits_are_the_model_fields_lengths():
    assert limits.ANSWER_MAX_LENGTH == Attempt._meta.get_field("answer_text").max_length == 10_000
    assert limits.NOTE_MAX_LENGTH == QuestionNote._meta.get_field("text").max_length == 5_000
    assert limits.FLAG_REASON_MAX_LENGTH == QuestionFlag._meta.get_field("reason").max_length == 2_000
    assert limits.FEEDBACK_MAX_LENGTH == Feedback._meta.get_field("text").max_length == 5_000
    assert limits.COHORT_NAME_MAX_LENGTH == Cohort._meta.get_field("name").max_length == 120
    assert limits.SET_TITLE_MAX_LENGTH == QuestionSet._meta.get_field("title").max_length == 200


def test_practice_pages_render_the_limits_of_the_fields(learner_client, ml_guide):
    home = learner_client.get("/practice/").content.decode()
    assert 'name="question_count" type="number" min="1" max="20" value="5"' in home
    assert 'name="minutes_per_question" type="number" min="0.5" max="30" step="0.5" value="3"' in home

    url = start(learner_client)
    card = learner_client.get(url).content.decode()
    assert 'maxlength="10000"' in card and "0 / 10,000 characters" in card
    token = token_on(card)
    reveal = learner_client.post(
        url + "reveal/", {"token": token, "answer_text": "x"}, follow=True
    ).content.decode()
    assert 'id="id_note_text" rows="3" maxlength="5000"' in reveal
    assert 'id="id_flag_reason" rows="3" maxlength="2000"' in reveal


def test_mentor_and_feedback_pages_render_the_limits_of_the_fields(world):  # noqa: F811
    mentor_home = as_user(world["mentor"]).get("/mentor/").content.decode()
    assert 'name="title" maxlength="200" required' in mentor_home
    assert 'name="name" maxlength="120"' in mentor_home
    (attempt,) = practise_assignment(world["learner"], world["assignment"], [Rating.HARD])
    service.feedback_give(mentor=world["mentor"], attempt=attempt, text="Say more.")
    feedback_page = as_user(world["learner"]).get("/feedback/").content.decode()
    assert 'name="reply" rows="3" maxlength="5000" required' in feedback_page


def test_the_answer_counter_script_reads_the_textareas_maxlength():
    script = (Path(settings.BASE_DIR) / "static" / "js" / "practice.js").read_text()
    assert "textarea.maxLength" in script
    assert "10,000" not in script and "10000" not in script


@pytest.mark.parametrize(
    ("create", "field"),
    [
        (lambda mentor: service.cohort_create(mentor=mentor, name="n" * 121), "name"),
        (
            lambda mentor: service.cohort_create(mentor=mentor, name="N", description="d" * 2_001),
            "description",
        ),
        (lambda mentor: service.question_set_save(owner=mentor, title="t" * 201, question_ids=[]), "title"),
    ],
)
def test_too_long_names_are_refused_with_a_message_not_cut(create, field):
    mentor = UserFactory(is_mentor=True)
    with pytest.raises(ValidationError) as error:
        create(mentor)
    assert field in error.value.message_dict
    assert not Cohort.objects.exists() and not QuestionSet.objects.exists()
