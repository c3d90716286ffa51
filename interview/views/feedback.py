"""Feedback on attempts: the mentor writes it, the learner reads it and replies."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from interview.forms import (
    FeedbackForm,
    ReplyForm,
)
from interview.grading.assessment import Assessment
from interview.grading.evidence import evidence_rows, highlighted_answer
from interview.selectors import mentoring as see
from interview.services import mentoring as mentoring_service
from interview.views.bank import HtmxHttpRequest
from interview.views.mentor_common import show_errors


@login_required
@require_http_methods(["GET", "POST"])
def attempt_feedback(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A learner's answer beside the model answer, with the mentor's feedback form."""
    attempt = get_object_or_404(
        see.attempts_visible_to(request.user)
        .exclude(user=request.user)
        .select_related("question", "user", "assignment"),
        pk=pk,
    )
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mentoring_service.feedback_give(
                mentor=request.user, attempt=attempt, text=form.cleaned_data["text"]
            )
        except (ValidationError, PermissionDenied) as error:
            show_errors(request, error)
        else:
            messages.success(request, "Your feedback was sent.")
            return redirect("interview:mentor-attempt", pk=attempt.pk)
    feedback = attempt.feedback.select_related("mentor").order_by("created_at")
    previous_answer, next_answer = see.neighbouring_answers(attempt, request.user)
    graded = Assessment.from_json(attempt.assessment) if attempt.assessment else None
    context = {
        "attempt": attempt,
        "form": form,
        "feedback": feedback,
        "graded": graded,
        "evidence": evidence_rows(graded),
        "highlighted_answer": highlighted_answer(attempt.answer_text, graded),
        "previous_answer": previous_answer,
        "next_answer": next_answer,
        "good_without_coverage": see.rated_good_without_coverage(attempt),
    }
    return render(request, "mentor/attempt.html", context)


@login_required
@require_safe
def feedback_list(request: HtmxHttpRequest) -> HttpResponse:
    feedback = see.feedback_for_learner(request.user)
    return render(request, "interview/feedback.html", {"feedback": feedback, "reply_form": ReplyForm()})


def _own_feedback(request: HtmxHttpRequest, pk: int):
    return get_object_or_404(see.feedback_for_learner(request.user), pk=pk)


def _back_to_feedback(request: HtmxHttpRequest) -> HttpResponse:
    """Back to the page the form was on (the attempt page), or to the feedback list."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect("interview:feedback")
    return redirect(target)


@login_required
@require_POST
def feedback_reply(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    feedback = _own_feedback(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            mentoring_service.feedback_reply(
                learner=request.user, feedback=feedback, text=form.cleaned_data["reply"]
            )
            messages.success(request, "Your reply was sent.")
        except ValidationError as error:
            show_errors(request, error)
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return _back_to_feedback(request)


@login_required
@require_POST
def feedback_read(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    feedback = _own_feedback(request, pk)
    mentoring_service.feedback_mark_read(learner=request.user, feedback=feedback)
    return _back_to_feedback(request)
