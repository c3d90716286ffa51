"""Reads of a user's own data."""

from collections.abc import Iterator
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import User
from interview.models import (
    Attempt,
    Feedback,
    Membership,
    Question,
    QuestionFlag,
    QuestionNote,
    QuestionSet,
    ReviewState,
    Showing,
)


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
        # The per-day activity rollup (DailyActivity) is left out: it is derived from these attempts
        # (rebuild_activity recomputes it), so it holds nothing the user gave us that is not here.
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
        **mentoring_export(user),
        "api_tokens": [
            {
                "token_key": token.token_key,
                "created": token.created.isoformat(),
                "expiry": token.expiry.isoformat(),
            }
            for token in api_tokens_of(user)
        ],
    }


def _when(moment: Any) -> str | None:
    return moment.isoformat() if moment else None


def mentoring_export(user: User) -> dict[str, Any]:
    """Memberships, feedback both ways, question sets, own questions and mock answers not rated yet."""
    return {
        "memberships": [
            {
                "cohort_id": row.cohort_id,
                "cohort": row.cohort.name,
                "role": row.role,
                "joined_at": _when(row.joined_at),
            }
            for row in Membership.objects.filter(user=user)
            .select_related("cohort")
            .order_by("joined_at", "pk")
        ],
        "feedback_received": [
            {
                "attempt_id": item.attempt_id,
                "mentor": str(item.mentor),
                "text": item.text,
                "created_at": _when(item.created_at),
                "read_at": _when(item.read_at),
                "reply": item.reply,
                "replied_at": _when(item.replied_at),
            }
            for item in Feedback.objects.filter(attempt__user=user)
            .select_related("mentor")
            .order_by("created_at", "pk")
        ],
        "feedback_given": [
            {"attempt_id": item.attempt_id, "text": item.text, "created_at": _when(item.created_at)}
            for item in Feedback.objects.filter(mentor=user).order_by("created_at", "pk")
        ],
        "question_sets": [
            {
                "id": question_set.pk,
                "title": question_set.title,
                "description": question_set.description,
                "questions": [item.question_id for item in question_set.items.all()],
                "created_at": _when(question_set.created_at),
            }
            for question_set in QuestionSet.objects.filter(owner=user)
            .prefetch_related("items")
            .order_by("pk")
        ],
        "own_questions": [
            {
                "id": question.pk,
                "guide": question.guide.slug,
                "number": question.number,
                "prompt": question.prompt,
                "answer": question.answer,
                "code": [snippet.code for snippet in question.snippets.all()],
                "key_points": [
                    {"text": point.text, "terms": point.terms} for point in question.key_points.all()
                ],
                "topics": [topic.slug for topic in question.topics.all()],
                "is_active": question.is_active,
            }
            for question in Question.objects.filter(guide__owner=user)
            .select_related("guide")
            .prefetch_related("snippets", "key_points", "topics")
            .order_by("guide__slug", "number")
        ],
        "unrated_mock_answers": [
            {
                "session_id": showing.session_id,
                "question_id": showing.question_id,
                "answer_text": showing.mock_answer,
                "duration_ms": showing.mock_duration_ms,
                "timed_out": showing.mock_timed_out,
                "answered_at": _when(showing.mock_answered_at),
            }
            for showing in Showing.objects.filter(
                user=user, mock_answered_at__isnull=False, attempt__isnull=True
            ).order_by("mock_answered_at", "pk")
        ],
    }
