"""Writes to the question bank: importing a guide and its annotations."""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction

from interview.annotations import GuideAnnotations, QuestionAnnotation
from interview.bank_cache import bank_changed
from interview.guide_format import ParsedGuide, ParsedQuestion, parse_guide
from interview.models import (
    CodeSnippet,
    ContentVersion,
    Difficulty,
    Guide,
    KeyPoint,
    Question,
    QuestionKind,
    Topic,
)


@dataclass(frozen=True)
class ImportReport:
    guide: Guide
    created: int
    updated: int
    retired: int


def content_changed() -> None:
    """Retire every question rendering kept in memory (api.serializers.question_rendering), in every process,
    and the bank's figures this process keeps (interview.bank_cache: other processes read them again within
    its KEEP_SECONDS).

    Call it in the transaction of a write to the bank that bypasses model signals (``update()``, raw SQL):
    interview.signals calls it for every save and delete of a bank model and every change of its links.
    A new random token rather than a counter: a rolled-back transaction (or test) can never bring back a token
    that renderings of other content were kept under.
    """
    token = uuid.uuid4().hex
    if not ContentVersion.objects.update(token=token):  # the row is gone (a flushed test database)
        ContentVersion.objects.get_or_create(pk=1, defaults={"token": token})
    bank_changed()


def default_difficulty(section: str) -> str:
    """A section heading such as "Advanced Interview Questions" names the difficulty."""
    for difficulty in (Difficulty.ADVANCED, Difficulty.INTERMEDIATE):
        if difficulty.label.lower() in section.lower():
            return difficulty
    return Difficulty.BASIC


def default_kind(parsed: ParsedQuestion) -> str:
    if parsed.snippets:
        return QuestionKind.CODE
    if re.search(r"\bdifference\b|\bcompare\b|\bversus\b|\bvs\.?\b", parsed.prompt, re.IGNORECASE):
        return QuestionKind.COMPARISON
    if re.match(r"how (do|would|can|should) you\b", parsed.prompt, re.IGNORECASE):
        return QuestionKind.HOW_TO
    return QuestionKind.CONCEPT


def _check_annotations_match(parsed: ParsedGuide, annotations: GuideAnnotations) -> None:
    numbers = {question.number for question in parsed.questions}
    named = set(annotations.questions) | {number for group in annotations.siblings for number in group}
    unknown = sorted(named - numbers)
    if unknown:
        listed = ", ".join(f"Q{number}" for number in unknown)
        raise ValidationError(f"The annotations describe questions the guide does not have: {listed}.")


def _save_topics(annotations: GuideAnnotations) -> dict[str, Topic]:
    topics = {}
    for position, topic in enumerate(annotations.topics):
        topics[topic.slug], _ = Topic.objects.update_or_create(
            slug=topic.slug,
            defaults={"name": topic.name, "description": topic.description, "position": position},
        )
    return topics


def _save_snippets(question: Question, parsed: ParsedQuestion) -> None:
    for position, snippet in enumerate(parsed.snippets):
        CodeSnippet.objects.update_or_create(
            question=question,
            position=position,
            defaults={"language": snippet.language, "code": snippet.code},
        )
    question.snippets.filter(position__gte=len(parsed.snippets)).delete()


def _save_siblings(guide: Guide, annotations: GuideAnnotations) -> None:
    """Make the guide's sibling links exactly the annotated groups (links are symmetrical)."""
    by_number = {question.number: question for question in guide.questions.all()}
    for number, question in by_number.items():
        question.siblings.set([by_number[other] for other in annotations.siblings_of(number)])


def _save_annotation(question: Question, annotation: QuestionAnnotation, topics: dict[str, Topic]) -> None:
    question.topics.set([topics[slug] for slug in annotation.topics])
    for position, point in enumerate(annotation.key_points):
        KeyPoint.objects.update_or_create(
            question=question,
            position=position,
            defaults={
                "text": point.text,
                "terms": point.terms,
                "concepts": point.concepts if len(point.concepts) > 1 or point.contrast else [],
                "contrast": point.contrast,
            },
        )
    question.key_points.filter(position__gte=len(annotation.key_points)).delete()


@transaction.atomic
def guide_import(
    *,
    text: str,
    slug: str,
    source_file: str,
    title: str = "",
    annotations: GuideAnnotations | None = None,
    owner=None,
    max_questions: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Create or update a guide from its text; questions match by number and are never deleted.

    Questions missing from the text are retired (is_active=False) so their history stays attached.
    The guide's own text is stored exactly as parsed; annotations only add to it (topics, key points,
    editors' notes, siblings). Without annotations, those of an earlier import are kept.
    Raises GuideFormatError or ValidationError, leaving the database unchanged. `progress(done, total)` is
    told how many questions are written, from (0, total) on.
    """
    parsed = parse_guide(text)
    annotated = annotations is not None
    if max_questions is not None and len(parsed.questions) > max_questions:
        raise ValidationError(
            {
                "file": f"The file holds {len(parsed.questions):,} questions; at most {max_questions:,} fit here."
            }
        )
    annotations = annotations or GuideAnnotations()
    _check_annotations_match(parsed, annotations)

    existing_guide = Guide.objects.filter(slug=slug).first()
    if existing_guide is not None and existing_guide.owner_id != (owner.pk if owner else None):
        raise ValidationError(f"The guide {slug!r} belongs to someone else.")
    title = (
        title
        or annotations.title
        or parsed.title
        or (existing_guide.title if existing_guide else "")
        or slug.replace("-", " ").capitalize()
    )
    for name, value in {"title": title, "tips_heading": parsed.tips_heading}.items():
        field = Guide._meta.get_field(name)
        assert isinstance(field, models.CharField)  # both are; this tells the type checker
        if len(value) > (field.max_length or 0):
            raise ValidationError(
                {
                    name: f"The {field.verbose_name} is {len(value):,} characters long; at most {field.max_length} fit."
                }
            )
    guide, _ = Guide.objects.update_or_create(
        slug=slug,
        defaults={
            "title": title,
            "intro": "\n\n".join(parsed.intro),
            "tips_heading": parsed.tips_heading,
            "closing_tips": parsed.tips,
            "closing_text": "\n\n".join(parsed.closing),
            "source_file": source_file,
            "owner": owner,
            **({"editor_note": annotations.editor_note} if annotated else {}),
        },
    )
    topics = _save_topics(annotations)
    existing = {question.number: question for question in guide.questions.all()}
    created = updated = 0
    if progress:
        progress(0, len(parsed.questions))
    for done, item in enumerate(parsed.questions, start=1):
        annotation = annotations.questions.get(item.number)
        question = existing.get(item.number) or Question(guide=guide, number=item.number)
        is_new = question.pk is None
        question.section = item.section
        question.prompt = item.prompt
        question.answer = item.answer
        question.is_active = True
        if annotation and annotation.difficulty:
            question.difficulty = annotation.difficulty
        elif is_new:
            question.difficulty = default_difficulty(item.section)
        if annotation and annotation.kind:
            question.kind = annotation.kind
        elif is_new:
            question.kind = default_kind(item)
        if annotation:
            question.editor_note = annotation.editor_note
        question.full_clean(exclude=["guide"], validate_unique=False, validate_constraints=False)
        question.save()
        _save_snippets(question, item)
        if annotation:
            _save_annotation(question, annotation, topics)
        created += is_new
        updated += not is_new
        if progress:
            progress(done, len(parsed.questions))

    if annotated:
        _save_siblings(guide, annotations)

    seen = {item.number for item in parsed.questions}
    retired = guide.questions.filter(is_active=True).exclude(number__in=seen).update(is_active=False)
    content_changed()  # an update() sends no signal
    return ImportReport(guide=guide, created=created, updated=updated, retired=retired)
