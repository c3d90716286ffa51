"""Practice over the API: the same services as the pages."""

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import StrictInput
from config.throttling import ScopedRateThrottle
from interview.api.feedback import FeedbackSerializer, FeedbackWriteSerializer
from interview.api.fields import MAX_ID, StorableIsoDateTimeFilter
from interview.api.filters import StrictFilterSet
from interview.api.serializers import QuestionSerializer, question_rendering
from interview.limits import ANSWER_MAX_LENGTH, MAX_DURATION_MS
from interview.models import Assignment, Attempt, PracticeMode, Question, Rating, Topic
from interview.selectors.content import (
    TopicSlugs,
    topic_slugs,
    version_now,
    with_key_points,
)
from interview.selectors.mentoring import assignments_of_learner, attempts_visible_to
from interview.selectors.practice import (
    Reopened,
    api_open_session,
    api_session_reopened,
    attempts_of,
    questions_not_reached,
)
from interview.services import mentoring as mentoring_service
from interview.services import practice as practice_service

API_MODES = [
    PracticeMode.TODAY,
    PracticeMode.DUE,
    PracticeMode.NEW,
    PracticeMode.TOPIC,
    PracticeMode.WEAKEST,
    PracticeMode.MISTAKES,
    PracticeMode.ASSIGNMENT,
]


class TopicSlugField(serializers.SlugRelatedField):
    """A topic by its slug: from the process's kept slugs when the context has them ("topic_slugs"), else (and
    for a slug not among them) read as SlugRelatedField reads it, with its errors."""

    def to_internal_value(self, data: object) -> Topic:
        slugs = self.context.get("topic_slugs")
        if slugs is not None and isinstance(data, str) and data in slugs.ids:
            return Topic.from_db(Topic.objects.db, ["id", "slug"], [slugs.ids[data], data])
        return super().to_internal_value(data)


class NextQuerySerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=[(mode.value, mode.label) for mode in API_MODES])
    topic = TopicSlugField(slug_field="slug", queryset=Topic.objects.all(), required=False)
    assignment = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)

    def validate(self, data: dict) -> dict:
        if data["mode"] != PracticeMode.ASSIGNMENT:
            # Only the assignment mode reads it: kept, each call would look for a session of this mode for that
            # assignment, find none and plan another.
            data.pop("assignment", None)
        if data["mode"] == PracticeMode.TODAY and "topic" in data:
            # Today's session is every topic's due reviews and new questions, as on the site.
            raise serializers.ValidationError(
                {"topic": "The today mode covers every topic: leave out topic."}
            )
        if data["mode"] == PracticeMode.TOPIC and "topic" not in data:
            raise serializers.ValidationError({"topic": "The topic mode needs a topic slug."})
        if data["mode"] == PracticeMode.ASSIGNMENT:
            assignment = (
                assignments_of_learner(self.context["user"], self.context["now"])
                .filter(pk=data.get("assignment"))
                .first()
            )
            if assignment is None:
                raise serializers.ValidationError({"assignment": "Give the id of one of your assignments."})
            data["assignment"] = assignment
        return data


class PracticeNextView(APIView):
    """The next question to practise in a mode, with the token that records its attempt; 204 when none is left."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "mode", OpenApiTypes.STR, enum=[mode.value for mode in API_MODES], required=True
            ),
            OpenApiParameter("topic", OpenApiTypes.STR, description="A topic slug (needed for mode=topic)."),
            OpenApiParameter(
                "assignment", OpenApiTypes.INT, description="An assignment id (needed for mode=assignment)."
            ),
        ],
        responses={
            200: inline_serializer(
                "PracticeNext",
                {
                    "question": QuestionSerializer(),
                    "token": serializers.CharField(),
                    "mode": serializers.CharField(),
                },
            ),
            204: None,
        },
    )
    def get(self, request: Request) -> Response:
        # The topic's slug is looked up in the slugs the process keeps, and trusted only if the bank has not
        # changed since they were read (the session's query reads its version); else it is read again.
        slugs = topic_slugs() if "topic" in request.query_params else None
        mode, topics, assignment = self._query(request, slugs)
        # Asked again for the question on screen: a read, without the session's lock or a write. A session
        # already open today only needs its next question shown (showing_current locks and rechecks it).
        reopened = self._reopened(request, mode, topics, assignment)
        if slugs is not None and reopened.content_version != slugs.version:
            kept = [topic.pk for topic in topics]
            mode, topics, assignment = self._query(request, None)
            if [topic.pk for topic in topics] != kept:
                reopened = self._reopened(request, mode, topics, assignment)
        # The bank's version, read before the question (in the statement that looked for the session), so that
        # a rendering kept under it is never older than the bank.
        version = reopened.content_version
        if reopened.on_screen is not None:
            token, question = (
                reopened.on_screen.token,
                question_rendering(reopened.on_screen.question_id, version),
            )
        else:
            if reopened.session is None:
                showing = practice_service.api_session_begin(
                    user=request.user, mode=mode, topics=topics, assignment=assignment
                )
            else:
                showing = practice_service.showing_current(session=reopened.session)
            if showing is None:
                return Response(status=status.HTTP_204_NO_CONTENT)
            token, question = (
                showing.token,
                question_rendering(showing.question_id, version, showing.question),
            )
        return Response({"question": question, "token": token, "mode": mode})

    @staticmethod
    def _reopened(
        request: Request, mode: str, topics: list[Topic], assignment: Assignment | None
    ) -> Reopened:
        return api_session_reopened(
            request.user,
            mode=mode,
            topic_ids={topic.pk for topic in topics},
            assignment=assignment,
            now=timezone.now(),
        )

    @staticmethod
    def _query(request: Request, slugs: TopicSlugs | None) -> tuple[str, list[Topic], Assignment | None]:
        """The mode, the topics and the assignment asked for (a 400 naming what is wrong)."""
        query = NextQuerySerializer(
            data=request.query_params,
            context={"user": request.user, "now": timezone.now(), "topic_slugs": slugs},
        )
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return data["mode"], [data["topic"]] if "topic" in data else [], data.get("assignment")


class FinishSerializer(StrictInput, NextQuerySerializer):
    """The session to finish, named as for next: its mode, topic and assignment."""


class PracticeFinishView(APIView):
    """End the API session that next would continue (as "Finish session" on the site); 204 when none is open."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=FinishSerializer,
        responses={
            200: inline_serializer(
                "PracticeFinish",
                {
                    "session": serializers.IntegerField(),
                    "mode": serializers.CharField(),
                    "finished_at": serializers.DateTimeField(),
                    "not_reached": serializers.IntegerField(),
                },
            ),
            204: None,
        },
    )
    def post(self, request: Request) -> Response:
        now = timezone.now()
        payload = FinishSerializer(data=request.data, context={"user": request.user, "now": now})
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        session = api_open_session(
            request.user,
            mode=data["mode"],
            topic_ids={data["topic"].pk} if "topic" in data else set(),
            assignment=data.get("assignment"),
            now=now,
        )
        if session is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        session = practice_service.session_finish(user=request.user, session=session, now=now)
        return Response(
            {
                "session": session.pk,
                "mode": session.mode,
                "finished_at": serializers.DateTimeField().to_representation(session.finished_at),
                "not_reached": questions_not_reached(session),
            }
        )


class CheckSerializer(StrictInput, serializers.Serializer):
    question = serializers.PrimaryKeyRelatedField(queryset=Question.objects.none())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = self.context.get("user")
        if user is not None:
            # With the bank's version, read in the same statement: the question's key points are kept under it.
            questions = Question.objects.visible_to(user).active().annotate(content_version=version_now())
            self.fields["question"].queryset = questions

    answer_text = serializers.CharField(allow_blank=True, max_length=ANSWER_MAX_LENGTH, trim_whitespace=False)


class PracticeCheckView(APIView):
    """Which key points an answer covers, its coverage and the rating that suggests."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=CheckSerializer,
        responses=inline_serializer(
            "PracticeCheck",
            {
                "covered": serializers.ListField(child=serializers.IntegerField()),
                "coverage": serializers.FloatField(),
                "suggested_rating": serializers.IntegerField(),
            },
        ),
    )
    def post(self, request: Request) -> Response:
        payload = CheckSerializer(data=request.data, context={"user": request.user})
        payload.is_valid(raise_exception=True)
        question = payload.validated_data["question"]
        assessment = practice_service.answer_assess(
            question=with_key_points(question, question.content_version),
            answer_text=payload.validated_data["answer_text"],
        )
        return Response(
            {
                "covered": assessment.covered,
                "coverage": assessment.coverage,
                "suggested_rating": assessment.suggested_rating,
            }
        )


class AttemptSerializer(serializers.ModelSerializer):
    key_points = serializers.ListField(
        source="key_points_covered", child=serializers.IntegerField(), read_only=True
    )
    due = serializers.DateTimeField(source="due_after", read_only=True)
    automatic_key_points = serializers.ListField(
        source="auto_key_points", child=serializers.IntegerField(), read_only=True
    )

    class Meta:
        model = Attempt
        fields = [
            "id",
            "question",
            "mode",
            "session",
            "answer_text",
            "key_points",
            "automatic_key_points",
            "grader",
            "coverage",
            "suggested_rating",
            "rating",
            "duration_ms",
            "timed_out",
            "created_at",
            "due",
        ]
        read_only_fields = fields

    def to_representation(self, attempt: Attempt) -> dict:
        # Written out: the fields above, as DRF would render them (tests/test_practice_api.py holds the two
        # equal), without building a ModelSerializer's fields for every response recorded.
        return {
            "id": attempt.pk,
            "question": attempt.question_id,
            "mode": attempt.mode,
            "session": attempt.session_id,
            "answer_text": attempt.answer_text,
            "key_points": [int(point) for point in attempt.key_points_covered],
            "automatic_key_points": [int(point) for point in attempt.auto_key_points],
            "grader": attempt.grader,
            "coverage": float(attempt.coverage),
            "suggested_rating": attempt.suggested_rating,
            "rating": attempt.rating,
            "duration_ms": attempt.duration_ms,
            "timed_out": attempt.timed_out,
            "created_at": _MOMENT.to_representation(attempt.created_at),
            "due": _MOMENT.to_representation(attempt.due_after),
        }


# Renders a moment as every DateTimeField of the API does (ISO 8601, in the user's active time zone).
_MOMENT = serializers.DateTimeField()


class AttemptCreateSerializer(StrictInput, serializers.Serializer):
    # A plain id: attempt_record checks it against the token's question, so looking it up first would only
    # cost a query.
    question = serializers.IntegerField(help_text="The id of the question shown (the token's question).")
    answer_text = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=ANSWER_MAX_LENGTH, trim_whitespace=False
    )
    rating = serializers.ChoiceField(choices=Rating.choices)
    key_points = serializers.ListField(child=serializers.IntegerField(), required=False)
    duration_ms = serializers.IntegerField(required=False, min_value=0, max_value=MAX_DURATION_MS)
    token = serializers.CharField(max_length=64)


class AttemptFilter(StrictFilterSet):
    topic = django_filters.CharFilter(field_name="question__topics__slug", label="Topic slug")
    since = StorableIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    rating = django_filters.ChoiceFilter(choices=Rating.choices)

    class Meta:
        model = Attempt
        fields = ["question", "topic", "rating", "since"]


class AttemptViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The signed-in user's attempts; POST records one for a showing token."""

    lookup_value_regex = "[0-9]+"

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = AttemptSerializer
    filterset_class = AttemptFilter

    queryset = Attempt.objects.none()  # for the schema; requests use get_queryset
    throttle_scope = "writes"

    def get_throttles(self) -> list:
        # Reads are free; recording attempts and feedback is rate limited per user.
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    def get_queryset(self) -> QuerySet[Attempt]:
        if getattr(self, "swagger_fake_view", False):
            return Attempt.objects.none()
        if self.action == "list":
            return attempts_of(self.request.user).order_by("-created_at", "-pk")
        # One attempt (and its feedback): also the learners' assignment answers a mentor may see.
        return attempts_visible_to(self.request.user).order_by("-created_at", "-pk")

    @extend_schema(methods=["GET"], responses=FeedbackSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=FeedbackWriteSerializer,
        responses={200: FeedbackSerializer, 201: FeedbackSerializer},
    )
    # The attempt filters of the list do not apply to one attempt's feedback.
    @action(detail=True, methods=["get", "post"], filter_backends=[], filterset_class=None)
    def feedback(self, request: Request, pk: str) -> Response:
        """The mentor POSTs {"text"}; the learner GETs the list and POSTs {"feedback", "reply"} or {"feedback", "read"}."""
        attempt = self.get_object()
        items = attempt.feedback.select_related("mentor").order_by("created_at", "pk")
        if request.method == "GET":
            page = self.paginate_queryset(items)
            return self.get_paginated_response(FeedbackSerializer(page, many=True).data)
        payload = FeedbackWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        feedback, created = mentoring_service.feedback_submit(
            user=request.user,
            attempt=attempt,
            text=data.get("text"),
            feedback_id=data.get("feedback"),
            reply=data.get("reply"),
            read=data.get("read", False),
        )
        return Response(
            FeedbackSerializer(feedback).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=AttemptCreateSerializer, responses={201: AttemptSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        payload = AttemptCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        attempt = practice_service.attempt_record(
            user=request.user,
            token=data["token"],
            rating=int(data["rating"]),
            answer_text=data["answer_text"],
            key_points=data.get("key_points"),
            duration_ms=data.get("duration_ms"),
            question_id=data["question"],
        )
        return Response(AttemptSerializer(attempt).data, status=status.HTTP_201_CREATED)
