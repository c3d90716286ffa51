"""Public pages of the question bank: no login needed."""

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from interview.forms import FlagForm, NoteForm, QuestionFilterForm
from interview.models import Guide, Question, QuestionNote, Topic
from interview.selectors.content import (
    active_questions,
    filter_questions,
    question_detail_queryset,
    topics_with_counts,
)
from interview.selectors.practice import attempts_of
from interview.views.pagination import paginate


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_safe
def home(request: HtmxHttpRequest) -> HttpResponse:
    guides = (
        Guide.objects.filter(owner__isnull=True)
        .annotate(
            question_count=Count("questions", filter=Q(questions__is_active=True)),
        )
        .order_by("title")
    )
    context = {
        "guides": guides,
        "question_count": active_questions().count(),
        "topics": topics_with_counts(),
    }
    return render(request, "interview/home.html", context)


@require_safe
def guide_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    guide = get_object_or_404(Guide, slug=slug, owner__isnull=True)
    questions = active_questions().filter(guide=guide).order_by("number")
    guide_topics = Topic.objects.filter(questions__in=questions).distinct().order_by("slug")
    context = {"guide": guide, "questions": questions, "guide_topics": guide_topics}
    return render(request, "interview/guide_detail.html", context)


@require_safe
def topic_list(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "interview/topic_list.html", {"topics": topics_with_counts()})


@require_safe
def topic_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    topic = get_object_or_404(Topic, slug=slug)
    questions = active_questions().filter(topics=topic).order_by("guide__title", "number")
    return render(request, "interview/topic_detail.html", {"topic": topic, "questions": questions})


def _search(request: HtmxHttpRequest) -> tuple[QuestionFilterForm, QuerySet[Question], str]:
    """The question list's form, its results in order, and its filters as a query string (page left out)."""
    form = QuestionFilterForm(request.GET or None)
    questions = active_questions().order_by("guide__title", "number")
    used = {name: request.GET[name] for name in form.fields if request.GET.get(name)}
    if form.is_valid():
        questions = filter_questions(questions, **form.filters())
    return form, questions, urlencode(used) if form.is_valid() else ""


@require_safe
@vary_on_headers("HX-Request")
def question_list(request: HtmxHttpRequest) -> HttpResponse:
    form, questions, query_string = _search(request)
    page = paginate(request, questions)
    context = {
        "form": form,
        "page": page,
        "questions": page.object_list,
        # Question links carry the search, so the question page can step through the results.
        "query_string": query_string,
        "search_terms": form.cleaned_data.get("q", "") if form.is_valid() else "",
    }
    if not request.htmx or request.htmx.history_restore_request:
        return render(request, "interview/question_list.html", context)
    response = render(request, "interview/question_list.html#results", context)
    # The address bar shows only the filters in use, not every empty field of the form.
    used = {name: value for name, value in request.GET.items() if value}
    response["HX-Push-Url"] = f"{request.path}?{urlencode(used)}" if used else request.path
    return response


def _neighbours(request: HtmxHttpRequest, question: Question) -> dict:
    """Previous and next question: within the search the visitor came from, or else within the guide."""
    _form, results, query_string = _search(request)
    rows = list(results.values_list("pk", "number", "prompt")) if query_string else []
    if question.pk not in [row[0] for row in rows]:  # no search, or the question is not among its results
        query_string = ""
        in_guide = active_questions().filter(guide=question.guide_id).order_by("number")
        rows = list(in_guide.values_list("pk", "number", "prompt"))  # one query; a guide is a few hundred
    ids = [pk for pk, _number, _prompt in rows]
    if question.pk not in ids:
        return {}
    suffix = f"?{query_string}" if query_string else ""

    def link(index: int) -> dict | None:
        if not 0 <= index < len(rows):
            return None
        pk, number, prompt = rows[index]
        url = reverse("interview:question-detail", args=[pk]) + suffix
        return {"url": url, "label": f"Q{number}", "prompt": prompt}

    position = ids.index(question.pk)
    return {
        "position": position + 1,
        "total": len(ids),
        "in_search": bool(query_string),
        "suffix": suffix,
        "previous": link(position - 1),
        "next": link(position + 1),
    }


@require_safe
def question_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(question_detail_queryset().visible_to(request.user), pk=pk)
    context = {"question": question, "neighbours": _neighbours(request, question)}
    if request.user.is_authenticated:
        # The signed-in user's own history on this question: how their answer improved, and their note.
        context["my_attempts"] = attempts_of(request.user).filter(question=question).order_by("-created_at")
        note = QuestionNote.objects.filter(user=request.user, question=question).first()
        context["note_form"] = NoteForm(initial={"text": note.text if note else ""})
        context["flag_form"] = FlagForm()
    return render(request, "interview/question_detail.html", context)
