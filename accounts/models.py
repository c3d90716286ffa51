import zoneinfo
from functools import cache

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower

# The preferences a user may change (the settings page, PATCH /api/v1/me/ and the service share it).
PREFERENCE_FIELDS = [
    "display_name",
    "timezone",
    "daily_new_limit",
    "daily_review_limit",
    "desired_retention",
    "interview_date",
    "interview_target_retention",
    "is_mentor",
    "daily_review_email",
]
MIN_RETENTION = 0.70
MAX_RETENTION = 0.97
MAX_INTERVIEW_TARGET = 0.99


@cache
def timezone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones() - {"localtime"})


def validate_timezone(name: str) -> None:
    if name not in timezone_names():
        raise ValidationError(
            "%(name)s is not a time zone name; use an IANA name such as Europe/Berlin.",
            code="invalid_timezone",
            params={"name": name},
        )


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=email.strip().lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person using the app; the email address is the login."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=80, blank=True)

    # Preferences.
    timezone = models.CharField(
        "time zone",
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="Used for “today”, streaks and due dates.",
    )
    daily_new_limit = models.PositiveSmallIntegerField(
        "new questions per day",
        default=10,
        validators=[MaxValueValidator(200)],
        help_text="How many questions you have never seen to introduce each day (0 to 200).",
    )
    daily_review_limit = models.PositiveSmallIntegerField(
        "reviews per day",
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="The most reviews to offer in one day (1 to 1000).",
    )
    desired_retention = models.FloatField(
        "desired retention",
        default=0.90,
        validators=[MinValueValidator(MIN_RETENTION), MaxValueValidator(MAX_RETENTION)],
        help_text=(
            "How likely you want to be to remember an answer when it comes back, from 0.70 to 0.97. "
            "Higher means more frequent reviews: 0.90 means you should recall 9 answers in 10."
        ),
    )
    interview_date = models.DateField(
        null=True,
        blank=True,
        help_text="If set, questions you would recall below your interview-day target get a final review in the three days before.",
    )
    interview_target_retention = models.FloatField(
        "interview-day target",
        default=0.95,
        validators=[MinValueValidator(MIN_RETENTION), MaxValueValidator(MAX_INTERVIEW_TARGET)],
        help_text=(
            "The recall you want on the interview day, from your desired retention up to 0.99: a question "
            "that would fall below it gets a final review in the three days before the interview."
        ),
    )
    memory_parameters = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="FSRS-6 parameters fitted to this learner's reviews, used because they beat the defaults.",
    )
    is_mentor = models.BooleanField(
        "I coach other candidates",
        default=False,
        help_text="Turns on the mentor area: cohorts, question sets and assignments.",
    )

    daily_review_email = models.BooleanField(
        "email me when reviews are waiting",
        default=False,
        help_text="One email a day, at 08:00 in your time zone, on days when reviews are due.",
    )
    # The local day the daily email was last decided (sent, or skipped for want of due reviews): once a day.
    daily_review_email_on = models.DateField(null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            # Addresses that differ only in case are one person: allauth lowercases, the admin might not.
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()
        if (
            self.interview_target_retention is not None
            and self.desired_retention is not None
            and self.interview_target_retention < self.desired_retention
        ):
            raise ValidationError(
                {
                    "interview_target_retention": (
                        f"The interview-day target must be at least your desired retention "
                        f"({self.desired_retention:.2f})."
                    )
                }
            )

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]
