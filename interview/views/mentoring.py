"""Mentor pages (cohorts, invites, question sets, assignments, progress, feedback) and the learner's side."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from interview.forms import (
    AssignmentForm,
    CohortForm,
    FeedbackForm,
    GuideUploadForm,
    InviteForm,
    MentorQuestionForm,
    QuestionFilterForm,
    QuestionSetForm,
    ReplyForm,
)
from interview.guide_format import GuideFormatError
from interview.models import Assignment, Membership, Question, QuestionSet
from interview.scheduling import local_today
from interview.selectors import mentoring as see
from interview.selectors.content import filter_questions
from interview.selectors.progress import topic_mastery
from interview.services import mentoring as mentoring_service
from interview.views.bank import HtmxHttpRequest

SEARCH_RESULTS = 15


def _say(request: HtmxHttpRequest, error: ValidationError | PermissionDenied) -> None:
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


def _mentored_cohort(request: HtmxHttpRequest, pk: int):
    return get_object_or_404(see.cohorts_mentored_by(request.user), pk=pk)


# Mentor area -----------------------------------------------------------------------------------------------


@login_required
@require_safe
def mentor_home(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "cohorts": see.cohorts_mentored_by(user).prefetch_related("memberships"),
        "sets": see.question_sets_of(user),
        "assignments": see.assignments_mentored_by(user).select_related("cohort").order_by("due_date")[:20],
        "form": CohortForm(),
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
        _say(request, error)
        return redirect("interview:mentor")
    messages.success(request, f"Cohort “{cohort.name}” created. Copy its invite link for your learners.")
    return redirect(cohort)


@login_required
@require_safe
def cohort_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cohort = _mentored_cohort(request, pk)
    now = timezone.now()
    grid = see.cohort_mastery_grid(cohort, now)
    sort = request.GET.get("sort", "name")
    rows = grid["grid"]
    if sort == "activity":
        rows.sort(key=lambda row: row["learner"].last_activity or now - timedelta(days=36500), reverse=True)
    elif sort == "due":
        rows.sort(key=lambda row: row["learner"].due_now, reverse=True)
    elif sort.startswith("topic:"):
        slug = sort.split(":", 1)[1]
        rows.sort(key=lambda row: next((c["mastery"] for c in row["cells"] if c["topic"].slug == slug), 0))
    invites = {role: see.active_invite(cohort, role, now) for role in Membership.Role.values}
    context = {
        "cohort": cohort,
        "grid": grid,
        "rows": rows,
        "sort": sort,
        "mentors": see.mentors_of(cohort),
        "learner_invite": invites["learner"],
        "mentor_invite": invites["mentor"],
        "invite_form": InviteForm(),
        "assignments": cohort.assignments.order_by("due_date"),
    }
    return render(request, "mentor/cohort.html", context)


@login_required
@require_POST
def invite_create(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cohort = _mentored_cohort(request, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        days = form.cleaned_data.get("expires_in_days")
        try:
            mentoring_service.invite_create(
                mentor=request.user,
                cohort=cohort,
                role=form.cleaned_data["role"],
                expires_at=timezone.now() + timedelta(days=days) if days else None,
            )
            messages.success(request, "A new invite link is ready; the previous one no longer works.")
        except ValidationError as error:
            _say(request, error)
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(cohort)


@login_required
@require_POST
def invite_revoke(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    cohort = _mentored_cohort(request, pk)
    role = request.POST.get("role", "learner")
    mentoring_service.invite_revoke(mentor=request.user, cohort=cohort, role=role)
    messages.success(request, "The invite link was revoked.")
    return redirect(cohort)


@login_required
@require_POST
def member_remove(request: HtmxHttpRequest, pk: int, user_id: int) -> HttpResponse:
    cohort = _mentored_cohort(request, pk)
    learner = get_object_or_404(see.learners_of(cohort), pk=user_id)
    try:
        mentoring_service.membership_remove(actor=request.user, cohort=cohort, user=learner)
        messages.success(request, f"{learner} was removed from the cohort.")
    except (ValidationError, PermissionDenied) as error:
        _say(request, error)
    return redirect(cohort)


@login_required
@require_safe
def learner_detail(request: HtmxHttpRequest, pk: int, user_id: int) -> HttpResponse:
    cohort = _mentored_cohort(request, pk)
    learner = get_object_or_404(see.learners_of(cohort), pk=user_id)
    now = timezone.now()
    today = local_today(learner, now)
    progress = learner.assignments.filter(assignment__cohort=cohort).select_related("assignment")
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
        "topics": topic_mastery(learner, now),
        "assignments": [(row.assignment, see.status_of(row, row.assignment, today)) for row in progress],
        "attempts": attempts,
    }
    return render(request, "mentor/learner.html", context)


# Question sets ---------------------------------------------------------------------------------------------


def _own_set(request: HtmxHttpRequest, pk: int) -> QuestionSet:
    return get_object_or_404(see.question_sets_of(request.user), pk=pk)


@login_required
@require_POST
def set_create(request: HtmxHttpRequest) -> HttpResponse:
    form = QuestionSetForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("interview:mentor")
    try:
        question_set = mentoring_service.question_set_save(
            owner=request.user, question_ids=[], **form.cleaned_data
        )
    except (ValidationError, PermissionDenied) as error:
        _say(request, error)
        return redirect("interview:mentor")
    return redirect(question_set)


def _set_items(question_set: QuestionSet) -> list[Question]:
    items = question_set.items.select_related("question").order_by("position")
    return [item.question for item in items]


@login_required
@require_http_methods(["GET", "POST"])
def set_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question_set = _own_set(request, pk)
    form = QuestionSetForm(
        request.POST or None, initial={"title": question_set.title, "description": question_set.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            mentoring_service.question_set_save(
                owner=request.user,
                question_set=question_set,
                question_ids=[question.pk for question in _set_items(question_set)],
                **form.cleaned_data,
            )
        except (ValidationError, PermissionDenied) as error:
            _say(request, error)
        else:
            messages.success(request, "The set was saved.")
        return redirect(question_set)
    context = {
        "question_set": question_set,
        "form": form,
        "items": _set_items(question_set),
        "search_form": QuestionFilterForm(),
        "results": [],
        "assigned": question_set.assignments.select_related("cohort"),
    }
    return render(request, "mentor/set.html", context)


@login_required
@require_POST
def set_items(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Add, remove or move one question; htmx gets the updated list, plain forms a redirect."""
    question_set = _own_set(request, pk)
    ids = [question.pk for question in _set_items(question_set)]
    action = request.POST.get("action")
    try:
        question_id = int(request.POST.get("question", ""))
    except ValueError:
        question_id = None
    if question_id is not None and not 0 < question_id < 2**31:
        question_id = None
    if question_id is not None:
        if action == "add" and question_id not in ids:
            ids.append(question_id)
        elif action == "remove" and question_id in ids:
            ids.remove(question_id)
        elif action in ("up", "down") and question_id in ids:
            index = ids.index(question_id)
            other = index - 1 if action == "up" else index + 1
            if 0 <= other < len(ids):
                ids[index], ids[other] = ids[other], ids[index]
    try:
        mentoring_service.question_set_save(
            owner=request.user,
            question_set=question_set,
            title=question_set.title,
            description=question_set.description,
            question_ids=ids,
        )
    except ValidationError as error:
        _say(request, error)
    if request.htmx:
        # The list of the set, and the added question taken out of the search results (out of band).
        added = question_id if action == "add" else None
        context = {"question_set": question_set, "items": _set_items(question_set), "added": added}
        return render(request, "mentor/set.html#items", context)
    return redirect(question_set)


@login_required
@require_safe
def set_search(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Questions of the bank matching the filters, each with an Add button (htmx search-as-you-type)."""
    question_set = _own_set(request, pk)
    form = QuestionFilterForm(request.GET or None)
    results = []
    if form.is_valid():
        chosen = question_set.items.values("question_id")
        # The public bank and the mentor's own questions.
        bank = (
            Question.objects.filter(is_active=True)
            .filter(Q(guide__owner__isnull=True) | Q(guide__owner=request.user))
            .select_related("guide")
            .prefetch_related("topics")
        )
        results = list(filter_questions(bank, **form.filters()).exclude(pk__in=chosen)[:SEARCH_RESULTS])
    context = {"question_set": question_set, "search_form": form, "results": results, "searched": True}
    if request.htmx:
        return render(request, "mentor/set.html#results", context)
    context.update(
        form=QuestionSetForm(initial={"title": question_set.title}), items=_set_items(question_set)
    )
    return render(request, "mentor/set.html", context)


@login_required
@require_POST
def set_copy(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question_set = _own_set(request, pk)
    try:
        copy = mentoring_service.question_set_copy(owner=request.user, question_set=question_set)
    except (ValidationError, PermissionDenied) as error:
        _say(request, error)
        return redirect(question_set)
    messages.success(request, "A copy was made; edit it freely.")
    return redirect(copy)


# Assignments -------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.is_mentor:
        return redirect("interview:mentor")
    cohorts = see.cohorts_mentored_by(request.user)
    form = AssignmentForm(
        request.POST or None,
        initial={
            "question_set": request.GET.get("set"),
            "cohort": request.GET.get("cohort"),
            "completion_rule": "answer_all",
        },
        question_sets=see.question_sets_of(request.user),
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


def _mentored_assignment(request: HtmxHttpRequest, pk: int) -> Assignment:
    return get_object_or_404(see.assignments_mentored_by(request.user).select_related("cohort"), pk=pk)


@login_required
@require_safe
def assignment_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    assignment = _mentored_assignment(request, pk)
    grid = see.assignment_progress_grid(assignment)
    now = timezone.now()
    for row in grid["rows"]:
        # Overdue in the learner's own time zone, as they see it.
        row["status"] = see.status_of(row["progress"], assignment, local_today(row["progress"].learner, now))
    return render(request, "mentor/assignment.html", {"assignment": assignment, "grid": grid})


@login_required
@require_safe
def insights(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.is_mentor:
        return redirect("interview:mentor")
    return render(request, "mentor/insights.html", {"questions": see.question_insights(request.user)[:100]})


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
            _say(request, error)
        else:
            messages.success(request, "Your feedback was sent.")
            return redirect("interview:mentor-attempt", pk=attempt.pk)
    feedback = attempt.feedback.select_related("mentor").order_by("created_at")
    return render(request, "mentor/attempt.html", {"attempt": attempt, "form": form, "feedback": feedback})


# The learner's side ---------------------------------------------------------------------------------------------


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
        _say(request, error)
    return redirect("interview:dashboard")


@login_required
@require_safe
def feedback_list(request: HtmxHttpRequest) -> HttpResponse:
    feedback = see.feedback_for_learner(request.user)
    return render(request, "interview/feedback.html", {"feedback": feedback, "reply_form": ReplyForm()})


def _own_feedback(request: HtmxHttpRequest, pk: int):
    return get_object_or_404(see.feedback_for_learner(request.user), pk=pk)


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
            _say(request, error)
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("interview:feedback")


@login_required
@require_POST
def feedback_read(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    feedback = _own_feedback(request, pk)
    mentoring_service.feedback_mark_read(learner=request.user, feedback=feedback)
    return redirect("interview:feedback")


# A mentor's own questions -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def mentor_questions(request: HtmxHttpRequest) -> HttpResponse:
    if not request.user.is_mentor:
        return redirect("interview:mentor")
    """Write a question of one's own, or import several from a file; list them."""
    form = MentorQuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            question = mentoring_service.mentor_question_create(mentor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                _say(request, error)
            else:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"{question.label} was added to your questions.")
            return redirect("interview:mentor-questions")
    questions = (
        Question.objects.filter(guide__owner=request.user, is_active=True)
        .select_related("guide")
        .prefetch_related("topics")
        .order_by("guide__title", "number")
    )
    context = {"form": form, "upload_form": GuideUploadForm(), "questions": questions}
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
        _say(request, error)
    else:
        messages.success(
            request,
            f"Imported “{report.guide.title}”: {report.created} new, {report.updated} updated questions.",
        )
    return redirect("interview:mentor-questions")
