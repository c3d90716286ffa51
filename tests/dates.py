"""Dates relative to the real today, for tests whose code reads the clock itself (no `now=` to pass)."""

from datetime import date, timedelta

from django.utils import timezone


def days_from_today(days: int) -> date:
    """The day `days` after today (before it when negative), in the site's zone, as the app's "today" is."""
    return timezone.localdate() + timedelta(days=days)
