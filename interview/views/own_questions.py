"""A mentor's own questions: write one, or import a file in the guide format."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from interview.forms import (
    GuideUploadForm,
    MentorQuestionForm,
)
from interview.guide_format import GuideFormatError
from interview.models import Question
from interview.services import mentoring as mentoring_service
from interview.views.bank import HtmxHttpRequest
from interview.views.mentor_common import show_errors
from interview.views.pagination import paginate


@login_required
@require_http_methods(["GET", "POST"])
def mentor_questions(request: HtmxHttpRequest) -> HttpResponse:
    """Write a question of one's own, or import several from a file; list them."""
    if not request.user.is_mentor:
        return redirect("interview:mentor")
    form = MentorQuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            question = mentoring_service.mentor_question_create(mentor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                show_errors(request, error)
            else:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"{question.label} was added to your questions.")
            return redirect("interview:mentor-questions")
    questions = (
        Question.objects.written_by(request.user)
        .select_related("guide")
        .prefetch_related("topics")
        .order_by("guide__title", "number")
    )
    context = {"form": form, "upload_form": GuideUploadForm(), "page": paginate(request, questions)}
    return render(request, "mentor/questions.html", context)


@login_required
@require_POST
def mentor_questions_import(request: HtmxHttpRequest) -> HttpResponse:
    form = GuideUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("interview:mentor-questions")
    try:
        report = mentoring_service.mentor_guide_import(
            mentor=request.user, text=form.cleaned_data["file"], filename=request.FILES["file"].name
        )
    except GuideFormatError as error:
        messages.error(request, f"{request.FILES['file'].name}, {error}")
    except (ValidationError, PermissionDenied) as error:
        show_errors(request, error)
    else:
        messages.success(
            request,
            f"Imported “{report.guide.title}”: {report.created} new, {report.updated} updated questions.",
        )
    return redirect("interview:mentor-questions")
