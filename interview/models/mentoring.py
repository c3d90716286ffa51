"""Mentoring: cohorts with mentors and learners, invite links, question sets, assignments and feedback."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

from interview.models.content import Question


class Cohort(models.Model):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=2_000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("interview:mentor-cohort", kwargs={"pk": self.pk})


class Membership(models.Model):
    class Role(models.TextChoices):
        MENTOR = "mentor", "Mentor"
        LEARNER = "learner", "Learner"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "role", "joined_at"]
        constraints = [models.UniqueConstraint(fields=["cohort", "user"], name="membership_once_per_cohort")]
        indexes = [models.Index(fields=["user", "role"], name="membership_user_role")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.cohort}"


def new_invite_token() -> str:
    return secrets.token_urlsafe(24)


class Invite(models.Model):
    """A link that lets a signed-in user join a cohort as a learner or as a co-mentor."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invites")
    role = models.CharField(max_length=10, choices=Membership.Role, default=Membership.Role.LEARNER)
    token = models.CharField(max_length=64, unique=True, default=new_invite_token)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} invite to {self.cohort}"

    def get_absolute_url(self) -> str:
        return reverse("interview:cohort-join", kwargs={"token": self.token})


class QuestionSet(models.Model):
    """A mentor's ordered selection of questions; assignments copy its list, so later edits change no history."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_sets"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2_000)
    questions = models.ManyToManyField(Question, through="QuestionSetItem", related_name="+")
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("interview:mentor-set", kwargs={"pk": self.pk})


class QuestionSetItem(models.Model):
    question_set = models.ForeignKey(QuestionSet, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["question_set", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question_set", "question"], name="set_item_question_once"),
        ]

    def __str__(self) -> str:
        return f"{self.question_set} #{self.position + 1}"


class Assignment(models.Model):
    class CompletionRule(models.TextChoices):
        ANSWER_ALL = "answer_all", "Answer every question once"
        REACH_GOOD = "reach_good", "Reach Good or Easy on every question"

    question_set = models.ForeignKey(QuestionSet, on_delete=models.PROTECT, related_name="assignments")
    title = models.CharField(max_length=200)
    # The questions as the set was when assigned: editing the set later never changes what learners saw.
    question_ids = models.JSONField(default=list)
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assignments")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField()
    completion_rule = models.CharField(
        max_length=20, choices=CompletionRule, default=CompletionRule.ANSWER_ALL
    )
    whole_cohort = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return f"{self.title} for {self.cohort} (due {self.due_date})"

    def get_absolute_url(self) -> str:
        return reverse("interview:mentor-assignment", kwargs={"pk": self.pk})


class AssignmentLearner(models.Model):
    """One learner's progress on an assignment, kept up to date by the service that records attempts."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="learners")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    answered = models.PositiveIntegerField(default=0, help_text="Questions answered at least once.")
    reached_good = models.PositiveIntegerField(
        default=0, help_text="Questions rated Good or Easy at least once."
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    last_activity = models.DateTimeField(null=True, blank=True)
    # When the automatic "due tomorrow" email went out: never twice for one assignment.
    due_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    mentor_reminded_on = models.DateField(
        null=True, blank=True, help_text="The learner's day a mentor last reminded them (once a day at most)."
    )

    class Meta:
        ordering = ["assignment", "learner"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "learner"], name="assignment_learner_once"),
        ]

    def __str__(self) -> str:
        return f"{self.learner} on {self.assignment}"


class Feedback(models.Model):
    """A mentor's comment on an attempt, with the learner's single reply."""

    attempt = models.ForeignKey("interview.Attempt", on_delete=models.CASCADE, related_name="feedback")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_given"
    )
    text = models.TextField(max_length=5_000)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(blank=True, max_length=5_000)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Feedback by {self.mentor} on attempt {self.attempt_id}"


class ImportJob(models.Model):
    """A mentor's guide file waiting for, or done by, the background import (see services.mentoring)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    filename = models.CharField(max_length=255)
    # The uploaded text, kept until the import has run (it is at most MENTOR_IMPORT_MAX_BYTES).
    text = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0, help_text="Questions in the file, once parsed.")
    processed = models.PositiveIntegerField(default=0, help_text="Questions written so far.")
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    guide = models.ForeignKey(
        "interview.Guide", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Import of {self.filename} by {self.owner} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("interview:mentor-import-job", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
