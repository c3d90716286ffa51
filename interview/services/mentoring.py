"""Writes for mentoring: cohorts, invites, membership, question sets, assignments, progress and feedback."""

import logging
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from accounts.tasks import send_email
from interview import tasks
from interview.annotations import MAX_KEY_POINTS, MIN_KEY_POINTS
from interview.grading.text import is_generic, stems
from interview.guide_format import GuideFormatError, check_text_file
from interview.limits import (
    COHORT_DESCRIPTION_MAX_LENGTH,
    COHORT_NAME_MAX_LENGTH,
    FEEDBACK_MAX_LENGTH,
    MAX_SET_QUESTIONS,
    REPLY_MAX_LENGTH,
    SET_DESCRIPTION_MAX_LENGTH,
    SET_TITLE_MAX_LENGTH,
)
from interview.models import (
    Assignment,
    AssignmentLearner,
    Attempt,
    CodeSnippet,
    Cohort,
    DailyActivity,
    Difficulty,
    Feedback,
    Guide,
    ImportJob,
    Invite,
    KeyPoint,
    Language,
    Membership,
    Question,
    QuestionNote,
    QuestionSet,
    QuestionSetItem,
    Rating,
    Topic,
)
from interview.scheduling import local_today
from interview.selectors import mentoring as see
from interview.selectors.mentoring import attempts_visible_to, cohorts_mentored_by
from interview.services.content import ImportReport, content_changed, guide_import
from interview.services.text import written_text

logger = logging.getLogger(__name__)

MENTOR = Membership.Role.MENTOR
LEARNER = Membership.Role.LEARNER


def _require_mentor(user: User) -> None:
    if not user.is_mentor:
        raise PermissionDenied("Turn on “I coach other candidates” in your preferences to create cohorts.")


def _require_mentor_of(user: User, cohort: Cohort) -> None:
    if not cohorts_mentored_by(user).filter(pk=cohort.pk).exists():
        raise PermissionDenied("Only the cohort's mentors can do that.")


@transaction.atomic
def cohort_create(*, mentor: User, name: str, description: str = "") -> Cohort:
    """A new cohort, mentored by its creator, with its first invite link for learners ready to share."""
    _require_mentor(mentor)
    name = written_text(
        name, field="name", max_length=COHORT_NAME_MAX_LENGTH, missing="Give the cohort a name."
    )
    description = written_text(description, field="description", max_length=COHORT_DESCRIPTION_MAX_LENGTH)
    cohort = Cohort.objects.create(name=name, description=description)
    Membership.objects.create(cohort=cohort, user=mentor, role=MENTOR)
    Invite.objects.create(cohort=cohort, role=LEARNER, created_by=mentor)
    return cohort


@transaction.atomic
def invite_create(
    *,
    mentor: User,
    cohort: Cohort,
    role: str = LEARNER,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> Invite:
    """A fresh invite link; the previous one for the same role stops working."""
    now = now or timezone.now()
    _require_mentor_of(mentor, cohort)
    if role not in Membership.Role.values:
        raise ValidationError({"role": "An invite is for a learner or a mentor."})
    if expires_at is not None and expires_at <= now:
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    cohort.invites.filter(role=role, revoked_at__isnull=True).update(revoked_at=now)
    return Invite.objects.create(cohort=cohort, role=role, created_by=mentor, expires_at=expires_at)


def invite_revoke(*, mentor: User, cohort: Cohort, role: str = LEARNER, now: datetime | None = None) -> int:
    _require_mentor_of(mentor, cohort)
    return cohort.invites.filter(role=role, revoked_at__isnull=True).update(revoked_at=now or timezone.now())


def invite_usable(token: str, now: datetime | None = None) -> Invite:
    """The invite behind a token, or a ValidationError saying why it cannot be used."""
    now = now or timezone.now()
    invite = Invite.objects.select_related("cohort").filter(token=token).first()
    if invite is None or invite.revoked_at is not None:
        raise ValidationError({"token": "This invite link is not valid. Ask your mentor for a new one."})
    if invite.expires_at is not None and invite.expires_at <= now:
        raise ValidationError({"token": "This invite link has expired. Ask your mentor for a new one."})
    return invite


@transaction.atomic
def cohort_join(*, user: User, token: str, now: datetime | None = None) -> Membership:
    """Join the cohort of an invite (as learner or co-mentor) and receive its whole-cohort assignments."""
    invite = invite_usable(token, now)
    if invite.role == MENTOR and not user.is_mentor:
        # A co-mentor gets the mentor area too.
        user.is_mentor = True
        user.save(update_fields=["is_mentor"])
    membership = Membership.objects.filter(cohort=invite.cohort, user=user).first()
    if membership is not None:
        if membership.role == LEARNER and invite.role == MENTOR:
            membership.role = MENTOR
            membership.save(update_fields=["role"])
        return membership
    membership = Membership.objects.create(cohort=invite.cohort, user=user, role=invite.role)
    if invite.role == LEARNER:
        for assignment in invite.cohort.assignments.filter(whole_cohort=True):
            AssignmentLearner.objects.get_or_create(assignment=assignment, learner=user)
    return membership


@transaction.atomic
def membership_remove(*, actor: User, cohort: Cohort, user: User) -> None:
    """A learner leaves, or a mentor removes a learner; the last mentor cannot leave their cohort."""
    membership = Membership.objects.filter(cohort=cohort, user=user).first()
    if membership is None:
        raise ValidationError({"user": "That person is not in this cohort."})
    if actor != user:
        _require_mentor_of(actor, cohort)
        if membership.role == MENTOR:
            raise PermissionDenied("Mentors leave a cohort themselves.")
    elif membership.role == MENTOR and cohort.memberships.filter(role=MENTOR).count() == 1:
        raise ValidationError(
            {"user": "You are this cohort's only mentor: invite a co-mentor before leaving."}
        )
    membership.delete()


def _question_ids(question_ids: list[int], owner: User, kept: AbstractSet[int] = frozenset()) -> list[int]:
    """Check the ids of a set; questions it already holds may stay even if they were retired since."""
    if len(question_ids) > MAX_SET_QUESTIONS:
        raise ValidationError({"questions": f"A set holds at most {MAX_SET_QUESTIONS} questions."})
    if len(set(question_ids)) != len(question_ids):
        raise ValidationError({"questions": "A question appears twice in the set."})
    known = kept | set(
        Question.objects.assignable_by(owner).filter(pk__in=question_ids).values_list("pk", flat=True)
    )
    unknown = [pk for pk in question_ids if pk not in known]
    if unknown:
        raise ValidationError({"questions": f"These are not questions of the bank: {unknown}."})
    return question_ids


@transaction.atomic
def question_set_save(
    *,
    owner: User,
    title: str,
    description: str = "",
    question_ids: list[int],
    question_set: QuestionSet | None = None,
) -> QuestionSet:
    """Create or change a question set; its order is the order of ``question_ids``."""
    _require_mentor(owner)
    title = written_text(
        title, field="title", max_length=SET_TITLE_MAX_LENGTH, missing="Give the set a title."
    )
    description = written_text(description, field="description", max_length=SET_DESCRIPTION_MAX_LENGTH)
    kept = set(question_set.items.values_list("question_id", flat=True)) if question_set else set()
    question_ids = _question_ids(question_ids, owner, kept)
    if question_set is None:
        question_set = QuestionSet.objects.create(owner=owner, title=title, description=description)
    else:
        if question_set.owner_id != owner.pk:
            raise PermissionDenied("Only the owner can change a question set.")
        question_set.title, question_set.description = title, description
        question_set.save()
        question_set.items.all().delete()
    QuestionSetItem.objects.bulk_create(
        QuestionSetItem(question_set=question_set, question_id=pk, position=position)
        for position, pk in enumerate(question_ids)
    )
    return question_set


@transaction.atomic
def question_set_delete(*, owner: User, question_set: QuestionSet) -> None:
    """Delete a set of one's own that was never assigned (assignments keep the set they came from)."""
    question_set = QuestionSet.objects.select_for_update().get(pk=question_set.pk)
    if question_set.owner_id != owner.pk:
        raise PermissionDenied("Only the owner can delete a question set.")
    if question_set.assignments.exists():
        raise ValidationError("This set is assigned; copy it instead of deleting it.")
    question_set.delete()


def question_set_copy(*, owner: User, question_set: QuestionSet) -> QuestionSet:
    copy = question_set_save(
        owner=owner,
        title=f"Copy of {question_set.title}",
        description=question_set.description,
        question_ids=list(
            question_set.items.filter(question__is_active=True)
            .order_by("position")
            .values_list("question_id", flat=True)
        ),
    )
    copy.copied_from = question_set
    copy.save(update_fields=["copied_from"])
    return copy


@transaction.atomic
def assignment_create(
    *,
    mentor: User,
    question_set: QuestionSet,
    due_date: date,
    cohort: Cohort | None = None,
    learners: list[User] | None = None,
    start_date: date | None = None,
    completion_rule: str = Assignment.CompletionRule.ANSWER_ALL,
    now: datetime | None = None,
) -> Assignment:
    """Assign a set to a whole cohort, or to chosen learners of it, with the set's questions as they are now.

    Without a cohort, the chosen learners' cohort is the one of the mentor's cohorts they all learn in.
    The set is the mentor's own, or a co-mentor's who mentors the cohort too.
    """
    if cohort is None:
        cohort = _cohort_of_learners(mentor, learners)
    _require_mentor_of(mentor, cohort)
    if (
        question_set.owner_id != mentor.pk
        and not cohorts_mentored_by(question_set.owner).filter(pk=cohort.pk).exists()
    ):
        raise ValidationError({"question_set": "Assign one of your own question sets, or a co-mentor's."})
    question_ids = list(
        question_set.items.filter(question__is_active=True)
        .order_by("position")
        .values_list("question_id", flat=True)
    )
    if not question_ids:
        raise ValidationError({"question_set": "The set has no questions yet."})
    # "Today" is the mentor's own day, however they signed in (the request's active zone plays no part).
    if due_date < local_today(mentor, now or timezone.now()):
        raise ValidationError({"due_date": "The due date is in the past."})
    if start_date and due_date < start_date:
        raise ValidationError({"due_date": "The due date comes before the start date."})
    if completion_rule not in Assignment.CompletionRule.values:
        raise ValidationError({"completion_rule": "Use answer_all or reach_good."})
    cohort_learners = User.objects.filter(memberships__cohort=cohort, memberships__role=LEARNER)
    if learners is None:
        chosen = list(cohort_learners)
    else:
        if not learners:
            raise ValidationError({"learners": "Choose at least one learner."})
        outside = [user.pk for user in learners if not cohort_learners.filter(pk=user.pk).exists()]
        if outside:
            raise ValidationError({"learners": f"Not learners of this cohort: {outside}."})
        chosen = learners
    assignment = Assignment.objects.create(
        question_set=question_set,
        title=question_set.title,
        question_ids=question_ids,
        cohort=cohort,
        created_by=mentor,
        start_date=start_date,
        due_date=due_date,
        completion_rule=completion_rule,
        whole_cohort=learners is None,
    )
    AssignmentLearner.objects.bulk_create(
        AssignmentLearner(assignment=assignment, learner=user) for user in chosen
    )
    return assignment


def _cohort_of_learners(mentor: User, learners: list[User] | None) -> Cohort:
    """The first (by name) of the mentor's cohorts in which every one of these users is a learner."""
    if not learners:
        raise ValidationError({"cohort": "Assign to a cohort or to chosen learners."})
    shared = (
        cohorts_mentored_by(mentor)
        .filter(memberships__user__in=learners, memberships__role=LEARNER)
        .annotate(chosen=Count("memberships", distinct=True))
        .filter(chosen=len({user.pk for user in learners}))
        .order_by("name", "pk")
        .first()
    )
    if shared is None:
        raise ValidationError({"learners": "These learners share none of your cohorts."})
    return shared


def assignment_progress_update(*, attempt: Attempt) -> None:
    """Recount one learner's progress on the attempt's assignment (called when an attempt is recorded)."""
    if attempt.assignment is not None:  # checked first: most attempts need no savepoint round trips
        _assignment_progress_recount(attempt=attempt, assignment=attempt.assignment)


@transaction.atomic
def _assignment_progress_recount(*, attempt: Attempt, assignment: Assignment) -> None:
    # Lock first, then count: a count taken before the lock would miss an answer committed meanwhile by a
    # second session of the same assignment, and the later write would overwrite the earlier one.
    progress, _ = AssignmentLearner.objects.select_for_update().get_or_create(
        assignment=assignment, learner=attempt.user
    )
    counts = Attempt.objects.filter(
        assignment=assignment, user=attempt.user, question__in=see.active_question_ids(assignment)
    ).aggregate(
        answered=Count("question", distinct=True),
        reached_good=Count("question", filter=Q(rating__gte=Rating.GOOD), distinct=True),
    )
    progress.answered, progress.reached_good = counts["answered"], counts["reached_good"]
    progress.last_activity = max(filter(None, [progress.last_activity, attempt.created_at]))
    if progress.completed_at is None and see.done_count(progress, assignment) >= see.active_total(assignment):
        progress.completed_at = attempt.created_at
    progress.save()


@transaction.atomic
def assignment_remind(
    *, mentor: User, assignment: Assignment, learner: User, site_url: str, now: datetime
) -> AssignmentLearner:
    """Email a learner a reminder of an assignment they have not finished by its due date: once a day at most.

    The email is queued through the task runner once the reminder is recorded; it says only the assignment's
    title and due date, and links to the learner's dashboard.
    """
    _require_mentor_of(mentor, assignment.cohort)
    # Locked, so two mentors clicking at once send one email.
    progress = (
        AssignmentLearner.objects.select_for_update()
        .filter(assignment=assignment, learner=learner)
        .filter(learner__in=see.learners_of(assignment.cohort))
        .first()
    )
    if progress is None:
        raise ValidationError({"learner": "That learner does not have this assignment."})
    today = local_today(learner, now)
    state = see.reminder_state(progress, see.status_of(progress, assignment, today), today)
    if state == see.Reminder.SENT_TODAY:
        raise ValidationError({"learner": f"{learner} was already reminded of it today."})
    if state != see.Reminder.POSSIBLE:
        raise ValidationError(
            {"learner": "Only a learner who has not finished an overdue assignment is reminded."}
        )
    progress.mentor_reminded_on = today
    progress.save(update_fields=["mentor_reminded_on"])
    link = site_url.rstrip("/") + reverse("interview:dashboard") + f"#assignment-{assignment.pk}"
    due = f"{assignment.due_date:%-d %B %Y}"
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Reminder: “{assignment.title}” was due on {due}"
    body = (
        f"Hello,\n\nYour mentor reminds you of the assignment “{assignment.title}”, due on {due}: "
        f"it is not finished yet.\n\nOpen your assignments: {link}\n"
    )
    transaction.on_commit(
        lambda: send_email.enqueue(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[learner.email],
            html=None,
            headers={},
        )
    )
    return progress


@transaction.atomic
def feedback_give(*, mentor: User, attempt: Attempt, text: str) -> Feedback:
    text = written_text(
        text, field="text", max_length=FEEDBACK_MAX_LENGTH, missing="Write some feedback first."
    )
    if attempt.user_id == mentor.pk or not attempts_visible_to(mentor).filter(pk=attempt.pk).exists():
        raise PermissionDenied("You can only give feedback on your learners' assignment answers.")
    return Feedback.objects.create(attempt=attempt, mentor=mentor, text=text)


@transaction.atomic
def feedback_reply(*, learner: User, feedback: Feedback, text: str, now: datetime | None = None) -> Feedback:
    """The learner's one reply to a piece of feedback (which also marks it read)."""
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    if feedback.attempt.user_id != learner.pk:
        raise PermissionDenied("Only the learner can reply.")
    text = written_text(text, field="reply", max_length=REPLY_MAX_LENGTH, missing="Write your reply first.")
    if feedback.replied_at is not None:
        raise ValidationError({"reply": "You have already replied to this feedback."})
    now = now or timezone.now()
    feedback.reply, feedback.replied_at = text, now
    feedback.read_at = feedback.read_at or now
    feedback.save()
    return feedback


def feedback_mark_read(*, learner: User, feedback: Feedback, now: datetime | None = None) -> None:
    if feedback.attempt.user_id != learner.pk:
        raise PermissionDenied("Only the learner can mark feedback read.")
    Feedback.objects.filter(pk=feedback.pk, read_at__isnull=True).update(read_at=now or timezone.now())


@transaction.atomic
def feedback_submit(
    *,
    user: User,
    attempt: Attempt,
    text: str | None = None,
    feedback_id: int | None = None,
    reply: str | None = None,
    read: bool = False,
    now: datetime | None = None,
) -> tuple[Feedback, bool]:
    """One entry for the feedback on an attempt: its mentor gives some; its learner replies to one or reads it.

    Returns the feedback and whether it was created. Someone else's attempt means giving feedback.
    """
    if attempt.user_id != user.pk:
        if text is None:
            raise ValidationError({"text": "Write the feedback in text."})
        return feedback_give(mentor=user, attempt=attempt, text=text), True
    feedback = attempt.feedback.filter(pk=feedback_id).first() if feedback_id is not None else None
    if feedback is None:
        raise ValidationError({"feedback": "Give the id of a feedback on this attempt."})
    if reply is not None:
        return feedback_reply(learner=user, feedback=feedback, text=reply, now=now), False
    if not read:
        raise ValidationError({"reply": "Send a reply, or read: true."})
    feedback_mark_read(learner=user, feedback=feedback, now=now)
    feedback.refresh_from_db()
    return feedback, False


# A mentor's own questions --------------------------------------------------------------------------------------


def mentor_guide_for(mentor: User) -> Guide:
    """The guide that holds the questions a mentor writes in the app (seen only by them and their cohorts)."""
    guide, _ = Guide.objects.get_or_create(
        slug=f"mentor-{mentor.pk}",
        defaults={"title": f"Questions by {mentor}", "owner": mentor, "source_file": "written in the app"},
    )
    return guide


@transaction.atomic
def mentor_question_create(
    *,
    mentor: User,
    prompt: str,
    answer: str,
    topics: list[Topic],
    key_points: list[tuple[str, list[str]]],
    code: str = "",
    language: str = Language.TEXT,
    difficulty: str = Difficulty.BASIC,
) -> Question:
    """A question of the mentor's own, with its model answer, optional code, topics and key points."""
    _require_mentor(mentor)
    prompt, answer = prompt.strip(), answer.strip()
    errors = {}
    if not prompt:
        errors["prompt"] = "Write the question."
    if not answer:
        errors["answer"] = "Write the model answer."
    if key_points and not MIN_KEY_POINTS <= len(key_points) <= MAX_KEY_POINTS:
        errors["key_points"] = f"Give {MIN_KEY_POINTS} to {MAX_KEY_POINTS} key points, or none."
    if any(not terms for _, terms in key_points):
        errors["key_points"] = "Every key point needs at least one term after a “|”."
    generic = [text for text, terms in key_points if terms and all(is_generic(stems(term)) for term in terms)]
    if generic:
        errors["key_points"] = (
            f"“{generic[0]}” has only generic words as terms, which any answer may use: add a specific term."
        )
    text_limit = int(KeyPoint._meta.get_field("text").max_length or 0)
    too_long = [number for number, (text, _) in enumerate(key_points, start=1) if len(text) > text_limit]
    if too_long:
        errors["key_points"] = (
            f"Key point {too_long[0]} is longer than {text_limit} characters: say it shorter."
        )
    if not _own_questions_left(mentor):
        errors["prompt"] = (
            f"You have {settings.MENTOR_OWN_QUESTIONS_MAX:,} questions of your own, the most there can be."
        )
    if errors:
        raise ValidationError(errors)
    guide = Guide.objects.select_for_update().get(pk=mentor_guide_for(mentor).pk)
    number = (guide.questions.aggregate(last=Max("number"))["last"] or 0) + 1
    question = Question.objects.create(
        guide=guide, number=number, prompt=prompt, answer=answer, difficulty=difficulty, kind="concept"
    )
    question.topics.set(topics)
    if code.strip():
        CodeSnippet.objects.create(question=question, position=0, language=language, code=code.rstrip())
    KeyPoint.objects.bulk_create(
        KeyPoint(question=question, position=position, text=text, terms=terms)
        for position, (text, terms) in enumerate(key_points)
    )
    return question


def _own_questions_left(mentor: User, *, besides_guide: str = "") -> int:
    """How many more active questions of their own the mentor may have (a guide being re-imported aside)."""
    own = Question.objects.filter(guide__owner=mentor, is_active=True).exclude(guide__slug=besides_guide)
    return max(0, settings.MENTOR_OWN_QUESTIONS_MAX - own.count())


def _count_import(mentor: User, now: datetime) -> None:
    """Imports per mentor per clock hour, counted before the work (failed ones too: they cost as much)."""
    limit = settings.MENTOR_IMPORTS_PER_HOUR
    key = f"mentor-imports:{mentor.pk}:{now:%Y%m%d%H}"
    cache.add(key, 0, timeout=3600)
    if cache.incr(key) > limit:
        raise ValidationError(
            {"file": f"You can import {limit} files an hour: try again after {now:%H}:59 UTC."}
        )


def _check_import_filename(filename: str) -> None:
    title_limit = int(Guide._meta.get_field("title").max_length or 0)
    if len(Path(filename).stem) > title_limit:
        raise ValidationError(
            {"file": f"The file name is too long: at most {title_limit} characters before the extension."}
        )


def _mentor_guide_write(
    *, mentor: User, text: str, filename: str, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Parse and write the file as a guide of the mentor's own, all or nothing, within the caps."""
    _require_mentor(mentor)
    _check_import_filename(filename)
    stem = slugify(Path(filename).stem)[:50] or "import"
    slug = f"mentor-{mentor.pk}-{stem}"
    return guide_import(
        text=text,
        slug=slug,
        source_file=Path(filename).name,
        title=Path(filename).stem,
        owner=mentor,
        max_questions=min(
            settings.MENTOR_IMPORT_MAX_QUESTIONS, _own_questions_left(mentor, besides_guide=slug)
        ),
        progress=progress,
    )


def mentor_guide_import(
    *, mentor: User, text: str, filename: str, now: datetime | None = None
) -> ImportReport:
    """Import several questions at once from a file in the guide format, here and now (commands, tests)."""
    _require_mentor(mentor)
    _count_import(mentor, now or timezone.now())
    return _mentor_guide_write(mentor=mentor, text=text, filename=filename)


def import_job_create(*, mentor: User, text: str, filename: str, now: datetime | None = None) -> ImportJob:
    """Queue a guide import: the cheap checks and the hourly limit now, parsing and writing in a task.

    The file is already within MENTOR_IMPORT_MAX_BYTES and UTF-8 (the upload form checks both).
    """
    _require_mentor(mentor)
    _check_import_filename(filename)
    try:
        check_text_file(text)  # the job's row keeps the text until it runs
    except GuideFormatError as error:
        raise ValidationError({"file": _error_text(error, Path(filename).name)}) from error
    _count_import(mentor, now or timezone.now())
    job = ImportJob.objects.create(owner=mentor, filename=Path(filename).name, text=text)
    # Enqueued after the row is committed (we are not inside a transaction here), so a worker finds it.
    try:
        tasks.guide_import_run.enqueue(job_id=job.pk)
    except Exception:  # the queue is down: say so on the job's page rather than leave it waiting
        logger.exception("Could not enqueue import job %s", job.pk)
        job.status, job.text, job.finished_at = ImportJob.Status.FAILED, "", timezone.now()
        job.error = "The import could not be started (the task queue did not answer). Try again in a minute."
        job.save(update_fields=["status", "text", "finished_at", "error"])
    return job


def _progress_key(job_id: int) -> str:
    return f"import-job-progress:{job_id}"


def import_job_progress(job: ImportJob) -> tuple[int, int]:
    """Questions written so far and in all (the row while waiting or finished, the cache while it runs).

    The import writes in one transaction, so its own row cannot show progress until it commits; the
    running count goes to the cache, which other processes see at once when it is Redis.
    """
    if job.status != ImportJob.Status.RUNNING:
        return job.processed, job.total
    done, total = cache.get(_progress_key(job.pk)) or (job.processed, job.total)
    return done, total


# The worker stops a task after RQ's DEFAULT_TIMEOUT (10 minutes); an import still "running" well after that
# lost its worker (a restart, a kill). Its transaction was rolled back, so nothing of it was written.
IMPORT_STALE_AFTER = timedelta(minutes=15)


def import_job_expire(*, job: ImportJob, now: datetime) -> None:
    """Mark an import whose worker vanished as failed, so its page stops waiting and says what to do."""
    if (
        job.status != ImportJob.Status.RUNNING
        or not job.started_at
        or now - job.started_at < IMPORT_STALE_AFTER
    ):
        return
    message = (
        "The import stopped before it finished (the background worker was restarted). Import the file again."
    )
    if ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.FAILED, error=message, finished_at=now, text=""
    ):
        job.status, job.error, job.finished_at, job.text = ImportJob.Status.FAILED, message, now, ""


def _error_text(error: Exception, filename: str) -> str:
    if isinstance(error, GuideFormatError):
        return f"{filename}, {error}"  # the parser names the line
    return " ".join(getattr(error, "messages", None) or [str(error)])


def import_job_run(*, job_id: int, now: datetime | None = None) -> ImportJob | None:
    """Run a queued import (the task's body): progress as it goes, the outcome on the job's row.

    A job already taken (a retried or duplicated task) is left alone, so the file is imported once.
    """
    started = now or timezone.now()
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=started
    ):
        return None
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    key = _progress_key(job.pk)

    def report_progress(done: int, total: int) -> None:
        # Every tenth question and the last: enough for a progress bar, few cache writes.
        if done % 10 == 0 or done == total:
            cache.set(key, (done, total), timeout=3600)

    try:
        report = _mentor_guide_write(
            mentor=job.owner, text=job.text, filename=job.filename, progress=report_progress
        )
    except (GuideFormatError, ValidationError, PermissionDenied) as error:
        job.status, job.error = ImportJob.Status.FAILED, _error_text(error, job.filename)
    except Exception:
        job.status, job.error = (
            ImportJob.Status.FAILED,
            "The import failed unexpectedly; nothing was imported.",
        )
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    else:
        job.status, job.guide = ImportJob.Status.DONE, report.guide
        job.created_count, job.updated_count = report.created, report.updated
        job.total = job.processed = report.created + report.updated
    job.text = ""  # the file is no longer needed either way
    job.finished_at = timezone.now()
    job.save()
    cache.delete(key)
    return job


# A mentor leaving ---------------------------------------------------------------------------------------------

# Not an email address, so nobody can sign up or sign in as the placeholder.
FORMER_MENTOR_EMAIL = "former-mentor"
FORMER_MENTOR_NAME = "a former mentor"


def former_mentor() -> User:
    """The placeholder that keeps what a deleted mentor leaves to learners: it cannot sign in or mentor."""
    user, created = User.objects.get_or_create(
        email=FORMER_MENTOR_EMAIL, defaults={"display_name": FORMER_MENTOR_NAME, "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def mentor_account_retire(*, mentor: User) -> None:
    """Hand over or remove what a mentor owns before their account is deleted.

    Cohorts with a co-mentor pass to the longest-serving one, with the sets assigned there; a cohort
    without one goes (its learners keep their attempts). Own questions that learners answered, noted or
    still have in a set or an assignment are retired and kept, attributed to "a former mentor"; the
    others go. Feedback stays
    with the learner, attributed to "a former mentor".
    """
    other_mentors = Membership.objects.filter(role=MENTOR).exclude(user=mentor).order_by("joined_at", "pk")
    for cohort in Cohort.objects.filter(memberships__user=mentor, memberships__role=MENTOR):
        if not other_mentors.filter(cohort=cohort).exists():
            cohort.delete()
    # A set still assigned somewhere passes to the longest-serving mentor of a cohort it is assigned in.
    for question_set in QuestionSet.objects.filter(owner=mentor, assignments__isnull=False).distinct():
        heir = other_mentors.filter(cohort__assignments__question_set=question_set).first()
        if heir is None:  # assigned only in cohorts nobody mentors any more
            question_set.assignments.all().delete()
        else:
            question_set.owner = heir.user
            question_set.save(update_fields=["owner"])
    QuestionSet.objects.filter(owner=mentor).delete()
    Attempt.objects.filter(user=mentor).delete()
    DailyActivity.objects.filter(user=mentor).delete()
    placeholder = None
    guides = list(Guide.objects.filter(owner=mentor))
    # Assignments keep their question lists as ids: a question still listed there must stay.
    assigned = (
        {pk for ids in Assignment.objects.values_list("question_ids", flat=True) for pk in ids}
        if guides
        else set()
    )
    used = (
        Q(pk__in=Attempt.objects.values("question"))
        | Q(pk__in=QuestionSetItem.objects.values("question"))
        | Q(pk__in=QuestionNote.objects.exclude(user=mentor).values("question"))
        | Q(pk__in=assigned)
    )
    for guide in guides:
        Question.objects.filter(guide=guide).exclude(used).delete()
        if not Question.objects.filter(guide=guide).exists():
            guide.delete()
            continue
        placeholder = placeholder or former_mentor()
        Question.objects.filter(guide=guide).update(is_active=False)
        content_changed()  # an update() sends no signal
        guide.owner, guide.title = placeholder, f"Questions by {FORMER_MENTOR_NAME}"
        guide.save(update_fields=["owner", "title"])
    if Feedback.objects.filter(mentor=mentor).exists():
        Feedback.objects.filter(mentor=mentor).update(mentor=placeholder or former_mentor())
