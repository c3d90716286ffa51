"""Mentor pages for question sets: create, edit items with a bank search, copy."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from interview.api.fields import MAX_ID
from interview.forms import (
    QuestionFilterForm,
    QuestionSetForm,
)
from interview.models import Question, QuestionSet
from interview.selectors import mentoring as see
from interview.selectors.content import filter_questions
from interview.services import mentoring as mentoring_service
from interview.views.bank import HtmxHttpRequest
from interview.views.mentor_common import show_errors

SEARCH_RESULTS = 15


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
        show_errors(request, error)
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
            show_errors(request, error)
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
    if question_id is not None and not 0 < question_id <= MAX_ID:
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
        show_errors(request, error)
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
        bank = Question.objects.assignable_by(request.user).select_related("guide").prefetch_related("topics")
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
def set_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question_set = _own_set(request, pk)
    try:
        mentoring_service.question_set_delete(owner=request.user, question_set=question_set)
    except (ValidationError, PermissionDenied) as error:
        show_errors(request, error)
        return redirect(question_set)
    messages.success(request, f"“{question_set.title}” was deleted.")
    return redirect("interview:mentor")


@login_required
@require_POST
def set_copy(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question_set = _own_set(request, pk)
    try:
        copy = mentoring_service.question_set_copy(owner=request.user, question_set=question_set)
    except (ValidationError, PermissionDenied) as error:
        show_errors(request, error)
        return redirect(question_set)
    messages.success(request, "A copy was made; edit it freely.")
    return redirect(copy)
