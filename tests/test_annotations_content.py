"""Editors' notes, sibling groups and the guide's own text: what the annotations may add and never change."""

import dataclasses
import re

import pytest
from django.core.exceptions import ValidationError

from interview.annotations import GuideAnnotations, load_annotations
from interview.models import Guide, KeyPoint, Question
from interview.services.content import guide_import
from tests.conftest import ANNOTATIONS_PATH, GUIDE_PATH, GUIDE_SLUG

pytestmark = pytest.mark.django_db

NOTED_QUESTIONS = {3, 7, 15, 17, 24, 25, 28, 29, 31, 33, 36, 41, 42, 46, 48}
SIBLING_GROUPS = [(6, 20, 32), (7, 46), (9, 29), (13, 37), (22, 34)]


def read_source_questions() -> dict[int, tuple[str, str, str]]:
    """Prompt, answer and code of each question, read straight from the source file (not with the app's parser)."""
    lines = GUIDE_PATH.read_bytes().decode("utf-8").split("\n")
    questions: dict[int, list[str]] = {}
    current = None
    for line in lines:
        if line.startswith("Tips to Ace"):
            break
        match = re.fullmatch(r"Q(\d+)\. (.+)", line)
        if match:
            current = int(match.group(1))
            questions[current] = [match.group(2)]
        elif current is not None:
            questions[current].append(line)
    return {number: (rest[0], rest[1], "\n".join(rest[2:])) for number, rest in questions.items()}


def stored_questions(guide: Guide) -> dict[int, tuple[str, str, str]]:
    return {
        question.number: (
            question.prompt,
            question.answer,
            "\n".join(snippet.code for snippet in question.snippets.order_by("position")),
        )
        for question in guide.questions.all()
    }


def test_the_source_read_finds_all_48_questions_with_their_code():
    source = read_source_questions()
    assert sorted(source) == list(range(1, 49))
    assert source[42][2].endswith("tf.keras.models.save_model(model, 'model.h5')")
    assert source[7][2] == ""


def test_the_guide_text_is_byte_identical_to_the_source_with_the_real_annotations(ml_guide):
    assert stored_questions(ml_guide) == read_source_questions()


def test_the_guide_text_is_byte_identical_whatever_the_annotations_say():
    """Annotations that contradict every answer and note every question still leave the text alone."""
    real = load_annotations(ANNOTATIONS_PATH)
    contrary = dataclasses.replace(
        real,
        title="Another title",
        editor_note="Everything here is wrong.",
        siblings=[tuple(range(1, 49))],
        questions={
            number: dataclasses.replace(
                annotation, editor_note=f"Q{number} answer is wrong: it says nothing."
            )
            for number, annotation in real.questions.items()
        },
    )

    guide = guide_import(
        text=GUIDE_PATH.read_text(encoding="utf-8"),
        slug=GUIDE_SLUG,
        source_file=GUIDE_PATH.name,
        annotations=contrary,
    ).guide

    assert stored_questions(guide) == read_source_questions()
    assert guide.questions.get(number=5).editor_note == "Q5 answer is wrong: it says nothing."


def test_the_ml_notes_are_on_the_questions_found_wrong_and_on_the_guide(ml_guide):
    noted = set(ml_guide.questions.exclude(editor_note="").values_list("number", flat=True))
    assert noted == NOTED_QUESTIONS
    assert '"40 questions"' in ml_guide.editor_note and "48" in ml_guide.editor_note
    q48 = ml_guide.questions.get(number=48)
    assert q48.editor_note.startswith("Plain SMOTE only oversamples")
    assert "undersampling the majority class" in q48.answer  # the guide's own words stay


def test_the_ml_siblings_are_symmetrical_groups(ml_guide):
    links = {
        question.number: sorted(sibling.number for sibling in question.siblings.all())
        for question in ml_guide.questions.prefetch_related("siblings")
    }
    assert links[6] == [20, 32] and links[20] == [6, 32] and links[32] == [6, 20]
    assert links[7] == [46] and links[46] == [7]
    assert links[9] == [29] and links[13] == [37] and links[22] == [34]
    grouped = {number for group in SIBLING_GROUPS for number in group}
    assert all(links[number] == [] for number in set(links) - grouped)


def test_the_ml_difficulties_no_longer_call_code_or_trade_offs_basic(ml_guide):
    counts = {
        level: ml_guide.questions.filter(difficulty=level).count()
        for level in ("basic", "intermediate", "advanced")
    }
    assert counts == {"basic": 23, "intermediate": 20, "advanced": 5}
    assert not ml_guide.questions.filter(kind="code", difficulty="basic").exists()


def test_no_key_point_scores_the_simple_versus_complex_platitude(ml_guide):
    terms = {term for point in KeyPoint.objects.filter(question__guide=ml_guide) for term in point.terms}
    assert not terms & {"simple", "simpler", "complex", "complexity", "h5", "model.h5", "weight sharing"}


def test_the_essentials_from_the_notes_are_key_points(ml_guide):
    def key_point_texts(number: int) -> str:
        return " ".join(ml_guide.questions.get(number=number).key_points.values_list("text", flat=True))

    assert "k scores are averaged" in key_point_texts(7)
    q41 = key_point_texts(41)
    assert "bagging" in q41 and "random subset of the features" in q41 and "reduces variance" in q41
    q28 = key_point_texts(28)
    assert "Target (mean) encoding" in q28 and "Frequency" in q28 and "hashing" in q28
    assert "TensorFlow Serving" in key_point_texts(42)


def test_reimport_keeps_notes_and_siblings_and_follows_annotation_changes(ml_guide):
    changed = load_annotations(ANNOTATIONS_PATH)
    changed = dataclasses.replace(
        changed,
        siblings=[(22, 34)],
        questions={**changed.questions, 3: dataclasses.replace(changed.questions[3], editor_note="")},
    )
    guide_import(
        text=GUIDE_PATH.read_text(encoding="utf-8"),
        slug=GUIDE_SLUG,
        source_file=GUIDE_PATH.name,
        annotations=changed,
    )

    assert Question.objects.get(guide=ml_guide, number=3).editor_note == ""
    assert list(Question.objects.get(guide=ml_guide, number=6).siblings.all()) == []
    assert [q.number for q in Question.objects.get(guide=ml_guide, number=34).siblings.all()] == [22]

    # Without annotations, an import keeps what the last annotated import set.
    guide_import(text=GUIDE_PATH.read_text(encoding="utf-8"), slug=GUIDE_SLUG, source_file=GUIDE_PATH.name)
    assert Question.objects.get(guide=ml_guide, number=48).editor_note.startswith("Plain SMOTE")
    assert Guide.objects.get(pk=ml_guide.pk).editor_note.startswith("The tips heading")
    assert [q.number for q in Question.objects.get(guide=ml_guide, number=22).siblings.all()] == [34]


def test_annotations_without_notes_or_siblings_still_load(tmp_path):
    path = tmp_path / "plain.yaml"
    path.write_text("questions:\n  1: {difficulty: basic}\n", encoding="utf-8")
    annotations = load_annotations(path)
    assert annotations.editor_note == "" and annotations.siblings == []
    assert annotations.questions[1].editor_note == ""


def test_a_note_is_one_paragraph_whatever_its_line_breaks(tmp_path):
    path = tmp_path / "notes.yaml"
    path.write_text("questions:\n  1:\n    editor_note: |\n      First line\n      second   line.\n")
    assert load_annotations(path).questions[1].editor_note == "First line second line."


def test_siblings_the_guide_lacks_are_refused_and_nothing_changes():
    annotations = GuideAnnotations(siblings=[(1, 9)])
    with pytest.raises(ValidationError, match="does not have: Q9"):
        guide_import(
            text="Intro.\nQ1. What is A?\nA.\nQ2. What is B?\nB.\n",
            slug="small",
            source_file="s.txt",
            annotations=annotations,
        )
    assert not Guide.objects.filter(slug="small").exists()
