"""Mentoring over the API: the same selectors decide who sees what, the same services write."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from interview.models import Assignment, Cohort, Feedback, Membership, QuestionSet
from interview.scheduling import local_today
from interview.selectors import mentoring as see
from interview.services import mentoring as mentoring_service

MAX_ID = 2**31 - 1


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "display_name", "email"]


class CohortSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    mentors = serializers.SerializerMethodField()
    learner_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Cohort
        fields = ["id", "name", "description", "role", "mentors", "learner_count", "created_at"]
        read_only_fields = ["created_at"]

    def get_role(self, cohort: Cohort) -> str | None:
        user = self.context["request"].user
        return next((m.role for m in cohort.memberships.all() if m.user_id == user.pk), None)

    def get_mentors(self, cohort: Cohort) -> list[dict]:
        return [
            {"id": m.user_id, "display_name": str(m.user)}
            for m in cohort.memberships.all()
            if m.role == Membership.Role.MENTOR
        ]


class InviteRequestSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.LEARNER)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class InviteSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)
    role = serializers.CharField()


class JoinSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=64)


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user_id")
    display_name = serializers.CharField(source="user.display_name")
    email = serializers.EmailField(source="user.email")
    role = serializers.CharField()
    joined_at = serializers.DateTimeField()


def _invite_data(request: Request, invite) -> dict:
    return {
        "token": invite.token,
        "url": request.build_absolute_uri(invite.get_absolute_url()),
        "expires_at": invite.expires_at,
        "role": invite.role,
    }


class CohortViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cohorts the user mentors or learns in; mentors create them, invite, see members and progress."""

    lookup_value_regex = "[0-9]+"

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = CohortSerializer
    queryset = Cohort.objects.none()

    def get_queryset(self) -> QuerySet[Cohort]:
        if getattr(self, "swagger_fake_view", False):
            return Cohort.objects.none()
        return (
            see.cohorts_visible_to(self.request.user)
            .annotate(
                # A subquery: the visibility filter already joins memberships (the viewer's own row).
                learner_count=Coalesce(
                    Subquery(
                        Membership.objects.filter(cohort=OuterRef("pk"), role=Membership.Role.LEARNER)
                        .order_by()
                        .values("cohort")
                        .annotate(n=Count("pk"))
                        .values("n"),
                        output_field=IntegerField(),
                    ),
                    0,
                )
            )
            .prefetch_related("memberships__user")
            .order_by("name")
        )

    def _mentored(self, pk: str) -> Cohort:
        return get_object_or_404(see.cohorts_mentored_by(self.request.user), pk=pk)

    def perform_create(self, serializer: CohortSerializer) -> None:
        serializer.instance = mentoring_service.cohort_create(
            mentor=self.request.user,
            name=serializer.validated_data["name"],
            description=serializer.validated_data.get("description", ""),
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        cohort = self.get_queryset().get(pk=serializer.instance.pk)
        return Response(self.get_serializer(cohort).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=MemberSerializer(many=True))
    @action(detail=True, methods=["get"])
    def members(self, request: Request, pk: str) -> Response:
        cohort = self._mentored(pk)
        memberships = cohort.memberships.select_related("user").order_by("role", "joined_at")
        return Response(MemberSerializer(memberships, many=True).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<user_id>\d+)")
    def remove_member(self, request: Request, pk: str, user_id: str) -> Response:
        cohort = get_object_or_404(self.get_queryset(), pk=pk)
        is_self = int(user_id) == request.user.pk
        if not is_self and not see.cohorts_mentored_by(request.user).filter(pk=cohort.pk).exists():
            raise Http404
        member = get_object_or_404(User.objects.filter(memberships__cohort=cohort), pk=user_id)
        mentoring_service.membership_remove(actor=request.user, cohort=cohort, user=member)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["POST"], request=InviteRequestSerializer, responses={201: InviteSerializer})
    @extend_schema(methods=["DELETE"], request=None, responses={204: None})
    @action(detail=True, methods=["post", "delete"])
    def invite(self, request: Request, pk: str) -> Response:
        cohort = self._mentored(pk)
        options = InviteRequestSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        role = options.validated_data["role"]
        if request.method == "DELETE":
            mentoring_service.invite_revoke(mentor=request.user, cohort=cohort, role=role)
            return Response(status=status.HTTP_204_NO_CONTENT)
        invite = mentoring_service.invite_create(
            mentor=request.user, cohort=cohort, role=role, expires_at=options.validated_data.get("expires_at")
        )
        return Response(_invite_data(request, invite), status=status.HTTP_201_CREATED)

    @extend_schema(request=JoinSerializer, responses={201: CohortSerializer})
    @action(detail=False, methods=["post"])
    def join(self, request: Request) -> Response:
        payload = JoinSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        membership = mentoring_service.cohort_join(user=request.user, token=payload.validated_data["token"])
        cohort = self.get_queryset().get(pk=membership.cohort_id)
        return Response(self.get_serializer(cohort).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=inline_serializer("CohortProgress", {"topics": serializers.ListField()}))
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str) -> Response:
        cohort = self._mentored(pk)
        grid = see.cohort_mastery_grid(cohort, timezone.now())
        return Response(
            {
                "topics": [topic.slug for topic in grid["topics"]],
                "weakest_topics": [item["topic"].slug for item in grid["weakest"]],
                "learners": [
                    {
                        "id": row["learner"].pk,
                        "display_name": str(row["learner"]),
                        "last_activity": row["learner"].last_activity,
                        "due_now": row["learner"].due_now,
                        "mastery": {cell["topic"].slug: cell["mastery"] for cell in row["cells"]},
                    }
                    for row in grid["grid"]
                ],
            }
        )


class QuestionSetSerializer(serializers.ModelSerializer):
    questions = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        write_only=True,
        max_length=mentoring_service.MAX_SET_QUESTIONS,
        help_text="Question ids, in order.",
    )

    class Meta:
        model = QuestionSet
        fields = ["id", "title", "description", "questions", "copied_from", "created_at", "updated_at"]
        read_only_fields = ["copied_from", "created_at", "updated_at"]

    def to_representation(self, question_set: QuestionSet) -> dict:
        data = super().to_representation(question_set)
        data["questions"] = [item.question_id for item in question_set.items.all()]
        return data


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
        if question_set.assignments.exists():
            raise serializers.ValidationError(
                {"detail": "This set is assigned; copy it instead of deleting it."}
            )
        question_set.delete()


class AssignmentSerializer(serializers.ModelSerializer):
    questions = serializers.ListField(source="question_ids", child=serializers.IntegerField(), read_only=True)
    learners = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "title",
            "question_set",
            "cohort",
            "questions",
            "learners",
            "start_date",
            "due_date",
            "completion_rule",
            "status",
            "created_at",
        ]

    def get_learners(self, assignment: Assignment) -> list[int] | None:
        """Who has the assignment (learners still in the cohort): for its mentors only."""
        if assignment.cohort_id not in self.context.get("mentored_cohorts", set()):
            return None
        members = self.context["cohort_learners"].get(assignment.cohort_id, set())
        return [row.learner_id for row in assignment.learners.all() if row.learner_id in members]

    def get_status(self, assignment: Assignment) -> dict | None:
        user = self.context["request"].user
        progress = next((row for row in assignment.learners.all() if row.learner_id == user.pk), None)
        if progress is None:
            return None
        return status_data(see.status_of(progress, assignment, local_today(user, timezone.now())))


def status_data(status: see.AssignmentStatus) -> dict:
    """One shape for a learner's status everywhere in the API."""
    return {
        "key": status.key,
        "label": status.label,
        "done": status.done,
        "total": status.total,
        "completed_at": status.completed_at,
    }


class AssignmentCreateSerializer(serializers.Serializer):
    question_set = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    cohort = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    learners = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        allow_empty=False,
        max_length=500,
    )
    start_date = serializers.DateField(required=False, allow_null=True)
    due_date = serializers.DateField()
    completion_rule = serializers.ChoiceField(choices=Assignment.CompletionRule.choices, default="answer_all")

    def validate(self, data: dict) -> dict:
        if "cohort" not in data and "learners" not in data:
            raise serializers.ValidationError({"cohort": "Assign to a cohort or to chosen learners."})
        return data


class AssignmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Mentors see and create the assignments of their cohorts; learners see theirs with a status."""

    lookup_value_regex = "[0-9]+"

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = AssignmentSerializer
    queryset = Assignment.objects.none()

    def get_queryset(self) -> QuerySet[Assignment]:
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return (
            see.assignments_visible_to(self.request.user)
            .prefetch_related("learners")
            .order_by("due_date", "pk")
        )

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            mentored = set(see.cohorts_mentored_by(self.request.user).values_list("pk", flat=True))
            context["mentored_cohorts"] = mentored
            context["cohort_learners"] = {}
            learners = Membership.objects.filter(cohort__in=mentored, role=Membership.Role.LEARNER)
            for cohort_id, user_id in learners.values_list("cohort_id", "user_id"):
                context["cohort_learners"].setdefault(cohort_id, set()).add(user_id)
        return context

    @extend_schema(request=AssignmentCreateSerializer, responses={201: AssignmentSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        payload = AssignmentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        mentored = see.cohorts_mentored_by(request.user)
        question_set = see.question_sets_of(request.user).filter(pk=data["question_set"]).first()
        if question_set is None:
            raise serializers.ValidationError({"question_set": ["Not one of your question sets."]})
        learners = None
        if "learners" in data:
            learners = list(see.learners_visible_to(request.user).filter(pk__in=data["learners"]))
            if len(learners) != len(set(data["learners"])):
                raise serializers.ValidationError(
                    {"learners": ["Not all of these are learners of your cohorts."]}
                )
        if "cohort" in data:
            cohort = mentored.filter(pk=data["cohort"]).first()
            if cohort is None:
                raise serializers.ValidationError({"cohort": ["Not a cohort you mentor."]})
        else:
            shared = mentored.filter(memberships__user__in=learners, memberships__role="learner").annotate(
                n=Count("memberships", distinct=True)
            )
            cohort = next((c for c in shared if c.n >= len(learners)), None) or shared.first()
            if cohort is None:
                raise serializers.ValidationError(
                    {"learners": ["These learners share none of your cohorts."]}
                )
        assignment = mentoring_service.assignment_create(
            mentor=request.user,
            question_set=question_set,
            cohort=cohort,
            learners=learners,
            start_date=data.get("start_date"),
            due_date=data["due_date"],
            completion_rule=data["completion_rule"],
        )
        assignment = self.get_queryset().get(pk=assignment.pk)
        return Response(self.get_serializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=inline_serializer("AssignmentProgress", {"questions": serializers.ListField()}))
    @action(detail=True, methods=["get"])
    def progress(self, request: Request, pk: str) -> Response:
        assignment = get_object_or_404(see.assignments_mentored_by(request.user), pk=pk)
        grid = see.assignment_progress_grid(assignment)
        now = timezone.now()
        return Response(
            {
                "questions": [question.pk for question in grid["questions"]],
                "learners": [
                    {
                        "id": row["progress"].learner_id,
                        "display_name": str(row["progress"].learner),
                        "status": status_data(
                            see.status_of(
                                row["progress"], assignment, local_today(row["progress"].learner, now)
                            )
                        ),
                        "cells": [
                            {"attempt": a.pk, "rating": a.rating, "coverage": a.coverage} if a else None
                            for a in row["cells"]
                        ],
                    }
                    for row in grid["rows"]
                ],
            }
        )


class FeedbackSerializer(serializers.ModelSerializer):
    mentor = serializers.CharField(source="mentor.__str__", read_only=True)

    class Meta:
        model = Feedback
        fields = ["id", "attempt", "mentor", "text", "created_at", "read_at", "reply", "replied_at"]
        read_only_fields = fields


class FeedbackWriteSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, max_length=5_000, help_text="The mentor's feedback.")
    feedback = serializers.IntegerField(required=False, help_text="The learner replies to this feedback.")
    reply = serializers.CharField(required=False, max_length=5_000, help_text="The learner's reply.")
    read = serializers.BooleanField(required=False, help_text="The learner marks the feedback read.")
