"""The hottest write path, recording an attempt, carries only the indexes its reads need."""

import pytest
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
