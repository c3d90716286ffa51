"""What the mentor pages share: error messages and the cohort lookup."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404

from interview.selectors import mentoring as see
from interview.views.bank import HtmxHttpRequest


def show_errors(request: HtmxHttpRequest, error: ValidationError | PermissionDenied) -> None:
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


def mentored_cohort_or_404(request: HtmxHttpRequest, pk: int):
    return get_object_or_404(see.cohorts_mentored_by(request.user), pk=pk)
