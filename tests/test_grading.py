"""The lexical grader reads clauses: concepts meet in one clause, negations and swaps are caught, generic
words never cover a point alone, and a question without key points is checked against its model answer."""

import dataclasses
import json
import sys
import threading
from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError

from interview.annotations import load_annotations
from interview.grading import grade
from interview.grading.assessment import (
    COVERED,
    LEXICAL,
    MISSING,
    NEGATED,
    SWAPPED,
    Assessment,
    PointAssessment,
    coverage_of,
    suggested_rating_for,
    suggested_rating_from_ticks,
)
from interview.grading.lexical import PointRule, ReadAnswer, assess_point
from interview.grading.text import stem
from interview.models import Guide, KeyPoint, Question, Rating

CNN = PointRule(
    key_point_id=1,
    text="A CNN is designed for grid-like data such as images.",
    concepts=(("cnn", "convolutional"), ("image", "picture", "pixel", "grid")),
    contrast=("sequence", "time series", "text"),
)
RNN = PointRule(
    key_point_id=2,
    text="An RNN is designed for sequential data.",
    concepts=(("rnn", "recurrent"), ("sequence", "sequential", "time series", "text")),
    contrast=("image", "picture", "pixel", "grid"),
)
L1 = PointRule(
    key_point_id=3,
    text="L1 regularization produces sparse weights.",
    concepts=(("l1", "lasso"), ("sparse", "zero")),
)
CENTRAL = PointRule(
    key_point_id=4, text="Impute with the mean, median or mode.", concepts=(("mean", "median", "mode"),)
)


def verdict(rule: PointRule, answer: str) -> PointAssessment:
    return assess_point(ReadAnswer(answer), rule)


@pytest.mark.parametrize(
    ("term", "answer", "matches"),
    [
        ("labeled", "The model learns from LABELLED examples? no: from Labeled ones.", True),
        ("impute", "Imputation with the mean, or imputing by regression.", True),
        ("labeled", "It works on unlabeled data only.", False),
        ("f1 score", "I'd report the F1-score.", True),
        ("k-fold", "Use K fold cross validation.", True),
        ("grid search", "A search over a grid of values.", False),
        ("smote", "I would smooth the curve.", False),
        ("naïve", "A naïve Bayes classifier", True),
        ("na", "A naïve Bayes classifier", False),
    ],
)
def test_terms_match_whole_stemmed_words_in_order(term, answer, matches):
    assert bool(ReadAnswer(answer).matches((term,))) is matches


def test_concepts_must_meet_in_one_clause():
    assert verdict(CNN, "A convolutional network looks at pixels through small filters.").status == COVERED
    assert verdict(CNN, "CNNs are great. Images are everywhere.").status == MISSING


def test_a_contrasting_clause_is_judged_apart():
    answer = "CNNs handle images, whereas RNNs handle sequences of text."
    assert verdict(CNN, answer).status == COVERED
    assert verdict(RNN, answer).status == COVERED


def test_swapped_definitions_are_caught_and_said():
    answer = "CNNs are designed for sequences, and RNNs are designed for images."
    cnn = verdict(CNN, answer)
    assert cnn.status == SWAPPED
    assert cnn.evidence == "swapped: pairs “CNNs” with “sequences”"
    assert verdict(RNN, answer).status == SWAPPED


def test_the_right_pairs_in_one_sentence_are_not_a_swap():
    answer = "CNNs process images and RNNs process sequences."
    assert verdict(CNN, answer).status == COVERED
    assert verdict(RNN, answer).status == COVERED


@pytest.mark.parametrize(
    ("answer", "cue"),
    [
        ("L1 does NOT produce sparse weights.", "NOT"),
        ("L1 doesn't give sparse weights.", "doesn't"),
        ("L1 never makes the weights sparse.", "never"),
        ("Lasso cannot set weights to zero.", "cannot"),
        ("You get sparse weights without L1.", "without"),
        ("Use ridge instead of lasso for sparse weights.", "instead of"),
        ("Prefer dropout rather than L1 to make weights sparse.", "rather than"),
        ("Neither L1 nor L2 makes weights sparse.", "Neither"),
    ],
)
def test_negated_statements_do_not_cover_and_say_why(answer, cue):
    result = verdict(L1, answer)
    assert result.status == NEGATED
    assert result.evidence.startswith("negated: “")
    assert cue in result.evidence


def test_a_negation_elsewhere_in_the_sentence_does_not_negate_the_point():
    assert verdict(L1, "L1 makes weights sparse, not dense.").status == COVERED
    assert verdict(L1, "I would not drop features: L1 makes weights sparse.").status == COVERED
    assert verdict(L1, "Not only does L1 make weights sparse, it also selects features.").status == COVERED


def test_generic_words_never_cover_a_point_alone():
    assert verdict(CENTRAL, "The mean of it all is that it depends.").status == MISSING
    assert verdict(CENTRAL, "Fill the gaps with the median.").status == COVERED


def test_the_evidence_points_at_the_answers_own_words():
    answer = "Use a Convolutional net on the Pixels."
    result = verdict(CNN, answer)
    assert [answer[start:end] for start, end in result.spans] == ["Convolutional", "Pixels"]


@pytest.mark.parametrize(
    ("ticked", "total", "rating"),
    [
        (0, 0, Rating.AGAIN),  # nothing to tick
        (0, 3, Rating.AGAIN),
        (1, 3, Rating.AGAIN),  # 0.3333 < 0.34
        (1, 2, Rating.HARD),  # 0.5
        (2, 5, Rating.HARD),  # 0.4
        (3, 5, Rating.GOOD),  # 0.6 is the first Good
        (2, 3, Rating.GOOD),  # 0.6667
        (4, 4, Rating.GOOD),  # never Easy
    ],
)
def test_the_suggestion_from_ticks_follows_the_share_ticked(ticked, total, rating):
    # The mock review's script applies this same rule as boxes change (static/js/practice.js).
    assert suggested_rating_from_ticks(coverage_of(ticked, total)) == rating


def test_keyword_evidence_never_suggests_easy():
    covered = [PointAssessment(key_point_id=n, text="", status=COVERED) for n in range(4)]
    assert suggested_rating_for(covered) == Rating.GOOD
    assert suggested_rating_from_ticks(1.0) == Rating.GOOD


@pytest.mark.parametrize(
    ("statuses", "rating"),
    [
        ([MISSING] * 4, Rating.AGAIN),
        ([COVERED, MISSING, MISSING, MISSING], Rating.AGAIN),  # 1/4 = 0.25 < 0.34
        ([COVERED, COVERED, MISSING, MISSING], Rating.HARD),  # 2/4 = 0.5
        ([COVERED, COVERED, COVERED, MISSING], Rating.GOOD),  # 3/4 = 0.75
        ([COVERED, COVERED, COVERED, NEGATED], Rating.HARD),  # (3 - 1)/4 = 0.5
        ([COVERED, SWAPPED, SWAPPED], Rating.AGAIN),  # no point left standing
    ],
)
def test_the_suggestion_counts_covered_points_less_contradicted_ones(statuses, rating):
    points = [PointAssessment(key_point_id=n, text="", status=status) for n, status in enumerate(statuses)]
    assert suggested_rating_for(points) == rating


@pytest.fixture
def bare_question(db) -> Question:
    guide = Guide.objects.create(slug="bare", title="Bare")
    return Question.objects.create(
        guide=guide,
        number=1,
        section="Basics",
        prompt="What is gradient descent?",
        answer=(
            "Gradient descent is an iterative optimization algorithm that minimizes the loss function by "
            "updating the parameters in the direction of the negative gradient. The learning rate sets the "
            "step size; stochastic gradient descent uses mini-batches of the training data."
        ),
    )


@pytest.mark.parametrize("answer", ["", "no idea", "A cooking recipe: mix flour and eggs, then bake."])
def test_a_question_without_key_points_never_suggests_good_for_nothing(bare_question, answer):
    assessment = grade(bare_question, answer)
    assert not assessment.has_key_points
    assert "no key points" in assessment.note
    assert assessment.suggested_rating == Rating.AGAIN


def test_a_question_without_key_points_is_checked_against_its_model_answer(bare_question):
    assessment = grade(bare_question, bare_question.answer)
    assert assessment.covered == []  # no key point ids to tick
    assert "gradient" not in [point.text for point in assessment.points]  # the prompt's words do not count
    assert assessment.suggested_rating == Rating.GOOD


def test_irrelevant_answers_and_another_questions_model_answer_get_again(ml_guide):
    question = Question.objects.get(guide=ml_guide, number=2)
    other = Question.objects.get(guide=ml_guide, number=3)
    for answer in ["It depends. I have never used Docker.", other.answer, "mix the flour"]:
        assert grade(question, answer).suggested_rating == Rating.AGAIN


def write(tmp_path, text: str):
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_structured_key_points_parse_with_concepts_and_contrast(tmp_path):
    path = write(
        tmp_path,
        "questions:\n  1:\n    key_points:\n"
        "      - text: A CNN suits images.\n"
        "        concepts:\n          - [cnn, convolutional]\n          - image | picture\n"
        "        contrast: [sequence]\n"
        "      - {text: Old style, terms: [rnn, recurrent]}\n",
    )
    points = load_annotations(path).questions[1].key_points
    assert points[0].concepts == [["cnn", "convolutional"], ["image", "picture"]]
    assert points[0].contrast == ["sequence"]
    assert points[0].terms == ["cnn", "convolutional", "image", "picture"]
    assert points[1].concepts == [["rnn", "recurrent"]]


def test_the_importer_refuses_a_generic_only_term_list_naming_the_line(tmp_path):
    path = write(
        tmp_path,
        "questions:\n  1:\n    key_points:\n      - {text: A, terms: [smote]}\n"
        "      - {text: It depends on the data., terms: [depends, mix, mean]}\n",
    )
    with pytest.raises(ValidationError) as error:
        load_annotations(path)
    assert error.value.messages[0].startswith(
        "a.yaml: Q1, line 5: key point 'It depends on the data.' has only generic"
    )


def test_a_key_point_with_both_terms_and_concepts_is_refused(tmp_path):
    path = write(
        tmp_path,
        "questions:\n  1:\n    key_points:\n      - {text: A, terms: [smote], concepts: [[smote]]}\n"
        "      - {text: B, terms: [rnn]}\n",
    )
    with pytest.raises(ValidationError, match="line 4: key point 'A' has both terms and concepts"):
        load_annotations(path)


def test_imported_rules_reach_the_database(ml_guide):
    structured = KeyPoint.objects.filter(question__guide=ml_guide).exclude(concepts=[])
    for point in structured:
        assert len(point.concepts) > 1 or point.contrast
        assert set(point.terms) == {term for concept in point.concepts for term in concept}


def test_an_assessment_as_json_is_what_its_fields_give_as_json():
    """to_json is written out for speed: it must stay equal to the JSON of every field, new ones included."""
    points = (
        PointAssessment(
            key_point_id=1, text="A point.", status=COVERED, evidence="said", spans=((0, 4), (9, 12))
        ),
        PointAssessment(key_point_id=None, text="A term.", status=MISSING),
    )
    assessment = Assessment(
        points=points,
        suggested_rating=Rating.HARD,
        grader=LEXICAL,
        has_key_points=False,
        note="A note.",
        feedback="Some feedback.",
        digest="abc",
        extra={"llm_queued": True, "usage": (1, 2)},
    )
    expected = json.loads(json.dumps(dataclasses.asdict(assessment)))
    assert assessment.to_json() == expected
    assert json.dumps(assessment.to_json()) == json.dumps(expected)  # the same types and the same order
    assert Assessment.from_json(assessment.to_json()) == replace(
        assessment, extra={"llm_queued": True, "usage": [1, 2]}
    )


def test_threads_stemming_at_once_each_get_their_own_words_right():
    """Answers graded at the same moment in two threads (a threaded worker, a concurrent test) stem correctly:
    a stemmer shared between them mixes up the words it is working on."""
    words = [
        f"{root}{suffix}"
        for root in ("generaliz", "regulariz", "normaliz", "optimiz")
        for suffix in ("ational", "ations", "ing", "ers", "ement")
    ] * 400
    expected = [stem.__wrapped__(word) for word in words]  # one thread, bypassing the cache
    results: dict[int, list[str] | BaseException] = {}

    def stem_all(index: int) -> None:
        try:
            results[index] = [stem.__wrapped__(word) for word in words]
        except Exception as error:  # a corrupted stemmer can index past its word
            results[index] = error

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, so the stemmers' work interleaves
    try:
        threads = [threading.Thread(target=stem_all, args=(index,)) for index in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert results == dict.fromkeys(range(4), expected)
