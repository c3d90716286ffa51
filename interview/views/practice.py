"""The practice session: pick a mode, answer, reveal, tick key points, rate; htmx swaps, plain forms without JS."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from interview.forms import AnswerForm, FlagForm, NoteForm, PracticeStartForm, RateForm
from interview.grading import llm
from interview.grading.assessment import AGAIN_BELOW, HARD_BELOW
from interview.grading.evidence import evidence_rows, highlighted_answer
from interview.limits import ANSWER_MAX_LENGTH
from interview.models import (
    PracticeMode,
    PracticeSession,
    Question,
    QuestionNote,
    Rating,
    ReviewState,
    Showing,
)
from interview.scheduling import InterviewPlan, preview_outcomes
from interview.selectors import practice as pick
from interview.selectors.content import active_questions, question_detail_queryset, topics_with_counts
from interview.selectors.learning import today_counts, weakest_topics
from interview.services import practice as practice_service
from interview.services.grading import showing_assess, showing_llm_check
from interview.views.bank import HtmxHttpRequest

# No page here is cached (config.middleware.NoStoreForSignedInMiddleware, for every signed-in response):
# Back or Forward fetches the card that is current now, and "Continue your session" as it is now.
TEMPLATE = "interview/practice.html"
STALE_MESSAGE = "You had already rated that question, so here is where your session is now."
FINISHED_MESSAGE = "This session was finished before that question was rated, so no rating was recorded."
# What a page's out-of-date card is told, by pick.showing_out_of_date's reason.
OUT_OF_DATE_MESSAGES = {
    "rated": STALE_MESSAGE,
    "finished": FINISHED_MESSAGE,
    "moved": "That question is no longer the current one, so here is where your session is now.",
}

# The reveal asks for the LLM's verdict every LLM_POLL_SECONDS, at most LLM_POLLS times, then gives up
# visibly: the grader runs as a background task, which a busy queue or a dead worker may never finish.
LLM_POLL_SECONDS = 2
LLM_POLLS = 15


def _session_or_404(request: HtmxHttpRequest, pk: int) -> PracticeSession:
    return get_object_or_404(pick.sessions_of(request.user), pk=pk)


def _render(request: HtmxHttpRequest, partial: str, context: dict) -> HttpResponse:
    """The partial for htmx, the whole page otherwise."""
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, f"{TEMPLATE}#{partial}", context)
    return render(request, TEMPLATE, {**context, "partial": partial})


@login_required
@require_safe
def practice_home(request: HtmxHttpRequest) -> HttpResponse:
    now = timezone.now()
    user = request.user
    today = today_counts(user, now)
    context = {
        "next_step": pick.next_step(user, now, today),
        "start_form": PracticeStartForm(),
        "due_count": today.due_within_limit,
        "new_count": today.new_within_limit,
        "budget": today.budget,
        "mistake_count": len(pick.mistake_question_ids(user)),
        "weakest": weakest_topics(user, now),
        "topics": topics_with_counts(),
        "modes": PracticeMode,
        "interview_date": user.interview_date,
    }
    return render(request, "interview/practice_home.html", context)


@login_required
@require_POST
def practice_start(request: HtmxHttpRequest) -> HttpResponse:
    form = PracticeStartForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label or field}: {' '.join(errors)}")
        return redirect("interview:practice")
    try:
        session = practice_service.session_start(user=request.user, **form.session_options())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("interview:practice")
    if session is None:
        label = PracticeMode(form.cleaned_data["mode"]).label
        messages.info(request, f"Nothing to practise in “{label}” right now.")
        return redirect("interview:practice")
    if session.assignment is not None:
        past = pick.new_past_daily_limit(request.user, session, timezone.now())
        if past:
            messages.info(
                request,
                f"{past} new question{'s' if past > 1 else ''} of this assignment go past your daily limit "
                f"of new questions, so that you finish by its due date "
                f"({session.assignment.due_date:%-d %b}). They count toward today's limit.",
            )
    return redirect(session)


def _question_context(session: PracticeSession, showing: Showing, form: AnswerForm | None = None) -> dict:
    seconds_left = None
    if session.is_mock:
        elapsed = (timezone.now() - showing.shown_at).total_seconds()
        seconds_left = max(0, round(session.seconds_per_question - elapsed))
    # The card names the question's topics twice: one query, not two (a no-op when already prefetched).
    prefetch_related_objects([showing.question], "topics")
    return {
        "seconds_left": seconds_left,
        "session": session,
        "showing": showing,
        "question": showing.question,
        "form": form or AnswerForm(initial={"token": showing.token}),
        "progress": _progress(session, showing),
    }


def _progress(session: PracticeSession, showing: Showing) -> dict:
    total = len(session.queue)
    return {"done": showing.position, "total": total, "is_last": showing.position + 1 >= total}


@login_required
@require_safe
def practice_session(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    if session.is_mock and session.remaining == 0:
        return _mock_review(request, session)
    if session.finished_at is not None and not session.is_mock:
        return redirect("interview:practice-summary", pk=session.pk)
    # The question on screen is a plain read; only a question not shown yet needs the locking service.
    showing = pick.showing_on_screen(session) or practice_service.showing_current(session=session)
    if showing is None:
        return redirect("interview:practice-summary", pk=session.pk)
    return _render(request, "card", _question_context(session, showing))


def _showing_or_404(session: PracticeSession, token: str) -> Showing:
    return get_object_or_404(
        Showing.objects.select_related("question").prefetch_related("question__topics"),
        session=session,
        token=token,
    )


def _stale_showing(
    request: HtmxHttpRequest, session: PracticeSession, showing: Showing
) -> HttpResponse | None:
    """The current card (with a short message) when a page shown earlier is used again, else None.

    Back, Forward or a second tab can bring up a card already rated, or one of a finished session.
    """
    reason = pick.showing_out_of_date(session, showing)
    if not reason:
        return None
    notice = OUT_OF_DATE_MESSAGES[reason]
    if not request.htmx:
        messages.info(request, notice)
        return redirect(session)
    current = None if session.finished_at else practice_service.showing_current(session=session)
    if current is None:
        messages.info(request, notice)  # shown on the summary the client is sent to
        return HttpResponseClientRedirect(reverse("interview:practice-summary", kwargs={"pk": session.pk}))
    return _render(request, "card", {**_question_context(session, current), "notice": notice})


def _reveal_context(
    request: HtmxHttpRequest, session: PracticeSession, showing: Showing, answer: str, ticked=None
):
    question = (
        active_questions().prefetch_related("snippets", "key_points").filter(pk=showing.question_id).first()
        or showing.question
    )
    answer = practice_service.normalize_answer(answer)
    graded = None
    if len(answer) <= ANSWER_MAX_LENGTH:  # longer is refused by answer_assess below, with its message
        showing.question = question
        graded = showing_assess(showing=showing, answer_text=answer)
    assessment = practice_service.answer_assess(
        question=question, answer_text=answer, ticked=ticked, graded=graded
    )
    now = timezone.now()
    state = ReviewState.objects.filter(user=request.user, question=question).first()
    ratings = _rating_buttons(request, question.pk, {question.pk: state}, now)
    note = QuestionNote.objects.filter(user=request.user, question=question).first()
    return {
        "session": session,
        "showing": showing,
        "question": question,
        "answer_text": answer,
        "assessment": assessment,
        "graded": graded,
        "ask_llm": llm.is_enabled() and graded is not None and not graded.extra.get("llm_asked"),
        "evidence": evidence_rows(graded),
        "highlighted_answer": highlighted_answer(answer, graded),
        "ratings": ratings,
        "key_points": list(question.key_points.all()),
        "key_point_rows": _rows_by_point(question, graded),
        "note_form": NoteForm(initial={"text": note.text if note else ""}),
        "flag_form": FlagForm(),
        "progress": _progress(session, showing),
    }


def _rows_by_point(question: Question, graded) -> list[tuple]:
    """Each key point with the grader's verdict on it (None if the verdict predates the point)."""
    rows = {row.key_point_id: row for row in evidence_rows(graded)}
    return [(point, rows.get(point.pk)) for point in question.key_points.all()]


# Without JavaScript the reveal is Post/Redirect/Get: the typed answer waits in the user's session and the
# browser lands on a GET page, so Back after rating never meets "Confirm form resubmission".
REVEALED_KEY = "practice_revealed"


@login_required
@require_http_methods(["GET", "POST"])
def practice_reveal(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    if session.is_mock:
        raise Http404("A mock interview shows the model answers only in its review.")
    if request.method == "GET":
        return _revealed_page(request, session)
    showing = _showing_or_404(session, request.POST.get("token", ""))
    if stale := _stale_showing(request, session, showing):
        return stale
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _render(request, "card", _question_context(session, showing, form))
    if not request.htmx:
        request.session[REVEALED_KEY] = {
            "session": session.pk,
            "token": showing.token,
            "answer_text": form.cleaned_data["answer_text"],
            "duration_ms": form.cleaned_data.get("duration_ms"),
        }
        return redirect("interview:practice-reveal", pk=session.pk)
    context = _reveal_context(request, session, showing, form.cleaned_data["answer_text"])
    context["duration_ms"] = form.cleaned_data.get("duration_ms")
    return _render(request, "reveal", context)


def _revealed_page(request: HtmxHttpRequest, session: PracticeSession) -> HttpResponse:
    """The reveal of the answer last sent without JavaScript; once it is rated (Back), the current card."""
    revealed = request.session.get(REVEALED_KEY) or {}
    if revealed.get("session") != session.pk:
        return redirect(session)
    showing = _showing_or_404(session, revealed.get("token", ""))
    if stale := _stale_showing(request, session, showing):
        return stale
    context = _reveal_context(
        request, session, showing, revealed.get("answer_text", ""), ticked=revealed.get("ticked")
    )
    context["duration_ms"] = revealed.get("duration_ms")
    if status := revealed.pop("tool_status", ""):  # said once, not again on reload
        request.session.modified = True
        context["tool_status"] = status
    return _render(request, "reveal", context)


@login_required
@require_POST
def practice_check(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Coverage and suggested rating for the key points the user ticked (htmx, as boxes change)."""
    session = _session_or_404(request, pk)
    showing = _showing_or_404(session, request.POST.get("token", ""))
    # htmx only swaps the assessment in: an out-of-date card needs no redirect, and no locking write.
    if not request.htmx and (stale := _stale_showing(request, session, showing)):
        return stale
    form = RateForm(request.POST, question=showing.question)
    form.is_valid()
    ticked = form.cleaned_data.get("key_points", [])
    context = _reveal_context(
        request, session, showing, form.cleaned_data.get("answer_text", ""), ticked=ticked
    )
    return (
        _render(request, "reveal", context)
        if not request.htmx
        else render(request, f"{TEMPLATE}#assessment", context)
    )


@login_required
@require_POST
def practice_llm_check(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The LLM grader's verdict swapped in for the lexical one when ready (htmx polls from the reveal)."""
    session = _session_or_404(request, pk)
    showing = _showing_or_404(session, request.POST.get("token", ""))
    answer = practice_service.normalize_answer(request.POST.get("answer_text", ""))[:ANSWER_MAX_LENGTH]
    verdict = showing_llm_check(showing=showing, answer_text=answer)
    try:
        poll = max(0, int(request.POST.get("poll", 0)))
    except ValueError:
        poll = 0
    if request.htmx and verdict is None and poll < LLM_POLLS:
        # Replace only the waiting line, with one that asks again after a pause.
        response = render(
            request,
            "interview/includes/llm_waiting.html",
            {"session": session, "next_poll": poll + 1, "delay": LLM_POLL_SECONDS},
        )
        response["HX-Retarget"] = "#verdict p[hx-post]"
        response["HX-Reswap"] = "outerHTML"
        return response
    context = _reveal_context(request, session, showing, answer)
    if not request.htmx:
        return _render(request, "reveal", context)
    if verdict is None:
        if context["graded"] is not None:
            context["graded"] = replace(
                context["graded"], note="The LLM grader did not reply in time; the lexical check stands."
            )
        context["ask_llm"] = False
    return render(request, f"{TEMPLATE}#llm_verdict", {**context, "oob": True})


@login_required
@require_POST
def practice_tools(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Save a note or report the model answer from the reveal screen, keeping the answer and ticks."""
    session = _session_or_404(request, pk)
    showing = _showing_or_404(session, request.POST.get("token", ""))
    question = showing.question
    tool = request.POST.get("tool", "note")
    status = _use_tool(
        request.user, question, tool, request.POST.get("reason" if tool == "flag" else "note", "")
    )
    if request.htmx:
        return HttpResponse(status)
    form = RateForm(request.POST, question=question)
    form.is_valid()
    # Back to the reveal page (Post/Redirect/Get), with the answer and the ticks as they were on screen.
    request.session[REVEALED_KEY] = {
        "session": session.pk,
        "token": showing.token,
        "answer_text": request.POST.get("answer_text", "")[:ANSWER_MAX_LENGTH],
        "duration_ms": form.cleaned_data.get("duration_ms"),
        "ticked": form.cleaned_data.get("key_points", []) if "key_points_sent" in request.POST else None,
        "tool_status": status,
    }
    return redirect("interview:practice-reveal", pk=session.pk)


def _after_answer(request: HtmxHttpRequest, session: PracticeSession, notice: str = "") -> HttpResponse:
    session.refresh_from_db()
    if not request.htmx:
        return redirect(session)
    if session.is_mock and session.remaining == 0:
        return _mock_review(request, session)
    showing = None if session.finished_at else practice_service.showing_current(session=session)
    if showing is None:
        if notice:
            messages.info(request, notice)  # shown on the summary the client is sent to
        return HttpResponseClientRedirect(reverse("interview:practice-summary", kwargs={"pk": session.pk}))
    return _render(request, "card", {**_question_context(session, showing), "notice": notice})


@login_required
@require_POST
def practice_rate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    showing = _showing_or_404(session, request.POST.get("token", ""))
    form = RateForm(request.POST, question=showing.question)
    if not form.is_valid():
        context = _reveal_context(
            request, session, showing, request.POST.get("answer_text", "")[:ANSWER_MAX_LENGTH]
        )
        context["rate_errors"] = [error for errors in form.errors.values() for error in errors]
        return _render(request, "reveal", context)
    try:
        practice_service.attempt_record(
            user=request.user,
            token=showing.token,
            rating=form.cleaned_data["rating"],
            answer_text=form.cleaned_data["answer_text"],
            key_points=form.cleaned_data["key_points"] if "key_points_sent" in request.POST else None,
            duration_ms=form.cleaned_data.get("duration_ms"),
        )
    except ValidationError as error:
        # Already rated (a double click, a resent form, a card brought back by Back) or the session was
        # finished elsewhere: nothing is recorded; the session carries on from where it is, saying why.
        if isinstance(error, practice_service.ShowingAlreadyRated):
            notice = STALE_MESSAGE
        elif isinstance(error, practice_service.SessionAlreadyFinished):
            notice = FINISHED_MESSAGE
        else:
            notice = " ".join(error.messages)
        if not request.htmx:
            messages.info(request, notice)
        return _after_answer(request, session, notice=notice)
    return _after_answer(request, session)


@login_required
@require_POST
def practice_mock_answer(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    showing = _showing_or_404(session, request.POST.get("token", ""))
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _render(request, "card", _question_context(session, showing, form))
    try:
        practice_service.mock_answer_submit(
            user=request.user,
            token=showing.token,
            answer_text=form.cleaned_data["answer_text"],
            duration_ms=form.cleaned_data.get("duration_ms"),
            timed_out=bool(request.POST.get("timed_out")),
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _render(request, "card", _question_context(session, showing, form))
    return _after_answer(request, session)


def _mock_review(request: HtmxHttpRequest, session: PracticeSession) -> HttpResponse:
    showings = list(
        session.showings.select_related("question", "attempt")
        .prefetch_related("question__key_points", "question__snippets")
        .order_by("position")
    )
    if all(hasattr(showing, "attempt") and showing.attempt for showing in showings):
        if request.htmx:
            return HttpResponseClientRedirect(
                reverse("interview:practice-summary", kwargs={"pk": session.pk})
            )
        return redirect("interview:practice-summary", pk=session.pk)
    now = timezone.now()
    states = {
        state.question_id: state
        for state in ReviewState.objects.filter(
            user=request.user, question__in=[showing.question_id for showing in showings]
        )
    }
    plan = InterviewPlan(request.user, None, now)  # the interview-date rule's loads, counted once for all
    reviews = []
    for showing in showings:
        graded = showing_assess(showing=showing, answer_text=showing.mock_answer)  # stored at submit
        rated = _attempt_of(showing)
        reviews.append(
            {
                "showing": showing,
                "assessment": graded,
                "evidence": evidence_rows(graded),
                "highlighted_answer": highlighted_answer(showing.mock_answer, graded),
                "rated": rated,
                "key_point_rows": [] if rated else _rows_by_point(showing.question, graded),
                "ratings": [] if rated else _rating_buttons(request, showing.question_id, states, now, plan),
            }
        )
    # The bands of the suggestion from ticks, so the page can follow the ticks with the server's own rule.
    bands = {"again_below": AGAIN_BELOW, "hard_below": HARD_BELOW}
    return _render(
        request, "mock_review", {"session": session, "reviews": reviews, "suggestion_bands": bands}
    )


def _rating_buttons(
    request: HtmxHttpRequest, question_id: int, states: dict, now, plan: InterviewPlan | None = None
) -> list[dict]:
    """Each rating with when the question would come back after it."""
    previews = preview_outcomes(request.user, states.get(question_id), question_id, now, shared_plan=plan)
    return [
        {"value": value, "label": label, "interval": previews[value].label} for value, label in Rating.choices
    ]


def _attempt_of(showing: Showing):
    try:
        return showing.attempt
    except Showing.attempt.RelatedObjectDoesNotExist:
        return None


@login_required
@require_POST
def practice_finish(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """End the session now and show its summary (a mock interview goes to the review of its answers, the one
    typed when Finish was pressed included)."""
    session = _session_or_404(request, pk)
    try:
        session = practice_service.session_finish(
            user=request.user,
            session=session,
            token=request.POST.get("token", ""),
            answer_text=request.POST.get("answer_text"),
        )
    except ValidationError as error:  # an answer too long, or a token not of this user
        for message in error.messages:
            messages.error(request, message)
        target = session.get_absolute_url()
        return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
    target = (
        session.get_absolute_url()
        if session.is_mock
        else reverse("interview:practice-summary", kwargs={"pk": session.pk})
    )
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return redirect(target)


@login_required
@require_safe
def practice_summary(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = _session_or_404(request, pk)
    summary = pick.session_summary(session, timezone.now())
    attempts = session.attempts.select_related("question").order_by("created_at")
    return render(
        request,
        "interview/practice_summary.html",
        {"session": session, "summary": summary, "attempts": attempts},
    )


def _back(request: HtmxHttpRequest, question: Question) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = question.get_absolute_url()
    return redirect(target)


def _use_tool(user, question: Question, tool: str, text: str) -> str:
    """Save a private note or report the model answer; returns what to tell the user."""
    try:
        if tool == "flag":
            practice_service.flag_create(user=user, question=question, reason=text)
            return "Thank you: staff will check this model answer."
        note = practice_service.note_save(user=user, question=question, text=text)
        return "Note saved." if note else "Note removed."
    except ValidationError as error:
        return " ".join(error.messages)


@login_required
@require_POST
def question_tool(request: HtmxHttpRequest, pk: int, tool: str) -> HttpResponse:
    """A note or a report from the question page: a status line for htmx, a redirect back otherwise."""
    question = get_object_or_404(question_detail_queryset().visible_to(request.user), pk=pk)
    field = "reason" if tool == "flag" else "text"
    status = _use_tool(request.user, question, tool, request.POST.get(field, ""))
    if request.htmx:
        return HttpResponse(status)
    messages.info(request, status)
    return _back(request, question)
