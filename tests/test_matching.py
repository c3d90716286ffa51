"""Key-point matching on real answers: case and inflection tolerant, whole words only."""

import pytest

from interview.matching import coverage_of, stems, suggested_rating, term_matches
from interview.models import KeyPoint, Question, Rating
from interview.services.practice import answer_assess

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("term", "answer", "matches"),
    [
        ("labeled", "The model learns from LABELLED examples? no: from Labeled ones.", True),
        ("impute", "I would impute the gaps with the median.", True),
        ("impute", "Imputation with the mean, or imputing by regression.", True),
        ("oversample", "Oversampling the minority class.", True),
        ("labeled", "It works on unlabeled data only.", False),
        ("f1 score", "I'd report the F1-score.", True),
        ("k-fold", "Use K fold cross validation.", True),
        ("grid search", "A search over a grid of values.", False),
        ("pca", "Principal component analysis (PCA).", True),
        ("smote", "I would smooth the curve.", False),
    ],
)
def test_terms_match_whole_stemmed_words_in_order(term, answer, matches):
    assert term_matches(term, stems(answer)) is matches


def test_a_good_answer_to_q1_covers_its_key_points(ml_guide):
    question = Question.objects.get(guide=ml_guide, number=1)
    answer = (
        "Supervised learning trains on labelled data and learns to predict an output from the input. "
        "Unsupervised learning uses unlabelled data and finds patterns or clusters in it."
    )
    assessment = answer_assess(question=question, answer_text=answer)
    assert assessment.coverage == 1.0
    assert assessment.suggested_rating == Rating.EASY


def test_an_unrelated_answer_covers_nothing(ml_guide):
    question = Question.objects.get(guide=ml_guide, number=48)
    assessment = answer_assess(question=question, answer_text="I would ask my manager what to do.")
    assert assessment.covered == []
    assert assessment.suggested_rating == Rating.AGAIN


def test_partial_answers_suggest_hard_or_good(ml_guide):
    question = Question.objects.get(guide=ml_guide, number=48)
    points = list(question.key_points.all())
    half = answer_assess(question=question, answer_text="", ticked=[points[0].pk])
    assert half.coverage == coverage_of(1, len(points))
    assert half.suggested_rating == suggested_rating(half.coverage)


@pytest.mark.parametrize(
    ("coverage", "rating"),
    [(0, Rating.AGAIN), (0.2, Rating.AGAIN), (0.5, Rating.HARD), (0.75, Rating.GOOD), (1, Rating.EASY)],
)
def test_suggested_rating_follows_coverage(coverage, rating):
    assert suggested_rating(coverage) == rating


def test_ticks_that_are_not_the_questions_key_points_are_refused(ml_guide):
    from django.core.exceptions import ValidationError

    question = Question.objects.get(guide=ml_guide, number=1)
    other = KeyPoint.objects.exclude(question=question).first()
    with pytest.raises(ValidationError, match="Not key points of this question"):
        answer_assess(question=question, answer_text="", ticked=[other.pk])
