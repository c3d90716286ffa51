"""Topic, key-point and editorial annotations for a guide, kept in a reviewable YAML file in fixtures/annotations/.

Format (fixtures/annotations/README.md explains how to write and review them)::

    title: Machine Learning Engineer Interview Guide
    editor_note: A note on the guide as a whole.
    topics:
      - {slug: data-preprocessing, name: Data preprocessing, description: ...}
    siblings:
      - [6, 20, 32]
    questions:
      1:
        topics: [learning-paradigms]
        difficulty: basic
        kind: comparison
        editor_note: A short correction or completion of the model answer.
        key_points:
          - {text: Supervised learning trains on labelled data., terms: [labeled, labelled]}
          - text: A CNN is designed for grid-like data such as images.
            concepts:                    # all must meet in one clause of the answer
              - [cnn, convolutional]     # each concept: its synonyms and abbreviations
              - image | picture | grid   # (a list, or one string with "|")
            contrast: [sequence, time series]   # paired with the first concept, the statement is false

A plain ``terms`` list is one concept (any term covers the point). A point whose terms are all generic
words (interview/grading/text.py) is refused with its line, since generic words never cover a point alone.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from interview.grading.text import is_generic, stems
from interview.models import Difficulty, QuestionKind

MIN_KEY_POINTS = 2
MAX_KEY_POINTS = 5
# A note is read under the model answer: a short paragraph, not an essay.
EDITOR_NOTE_MAX_LENGTH = 700


@dataclass(frozen=True)
class TopicAnnotation:
    slug: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class KeyPointAnnotation:
    text: str
    terms: list[str]  # every synonym of every concept, for display and the API
    concepts: list[list[str]] = field(default_factory=list)
    contrast: list[str] = field(default_factory=list)


class _LineLoader(yaml.SafeLoader):
    """A safe loader whose mappings remember their line, so errors can name it."""


class _LineDict(dict):
    line: int = 0


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _LineDict:
    mapping = _LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass(frozen=True)
class QuestionAnnotation:
    topics: list[str]
    difficulty: str | None
    kind: str | None
    key_points: list[KeyPointAnnotation] = field(default_factory=list)
    editor_note: str = ""


@dataclass(frozen=True)
class GuideAnnotations:
    title: str = ""
    topics: list[TopicAnnotation] = field(default_factory=list)
    questions: dict[int, QuestionAnnotation] = field(default_factory=dict)
    editor_note: str = ""
    siblings: list[tuple[int, ...]] = field(default_factory=list)

    def siblings_of(self, number: int) -> list[int]:
        """The other questions of the sibling group the question belongs to."""
        for group in self.siblings:
            if number in group:
                return [other for other in group if other != number]
        return []


def _fail(source: str, message: str) -> ValidationError:
    return ValidationError(f"{source}: {message}")


def _parse_editor_note(raw: object, where: str) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise ValidationError(f"{where}: editor_note must be text.")
    note = " ".join(raw.split())
    if len(note) > EDITOR_NOTE_MAX_LENGTH:
        raise ValidationError(
            f"{where}: editor_note has {len(note)} characters; keep it to {EDITOR_NOTE_MAX_LENGTH}."
        )
    return note


def _parse_siblings(raw: object, source: str) -> list[tuple[int, ...]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _fail(source, "siblings must be a list of groups of question numbers.")
    groups: list[tuple[int, ...]] = []
    seen: set[int] = set()
    for group in raw:
        if (
            not isinstance(group, list)
            or len(group) < 2
            or not all(isinstance(number, int) and not isinstance(number, bool) for number in group)
        ):
            raise _fail(
                source, f"every sibling group is a list of two or more question numbers, got {group!r}."
            )
        if len(set(group)) != len(group) or seen & set(group):
            repeated = sorted(number for number in group if number in seen or group.count(number) > 1)
            listed = ", ".join(f"Q{number}" for number in repeated)
            raise _fail(source, f"a question belongs to at most one sibling group: {listed}.")
        seen |= set(group)
        groups.append(tuple(group))
    return groups


def _parse_topic(raw: object, source: str) -> TopicAnnotation:
    if not isinstance(raw, dict) or not raw.get("slug") or not raw.get("name"):
        raise _fail(source, f"every topic needs a slug and a name, got {raw!r}.")
    slug = str(raw["slug"])
    if slugify(slug) != slug:
        raise _fail(source, f"topic slug {slug!r} must be lowercase letters, digits and hyphens.")
    return TopicAnnotation(slug=slug, name=str(raw["name"]), description=str(raw.get("description", "")))


def _parse_question(number: int, raw: object, topic_slugs: set[str], source: str) -> QuestionAnnotation:
    where = f"{source}: Q{number}"
    if not isinstance(raw, dict):
        raise ValidationError(f"{where} must be a mapping.")
    topics = raw.get("topics") or []
    if not isinstance(topics, list):
        raise ValidationError(f"{where}: topics must be a list of topic slugs.")
    topics = [str(slug) for slug in topics]
    unknown = [slug for slug in topics if slug not in topic_slugs]
    if unknown:
        raise ValidationError(f"{where} names unknown topics: {', '.join(unknown)}.")
    difficulty = raw.get("difficulty")
    if difficulty is not None and difficulty not in Difficulty.values:
        raise ValidationError(f"{where}: difficulty must be one of {', '.join(Difficulty.values)}.")
    kind = raw.get("kind")
    if kind is not None and kind not in QuestionKind.values:
        raise ValidationError(f"{where}: kind must be one of {', '.join(QuestionKind.values)}.")
    key_points = [_parse_key_point(point, where) for point in raw.get("key_points") or []]
    if key_points and not MIN_KEY_POINTS <= len(key_points) <= MAX_KEY_POINTS:
        raise ValidationError(
            f"{where} has {len(key_points)} key points; a question has {MIN_KEY_POINTS} to {MAX_KEY_POINTS}."
        )
    return QuestionAnnotation(
        topics=topics,
        difficulty=difficulty,
        kind=kind,
        key_points=key_points,
        editor_note=_parse_editor_note(raw.get("editor_note"), where),
    )


def _term_list(raw: object, what: str, where: str) -> list[str]:
    if isinstance(raw, str) and "|" in raw:
        raw = raw.split("|")
    if not isinstance(raw, list):
        raise ValidationError(f"{where}: {what} must be a list.")
    return [str(term).strip().lower() for term in raw if str(term).strip()]


def _parse_key_point(point: object, where: str) -> KeyPointAnnotation:
    if not isinstance(point, dict) or not str(point.get("text", "")).strip():
        raise ValidationError(f"{where}: every key point needs a text.")
    text = str(point["text"]).strip()
    where = f"{where}, line {point.line}" if getattr(point, "line", 0) else where
    if "terms" in point and "concepts" in point:
        raise ValidationError(f"{where}: key point {text!r} has both terms and concepts; keep one.")
    if "concepts" in point:
        raw_concepts = point["concepts"]
        if not isinstance(raw_concepts, list):
            raise ValidationError(f"{where}: the concepts of {text!r} must be a list.")
        concepts = [_term_list(concept, f"each concept of {text!r}", where) for concept in raw_concepts]
        concepts = [concept for concept in concepts if concept]
    else:
        terms = _term_list(point.get("terms") or [], f"the terms of {text!r}", where)
        concepts = [terms] if terms else []
    if not concepts:
        raise ValidationError(f"{where}: key point {text!r} needs at least one term.")
    contrast = _term_list(point.get("contrast") or [], f"the contrast of {text!r}", where)
    every_term = [term for concept in concepts for term in concept]
    if all(is_generic(stems(term)) for term in every_term):
        raise ValidationError(
            f"{where}: key point {text!r} has only generic words ({', '.join(every_term)}), "
            "which any answer may use; add a term specific to the point."
        )
    return KeyPointAnnotation(
        text=text, terms=list(dict.fromkeys(every_term)), concepts=concepts, contrast=contrast
    )


def load_annotations(path: Path) -> GuideAnnotations:
    """Read and validate an annotations file; raise ValidationError naming what is wrong."""
    source = path.name
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader) or {}  # a SafeLoader
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise _fail(source, f"cannot be read: {error}") from error
    if not isinstance(raw, dict):
        raise _fail(source, "must be a mapping with title, topics and questions.")
    if not isinstance(raw.get("topics") or [], list):
        raise _fail(source, "topics must be a list.")
    topics = [_parse_topic(item, source) for item in raw.get("topics") or []]
    topic_slugs = {topic.slug for topic in topics}
    if not isinstance(raw.get("questions") or {}, dict):
        raise _fail(source, "questions must be a mapping from question number to its annotations.")
    questions = {}
    for number, item in (raw.get("questions") or {}).items():
        if not isinstance(number, int):
            raise _fail(source, f"question keys must be numbers, got {number!r}.")
        questions[number] = _parse_question(number, item, topic_slugs, source)
    return GuideAnnotations(
        title=str(raw.get("title") or ""),
        topics=topics,
        questions=questions,
        editor_note=_parse_editor_note(raw.get("editor_note"), source),
        siblings=_parse_siblings(raw.get("siblings"), source),
    )
