"""Values kept from the question bank: computed again at once when this process changes the bank, else after
KEEP_SECONDS."""

import pytest

from interview import bank_cache
from interview.bank_cache import kept_for_bank
from interview.models import Question
from interview.selectors.content import topics_with_counts
from interview.selectors.learning import bank_figures
from interview.services.content import content_changed, guide_import
from tests.factories import QuestionFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed():
    """A kept value that counts how often it was computed."""
    runs = []

    def value() -> int:
        runs.append(1)
        return len(runs)

    return lambda: kept_for_bank("test-value", value)


def test_a_kept_value_is_computed_once_while_nothing_changes(computed):
    assert [computed(), computed(), computed()] == [1, 1, 1]


def test_saving_deleting_or_retopicking_a_question_computes_it_again(computed):
    assert computed() == 1
    question = QuestionFactory()
    assert computed() == 2
    topic = TopicFactory()
    assert computed() == 3
    question.topics.add(topic)
    assert computed() == 4
    question.delete()
    assert computed() == 5


def test_a_service_writing_without_signals_says_so(computed):
    assert computed() == 1
    content_changed()
    assert computed() == 2


def test_a_value_is_kept_a_few_seconds_at_most(computed, monkeypatch):
    """Another process's change (an import in a task worker) shows within KEEP_SECONDS."""
    clock = [1000.0]
    monkeypatch.setattr(bank_cache.time, "monotonic", lambda: clock[0])
    assert computed() == 1
    clock[0] += bank_cache.KEEP_SECONDS - 1
    assert computed() == 1
    clock[0] += 2
    assert computed() == 2


def test_retiring_questions_on_a_reimport_updates_the_kept_figures():
    """A re-import retires missing questions (with QuerySet.update, which sends no signal): the kept
    figures follow."""
    two, one = "Q1. What is A?\nA is a letter.\nQ2. What is B?\nB too.\n", "Q1. What is A?\nA is a letter.\n"
    guide_import(text=two, slug="small", source_file="small.txt")
    before = set(bank_figures().topics_of)
    assert before == set(Question.objects.public().values_list("pk", flat=True))
    report = guide_import(text=one, slug="small", source_file="small.txt")
    assert report.retired == 1
    after = set(bank_figures().topics_of)
    assert after == set(Question.objects.public().values_list("pk", flat=True))
    assert len(after) == len(before) - 1
    assert bank_figures().topics == list(topics_with_counts())
