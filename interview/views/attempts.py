"""One of the learner's own attempts, in full."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from interview.forms import ReplyForm
from interview.selectors.practice import attempts_of


@login_required
@require_safe
def attempt_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Your answer beside the model answer, the key points you ticked, and your mentors' feedback."""
    attempt = get_object_or_404(
        attempts_of(request.user).select_related("question", "assignment", "session"), pk=pk
    )
    question = attempt.question
    covered = set(attempt.key_points_covered)
    key_points = [(point, point.pk in covered) for point in question.key_points.all()]
    context = {
        "attempt": attempt,
        "question": question,
        "key_points": key_points,
        "snippets": question.snippets.all(),
        "feedback": attempt.feedback.select_related("mentor").order_by("created_at"),
        "reply_form": ReplyForm(),
    }
    return render(request, "interview/attempt.html", context)
