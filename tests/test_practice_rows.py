"""The practice step's written-out SQL (interview/services/practice_rows.py) reads and writes rows as the ORM
does, on PostgreSQL and SQLite, and its locks keep answers given at once correct."""

import contextlib
import re
import threading
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.forms.models import model_to_dict

from interview.models import (
    Attempt,
    DailyActivity,
    PracticeMode,
    PracticeSession,
    Question,
    Rating,
    ReviewState,
)
from interview.services import practice_rows as rows
from interview.services.practice import attempt_record, showing_current

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=dt_timezone.utc)


def fields_of(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


@contextlib.contextmanager
def cursors_binding(binding: str):
    """This connection's cursors bind parameters on the server (prepared statements, the settings' default)
    or on the client (DATABASE_PREPARED_STATEMENTS=false), for the block; SQLite's are left as they are."""
    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg import ClientCursor

    connection.ensure_connection()
    settings_cursor = connection.connection.cursor_factory
    connection.connection.cursor_factory = ServerBindingCursor if binding == "server" else ClientCursor
    try:
        yield
    finally:
        connection.connection.cursor_factory = settings_cursor


def test_rows_read_as_the_orm_reads_them(learner, ml_guide):
    question = Question.objects.order_by("pk").first()
    session = PracticeSession.objects.create(
        user=learner, mode=PracticeMode.TOPIC, queue=[question.pk, question.pk], started_at=NOW
    )
    showing = showing_current(session=session, now=NOW)
    locked = rows.session_locked_with_user(session.pk)
    assert fields_of(locked) == fields_of(PracticeSession.objects.get(pk=session.pk))
    assert locked.queue == [question.pk, question.pk] and locked.started_at == NOW  # JSON and an aware moment
    assert fields_of(locked.user) == fields_of(learner)

    read = rows.showing_to_grade(learner, showing.token)
    assert read is not None and not read.already_rated
    assert fields_of(read.showing) == fields_of(showing)
    assert fields_of(read.showing.question) == fields_of(question)
    assert read.content_version is None or isinstance(read.content_version, str)

    attempt_record(user=learner, token=showing.token, rating=Rating.GOOD, now=NOW)
    state = ReviewState.objects.get(user=learner, question=question)
    assert rows.session_locked_by_showing(learner, showing.token).position == 1
    locked_showing = rows.showing_locked_with_schedule(learner, showing.token)
    assert locked_showing.already_rated
    assert fields_of(locked_showing.schedule) == fields_of(state)


def test_a_token_of_another_user_reads_nothing(learner, stranger, ml_guide):
    session = PracticeSession.objects.create(
        user=learner, mode=PracticeMode.TOPIC, queue=[Question.objects.first().pk], started_at=NOW
    )
    showing = showing_current(session=session, now=NOW)
    assert rows.showing_to_grade(stranger, showing.token) is None
    assert rows.session_locked_by_showing(stranger, showing.token) is None
    assert rows.showing_locked_with_schedule(stranger, showing.token) is None
    with pytest.raises(ValidationError):
        attempt_record(user=stranger, token=showing.token, rating=Rating.GOOD, now=NOW)


def test_statements_run_together_write_every_row_and_give_each_insert_its_key(learner, ml_guide):
    first, second = Question.objects.order_by("pk")[:2]
    session = PracticeSession.objects.create(user=learner, mode=PracticeMode.TOPIC, queue=[], started_at=NOW)
    states = [ReviewState(user=learner, question=question, due=NOW) for question in (first, second)]
    session.position = 5
    rows.run(
        rows.insert_statement(states[0]),
        rows.update_statement(session, ["position"]),
        rows.insert_statement(states[1]),
    )
    assert [model_to_dict(ReviewState.objects.get(pk=state.pk))["question"] for state in states] == [
        first.pk,
        second.pk,
    ]
    assert PracticeSession.objects.get(pk=session.pk).position == 5
    assert not states[0]._state.adding


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one statement a call")
@pytest.mark.parametrize("binding", ["server", "client"])
def test_statements_run_together_reach_postgresql_in_one_round_trip(learner, ml_guide, binding):
    """Prepared statements (the settings' default) go out together in psycopg's pipeline mode; a client-side
    binding cursor (DATABASE_PREPARED_STATEMENTS=false) sends them as one query."""
    from psycopg import pq

    sent: list[tuple[str, bool]] = []

    def watch(execute, sql, params, many, context):
        in_pipeline = connection.connection.pgconn.pipeline_status != pq.PipelineStatus.OFF
        sent.append((sql, in_pipeline))
        return execute(sql, params, many, context)

    question = Question.objects.order_by("pk").first()
    session = PracticeSession.objects.create(user=learner, mode=PracticeMode.TOPIC, queue=[], started_at=NOW)
    state = ReviewState(user=learner, question=question, due=NOW)
    session.position = 3
    with cursors_binding(binding), connection.execute_wrapper(watch):
        rows.run(rows.insert_statement(state), rows.update_statement(session, ["position"]))
    if binding == "server":
        assert [in_pipeline for _, in_pipeline in sent] == [True, True]
    else:
        assert len(sent) == 1 and sent[0][0].count(";") == 1 and not sent[0][1]
    assert ReviewState.objects.get(pk=state.pk).question_id == question.pk
    assert PracticeSession.objects.get(pk=session.pk).position == 3


@pytest.mark.parametrize("binding", ["server", "client"])
def test_a_statement_that_fails_among_others_raises_djangos_error_and_writes_nothing(
    learner, ml_guide, binding
):
    """In a pipeline the failure can surface only when it syncs: it is still Django's IntegrityError, and the
    savepoint around the writes rolls them all back."""
    from django.db import IntegrityError, transaction

    question = Question.objects.order_by("pk").first()
    session = PracticeSession.objects.create(user=learner, mode=PracticeMode.TOPIC, queue=[], started_at=NOW)
    ReviewState.objects.create(user=learner, question=question, due=NOW)
    session.position = 4
    with cursors_binding(binding), pytest.raises(IntegrityError), transaction.atomic():
        rows.run(
            rows.update_statement(session, ["position"]),
            rows.insert_statement(ReviewState(user=learner, question=question, due=NOW)),  # a second one
        )
    assert PracticeSession.objects.get(pk=session.pk).position == 0
    assert ReviewState.objects.filter(user=learner, question=question).count() == 1


def test_written_rows_fill_automatic_dates_as_save_does(learner, ml_guide):
    """An update writes an auto_now field as save(update_fields=...) does: with the time of the write."""
    from interview.models import QuestionNote

    note = QuestionNote.objects.create(user=learner, question=Question.objects.first(), text="First.")
    QuestionNote.objects.filter(pk=note.pk).update(updated_at=NOW)
    note.refresh_from_db()
    note.text = "Second."
    rows.row_update(note, ["text", "updated_at"])
    stored = QuestionNote.objects.get(pk=note.pk)
    assert stored.text == "Second."
    assert stored.updated_at > NOW


def test_an_answer_locks_the_session_then_the_showing_with_its_schedule_row(learner, ml_guide, on_postgresql):
    """One lock order everywhere (session first, as Finish session and next): SQLite has no row locks."""
    from django.test.utils import CaptureQueriesContext

    session = PracticeSession.objects.create(
        user=learner, mode=PracticeMode.TOPIC, queue=[Question.objects.first().pk], started_at=NOW
    )
    token = showing_current(session=session, now=NOW).token
    with CaptureQueriesContext(connection) as captured:
        attempt_record(user=learner, token=token, rating=Rating.GOOD, now=NOW)
    locks = [query["sql"] for query in captured.captured_queries if "FOR UPDATE" in query["sql"]]
    if not on_postgresql:
        assert locks == []  # as select_for_update() on SQLite, whose writers take the whole database
        return
    assert len(locks) == 2
    assert locks[0].startswith('SELECT s."id"') and 'FROM "interview_practicesession" s' in locks[0]
    assert 'FROM "interview_showing" sh' in locks[1] and locks[1].endswith("FOR UPDATE OF sh")
    assert 'FROM "interview_reviewstate" r' in locks[1] and "FOR UPDATE) r ON TRUE" in locks[1]


@pytest.mark.django_db(transaction=True)
def test_answers_to_one_question_in_two_sessions_at_once_both_count_on_its_schedule(learner):
    """The schedule row is locked with the showing: two tabs answering the same question at once both
    update it in turn (neither update is lost), and the day's activity counts both."""
    from tests.conftest import import_ml_guide

    import_ml_guide()
    question = Question.objects.order_by("pk").first()

    def shown(now: datetime) -> str:
        session = PracticeSession.objects.create(
            user=learner, mode=PracticeMode.TOPIC, queue=[question.pk], started_at=now
        )
        return showing_current(session=session, now=now).token

    earlier = NOW - timedelta(days=3)
    attempt_record(user=learner, token=shown(earlier), rating=Rating.GOOD, now=earlier)
    tokens = [shown(NOW), shown(NOW)]
    results: list[str] = []
    barrier = threading.Barrier(2)

    def rate(token: str) -> None:
        try:
            barrier.wait()
            attempt_record(user=learner, token=token, rating=Rating.GOOD, now=NOW)
            results.append("recorded")
        except OperationalError:
            # SQLite's in-memory test database locks whole tables and fails at once instead of waiting.
            results.append("locked")
        finally:
            connection.close()

    threads = [threading.Thread(target=rate, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    recorded = results.count("recorded")
    if connection.vendor == "postgresql":
        assert recorded == 2  # the second waits for the first's schedule row, then builds on it
    state = ReviewState.objects.get(user=learner, question=question)
    assert state.reviews == 1 + recorded == Attempt.objects.filter(user=learner).count()
    assert sum(DailyActivity.objects.filter(user=learner).values_list("attempts", flat=True)) == 1 + recorded


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan read is PostgreSQL's EXPLAIN")
def test_burial_probes_each_sibling_through_the_index_not_the_learners_whole_day(learner, stranger, ml_guide):
    """However many questions the learner was shown today, showing a question costs one index probe per
    sibling link: the showings are reached by user, question and time together, never by user alone."""
    from django.test.utils import CaptureQueriesContext

    from interview.models import Showing

    link = Question.siblings.through.objects.order_by("pk").first()
    first = Question.objects.get(pk=link.from_question_id)
    others = list(Question.objects.exclude(pk=first.pk).order_by("pk")[:40])
    busy = PracticeSession.objects.create(user=learner, mode=PracticeMode.TOPIC, queue=[], started_at=NOW)
    Showing.objects.bulk_create(
        Showing(user=learner, question=question, session=busy, position=index, shown_at=NOW)
        for index, question in enumerate(others * 5)
    )
    # As in production, a question has been shown to many learners: reached by its question alone, a
    # sibling's showings would be read for everyone and filtered.
    elsewhere = PracticeSession.objects.create(
        user=stranger, mode=PracticeMode.TOPIC, queue=[], started_at=NOW
    )
    Showing.objects.bulk_create(
        Showing(user=stranger, question=question, session=elsewhere, position=index, shown_at=NOW)
        for index, question in enumerate(list(Question.objects.filter(pk=link.to_question_id)) * 400)
    )
    session = PracticeSession.objects.create(
        user=learner, mode=PracticeMode.TOPIC, queue=[first.pk], started_at=NOW
    )
    with CaptureQueriesContext(connection) as captured:
        _, question = rows.showing_or_question_at(session, first.pk, learner, NOW - timedelta(hours=12))
    assert question is None  # a sibling of it was among the day's showings: buried
    (probe,) = [query["sql"] for query in captured.captured_queries]
    with connection.cursor() as cursor:
        # Priced out for this test's transaction: a plan that still scans has no index to use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        # Statistics of the rows above, as autovacuum keeps them: without any, the planner priced the
        # question's own index the same as the composite one and picked either.
        cursor.execute("ANALYZE interview_showing")
        cursor.execute("EXPLAIN " + probe)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # A plain, index-only or bitmap index scan, as the planner prices them; each keyed on the learner, the
    # sibling and the day together.
    assert re.search(r"Index (Only )?Scan (using|on) showing_user_question_time\b", plan), plan
    assert re.search(r"Index Cond: \(\(user_id = \d+\) AND \(question_id = l\.to_question_id\)", plan), plan
