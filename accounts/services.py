"""Writes to a user's account that enforce a rule."""

import zoneinfo
from typing import Any

from allauth.usersessions.models import UserSession
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from accounts.models import PREFERENCE_FIELDS, User
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
    for field, value in changes.items():
        setattr(fresh, field, value)
    untouched = [field.name for field in User._meta.concrete_fields if field.name not in changes]
    fresh.full_clean(exclude=untouched, validate_unique=False, validate_constraints=False)
    fresh.save(update_fields=list(changes))
    for field in changes:
        setattr(user, field, getattr(fresh, field))
    return user


def api_token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new personal API token; the clear token is returned once and only its hash is kept."""
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit and AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).count() >= limit:
        raise ValidationError(f"You already have {limit} active tokens: revoke one before creating another.")
    return AuthToken.objects.create(user=user)


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
