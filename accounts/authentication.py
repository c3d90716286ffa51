"""API authentication that treats a token call like a session call."""

import binascii
import zoneinfo
from hmac import compare_digest

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions
from rest_framework.request import Request

from accounts.models import User
from interview.sql_rows import columns, instance


def tokens_with_their_users(token_key: str) -> list[AuthToken]:
    """The tokens whose key (their first characters, stored in clear) is this one, each with its user:
    knox's read, written out. Building the ORM's statement, the token joined to every column of the user,
    cost more than running it, and every token call pays it."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {columns(AuthToken, 't')}, {columns(User, 'u')}"
        f" FROM {quote(AuthToken._meta.db_table)} t JOIN {quote(User._meta.db_table)} u ON u.id = t.user_id"
        " WHERE t.token_key = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [token_key])
        rows = cursor.fetchall()
    width = len(AuthToken._meta.concrete_fields)
    tokens = []
    for row in rows:
        token = instance(AuthToken, row[:width])
        token.user = instance(User, row[width:])
        tokens.append(token)
    return tokens


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

    def authenticate_credentials(self, token: bytes) -> tuple[User, AuthToken]:
        """knox's check of the token (django-rest-knox 5.1's, step for step), on the written-out read.

        A token is printable ASCII (hex digits after an optional prefix): anything else is refused as
        invalid before any read, where knox answered a byte outside UTF-8 with a server error and a NUL
        would have reached the database, which refuses it."""
        invalid = exceptions.AuthenticationFailed(_("Invalid token."))
        try:
            text = token.decode("ascii")
        except UnicodeDecodeError:
            raise invalid from None
        if not text.isprintable():
            raise invalid
        for auth_token in tokens_with_their_users(text[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(text)
            except (TypeError, binascii.Error):
                raise invalid from None
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise invalid

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
