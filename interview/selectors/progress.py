"""How well a user knows each topic, computed by the database (the dashboard and practice share it)."""

from datetime import datetime

from django.db.models import (
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, Power

from accounts.models import User
from interview.models import Question, Rating, ReviewState, Topic
from interview.scheduling import DECAY, FACTOR
from interview.selectors.content import topics_with_counts

WEAK_TOPIC_COUNT = 3


class ElapsedDays(Func):
    """Whole days from ``start`` to ``end`` (two datetimes), as FSRS counts them."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL and others with EXTRACT(EPOCH)
        template = "FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)"
        return super().as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        template = "CAST(julianday(%(expressions)s) AS INTEGER)"
        return super().as_sql(compiler, connection, template=template, arg_joiner=") - julianday(", **extra)


def retrievability(now: datetime, prefix: str = "") -> Func:
    """FSRS's predicted recall now for a ReviewState (``prefix`` reaches it through a relation)."""
    elapsed = Greatest(ElapsedDays(Value(now), F(f"{prefix}last_review")), Value(0))
    return Power(
        Value(1.0) + Value(FACTOR) * elapsed / F(f"{prefix}stability"),
        Value(DECAY),
        output_field=FloatField(),
    )


def topic_mastery(user: User, now: datetime) -> QuerySet[Topic]:
    """Topics with active public questions, each annotated for this user.

    ``question_count`` active questions, ``practised`` of them, ``mastery`` = average predicted recall over
    all of them (an unpractised question counts 0), and ``struggle`` = share of the practised ones whose
    latest rating was Again or Hard. Weakest first: lowest mastery, then most struggle. One query, on
    the user's schedule rows only (a handful per topic), whatever the length of their history.
    """
    states = ReviewState.objects.filter(
        user=user,
        question__topics=OuterRef("pk"),
        question__in=Question.objects.public(),
        stability__isnull=False,
    ).order_by()
    per_topic = states.values("question__topics")
    recall_sum = per_topic.annotate(total=Sum(retrievability(now))).values("total")
    practised = per_topic.annotate(n=Count("pk")).values("n")
    struggles = per_topic.annotate(n=Count("pk", filter=Q(last_rating__lte=Rating.HARD))).values("n")
    return (
        topics_with_counts()
        .annotate(
            practised=Coalesce(Subquery(practised, output_field=IntegerField()), 0),
            recall_sum=Coalesce(Subquery(recall_sum, output_field=FloatField()), 0.0),
            recent_struggles=Coalesce(Subquery(struggles, output_field=IntegerField()), 0),
        )
        .annotate(
            mastery=F("recall_sum") / F("question_count"),
            struggle=F("recent_struggles") * 1.0 / Greatest(F("practised"), 1),
        )
        .order_by("mastery", "-struggle", "position", "name")
    )


def weakest_topics(user: User, now: datetime, count: int = WEAK_TOPIC_COUNT) -> list[Topic]:
    """The topics the user has started with the lowest mastery, recent Again/Hard breaking ties."""
    return list(topic_mastery(user, now).filter(practised__gt=0)[:count])
