"""Assignments over the API: create, list, progress."""

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from config.api import StrictInput
from config.throttling import ScopedRateThrottle
from interview.api.fields import MAX_ID
from interview.models import Assignment, Membership
from interview.scheduling import local_today
from interview.selectors import mentoring as see
from interview.services import mentoring as mentoring_service


class AssignmentStatusSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=["not_started", "in_progress", "completed", "overdue"])
    label = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    completed_at = serializers.DateTimeField(allow_null=True)


class ProgressCellSerializer(serializers.Serializer):
    attempt = serializers.IntegerField()
    rating = serializers.IntegerField(allow_null=True)
    coverage = serializers.FloatField(allow_null=True)


@extend_schema_field(ProgressCellSerializer(allow_null=True))
class OptionalProgressCellField(serializers.DictField):
    """A progress cell, or null where the learner has not answered the question (schema: nullable)."""


class AssignmentProgressLearnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    status = AssignmentStatusSerializer()
    cells = serializers.ListField(
        child=OptionalProgressCellField(allow_null=True),
        help_text="One per question, in the order of `questions`: the latest attempt, or null.",
    )


class AssignmentProgressSerializer(serializers.Serializer):
    questions = serializers.ListField(child=serializers.IntegerField(), help_text="Question ids, in order.")
    learners = AssignmentProgressLearnerSerializer(many=True)


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

    @extend_schema_field(AssignmentStatusSerializer(allow_null=True))
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


class AssignmentCreateSerializer(StrictInput, serializers.Serializer):
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


class AssignmentRemindSerializer(StrictInput, serializers.Serializer):
    learner = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class AssignmentReminderSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    learner = serializers.IntegerField()
    reminded_on = serializers.DateField(help_text="The learner's day of the reminder: one a day at most.")


class AssignmentViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Mentors see and create the assignments of their cohorts; learners see theirs with a status."""

    lookup_value_regex = "[0-9]+"

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = AssignmentSerializer
    queryset = Assignment.objects.none()
    throttle_scope = "writes"

    def get_throttles(self) -> list:
        # A reminder sends an email: rate limited per mentor like the other writes.
        return [ScopedRateThrottle()] if self.action == "remind" else []

    def get_queryset(self) -> QuerySet[Assignment]:
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return (
            see.assignments_visible_to(self.request.user, timezone.now())
            .prefetch_related("learners")
            .order_by("due_date", "pk")
        )

    def paginate_queryset(self, queryset: QuerySet[Assignment]) -> list[Assignment] | None:
        page = super().paginate_queryset(queryset)
        see.prime_active_totals(page or [])  # the statuses' totals in one query for the page
        return page

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
        # Ids to objects the mentor may name; the rules (which cohort, whose set) are the service's.
        question_set = see.question_sets_assignable_by(request.user).filter(pk=data["question_set"]).first()
        if question_set is None:
            raise serializers.ValidationError({"question_set": ["Not one of your question sets."]})
        learners = None
        if "learners" in data:
            learners = list(see.learners_visible_to(request.user).filter(pk__in=data["learners"]))
            if len(learners) != len(set(data["learners"])):
                raise serializers.ValidationError(
                    {"learners": ["Not all of these are learners of your cohorts."]}
                )
        cohort = None
        if "cohort" in data:
            cohort = see.cohorts_mentored_by(request.user).filter(pk=data["cohort"]).first()
            if cohort is None:
                raise serializers.ValidationError({"cohort": ["Not a cohort you mentor."]})
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

    @extend_schema(responses=AssignmentProgressSerializer)
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

    @extend_schema(request=AssignmentRemindSerializer, responses={202: AssignmentReminderSerializer})
    @action(detail=True, methods=["post"])
    def remind(self, request: Request, pk: str) -> Response:
        """Email a learner who has not finished the overdue assignment a reminder (queued; once a day)."""
        assignment = get_object_or_404(
            see.assignments_mentored_by(request.user).select_related("cohort"), pk=pk
        )
        payload = AssignmentRemindSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        learner = see.learners_of(assignment.cohort).filter(pk=payload.validated_data["learner"]).first()
        if learner is None:
            raise serializers.ValidationError({"learner": ["Not a learner of this assignment's cohort."]})
        progress = mentoring_service.assignment_remind(
            mentor=request.user,
            assignment=assignment,
            learner=learner,
            site_url=request.build_absolute_uri("/"),
            now=timezone.now(),
        )
        body = {
            "assignment": assignment.pk,
            "learner": learner.pk,
            "reminded_on": progress.mentor_reminded_on,
        }
        return Response(AssignmentReminderSerializer(body).data, status=status.HTTP_202_ACCEPTED)
