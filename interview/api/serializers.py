from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from interview.models import CodeSnippet, KeyPoint, Question, Topic


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
