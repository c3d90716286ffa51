"""API for the signed-in user: profile and preferences, data export, personal tokens."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.authentication import UserZoneTokenAuthentication
from accounts.models import PREFERENCE_FIELDS, User, timezone_names
from accounts.selectors import user_data_export
from config.api import StrictInput
from config.bad_input import BoundedJSONParser
from config.throttling import ScopedRateThrottle


class MeSerializer(StrictInput, serializers.ModelSerializer):
    timezone = serializers.ChoiceField(choices=timezone_names(), required=False)

    class Meta:
        model = User
        fields = ["email", *PREFERENCE_FIELDS]
        read_only_fields = ["email"]

    def update(self, instance: User, validated_data: dict) -> User:
        return services.user_preferences_update(user=instance, **validated_data)


class MeView(APIView):
    """The signed-in user's profile and preferences."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user).data)

    @extend_schema(request=MeSerializer, responses=MeSerializer)
    def patch(self, request: Request) -> Response:
        serializer = MeSerializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)


# The shape of user_data_export(), for the schema: every section and every key of its rows.
class ExportProfileSerializer(serializers.Serializer):
    email = serializers.EmailField()
    display_name = serializers.CharField()
    timezone = serializers.CharField()
    daily_new_limit = serializers.IntegerField()
    daily_review_limit = serializers.IntegerField()
    desired_retention = serializers.FloatField()
    interview_date = serializers.DateField(allow_null=True)
    interview_target_retention = serializers.FloatField()
    is_mentor = serializers.BooleanField()
    date_joined = serializers.DateTimeField()
    last_login = serializers.DateTimeField(allow_null=True)


class ExportEmailSerializer(serializers.Serializer):
    email = serializers.EmailField()
    verified = serializers.BooleanField()
    primary = serializers.BooleanField()


class ExportAttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    question_id = serializers.IntegerField()
    question_label = serializers.CharField()
    question_prompt = serializers.CharField()
    mode = serializers.CharField()
    session_id = serializers.IntegerField(allow_null=True)
    rating = serializers.CharField(allow_null=True, help_text="Again, Hard, Good or Easy.")
    suggested_rating = serializers.CharField(allow_null=True)
    coverage = serializers.FloatField(allow_null=True)
    key_points_covered = serializers.ListField(child=serializers.IntegerField())
    duration_ms = serializers.IntegerField(allow_null=True)
    timed_out = serializers.BooleanField()
    due_after = serializers.DateTimeField()
    answer_text = serializers.CharField(allow_blank=True)


class ExportNoteSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    text = serializers.CharField()
    updated_at = serializers.DateTimeField()


class ExportScheduleSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    due = serializers.DateTimeField()
    last_review = serializers.DateTimeField(allow_null=True)
    last_rating = serializers.IntegerField(allow_null=True)
    stability = serializers.FloatField(allow_null=True)
    difficulty = serializers.FloatField(allow_null=True)
    reviews = serializers.IntegerField()
    lapses = serializers.IntegerField()


class ExportFlagSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


class ExportTokenSerializer(serializers.Serializer):
    token_key = serializers.CharField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()


class ExportMembershipSerializer(serializers.Serializer):
    cohort_id = serializers.IntegerField()
    cohort = serializers.CharField()
    role = serializers.CharField()
    joined_at = serializers.DateTimeField(allow_null=True)


class ExportFeedbackReceivedSerializer(serializers.Serializer):
    attempt_id = serializers.IntegerField()
    mentor = serializers.CharField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField(allow_null=True)
    read_at = serializers.DateTimeField(allow_null=True)
    reply = serializers.CharField(allow_blank=True)
    replied_at = serializers.DateTimeField(allow_null=True)


class ExportFeedbackGivenSerializer(serializers.Serializer):
    attempt_id = serializers.IntegerField()
    text = serializers.CharField()
    created_at = serializers.DateTimeField(allow_null=True)


class ExportQuestionSetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    questions = serializers.ListField(child=serializers.IntegerField())
    created_at = serializers.DateTimeField(allow_null=True)


class ExportKeyPointSerializer(serializers.Serializer):
    text = serializers.CharField()
    terms = serializers.ListField(child=serializers.CharField())


class ExportOwnQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    guide = serializers.CharField()
    number = serializers.IntegerField()
    prompt = serializers.CharField()
    answer = serializers.CharField(allow_blank=True)
    code = serializers.ListField(child=serializers.CharField())
    key_points = ExportKeyPointSerializer(many=True)
    topics = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()


class ExportMockAnswerSerializer(serializers.Serializer):
    session_id = serializers.IntegerField()
    question_id = serializers.IntegerField()
    answer_text = serializers.CharField(allow_blank=True)
    duration_ms = serializers.IntegerField(allow_null=True)
    timed_out = serializers.BooleanField()
    answered_at = serializers.DateTimeField(allow_null=True)


class ExportSerializer(serializers.Serializer):
    exported_at = serializers.DateTimeField()
    profile = ExportProfileSerializer()
    email_addresses = ExportEmailSerializer(many=True)
    attempts = ExportAttemptSerializer(many=True)
    notes = ExportNoteSerializer(many=True)
    schedule = ExportScheduleSerializer(many=True)
    flags = ExportFlagSerializer(many=True)
    api_tokens = ExportTokenSerializer(many=True)
    memberships = ExportMembershipSerializer(many=True)
    feedback_received = ExportFeedbackReceivedSerializer(many=True)
    feedback_given = ExportFeedbackGivenSerializer(many=True)
    question_sets = ExportQuestionSetSerializer(many=True)
    own_questions = ExportOwnQuestionSerializer(many=True)
    unrated_mock_answers = ExportMockAnswerSerializer(many=True)


class ExportView(APIView):
    """Everything the signed-in user owns, as JSON."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=ExportSerializer)
    def get(self, request: Request) -> Response:
        return Response(user_data_export(request.user))


class TokenRequestSerializer(StrictInput, serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})
    code = serializers.CharField(
        required=False, help_text="A two-factor code (or a recovery code) when the account uses 2FA."
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField()


class TokenView(APIView):
    """POST email and password for a personal token; DELETE revokes the token the request uses."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
    # Sign-in also takes a plain form (curl -d, a script's form post); every other body is JSON.
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.request.method == "DELETE":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    def get_authenticators(self) -> list:
        # Only a token can revoke itself; POST needs no authentication at all.
        return [UserZoneTokenAuthentication()]

    @extend_schema(request=TokenRequestSerializer, responses=TokenResponseSerializer)
    def post(self, request: Request) -> Response:
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        data = credentials.validated_data
        try:
            token, clear_token = services.api_token_sign_in(
                request=request, email=data["email"], password=data["password"], code=data.get("code")
            )
        except services.SignInLockedOut as error:
            raise Throttled(
                detail="Too many failed sign-in attempts for this account: try again later."
            ) from error
        return Response({"token": clear_token, "expiry": token.expiry}, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
