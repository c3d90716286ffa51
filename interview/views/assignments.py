"""Mentor pages for assignments: assign a set, follow its progress."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from interview import grids
from interview.forms import (
    AssignmentForm,
)
from interview.scheduling import local_today
from interview.selectors import mentoring as see
from interview.services import mentoring as mentoring_service
from interview.views.bank import HtmxHttpRequest
from interview.views.mentor_common import show_errors


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.is_mentor:
        return redirect("interview:mentor")
    cohorts = see.cohorts_mentored_by(request.user)
    only_cohort = list(cohorts[:2]) if not request.GET.get("cohort") and not request.POST else []
    form = AssignmentForm(
        request.POST or None,
        initial={
            "question_set": request.GET.get("set"),
            # The only cohort is chosen for you; the due date proposed is a week from your today.
            "cohort": request.GET.get("cohort") or (only_cohort[0].pk if len(only_cohort) == 1 else None),
            "due_date": local_today(request.user, timezone.now()) + timedelta(days=7),
            "completion_rule": "answer_all",
        },
        mentor=request.user,
        question_sets=see.question_sets_assignable_by(request.user).select_related("owner"),
        cohorts=cohorts,
        learners=see.learners_visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = mentoring_service.assignment_create(
                mentor=request.user,
                question_set=data["question_set"],
                cohort=data["cohort"],
                learners=list(data["learners"]) or None,
                start_date=data["start_date"],
                due_date=data["due_date"],
                completion_rule=data["completion_rule"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"“{assignment.title}” was assigned.")
            return redirect(assignment)
    return render(request, "mentor/assignment_new.html", {"form": form})


@login_required
@require_safe
def assignment_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    assignment = see.mentored_assignment(request.user, pk)
    if assignment is None:
        raise Http404("No assignment you mentor has this id.")
    grid = see.assignment_progress_grid(assignment)
    now = timezone.now()
    for row in grid["rows"]:
        # Overdue in the learner's own time zone, as they see it.
        today = local_today(row["progress"].learner, now)
        row["status"] = see.status_of(row["progress"], assignment, today)
        row["reminder"] = see.reminder_state(row["progress"], row["status"], today)
    context = {
        "assignment": assignment,
        "grid": grid,
        "question_headers": grids.progress_headers(grid["questions"]),
        "rows": grids.progress_rows(grid["rows"], assignment, request),
        "total": see.active_total(assignment),
    }
    return render(request, "mentor/assignment.html", context)


@login_required
@require_POST
def assignment_remind(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(see.assignments_mentored_by(request.user).select_related("cohort"), pk=pk)
    learner_id = request.POST.get("learner", "")
    learner = get_object_or_404(
        see.learners_of(assignment.cohort), pk=int(learner_id) if learner_id.isdigit() else None
    )
    try:
        mentoring_service.assignment_remind(
            mentor=request.user,
            assignment=assignment,
            learner=learner,
            site_url=request.build_absolute_uri("/"),
            now=timezone.now(),
        )
        messages.success(request, f"{learner} will get an email reminding them of “{assignment.title}”.")
    except ValidationError as error:
        show_errors(request, error)
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect(assignment)
