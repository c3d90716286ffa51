"""Question sets over the API."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from rest_framework import permissions, serializers, viewsets

from config.api import NOT_BLANK, StrictInput
from interview.api.fields import MAX_ID
from interview.limits import MAX_SET_QUESTIONS
from interview.models import QuestionSet
from interview.selectors import mentoring as see
from interview.services import mentoring as mentoring_service


class QuestionIdsField(serializers.ListField):
    """The set's question ids in order: read from its items, written as a list."""

    def get_attribute(self, instance: QuestionSet) -> list[int]:
        return [item.question_id for item in instance.items.all()]


class QuestionSetSerializer(StrictInput, serializers.ModelSerializer):
    questions = QuestionIdsField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=MAX_SET_QUESTIONS,
        help_text="Question ids, in order.",
    )

    class Meta:
        model = QuestionSet
        fields = ["id", "title", "description", "questions", "copied_from", "created_at", "updated_at"]
        read_only_fields = ["copied_from", "created_at", "updated_at"]
        extra_kwargs = {"title": {"validators": [NOT_BLANK]}}


class QuestionSetViewSet(viewsets.ModelViewSet):
    """The mentor's question sets: ordered question ids, a title and a description."""

    lookup_value_regex = "[0-9]+"

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = QuestionSetSerializer
    queryset = QuestionSet.objects.none()

    def get_queryset(self) -> QuerySet[QuestionSet]:
        if getattr(self, "swagger_fake_view", False):
            return QuestionSet.objects.none()
        return see.question_sets_of(self.request.user).prefetch_related("items")

    def perform_create(self, serializer: QuestionSetSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = mentoring_service.question_set_save(
            owner=self.request.user,
            title=data["title"],
            description=data.get("description", ""),
            question_ids=data.get("questions", []),
        )

    def perform_update(self, serializer: QuestionSetSerializer) -> None:
        current = serializer.instance
        data = serializer.validated_data
        serializer.instance = mentoring_service.question_set_save(
            owner=self.request.user,
            question_set=current,
            title=data.get("title", current.title),
            description=data.get("description", current.description),
            question_ids=data["questions"]
            if "questions" in data
            else [item.question_id for item in current.items.all()],
        )

    def perform_destroy(self, question_set: QuestionSet) -> None:
        try:
            mentoring_service.question_set_delete(owner=self.request.user, question_set=question_set)
        except ValidationError as error:
            raise serializers.ValidationError({"detail": error.messages[0]}) from error
