"""Who may see what in mentoring, and the aggregates of the mentor's views."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Avg, Count, Exists, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from interview.models import (
    Assignment,
    AssignmentLearner,
    Attempt,
    Cohort,
    Feedback,
    Invite,
    Membership,
    Question,
    QuestionSet,
    Rating,
    ReviewState,
)
from interview.scheduling import local_today
from interview.selectors.learning import (
    TopicFigures,
    bank_figures,
    combined,
    due_filter,
    group_topic_figures,
    mastery_band,
    schedule_version,
    topic_figures_for,
    weak_topics,
    whole_percent,
)

MENTOR = Membership.Role.MENTOR
LEARNER = Membership.Role.LEARNER


def cohorts_mentored_by(user: User) -> QuerySet[Cohort]:
    if not user.is_authenticated:
        return Cohort.objects.none()
    return Cohort.objects.filter(memberships__user=user, memberships__role=MENTOR)


def cohorts_joined_by(user: User) -> QuerySet[Cohort]:
    return Cohort.objects.filter(memberships__user=user, memberships__role=LEARNER)


def cohorts_visible_to(user: User) -> QuerySet[Cohort]:
    """Cohorts the user mentors or learns in."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    return Cohort.objects.filter(memberships__user=user).distinct()


def learners_of(cohort: Cohort) -> QuerySet[User]:
    return User.objects.filter(memberships__cohort=cohort, memberships__role=LEARNER)


def mentors_of(cohort: Cohort) -> QuerySet[User]:
    return User.objects.filter(memberships__cohort=cohort, memberships__role=MENTOR)


def learners_visible_to(mentor: User) -> QuerySet[User]:
    """Learners of the cohorts this user mentors."""
    return User.objects.filter(
        memberships__role=LEARNER, memberships__cohort__in=cohorts_mentored_by(mentor)
    ).distinct()


def question_sets_of(user: User) -> QuerySet[QuestionSet]:
    if not user.is_authenticated:
        return QuestionSet.objects.none()
    return QuestionSet.objects.filter(owner=user)


def question_sets_assignable_by(mentor: User) -> QuerySet[QuestionSet]:
    """The mentor's own sets and their co-mentors' (those go only to the cohorts both mentor)."""
    if not mentor.is_authenticated:
        return QuestionSet.objects.none()
    co_mentors = Membership.objects.filter(cohort__in=cohorts_mentored_by(mentor), role=MENTOR).values("user")
    return QuestionSet.objects.filter(Q(owner=mentor) | Q(owner__in=co_mentors))


def assignments_mentored_by(user: User) -> QuerySet[Assignment]:
    return Assignment.objects.filter(cohort__in=cohorts_mentored_by(user))


def assignments_of_learner(user: User, now: datetime) -> QuerySet[Assignment]:
    """Assignments given to the user in cohorts they still belong to, from their start date (their own day) on."""
    assignments = Assignment.objects.filter(learners__learner=user, cohort__in=cohorts_joined_by(user))
    today = local_today(user, now)
    return assignments.filter(Q(start_date__isnull=True) | Q(start_date__lte=today))


def assignments_visible_to(user: User, now: datetime) -> QuerySet[Assignment]:
    if not user.is_authenticated:
        return Assignment.objects.none()
    return Assignment.objects.filter(
        Q(pk__in=assignments_mentored_by(user).values("pk"))
        | Q(pk__in=assignments_of_learner(user, now).values("pk"))
    )


def attempts_visible_to(user: User) -> QuerySet[Attempt]:
    """The user's own attempts, and what a mentor was promised: their current learners' assignment answers."""
    if not user.is_authenticated:
        return Attempt.objects.none()
    still_a_learner = Membership.objects.filter(
        cohort=OuterRef("assignment__cohort"), user=OuterRef("user"), role=LEARNER
    )
    return Attempt.objects.filter(
        Q(user=user) | (Q(assignment__in=assignments_mentored_by(user)) & Exists(still_a_learner))
    )


def feedback_for_learner(user: User) -> QuerySet[Feedback]:
    """Feedback on the user's attempts, unread first (on every database), newest first."""
    return (
        Feedback.objects.filter(attempt__user=user)
        .select_related("attempt__question", "mentor")
        .order_by(F("read_at").asc(nulls_first=True), "-created_at")
    )


def _usable_invites(cohort: Cohort, now: datetime) -> QuerySet[Invite]:
    return cohort.invites.filter(revoked_at__isnull=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def active_invite(cohort: Cohort, role: str, now: datetime) -> Invite | None:
    return _usable_invites(cohort, now).filter(role=role).first()


def active_invites(cohort: Cohort, now: datetime) -> dict[str, Invite]:
    """Each role's active invite (as ``active_invite`` finds it: the newest), in one query."""
    if connection.vendor == "postgresql":
        newest_first = _usable_invites_sql(cohort, now)
    else:
        newest_first = list(_usable_invites(cohort, now).order_by("-created_at", "pk"))
    invites: dict[str, Invite] = {}
    for invite in newest_first:
        invites.setdefault(invite.role, invite)
    return invites


# _usable_invites written out for PostgreSQL, newest first (the cohort page reads it on every view).
_USABLE_INVITES_SQL = """
SELECT * FROM {invite}
WHERE cohort_id = %(cohort)s AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > %(now)s)
ORDER BY created_at DESC, id
"""


def _usable_invites_sql(cohort: Cohort, now: datetime) -> list[Invite]:
    sql = _USABLE_INVITES_SQL.format(invite=Invite._meta.db_table)
    return list(Invite.objects.raw(sql, {"cohort": cohort.pk, "now": now}))


# Status of a learner's assignment -----------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentStatus:
    key: str  # not_started, in_progress, completed, overdue
    label: str
    done: int
    total: int
    completed_at: datetime | None


def active_question_ids(assignment: Assignment) -> list[int]:
    """The assignment's questions still in use, in its order: only these count towards its total and completion.

    A question retired after assigning can neither block completion nor inflate the total.
    """
    active = set(
        Question.objects.filter(pk__in=assignment.question_ids, is_active=True)
        .order_by()  # a set: the default order would join the guide to sort by its title
        .values_list("pk", flat=True)
    )
    return [pk for pk in assignment.question_ids if pk in active]


_ACTIVE_TOTAL = "_active_total"  # kept in the instance's __dict__ once read


def active_total(assignment: Assignment) -> int:
    """How many questions the assignment has for its learners now (kept on the instance once read)."""
    if _ACTIVE_TOTAL not in assignment.__dict__:
        assignment.__dict__[_ACTIVE_TOTAL] = len(active_question_ids(assignment))
    return assignment.__dict__[_ACTIVE_TOTAL]


def prime_active_totals(assignments: list[Assignment]) -> None:
    """Read the active totals of many assignments in one query (for lists of statuses)."""
    if not assignments:
        return
    wanted = {pk for assignment in assignments for pk in assignment.question_ids}
    active = set(
        Question.objects.filter(pk__in=wanted, is_active=True).order_by().values_list("pk", flat=True)
    )
    for assignment in assignments:
        _keep_active_total(assignment, active)


def _keep_active_total(assignment: Assignment, active: set[int]) -> None:
    """Keep the assignment's active total, from a set holding at least its questions that are active."""
    assignment.__dict__[_ACTIVE_TOTAL] = sum(pk in active for pk in assignment.question_ids)


def done_attempts(assignment: Assignment, user: User) -> QuerySet[Attempt]:
    """The learner's attempts that count towards completing the assignment under its rule."""
    attempts = Attempt.objects.filter(
        assignment=assignment, user=user, question__in=active_question_ids(assignment)
    )
    if assignment.completion_rule == Assignment.CompletionRule.REACH_GOOD:
        attempts = attempts.filter(rating__gte=Rating.GOOD)
    return attempts


def done_count(progress: AssignmentLearner, assignment: Assignment) -> int:
    """Questions done under the assignment's completion rule, from the learner's kept counts."""
    if assignment.completion_rule == Assignment.CompletionRule.REACH_GOOD:
        return progress.reached_good
    return progress.answered


def status_of(progress: AssignmentLearner, assignment: Assignment, today: date) -> AssignmentStatus:
    total = active_total(assignment)
    done = min(done_count(progress, assignment), total)
    if progress.completed_at:
        return AssignmentStatus(
            "completed", f"Completed {progress.completed_at:%-d %b %Y}", done, total, progress.completed_at
        )
    if assignment.due_date < today:
        return AssignmentStatus("overdue", f"Overdue ({done} of {total})", done, total, None)
    if done == 0:
        return AssignmentStatus("not_started", "Not started", done, total, None)
    return AssignmentStatus("in_progress", f"In progress ({done} of {total})", done, total, None)


class Reminder(StrEnum):
    POSSIBLE = "possible"  # overdue and not finished: a mentor may remind the learner
    SENT_TODAY = "sent_today"  # a mentor already did, on the learner's today


def reminder_state(progress: AssignmentLearner, status: AssignmentStatus, today: date) -> Reminder | None:
    """Whether a mentor may remind the learner of the assignment now (once a day, only while overdue)."""
    if status.key != "overdue":
        return None
    return Reminder.SENT_TODAY if progress.mentor_reminded_on == today else Reminder.POSSIBLE


def learner_assignments(user: User, now: datetime) -> list[tuple[Assignment, AssignmentStatus]]:
    """The learner's assignments, due soon first, each with its status."""
    today = local_today(user, now)
    rows = (
        AssignmentLearner.objects.filter(learner=user, assignment__in=assignments_of_learner(user, now))
        .select_related("assignment__cohort")
        # Open ones first (NULLs sort differently on PostgreSQL and SQLite, so say it), due soonest first.
        .order_by(F("completed_at").asc(nulls_first=True), "assignment__due_date")
    )
    progress = list(rows)
    prime_active_totals([row.assignment for row in progress])
    return [(row.assignment, status_of(row, row.assignment, today)) for row in progress]


def with_completion(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """Each assignment with `learner_count` and `completed_count` ("12 of 30 completed"), in the same query.

    Counted over the learners given the assignment who are still in its cohort (those the progress grid shows);
    completed means the learner's `completed_at` is set, as in `status_of`.
    """
    # A join, not an Exists: a learner has one membership per cohort, and the flatter query builds faster.
    current = AssignmentLearner.objects.filter(
        assignment=OuterRef("pk"),
        learner__memberships__cohort=OuterRef("cohort"),
        learner__memberships__role=LEARNER,
    )

    def count_of(rows: QuerySet[AssignmentLearner]) -> Coalesce:
        counted = rows.order_by().values("assignment").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    return assignments.annotate(
        learner_count=count_of(current), completed_count=count_of(current.filter(completed_at__isnull=False))
    )


# with_completion's counts and each assignment's active total (``active_total``), written out for PostgreSQL:
# building the ORM's two correlated counts cost more than PostgreSQL spends on reading them. {which} picks the
# assignments: a cohort's (the cohort page) or one by id (its progress page); each comes with its cohort's name.
_COUNTED_ASSIGNMENTS_SQL = """
SELECT a.*,
    (SELECT c.name FROM {cohort} c WHERE c.id = a.cohort_id) AS cohort_name,  -- a join cost more to plan
    COUNT(al.id) AS learner_count,
    COUNT(al.id) FILTER (WHERE al.completed_at IS NOT NULL) AS completed_count,
    -- Each listed question looked up by its key: joining the questions made PostgreSQL read the whole table.
    (SELECT COUNT(*) FILTER (WHERE (SELECT q.is_active FROM {question} q WHERE q.id = listed.id::bigint))
        FROM jsonb_array_elements_text(a.question_ids) AS listed(id)) AS active_total_now
FROM {assignment} a
LEFT JOIN ({assignment_learner} al JOIN {membership} m ON m.user_id = al.learner_id AND m.role = %(learner)s)
    ON al.assignment_id = a.id AND m.cohort_id = a.cohort_id
WHERE {which}
GROUP BY a.id
ORDER BY a.due_date, a.id
"""
_OF_COHORT = "a.cohort_id = %(cohort)s::bigint"
# As ``assignments_mentored_by``: among the assignments of the cohorts the user mentors.
_MENTORED_BY_ID = """a.id = %(assignment)s::bigint AND a.cohort_id IN (
    SELECT mine.cohort_id FROM {membership} mine WHERE mine.user_id = %(mentor)s::bigint AND mine.role = %(mentor_role)s)"""


def _counted_assignments_sql(which: str, parameters: dict[str, Any]) -> list[Assignment]:
    tables = {
        "question": Question._meta.db_table,
        "assignment": Assignment._meta.db_table,
        "cohort": Cohort._meta.db_table,
        "assignment_learner": AssignmentLearner._meta.db_table,
        "membership": Membership._meta.db_table,
    }
    sql = _COUNTED_ASSIGNMENTS_SQL.format(which=which.format(**tables), **tables)
    assignments = list(Assignment.objects.raw(sql, {"learner": LEARNER, **parameters}))
    for assignment in assignments:
        assignment.__dict__[_ACTIVE_TOTAL] = assignment.__dict__.pop("active_total_now")
        # The cohort as far as the pages show it (its name and link); the rest is read if asked for.
        name = assignment.__dict__.pop("cohort_name")
        assignment.cohort = Cohort.from_db(connection.alias, ["id", "name"], (assignment.cohort_id, name))
    return assignments


def cohort_assignments(cohort: Cohort) -> list[Assignment]:
    """The cohort's assignments, due soonest first, counted as ``with_completion`` counts them, each with its
    ``active_total`` kept: one query."""
    if connection.vendor == "postgresql":
        return _cohort_assignments_sql(cohort)
    return _cohort_assignments_orm(cohort)


def _cohort_assignments_orm(cohort: Cohort) -> list[Assignment]:
    assignments = list(with_completion(cohort.assignments.all()).order_by("due_date", "pk"))
    prime_active_totals(assignments)
    return assignments


def _cohort_assignments_sql(cohort: Cohort) -> list[Assignment]:
    return _counted_assignments_sql(_OF_COHORT, {"cohort": cohort.pk})


def mentored_assignment(user: User, pk: int) -> Assignment | None:
    """The assignment with this id if the user mentors its cohort (``assignments_mentored_by``), with its
    cohort, counted as ``with_completion`` counts it: one query. None for any other id."""
    if connection.vendor == "postgresql":
        return _mentored_assignment_sql(user, pk)
    return _mentored_assignment_orm(user, pk)


def _mentored_assignment_orm(user: User, pk: int) -> Assignment | None:
    return with_completion(assignments_mentored_by(user)).select_related("cohort").filter(pk=pk).first()


def _mentored_assignment_sql(user: User, pk: int) -> Assignment | None:
    lowest, highest = connection.ops.integer_field_range(Assignment._meta.pk.get_internal_type())
    if not lowest <= pk <= highest:  # no row has it (the ORM finds none either), and the cast would fail
        return None
    found = _counted_assignments_sql(
        _MENTORED_BY_ID, {"assignment": pk, "mentor": user.pk, "mentor_role": MENTOR}
    )
    return found[0] if found else None


def rated_good_without_coverage(attempt: "Attempt | LatestAnswer") -> bool:
    """The learner rated the answer Good or Easy though it covered none of the key points: worth a mentor's look."""
    return attempt.rating >= Rating.GOOD and attempt.coverage == 0


def neighbouring_answers(attempt: Attempt, viewer: User) -> tuple[Attempt | None, Attempt | None]:
    """The learner's previous and next answers (by time) in the same assignment that the viewer may see."""
    if attempt.assignment_id is None:
        return None, None
    siblings = attempts_visible_to(viewer).filter(user=attempt.user_id, assignment=attempt.assignment_id)
    moment = attempt.created_at
    earlier = Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=attempt.pk)
    later = Q(created_at__gt=moment) | Q(created_at=moment, pk__gt=attempt.pk)
    previous = siblings.filter(earlier).select_related("question").order_by("-created_at", "-pk").first()
    following = siblings.filter(later).select_related("question").order_by("created_at", "pk").first()
    return previous, following


# The mentor's views ----------------------------------------------------------------------------------------


def _learners_for_grid(cohort: Cohort) -> QuerySet[User]:
    # What the grid reads of each learner (name, day, memory model): a cohort of 500 loads fast.
    return learners_of(cohort).only(*_GRID_FIELDS)


_GRID_FIELDS = ("email", "display_name", "timezone", "memory_parameters")


def cohort_members(cohort: Cohort) -> tuple[list[User], list[User]]:
    """The cohort's learners in name order (with what the grid reads of each) and its mentors as
    ``mentors_of`` orders them, in one query."""
    read = _members_sql if connection.vendor == "postgresql" else _members_orm
    members = read(cohort)
    learners = [member for member in members if member.cohort_role == LEARNER]
    mentors = sorted(
        (member for member in members if member.cohort_role == MENTOR), key=lambda user: user.email
    )
    return learners, mentors


def _members_orm(cohort: Cohort) -> list[Any]:
    """The cohort's members in name order, with what the grid reads of each and their ``cohort_role``."""
    return list(
        User.objects.filter(memberships__cohort=cohort)
        .annotate(cohort_role=F("memberships__role"))
        .only(*_GRID_FIELDS)
        .order_by("display_name", "email")
    )


# _members_orm written out for PostgreSQL: a cohort of 500 makes 500 users, and the ORM's statement costs
# more to build than to run.
_MEMBERS_SQL = """
SELECT u.id, {fields}, m.role AS cohort_role
FROM {user} u JOIN {membership} m ON m.user_id = u.id
WHERE m.cohort_id = %(cohort)s
ORDER BY u.display_name, u.email
"""


def _members_sql(cohort: Cohort) -> list[Any]:
    sql = _MEMBERS_SQL.format(
        fields=", ".join(f"u.{field}" for field in _GRID_FIELDS),
        user=User._meta.db_table,
        membership=Membership._meta.db_table,
    )
    return list(User.objects.raw(sql, {"cohort": cohort.pk}))


Activity = dict[int, tuple[datetime | None, int]]  # per learner: last activity, reviews due now


def _activity_orm(
    user_ids: list[int], now: datetime, *, schedule_of: list[int] | None
) -> tuple[Activity, int | None]:
    """``_add_activity``'s reading through the ORM, with the ``schedule_version`` of ``schedule_of`` when given."""
    version = {"schedule": schedule_version(schedule_of)} if schedule_of is not None else {}
    found = list(
        User.objects.filter(pk__in=user_ids)
        .annotate(
            # Subqueries, not joins: joining attempts and schedule rows would multiply them per learner.
            last_activity=Subquery(
                Attempt.objects.filter(user=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
            ),
            due_now=Coalesce(
                Subquery(
                    ReviewState.objects.filter(due_filter(now), user=OuterRef("pk"))
                    .order_by()
                    .values("user")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            **version,
        )
        .order_by()
        .values_list("pk", "last_activity", "due_now", *version)
    )
    activity = {pk: (last_activity, due_now) for pk, last_activity, due_now, *_ in found}
    return activity, (found[0][3] if version and found else None)


# _activity_orm's last activity, reviews due now (``due_filter``) and schedule version (``schedule_version``),
# written out for PostgreSQL: building the ORM's subqueries cost more than PostgreSQL spends on reading them.
_ACTIVITY_SQL = """
SELECT u.id,
    (SELECT MAX(a.created_at) FROM {attempt} a WHERE a.user_id = u.id),
    (SELECT COUNT(*) FROM {review_state} rs JOIN {question} q ON q.id = rs.question_id
        WHERE rs.user_id = u.id AND rs.due <= %(now)s AND q.is_active),
    (SELECT COALESCE(SUM(rs.reviews + 1), 0) FROM {review_state} rs WHERE rs.user_id = ANY(%(group)s::bigint[]))
FROM unnest(%(users)s::bigint[]) AS u(id)
"""


def _activity_sql(
    user_ids: list[int], now: datetime, *, schedule_of: list[int] | None
) -> tuple[Activity, int | None]:
    sql = _ACTIVITY_SQL.format(
        attempt=Attempt._meta.db_table,
        review_state=ReviewState._meta.db_table,
        question=Question._meta.db_table,
    )
    parameters: dict[str, Any] = {"now": now, "users": user_ids, "group": schedule_of or []}
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        found = cursor.fetchall()
    activity = {pk: (last_activity, due_now) for pk, last_activity, due_now, _ in found}
    return activity, (found[0][3] if schedule_of is not None and found else None)


def _add_activity(rows: list[dict], now: datetime, *, schedule_of: list[int] | None = None) -> int | None:
    """Each row's learner's last activity and reviews due now (one query); in the same query, the
    ``schedule_version`` of the users ``schedule_of`` (a cohort's learners' ids), returned."""
    user_ids = [row["learner"].pk for row in rows]
    read = _activity_sql if connection.vendor == "postgresql" else _activity_orm
    activity, version = read(user_ids, now, schedule_of=schedule_of)
    for row in rows:
        learner = row["learner"]
        learner.last_activity, learner.due_now = activity[learner.pk]
    return version


def _weakest(cohort_figures: list[TopicFigures]) -> list[dict[str, Any]]:
    return [
        {"topic": item.topic, "retention": whole_percent(item.retention or 0.0)}
        for item in weak_topics(cohort_figures)
    ]


def _combined_figures(learners: list[User], topics: list, figures: dict) -> list[TopicFigures]:
    """The group's figures per topic from every member's (``combined``)."""
    learner_ids = [learner.pk for learner in learners]
    return [
        combined([figures[learner_id, topic.pk] for learner_id in learner_ids], topic) for topic in topics
    ]


def _cohort_figures(
    cohort: Cohort, now: datetime
) -> tuple[list[Any], list[Any], dict[tuple[int, int], Any], list[dict[str, Any]]]:
    """The cohort's learners (with last activity and reviews due), the topics, each learner's figures per
    topic, and the cohort's weakest topics: a few queries, whatever the cohort's size."""
    learners = list(_learners_for_grid(cohort).order_by("display_name", "email"))
    _add_activity([{"learner": learner} for learner in learners], now)
    topics, figures = topic_figures_for(learners, now)
    return learners, topics, figures, _weakest(_combined_figures(learners, topics, figures))


def _mastery_cells(learner: User, topics: list, figures: dict) -> list[dict]:
    learner_id = learner.pk
    cells = []
    for topic in topics:
        mine = figures[learner_id, topic.pk]
        cells.append({"topic": topic, "mastery": whole_percent(mine.mastery), "practised": mine.practised})
    return cells


def cohort_mastery_grid(cohort: Cohort, now: datetime) -> dict:
    """Learners by topics: each cell the learner's mastery (the dashboard's definition), in a few queries."""
    learners, topics, figures, weakest = _cohort_figures(cohort, now)
    grid = [{"learner": learner, "cells": _mastery_cells(learner, topics, figures)} for learner in learners]
    return {"learners": learners, "topics": topics, "grid": grid, "weakest": weakest}


# The latest assignments get a column each (the grid still fits 1,280 px); every assignment has its page.
GRID_ASSIGNMENT_COLUMNS = 2


@dataclass(frozen=True)
class GridSort:
    """The cohort grid's order: a column key (``name``, ``activity``, ``due``, ``topic-<slug>``,
    ``assignment-<id>``) and a direction, spelled ``?sort=<key>`` or ``?sort=-<key>``."""

    column: str = "name"
    descending: bool = False

    @classmethod
    def parse(cls, value: str, columns: list[str]) -> "GridSort":
        """The sort a ``?sort=`` value asks for; an unknown or malformed value sorts by name."""
        column = value.removeprefix("-")
        if column not in columns:
            return cls()
        return cls(column, value.startswith("-"))

    @property
    def param(self) -> str:
        return f"-{self.column}" if self.descending else self.column


def _grid_sort_key(column: str, topics: list, figures: dict) -> Any:
    """How the grid sorts by one column (rows arrive in name order, and sorting keeps ties in it)."""
    if column == "activity":
        return lambda row: (row["learner"].last_activity is not None, row["learner"].last_activity or 0)
    if column == "due":
        return lambda row: row["learner"].due_now
    if column.startswith("topic-"):
        topic = next(topic for topic in topics if column == f"topic-{topic.slug}")
        # The mastery as shown (whole percent), so learners showing the same number keep name order.
        return lambda row: whole_percent(figures[row["learner"].pk, topic.pk].mastery)
    if column.startswith("assignment-"):
        pk = int(column.removeprefix("assignment-"))

        def progress(row: dict) -> tuple[bool, float]:
            """Completed above unfinished, then by share done; not given the assignment below not started."""
            status = next(cell["status"] for cell in row["assignments"] if cell["assignment"].pk == pk)
            if status is None:
                return False, -1.0
            return status.key == "completed", status.done / (status.total or 1)

        return progress
    return lambda row: row["position"]


Progress = dict[tuple[int, int], AssignmentLearner]  # by assignment and learner


def _progress_orm(assignment_ids: list[int], learner_ids: list[int]) -> Progress:
    """The learners' progress rows on the assignments, as ``_add_assignment_statuses`` reads them."""
    return {
        (row.assignment_id, row.learner_id): row
        for row in AssignmentLearner.objects.filter(
            assignment__in=assignment_ids, learner__in=learner_ids
        ).order_by()  # a mapping: the default order would join the assignments and the learners to sort
    }


# _progress_orm written out for PostgreSQL, reading what a status and a reminder need (the cohort page's rows).
_PROGRESS_FIELDS = (
    *("id", "assignment_id", "learner_id", "answered", "reached_good", "completed_at", "mentor_reminded_on"),
)
_PROGRESS_SQL = """
SELECT {fields} FROM {assignment_learner}
WHERE assignment_id = ANY(%(assignments)s::bigint[]) AND learner_id = ANY(%(learners)s::bigint[])
"""


def _progress_sql(assignment_ids: list[int], learner_ids: list[int]) -> Progress:
    if not assignment_ids or not learner_ids:  # nothing to read (the ORM's query is not sent either)
        return {}
    sql = _PROGRESS_SQL.format(
        fields=", ".join(_PROGRESS_FIELDS), assignment_learner=AssignmentLearner._meta.db_table
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"assignments": assignment_ids, "learners": learner_ids})
        found = cursor.fetchall()
    progress = (AssignmentLearner.from_db(connection.alias, _PROGRESS_FIELDS, values) for values in found)
    return {(row.assignment_id, row.learner_id): row for row in progress}


def _add_assignment_statuses(rows: list[dict], assignments: list[Assignment], now: datetime) -> None:
    """Each row's status on each assignment (None where not given it) and whether a reminder may go out."""
    read = _progress_sql if connection.vendor == "postgresql" else _progress_orm
    progress = read([assignment.pk for assignment in assignments], [row["learner"].pk for row in rows])
    for row in rows:
        today = local_today(row["learner"], now)
        row["assignments"] = []
        for assignment in assignments:
            mine = progress.get((assignment.pk, row["learner"].pk))
            status = status_of(mine, assignment, today) if mine else None
            reminder = reminder_state(mine, status, today) if mine and status else None
            row["assignments"].append({"assignment": assignment, "status": status, "reminder": reminder})


def cohort_grid(
    now: datetime,
    *,
    learners: list[User],
    sort: str,
    page: str | None,
    per_page: int,
    assignments: list[Assignment],
) -> dict:
    """One page of the mastery grid of the cohort's ``learners`` (``cohort_members``'), sorted as ``?sort=``
    asks, with the statuses of the latest of the cohort's ``assignments``.

    Every learner is sorted (and counts towards the weakest topics), but what the sort does not need (last
    activity, reviews due, mastery cells, colour bands, statuses) is read for the page's rows only, so a
    cohort of 500 costs little more than one of 30 when sorted by name.
    """
    bank = bank_figures()
    topics = bank.topics
    assignments = sorted(assignments, key=lambda assignment: (assignment.due_date, assignment.pk))
    assignments = assignments[-GRID_ASSIGNMENT_COLUMNS:]
    prime_active_totals(
        [assignment for assignment in assignments if _ACTIVE_TOTAL not in assignment.__dict__]
    )
    rows: list[dict[str, Any]] = [
        {"learner": learner, "position": position} for position, learner in enumerate(learners)
    ]
    columns = ["name", "activity", "due"]
    columns += [f"topic-{topic.slug}" for topic in topics]
    columns += [f"assignment-{assignment.pk}" for assignment in assignments]
    order = GridSort.parse(sort, columns)
    by_activity = order.column in ("activity", "due")
    by_topic = order.column.startswith("topic-")
    by_assignment = order.column.startswith("assignment-")
    # Unless every learner's figures are read (sorting by a topic, or all on one page), the cohort's come
    # from group_topic_figures, kept under a key that includes the learners' schedule_version, read with
    # their activity and before the sums. It counts the ``learners`` given, whose list is in the key as well.
    by_group = not by_topic and len(learners) > per_page
    schedule_of = [learner.pk for learner in learners] if by_group else None
    if by_activity:
        schedule = _add_activity(rows, now, schedule_of=schedule_of)
    questions = list(bank.topics_of)
    figures = topic_figures_for(learners, now, topics, questions)[1] if by_topic else {}
    if by_assignment:
        _add_assignment_statuses(rows, assignments, now)
    rows.sort(key=_grid_sort_key(order.column, topics, figures), reverse=order.descending)
    shown = Paginator(rows, per_page).get_page(page)
    page_rows: list[dict[str, Any]] = list(shown.object_list)
    if not by_activity:
        schedule = _add_activity(page_rows, now, schedule_of=schedule_of)
    if not by_assignment:
        _add_assignment_statuses(page_rows, assignments, now)
    if not by_topic:
        figures = topic_figures_for([row["learner"] for row in page_rows], now, topics, questions)[1]
    if by_group:
        cohort_figures = group_topic_figures(learners, now, topics, questions, schedule=schedule)
    else:  # every learner's figures are at hand
        cohort_figures = _combined_figures(learners, topics, figures)
    for row in page_rows:
        row["cells"] = _mastery_cells(row["learner"], topics, figures)
        for cell in row["cells"]:
            cell["band"] = mastery_band(cell["mastery"], cell["practised"])
    return {
        "learners": learners,
        "topics": topics,
        "weakest": _weakest(cohort_figures),
        "page": shown,
        "assignments": assignments,
        "columns": columns,
        "sort": order,
    }


@dataclass(slots=True)
class LatestAnswer:
    """A learner's latest attempt at a question of an assignment, as the progress grid shows it."""

    pk: int
    rating: int
    coverage: float
    good_without_coverage: bool = False


# By id: what the header shows of each question (number, prompt), and whether it is active.
Questions = dict[int, Question]
Latest = dict[tuple[int, int], LatestAnswer]  # by learner and question


def assignment_progress_grid(assignment: Assignment) -> dict:
    """Learners by questions: each cell the learner's latest attempt in the assignment (rating and coverage).

    Its rows are the progress of the learners given the assignment who are still in its cohort, in name order,
    each with its learner. The questions also give the assignment's total (``active_total``), kept."""
    read = _progress_grid_sql if connection.vendor == "postgresql" else _progress_grid_orm
    questions, progress, latest = read(assignment)
    shown = [pk for pk in assignment.question_ids if pk in questions]
    _keep_active_total(assignment, {pk for pk, question in questions.items() if question.is_active})
    return {
        "questions": [questions[pk] for pk in shown],
        # Plain ids in the loop: a grid of 30 learners by 20 questions has 600 cells.
        "rows": [
            {"progress": row, "cells": [latest.get((learner_id, pk)) for pk in shown]}
            for row in progress
            for learner_id in [row.learner_id]
        ],
    }


def _latest_answers(found: Iterable[tuple[int, int, int, int, float]]) -> Latest:
    """Each latest attempt (id, learner, question, rating, coverage) as the grid shows it."""
    latest = {}
    for pk, user_id, question_id, rating, coverage in found:
        answer = LatestAnswer(pk, rating, coverage)
        answer.good_without_coverage = rated_good_without_coverage(answer)
        latest[user_id, question_id] = answer
    return latest


def _progress_grid_orm(assignment: Assignment) -> tuple[Questions, list[AssignmentLearner], Latest]:
    """The assignment's questions, its current learners' progress rows (with the learners) in name order,
    and their latest attempts."""
    questions = (
        Question.objects.only("number", "prompt", "is_active").order_by().in_bulk(assignment.question_ids)
    )
    progress = list(
        assignment.learners.filter(
            learner__memberships__cohort=assignment.cohort_id, learner__memberships__role=LEARNER
        )
        .select_related("learner")
        .order_by("learner__display_name", "learner__email")
    )
    latest_ids = (
        Attempt.objects.filter(assignment=assignment)
        .values("user_id", "question_id")
        .annotate(latest=Max("pk"))
        .values("latest")
    )
    # Plain values, not model instances: a grid of 30 learners by 20 questions has 600 of them.
    found = (
        Attempt.objects.filter(pk__in=latest_ids)
        .order_by()  # a mapping: no need to sort by the attempts' default order
        .values_list("pk", "user_id", "question_id", "rating", "coverage")
    )
    return questions, progress, _latest_answers(found)


# _progress_grid_orm written out for PostgreSQL, reading only what the page and the API show: building the
# ORM's statements cost more than PostgreSQL spends on running them.
_GRID_QUESTION_FIELDS = ("id", "number", "prompt", "is_active")
_GRID_QUESTIONS_SQL = "SELECT {fields} FROM {question} WHERE id = ANY(%(questions)s::bigint[])"
_GRID_LEARNER_FIELDS = ("id", "email", "display_name", "timezone")  # the name, and the day in their zone
_GRID_PROGRESS_SQL = """
SELECT {progress_fields}, {learner_fields}
FROM {assignment_learner} al
JOIN {user} u ON u.id = al.learner_id
JOIN {membership} m ON m.user_id = al.learner_id AND m.cohort_id = %(cohort)s::bigint AND m.role = %(learner)s
WHERE al.assignment_id = %(assignment)s::bigint
ORDER BY u.display_name, u.email
"""
# The latest attempt per learner and question: the highest id, as the ORM's Max("pk").
_GRID_LATEST_SQL = """
SELECT DISTINCT ON (user_id, question_id) id, user_id, question_id, rating, coverage
FROM {attempt}
WHERE assignment_id = %(assignment)s::bigint
ORDER BY user_id, question_id, id DESC
"""


def _progress_grid_sql(assignment: Assignment) -> tuple[Questions, list[AssignmentLearner], Latest]:
    questions_sql = _GRID_QUESTIONS_SQL.format(
        fields=", ".join(_GRID_QUESTION_FIELDS), question=Question._meta.db_table
    )
    progress_sql = _GRID_PROGRESS_SQL.format(
        progress_fields=", ".join(f"al.{field}" for field in _PROGRESS_FIELDS),
        learner_fields=", ".join(f"u.{field}" for field in _GRID_LEARNER_FIELDS),
        assignment_learner=AssignmentLearner._meta.db_table,
        user=User._meta.db_table,
        membership=Membership._meta.db_table,
    )
    latest_sql = _GRID_LATEST_SQL.format(attempt=Attempt._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(questions_sql, {"questions": assignment.question_ids})
        found_questions = cursor.fetchall()
        cursor.execute(
            progress_sql, {"assignment": assignment.pk, "cohort": assignment.cohort_id, "learner": LEARNER}
        )
        found_progress = cursor.fetchall()
        cursor.execute(latest_sql, {"assignment": assignment.pk})
        latest = _latest_answers(cursor.fetchall())
    alias, split = connection.alias, len(_PROGRESS_FIELDS)
    questions = {
        values[0]: Question.from_db(alias, _GRID_QUESTION_FIELDS, values) for values in found_questions
    }
    progress = []
    for values in found_progress:
        row = AssignmentLearner.from_db(alias, _PROGRESS_FIELDS, values[:split])
        row.learner = User.from_db(alias, _GRID_LEARNER_FIELDS, values[split:])
        progress.append(row)
    return questions, progress, latest


def question_insights(mentor: User) -> QuerySet[Question]:
    """Per question of the mentor's assignments: learners who tried it, Again/Hard share, average coverage."""
    assignments = assignments_mentored_by(mentor)
    in_assignments = Q(attempts__assignment__in=assignments)
    return (
        Question.objects.filter(
            pk__in=Attempt.objects.filter(assignment__in=assignments).values("question_id")
        )
        .annotate(
            learners=Count("attempts__user", filter=in_assignments, distinct=True),
            attempts_count=Count("attempts", filter=in_assignments),
            struggles=Count("attempts", filter=in_assignments & Q(attempts__rating__lte=Rating.HARD)),
            average_coverage=Avg("attempts__coverage", filter=in_assignments),
        )
        .annotate(struggle_share=F("struggles") * 1.0 / F("attempts_count"))
        .order_by("-struggle_share", "average_coverage", "number")
    )
