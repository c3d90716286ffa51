"""Reads for practice: which questions each mode offers, today's counts, a session's summary."""

import random
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery, Sum

from accounts.models import User
from interview.models import (
    Assignment,
    Attempt,
    ContentVersion,
    PracticeMode,
    PracticeSession,
    Question,
    Rating,
    ReviewState,
    Showing,
    Topic,
)
from interview.selectors.learning import (
    TodayCounts,
    daily_budget,
    due_filter,
    today_counts,
    today_start,
    unseen_questions,
    weakest_topics,
)
from interview.sql_rows import columns, instance

SiblingLink = Question.siblings.through


def sibling_link_count() -> int:
    """An upper bound on how many questions of a plan their siblings can bury."""
    return SiblingLink.objects.count()


@dataclass(frozen=True)
class Siblings:
    """The sibling links of a plan's questions, and which of them are buried today."""

    of: dict[int, set[int]]  # each question's siblings (only questions that have any)
    buried: set[int]  # questions with a sibling already shown to the user on their local day (as Anki buries)


def _shown_today(user: User, now: datetime) -> QuerySet:
    return Showing.objects.filter(user=user, shown_at__gte=today_start(user, now)).values("question")


def siblings_of(user: User, question_ids: list[int], now: datetime) -> Siblings:
    """The siblings of these questions and those of them buried today: one query over their links."""
    buries = Exists(_shown_today(user, now).filter(question=OuterRef("to_question_id")))
    links = SiblingLink.objects.filter(from_question_id__in=question_ids).values_list(
        "from_question_id", "to_question_id", buries
    )
    siblings = Siblings(of={}, buried=set())
    for question_id, sibling_id, buries in links:
        siblings.of.setdefault(question_id, set()).add(sibling_id)
        if buries:
            siblings.buried.add(question_id)
    return siblings


def not_buried(questions: QuerySet[Question], user: User, now: datetime) -> QuerySet[Question]:
    """These questions less those buried today (the same rule as siblings_of, in one query)."""
    buried = SiblingLink.objects.filter(to_question_id__in=_shown_today(user, now))
    return questions.exclude(pk__in=buried.values("from_question_id"))


def _active_in(topic_ids: list[int]) -> QuerySet[Question]:
    questions = Question.objects.public()
    if topic_ids:
        questions = questions.filter(topics__in=topic_ids)
    return questions.distinct()


def due_question_ids(user: User, now: datetime, limit: int) -> list[int]:
    """Questions whose review is due, most overdue first."""
    due = ReviewState.objects.filter(due_filter(now), user=user).order_by("due")
    return list(due.values_list("question_id", flat=True)[:limit])


def new_question_ids(user: User, topic_ids: list[int], limit: int) -> list[int]:
    """Questions the user has never practised, in guide order."""
    unseen = unseen_questions(user)
    if topic_ids:
        unseen = unseen.filter(topics__in=topic_ids).distinct()
    unseen = unseen.order_by("guide__title", "number")
    return list(unseen.values_list("pk", flat=True)[:limit])


def topic_question_ids(topic_ids: list[int]) -> list[int]:
    return list(_active_in(topic_ids).order_by("guide__title", "number").values_list("pk", flat=True))


def within_new_limit(user: User, question_ids: list[int], new_left: int) -> list[int]:
    """The same questions in order, keeping at most ``new_left`` that the learner has never practised."""
    if new_left >= len(question_ids):  # the limit keeps them all, whichever are new: nothing to read
        return list(question_ids)
    seen = set(
        ReviewState.objects.filter(user=user, question_id__in=question_ids).values_list(
            "question_id", flat=True
        )
    )
    kept, new = [], 0
    for pk in question_ids:
        if pk not in seen:
            if new >= new_left:
                continue
            new += 1
        kept.append(pk)
    return kept


def unseen_count(user: User, question_ids: list[int]) -> int:
    """How many of these questions the learner has never practised."""
    seen = ReviewState.objects.filter(user=user, question_id__in=question_ids).count()
    return len(set(question_ids)) - seen


def new_past_daily_limit(user: User, session: PracticeSession, now: datetime) -> int:
    """How many never-practised questions a session plans beyond what today's new limit allows."""
    return max(0, unseen_count(user, session.queue) - daily_budget(user, now).new_left)


def least_recently_practised(user: User, question_ids: list[int]) -> list[int]:
    """The same questions, never practised first, then the longest since their last review."""
    last_review = ReviewState.objects.filter(user=user, question=OuterRef("pk")).values("last_review")[:1]
    ordered = (
        Question.objects.filter(pk__in=question_ids)
        .annotate(last_review=Subquery(last_review))
        .order_by(F("last_review").asc(nulls_first=True), "guide__title", "number")
    )
    return list(ordered.values_list("pk", flat=True))


def mistake_question_ids(user: User) -> list[int]:
    """Questions whose latest rating was Again or Hard, the longest-ago first."""
    states = ReviewState.objects.filter(
        user=user, last_rating__lte=Rating.HARD, question__is_active=True
    ).order_by("last_review")
    return list(states.values_list("question_id", flat=True))


def weakest_question_ids(user: User, now: datetime) -> list[int]:
    topic_ids = [topic.pk for topic in weakest_topics(user, now)]
    if not topic_ids:
        return []
    return least_recently_practised(user, topic_question_ids(topic_ids))


def mock_question_ids(
    user: User, topic_ids: list[int], count: int, new_left: int, rng: random.Random | None = None
) -> list[int]:
    """``count`` random questions of the topics, at most ``new_left`` of them never practised."""
    candidates = topic_question_ids(topic_ids)
    (rng or random).shuffle(candidates)
    return within_new_limit(user, candidates, new_left)[:count]


@dataclass(frozen=True)
class SessionSummary:
    questions: int
    duration_ms: int
    ratings: dict[str, int]
    topics: list[Topic]
    next_due: datetime | None
    due_within_a_day: int
    not_reached: int = 0  # questions of a session finished early that were never shown (a repeat is not one)


def session_summary(session: PracticeSession, now: datetime) -> SessionSummary:
    """What a finished session achieved and what comes next, in a few aggregate queries."""
    attempts = session.attempts.all()
    totals = attempts.aggregate(
        questions=Count("question", distinct=True),
        duration=Sum("duration_ms"),
        **{label.lower(): Count("pk", filter=Q(rating=value)) for value, label in Rating.choices},
    )
    topics = list(
        Topic.objects.filter(questions__attempts__session=session).distinct().order_by("position", "name")
    )
    upcoming = ReviewState.objects.filter(user=session.user, question__is_active=True, due__gt=now).aggregate(
        next_due=Min("due"), within_a_day=Count("pk", filter=Q(due__lte=now + timedelta(days=1)))
    )
    return SessionSummary(
        questions=totals["questions"],
        duration_ms=totals["duration"] or 0,
        ratings={label: totals[label.lower()] for _, label in Rating.choices},
        topics=topics,
        next_due=upcoming["next_due"],
        due_within_a_day=upcoming["within_a_day"],
        not_reached=questions_not_reached(session),
    )


def questions_not_reached(session: PracticeSession) -> int:
    """Questions of the session never shown (a repeat of one already shown is not one)."""
    return len(set(session.queue[session.position :]) - set(session.queue[: session.position]))


def sessions_of(user: User) -> QuerySet[PracticeSession]:
    """The practice sessions a user may open: their own."""
    return PracticeSession.objects.filter(user=user)


def attempts_of(user: User) -> QuerySet[Attempt]:
    """The attempts a user may see here: their own."""
    return Attempt.objects.filter(user=user)


def session_to_continue(user: User, now: datetime) -> PracticeSession | None:
    """The user's latest session started today on the site that still has questions left, if any.

    Sessions over the API and mock interviews (whose clock has run on) are not offered; a finished one never.
    """
    sessions = PracticeSession.objects.filter(
        user=user, via_api=False, finished_at__isnull=True, started_at__gte=today_start(user, now)
    ).exclude(mode=PracticeMode.MOCK)
    for session in sessions.order_by("-started_at", "-pk")[:5]:
        if session.remaining:
            return session
    return None


NOTHING_LEFT_TODAY = "Nothing is left for today within your daily limits: come back tomorrow, or pick a topic or a mock interview."
NEXT_REVIEW_LATER_TODAY = (
    "Nothing is due now. Next review due at {time}: come back then, or pick a topic or a mock interview."
)


def why_nothing_today(user: User, today: TodayCounts) -> str:
    """Why today's session is empty: a review falling due later today (while the review limit allows it) is
    named with its local time, so the page never says "come back tomorrow" to a learner whose day's goal still
    holds a review."""
    if today.next_due_today is None or not today.budget.reviews_left:
        return NOTHING_LEFT_TODAY
    local = today.next_due_today.astimezone(zoneinfo.ZoneInfo(user.timezone))
    return NEXT_REVIEW_LATER_TODAY.format(time=local.strftime("%H:%M"))


@dataclass(frozen=True)
class NextStep:
    """The one obvious thing to do next: continue a session, else start today's (or why there is none)."""

    session_to_continue: PracticeSession | None
    due: int  # due reviews within today's review limit
    new: int  # unseen questions within today's new limit
    why_not: str  # why today's session has nothing in it ("" when it has)


def next_step(user: User, now: datetime, today: TodayCounts | None = None) -> NextStep:
    """What "Continue your session" and "Start today's session" offer (the queue rule is services.practice's).

    ``today``: today's counts, when the caller has them (the dashboard's come with its figures).
    """
    today = today or today_counts(user, now)
    due, new = today.due_within_limit, today.new_within_limit
    why_not = "" if due or new else why_nothing_today(user, today)
    return NextStep(session_to_continue=session_to_continue(user, now), due=due, new=new, why_not=why_not)


def showing_out_of_date(session: PracticeSession, showing: Showing) -> str:
    """Why a page's card can no longer be answered: "rated", "finished" (the session ended before it was
    rated), "moved" (the session is past it), or "" while it is the card on screen. A plain read.

    Mock interviews answer through their own review, so their cards are never out of date here.
    """
    if session.is_mock:
        return ""
    if Attempt.objects.filter(showing=showing).exists():
        return "rated"
    if session.finished_at is not None:
        return "finished"
    return "" if showing.position == session.position else "moved"


def showing_on_screen(session: PracticeSession) -> Showing | None:
    """The showing of the session's current question if it is already shown (a plain read: no lock, no write).

    Pages and clients ask again and again for the question on screen; only a question not shown yet needs
    services.practice.showing_current, which locks the session and may pass over buried questions.
    """
    return (
        Showing.objects.filter(session=session, position=session.position).select_related("question").first()
    )


@dataclass(frozen=True)
class OnScreen:
    """The showing on screen in a session, as much of it as the API's next returns."""

    token: str
    question_id: int


@dataclass(frozen=True)
class Reopened:
    """What the API's next finds open: the session (or None), the showing on screen in it (None when its current
    question is not shown yet), and the bank's version, read in the same statement (see
    api.serializers.question_rendering)."""

    session: PracticeSession | None
    on_screen: OnScreen | None
    content_version: str | None


def api_session_reopened(
    user: User, *, mode: str, topic_ids: set[int], assignment: Assignment | None, now: datetime
) -> Reopened:
    """The unfinished API session of this mode (same topics, same assignment) started today, if any (the one
    the API's next continues and its finish ends), with the showing on screen in it and the bank's version:
    one query.
    """
    # Written out: the API's next runs it on every call, and the ORM's version cost more to build than to run.
    # Exactly these topics: as many links as topics, and all of them to these topics.
    quote = connection.ops.quote_name
    session, link, showing, version = (
        quote(model._meta.db_table)
        for model in (PracticeSession, PracticeSession.topics.through, Showing, ContentVersion)
    )
    topic_list = sorted(topic_ids)
    conditions = [
        "s.user_id = %s",
        "s.via_api = %s",
        "s.mode = %s",
        "s.assignment_id IS NULL" if assignment is None else "s.assignment_id = %s",
        "s.finished_at IS NULL",
        "s.started_at >= %s",
        f"(SELECT COUNT(*) FROM {link} l WHERE l.practicesession_id = s.id) = %s",
    ]
    # As the ORM takes it: an assignment or its id (next with an assignment id in another mode matches none).
    assignment_id = getattr(assignment, "pk", assignment)
    params: list[Any] = [user.pk, True, mode, *([] if assignment is None else [assignment_id])]
    params += [connection.ops.adapt_datetimefield_value(today_start(user, now)), len(topic_list)]
    if topic_list:
        conditions.append(
            f"(SELECT COUNT(*) FROM {link} l WHERE l.practicesession_id = s.id"
            f" AND l.topic_id IN ({', '.join(['%s'] * len(topic_list))})) = %s"
        )
        params += [*topic_list, len(topic_list)]
    # From the one row of the bank's version, so that the version comes back when no session is open too.
    sql = (
        f"SELECT bank.token, sh.token, sh.question_id, {columns(PracticeSession, 's')}"
        f" FROM (SELECT (SELECT v.token FROM {version} v ORDER BY v.id LIMIT 1) AS token) bank"
        f" LEFT JOIN {session} s ON {' AND '.join(conditions)}"
        f" LEFT JOIN {showing} sh ON sh.session_id = s.id AND sh.position = s.position"
        f" ORDER BY s.started_at, s.id LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        content_version, token, question_id, *values = cursor.fetchone()
    if values[0] is None:  # the session's id: none is open
        return Reopened(session=None, on_screen=None, content_version=content_version)
    on_screen = OnScreen(token=token, question_id=question_id) if token and question_id else None
    found = instance(PracticeSession, values)
    return Reopened(session=found, on_screen=on_screen, content_version=content_version)


def api_open_session(
    user: User, *, mode: str, topic_ids: set[int], assignment: Assignment | None, now: datetime
) -> PracticeSession | None:
    """The unfinished API session of this mode (same topics, same assignment) started today, if any:
    the one the API's next continues and its finish ends."""
    return api_session_reopened(user, mode=mode, topic_ids=topic_ids, assignment=assignment, now=now).session
