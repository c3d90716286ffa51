"""Writes to a user's account that enforce a rule."""

import zoneinfo
from typing import Any

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.utils import has_verified_email
from allauth.core import context as allauth_context
from allauth.mfa.base.forms import AuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.models import UserSession
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from accounts.models import PREFERENCE_FIELDS, User
from interview.services.activity import activity_rebuild
from interview.services.mentoring import mentor_account_retire


@transaction.atomic
def user_preferences_update(*, user: User, **changes: Any) -> User:
    """Change a user's preferences; nothing is saved unless every value is valid."""
    unknown = set(changes) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValidationError(f"Not a preference: {', '.join(sorted(unknown))}.")
    fresh = User.objects.select_for_update().get(pk=user.pk)
    new_date = changes.get("interview_date")
    if new_date and new_date != fresh.interview_date:
        zone = zoneinfo.ZoneInfo(changes.get("timezone") or fresh.timezone)
        if new_date < timezone.now().astimezone(zone).date():
            raise ValidationError({"interview_date": "The interview date is in the past."})
    zone_changed = "timezone" in changes and changes["timezone"] != fresh.timezone
    for field, value in changes.items():
        setattr(fresh, field, value)
    untouched = [field.name for field in User._meta.concrete_fields if field.name not in changes]
    fresh.full_clean(exclude=untouched, validate_unique=False, validate_constraints=False)
    fresh.save(update_fields=list(changes))
    for field in changes:
        setattr(user, field, getattr(fresh, field))
    if zone_changed:  # the rollup's days are the user's local days
        activity_rebuild(users=[fresh])
    return user


def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new personal API token (the user's expired ones are cleared); the clear token is returned once and only its hash is kept."""
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit and AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).count() >= limit:
        raise ValidationError(f"You already have {limit} active tokens: revoke one before creating another.")
    return AuthToken.objects.create(user=user)


class SignInLockedOut(Exception):
    """Too many failed sign-ins for this account: the login page's lock-out applies to tokens too."""


# Codes that need no device (WebAuthn keys cannot answer over the API).
CODE_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
LOCKED_OUT = "too_many_login_attempts"


def api_token_sign_in(
    *, request: HttpRequest, email: str, password: str, code: str | None = None
) -> tuple[AuthToken, str]:
    """A personal token for email and password, under the login page's rules.

    The same per-account lock-out (allauth's own authentication, which counts failures), mandatory email
    verification when it is on, and the two-factor code when the account uses one.
    """
    try:
        user = get_adapter(request).authenticate(request, email=email.lower(), password=password)
    except ValidationError as error:
        if getattr(error, "code", None) == LOCKED_OUT:
            raise SignInLockedOut from error
        raise
    if user is None or not user.is_active:
        raise ValidationError({"non_field_errors": "Unable to sign in with that email and password."})
    mandatory = allauth_settings.EmailVerificationMethod.MANDATORY
    if mandatory == allauth_settings.EMAIL_VERIFICATION and not has_verified_email(user):
        raise ValidationError({"email": "Verify your email address first: follow the link we sent you."})
    if is_mfa_enabled(user, CODE_FACTORS):
        if not code:
            raise ValidationError({"code": "This account uses two-factor authentication: send its code."})
        second_factor = AuthenticateForm(data={"code": code}, user=user)
        with allauth_context.request_context(request):  # the form rate-limits codes per request
            valid = second_factor.is_valid()
        if not valid:
            if any(error.code == LOCKED_OUT for error in second_factor.errors.as_data().get("code", [])):
                raise SignInLockedOut
            raise ValidationError({"code": "That two-factor code is not valid."})
    return api_token_create(user=user)


def api_token_revoke(*, user: User, token_key: str) -> int:
    """Revoke the user's token(s) with this public prefix; returns how many were revoked."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return deleted


@transaction.atomic
def account_delete(*, user: User, password: str) -> None:
    """Remove the user and everything personal, after checking their password."""
    if not user.check_password(password):
        raise ValidationError({"password": "That is not your password. Your account was not deleted."})
    # Sign the user out everywhere: session rows would otherwise outlive the account.
    for session in UserSession.objects.filter(user=user):
        session.end()
    mentor_account_retire(mentor=user)
    user.delete()


# The daily "reviews waiting" email: a signed link unsubscribes without signing in. It never expires (an
# old email must still work) and names only the user; the salt keeps it from passing for any other token.
_UNSUBSCRIBE_SALT = "accounts.daily-review-email.unsubscribe"


def review_email_unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=_UNSUBSCRIBE_SALT)


def review_email_unsubscriber(token: str) -> User | None:
    """Whose unsubscribe link this is, or None for a tampered, truncated or unknown one."""
    try:
        user_id = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first() if isinstance(user_id, int) else None


def review_email_unsubscribe(*, user: User) -> None:
    """Turn the daily email off (as the preference does); unsubscribing twice is fine."""
    User.objects.filter(pk=user.pk).update(daily_review_email=False)
    user.daily_review_email = False
