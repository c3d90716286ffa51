"""API for the signed-in user: profile and preferences, data export, personal tokens."""

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.auth import TokenAuthentication
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import services
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


def _check_second_factor(user: User, code: str | None) -> None:
    authenticators = Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.WEBAUTHN)
    if not authenticators:
        return
    if not code:
        raise ValidationError({"code": ["This account uses two-factor authentication: send its code."]})
    if not any(authenticator.wrap().validate_code(code) for authenticator in authenticators):
        raise ValidationError({"code": ["That two-factor code is not valid."]})


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
        return [TokenAuthentication()]

    @extend_schema(request=TokenRequestSerializer, responses=TokenResponseSerializer)
    def post(self, request: Request) -> Response:
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        email = credentials.validated_data["email"].lower()
        # allauth's own check, so the login page and the API share one "login_failed" limit and key.
        try:
            user = get_account_adapter(request._request).authenticate(
                request._request, email=email, password=credentials.validated_data["password"]
            )
        except DjangoValidationError as error:
            if error.code == "too_many_login_attempts":
                raise Throttled(
                    detail="Too many failed sign-in attempts for this account: try again later."
                ) from None
            raise
        if user is None or not user.is_active:
            raise ValidationError({"non_field_errors": ["Unable to sign in with that email and password."]})
        if (
            allauth_settings.EMAIL_VERIFICATION == allauth_settings.EmailVerificationMethod.MANDATORY
            and not EmailAddress.objects.filter(user=user, verified=True).exists()
        ):
            raise ValidationError(
                {"email": ["Verify your email address first: follow the link we sent you."]}
            )
        _check_second_factor(user, credentials.validated_data.get("code"))
        token, clear_token = services.api_token_create(user=user)
        return Response({"token": clear_token, "expiry": token.expiry}, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
