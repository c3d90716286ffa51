"""API for the signed-in user: profile and preferences, data export, personal tokens."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import services
from accounts.authentication import UserZoneTokenAuthentication
from accounts.models import PREFERENCE_FIELDS, User, timezone_names
from accounts.selectors import user_data_export


class MeSerializer(serializers.ModelSerializer):
    timezone = serializers.ChoiceField(choices=timezone_names(), required=False)

    class Meta:
        model = User
        fields = ["email", *PREFERENCE_FIELDS]
        read_only_fields = ["email"]

    def validate(self, data: dict) -> dict:
        writable = {name for name, field in self.fields.items() if not field.read_only}
        unknown = sorted(set(self.initial_data) - writable)
        if unknown:
            raise serializers.ValidationError(
                {name: ["This field cannot be changed here."] for name in unknown}
            )
        return data

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


class ExportView(APIView):
    """Everything the signed-in user owns, as JSON."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=inline_serializer("Export", {"profile": serializers.DictField()}))
    def get(self, request: Request) -> Response:
        return Response(user_data_export(request.user))


class TokenRequestSerializer(serializers.Serializer):
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
