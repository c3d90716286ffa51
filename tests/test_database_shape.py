"""The schema the migrations build is the models' own, and the hottest write path, recording an attempt,
carries only the indexes its reads need."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from interview.models import Attempt, Showing


@pytest.mark.django_db
def test_the_attempts_table_has_no_redundant_index():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Attempt._meta.db_table)
    indexed = sorted(
        tuple(info["columns"])
        for info in constraints.values()
        if (info["index"] or info["unique"]) and not info["primary_key"]
    )
    assert indexed == sorted(
        [
            ("showing_id",),
            ("question_id",),  # a question with attempts cannot be deleted: the check must not scan
            ("session_id",),  # deleting a session clears its attempts' link
            ("user_id", "created_at"),
            ("user_id", "question_id", "created_at"),
            ("assignment_id", "user_id", "question_id"),
        ]
    )


@pytest.mark.django_db
def test_the_migrations_build_exactly_the_models():
    """A model changed without its migration would reach production as a schema the code does not expect."""
    output = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=output)  # exits with 1 on a change
    assert output.getvalue().strip() == "No changes detected"


def _showing_indexes() -> set[tuple[str, ...]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Showing._meta.db_table)
    return {
        tuple(info["columns"])
        for info in constraints.values()
        if info["index"] and not info["unique"] and not info["primary_key"]
    }


@pytest.mark.django_db(transaction=True)  # CONCURRENTLY refuses to run inside a transaction
def test_the_showings_index_is_swapped_without_locking_out_the_learners_writes():
    """Migration 0017 replaces the showings' index on the user with one on user, question and time: built
    before the old one is dropped, both CONCURRENTLY on PostgreSQL, and undone as cleanly."""
    before, after = ("interview", "0016_content_version"), ("interview", "0017_showing_user_question_index")
    with CaptureQueriesContext(connection) as undone:
        MigrationExecutor(connection).migrate([before])
    assert ("user_id",) in _showing_indexes()
    assert ("user_id", "question_id", "shown_at") not in _showing_indexes()

    with CaptureQueriesContext(connection) as done:
        MigrationExecutor(connection).migrate([after])
    assert ("user_id", "question_id", "shown_at") in _showing_indexes()
    assert ("user_id",) not in _showing_indexes()

    if connection.vendor == "postgresql":  # (SQLite rebuilds the table, and nothing else writes to it)
        for captured in (done, undone):
            schema = [query["sql"] for query in captured if " INDEX " in query["sql"]]
            # The new index first: the reads by user are never left without one.
            assert [sql.split(" ", 1)[0] for sql in schema] == ["CREATE", "DROP"], schema
            assert all(" INDEX CONCURRENTLY " in sql for sql in schema), schema
