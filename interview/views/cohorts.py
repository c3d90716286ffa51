"""Mentor pages for cohorts, invites, members and learners, and the learner's join and leave."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from interview import grids
from interview.forms import (
    CohortForm,
    InviteForm,
    QuestionSetForm,
)
from interview.models import Membership
from interview.scheduling import local_today
from interview.selectors import mentoring as see
from interview.selectors.learning import TopicProgress, topic_figures
from interview.services import mentoring as mentoring_service
from interview.views.bank import HtmxHttpRequest
from interview.views.mentor_common import mentored_cohort_or_404, show_errors


@login_required
@require_safe
def mentor_home(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "cohorts": see.cohorts_mentored_by(user).prefetch_related("memberships"),
        "sets": see.question_sets_of(user),
        "assignments": see.with_completion(see.assignments_mentored_by(user))
        .select_related("cohort")
        .order_by("due_date")[:20],
        "form": CohortForm(),
        "set_form": QuestionSetForm(),
    }
    return render(request, "mentor/home.html", context)


@login_required
@require_POST
def cohort_create(request: HtmxHttpRequest) -> HttpResponse:
    form = CohortForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("interview:mentor")
    try:
        cohort = mentoring_service.cohort_create(mentor=request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        show_errors(request, error)
        return redirect("interview:mentor")
    messages.success(
        request, f"Cohort “{cohort.name}” created with an invite link: copy it for your learners."
    )
    return redirect(cohort)


GRID_PAGE_SIZE = 30  # learners per page of the cohort grid: a cohort of 30 is one page


@login_required
@require_safe
def cohort_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cohort = mentored_cohort_or_404(request, pk)
    now = timezone.now()
    assignments = see.cohort_assignments(cohort)
    learners, mentors = see.cohort_members(cohort)
    grid = see.cohort_grid(
        now,
        learners=learners,
        sort=request.GET.get("sort", ""),
        page=request.GET.get("page"),
        per_page=GRID_PAGE_SIZE,
        assignments=assignments,
    )
    invites = see.active_invites(cohort, now)
    context = {
        "cohort": cohort,
        "grid": grid,
        "page": grid["page"],
        "rows": grids.cohort_rows(grid["page"].object_list, cohort.pk, request),
        "header_cells": grids.cohort_header_cells(grid),
        "mentors": mentors,
        "learner_invite": invites.get(Membership.Role.LEARNER),
        "mentor_invite": invites.get(Membership.Role.MENTOR),
        "invite_form": InviteForm(),
        "invite_widgets": InviteForm.blank_widgets(),
        "assignments": assignments,
    }
    return render(request, "mentor/cohort.html", context)


@login_required
@require_POST
def invite_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cohort = mentored_cohort_or_404(request, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        days, role, now = form.cleaned_data.get("expires_in_days"), form.cleaned_data["role"], timezone.now()
        had_link = see.active_invite(cohort, role, now) is not None
        try:
            mentoring_service.invite_create(
                mentor=request.user,
                cohort=cohort,
                role=role,
                expires_at=now + timedelta(days=days) if days else None,
                now=now,
            )
            messages.success(
                request,
                "A new invite link is ready; the previous one no longer works."
                if had_link
                else "An invite link is ready: copy it for your learners."
                if role == Membership.Role.LEARNER
                else "An invite link is ready: copy it for your co-mentor.",
            )
        except ValidationError as error:
            show_errors(request, error)
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(cohort)


@login_required
@require_POST
def invite_revoke(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cohort = mentored_cohort_or_404(request, pk)
    role = request.POST.get("role", "learner")
    mentoring_service.invite_revoke(mentor=request.user, cohort=cohort, role=role)
    messages.success(request, "The invite link was revoked.")
    return redirect(cohort)


@login_required
@require_POST
def member_remove(request: HtmxHttpRequest, pk: int, user_id: int) -> HttpResponse:
    cohort = mentored_cohort_or_404(request, pk)
    learner = get_object_or_404(see.learners_of(cohort), pk=user_id)
    try:
        mentoring_service.membership_remove(actor=request.user, cohort=cohort, user=learner)
        messages.success(request, f"{learner} was removed from the cohort.")
    except (ValidationError, PermissionDenied) as error:
        show_errors(request, error)
    return redirect(cohort)


@login_required
@require_safe
def learner_detail(request: HtmxHttpRequest, pk: int, user_id: int) -> HttpResponse:
    cohort = mentored_cohort_or_404(request, pk)
    learner = get_object_or_404(see.learners_of(cohort), pk=user_id)
    now = timezone.now()
    today = local_today(learner, now)
    progress = list(learner.assignments.filter(assignment__cohort=cohort).select_related("assignment"))
    see.prime_active_totals([row.assignment for row in progress])
    assignments = []
    for row in progress:
        status = see.status_of(row, row.assignment, today)
        assignments.append((row.assignment, status, see.reminder_state(row, status, today)))
    attempts = (
        see.attempts_visible_to(request.user)
        .filter(user=learner, assignment__cohort=cohort)
        .select_related("question", "assignment")
        .prefetch_related("feedback")
        .order_by("-created_at")[:100]
    )
    context = {
        "cohort": cohort,
        "learner": learner,
        "topics": [TopicProgress.of(figures) for figures in topic_figures(learner, now)],
        "assignments": assignments,
        "attempts": attempts,
    }
    return render(request, "mentor/learner.html", context)


@login_required
@require_safe
def insights(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.is_mentor:
        return redirect("interview:mentor")
    return render(request, "mentor/insights.html", {"questions": see.question_insights(request.user)[:100]})


@login_required
@require_http_methods(["GET", "POST"])
def cohort_join(request: HtmxHttpRequest, token: str) -> HttpResponse:
    try:
        invite = mentoring_service.invite_usable(token)
    except ValidationError as error:
        return render(request, "interview/join.html", {"error": error.messages[0]}, status=404)
    if request.method == "POST":
        membership = mentoring_service.cohort_join(user=request.user, token=token)
        messages.success(request, f"You joined “{invite.cohort.name}”.")
        if membership.role == Membership.Role.MENTOR:
            return redirect(invite.cohort)
        return redirect("interview:dashboard")
    context = {
        "invite": invite,
        "cohort": invite.cohort,
        "mentors": see.mentors_of(invite.cohort),
        # A learner of the cohort may still accept an invitation to co-mentor it.
        "already": Membership.objects.filter(
            cohort=invite.cohort, user=request.user, role__in=[invite.role, Membership.Role.MENTOR]
        ).exists(),
    }
    return render(request, "interview/join.html", context)


@login_required
@require_POST
def cohort_leave(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cohort = get_object_or_404(see.cohorts_visible_to(request.user), pk=pk)
    try:
        mentoring_service.membership_remove(actor=request.user, cohort=cohort, user=request.user)
        messages.success(request, f"You left “{cohort.name}”. Its mentors no longer see your practice.")
    except ValidationError as error:
        show_errors(request, error)
    return redirect("interview:dashboard")
