"""How often learners agree with the checker's ticks, per question and overall.

Definitions (one place; the admin page and `manage.py grading_report` show these):
- judgements: key points the checker judged, over attempts on questions with key points;
- unticked: the share of the checker's ticks that the learner removed;
- added: the share of the points the checker left unticked that the learner ticked;
- agreement: the share of judgements the learner left as the checker made them.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from interview.models import Attempt, Question

GRADED = Q(attempts__points_judged__gt=0)


@dataclass(frozen=True)
class Agreement:
    attempts: int
    judgements: int
    auto_ticked: int
    unticked: int
    added: int

    @property
    def agreement(self) -> float | None:
        return 1 - (self.unticked + self.added) / self.judgements if self.judgements else None

    @property
    def unticked_share(self) -> float | None:
        return self.unticked / self.auto_ticked if self.auto_ticked else None

    @property
    def added_share(self) -> float | None:
        missed = self.judgements - self.auto_ticked
        return self.added / missed if missed else None


def agreement_of(row) -> Agreement:
    return Agreement(
        attempts=row.graded_attempts or 0,
        judgements=row.judgements or 0,
        auto_ticked=row.auto_ticks or 0,
        unticked=row.unticked or 0,
        added=row.added or 0,
    )


def questions_with_agreement() -> QuerySet[Question]:
    """Questions with at least one graded attempt, annotated with the sums behind their agreement."""
    return (
        Question.objects.filter(GRADED)
        .annotate(
            graded_attempts=Count("attempts", filter=GRADED),
            judgements=Sum("attempts__points_judged", filter=GRADED),
            auto_ticks=Sum("attempts__auto_ticked", filter=GRADED),
            unticked=Sum("attempts__ticks_removed", filter=GRADED),
            added=Sum("attempts__ticks_added", filter=GRADED),
        )
        .select_related("guide")
        .order_by("guide__slug", "number")
    )


def overall_agreement() -> Agreement:
    totals = Attempt.objects.filter(points_judged__gt=0).aggregate(
        attempts=Count("pk"),
        judgements=Sum("points_judged"),
        auto_ticked=Sum("auto_ticked"),
        unticked=Sum("ticks_removed"),
        added=Sum("ticks_added"),
    )
    return Agreement(**{key: value or 0 for key, value in totals.items()})
