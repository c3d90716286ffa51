"""Limits on what people send: read from the model fields that store it, so each number is written once.

Forms and serializers use these; templates read them from the rendered form (``maxlength``), and the page's
JavaScript from the textarea.
"""

from django.db import models

from interview.models import Attempt, Cohort, Feedback, QuestionFlag, QuestionNote, QuestionSet


def max_length_of(model: type[models.Model], field: str) -> int:
    model_field = model._meta.get_field(field)
    # Every limit here is a concrete field's: neither a relation nor a field without a max_length.
    assert isinstance(model_field, models.Field) and model_field.max_length is not None, (
        f"{model.__name__}.{field}"
    )
    return model_field.max_length


ANSWER_MAX_LENGTH = max_length_of(Attempt, "answer_text")
NOTE_MAX_LENGTH = max_length_of(QuestionNote, "text")
FLAG_REASON_MAX_LENGTH = max_length_of(QuestionFlag, "reason")
FEEDBACK_MAX_LENGTH = max_length_of(Feedback, "text")
REPLY_MAX_LENGTH = max_length_of(Feedback, "reply")
COHORT_NAME_MAX_LENGTH = max_length_of(Cohort, "name")
COHORT_DESCRIPTION_MAX_LENGTH = max_length_of(Cohort, "description")
SET_TITLE_MAX_LENGTH = max_length_of(QuestionSet, "title")
SET_DESCRIPTION_MAX_LENGTH = max_length_of(QuestionSet, "description")

# A mentor's own question: the guide's questions have no limit, but what a form accepts does.
MENTOR_PROMPT_MAX_LENGTH = 1_000
MENTOR_ANSWER_MAX_LENGTH = 10_000

# Mock interviews: questions per interview and seconds per question.
MOCK_DEFAULT_QUESTIONS = 5
MOCK_MAX_QUESTIONS = 20
MOCK_DEFAULT_SECONDS = 180
MOCK_SECONDS_RANGE = (30, 1800)

MAX_DURATION_MS = 6 * 60 * 60 * 1000  # time spent on one answer, as a client reports it
MAX_SET_QUESTIONS = 200
