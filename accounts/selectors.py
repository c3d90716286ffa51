"""Reads of a user's own data."""

from collections.abc import Iterator
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import User
from interview.models import Attempt, QuestionFlag, QuestionNote, ReviewState


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
        "interview_target_retention": user.interview_target_retention,
        "is_mentor": user.is_mentor,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }


ATTEMPT_EXPORT_FIELDS = [
    "id",
    "created_at",
    "question_id",
    "question_label",
    "question_prompt",
    "mode",
    "session_id",
    "rating",
    "suggested_rating",
    "coverage",
    "key_points_covered",
    "duration_ms",
    "timed_out",
    "due_after",
    "answer_text",
]


def attempt_rows(user: User) -> Iterator[dict[str, Any]]:
    """The user's attempts, oldest first, one flat row each (JSON export and CSV share them)."""
    attempts = Attempt.objects.filter(user=user).select_related("question").order_by("created_at", "pk")
    for attempt in attempts.iterator(chunk_size=2000):
        yield {
            "id": attempt.pk,
            "created_at": attempt.created_at.isoformat(),
            "question_id": attempt.question_id,
            "question_label": attempt.question.label,
            "question_prompt": attempt.question.prompt,
            "mode": attempt.mode,
            "session_id": attempt.session_id,
            "rating": attempt.get_rating_display(),
            "suggested_rating": attempt.get_suggested_rating_display(),
            "coverage": attempt.coverage,
            "key_points_covered": attempt.key_points_covered,
            "duration_ms": attempt.duration_ms,
            "timed_out": attempt.timed_out,
            "due_after": attempt.due_after.isoformat(),
            "answer_text": attempt.answer_text,
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
        "attempts": list(attempt_rows(user)),
        "notes": [
            {"question_id": note.question_id, "text": note.text, "updated_at": note.updated_at.isoformat()}
            for note in QuestionNote.objects.filter(user=user).order_by("question_id")
        ],
        "schedule": [
            {
                "question_id": state.question_id,
                "due": state.due.isoformat(),
                "last_review": state.last_review.isoformat() if state.last_review else None,
                "last_rating": state.last_rating,
                "stability": state.stability,
                "difficulty": state.difficulty,
                "reviews": state.reviews,
                "lapses": state.lapses,
            }
            for state in ReviewState.objects.filter(user=user).order_by("question_id")
        ],
        "flags": [
            {
                "question_id": flag.question_id,
                "reason": flag.reason,
                "created_at": flag.created_at.isoformat(),
            }
            for flag in QuestionFlag.objects.filter(user=user).order_by("created_at")
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
