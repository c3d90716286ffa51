"""Cohorts over the API: membership, invites, joining; the same selectors and services as the pages."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from config.api import NOT_BLANK, StrictInput
from interview.models import Cohort, Membership
from interview.selectors import mentoring as see
from interview.services import mentoring as mentoring_service


class CohortProgressLearnerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    last_activity = serializers.DateTimeField(allow_null=True)
    due_now = serializers.IntegerField()
    mastery = serializers.DictField(
        child=serializers.FloatField(), help_text="Mastery (percent) by topic slug, for every topic."
    )


class CohortProgressSerializer(serializers.Serializer):
    topics = serializers.ListField(child=serializers.CharField(), help_text="Topic slugs, in order.")
    weakest_topics = serializers.ListField(child=serializers.CharField())
    learners = CohortProgressLearnerSerializer(many=True)


class CohortMentorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class CohortSerializer(StrictInput, serializers.ModelSerializer):
    role = serializers.SerializerMethodField()
    mentors = serializers.SerializerMethodField()
    learner_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Cohort
        fields = ["id", "name", "description", "role", "mentors", "learner_count", "created_at"]
        read_only_fields = ["created_at"]
        extra_kwargs = {"name": {"validators": [NOT_BLANK]}}

    @extend_schema_field(serializers.ChoiceField(choices=Membership.Role.choices, allow_null=True))
    def get_role(self, cohort: Cohort) -> str | None:
        user = self.context["request"].user
        return next((m.role for m in cohort.memberships.all() if m.user_id == user.pk), None)

    @extend_schema_field(CohortMentorSerializer(many=True))
    def get_mentors(self, cohort: Cohort) -> list[dict]:
        return [
            {"id": m.user_id, "display_name": str(m.user)}
            for m in cohort.memberships.all()
            if m.role == Membership.Role.MENTOR
        ]


class InviteRequestSerializer(StrictInput, serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices, default=Membership.Role.LEARNER)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class InviteSerializer(serializers.Serializer):
    token = serializers.CharField()
    url = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)
    role = serializers.CharField()


class JoinSerializer(StrictInput, serializers.Serializer):
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
    # A cohort's members come whole, as a list: the schema must not wrap them in the list's pagination.
    @action(detail=True, methods=["get"], pagination_class=None)
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

    @extend_schema(responses=CohortProgressSerializer)
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
