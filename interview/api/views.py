from django.db.models import QuerySet
from rest_framework import permissions, viewsets
from rest_framework.routers import APIRootView

from interview.api.filters import QuestionFilter
from interview.api.serializers import QuestionSerializer, TopicSerializer
from interview.models import Question, Topic
from interview.selectors.content import question_detail_queryset, topics_with_counts


class PublicAPIRootView(APIRootView):
    """The list of endpoints, open to everyone like the public bank."""

    permission_classes = [permissions.AllowAny]


class TopicViewSet(viewsets.ReadOnlyModelViewSet):
    """Topics that have active questions, with their question counts."""

    permission_classes = [permissions.AllowAny]
    serializer_class = TopicSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Topic]:
        return topics_with_counts()


class QuestionViewSet(viewsets.ReadOnlyModelViewSet):
    """Active questions of the bank, filterable by topic, difficulty and search words."""

    lookup_value_regex = "[0-9]+"

    permission_classes = [permissions.AllowAny]
    serializer_class = QuestionSerializer
    filterset_class = QuestionFilter

    def get_queryset(self) -> QuerySet[Question]:
        questions = question_detail_queryset()
        if self.action == "list":
            # The bank's list is the public bank; a mentor's own questions open by id for those who may see them.
            return questions.public().order_by("guide__title", "number")
        return questions.visible_to(self.request.user).active().order_by("guide__title", "number")
