"""Who may see what in mentoring, and the aggregates of the mentor's views."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Avg, Count, Exists, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum
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
from interview.selectors.content import topics_with_counts
from interview.selectors.progress import retrievability

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


def active_invite(cohort: Cohort, role: str, now: datetime) -> Invite | None:
    return (
        cohort.invites.filter(role=role, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )


# Status of a learner's assignment -----------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentStatus:
    key: str  # not_started, in_progress, completed, overdue
    label: str
    done: int
    total: int
    completed_at: datetime | None


def status_of(progress: AssignmentLearner, assignment: Assignment, today: date) -> AssignmentStatus:
    done = (
        progress.reached_good
        if assignment.completion_rule == Assignment.CompletionRule.REACH_GOOD
        else progress.answered
    )
    total = assignment.total
    if progress.completed_at:
        return AssignmentStatus(
            "completed", f"Completed {progress.completed_at:%-d %b %Y}", done, total, progress.completed_at
        )
    if assignment.due_date < today:
        return AssignmentStatus("overdue", f"Overdue ({done} of {total})", done, total, None)
    if done == 0:
        return AssignmentStatus("not_started", "Not started", done, total, None)
    return AssignmentStatus("in_progress", f"In progress ({done} of {total})", done, total, None)


def learner_assignments(user: User, now: datetime) -> list[tuple[Assignment, AssignmentStatus]]:
    """The learner's assignments, due soon first, each with its status."""
    today = local_today(user, now)
    rows = (
        AssignmentLearner.objects.filter(learner=user, assignment__in=assignments_of_learner(user, now))
        .select_related("assignment__cohort")
        # Open ones first (NULLs sort differently on PostgreSQL and SQLite, so say it), due soonest first.
        .order_by(F("completed_at").asc(nulls_first=True), "assignment__due_date")
    )
    return [(row.assignment, status_of(row, row.assignment, today)) for row in rows]


# The mentor's views ----------------------------------------------------------------------------------------


def cohort_mastery_grid(cohort: Cohort, now: datetime) -> dict:
    """Learners by topics: mastery (the dashboard's definition) for each cell, from two grouped queries."""
    learners = list(
        learners_of(cohort)
        .annotate(
            # Subqueries, not joins: joining attempts and schedule rows would multiply them per learner.
            last_activity=Subquery(
                Attempt.objects.filter(user=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
            ),
            due_now=Coalesce(
                Subquery(
                    ReviewState.objects.filter(user=OuterRef("pk"), due__lte=now, question__is_active=True)
                    .order_by()
                    .values("user")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
        .order_by("display_name", "email")
    )
    topics = list(topics_with_counts())
    sums = (
        ReviewState.objects.filter(
            user__in=[learner.pk for learner in learners],
            question__in=Question.objects.public(),
            stability__isnull=False,
        )
        .values("user_id", "question__topics")
        .annotate(recall=Sum(retrievability(now)), practised=Count("pk"))
    )
    cells = {(row["user_id"], row["question__topics"]): row for row in sums}
    grid = []
    for learner in learners:
        row = []
        for topic in topics:
            cell = cells.get((learner.pk, topic.pk))
            mastery = round(100 * (cell["recall"] if cell else 0) / topic.question_count, 1)
            row.append({"topic": topic, "mastery": mastery, "practised": cell["practised"] if cell else 0})
        grid.append({"learner": learner, "cells": row})
    started = {}
    for row in grid:
        for cell in row["cells"]:
            if cell["practised"]:
                started.setdefault(cell["topic"].slug, []).append(cell["mastery"])
    topic_means = [
        {"topic": topic, "mastery": round(sum(started[topic.slug]) / len(started[topic.slug]), 1)}
        for topic in topics
        if topic.slug in started
    ]
    weakest = sorted(topic_means, key=lambda item: item["mastery"])[:3]
    return {"learners": learners, "topics": topics, "grid": grid, "weakest": weakest}


def assignment_progress_grid(assignment: Assignment) -> dict:
    """Learners by questions: each cell the learner's latest attempt in the assignment (rating and coverage)."""
    questions = Question.objects.in_bulk(assignment.question_ids)
    ordered = [questions[pk] for pk in assignment.question_ids if pk in questions]
    progress = list(
        assignment.learners.filter(
            learner__memberships__cohort=assignment.cohort, learner__memberships__role=LEARNER
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
    latest = {
        (attempt.user_id, attempt.question_id): attempt
        for attempt in Attempt.objects.filter(pk__in=latest_ids).only(
            "pk", "user_id", "question_id", "rating", "coverage"
        )
    }
    return {
        "questions": ordered,
        "rows": [
            {"progress": row, "cells": [latest.get((row.learner_id, question.pk)) for question in ordered]}
            for row in progress
        ],
    }


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
