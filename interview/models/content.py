from typing import TYPE_CHECKING

from django.db import models
from django.urls import reverse

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


class GuideManager(models.Manager["Guide"]):
    def get_by_natural_key(self, slug: str) -> "Guide":
        return self.get(slug=slug)


class Guide(models.Model):
    """A guide of interview questions with model answers, imported from a text file."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="Paragraphs before the first question.")
    tips_heading = models.CharField(max_length=200, blank=True)
    closing_tips = models.JSONField(default=list, blank=True, help_text="The tips list at the end.")
    closing_text = models.TextField(blank=True, help_text="Paragraphs after the tips.")
    source_file = models.CharField(max_length=255, help_text="File name the guide was imported from.")
    editor_note = models.TextField(
        blank=True, help_text="The editors' note on the guide as a whole, from its annotations."
    )
    owner = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="guides",
        help_text="A mentor's own questions, seen only by them and their cohorts; empty for the public bank.",
    )

    objects = GuideManager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("interview:guide-detail", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def intro_paragraphs(self) -> list[str]:
        return [p for p in self.intro.split("\n\n") if p]

    @property
    def closing_paragraphs(self) -> list[str]:
        return [p for p in self.closing_text.split("\n\n") if p]


class TopicManager(models.Manager["Topic"]):
    def get_by_natural_key(self, slug: str) -> "Topic":
        return self.get(slug=slug)


class Topic(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0, help_text="Order in lists; lower comes first.")

    objects = TopicManager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("interview:topic-detail", kwargs={"slug": self.slug})

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Difficulty(models.TextChoices):
    BASIC = "basic", "Basic"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class QuestionKind(models.TextChoices):
    CONCEPT = "concept", "Concept"
    COMPARISON = "comparison", "Comparison"
    HOW_TO = "how-to", "How-to"
    CODE = "code", "Code"


class QuestionQuerySet(models.QuerySet["Question"]):
    """Who may see or use a question: the one place these rules are written (README, "Who sees which questions")."""

    def active(self) -> "QuestionQuerySet":
        """Questions still offered (retired ones keep their history but are not offered any more)."""
        return self.filter(is_active=True)

    def public(self) -> "QuestionQuerySet":
        """Active questions of the public bank (not a mentor's own)."""
        return self.active().filter(guide__owner__isnull=True)

    def visible_to(self, user: "User | AnonymousUser") -> "QuestionQuerySet":
        """Questions whose page the user may open, retired ones included (their history links to them).

        The public bank for everyone; a mentor's own questions for that mentor and for every member,
        learner or co-mentor, of the cohorts they mentor.
        """
        visible = models.Q(guide__owner__isnull=True)
        if user.is_authenticated:
            from interview.models.mentoring import Membership

            cohorts = Membership.objects.filter(user=user).values("cohort")
            mentors = Membership.objects.filter(cohort__in=cohorts, role=Membership.Role.MENTOR).values(
                "user"
            )
            visible |= models.Q(guide__owner=user) | models.Q(guide__owner__in=mentors)
        return self.filter(visible)

    def assignable_by(self, mentor: "User") -> "QuestionQuerySet":
        """Questions a mentor may put in a question set: active ones of the public bank, and their own.

        Not a co-mentor's: a set can be assigned to any cohort its owner mentors, and the learners of a
        cohort the question's author does not mentor may not see it.
        """
        return self.active().filter(models.Q(guide__owner__isnull=True) | models.Q(guide__owner=mentor))

    def written_by(self, mentor: "User") -> "QuestionQuerySet":
        """The mentor's own active questions."""
        return self.active().filter(guide__owner=mentor)


class QuestionManager(models.Manager.from_queryset(QuestionQuerySet)):
    def get_by_natural_key(self, guide_slug: str, number: int) -> "Question":
        return self.get(guide__slug=guide_slug, number=number)


class Question(models.Model):
    guide = models.ForeignKey(Guide, on_delete=models.PROTECT, related_name="questions")
    number = models.PositiveIntegerField(help_text="The question's number within its guide (Q<n>).")
    section = models.CharField(max_length=200, blank=True, help_text="The guide heading it sits under.")
    prompt = models.TextField()
    answer = models.TextField(help_text="The model answer.")
    topics = models.ManyToManyField(Topic, related_name="questions", blank=True)
    difficulty = models.CharField(max_length=20, choices=Difficulty, default=Difficulty.BASIC)
    kind = models.CharField(max_length=20, choices=QuestionKind, default=QuestionKind.CONCEPT)
    is_active = models.BooleanField(
        default=True, help_text="Retired questions keep their history but are not offered any more."
    )
    editor_note = models.TextField(
        blank=True,
        help_text="The editors' correction or completion of the model answer, shown under it.",
    )
    siblings = models.ManyToManyField(
        "self",
        blank=True,
        help_text="Near-duplicate questions: practice never shows two of them on the same day.",
    )

    objects = QuestionManager()

    class Meta:
        ordering = ["guide", "number"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "number"], name="question_unique_number_in_guide"),
        ]
        indexes = [models.Index(fields=["is_active", "difficulty"])]

    def __str__(self) -> str:
        return f"Q{self.number}. {self.prompt}"

    def get_absolute_url(self) -> str:
        return reverse("interview:question-detail", kwargs={"pk": self.pk})

    def natural_key(self) -> tuple[str, int]:
        return (*self.guide.natural_key(), self.number)

    natural_key.dependencies = ["interview.guide"]

    @property
    def label(self) -> str:
        return f"Q{self.number}"


class Language(models.TextChoices):
    PYTHON = "python", "Python"
    R = "r", "R"
    SHELL = "shell", "Shell"
    SQL = "sql", "SQL"
    JAVASCRIPT = "javascript", "JavaScript"
    JAVA = "java", "Java"
    SCALA = "scala", "Scala"
    YAML = "yaml", "YAML"
    JSON = "json", "JSON"
    TEXT = "text", "Plain text"


class CodeSnippetManager(models.Manager["CodeSnippet"]):
    def get_by_natural_key(self, guide_slug: str, number: int, position: int) -> "CodeSnippet":
        return self.get(question__guide__slug=guide_slug, question__number=number, position=position)


class CodeSnippet(models.Model):
    """Code that follows a model answer, kept verbatim."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="snippets")
    position = models.PositiveIntegerField()
    language = models.CharField(max_length=20, choices=Language, default=Language.TEXT)
    code = models.TextField()

    objects = CodeSnippetManager()

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="snippet_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.question.label} snippet {self.position} ({self.get_language_display()})"

    def natural_key(self) -> tuple[str, int, int]:
        return (*self.question.natural_key(), self.position)

    natural_key.dependencies = ["interview.question"]


class KeyPointManager(models.Manager["KeyPoint"]):
    def get_by_natural_key(self, guide_slug: str, number: int, position: int) -> "KeyPoint":
        return self.get(question__guide__slug=guide_slug, question__number=number, position=position)


class KeyPoint(models.Model):
    """A statement a good answer must contain, with the terms that show it was covered."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="key_points")
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=300)
    terms = models.JSONField(
        default=list, help_text="Words or phrases; any one of them in an answer covers the point."
    )
    # Structured rule (interview/grading): concepts that must meet in one clause, each a list of synonyms,
    # and the contrast that makes the statement false. Empty concepts: the terms are the one concept.
    concepts = models.JSONField(default=list, blank=True, help_text="Lists of synonyms that must co-occur.")
    contrast = models.JSONField(default=list, blank=True, help_text="Words that make the statement false.")

    objects = KeyPointManager()

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="key_point_unique_position"),
        ]

    def __str__(self) -> str:
        return self.text

    def natural_key(self) -> tuple[str, int, int]:
        return (*self.question.natural_key(), self.position)

    natural_key.dependencies = ["interview.question"]


class ContentVersion(models.Model):
    """One row whose token changes with every write to the question bank that a question's rendering reads
    (questions, their guide, topics, code snippets, key points, siblings): renderings kept in memory are
    keyed by it, so a change committed by any process retires them all (services.content.content_changed)."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
