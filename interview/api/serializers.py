from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from interview.models import CodeSnippet, KeyPoint, Question, Topic
from interview.selectors.content import question_detail_queryset, with_question_details


class TopicSerializer(serializers.ModelSerializer):
    question_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Topic
        fields = ["slug", "name", "description", "question_count"]


class CodeSnippetSerializer(serializers.ModelSerializer):
    class Meta:
        model = CodeSnippet
        fields = ["language", "code"]


class KeyPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyPoint
        fields = ["id", "text", "terms"]


class QuestionSerializer(serializers.ModelSerializer):
    guide = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    topics = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    code_snippets = CodeSnippetSerializer(source="snippets", many=True, read_only=True)
    key_points = KeyPointSerializer(many=True, read_only=True)
    siblings = serializers.SerializerMethodField(
        help_text="Ids of the active near-duplicate questions (practice shows at most one of them a day)."
    )

    class Meta:
        model = Question
        fields = [
            "id",
            "guide",
            "number",
            "section",
            "prompt",
            "answer",
            "editor_note",
            "code_snippets",
            "topics",
            "difficulty",
            "kind",
            "key_points",
            "siblings",
            "is_active",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_siblings(self, question: Question) -> list[int]:
        # Filtered here too, so a question read without the bank's prefetch lists no retired sibling.
        return [sibling.pk for sibling in question.siblings.all() if sibling.is_active]


# QuestionSerializer's data per (question id, bank version), in this process: a question asked for again and
# again (the one on screen, the next in a session) costs no reads of its details. Any committed change to the
# bank gives it a new version (services.content.content_changed), so no process serves an old rendering.
_renderings: dict[tuple[int, str], dict] = {}
RENDERINGS_KEPT = 2_000  # a few hundred questions, a few versions each; past it, start again


def question_rendering(
    question_id: int, content_version: str | None, question: Question | None = None
) -> dict:
    """QuestionSerializer's data for the question, kept while the bank keeps ``content_version`` (read no
    earlier than the question; None: the version is unknown, so nothing is kept). ``question``: the question
    if already read (with its guide), to render without reading it again."""
    key = (question_id, content_version or "")
    data = _renderings.get(key) if content_version else None
    if data is None:
        if question is not None:
            question = with_question_details(question)
        else:
            question = question_detail_queryset().get(pk=question_id)
        data = dict(QuestionSerializer(question).data)
        if content_version:
            if len(_renderings) >= RENDERINGS_KEPT:
                _renderings.clear()
            _renderings[key] = data
    return data


def forget_question_renderings() -> None:
    """Drop every rendering kept in this process (tests start from none)."""
    _renderings.clear()
