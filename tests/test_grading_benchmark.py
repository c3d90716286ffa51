"""The lexical grader keeps the goals of the grading benchmark (docs/grading.md) on the labelled answers of
tests/data/grading_benchmark.yaml, on the whole set and on the held-out part that was never used for tuning.
Time per answer is measured by bench/grading.py, not here."""

from pathlib import Path

import pytest
from django.conf import settings

from interview.grading import benchmark as bench
from interview.grading import grade_lexical

ROOT = Path(settings.BASE_DIR)
QUESTIONS = bench.bench_questions(
    ROOT / "fixtures" / "guides" / "ml-engineer.txt", ROOT / "fixtures" / "annotations" / "ml-engineer.yaml"
)
CASES = bench.load_cases(ROOT / "tests" / "data" / "grading_benchmark.yaml")


def test_the_labelled_set_is_as_large_as_promised():
    kinds = [case.kind for case in CASES]
    assert kinds.count("strong") >= 30
    assert kinds.count("wrong") >= 20
    assert kinds.count("irrelevant") >= 5
    for case in CASES:
        assert case.covered <= set(range(len(QUESTIONS[case.question].key_points.all()))), case


@pytest.mark.parametrize("split", ["all", "held-out"])
def test_the_lexical_grader_meets_the_benchmark_goals(split):
    cases = CASES if split == "all" else [case for case in CASES if case.split == split]
    report = bench.evaluate(grade_lexical, QUESTIONS, cases)
    assert report.strong_good_or_easy >= bench.GOAL_STRONG_GOOD_OR_EASY, report.misses
    assert report.wrong_again_or_hard >= bench.GOAL_WRONG_AGAIN_OR_HARD, report.misses
    assert report.irrelevant_again == 1.0, report.misses


def test_key_point_judgements_stay_precise_and_complete():
    report = bench.evaluate(grade_lexical, QUESTIONS, CASES)
    assert report.precision >= 0.9, report.misses
    assert report.recall >= 0.9, report.misses


def test_the_benchmark_counts_by_hand():
    """evaluate() on three hand-checked cases: precision, recall and the shares computed by hand."""
    question = QUESTIONS[45]
    cases = [
        bench.Case(
            question=45, kind="strong", covered=frozenset({0, 1}), rating=3, answer="CNNs read images."
        ),
        bench.Case(question=45, kind="wrong", covered=frozenset(), rating=1, answer="CNNs read sequences."),
        bench.Case(question=45, kind="irrelevant", covered=frozenset(), rating=1, answer="Bake for an hour."),
    ]
    report = bench.evaluate(grade_lexical, {45: question}, cases)
    # "CNNs read images" ticks point 1 only (no spatial word): 1 true positive, 1 false negative, no false positive
    assert (report.precision, report.recall, report.judgements) == (1.0, 0.5, 12)
    # 1 of 4 points covered suggests Again: the strong case misses, the wrong and irrelevant ones hit
    assert (report.strong_good_or_easy, report.wrong_again_or_hard, report.irrelevant_again) == (
        0.0,
        1.0,
        1.0,
    )
