"""The schema the migrations build is the models' own, and the hottest write path, recording an attempt,
carries only the indexes its reads need."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from interview.models import Attempt


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
