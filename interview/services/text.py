"""The one rule for free text people write (notes, reports, feedback, replies)."""

from django.core.exceptions import ValidationError


def written_text(value: str, *, field: str, max_length: int, missing: str | None = None) -> str:
    """The text without surrounding blanks; a ValidationError on ``field`` if too long, or empty when required."""
    text = value.strip()
    if len(text) > max_length:
        raise ValidationError({field: f"Keep it under {max_length:,} characters ({len(text):,} written)."})
    if missing and not text:
        raise ValidationError({field: missing})
    return text
