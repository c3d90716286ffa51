"""API authentication that treats a token call like a session call."""

import zoneinfo

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework.request import Request

from accounts.models import User


class UserZoneTokenAuthentication(TokenAuthentication):
    """A personal token; the user's own time zone is then active, as the middleware makes it for a session.

    The middleware runs before DRF authenticates a token, so without this a token call would render
    dates and times in UTC where the same call with a session uses the user's zone.
    """

    def authenticate(self, request: Request) -> tuple[User, object] | None:
        result = super().authenticate(request)
        if result is not None:
            timezone.activate(zoneinfo.ZoneInfo(result[0].timezone))
        return result

    def _cleanup_token(self, auth_token: AuthToken) -> bool:
        """Refuse (and delete) this token once expired, without knox's read of every other token the
        user has on every call; api_token_create clears the user's expired tokens instead."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class UserZoneTokenScheme(KnoxTokenScheme):
    """The same OpenAPI security scheme as knox's own token (the schema does not change)."""

    target_class = "accounts.authentication.UserZoneTokenAuthentication"
