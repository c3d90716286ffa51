"""A mentor's own questions: write one, or import a file in the guide format."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interview.forms import (
    GuideUploadForm,
    MentorQuestionForm,
)
from interview.models import ImportJob, Question
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
    context = {
        "form": form,
        "upload_form": GuideUploadForm(),
        "page": paginate(request, questions),
        "recent_imports": ImportJob.objects.filter(owner=request.user)[:5],
    }
    return render(request, "mentor/questions.html", context)


@login_required
@require_POST
def mentor_questions_import(request: HtmxHttpRequest) -> HttpResponse:
    """Queue the uploaded file for import and show its progress page."""
    form = GuideUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("interview:mentor-questions")
    try:
        job = mentoring_service.import_job_create(
            mentor=request.user, text=form.cleaned_data["file"], filename=request.FILES["file"].name
        )
    except (ValidationError, PermissionDenied) as error:
        show_errors(request, error)
        return redirect("interview:mentor-questions")
    return redirect(job)


@login_required
@require_GET
def mentor_import_job(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A queued import's progress (htmx polls the status while it runs), then its outcome."""
    job = get_object_or_404(ImportJob.objects.filter(owner=request.user).select_related("guide"), pk=pk)
    mentoring_service.import_job_expire(job=job, now=timezone.now())
    processed, total = mentoring_service.import_job_progress(job)
    context = {"job": job, "processed": processed, "total": total}
    if request.htmx:
        return render(request, "mentor/import_job.html#status", context)
    return render(request, "mentor/import_job.html", context)
