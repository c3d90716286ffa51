"""Reads of the question bank: lists, search and filters shared by pages and the API."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core import serializers
from django.db import connection
from django.db.models import Count, Expression, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects

from interview.bank_cache import kept_for_bank
from interview.models import CodeSnippet, ContentVersion, Guide, KeyPoint, Question, Topic

SEARCH_CONFIG = "english"


class TopicCounts(TypedDict):
    """What topics_with_counts() annotates on each topic."""

    question_count: int


if TYPE_CHECKING:  # django-stubs-ext is a development dependency: the alias exists for the type checker only
    from django_stubs_ext import WithAnnotations

    TopicWithCount = WithAnnotations[Topic, TopicCounts]


def active_questions() -> QuerySet[Question]:
    """Questions offered to learners, with what their cards and pages show, in few queries."""
    return (
        Question.objects.public()
        .select_related("guide")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("position", "name")))
    )


def _question_details() -> list[Prefetch]:
    return [
        Prefetch("topics", queryset=Topic.objects.order_by("position", "name")),
        Prefetch("snippets", queryset=CodeSnippet.objects.order_by("position")),
        Prefetch("key_points", queryset=KeyPoint.objects.order_by("position")),
        Prefetch("siblings", queryset=Question.objects.filter(is_active=True).order_by("number")),
    ]


def question_detail_queryset() -> QuerySet[Question]:
    """All questions, retired ones included (history links to them), with everything a page shows."""
    return Question.objects.select_related("guide").prefetch_related(*_question_details())


def with_question_details(question: Question) -> Question:
    """A question already read (best with its guide) given what question_detail_queryset() reads with it,
    without reading the question again."""
    prefetch_related_objects([question], *_question_details())
    return question


# Each question's key points per bank version, in this process, as api.serializers.question_rendering keeps
# renderings: grading reads them for every check and every answer recorded.
_key_points: dict[tuple[int, str], QuerySet[KeyPoint]] = {}
KEY_POINTS_KEPT = 2_000  # a few hundred questions, a few versions each; past it, start again


def with_key_points(question: Question, version: str | None) -> Question:
    """The question with its key points read, as ``prefetch_related("key_points")`` would read them, kept while
    the bank keeps ``version`` (read no earlier than the question; None: unknown, nothing kept). The kept
    points are shared by the process's requests: read-only."""
    cache = question.__dict__.setdefault("_prefetched_objects_cache", {})
    if "key_points" in cache:
        return question
    key = (question.pk, version or "")
    kept = _key_points.get(key) if version else None
    if kept is None:
        prefetch_related_objects([question], "key_points")
        if version:
            if len(_key_points) >= KEY_POINTS_KEPT:
                _key_points.clear()
            _key_points[key] = cache["key_points"]  # prefetch_related_objects filled this very dict
    else:
        cache["key_points"] = kept
    return question


def forget_key_points() -> None:
    """Drop every question's key points kept in this process (tests start from none)."""
    _key_points.clear()


def version_now() -> Subquery:
    """The bank's version (content_version()), to read in the same statement as a question."""
    return Subquery(ContentVersion.objects.order_by("pk").values("token")[:1])


def content_version() -> str | None:
    """The bank's version: it changes with every committed write to what a question's rendering reads."""
    return ContentVersion.objects.order_by("pk").values_list("token", flat=True).first()


@dataclass(frozen=True)
class TopicSlugs:
    """Every topic's id by its slug, and the bank's version read before them: while the bank still has that
    version, they are current."""

    version: str | None
    ids: dict[str, int]


def topic_slugs() -> TopicSlugs:
    """Every topic's id by its slug, kept by the process (bank_cache: up to KEEP_SECONDS older than a change
    another process made, so compare ``version`` with one read later before trusting them). Read-only."""

    def read() -> TopicSlugs:
        version = content_version()  # first: the slugs read after it are at least as new
        return TopicSlugs(version=version, ids=dict(Topic.objects.values_list("slug", "pk")))

    return kept_for_bank("topic-slugs", read)


def topics_with_counts() -> "QuerySet[TopicWithCount]":
    """Topics with active public questions, each with ``question_count``, its number of them.

    The one definition of a topic's total: the bank's lists, the API, mastery and the cohort grid use it.
    """
    public = Q(questions__in=Question.objects.public())
    return (
        Topic.objects.annotate(question_count=Count("questions", filter=public, distinct=True))
        .filter(question_count__gt=0)
        .order_by("position", "name")
    )


class StoredSearchVector(Expression):
    """The question's stored ``search_vector`` column (migration 0011; PostgreSQL only, so no model field)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        # The base table's alias, which becomes U0 and the like when the search is used as a subquery.
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name('search_vector')}", []


def search_questions(questions: QuerySet[Question], text: str) -> QuerySet[Question]:
    """Full-text search of prompts, answers and editors' notes: ranked on PostgreSQL, every word elsewhere."""
    text = text.strip()
    if not text:
        return questions
    if connection.vendor == "postgresql":
        # Stored and GIN-indexed: the match uses the index, and ranking reads the column instead of
        # parsing every row's text on every keystroke.
        vector = StoredSearchVector()
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        # Stemmed words, or the exact text (which finds identifiers such as "tf.keras" too).
        return (
            questions.annotate(search_document=vector, search_rank=SearchRank(vector, query))
            .filter(
                Q(search_document=query)
                | Q(prompt__icontains=text)
                | Q(answer__icontains=text)
                | Q(editor_note__icontains=text)
            )
            .order_by("-search_rank", "guide", "number")
        )
    for word in text.split():
        questions = questions.filter(
            Q(prompt__icontains=word) | Q(answer__icontains=word) | Q(editor_note__icontains=word)
        )
    return questions


def filter_questions(
    questions: QuerySet[Question], *, topic: str = "", difficulty: str = "", search: str = ""
) -> QuerySet[Question]:
    """The bank's filters, used by the question list page and the API alike."""
    if topic:
        questions = questions.filter(topics__slug=topic)
    if difficulty:
        questions = questions.filter(difficulty=difficulty)
    return search_questions(questions, search)


def guide_fixture_json(guide: Guide) -> str:
    """The guide and all its content as a loaddata fixture with natural keys (stable across databases)."""
    questions = guide.questions.order_by("number")
    objects = [
        guide,
        *Topic.objects.filter(questions__guide=guide).distinct().order_by("position", "slug"),
        *questions.prefetch_related("topics"),
        *CodeSnippet.objects.filter(question__guide=guide).select_related("question__guide"),
        *KeyPoint.objects.filter(question__guide=guide).select_related("question__guide"),
    ]
    return (
        serializers.serialize(
            "json", objects, indent=2, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
        + "\n"
    )
