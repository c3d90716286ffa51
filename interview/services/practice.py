"""Writes for practice: starting sessions, showing questions, recording attempts, notes and flags."""

import math
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import User
from interview.grading import answer_digest, grade
from interview.grading.assessment import Assessment, coverage_of, suggested_rating_from_ticks
from interview.limits import (
    ANSWER_MAX_LENGTH,
    FLAG_REASON_MAX_LENGTH,
    MAX_DURATION_MS,
    MOCK_DEFAULT_QUESTIONS,
    MOCK_DEFAULT_SECONDS,
    MOCK_MAX_QUESTIONS,
    MOCK_SECONDS_RANGE,
    NOTE_MAX_LENGTH,
)
from interview.models import (
    Assignment,
    Attempt,
    PracticeMode,
    PracticeSession,
    Question,
    QuestionFlag,
    QuestionNote,
    Rating,
    ReviewState,
    Showing,
    Topic,
)
from interview.scheduling import copy_card_to, local_today, review
from interview.selectors import learning
from interview.selectors import mentoring as see_mentoring
from interview.selectors import practice as pick
from interview.selectors.content import with_key_points
from interview.selectors.mentoring import assignments_of_learner
from interview.services import practice_rows as rows
from interview.services.activity import activity_add_statement
from interview.services.grading import showing_assess
from interview.services.mentoring import assignment_progress_update
from interview.services.text import written_text

# What recording an attempt writes on an existing schedule row: everything but whose and which question it is.
SCHEDULE_FIELDS = [
    field.name for field in ReviewState._meta.concrete_fields if field.name not in {"id", "user", "question"}
]

# An Again card comes back after this many other cards of the session (or at its end, when fewer are left).
AGAIN_GAP = 3


class ShowingAlreadyRated(ValidationError):
    """A rating for a showing that has one (a double click, a resent form, a card brought back by Back)."""


class SessionAlreadyFinished(ValidationError):
    """A rating for a card of a session finished since it was shown (Finish session in another tab)."""


@dataclass(frozen=True)
class Coverage:
    covered: list[int]
    coverage: float
    suggested_rating: int
    contradicted: int = 0  # points the grader found negated or swapped (each cancels a covered one)


def answer_assess(
    *, question: Question, answer_text: str, ticked: list[int] | None = None, graded: Assessment | None = None
) -> Coverage:
    """Key points the answer covers (by the grader, or as the user ticked them), the coverage and the suggestion."""
    answer_text = normalize_answer(answer_text)
    _check_answer_length(answer_text)
    if ticked is None:
        graded = graded or grade(question, answer_text)
        return Coverage(
            covered=graded.covered,
            coverage=graded.coverage,
            suggested_rating=graded.suggested_rating,
            contradicted=sum(point.contradicted for point in graded.points),
        )
    key_points = list(question.key_points.all())
    known = {point.pk for point in key_points}
    unknown = sorted(set(ticked) - known)
    if unknown:
        raise ValidationError({"key_points": f"Not key points of this question: {unknown}."})
    covered = [point.pk for point in key_points if point.pk in set(ticked)]
    if not key_points and graded is not None:  # nothing to tick: the grader's verdict on the model answer
        return Coverage(covered=[], coverage=graded.coverage, suggested_rating=graded.suggested_rating)
    coverage = coverage_of(len(covered), len(key_points))
    return Coverage(
        covered=covered, coverage=coverage, suggested_rating=suggested_rating_from_ticks(coverage)
    )


def normalize_answer(answer_text: str) -> str:
    """Browsers send line breaks as CRLF; count and keep them as one character."""
    return answer_text.replace("\r\n", "\n")


def session_is_mock_unanswered(showing: Showing) -> bool:
    return showing.session.is_mock and showing.mock_answered_at is None


def _check_answer_length(answer_text: str) -> None:
    if len(answer_text) > ANSWER_MAX_LENGTH:
        raise ValidationError(
            {
                "answer_text": f"An answer can be at most {ANSWER_MAX_LENGTH:,} characters ({len(answer_text):,} sent)."
            }
        )


def _assignment_queue(user: User, assignment: Assignment | None, now: datetime, new_left: int) -> list[int]:
    """The assignment's questions the learner still has to do (all of them again once it is complete).

    New questions stay within the daily limit, unless the due date needs more today: the unseen ones
    spread evenly over the days left, all of them on the due day or once it is past.
    """
    if assignment is None or not assignments_of_learner(user, now).filter(pk=assignment.pk).exists():
        raise ValidationError({"assignment": "Choose one of your assignments."})
    done = set(see_mentoring.done_attempts(assignment, user).values_list("question_id", flat=True))
    active = see_mentoring.active_question_ids(assignment)
    queue = [pk for pk in active if pk not in done] or active
    days_left = max(1, (assignment.due_date - local_today(user, now)).days + 1)
    needed_today = math.ceil(pick.unseen_count(user, queue) / days_left)
    return pick.within_new_limit(user, queue, max(new_left, needed_today))


def _without_buried_siblings(user: User, queue: list[int], now: datetime) -> list[int]:
    """The queue in its order, less each question whose sibling was shown today or comes earlier in it.

    A left-out question keeps its schedule untouched, so it comes back on another day.
    """
    siblings = pick.siblings_of(user, queue, now)
    kept: list[int] = []
    for question_id in queue:
        if question_id not in siblings.buried and not siblings.of.get(question_id, set()) & set(kept):
            kept.append(question_id)
    return kept


def _due_queue(user: User, now: datetime, limit: int, spare: int) -> list[int]:
    """Due reviews, most overdue first, up to the limit."""
    queue = pick.due_question_ids(user, now, limit + spare)
    return _without_buried_siblings(user, queue, now)[:limit]


def _new_queue(
    user: User, topic_ids: list[int], now: datetime, limit: int, spare: int, after: list[int] | None = None
) -> list[int]:
    """Unseen questions in guide order, up to the limit; ``after``: questions planned before them (their
    siblings are left out too)."""
    after = after or []
    queue = pick.new_question_ids(user, topic_ids, limit + spare)
    return [pk for pk in _without_buried_siblings(user, after + queue, now) if pk not in set(after)][:limit]


def _queue_for(
    user: User,
    mode: str,
    topic_ids: list[int],
    question_count: int,
    now: datetime,
    assignment: Assignment | None = None,
) -> list[int]:
    budget = learning.daily_budget(user, now)
    if mode == PracticeMode.ASSIGNMENT:
        return _without_buried_siblings(user, _assignment_queue(user, assignment, now, budget.new_left), now)
    # Modes with a limit ask for more, so that the questions siblings bury leave no gap.
    spare = (
        pick.sibling_link_count()
        if mode in {PracticeMode.TODAY, PracticeMode.DUE, PracticeMode.NEW, PracticeMode.MOCK}
        else 0
    )
    if mode == PracticeMode.TODAY:
        # Due reviews first, then the day's new questions (of every topic): what "Start today's session" promises.
        due = _due_queue(user, now, budget.reviews_left, spare)
        return due + _new_queue(user, [], now, budget.new_left, spare, after=due)
    if mode == PracticeMode.DUE:
        return _due_queue(user, now, budget.reviews_left, spare)
    if mode == PracticeMode.NEW:
        return _new_queue(user, topic_ids, now, budget.new_left, spare)
    if mode == PracticeMode.TOPIC:
        if not topic_ids:
            raise ValidationError({"topic": "Choose at least one topic."})
        topic_queue = _without_buried_siblings(user, pick.topic_question_ids(topic_ids), now)
        return pick.within_new_limit(user, topic_queue, budget.new_left)
    if mode == PracticeMode.WEAKEST:
        weakest_queue = _without_buried_siblings(user, pick.weakest_question_ids(user, now), now)
        return pick.within_new_limit(user, weakest_queue, budget.new_left)
    if mode == PracticeMode.MISTAKES:
        # Only questions already rated: nothing new to limit.
        return _without_buried_siblings(user, pick.mistake_question_ids(user), now)
    if mode == PracticeMode.MOCK:
        queue = pick.mock_question_ids(user, topic_ids, question_count + spare, budget.new_left)
        return _without_buried_siblings(user, queue, now)[:question_count]
    raise ValidationError({"mode": f"Unknown practice mode {mode!r}."})


# Modes that follow the schedule: their questions are due (or new) today, whichever session answers them.
SCHEDULE_MODES = frozenset({PracticeMode.TODAY, PracticeMode.DUE, PracticeMode.NEW})


def _open_site_session(user: User, mode: str, topic_ids: set[int], now: datetime) -> PracticeSession | None:
    """The user's unfinished site session of this mode and topics started today with questions left, locked."""
    candidates = PracticeSession.objects.select_for_update().filter(
        user=user,
        via_api=False,
        mode=mode,
        finished_at__isnull=True,
        started_at__gte=pick.today_start(user, now),
    )
    for session in candidates.order_by("started_at", "pk"):
        if session.remaining and set(session.topics.values_list("pk", flat=True)) == topic_ids:
            return session
    return None


@transaction.atomic
def session_start(
    *,
    user: User,
    mode: str,
    topics: list[Topic] | None = None,
    question_count: int = MOCK_DEFAULT_QUESTIONS,
    seconds_per_question: int = MOCK_DEFAULT_SECONDS,
    via_api: bool = False,
    assignment: Assignment | None = None,
    now: datetime | None = None,
) -> PracticeSession | None:
    """Plan a session: the mode's questions, in order, within the user's daily limits (None if there are none)."""
    return _session_planned(
        user=user,
        mode=mode,
        topics=topics or [],
        question_count=question_count,
        seconds_per_question=seconds_per_question,
        via_api=via_api,
        assignment=assignment,
        now=now or timezone.now(),
    )


def _session_planned(
    *,
    user: User,
    mode: str,
    topics: list[Topic],
    question_count: int,
    seconds_per_question: int,
    via_api: bool,
    assignment: Assignment | None,
    now: datetime,
) -> PracticeSession | None:
    """session_start's rule, inside the caller's transaction."""
    if mode == PracticeMode.MOCK:
        if not 1 <= question_count <= MOCK_MAX_QUESTIONS:
            raise ValidationError(
                {"question_count": f"A mock interview has 1 to {MOCK_MAX_QUESTIONS} questions."}
            )
        low, high = MOCK_SECONDS_RANGE
        if not low <= seconds_per_question <= high:
            raise ValidationError(
                {
                    "seconds_per_question": f"Allow between {low} seconds and {high // 60} minutes per question."
                }
            )
    if mode == PracticeMode.TODAY:
        topics = []  # today's session covers every topic (due reviews never had a topic filter)
    # Reused rather than finished: a second plan would hold the same questions, and the open session
    # keeps its order and its Again repeats. Finishing it instead would leave its remaining questions
    # to the new plan anyway, so reusing it loses nothing and starts nothing twice.
    if (
        not via_api
        and mode in SCHEDULE_MODES
        and (open_session := _open_site_session(user, mode, {topic.pk for topic in topics}, now))
    ):
        return open_session
    queue = _queue_for(user, mode, [topic.pk for topic in topics], question_count, now, assignment)
    if not queue:
        return None
    session = PracticeSession.objects.create(
        user=user,
        mode=mode,
        queue=queue,
        started_at=now,
        seconds_per_question=seconds_per_question if mode == PracticeMode.MOCK else None,
        via_api=via_api,
        assignment=assignment if mode == PracticeMode.ASSIGNMENT else None,
    )
    if topics:
        session.topics.add(*topics)  # (set() would first read the links a new session cannot have)
    return session


@transaction.atomic
def api_session_begin(
    *,
    user: User,
    mode: str,
    topics: list[Topic] | None = None,
    assignment: Assignment | None = None,
    now: datetime | None = None,
) -> Showing | None:
    """Plan a new API session and show its first question, in one transaction (None if the mode has nothing).

    The API's next calls it once selectors.practice.api_session_reopened found no session of the mode open today.
    """
    now = now or timezone.now()
    topics = topics or []
    # One planner at a time per learner: two first calls at once (a client's retry, a second device) would
    # each plan a session. The second waits here, then finds the first one's session and continues it.
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    open_now = pick.api_session_reopened(
        user, mode=mode, topic_ids={topic.pk for topic in topics}, assignment=assignment, now=now
    ).session
    if open_now is not None:
        return showing_current(session=open_now, now=now)
    session = _session_planned(
        user=user,
        mode=mode,
        topics=topics,
        question_count=MOCK_DEFAULT_QUESTIONS,
        seconds_per_question=MOCK_DEFAULT_SECONDS,
        via_api=True,
        assignment=assignment,
        now=now,
    )
    if session is None:
        return None
    # No lock to take on the new session: no other transaction sees its row before this one commits.
    return _showing_current_of(session, now)


@transaction.atomic
def session_finish(
    *,
    user: User,
    session: PracticeSession,
    now: datetime | None = None,
    token: str = "",
    answer_text: str | None = None,
) -> PracticeSession:
    """End a session before its queue runs out: the questions not reached keep their schedule untouched.

    A mock interview skips to the review of the answers given so far: the answer sent with Finish (``token``,
    ``answer_text``) is kept first; a question on screen without one is dropped.
    """
    now = now or timezone.now()
    if session.is_mock and token and answer_text is not None:
        _mock_answer_keep(
            user=user, token=token, answer_text=answer_text, duration_ms=None, timed_out=False, now=now
        )
    session = PracticeSession.objects.select_for_update().get(pk=session.pk)
    if session.user_id != user.pk:
        raise ValidationError({"session": "This is not your session."})
    if session.is_mock:
        # The question on screen, unanswered, goes: the review covers the answers given.
        Showing.objects.filter(session=session, position__gte=session.position).delete()
        session.queue = session.queue[: session.position]
    if session.finished_at is None:
        session.finished_at = now
    session.save(update_fields=["queue", "finished_at"])
    return session


@transaction.atomic
def showing_current(*, session: PracticeSession, now: datetime | None = None) -> Showing | None:
    """The showing of the session's current question (the same one until it is answered), or None at the end.

    A question whose sibling was shown since the session was planned is passed over (buried until another day).
    """
    now = now or timezone.now()
    # The user comes along (the burial rule needs their day); only the session row is locked.
    return _showing_current_of(rows.session_locked_with_user(session.pk), now)


def _showing_current_of(session: PracticeSession, now: datetime) -> Showing | None:
    """showing_current's rule, for a session this transaction holds (locked or new), with its user."""
    day_start = pick.today_start(session.user, now)
    while session.position < len(session.queue):
        question_id = session.queue[session.position]
        # The showing at the position (with its question), else the queue's question if it may be shown.
        showing, question = rows.showing_or_question_at(session, question_id, session.user, day_start)
        if showing is not None:
            return showing
        if question is not None and not _answered_elsewhere(session, question_id):
            return rows.row_insert(
                Showing(
                    user=session.user,
                    question=question,
                    session=session,
                    position=session.position,
                    shown_at=now,
                )
            )
        # Retired, a sibling shown, or (following the schedule) answered in another session since it was planned.
        session.position += 1
    if session.finished_at is None:
        session.finished_at = now
    rows.row_update(session, ["position", "finished_at"])
    return None


def _answered_elsewhere(session: PracticeSession, question_id: int) -> bool:
    """A schedule-following session passes over a question rated in another session since it was planned:
    asking it again would be an early review. (A repeat of a question rated Again in this session stays.)"""
    if session.mode not in SCHEDULE_MODES:
        return False
    return (
        Attempt.objects.filter(user=session.user, question_id=question_id, created_at__gte=session.started_at)
        .exclude(session=session)
        .exists()
    )


def _locked_showing(user: User, token: str, question: Question | None = None) -> Showing:
    """The token's showing, locked after its session: every write locks the session first (session_finish,
    showing_current, _advance), so that "Finish session" and an answer sent at once cannot wait on each other.

    ``question``: the showing's question if already read (a showing's question never changes).
    """
    session = (
        PracticeSession.objects.select_for_update(of=("self",))
        .filter(showings__token=token, showings__user=user)
        .first()
    )
    # Whether it is rated comes in the same read: with the session locked, no attempt of it can be recorded
    # before this transaction ends, and this statement (after the lock) sees every one committed before.
    showings = Showing.objects.select_for_update(of=("self",))
    related = [*([] if question else ["question"]), *([] if session else ["session"])]
    if related:  # (select_related() without names would follow every foreign key)
        showings = showings.select_related(*related)
    showing = (
        showings.annotate(already_rated=Exists(Attempt.objects.filter(showing=OuterRef("pk"))))
        .filter(token=token, user=user)
        .first()
    )
    if showing is None:  # never shown, or deleted while waiting: a mock interview finished without it
        raise ValidationError({"token": "This question was not shown to you: get the next question first."})
    if session is not None:
        showing.session = session  # the row just locked, current until this transaction ends
    if question is not None and question.pk == showing.question_id:
        showing.question = question
    return showing


def _locked_showing_with_schedule(
    user: User, token: str, question: Question | None
) -> tuple[Showing, bool, ReviewState | None]:
    """The token's showing locked after its session, as _locked_showing, whether it is rated, and the user's
    schedule row of its question (None: never practised), locked in the same statement: no answer of the
    question recorded in another session can interleave with this one's update of it."""
    session = rows.session_locked_by_showing(user, token)
    locked = rows.showing_locked_with_schedule(user, token) if session else None
    if session is None or locked is None:  # never shown, or deleted: a mock interview finished without it
        raise ValidationError({"token": "This question was not shown to you: get the next question first."})
    showing = locked.showing
    showing.session = session  # the row just locked, current until this transaction ends
    if question is None or question.pk != showing.question_id:  # not read before (a showing was deleted)
        question = Question.objects.get(pk=showing.question_id)
    showing.question = question
    return showing, locked.already_rated, locked.schedule


def _again_position(queue: list[int], answered: int) -> int:
    """Where a card rated Again comes back: after AGAIN_GAP cards not yet seen in the session, or at the end.

    Repeats in between do not count, and a repeat failed again goes to the end, so a run of failures
    cannot hold back the rest of the session.
    """
    if queue[answered] in queue[:answered]:
        return len(queue)
    passed = 0
    for index in range(answered + 1, len(queue)):
        if queue[index] not in queue[:index]:
            passed += 1
            if passed == AGAIN_GAP:
                return index + 1
    return len(queue)


def _advance(session: PracticeSession, position: int, now: datetime, *, again_question: int | None) -> None:
    """Move past the answered position; ``session`` was locked with its showing (by _locked_showing), so it
    is current and no other transaction can change it before this one ends."""
    rows.run(_advanced(session, position, now, again_question=again_question))


def _advanced(
    session: PracticeSession, position: int, now: datetime, *, again_question: int | None
) -> rows.Statement:
    """_advance's move, made on ``session``, and the statement that writes it."""
    changed = ["position", "finished_at"]
    if session.position == position:
        session.position += 1
    if again_question is not None:
        session.queue.insert(_again_position(session.queue, position), again_question)
        changed.append("queue")  # written only when it changes: most answers just move on
    if session.position >= len(session.queue) and session.finished_at is None:
        session.finished_at = now
    return rows.update_statement(session, changed)


def attempt_record(
    *,
    user: User,
    token: str,
    rating: int,
    answer_text: str = "",
    key_points: list[int] | None = None,
    duration_ms: int | None = None,
    question_id: int | None = None,
    now: datetime | None = None,
) -> Attempt:
    """Record a rated answer for a showing and reschedule the question, once per showing.

    The answer is graded first (or its stored assessment reused), outside the transaction; then the
    showing and the schedule row are locked, so a double click, a resent form or a second tab cannot
    record twice or interleave two updates of one schedule.
    """
    read = rows.showing_to_grade(user, token)
    showing = read.showing if read is not None else None
    graded = None
    if read is not None and showing is not None and not read.already_rated:
        # Grading and the ticks read the question's key points: kept per version of the bank.
        with_key_points(showing.question, read.content_version)
        text = showing.mock_answer if showing.session.is_mock else normalize_answer(answer_text)
        if len(text) <= ANSWER_MAX_LENGTH:
            # Not stored on the showing: the attempt keeps it (a stored one, from the reveal or a mock
            # answer, is reused all the same).
            graded = showing_assess(showing=showing, answer_text=text, store=False)
    return _attempt_record_locked(
        user=user,
        token=token,
        question=showing.question if showing is not None else None,
        rating=rating,
        answer_text=answer_text,
        key_points=key_points,
        duration_ms=duration_ms,
        question_id=question_id,
        now=now,
        graded=graded,
    )


@transaction.atomic
def _attempt_record_locked(
    *,
    user: User,
    token: str,
    rating: int,
    answer_text: str,
    key_points: list[int] | None,
    duration_ms: int | None,
    question_id: int | None,
    now: datetime | None,
    graded: Assessment | None,
    question: Question | None = None,
) -> Attempt:
    now = now or timezone.now()
    if rating not in Rating.values:
        raise ValidationError({"rating": "The rating must be 1 (Again), 2 (Hard), 3 (Good) or 4 (Easy)."})
    answer_text = normalize_answer(answer_text)
    _check_answer_length(answer_text)
    showing, already_rated, state = _locked_showing_with_schedule(user, token, question)
    question = showing.question
    if question_id is not None and question_id != question.pk:
        raise ValidationError({"question": "This token was issued for another question."})
    if already_rated:
        raise ShowingAlreadyRated({"token": "This showing was already rated: get the next question."})
    if not showing.session.is_mock and showing.session.finished_at is not None:
        raise SessionAlreadyFinished({"token": "This session is finished: start a new one."})
    if duration_ms is not None and duration_ms < 0:
        raise ValidationError({"duration_ms": "The time spent cannot be negative."})
    if session_is_mock_unanswered(showing):
        raise ValidationError(
            {"token": "Answer this mock-interview question first; it is rated in the review."}
        )

    session = showing.session
    if session.is_mock:
        answer_text = showing.mock_answer
        duration_ms = showing.mock_duration_ms
    if graded is None or graded.digest != answer_digest(answer_text):
        graded = grade(question, answer_text)  # a race with an edit of the showing: grade what is recorded
    assessment = answer_assess(question=question, answer_text=answer_text, ticked=key_points, graded=graded)
    automatic, final = set(graded.covered), set(assessment.covered)
    if duration_ms is None:
        duration_ms = int((now - showing.shown_at).total_seconds() * 1000)
    # A question left open for hours keeps its answer: the time counted is capped instead.
    duration_ms = min(duration_ms, MAX_DURATION_MS)

    outcome = review(user, state, question.pk, rating, now)
    was_new = state is None
    if state is None:
        state = ReviewState(user=user, question=question)
    state.reviews += 1
    state.lapses += rating == Rating.AGAIN and not was_new
    state.last_rating = rating
    copy_card_to(state, outcome.card)
    state.due = outcome.due
    attempt = Attempt(
        user=user,
        question=question,
        session=session,
        showing=showing,
        mode=session.mode,
        # Still theirs? A learner who left the cohort keeps practising, but no longer for its mentor.
        assignment=session.assignment
        if session.assignment and assignments_of_learner(user, now).filter(pk=session.assignment.pk).exists()
        else None,
        answer_text=answer_text,
        key_points_covered=assessment.covered,
        auto_key_points=graded.covered,
        assessment=graded.to_json(),
        grader=graded.grader,
        points_judged=len(graded.points) if graded.has_key_points else 0,
        auto_ticked=len(automatic),
        ticks_removed=len(automatic - final),
        ticks_added=len(final - automatic),
        coverage=assessment.coverage,
        suggested_rating=assessment.suggested_rating,
        rating=rating,
        duration_ms=duration_ms,
        timed_out=showing.mock_timed_out,
        was_new=was_new,
        # A question once in the queue was never shown before in this session (Again puts it in once more).
        was_repeat=not was_new
        and session.queue.count(question.pk) > 1
        and Attempt.objects.filter(session=session, question=question).exists(),
        due_after=outcome.due,
        created_at=now,
    )
    # The schedule row, the attempt, its day's activity and the session's move: the writes of every answer,
    # sent together (one round trip on PostgreSQL).
    writes = [
        rows.insert_statement(state) if was_new else rows.update_statement(state, SCHEDULE_FIELDS),
        rows.insert_statement(attempt),
        rows.Statement(*activity_add_statement(attempt)),
    ]
    if not session.is_mock:
        again = question.pk if rating == Rating.AGAIN else None
        writes.append(_advanced(session, showing.position, now, again_question=again))
    rows.run(*writes)
    assignment_progress_update(attempt=attempt)
    if (
        session.is_mock
        and session.finished_at is None
        and not session.showings.filter(attempt__isnull=True).exists()
    ):
        session.finished_at = now
        session.save(update_fields=["finished_at"])
    return attempt


def mock_answer_submit(
    *,
    user: User,
    token: str,
    answer_text: str,
    duration_ms: int | None = None,
    timed_out: bool = False,
    now: datetime | None = None,
) -> Showing:
    """Keep a mock-interview answer (hidden until the review), grade it once, and move on."""
    showing = _mock_answer_keep(
        user=user, token=token, answer_text=answer_text, duration_ms=duration_ms, timed_out=timed_out, now=now
    )
    showing_assess(showing=showing, answer_text=showing.mock_answer)  # after the lock is released
    return showing


@transaction.atomic
def _mock_answer_keep(
    *,
    user: User,
    token: str,
    answer_text: str,
    duration_ms: int | None,
    timed_out: bool,
    now: datetime | None,
) -> Showing:
    """Answers past the time are marked; a resent form changes nothing."""
    now = now or timezone.now()
    answer_text = normalize_answer(answer_text)
    _check_answer_length(answer_text)
    showing = _locked_showing(user, token)
    session = showing.session
    if not session.is_mock:
        raise ValidationError({"token": "This question is not part of a mock interview."})
    if showing.mock_answered_at is not None:
        return showing  # already moved on: a resent form changes nothing
    elapsed = now - showing.shown_at
    limit = session.seconds_per_question
    assert limit is not None  # every mock interview is timed (mock_start sets it)
    showing.mock_answer = answer_text
    spent = duration_ms if duration_ms is not None else int(elapsed.total_seconds() * 1000)
    showing.mock_duration_ms = min(spent, limit * 1000)
    # The page submits by itself when its countdown ends; the server's clock catches answers sent later.
    showing.mock_timed_out = timed_out or elapsed.total_seconds() >= limit
    showing.mock_answered_at = now
    showing.save()
    _advance(session, showing.position, now, again_question=None)
    return showing


@transaction.atomic
def note_save(*, user: User, question: Question, text: str) -> QuestionNote | None:
    """Create, change or (with empty text) remove the user's private note on a question."""
    text = written_text(text, field="text", max_length=NOTE_MAX_LENGTH)
    if not text:
        QuestionNote.objects.filter(user=user, question=question).delete()
        return None
    note, _ = QuestionNote.objects.update_or_create(user=user, question=question, defaults={"text": text})
    return note


def flag_create(*, user: User, question: Question, reason: str) -> QuestionFlag:
    """Report a model answer that looks wrong; staff review flags in the admin."""
    reason = written_text(
        reason,
        field="reason",
        max_length=FLAG_REASON_MAX_LENGTH,
        missing="Say what looks wrong, so that staff can check it.",
    )
    return QuestionFlag.objects.create(user=user, question=question, reason=reason)
