"""Importing a guide: content, annotations, idempotent re-import, retirement and refusals."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from interview.annotations import (
    EDITOR_NOTE_MAX_LENGTH,
    GuideAnnotations,
    QuestionAnnotation,
    load_annotations,
)
from interview.guide_format import GuideFormatError
from interview.models import CodeSnippet, Guide, KeyPoint, Question, Topic
from interview.selectors.content import guide_fixture_json
from interview.services import content as content_service
from interview.services.content import guide_import
from tests.conftest import ANNOTATIONS_PATH, GUIDE_PATH, GUIDE_SLUG, import_ml_guide

pytestmark = pytest.mark.django_db

FIXTURE_PATH = GUIDE_PATH.parent.parent / "ml-engineer.json"
SMALL_GUIDE = "Intro.\nQ1. What is A?\nA is a letter.\nQ2. What is B?\nB is another letter.\n"


def content_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count() for model in (Guide, Topic, Question, CodeSnippet, KeyPoint)
    }


def test_the_ml_guide_is_imported_whole(ml_guide):
    questions = ml_guide.questions.all()
    assert questions.count() == 48
    assert ml_guide.title == "Machine Learning Engineer Interview Guide"
    assert ml_guide.tips_heading.startswith("Tips to Ace")
    assert len(ml_guide.closing_tips) == 5
    assert "Did this help you?" not in ml_guide.closing_text
    q48 = questions.get(number=48)
    assert q48.prompt == "How do you handle imbalanced data using SMOTE?"
    assert [(s.language, s.code.splitlines()[0]) for s in q48.snippets.all()] == [
        ("python", "from imblearn.over_sampling import SMOTE")
    ]
    assert q48.kind == "code"


def test_every_question_has_a_topic_and_two_to_five_key_points(ml_guide):
    for question in ml_guide.questions.prefetch_related("topics", "key_points"):
        assert question.topics.all(), f"{question.label} has no topic"
        assert 2 <= len(question.key_points.all()) <= 5, f"{question.label} key points"
        for point in question.key_points.all():
            assert point.text and point.terms


def test_the_annotations_define_the_ml_topics():
    annotations = load_annotations(ANNOTATIONS_PATH)
    slugs = [topic.slug for topic in annotations.topics]
    assert {"data-preprocessing", "model-evaluation", "time-series", "deployment-mlops"} <= set(slugs)
    assert 7 <= len(slugs) <= 10
    assert sorted(annotations.questions) == list(range(1, 49))


def test_reimport_is_idempotent(ml_guide):
    before = content_counts()
    ids = list(Question.objects.order_by("number").values_list("id", flat=True))

    call_command("import_guide", str(GUIDE_PATH), slug=GUIDE_SLUG)

    assert content_counts() == before
    assert list(Question.objects.order_by("number").values_list("id", flat=True)) == ids


def test_reimport_updates_in_place_and_retires_missing_questions():
    report = guide_import(text=SMALL_GUIDE, slug="small", source_file="small.txt")
    assert (report.created, report.updated, report.retired) == (2, 0, 0)
    first = Question.objects.get(guide__slug="small", number=1)

    changed = "Intro.\nQ1. What is A, really?\nA is the first letter.\n"
    report = guide_import(text=changed, slug="small", source_file="small.txt")

    assert (report.created, report.updated, report.retired) == (0, 1, 1)
    first.refresh_from_db()
    assert first.prompt == "What is A, really?"
    assert first.answer == "A is the first letter."
    retired = Question.objects.get(guide__slug="small", number=2)
    assert retired.is_active is False
    assert retired.prompt == "What is B?"

    report = guide_import(text=SMALL_GUIDE, slug="small", source_file="small.txt")
    retired.refresh_from_db()
    assert retired.is_active is True
    assert Question.objects.filter(guide__slug="small").count() == 2


def test_a_malformed_file_changes_nothing(ml_guide):
    before = content_counts()
    broken = GUIDE_PATH.read_text(encoding="utf-8").replace(
        "Q20. How do you handle imbalanced data?\n", "Q20 How do you handle imbalanced data?\n"
    )
    broken = broken.replace("Supervised learning involves", "CHANGED learning involves", 1)

    with pytest.raises(GuideFormatError) as error:
        guide_import(text=broken, slug=GUIDE_SLUG, source_file="broken.txt")

    assert error.value.line == 42
    assert content_counts() == before
    assert Question.objects.get(guide=ml_guide, number=1).answer.startswith("Supervised learning")


def test_a_failure_half_way_leaves_nothing_half_imported(ml_guide, monkeypatch):
    changed = GUIDE_PATH.read_text(encoding="utf-8").replace(
        "Supervised learning involves", "CHANGED learning involves", 1
    )
    original_save_snippets = content_service._save_snippets

    def fail_on_q30(question, parsed):
        if question.number == 30:
            raise RuntimeError("disk full")
        original_save_snippets(question, parsed)

    monkeypatch.setattr(content_service, "_save_snippets", fail_on_q30)

    with pytest.raises(RuntimeError):
        guide_import(text=changed, slug=GUIDE_SLUG, source_file="changed.txt")

    assert Question.objects.get(guide=ml_guide, number=1).answer.startswith("Supervised learning")
    assert Guide.objects.get(slug=GUIDE_SLUG).source_file == "ml-engineer.txt"


def test_the_command_names_the_line_of_a_malformed_file(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_text("Intro.\nQ1. What is A?\nA.\nQ3 What is C?\nC.\n", encoding="utf-8")
    before = content_counts()

    with pytest.raises(CommandError, match=r"broken.txt, line 4: a question must look like"):
        call_command("import_guide", str(path))

    assert content_counts() == before


def test_the_command_refuses_a_missing_file_clearly():
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_guide", "/nonexistent/guide.txt")


def test_annotations_for_questions_the_guide_lacks_are_refused():
    annotations = GuideAnnotations(
        questions={7: QuestionAnnotation(topics=[], difficulty="basic", kind="concept")}
    )
    before = content_counts()

    with pytest.raises(ValidationError, match="Q7"):
        guide_import(text=SMALL_GUIDE, slug="small", source_file="s.txt", annotations=annotations)

    assert content_counts() == before


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("topics:\n  - {slug: a}\n", "every topic needs a slug and a name"),
        ("questions:\n  1: {topics: [missing]}\n", "Q1 names unknown topics: missing"),
        ("questions:\n  1: {difficulty: impossible}\n", "difficulty must be one of"),
        (
            "questions:\n  1:\n    key_points:\n      - {text: Only one, terms: [smote]}\n",
            "has 1 key points; a question has 2 to 5",
        ),
        (
            "questions:\n  1:\n    key_points:\n      - {text: No terms}\n      - {text: B, terms: [b]}\n",
            "needs at least one term",
        ),
        ("[not, a, mapping]\n", "must be a mapping"),
        ("questions:\n  1: {editor_note: [a, list]}\n", "Q1: editor_note must be text"),
        ("editor_note: 12\n", "editor_note must be text"),
        (
            f"questions:\n  1: {{editor_note: {'x' * (EDITOR_NOTE_MAX_LENGTH + 1)}}}\n",
            f"keep it to {EDITOR_NOTE_MAX_LENGTH}",
        ),
        ("siblings: {6: 20}\n", "siblings must be a list of groups"),
        ("siblings:\n  - [6]\n", "two or more question numbers"),
        ("siblings:\n  - [6, seven]\n", "two or more question numbers"),
        ("siblings:\n  - [6, 20]\n  - [20, 32]\n", "at most one sibling group: Q20"),
        ("siblings:\n  - [6, 6]\n", "at most one sibling group: Q6"),
    ],
)
def test_bad_annotations_are_refused_with_a_clear_message(tmp_path, yaml_text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ValidationError) as error:
        load_annotations(path)
    assert message in error.value.messages[0]
    assert error.value.messages[0].startswith("bad.yaml: ")


def test_the_fixture_is_exactly_what_the_importer_produces():
    KeyPoint.objects.all().delete()
    CodeSnippet.objects.all().delete()
    Question.objects.all().delete()
    Guide.objects.all().delete()
    Topic.objects.all().delete()

    guide = import_ml_guide()

    assert json.loads(guide_fixture_json(guide)) == json.loads(FIXTURE_PATH.read_text(encoding="utf-8"))


def test_the_fixture_loads_with_loaddata_into_an_empty_bank():
    KeyPoint.objects.all().delete()
    CodeSnippet.objects.all().delete()
    Question.objects.all().delete()
    Guide.objects.all().delete()
    Topic.objects.all().delete()

    call_command("loaddata", str(FIXTURE_PATH), verbosity=0)
    call_command("loaddata", str(FIXTURE_PATH), verbosity=0)

    guide = Guide.objects.get(slug=GUIDE_SLUG)
    assert guide.questions.count() == 48
    assert CodeSnippet.objects.count() == 7
    assert Question.objects.get(number=44).snippets.get().language == "r"
    assert KeyPoint.objects.filter(question__guide=guide).count() >= 96
    assert guide.editor_note.startswith("The tips heading")
    assert guide.questions.get(number=48).editor_note.startswith("Plain SMOTE only oversamples")
    assert sorted(q.number for q in guide.questions.get(number=20).siblings.all()) == [6, 32]


@pytest.mark.parametrize("slug", ["Bad Slug!", "x" * 81])
def test_the_command_refuses_a_slug_that_cannot_be_a_url(slug):
    before = content_counts()
    with pytest.raises(CommandError, match="must be lowercase letters, digits and hyphens"):
        call_command("import_guide", str(GUIDE_PATH), slug=slug)
    assert content_counts() == before


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("questions:\n  - 1\n", "questions must be a mapping"),
        ("topics: {a: b}\n", "topics must be a list"),
        (
            "questions:\n  1:\n    key_points:\n"
            "      - {text: A, terms: abc}\n      - {text: B, terms: [b]}\n",
            "must be a list",
        ),
    ],
)
def test_annotations_of_the_wrong_shape_are_refused(tmp_path, yaml_text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        load_annotations(path)
