"""Practice: each user's schedule per question, practice sessions, showings and the attempts they record."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

from interview.models.content import Question, Topic


class Rating(models.IntegerChoices):
    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class PracticeMode(models.TextChoices):
    TODAY = "today", "Today's session"
    DUE = "due", "Due reviews"
    NEW = "new", "Learn new"
    TOPIC = "topic", "Topic"
    WEAKEST = "weakest", "Weakest topics"
    MISTAKES = "mistakes", "Mistakes"
    MOCK = "mock", "Mock interview"
    ASSIGNMENT = "assignment", "Assignment"


class ReviewState(models.Model):
    """The spaced-repetition (FSRS) state of one question for one user."""

    class Phase(models.IntegerChoices):
        LEARNING = 1, "Learning"
        REVIEW = 2, "Review"
        RELEARNING = 3, "Relearning"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_states")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_states")
    phase = models.PositiveSmallIntegerField(choices=Phase, default=Phase.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    last_rating = models.PositiveSmallIntegerField(choices=Rating, null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="review_state_one_per_user_question"),
        ]
        indexes = [
            models.Index(fields=["user", "due"], name="review_state_user_due"),
            models.Index(fields=["user", "last_rating"], name="review_state_user_rating"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.question.label} due {self.due:%Y-%m-%d %H:%M}"


class PracticeSession(models.Model):
    """One sitting: the questions planned for it (the queue) and how far the user got."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    mode = models.CharField(max_length=20, choices=PracticeMode)
    topics = models.ManyToManyField(Topic, blank=True, related_name="+")
    queue = models.JSONField(default=list, help_text="Question ids in the order they are shown.")
    position = models.PositiveIntegerField(default=0)
    seconds_per_question = models.PositiveIntegerField(null=True, blank=True, help_text="Mock interviews.")
    assignment = models.ForeignKey(
        "interview.Assignment", on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    via_api = models.BooleanField(default=False)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "via_api", "mode", "finished_at"], name="session_user_open")]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} session of {self.user} ({self.started_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("interview:practice-session", kwargs={"pk": self.pk})

    @property
    def is_mock(self) -> bool:
        return self.mode == PracticeMode.MOCK

    @property
    def remaining(self) -> int:
        return max(0, len(self.queue) - self.position)


def new_showing_token() -> str:
    return secrets.token_urlsafe(24)


class Showing(models.Model):
    """One display of a question; its token lets exactly one attempt be recorded for it."""

    token = models.CharField(max_length=64, unique=True, default=new_showing_token)
    # Indexed by showing_user_question_time, which leads with the user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(PracticeSession, on_delete=models.CASCADE, related_name="showings")
    position = models.PositiveIntegerField()
    shown_at = models.DateTimeField()
    # A mock interview keeps the answer here until the review at the end, where it is rated.
    mock_answer = models.TextField(blank=True)
    mock_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    mock_timed_out = models.BooleanField(default=False)
    mock_answered_at = models.DateTimeField(null=True, blank=True)
    # The grader's verdict, stored once at reveal (or mock submit) for the answer it was given.
    assessment = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="showing_one_per_position"),
        ]
        # Burial asks whether a question was shown to the user since their day began: one probe a sibling,
        # however many questions the user has been shown today.
        indexes = [models.Index(fields=["user", "question", "shown_at"], name="showing_user_question_time")]

    def __str__(self) -> str:
        return f"{self.question.label} shown to {self.user} at {self.shown_at:%Y-%m-%d %H:%M}"


class Attempt(models.Model):
    """One rated answer: history that practice never edits or deletes."""

    # The composite indexes below lead with user and with assignment: separate ones would only slow writes.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts", db_index=False
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="attempts")
    session = models.ForeignKey(
        PracticeSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="attempts"
    )
    showing = models.OneToOneField(
        Showing, on_delete=models.SET_NULL, null=True, blank=True, related_name="attempt"
    )
    mode = models.CharField(max_length=20, choices=PracticeMode)
    assignment = models.ForeignKey(
        "interview.Assignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attempts",
        db_index=False,
    )
    answer_text = models.TextField(blank=True, max_length=10_000)
    key_points_covered = models.JSONField(default=list, help_text="Ids of the key points ticked.")
    auto_key_points = models.JSONField(default=list, help_text="Ids of the key points the checker ticked.")
    assessment = models.JSONField(default=dict, blank=True, help_text="The checker's verdict and evidence.")
    grader = models.CharField(max_length=20, blank=True, help_text="Which checker assessed the answer.")
    # Kept by attempt_record so agreement with learners is an aggregate, not a loop over JSON.
    points_judged = models.PositiveSmallIntegerField(default=0, help_text="Key points the checker judged.")
    auto_ticked = models.PositiveSmallIntegerField(default=0, help_text="Key points the checker ticked.")
    ticks_removed = models.PositiveSmallIntegerField(
        default=0, help_text="Automatic ticks the learner removed."
    )
    ticks_added = models.PositiveSmallIntegerField(default=0, help_text="Points the learner ticked, missed.")
    coverage = models.FloatField(help_text="Share of the question's key points covered, 0 to 1.")
    suggested_rating = models.PositiveSmallIntegerField(choices=Rating)
    rating = models.PositiveSmallIntegerField(choices=Rating)
    duration_ms = models.PositiveIntegerField(default=0)
    timed_out = models.BooleanField(default=False)
    was_new = models.BooleanField(default=False, help_text="The first time the user practised this question.")
    was_repeat = models.BooleanField(
        default=False,
        help_text="A learning step: the question came back in the same session after Again (not a review).",
    )
    due_after = models.DateTimeField(help_text="When the question is due again after this attempt.")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "created_at"], name="attempt_user_created"),
            models.Index(fields=["user", "question", "created_at"], name="attempt_user_question_created"),
            models.Index(fields=["assignment", "user", "question"], name="attempt_assignment_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.question.label} · {self.get_rating_display()}"


class DailyActivity(models.Model):
    """One learner's attempts on one local day, summed: what the heatmap, the streak and the weekly trend read.

    Derived from Attempt (attempt_record keeps it in the same transaction; `manage.py rebuild_activity`
    recomputes it), so the dashboard never reads the attempts table and costs the same at any history size.
    The day is in the user's time zone; changing the zone rebuilds the user's rows.
    """

    # The unique (user, day) index serves every lookup by user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField()
    attempts = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0, help_text="First answers to a question.")
    reviews = models.PositiveIntegerField(
        default=0, help_text="Neither first answers nor learning-step repeats."
    )
    again = models.PositiveIntegerField(default=0)
    hard = models.PositiveIntegerField(default=0)
    good = models.PositiveIntegerField(default=0)
    easy = models.PositiveIntegerField(default=0)
    coverage_sum = models.FloatField(
        default=0.0, help_text="Coverage summed over the day's attempts, 0 to 1 each."
    )

    class Meta:
        verbose_name_plural = "daily activity"
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="daily_activity_user_day")]

    def __str__(self) -> str:
        return f"{self.user} · {self.day}: {self.attempts}"


class GradedQuestion(Question):
    """A question seen through the checker's agreement with learners (an admin page; no table of its own)."""

    class Meta:
        proxy = True
        verbose_name = "grading agreement"
        verbose_name_plural = "grading agreement"


class QuestionNote(models.Model):
    """A user's private note on a question."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="question_notes"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(max_length=5_000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="note_one_per_user_question")
        ]

    def __str__(self) -> str:
        return f"Note of {self.user} on {self.question.label}"


class QuestionFlag(models.Model):
    """A report that a model answer looks wrong, for staff to review in the admin."""

    # Reports go with their author's account (null only for reports made before this rule).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="question_flags"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="flags")
    reason = models.TextField(max_length=2_000)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["resolved", "-created_at"]

    def __str__(self) -> str:
        return f"Flag on {self.question.label}: {self.reason[:40]}"


class MemoryModelFit(models.Model):
    """FSRS-6 parameters fitted by ``manage.py fit_memory_models``: one site-wide row (no user), and per
    learner the best fitted candidate, judged on the learner's latest 20 % of reviews against the defaults."""

    class Kind(models.TextChoices):
        SITE = "site", "site-wide"
        PERSONAL = "personal", "personal"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memory_model_fit",
    )
    kind = models.CharField(max_length=10, choices=Kind)
    parameters = models.JSONField()
    fitted_at = models.DateTimeField()
    review_count = models.PositiveIntegerField(help_text="Reviews the parameters were fitted on.")
    held_out_reviews = models.PositiveIntegerField(default=0)
    log_loss = models.FloatField(null=True, blank=True)
    rmse_bins = models.FloatField(null=True, blank=True)
    default_log_loss = models.FloatField(null=True, blank=True)
    default_rmse_bins = models.FloatField(null=True, blank=True)
    used = models.BooleanField(default=False, help_text="Better than the defaults on the held-out reviews.")

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} memory model of {self.user or 'the site'} ({self.fitted_at:%Y-%m-%d})"
        )

    @property
    def description(self) -> str:
        """'personal, fitted on 3 Dec from 812 reviews: log loss 0.31 against 0.36 for the defaults'."""
        return (
            f"{self.get_kind_display()}, fitted on {self.fitted_at:%-d %b} from {self.review_count} reviews: "
            f"log loss {self.log_loss:.2f} against {self.default_log_loss:.2f} for the defaults"
        )
