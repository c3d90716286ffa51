"""Every learning number, defined once: recall, coverage, retention, mastery, weak topics, readiness,
the daily budget and the due and new counts. The dashboard, /api/v1/stats/, the practice pages and the
mentor views all read them from here; the README and the dashboard's "How is this computed?" panel state
the same definitions in words.
"""

import hashlib
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
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
    When,
)
from django.db.models.functions import Coalesce, Greatest, Power
from psycopg.types.datetime import TimestamptzLoader

from accounts.models import User
from interview.bank_cache import kept_for_bank
from interview.models import Attempt, DailyActivity, Question, Rating, ReviewState, Topic
from interview.scheduling import MemoryModel, local_midnight, local_today, memory_model_for
from interview.selectors.content import topics_with_counts

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

    from interview.selectors.content import TopicWithCount

SECONDS_PER_DAY = 86_400
# Readiness without an interview date looks this far ahead.
READINESS_HORIZON_DAYS = 7
# Weak topics: a topic's figures are pulled toward the learner's overall ones with this weight, counted
# in practised questions (retention) and in answers after the first (lapse rate).
RETENTION_PRIOR_WEIGHT = 2
LAPSE_PRIOR_WEIGHT = 4
WEAK_TOPIC_COUNT = 3


def whole_percent(share: float) -> int:
    """A share of 0-1 as a whole percentage, the way every learning number is shown."""
    return round(100 * share)


# One colour scale for mastery wherever it is shown (the learner's dashboard, the mentor's grid).
MASTERY_FAIR_FROM = 50  # whole percent
MASTERY_STRONG_FROM = 80


def mastery_band(mastery: int, practised: int) -> str:
    """The colour band of a whole-percent mastery: ``unpractised``, ``weak``, ``fair`` or ``strong``."""
    if not practised:
        return "unpractised"
    if mastery >= MASTERY_STRONG_FROM:
        return "strong"
    return "fair" if mastery >= MASTERY_FAIR_FROM else "weak"


# Recall ------------------------------------------------------------------------------------------------


def recall_at(
    *,
    stability: float | None,
    last_review: datetime | None,
    moment: datetime,
    model: MemoryModel,
    last_rating: int | None,
) -> float:
    """Predicted recall of one question at ``moment``, with continuous elapsed time; 0 if never practised or
    not relearned since its latest answer, an Again. ``recall`` is the same rule for the database, and the
    forecast (interview/forecast.py) calls this one."""
    if stability is None or last_review is None or last_rating == Rating.AGAIN:
        return 0.0
    return model.recall(stability, (moment - last_review).total_seconds() / SECONDS_PER_DAY)


class ElapsedDays(Func):
    """Days, with their fraction, from ``start`` to ``end`` (two datetimes)."""

    output_field = FloatField()
    arity = 2

    def as_sql(  # PostgreSQL and others with EXTRACT(EPOCH)
        self,
        compiler: "SQLCompiler",
        connection: "BaseDatabaseWrapper",
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra: Any,
    ) -> "_AsSqlType":
        # Func's signature, but the template and the joiner are always this function's own.
        template = f"(EXTRACT(EPOCH FROM (%(expressions)s)) / {SECONDS_PER_DAY}.0)"
        return super().as_sql(
            compiler, connection, function=function, template=template, arg_joiner=" - ", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        # date_part gives a double, as recall_at's total_seconds() does; EXTRACT gives a numeric, whose
        # arithmetic made the recall of a cohort's 20,000 review states take twice as long.
        template = f"(date_part('epoch', %(expressions)s) / {SECONDS_PER_DAY}.0)"
        return super().as_sql(compiler, connection, template=template, arg_joiner=" - ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        template = "(julianday(%(expressions)s))"
        return super().as_sql(compiler, connection, template=template, arg_joiner=") - julianday(", **extra)


def recall(moment: datetime, model: MemoryModel, prefix: str = "") -> Case:
    """``recall_at`` computed by the database for a ReviewState (``prefix`` reaches it through a relation)."""
    elapsed = Greatest(ElapsedDays(Value(moment), F(f"{prefix}last_review")), Value(0.0))
    retrievability = Power(
        Value(1.0) + Value(model.factor) * elapsed / F(f"{prefix}stability"),
        Value(-model.decay),
        output_field=FloatField(),
    )
    return Case(
        When(**{f"{prefix}last_rating": Rating.AGAIN}, then=Value(0.0)),
        default=retrievability,
        output_field=FloatField(),
    )


# Topics: coverage, retention, mastery, lapse rate, weak topics --------------------------------------------


@dataclass(frozen=True)
class TopicFigures:
    """One learner's figures for one topic, from the sums the database computes."""

    topic: Topic = field(compare=False)
    total: int  # active public questions of the topic
    practised: int
    recall_sum: float  # predicted recall now, summed over the practised ones
    answers_after_first: int
    lapses: int  # answers after the first rated Again

    @property
    def coverage(self) -> float:
        return self.practised / self.total if self.total else 0.0

    @property
    def retention(self) -> float | None:
        return self.recall_sum / self.practised if self.practised else None

    @property
    def mastery(self) -> float:
        return self.recall_sum / self.total if self.total else 0.0

    @property
    def lapse_rate(self) -> float | None:
        return self.lapses / self.answers_after_first if self.answers_after_first else None


@dataclass(frozen=True)
class TopicProgress:
    slug: str
    name: str
    mastery: int  # whole percent, 0-100
    coverage: int  # whole percent
    retention: int | None  # whole percent; None until a question of the topic is practised
    practised: int
    total: int
    topic: Topic = field(repr=False, compare=False)

    @property
    def band(self) -> str:
        return mastery_band(self.mastery, self.practised)

    @classmethod
    def of(cls, figures: TopicFigures) -> "TopicProgress":
        return cls(
            slug=figures.topic.slug,
            name=figures.topic.name,
            mastery=whole_percent(figures.mastery),
            coverage=whole_percent(figures.coverage),
            retention=None if figures.retention is None else whole_percent(figures.retention),
            practised=figures.practised,
            total=figures.total,
            topic=figures.topic,
        )


def _practised_states(users: Iterable[int], questions: Iterable[int] | None = None) -> QuerySet[ReviewState]:
    """The users' practised states of active public questions (``questions``: their ids, when already read)."""
    public = Question.objects.public() if questions is None else questions
    return ReviewState.objects.filter(user__in=users, question__in=public, stability__isnull=False)


class TopicSums(NamedTuple):
    """The sums behind TopicFigures, for one user and topic or for a group and topic."""

    practised: int
    recall_sum: float
    answers_after_first: int
    lapses: int


NO_SUMS = TopicSums(0, 0.0, 0, 0)
SumsKey = tuple[int, int] | int


def _memory_model_groups(users: Sequence[User]) -> dict[MemoryModel, list[int]]:
    by_model: dict[MemoryModel, list[int]] = {}
    for user in users:
        by_model.setdefault(memory_model_for(user), []).append(user.pk)
    return by_model


def _add_sums(sums: dict[SumsKey, TopicSums], key: SumsKey, row: TopicSums) -> None:
    # Per topic, several memory models add up (per user there is only the user's own).
    previous = sums.get(key)
    sums[key] = row if previous is None else TopicSums(*map(operator.add, previous, row))


def _topic_sums_orm(
    users: Sequence[User], now: datetime, *, per_user: bool, questions: list[int]
) -> dict[SumsKey, TopicSums]:
    """``_topic_sums`` through the ORM: one query per memory model (the path on SQLite, and the written-out
    SQL's test)."""
    group = ("user_id", "question__topics") if per_user else ("question__topics",)
    sums: dict[SumsKey, TopicSums] = {}
    for model, user_ids in _memory_model_groups(users).items():
        rows = (
            _practised_states(user_ids, questions)
            .values(*group)
            .annotate(
                practised=Count("pk"),
                recall_sum=Sum(recall(now, model)),
                answers_after_first=Sum(Greatest(F("reviews") - 1, Value(0))),
                lapses=Sum("lapses"),
            )
            .order_by()
        )
        for row in rows:
            if row["question__topics"] is None:  # a question without a topic counts towards none
                continue
            key = (row["user_id"], row["question__topics"]) if per_user else row["question__topics"]
            _add_sums(
                sums,
                key,
                TopicSums(
                    row["practised"], row["recall_sum"] or 0.0, row["answers_after_first"], row["lapses"]
                ),
            )
    return sums


# The same sums and the same recall as _topic_sums_orm (``recall``), written out: building the ORM's query
# and turning its rows into dictionaries cost several times what PostgreSQL spends on a cohort's sums.
_TOPIC_SUMS_SQL = """
SELECT {group}, COUNT(*),
    COALESCE(SUM(CASE WHEN rs.last_rating = %(again)s THEN 0.0 ELSE POWER(
        1.0 + %(factor)s * GREATEST(date_part('epoch', %(moment)s - rs.last_review) / {seconds_per_day}.0, 0.0)
        / rs.stability,
        %(exponent)s
    ) END), 0.0),
    SUM(GREATEST(rs.reviews - 1, 0)),
    SUM(rs.lapses)
FROM {review_state} rs JOIN {question_topics} qt ON qt.question_id = rs.question_id
WHERE rs.user_id = ANY(%(users)s::bigint[]) AND rs.question_id = ANY(%(questions)s::bigint[])
    AND rs.stability IS NOT NULL
GROUP BY {group}
"""


def _topic_sums_sql(
    users: Sequence[User], now: datetime, *, per_user: bool, questions: list[int]
) -> dict[SumsKey, TopicSums]:
    """``_topic_sums`` in written-out SQL for PostgreSQL: one query per memory model."""
    group = "rs.user_id, qt.topic_id" if per_user else "qt.topic_id"
    sql = _TOPIC_SUMS_SQL.format(
        group=group,
        seconds_per_day=SECONDS_PER_DAY,
        review_state=ReviewState._meta.db_table,
        question_topics=Question.topics.through._meta.db_table,
    )
    sums: dict[SumsKey, TopicSums] = {}
    with connection.cursor() as cursor:
        for model, user_ids in _memory_model_groups(users).items():
            parameters: dict[str, Any] = {
                "again": Rating.AGAIN.value,
                "factor": model.factor,
                "exponent": -model.decay,
                "moment": now,
                "users": user_ids,
                "questions": questions,
            }
            cursor.execute(sql, parameters)
            for row in cursor.fetchall():
                if per_user:
                    _add_sums(sums, (row[0], row[1]), TopicSums(*row[2:]))
                else:
                    _add_sums(sums, row[0], TopicSums(*row[1:]))
    return sums


def _topic_sums(
    users: Sequence[User], now: datetime, *, per_user: bool, questions: list[int] | None = None
) -> dict[SumsKey, TopicSums]:
    """The sums behind TopicFigures per (user, topic), or per topic over all the users: one query per memory
    model.

    The public questions' ids go in as a list, not a subquery: the planner then reads the users' rows by
    the user index instead of every learner's rows of each public question (10x slower for a cohort).
    """
    if not users:
        return {}
    if questions is None:
        questions = list(bank_figures().topics_of)
    read = _topic_sums_sql if connection.vendor == "postgresql" else _topic_sums_orm
    return read(users, now, per_user=per_user, questions=questions)


def _figures_from(topic: "TopicWithCount", sums: TopicSums, members: int = 1) -> TopicFigures:
    return TopicFigures(topic, topic.question_count * members, *sums)


def topic_figures_for(
    users: Sequence[User],
    now: datetime,
    topics: "list[TopicWithCount] | None" = None,
    questions: list[int] | None = None,
) -> "tuple[list[TopicWithCount], dict[tuple[int, int], TopicFigures]]":
    """Every topic, and each user's figures per topic: one query per memory model (``topics`` and
    ``questions``, the public questions' ids: ``bank_figures()``'s, when already at hand)."""
    topics = bank_figures().topics if topics is None else topics
    sums = _topic_sums(users, now, per_user=True, questions=questions)
    figures = {}
    topic_ids = [(topic.pk, topic) for topic in topics]  # pk is a property: read it once per object
    for user_id in [user.pk for user in users]:
        for topic_id, topic in topic_ids:
            figures[user_id, topic_id] = _figures_from(topic, sums.get((user_id, topic_id), NO_SUMS))
    return topics, figures


# A group's sums per topic cost the database a recall (a pow()) for each of its members' schedule rows, about
# 17,000 for a cohort of 500: they are kept in the shared cache for this long at most.
GROUP_FIGURES_KEEP_SECONDS = 300


def _schedule_count(users: Iterable[int] | QuerySet) -> "QuerySet[Any, Any]":
    """The ``users``' schedule rows counted as their reviews plus one each: one row ``n``, none without rows."""
    return (
        ReviewState.objects.filter(user__in=users)
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(n=Sum(F("reviews") + 1))
        .values("n")
    )


def schedule_version(users: "QuerySet[User] | list[int]") -> Coalesce:
    """An annotation for any query that reads once the ``users``' schedule rows, counted as their reviews
    plus one each. Recording an answer is the only write to a schedule row and adds one to its ``reviews``
    (or creates the row), so the number grows with every answer any of them records; a row added by other
    means (seeding) changes it too."""
    ids = users.values("pk") if isinstance(users, QuerySet) else users
    return Coalesce(Subquery(_schedule_count(ids), output_field=IntegerField()), 0)


def _group_figures_key(
    users: Sequence[User],
    now: datetime,
    topics: "list[TopicWithCount]",
    questions: list[int],
    schedule: int | None,
) -> str:
    """A key that changes whenever the group's sums could: the members and their memory models, their
    schedule rows (``schedule_version``, read here when the caller has not), the bank's topics,
    question counts and public questions, and the time window ``now`` falls in."""
    if schedule is None:
        counted = list(_schedule_count([user.pk for user in users]))
        schedule = counted[0]["n"] if counted else 0
    described = repr(
        (
            [(user.pk, memory_model_for(user).decay) for user in users],
            schedule,
            [(topic.pk, topic.question_count) for topic in topics],
            questions,
            int(now.timestamp()) // GROUP_FIGURES_KEEP_SECONDS,
        )
    )
    # ":2": the sums are kept as TopicSums since the written-out SQL, no longer as dictionaries.
    return "group-topic-figures:2:" + hashlib.blake2b(described.encode(), digest_size=20).hexdigest()


def group_topic_figures(
    users: Sequence[User],
    now: datetime,
    topics: "list[TopicWithCount]",
    questions: list[int] | None = None,
    *,
    schedule: int | None = None,
) -> list[TopicFigures]:
    """A group's figures per topic (a cohort's): ``combined`` over every member's figures, summed by the
    database without reading them one by one, and kept in the shared cache. A recorded answer, a member
    joining or leaving, a refitted memory model or a change to the bank shows at once; the passing of time
    within a window of ``GROUP_FIGURES_KEEP_SECONDS`` does not (recall decays over days: a few minutes move a
    topic's retention by a fraction of a percent). ``schedule``: the members' ``schedule_version``, when the
    caller read it with another query already (before calling: what is kept under a key must never be older
    than the key says); else one query more."""
    if questions is None:
        questions = list(bank_figures().topics_of)
    key = _group_figures_key(users, now, topics, questions, schedule)
    sums = cache.get(key)
    if sums is None:
        sums = _topic_sums(users, now, per_user=False, questions=questions)
        cache.set(key, sums, timeout=GROUP_FIGURES_KEEP_SECONDS)
    return [_figures_from(topic, sums.get(topic.pk, NO_SUMS), len(users)) for topic in topics]


def topic_figures(user: User, now: datetime, schedule: "Schedule | None" = None) -> list[TopicFigures]:
    """The learner's figures for every topic with active public questions, in guide order (one query, or
    none with the learner's ``schedule`` already read): ``Schedule.topic_figures``."""
    return (schedule or Schedule.of(user)).topic_figures(now, memory_model_for(user))


def combined(rows: list[TopicFigures], topic: "TopicWithCount") -> TopicFigures:
    """A group's figures for a topic (a cohort's): the sums of its members' figures."""
    return TopicFigures(
        topic=topic,
        total=topic.question_count * len(rows),
        practised=sum(row.practised for row in rows),
        recall_sum=sum(row.recall_sum for row in rows),
        answers_after_first=sum(row.answers_after_first for row in rows),
        lapses=sum(row.lapses for row in rows),
    )


def shrunk(value_sum: float, count: int, prior: float, weight: int) -> float:
    """A Bayesian average: the observed figure, pulled toward ``prior`` as if ``weight`` more were seen."""
    return (value_sum + weight * prior) / (count + weight)


def topic_strength(figures: TopicFigures, overall_retention: float, overall_lapse_rate: float) -> float:
    """Retention discounted by lapses, each pulled toward the learner's overall figure: low means weak."""
    retention = shrunk(figures.recall_sum, figures.practised, overall_retention, RETENTION_PRIOR_WEIGHT)
    lapse_rate = shrunk(figures.lapses, figures.answers_after_first, overall_lapse_rate, LAPSE_PRIOR_WEIGHT)
    return retention * (1 - lapse_rate)


def weak_topics(all_figures: list[TopicFigures], count: int = WEAK_TOPIC_COUNT) -> list[TopicFigures]:
    """Among started topics, the ``count`` with the lowest strength (ties: fewer practised first)."""
    started = [figures for figures in all_figures if figures.practised]
    if not started:
        return []
    # Overall figures over the learner's topic rows (a question in two topics counts in both).
    overall_retention = sum(f.recall_sum for f in started) / sum(f.practised for f in started)
    answers = sum(f.answers_after_first for f in started)
    overall_lapse_rate = sum(f.lapses for f in started) / answers if answers else 0.0
    ranked = sorted(
        started,
        key=lambda f: (
            topic_strength(f, overall_retention, overall_lapse_rate),
            f.practised,
            f.topic.position,
        ),
    )
    return ranked[:count]


def weakest_topics(user: User, now: datetime, count: int = WEAK_TOPIC_COUNT) -> list[Topic]:
    """The learner's weak topics (see ``weak_topics``), as Topic rows."""
    return [figures.topic for figures in weak_topics(topic_figures(user, now), count)]


# Readiness -----------------------------------------------------------------------------------------------


def readiness_moment(user: User, now: datetime) -> datetime:
    """The start of the interview day, or 7 days from now without a future interview date."""
    if user.interview_date and user.interview_date > local_today(user, now):
        return local_midnight(user.interview_date, user)
    return now + timedelta(days=READINESS_HORIZON_DAYS)


def expected_recall_sum(user: User, moment: datetime) -> float:
    """Predicted recall at ``moment`` summed over the learner's practised active public questions (one query)."""
    total = (
        _practised_states([user.pk]).aggregate(total=Sum(recall(moment, memory_model_for(user)))).get("total")
    )
    return total or 0.0


def readiness_share(recall_sum: float, total_questions: int) -> float:
    """Expected share of the guide's questions recalled: never-practised questions count 0."""
    return recall_sum / total_questions if total_questions else 0.0


# Today: the daily budget, due and new counts -------------------------------------------------------------


@dataclass(frozen=True)
class DailyBudget:
    new_left: int
    reviews_left: int


# What uses up the review limit: neither a first answer nor a learning-step repeat within a session.
REVIEW_ATTEMPT = Q(was_new=False, was_repeat=False)


def budget_from(user: User, *, new_today: int, reviews_today: int) -> DailyBudget:
    """What the daily limits still allow, given today's first-time answers and today's reviews
    (learning-step repeats are neither)."""
    return DailyBudget(
        new_left=max(0, user.daily_new_limit - new_today),
        reviews_left=max(0, user.daily_review_limit - reviews_today),
    )


def today_start(user: User, now: datetime) -> datetime:
    return local_midnight(local_today(user, now), user)


def daily_budget(user: User, now: datetime) -> DailyBudget:
    """How many new questions and reviews the user's daily limits still allow today, from today's activity
    row (one indexed read, whatever the day's attempts: attempt_record counts each attempt in it, first
    answers as ``new`` and REVIEW_ATTEMPT as ``reviews``)."""
    today = DailyActivity.objects.filter(user=user, day=local_today(user, now)).values_list("new", "reviews")
    new_today, reviews_today = next(iter(today), (0, 0))
    return budget_from(user, new_today=new_today, reviews_today=reviews_today)


@dataclass(frozen=True)
class DailyGoal:
    """Today's goal and the progress toward it, both counted in questions of the day's plan."""

    new_planned: int
    reviews_planned: int
    new_answered: int  # questions answered for the first time today
    reviews_answered: int  # planned reviews answered today

    @property
    def goal(self) -> int:
        return self.new_planned + self.reviews_planned

    @property
    def done(self) -> int:
        """Questions of the plan answered today: first answers up to the day's new questions, plus planned
        reviews up to the review limit. Repeats, learning steps and questions outside the plan (new ones past
        the limit, reviews not due today) do not count, so it never passes the goal."""
        return min(self.new_answered, self.new_planned) + min(self.reviews_answered, self.reviews_planned)


def daily_goal_from(
    user: User, *, unseen_at_day_start: int, reviews_planned: int, new_today: int, reviews_answered: int
) -> DailyGoal:
    """Today's goal: the day's new questions (the daily new limit, or what was left to learn when the day
    began) plus the reviews planned for the day (within the daily review limit); and what of it is done."""
    return DailyGoal(
        new_planned=min(user.daily_new_limit, unseen_at_day_start),
        reviews_planned=min(reviews_planned, user.daily_review_limit),
        new_answered=new_today,
        reviews_answered=reviews_answered,
    )


def due_filter(now: datetime, prefix: str = "") -> Q:
    """A ReviewState of an active question whose review is due now."""
    return Q(**{f"{prefix}due__lte": now, f"{prefix}question__is_active": True})


def unseen_questions(user: User) -> QuerySet[Question]:
    """Active public questions the learner has never practised."""
    seen = ReviewState.objects.filter(user=user, question=OuterRef("pk"))
    return Question.objects.public().filter(~Exists(seen))


@dataclass(frozen=True)
class TodayCounts:
    due_now: int  # due reviews, whatever the limit
    unseen: int  # questions never practised
    budget: DailyBudget
    next_due_today: datetime | None = None  # the first review falling due later today, if any

    @property
    def due_within_limit(self) -> int:
        return min(self.due_now, self.budget.reviews_left)

    @property
    def new_within_limit(self) -> int:
        return min(self.unseen, self.budget.new_left)


def today_counts(user: User, now: datetime) -> TodayCounts:
    """Due reviews (and when the next falls due today), unseen questions and what is left of today's limits
    (two queries, and the bank's version)."""
    schedule = Schedule.of(user)
    return TodayCounts(
        due_now=schedule.due_now(now),
        unseen=schedule.unseen,
        budget=daily_budget(user, now),
        next_due_today=schedule.next_due_today(user, now),
    )


@dataclass(frozen=True)
class BankFigures:
    """What the learning figures read of the question bank: the topics with their question counts (in guide
    order) and each active public question's topic ids."""

    topics: "list[TopicWithCount]"
    topics_of: dict[int, list[int]]


def bank_figures() -> BankFigures:
    """The bank's figures, kept by the process until the bank changes (read-only: shared by requests)."""

    def read() -> BankFigures:
        topics_of: dict[int, list[int]] = {}
        for question_id, topic_id in Question.objects.public().values_list("pk", "topics"):
            topic_ids = topics_of.setdefault(question_id, [])
            if topic_id is not None:
                topic_ids.append(topic_id)
        return BankFigures(topics=list(topics_with_counts()), topics_of=topics_of)

    return kept_for_bank("bank-figures", read)


# The schedule, read once --------------------------------------------------------------------------------


class ScheduleRow(NamedTuple):
    """A schedule row (ReviewState) as the dashboard's figures and the forecast read it: a plain tuple, which
    loads several times faster than a model instance (a year of practice reads every question's row)."""

    question_id: int
    phase: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    last_rating: int | None
    reviews: int
    lapses: int
    # Read with Schedule.of(day_start=...), for a row answered since then: the due date its latest answer
    # before then gave it (see planned_reviews). None otherwise.
    due_at_day_start: datetime | None = None


# What the dashboard's figures and the forecast read of a schedule row.
SCHEDULE_FIELDS = list(ScheduleRow._fields[:-1])


def _state_recall(state: ScheduleRow, moment: datetime, model: MemoryModel) -> float:
    return recall_at(
        stability=state.stability,
        last_review=state.last_review,
        moment=moment,
        model=model,
        last_rating=state.last_rating,
    )


def _schedule_rows_orm(user: User, day_start: datetime | None) -> Iterable[tuple]:
    """The learner's schedule rows of active questions (SCHEDULE_FIELDS, and with ``day_start`` the due date
    each row answered since then had from its latest answer before then)."""
    rows = ReviewState.objects.filter(user=user, question__is_active=True)
    fields = SCHEDULE_FIELDS
    if day_start is not None:
        latest_before = Subquery(
            Attempt.objects.filter(user=user, question=OuterRef("question_id"), created_at__lt=day_start)
            .order_by("-created_at")
            .values("due_after")[:1]
        )
        # An indexed lookup, run only for the rows answered today.
        rows = rows.annotate(
            due_at_day_start=Case(When(last_review__gte=day_start, then=latest_before), default=None)
        )
        fields = [*fields, "due_at_day_start"]
    return rows.values_list(*fields)


# _schedule_rows_orm written out for PostgreSQL: the dashboard and the stats read it on every view, and the
# ORM's statement cost more to build than PostgreSQL spends on running it.
_SCHEDULE_ROWS_SQL = """
SELECT {fields}{due_at_day_start}
FROM {review_state} rs JOIN {question} q ON q.id = rs.question_id
WHERE rs.user_id = %(user)s AND q.is_active
"""
_DUE_AT_DAY_START_SQL = """, CASE WHEN rs.last_review >= %(day_start)s THEN (
    SELECT a.due_after FROM {attempt} a
    WHERE a.user_id = %(user)s AND a.question_id = rs.question_id AND a.created_at < %(day_start)s
    ORDER BY a.created_at DESC LIMIT 1) END"""


_REVIEW_STATE_COLUMNS = {field.attname: str(field.column) for field in ReviewState._meta.concrete_fields}


def _schedule_rows_sql(user: User, day_start: datetime | None) -> list[tuple]:
    quote = connection.ops.quote_name
    sql = _SCHEDULE_ROWS_SQL.format(
        fields=", ".join(f"rs.{quote(_REVIEW_STATE_COLUMNS[name])}" for name in SCHEDULE_FIELDS),
        due_at_day_start=""
        if day_start is None
        else _DUE_AT_DAY_START_SQL.format(attempt=quote(Attempt._meta.db_table)),
        review_state=quote(ReviewState._meta.db_table),
        question=quote(Question._meta.db_table),
    )
    params = {"user": user.pk, "day_start": day_start}
    with connection.cursor() as cursor:
        _load_timestamps_with_psycopg(cursor)
        cursor.execute(sql, params)
        return cursor.fetchall()


def _load_timestamps_with_psycopg(cursor: Any) -> None:
    """Read this cursor's timestamps with psycopg's own loader (its C build where installed).

    Django gives every connection a loader of its own, in Python, only to attach its time zone; with USE_TZ
    and the connection in UTC, psycopg's loader attaches the same datetime.timezone.utc, at a tenth of the
    cost (a year of practice reads every question's due and last review dates). Elsewhere Django's stays.
    """
    if settings.USE_TZ and connection.timezone is dt_timezone.utc:
        # (register_loader takes the C build of the loader when psycopg has one.)
        cursor.cursor.adapters.register_loader("timestamptz", TimestamptzLoader)


@dataclass(frozen=True)
class Schedule:
    """The learner's schedule rows of active questions (at most one per question), read in one query, and the
    bank's figures (``bank_figures``: kept by the process); the due, new, readiness, topic and planned-review
    figures are computed from them, so each costs nothing more and none grows with the history.

    "Due now" is ``due_filter``'s rule (due by now, question active) applied to the rows.
    """

    states: list[ScheduleRow]
    topics_of: dict[int, list[int]]  # each active public question's topic ids
    topics: "list[TopicWithCount]"  # every topic with active public questions, in guide order
    day_start: datetime | None = None

    @classmethod
    def of(cls, user: User, *, day_start: datetime | None = None) -> "Schedule":
        """Read the rows; with ``day_start`` (today_start), each row answered since then also carries the due
        date its latest answer before then gave it (``due_at_day_start``), for ``planned_reviews``."""
        read = _schedule_rows_sql if connection.vendor == "postgresql" else _schedule_rows_orm
        states = [ScheduleRow(*row) for row in read(user, day_start)]
        bank = bank_figures()
        return cls(states=states, topics_of=bank.topics_of, topics=bank.topics, day_start=day_start)

    @property
    def public_ids(self) -> set[int]:
        """The active public questions' ids."""
        return set(self.topics_of)

    @property
    def total(self) -> int:
        """Active public questions."""
        return len(self.topics_of)

    @property
    def unseen(self) -> int:
        """Active public questions the learner has never practised (``unseen_questions``)."""
        return len(self.public_ids - {state.question_id for state in self.states})

    @property
    def practised_public(self) -> list[ScheduleRow]:
        """The rows readiness reads: practised questions of the public bank."""
        return [s for s in self.states if s.stability is not None and s.question_id in self.topics_of]

    def due_now(self, now: datetime) -> int:
        return sum(1 for state in self.states if state.due <= now)

    def next_due_today(self, user: User, now: datetime) -> datetime | None:
        """The first review falling due after now but before the learner's local midnight, if any."""
        end = local_midnight(local_today(user, now) + timedelta(days=1), user)
        return min((state.due for state in self.states if now < state.due < end), default=None)

    def recall_sum(self, moment: datetime, model: MemoryModel) -> float:
        """Predicted recall at ``moment`` summed over the practised public questions (``recall_at`` each)."""
        return sum(_state_recall(state, moment, model) for state in self.practised_public)

    def topic_figures(self, now: datetime, model: MemoryModel) -> list[TopicFigures]:
        """Every topic's figures, summed in Python over the practised public questions. ``topic_figures_for``
        computes the same sums in the database for many learners at once (tests/test_learning.py holds them
        equal)."""
        practised: dict[int, int] = dict.fromkeys((topic.pk for topic in self.topics), 0)
        recall_sum: dict[int, float] = dict.fromkeys(practised, 0.0)
        answers_after_first, lapses = dict(practised), dict(practised)
        for state in self.practised_public:
            recall_now = _state_recall(state, now, model)
            for topic_id in self.topics_of[state.question_id]:
                practised[topic_id] += 1
                recall_sum[topic_id] += recall_now
                answers_after_first[topic_id] += max(state.reviews - 1, 0)
                lapses[topic_id] += state.lapses
        return [
            TopicFigures(
                topic=topic,
                total=topic.question_count,
                practised=practised[topic.pk],
                recall_sum=recall_sum[topic.pk],
                answers_after_first=answers_after_first[topic.pk],
                lapses=lapses[topic.pk],
            )
            for topic in self.topics
        ]

    def planned_reviews(self, user: User, now: datetime) -> tuple[int, int]:
        """The reviews planned for today and how many of them have been answered today (each question once).

        Planned: practised before today and due by the end of today as the schedule stood when the day began.
        A question answered today is judged by the due date its last answer before today gave it, so
        answering never moves the plan.
        """
        start = today_start(user, now)
        assert self.day_start == start, "read the schedule with Schedule.of(user, day_start=today_start(...))"
        end = local_midnight(local_today(user, now) + timedelta(days=1), user)
        due_then = [state.due_at_day_start for state in self.states]
        answered = sum(1 for due in due_then if due is not None and due < end)
        before_today = sum(
            1
            for state in self.states
            if state.last_review is not None and state.last_review < start and state.due < end
        )
        return before_today + answered, answered
