"""Reads of a user's own data."""

from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import User


def api_tokens_of(user: User) -> QuerySet[AuthToken]:
    """The user's personal API tokens that have not expired, newest first."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


def profile_of(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "display_name": user.display_name,
        "timezone": user.timezone,
        "daily_new_limit": user.daily_new_limit,
        "daily_review_limit": user.daily_review_limit,
        "desired_retention": user.desired_retention,
        "interview_date": user.interview_date.isoformat() if user.interview_date else None,
        "is_mentor": user.is_mentor,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }


def user_data_export(user: User) -> dict[str, Any]:
    """Everything the user owns, as JSON-ready data (the export page and the API share it)."""
    return {
        "exported_at": timezone.now().isoformat(),
        "profile": profile_of(user),
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "api_tokens": [
            {
                "token_key": token.token_key,
                "created": token.created.isoformat(),
                "expiry": token.expiry.isoformat(),
            }
            for token in api_tokens_of(user)
        ],
    }
