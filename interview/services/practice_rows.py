"""The rows a practice step reads and locks, written out as SQL.

The API's next and its POST /api/v1/attempts/ run these on every step; built through the ORM, their statements
cost more to build than to run (as selectors.practice.api_session_reopened). The SQL is the same on PostgreSQL
and SQLite but for the locks: SQLite has no row locks (its writers take the whole database), so ``FOR UPDATE``
and the locked read of the schedule row are PostgreSQL's alone, as the ORM's select_for_update() does.
"""

import contextlib
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Model

from accounts.models import User
from interview.models import (
    Attempt,
    ContentVersion,
    Guide,
    PracticeSession,
    Question,
    ReviewState,
    Showing,
)
from interview.sql_rows import columns, instance

M = TypeVar("M", bound=Model)

SiblingLink = Question.siblings.through


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(field: Any) -> str:
    """A concrete field's quoted column (``Any``: the stubs type columns and primary keys as optional)."""
    return connection.ops.quote_name(field.column)


@functools.cache
def _insert_sql(model: type[Model], vendor: str) -> tuple[str, bool]:
    names = [_column(field) for field in model._meta.concrete_fields if not field.primary_key]
    sql = f"INSERT INTO {_table(model)} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))})"
    returning = connection.features.can_return_columns_from_insert
    if returning:
        sql += f" RETURNING {_column(model._meta.pk)}"
    return sql, returning


@dataclass(frozen=True)
class Statement:
    """One statement with its parameters; ``inserted``: the instance an INSERT writes, whose primary key it
    returns (``returning``) or the cursor's last row id gives."""

    sql: str
    params: list
    inserted: Model | None = None
    returning: bool = False


def insert_statement(obj: Model) -> Statement:
    """The insert of the instance's row, as ``save()`` would write it (run it with ``run``)."""
    sql, returning = _insert_sql(type(obj), connection.vendor)
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for field in obj._meta.concrete_fields
        if not field.primary_key
    ]
    return Statement(sql, params, inserted=obj, returning=returning)


def update_statement(obj: Model, names: Sequence[str]) -> Statement:
    """The update of these fields of the instance's row, as ``save(update_fields=names)`` would write them."""
    fields: list[Any] = [obj._meta.get_field(name) for name in names]
    assignments = ", ".join(f"{_column(field)} = %s" for field in fields)
    sql = f"UPDATE {_table(type(obj))} SET {assignments} WHERE {_column(obj._meta.pk)} = %s"
    params = [field.get_db_prep_save(field.pre_save(obj, False), connection) for field in fields]
    return Statement(sql, [*params, obj.pk])


def run(*statements: Statement) -> None:
    """Run the statements in order, in one round trip where the backend allows it, and set the primary key of
    each instance inserted. No model signals are sent: none is connected to the practice tables
    (interview.signals watches the bank's)."""
    if len(statements) > 1 and connection.vendor == "postgresql":
        _run_together(statements)
        return
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.sql, statement.params)
            if statement.inserted is not None:
                _inserted(
                    statement.inserted, cursor.fetchone()[0] if statement.returning else cursor.lastrowid
                )


def _run_together(statements: Sequence[Statement]) -> None:
    """PostgreSQL's one round trip. With server-side binding (the settings' default) each statement stays a
    statement of its own, so that psycopg can prepare it, and its pipeline mode sends them all before reading
    any result. With client-side binding (DATABASE_PREPARED_STATEMENTS=false) they go as one query of several
    statements, which a pipeline would refuse (the extended protocol it uses takes one statement a query)."""
    from psycopg import ClientCursor

    with connection.cursor() as cursor:
        if isinstance(cursor.cursor, ClientCursor):
            cursor.execute("; ".join(s.sql for s in statements), [p for s in statements for p in s.params])
            for index, statement in enumerate(statements):
                if index:
                    cursor.nextset()  # each statement's result, in order
                if statement.inserted is not None:
                    _inserted(statement.inserted, cursor.fetchone()[0])  # PostgreSQL returns it
            return
    # A cursor a statement: a cursor keeps only its last statement's result. A failure can surface when the
    # pipeline syncs, outside the cursors' execute: wrapped here as Django's error, as execute would be.
    with contextlib.ExitStack() as open_cursors:
        cursors = [open_cursors.enter_context(connection.cursor()) for _ in statements]
        with connection.wrap_database_errors, connection.connection.pipeline():
            for statement, cursor in zip(statements, cursors, strict=True):
                cursor.execute(statement.sql, statement.params)
        for statement, cursor in zip(statements, cursors, strict=True):
            if statement.inserted is not None:
                _inserted(statement.inserted, cursor.fetchone()[0])


def _inserted(obj: Model, pk: Any) -> None:
    obj.pk = pk
    obj._state.adding, obj._state.db = False, DEFAULT_DB_ALIAS


def row_insert(obj: M) -> M:
    """Insert the instance's row as ``save()`` would and set its primary key (see ``run``)."""
    run(insert_statement(obj))
    return obj


def row_update(obj: Model, names: Sequence[str]) -> None:
    """Write these fields of the instance's row, as ``save(update_fields=names)`` would (see ``run``)."""
    run(update_statement(obj, names))


def _first_row(sql: str, params: list) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _for_update(of: str = "") -> str:
    if not connection.features.has_select_for_update:
        return ""
    return f" FOR UPDATE OF {of}" if of else " FOR UPDATE"


@dataclass(frozen=True)
class ShowingToGrade:
    showing: Showing  # with its question and session
    already_rated: bool
    content_version: str | None  # the bank's version, read with the question


def showing_to_grade(user: User, token: str) -> ShowingToGrade | None:
    """The user's showing of this token with its question and session, whether it has an attempt and the
    bank's version: a plain read, one query."""
    width = (len(Showing._meta.concrete_fields), len(Question._meta.concrete_fields))
    sql = (
        f"SELECT {columns(Showing, 'sh')}, {columns(Question, 'q')}, {columns(PracticeSession, 's')},"
        f" EXISTS(SELECT 1 FROM {_table(Attempt)} a WHERE a.showing_id = sh.id),"
        f" (SELECT v.token FROM {_table(ContentVersion)} v ORDER BY v.id LIMIT 1)"
        f" FROM {_table(Showing)} sh"
        f" JOIN {_table(Question)} q ON q.id = sh.question_id"
        f" JOIN {_table(PracticeSession)} s ON s.id = sh.session_id"
        f" WHERE sh.token = %s AND sh.user_id = %s"
    )
    row = _first_row(sql, [token, user.pk])
    if row is None:
        return None
    showing = instance(Showing, row[: width[0]])
    showing.question = instance(Question, row[width[0] : sum(width)])
    showing.session = instance(PracticeSession, row[sum(width) : -2])
    return ShowingToGrade(showing=showing, already_rated=bool(row[-2]), content_version=row[-1])


def session_locked_by_showing(user: User, token: str) -> PracticeSession | None:
    """The session of the user's showing of this token, its row locked (None: no such showing)."""
    sql = (
        f"SELECT {columns(PracticeSession, 's')} FROM {_table(PracticeSession)} s"
        f" WHERE s.id = (SELECT sh.session_id FROM {_table(Showing)} sh WHERE sh.token = %s AND sh.user_id = %s)"
        f"{_for_update()}"
    )
    row = _first_row(sql, [token, user.pk])
    return None if row is None else instance(PracticeSession, row)


@dataclass(frozen=True)
class LockedShowing:
    showing: Showing
    already_rated: bool
    schedule: ReviewState | None  # None: the question was never practised


def showing_locked_with_schedule(user: User, token: str) -> LockedShowing | None:
    """The user's showing of this token, whether it has an attempt, and the user's schedule row of its
    question, both rows locked: one query.

    Lock its session first (session_locked_by_showing): this statement, run after that lock, then sees every
    attempt of the showing committed before it.
    """
    state = columns(ReviewState, "r")
    if connection.vendor == "postgresql":
        # PostgreSQL locks no row of an outer join's nullable side: the schedule row is locked in its own
        # subquery (at most one row: one per user and question).
        schedule = (
            f"LEFT JOIN LATERAL (SELECT {state} FROM {_table(ReviewState)} r"
            f" WHERE r.user_id = sh.user_id AND r.question_id = sh.question_id FOR UPDATE) r ON TRUE"
        )
    else:
        schedule = (
            f"LEFT JOIN {_table(ReviewState)} r ON r.user_id = sh.user_id AND r.question_id = sh.question_id"
        )
    width = len(Showing._meta.concrete_fields)
    sql = (
        f"SELECT {columns(Showing, 'sh')}, EXISTS(SELECT 1 FROM {_table(Attempt)} a WHERE a.showing_id = sh.id),"
        f" {state} FROM {_table(Showing)} sh {schedule}"
        f" WHERE sh.token = %s AND sh.user_id = %s{_for_update('sh')}"
    )
    row = _first_row(sql, [token, user.pk])
    if row is None:
        return None
    return LockedShowing(
        showing=instance(Showing, row[:width]),
        already_rated=bool(row[width]),
        schedule=None if row[width + 1] is None else instance(ReviewState, row[width + 1 :]),
    )


def session_locked_with_user(session_id: int) -> PracticeSession:
    """The session with its user, the session's row locked (the user's is not)."""
    width = len(PracticeSession._meta.concrete_fields)
    sql = (
        f"SELECT {columns(PracticeSession, 's')}, {columns(User, 'u')} FROM {_table(PracticeSession)} s"
        f" JOIN {_table(User)} u ON u.id = s.user_id WHERE s.id = %s{_for_update('s')}"
    )
    row = _first_row(sql, [session_id])
    if row is None:
        raise PracticeSession.DoesNotExist(f"No practice session {session_id}.")
    session = instance(PracticeSession, row[:width])
    session.user = instance(User, row[width:])
    return session


def showing_or_question_at(
    session: PracticeSession, question_id: int, user: User, today_start: datetime
) -> tuple[Showing | None, Question | None]:
    """The session's showing at its position (with its question and guide), else the question ``question_id``
    with its guide if it may be shown: active and not buried (no sibling of it shown to ``user`` since
    ``today_start``, as selectors.practice.not_buried). One query; a plain read."""
    quote = connection.ops.quote_name
    showing_width = len(Showing._meta.concrete_fields)
    question_width = len(Question._meta.concrete_fields)
    sql = (
        f"SELECT {columns(Showing, 'sh')}, {columns(Question, 'q')}, {columns(Guide, 'g')},"
        # The question's few sibling links first, each counting the user's showings of that sibling today
        # through showing_user_question_time. Written as a join, or as an EXISTS (PostgreSQL turns it into a
        # join, or plans it to stop at a first row a scan of the table would find), the plan could read all
        # the user's showings of the day, or the whole table; a count is planned to read its rows by index.
        f" q.is_active AND NOT EXISTS(SELECT 1 FROM {_table(SiblingLink)} l WHERE l.from_question_id = q.id"
        f" AND (SELECT COUNT(*) FROM {_table(Showing)} shown WHERE shown.user_id = %s"
        f" AND shown.question_id = l.to_question_id AND shown.shown_at >= %s) > 0)"
        f" FROM (SELECT CAST(%s AS BIGINT) AS wanted) w"
        f" LEFT JOIN {_table(Showing)} sh ON sh.session_id = %s AND sh.position = %s"
        f" JOIN {_table(Question)} q ON q.id = COALESCE(sh.question_id, w.wanted)"
        f" JOIN {_table(Guide)} g ON g.id = q.{quote('guide_id')}"
    )
    params = [
        user.pk,
        connection.ops.adapt_datetimefield_value(today_start),
        question_id,
        session.pk,
        session.position,
    ]
    row = _first_row(sql, params)
    if row is None:  # the queue's question is gone
        return None, None
    question = instance(Question, row[showing_width : showing_width + question_width])
    question.guide = instance(Guide, row[showing_width + question_width : -1])
    if row[0] is not None:
        showing = instance(Showing, row[:showing_width])
        showing.question = question
        return showing, None
    return None, question if row[-1] else None
